/* Tests for src/lockfile: every lockfile format from the fixtures under
 * tests/unit/data/lockfile/, the YAML subset, and each error line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "lockfile/lockfile.h"
#include "lockfile/yaml.h"
#include "util/strbuf.h"
#include "tmpdir.h"

#define DATA "tests/unit/data/lockfile/"

/* One line per entry: "line name@version source", "+i" when it has an
 * integrity. */
static char *dump(const struct lockfile *lf)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	for (size_t i = 0; i < lf->n; i++) {
		const struct lock_entry *e = &lf->entries[i];

		strbuf_addf(&sb, "%u %s@%s %s%s\n", e->line, e->name, e->version ? e->version : "-",
			    lock_source_name(e->source), e->integrity ? " +i" : "");
	}
	return strbuf_detach(&sb, NULL);
}

static void assert_lockfile(const char *path, const char *format, const char *want)
{
	struct lockfile lf;
	char err[512] = "";
	char *got;

	assert_int_equal(lockfile_load(path, &lf, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(lf.format, format);
	assert_string_equal(lf.path, path);
	got = dump(&lf);
	assert_string_equal(got, want);
	free(got);
	lockfile_release(&lf);
}

static void assert_parse_error(const char *path, const char *text, const char *want)
{
	struct lockfile lf;
	char err[512] = "";

	assert_int_equal(lockfile_parse(path, text, strlen(text), &lf, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_null(lf.entries);
	assert_int_equal(lf.n, 0);
}

static const struct lock_entry *find(const struct lockfile *lf, const char *name,
				     const char *version)
{
	for (size_t i = 0; i < lf->n; i++)
		if (!strcmp(lf->entries[i].name, name) &&
		    (version ? lf->entries[i].version && !strcmp(lf->entries[i].version, version)
			     : !lf->entries[i].version))
			return &lf->entries[i];
	fail_msg("no entry %s@%s", name, version ? version : "-");
	return NULL;
}

/*
 * npm
 */

static void test_npm_v1(void **state)
{
	struct lockfile lf;
	char err[256];

	(void)state;
	/* nested dependencies get their own lines; an alias installs the real
	 * name; git, file and URL versions are not registry packages */
	assert_lockfile(DATA "npm-v1/package-lock.json", "package-lock.json v1",
			"7 left-pad@1.3.0 registry +i\n"
			"12 debug@2.6.9 registry +i\n"
			"21 ms@2.0.0 registry +i\n"
			"29 ms@2.1.3 registry +i\n"
			"34 left-pad@1.1.3 registry +i\n"
			"39 from-git@- git\n"
			"43 local-lib@- file\n"
			"46 remote-tgz@- url +i\n"
			"50 has-bundle@1.0.0 registry +i\n"
			"55 inner@0.1.0 bundled\n");
	assert_int_equal(lockfile_load(DATA "npm-v1/package-lock.json", &lf, err, sizeof(err)), 0);
	assert_string_equal(find(&lf, "from-git", NULL)->resolved,
			    "git+https://github.com/example/from-git.git"
			    "#0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(find(&lf, "local-lib", NULL)->resolved, "file:../local-lib");
	assert_string_equal(find(&lf, "ms", "2.0.0")->integrity,
			    "sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g=");
	lockfile_release(&lf);
}

static void test_npm_v2_v3(void **state)
{
	struct lockfile lf;
	char err[256];

	(void)state;
	/* v2: "packages" is read, "dependencies" (the same) ignored */
	assert_lockfile(DATA "npm-v2/package-lock.json", "package-lock.json v2",
			"14 left-pad@1.3.0 registry +i\n"
			"19 @scope/thing@2.0.0 registry +i\n");
	/* v3: the project, its workspace folders and the links to them are
	 * not entries; the same package at two paths is one entry */
	assert_lockfile(DATA "npm-v3/package-lock.json", "package-lock.json v3",
			"12 debug@4.3.4 registry +i\n"
			"20 ms@2.1.2 registry +i\n"
			"30 left-pad@1.1.3 registry +i\n"
			"40 outside@- link\n"
			"48 from-git@1.0.0 git\n"
			"52 remote-tgz@1.0.0 url +i\n"
			"57 local-tgz@1.0.0 file\n"
			"61 inner@0.1.0 bundled\n"
			"65 no-version@- no version\n"
			"68 bad-version@- no version\n"
			"71 --help@1.0.0 registry\n");
	assert_int_equal(lockfile_load(DATA "npm-v3/package-lock.json", &lf, err, sizeof(err)), 0);
	assert_string_equal(find(&lf, "outside", NULL)->resolved, "../outside");
	/* what the lockfile had instead of a version */
	assert_string_equal(find(&lf, "bad-version", NULL)->resolved, "^1.0.0");
	lockfile_release(&lf);
}

static void test_shrinkwrap(void **state)
{
	char **paths;
	size_t n;

	(void)state;
	assert_lockfile(DATA "shrinkwrap/npm-shrinkwrap.json", "npm-shrinkwrap.json v3",
			"6 ms@2.1.3 registry +i\n");
	/* npm uses npm-shrinkwrap.json and ignores package-lock.json */
	assert_int_equal(lockfile_find(DATA "shrinkwrap", &paths, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(paths[0], DATA "shrinkwrap/npm-shrinkwrap.json");
	free(paths[0]);
	free(paths);
}

static void test_npm_errors(void **state)
{
	(void)state;
	assert_parse_error("p/package-lock.json", "{\"lockfileVersion\": 3,\n\"packages\": {\n",
			   "malformed lockfile 'p/package-lock.json': line 3: "
			   "string or '}' expected near end of file");
	assert_parse_error("package-lock.json", "",
			   "malformed lockfile 'package-lock.json': line 1: "
			   "'[' or '{' expected near end of file");
	assert_parse_error("package-lock.json", "[]",
			   "malformed lockfile 'package-lock.json': not a JSON object");
	assert_parse_error("package-lock.json", "{\"name\": \"x\"}",
			   "malformed lockfile 'package-lock.json': no lockfileVersion");
	assert_parse_error(
		"package-lock.json", "{\"lockfileVersion\": \"2\"}",
		"malformed lockfile 'package-lock.json': lockfileVersion is not a number");
	assert_parse_error("npm-shrinkwrap.json", "{\"lockfileVersion\": 4}",
			   "unsupported lockfile 'npm-shrinkwrap.json': lockfileVersion 4 "
			   "(snare reads 1, 2 and 3)");
	assert_parse_error("package-lock.json", "{\"lockfileVersion\": 0}",
			   "unsupported lockfile 'package-lock.json': lockfileVersion 0 "
			   "(snare reads 1, 2 and 3)");
	assert_parse_error("package-lock.json", "{\"lockfileVersion\": 3}",
			   "malformed lockfile 'package-lock.json': no \"packages\" object");
	assert_parse_error("package-lock.json",
			   "{\"lockfileVersion\": 3, \"packages\": {\n"
			   "  \"node_modules/x\": {\"version\": \"1.0.0\"},\n"
			   "  \"node_modules/y\": [\n"
			   "  ]}}",
			   "malformed lockfile 'package-lock.json': entry 'node_modules/y' is not "
			   "an object");
	assert_parse_error(
		"package-lock.json",
		"{\"lockfileVersion\": 1, \"dependencies\": {\"a\": \"1.0.0\"}}",
		"malformed lockfile 'package-lock.json': dependency 'a' is not an object");
	assert_parse_error("package-lock.json", "{\"lockfileVersion\": 1, \"dependencies\": []}",
			   "malformed lockfile 'package-lock.json': \"dependencies\" is not an "
			   "object");
	assert_parse_error(
		"package-lock.json",
		"{\"lockfileVersion\": 1, \"dependencies\": {\n"
		"  \"a\": {\"version\": \"1.0.0\", \"dependencies\": 7}}}",
		"malformed lockfile 'package-lock.json': line 2: dependencies of 'a' are "
		"not an object");
}

static void test_npm_empty_project(void **state)
{
	struct lockfile lf;
	char err[256];
	const char *v1 = "{\"lockfileVersion\": 1}";
	const char *v3 = "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"x\"}}}";

	(void)state;
	assert_int_equal(lockfile_parse("package-lock.json", v1, strlen(v1), &lf, err, sizeof(err)),
			 0);
	assert_int_equal(lf.n, 0);
	lockfile_release(&lf);
	assert_int_equal(lockfile_parse("package-lock.json", v3, strlen(v3), &lf, err, sizeof(err)),
			 0);
	assert_int_equal(lf.n, 0);
	lockfile_release(&lf);
}

/* "hasInstallScript" marks the entry; its absence or a non-true value does not */
static void test_npm_install_script(void **state)
{
	struct lockfile lf;
	char err[256];
	const char *text =
		"{\"lockfileVersion\": 3, \"packages\": {\n"
		"  \"node_modules/a\": {\"version\": \"1.0.0\", \"hasInstallScript\": true},\n"
		"  \"node_modules/b\": {\"version\": \"1.0.0\"},\n"
		"  \"node_modules/c\": {\"version\": \"1.0.0\", \"hasInstallScript\": 1}}}";

	(void)state;
	assert_int_equal(
		lockfile_parse("package-lock.json", text, strlen(text), &lf, err, sizeof(err)), 0);
	assert_true(find(&lf, "a", "1.0.0")->install_script);
	assert_false(find(&lf, "b", "1.0.0")->install_script);
	assert_false(find(&lf, "c", "1.0.0")->install_script);
	lockfile_release(&lf);
}

/*
 * yarn
 */

static void test_yarn_v1(void **state)
{
	struct lockfile lf;
	char err[256];

	(void)state;
	/* entries with the same resolution are one; an alias installs the real
	 * name; the entry without a version is kept as such */
	assert_lockfile(DATA "yarn-v1/yarn.lock", "yarn.lock v1",
			"5 @babel/code-frame@7.12.13 registry +i\n"
			"12 left-pad@1.3.0 registry +i\n"
			"22 left-pad@1.1.3 registry\n"
			"26 from-git@- git\n"
			"30 shorthand@- git\n"
			"34 local-lib@- file\n"
			"37 remote-tgz@- url\n"
			"41 no-version@- no version\n");
	assert_int_equal(lockfile_load(DATA "yarn-v1/yarn.lock", &lf, err, sizeof(err)), 0);
	assert_string_equal(find(&lf, "local-lib", NULL)->resolved, "file:../local-lib");
	assert_string_equal(
		find(&lf, "left-pad", "1.3.0")->integrity,
		"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEZZZGrv0wJdVnDU9wOwN1nEdPBtH"
		"XAZ7JQ5iaFT0UMG3w==");
	lockfile_release(&lf);
}

static void test_yarn_berry(void **state)
{
	struct lockfile lf;
	char err[256];

	(void)state;
	/* the workspace is the project itself; a patched package is the
	 * package it patches; Yarn's checksums are not tarball SRIs */
	assert_lockfile(DATA "yarn-berry/yarn.lock", "yarn.lock berry",
			"8 @babel/code-frame@7.12.13 registry\n"
			"17 left-pad@1.3.0 registry\n"
			"24 left-pad@1.1.3 registry\n"
			"38 typescript@4.9.5 registry\n"
			"47 from-git@- git\n"
			"53 linked@- link\n"
			"59 local-lib@- file\n");
	assert_int_equal(lockfile_load(DATA "yarn-berry/yarn.lock", &lf, err, sizeof(err)), 0);
	assert_string_equal(find(&lf, "linked", NULL)->resolved, "link:../linked");
	lockfile_release(&lf);
}

static void test_yarn_errors(void **state)
{
	(void)state;
	assert_parse_error("yarn.lock", "left-pad@^1.0.0\n  version \"1.0.0\"\n",
			   "malformed lockfile 'yarn.lock': line 1: expected an entry such as "
			   "'name@range:'");
	assert_parse_error("yarn.lock", "# yarn lockfile v1\n\"left-pad@^1.0.0:\n",
			   "malformed lockfile 'yarn.lock': line 2: unterminated quoted string");
	assert_parse_error(
		"yarn.lock", "  version \"1.0.0\"\n",
		"malformed lockfile 'yarn.lock': line 1: indented line outside an entry");
	assert_parse_error("yarn.lock", "a@^1:\n\tversion \"1.0.0\"\n",
			   "malformed lockfile 'yarn.lock': line 2: tab in indentation");
	assert_parse_error("yarn.lock", "a@^1:\n  version \"1.0.0\n",
			   "malformed lockfile 'yarn.lock': line 2: unterminated quoted string");
	assert_parse_error("yarn.lock", "a@^1:\n  version \"1.0.0\" x\n",
			   "malformed lockfile 'yarn.lock': line 2: unexpected text after a quoted "
			   "string");
	assert_parse_error("yarn.lock",
			   "__metadata:\n  version: 6\n\"a@npm:^1\":\n  version: 1.0.0\n"
			   "   resolution: \"a@npm:1.0.0\"\n",
			   "malformed lockfile 'yarn.lock': line 5: unexpected indentation");
	assert_parse_error("yarn.lock", "__metadata:\n  version: 6\na@npm:^1: 1.0.0\n",
			   "malformed lockfile 'yarn.lock': line 3: entry 'a@npm:^1' is not a "
			   "mapping");
}

static void test_yarn_berry_without_resolution(void **state)
{
	struct lockfile lf;
	char err[256];
	const char *t =
		"__metadata:\n  version: 6\n\n\"a@npm:^1, a@npm:^1.1\":\n  version: 1.1.0\n";

	(void)state;
	assert_int_equal(lockfile_parse("yarn.lock", t, strlen(t), &lf, err, sizeof(err)), 0);
	assert_int_equal(lf.n, 1);
	assert_string_equal(lf.entries[0].name, "a");
	assert_int_equal(lf.entries[0].source, LOCK_NO_VERSION);
	assert_int_equal(lf.entries[0].line, 4);
	lockfile_release(&lf);
}

/*
 * pnpm
 */

static void test_pnpm(void **state)
{
	struct lockfile lf;
	char err[256];

	(void)state;
	/* peer suffixes are dropped (one @babel/core); links to directories
	 * come from the importers */
	assert_lockfile(DATA "pnpm-v5/pnpm-lock.yaml", "pnpm-lock.yaml v5",
			"17 left-pad@1.3.0 registry +i\n"
			"22 @babel/core@7.20.0 registry +i\n"
			"35 from-git@- git\n"
			"41 local-lib@- file\n"
			"0 linked@- link\n");
	/* links to the project's own importers are not entries */
	assert_lockfile(DATA "pnpm-v6/pnpm-lock.yaml", "pnpm-lock.yaml v6",
			"35 left-pad@1.3.0 registry +i\n"
			"40 ms@2.1.3 registry +i\n"
			"44 @babel/core@7.20.0 registry +i\n"
			"50 from-git@- git\n"
			"56 remote-tgz@- url\n"
			"0 tools@- link\n"
			"0 far@- link\n");
	assert_lockfile(DATA "pnpm-v9/pnpm-lock.yaml", "pnpm-lock.yaml v9",
			"29 @scope/thing@2.0.0 registry +i\n"
			"32 left-pad@1.3.0 registry +i\n"
			"36 local-lib@- file\n"
			"39 from-git@- git\n"
			"43 esbuild@0.19.0 registry +i\n"
			"0 linked@- link\n");
	assert_int_equal(lockfile_load(DATA "pnpm-v9/pnpm-lock.yaml", &lf, err, sizeof(err)), 0);
	assert_string_equal(find(&lf, "local-lib", NULL)->resolved, "../local-lib");
	assert_string_equal(find(&lf, "from-git", NULL)->resolved,
			    "https://codeload.github.com/example/from-git/tar.gz/"
			    "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(find(&lf, "@scope/thing", "2.0.0")->integrity, "sha512-dddd");
	lockfile_release(&lf);
}

static void test_pnpm_errors(void **state)
{
	(void)state;
	assert_parse_error(
		"x/pnpm-lock.yaml",
		"lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n"
		"    resolution: {integrity: sha512-x\n",
		"malformed lockfile 'x/pnpm-lock.yaml': line 4: unterminated flow mapping");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: '4.0'\n",
			   "unsupported lockfile 'pnpm-lock.yaml': lockfileVersion '4.0' "
			   "(snare reads 5.x to 9.x)");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: next\n",
			   "unsupported lockfile 'pnpm-lock.yaml': lockfileVersion 'next' "
			   "(snare reads 5.x to 9.x)");
	assert_parse_error("pnpm-lock.yaml", "packages: {}\n",
			   "malformed lockfile 'pnpm-lock.yaml': no lockfileVersion");
	assert_parse_error("pnpm-lock.yaml", "- a\n",
			   "malformed lockfile 'pnpm-lock.yaml': not a YAML mapping");
	assert_parse_error("pnpm-lock.yaml", "",
			   "malformed lockfile 'pnpm-lock.yaml': not a YAML mapping");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: &v '6.0'\n",
			   "malformed lockfile 'pnpm-lock.yaml': line 1: anchors, aliases and tags "
			   "are not supported");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages: 5\n",
			   "malformed lockfile 'pnpm-lock.yaml': \"packages\" is not a mapping");
	assert_parse_error(
		"pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: x\n",
		"malformed lockfile 'pnpm-lock.yaml': line 3: package 'a@1.0.0' is not a "
		"mapping");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: '9.0'\n  packages: {}\n",
			   "malformed lockfile 'pnpm-lock.yaml': line 2: unexpected indentation");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages\n",
			   "malformed lockfile 'pnpm-lock.yaml': line 2: expected 'key: value'");
	assert_parse_error("pnpm-lock.yaml", "lockfileVersion: '9.0'\nlockfileVersion: '6.0'\n",
			   "malformed lockfile 'pnpm-lock.yaml': line 2: duplicate key "
			   "'lockfileVersion'");
}

/*
 * common
 */

static void test_load_errors(void **state)
{
	struct lockfile lf;
	char err[512];

	(void)state;
	assert_int_equal(lockfile_load(DATA "nope/yarn.lock", &lf, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read '" DATA "nope/yarn.lock': No such file or directory");
	assert_int_equal(lockfile_load("Gemfile.lock", &lf, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown lockfile 'Gemfile.lock' (package-lock.json, "
				 "npm-shrinkwrap.json, yarn.lock or pnpm-lock.yaml)");
	{
		static const char nul[] = "a@^1:\n  version \"1\0\"\n";

		assert_int_equal(
			lockfile_parse("yarn.lock", nul, sizeof(nul) - 1, &lf, err, sizeof(err)),
			-1);
		assert_string_equal(err, "malformed lockfile 'yarn.lock': it contains a NUL byte");
	}
}

static void test_find(void **state)
{
	char tmpl[TMPDIR_MAX], path[128];
	char **paths;
	size_t n;

	(void)state;
	assert_int_equal(tmpdir_make(tmpl, "lockfile"), 0);
	assert_int_equal(lockfile_find(tmpl, &paths, &n), 0);
	assert_int_equal(n, 0);
	free(paths);
	snprintf(path, sizeof(path), "%s/yarn.lock", tmpl);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/package-lock.json", tmpl);
	fclose(fopen(path, "w"));
	assert_int_equal(lockfile_find(tmpl, &paths, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(strrchr(paths[0], '/'), "/package-lock.json");
	assert_string_equal(strrchr(paths[1], '/'), "/yarn.lock");
	for (size_t i = 0; i < n; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	free(paths);
	rmdir(tmpl);
	assert_int_equal(lockfile_find(tmpl, &paths, &n), -ENOENT);
	assert_int_equal(lockfile_find(DATA "yarn-v1/yarn.lock", &paths, &n), -ENOTDIR);
}

static void test_sri(void **state)
{
	char *s;

	(void)state;
	s = lock_sri_sha512("sha1-abc= sha512-xyz==?opt sha256-q");
	assert_string_equal(s, "sha512-xyz==");
	free(s);
	assert_null(lock_sri_sha512("sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g="));
	assert_null(lock_sri_sha512(NULL));
	assert_null(lock_sri_sha512("sha512-"));
}

/*
 * the YAML subset
 */

static void assert_yaml(const char *text, const char *want_json)
{
	char err[256] = "";
	json_t *v = yaml_parse(text, strlen(text), err, sizeof(err));
	char *got;

	assert_string_equal(err, "");
	assert_non_null(v);
	got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	assert_string_equal(got, want_json);
	free(got);
	json_decref(v);
}

static void assert_yaml_error(const char *text, const char *want)
{
	char err[256] = "";

	assert_null(yaml_parse(text, strlen(text), err, sizeof(err)));
	assert_string_equal(err, want);
}

static void test_yaml(void **state)
{
	(void)state;
	assert_yaml("a: 1\nb:\n  c: x y  # comment\n  'd''q': \"e\\tf\\u00e9\"\n",
		    "{\"a\":\"1\",\"b\":{\"c\":\"x y\",\"d'q\":\"e\\tf\\u00E9\"}}");
	assert_yaml("k: {a: b, c: [x, 'y, z'], d: {e: f}}\n",
		    "{\"k\":{\"a\":\"b\",\"c\":[\"x\",\"y, z\"],\"d\":{\"e\":\"f\"}}}");
	assert_yaml("k: {tarball: https://x.test/a.tgz}\n",
		    "{\"k\":{\"tarball\":\"https://x.test/a.tgz\"}}");
	/* sequences at the key's indentation or deeper, of scalars or maps */
	assert_yaml("a:\n- x\n- y\nb:\n  - k: 1\n    l: 2\n  - - n\nc: d\n",
		    "{\"a\":[\"x\",\"y\"],\"b\":[{\"k\":\"1\",\"l\":\"2\"},[\"n\"]],\"c\":\"d\"}");
	assert_yaml("a:\nb: ~\n", "{\"a\":null,\"b\":\"~\"}");
	assert_yaml("u: http://x.test:8080/p # c\nh: 'a # not a comment'\n",
		    "{\"u\":\"http://x.test:8080/p\",\"h\":\"a # not a comment\"}");
	assert_yaml("lit: |\n  one\n\n  two\nfold: >-\n  one\n  two\nz: 1\n",
		    "{\"lit\":\"one\\n\\ntwo\\n\",\"fold\":\"one two\",\"z\":\"1\"}");
	/* the last non-empty document */
	assert_yaml("---\na: 1\n---\nb: 2\n...\n", "{\"b\":\"2\"}");
	assert_yaml("%YAML 1.2\n---\n# only a comment\n", "null");
	assert_yaml("", "null");
	assert_yaml("a: 1\r\nb: 2\r\n", "{\"a\":\"1\",\"b\":\"2\"}");
}

static void test_yaml_errors(void **state)
{
	char deep[4 * 80 + 16] = "";

	(void)state;
	assert_yaml_error("a: 'x\n", "line 1: unterminated quoted string");
	assert_yaml_error("a: \"\\q\"\n", "line 1: invalid escape in double-quoted string");
	assert_yaml_error("a: \"\\u0000\"\n", "line 1: invalid escape in double-quoted string");
	assert_yaml_error("a:\n\tb: 1\n", "line 2: tab in indentation");
	assert_yaml_error("a: [x, y\n", "line 1: unterminated flow sequence");
	assert_yaml_error("a: {x: y} z\n", "line 1: unexpected text after a flow collection");
	assert_yaml_error("a: 'x' z\n", "line 1: unexpected text after a quoted string");
	assert_yaml_error("a: {x: 'y' z}\n", "line 1: expected ',' or '}' in flow mapping");
	assert_yaml_error("a: *ref\n", "line 1: anchors, aliases and tags are not supported");
	assert_yaml_error("a: !!str x\n", "line 1: anchors, aliases and tags are not supported");
	assert_yaml_error("? a\n: b\n", "line 1: complex mapping keys are not supported");
	assert_yaml_error("a: 1\n- b\n", "line 2: sequence item where a mapping key was expected");
	assert_yaml_error("a: 1\na: 2\n", "line 2: duplicate key 'a'");
	assert_yaml_error("--- x\n", "line 1: content after a document marker is not supported");
	assert_yaml_error("a: |\n    x\n  y\n", "line 3: bad indentation in block scalar");
	assert_yaml_error("a: |x\n", "line 1: invalid block scalar header");
	/* nesting is bounded */
	strcat(deep, "a: ");
	for (int i = 0; i < 80; i++)
		strcat(deep, "[");
	assert_yaml_error(deep, "line 1: nested too deeply");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npm_v1),
		cmocka_unit_test(test_npm_v2_v3),
		cmocka_unit_test(test_shrinkwrap),
		cmocka_unit_test(test_npm_errors),
		cmocka_unit_test(test_npm_empty_project),
		cmocka_unit_test(test_npm_install_script),
		cmocka_unit_test(test_yarn_v1),
		cmocka_unit_test(test_yarn_berry),
		cmocka_unit_test(test_yarn_errors),
		cmocka_unit_test(test_yarn_berry_without_resolution),
		cmocka_unit_test(test_pnpm),
		cmocka_unit_test(test_pnpm_errors),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_sri),
		cmocka_unit_test(test_yaml),
		cmocka_unit_test(test_yaml_errors),
	};

	return cmocka_run_group_tests_name("lockfile", tests, NULL, NULL);
}
