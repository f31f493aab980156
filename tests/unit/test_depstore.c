/* Tests for src/depstore: resolution and placement on fixture packuments
 * (no registry), and store entries against their manifests. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "depstore/depstore.h"
#include "fetch/hash.h"
#include "util/xalloc.h"
#include "tmpdir.h"

/* name, version, the version's other fields (JSON members) */
static const struct {
	const char *name, *version, *extra;
} fixture[] = {
	{"a", "1.0.0", "\"dependencies\":{\"c\":\"^1.0.0\"}"},
	{"b", "1.0.0", "\"dependencies\":{\"c\":\"^2.0.0\",\"a\":\"^1.0.0\"}"},
	{"c", "1.0.0", ""},
	{"c", "1.1.0", ""},
	{"c", "2.0.0", ""},
	{"c", "3.0.0-rc.1", ""},
	{"esb", "1.0.0",
	 "\"optionalDependencies\":{\"@esb/linux\":\"1.0.0\",\"@esb/darwin\":\"1.0.0\"}"},
	{"@esb/linux", "1.0.0", "\"os\":[\"linux\"]"},
	{"@esb/darwin", "1.0.0", "\"os\":[\"darwin\"]"},
	{"notwin", "1.0.0", "\"os\":[\"!linux\"]"},
	{"plugin", "1.0.0",
	 "\"peerDependencies\":{\"host\":\"^1.0.0\",\"extra\":\"^1.0.0\"},"
	 "\"peerDependenciesMeta\":{\"extra\":{\"optional\":true}}"},
	{"host", "1.0.0", ""},
	{"host", "2.0.0", ""},
	{"extra", "1.0.0", ""},
	{"gitdep", "1.0.0", "\"dependencies\":{\"x\":\"github:someone/x\"}"},
	{"self-user", "1.0.0", "\"dependencies\":{\"target\":\"^2.0.0\"}"},
	{"self-user", "2.0.0", "\"dependencies\":{\"target\":\"^1.0.0\"}"},
	{"target", "1.0.0", ""},
	{"target", "2.0.0", ""},
	{"nest", "1.0.0", "\"dependencies\":{\"inner\":\"^2.0.0\",\"c\":\"^1.0.0\"}"},
	{"inner", "1.0.0", ""},
	{"inner", "2.0.0", "\"dependencies\":{\"c\":\"^2.0.0\"}"},
	{"bundler", "1.0.0", "\"dependencies\":{\"c\":\"^2.0.0\"},\"bundleDependencies\":[\"c\"]"},
	{"tagged", "1.0.0", "\"dependencies\":{\"c\":\"next\"}"},
};

/* The packument of |name| built from the table. */
static json_t *get(void *arg, const char *name, char *err, size_t errlen)
{
	json_t *versions = json_object(), *tags = json_object();
	const char *latest = NULL;

	(*(int *)arg)++;
	for (size_t i = 0; i < sizeof(fixture) / sizeof(fixture[0]); i++) {
		if (strcmp(fixture[i].name, name) != 0)
			continue;
		char *s = xasprintf("{\"name\":\"%s\",\"version\":\"%s\",\"dist\":{\"tarball\":"
				    "\"http://r/%s.tgz\",\"integrity\":\"sha512-AAAA\"}%s%s}",
				    name, fixture[i].version, name, fixture[i].extra[0] ? "," : "",
				    fixture[i].extra);
		json_t *v = json_loads(s, 0, NULL);
		assert_non_null(v);
		free(s);
		json_object_set_new(versions, fixture[i].version, v);
		if (!strchr(fixture[i].version, '-'))
			latest = fixture[i].version;
	}
	if (!latest) {
		json_decref(versions);
		json_decref(tags);
		snprintf(err, errlen, "unknown package '%s'", name);
		return NULL;
	}
	json_object_set_new(tags, "latest", json_string(latest));
	if (!strcmp(name, "c"))
		json_object_set_new(tags, "next", json_string("3.0.0-rc.1"));
	return json_pack("{s:s, s:o, s:o}", "name", name, "dist-tags", tags, "versions", versions);
}

/* The layout of |deps|, or "ERROR: <err>". */
static char *layout(const struct depstore_dep *deps, size_t n, const char *root,
		    struct depstore_stats *st)
{
	char err[512] = "";
	int calls = 0;
	struct depstore_tree *t = depstore_resolve(deps, n, root, root ? "1.0.0" : NULL, get,
						   &calls, st, err, sizeof(err));
	char *s;

	if (!t)
		return xasprintf("ERROR: %s", err);
	s = depstore_tree_layout(t);
	depstore_tree_free(t);
	return s;
}

static void test_hoist_and_nest(void **state)
{
	(void)state;
	struct depstore_dep deps[] = {{"a", "^1.0.0", false}, {"b", "1", false}};
	struct depstore_stats st = {0};
	char *s = layout(deps, 2, NULL, &st);

	/* a's c@1 goes to the top; b's c@^2 cannot, and nests; b's a is the top one */
	assert_string_equal(s, "node_modules/a 1.0.0\n"
			       "node_modules/b 1.0.0\n"
			       "node_modules/b/node_modules/c 2.0.0\n"
			       "node_modules/c 1.1.0\n");
	assert_int_equal(st.packages, 4);
	free(s);
}

static void test_optional_platform(void **state)
{
	(void)state;
	struct depstore_dep deps[] = {
		{"esb", "^1", false}, {"notwin", "1.0.0", true}, {"missing-opt", "^1", true}};
	struct depstore_stats st = {0};
	char *s = layout(deps, 3, NULL, &st);

	/* the linux one only, as npm installs @esbuild/linux-x64 alone; an
	 * optional one the registry lacks is skipped */
	assert_string_equal(s, "node_modules/@esb/linux 1.0.0\nnode_modules/esb 1.0.0\n");
	assert_int_equal(st.skipped, 3);
	free(s);

	struct depstore_dep req[] = {{"notwin", "1.0.0", false}};
	s = layout(req, 1, NULL, NULL);
	assert_string_equal(s, "ERROR: 'notwin@1.0.0' (a dependency of 'the package') is for "
			       "another platform");
	free(s);
}

static void test_peers(void **state)
{
	(void)state;
	struct depstore_dep deps[] = {{"plugin", "^1", false}};
	char *s = layout(deps, 1, NULL, NULL);

	/* the required peer is installed beside it, the optional one is not */
	assert_string_equal(s, "node_modules/host 1.0.0\nnode_modules/plugin 1.0.0\n");
	free(s);

	struct depstore_dep clash[] = {{"host", "2.0.0", false}, {"plugin", "^1", false}};
	s = layout(clash, 2, NULL, NULL);
	assert_string_equal(s, "ERROR: the peer dependency 'host@^1.0.0' of 'plugin' conflicts "
			       "with another version");
	free(s);
}

static void test_unsupported_specs(void **state)
{
	(void)state;
	struct depstore_dep deps[] = {{"gitdep", "1.0.0", false}};
	char *s = layout(deps, 1, NULL, NULL);

	assert_string_equal(s, "ERROR: 'gitdep' depends on 'x@github:someone/x', not a "
			       "registry version");
	free(s);
	struct depstore_dep unknown[] = {{"nope", "^1", false}};
	s = layout(unknown, 1, NULL, NULL);
	assert_string_equal(s, "ERROR: unknown package 'nope'");
	free(s);
	struct depstore_dep badver[] = {{"c", "^9", false}};
	s = layout(badver, 1, NULL, NULL);
	assert_string_equal(s, "ERROR: no version of 'c' matches '^9'");
	free(s);
}

static void test_target_reserved(void **state)
{
	(void)state;
	/* the target (target@1.0.0) stands at the top: self-user needs
	 * target@^2, which nests under it */
	struct depstore_dep deps[] = {{"self-user", "1", false}};
	char *s = layout(deps, 1, "target", NULL);

	assert_string_equal(s, "node_modules/self-user 1.0.0\n"
			       "node_modules/self-user/node_modules/target 2.0.0\n");
	free(s);
	/* one that target@1.0.0 satisfies uses it */
	struct depstore_dep ok[] = {{"self-user", "2", false}};
	s = layout(ok, 1, "target", NULL);
	assert_string_equal(s, "node_modules/self-user 2.0.0\n");
	free(s);
}

static void test_no_shadowing(void **state)
{
	(void)state;
	/* nest@1 needs inner@2 (the top has inner@1) and c@1 (the top one);
	 * inner@2 needs c@2, which cannot go to nest's node_modules without
	 * taking nest's c@1 away: it goes under inner */
	struct depstore_dep deps[] = {
		{"inner", "1.0.0", false}, {"c", "1.0.0", false}, {"nest", "1", false}};
	char *s = layout(deps, 3, NULL, NULL);

	assert_string_equal(s, "node_modules/c 1.0.0\n"
			       "node_modules/inner 1.0.0\n"
			       "node_modules/nest 1.0.0\n"
			       "node_modules/nest/node_modules/inner 2.0.0\n"
			       "node_modules/nest/node_modules/inner/node_modules/c 2.0.0\n");
	free(s);
}

static void test_bundled_and_tags(void **state)
{
	(void)state;
	struct depstore_dep deps[] = {{"bundler", "1", false}, {"tagged", "1", false}};
	char *s = layout(deps, 2, NULL, NULL);

	/* bundled c is in bundler's tarball; "next" is a prerelease tag */
	assert_string_equal(s, "node_modules/bundler 1.0.0\n"
			       "node_modules/c 3.0.0-rc.1\n"
			       "node_modules/tagged 1.0.0\n");
	free(s);
}

/* A package tarball: package/package.json (bin "bin/cli.js"),
 * package/index.js, package/bin/cli.js. */
static void make_tgz(const char *path)
{
	static const struct {
		const char *name, *data;
	} files[] = {
		{"package/package.json",
		 "{\"name\":\"p\",\"version\":\"1.0.0\",\"bin\":{\"p\":\"bin/cli.js\"}}"},
		{"package/index.js", "module.exports = 1;\n"},
		{"package/bin/cli.js", "#!/usr/bin/env node\n"},
	};
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, files[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(files[i].data));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, files[i].data, strlen(files[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static void test_entry_manifest(void **state)
{
	(void)state;
	char dir[TMPDIR_MAX], entry[4096], err[512], b64[89], *sri, *tgz, *f;
	struct stat st;
	bool repaired;

	assert_int_equal(tmpdir_make(dir, "depstore"), 0);
	tgz = tmpdir_path(dir, "p.tgz");
	make_tgz(tgz);
	assert_int_equal(hash_file(tgz, NULL, b64, NULL), 0);
	sri = xasprintf("sha512-%s", b64);

	/* a tarball that does not match its integrity is never extracted */
	assert_int_equal(depstore_entry_fill(dir, "p", "1.0.0", "sha512-AAAA", tgz, entry,
					     sizeof(entry), &repaired, err, sizeof(err)),
			 DEPSTORE_UNSUPPORTED);
	assert_non_null(strstr(err, "integrity mismatch"));

	assert_int_equal(depstore_entry_fill(dir, "p", "1.0.0", sri, tgz, entry, sizeof(entry),
					     &repaired, err, sizeof(err)),
			 0);
	assert_false(repaired);
	assert_int_equal(depstore_entry_check(entry, err, sizeof(err)), 0);
	/* read-only; the bin executable */
	f = xasprintf("%s/package/index.js", entry);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	free(f);
	f = xasprintf("%s/package/bin/cli.js", entry);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0555);

	/* changed: mode, then size; missing */
	assert_int_equal(chmod(f, 0755), 0);
	assert_int_equal(depstore_entry_check(entry, err, sizeof(err)), -1);
	assert_string_equal(err, "'bin/cli.js' changed: mode");
	FILE *fp = fopen(f, "a");
	assert_non_null(fp);
	fputs("x", fp);
	fclose(fp);
	assert_int_equal(chmod(f, 0555), 0);
	assert_int_equal(depstore_entry_check(entry, err, sizeof(err)), -1);
	assert_string_equal(err, "'bin/cli.js' changed: size");
	assert_int_equal(unlink(f), 0);
	assert_int_equal(depstore_entry_check(entry, err, sizeof(err)), -1);
	assert_string_equal(err, "'bin/cli.js' missing");

	/* filled again: a damaged entry is replaced, never used */
	assert_int_equal(depstore_entry_fill(dir, "p", "1.0.0", sri, tgz, entry, sizeof(entry),
					     &repaired, err, sizeof(err)),
			 0);
	assert_true(repaired);
	assert_int_equal(depstore_entry_check(entry, err, sizeof(err)), 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, (off_t)strlen("#!/usr/bin/env node\n"));
	free(f);
	/* an intact one is kept as it is */
	assert_int_equal(depstore_entry_fill(dir, "p", "1.0.0", sri, tgz, entry, sizeof(entry),
					     &repaired, err, sizeof(err)),
			 0);
	assert_false(repaired);
	/* nothing left in tmp/ */
	f = xasprintf("%s/v1/tmp", dir);
	assert_int_equal(rmdir(f), 0);
	free(f);

	free(sri);
	free(tgz);
	assert_int_equal(tmpdir_remove(dir), 0);
}

static void test_default_dir(void **state)
{
	(void)state;
	char *d;

	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	d = depstore_default_dir();
	assert_string_equal(d, "/x/cache/snare/store");
	free(d);
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	d = depstore_default_dir();
	assert_string_equal(d, "/home/u/.cache/snare/store");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "", 1);
	assert_null(depstore_default_dir());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hoist_and_nest),
		cmocka_unit_test(test_optional_platform),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_unsupported_specs),
		cmocka_unit_test(test_target_reserved),
		cmocka_unit_test(test_no_shadowing),
		cmocka_unit_test(test_bundled_and_tags),
		cmocka_unit_test(test_entry_manifest),
		cmocka_unit_test(test_default_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
