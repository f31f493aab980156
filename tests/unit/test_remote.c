/* Remote dependency specs (static/remote.c), the report's
 * static.remote_deps from a package directory, and their features; the
 * feature blocks of the phases the model was not trained on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "features/features.h"
#include "fetch/pkgjson.h"
#include "static/static.h"
#include "tmpdir.h"
#include "util/fsutil.h"

static void spec_is(const char *spec, const char *kind, const char *host, const char *scheme,
		    bool raw_ip, bool registry)
{
	struct remote_spec r;

	if (!static_remote_spec(spec, &r))
		fail_msg("'%s' is not taken for a remote spec", spec);
	assert_string_equal(r.kind, kind);
	assert_string_equal(r.host, host);
	assert_string_equal(r.scheme, scheme);
	assert_int_equal(r.raw_ip, raw_ip);
	assert_int_equal(r.registry, registry);
}

static void test_specs(void **state)
{
	(void)state;
	spec_is("http://203.0.113.50/x.tgz", "url", "203.0.113.50", "http", true, false);
	spec_is("https://Packages.Example.COM:8443/x.tgz", "url", "packages.example.com", "https",
		false, false);
	spec_is("https://registry.npmjs.org/a/-/a-1.0.0.tgz", "url", "registry.npmjs.org", "https",
		false, true);
	spec_is("http://[2001:db8::1]/x.tgz", "url", "2001:db8::1", "http", true, false);
	spec_is("git+ssh://git@github.com/u/r.git#v1", "git", "github.com", "ssh", false, false);
	spec_is("git+https://user:pw@gitlab.example/u/r.git", "git", "gitlab.example", "https",
		false, false);
	spec_is("git://198.51.100.7/r.git", "git", "198.51.100.7", "git", true, false);
	spec_is("github:u/r#main", "git", "github.com", "https", false, false);
	spec_is("bitbucket:u/r", "git", "bitbucket.org", "https", false, false);
	spec_is("expressjs/express", "git", "github.com", "https", false, false);
	spec_is("u/r#semver:^1.0", "git", "github.com", "https", false, false);
	spec_is("git@git.evil.test:team/repo.git", "git", "git.evil.test", "ssh", false, false);
}

static void test_not_remote(void **state)
{
	static const char *const specs[] = {
		"^1.2.3", "latest",	 "1.x || 2.x", "file:../x",	"npm:other@^1", "link:./y",
		"",	  "@scope/name", "./local",    "git+file:///x", "a/b/c",	"~1.0.0"};
	struct remote_spec r;
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (static_remote_spec(specs[i], &r))
			fail_msg("'%s' taken for a remote spec", specs[i]);
}

static void tarball_is(const char *spec, const char *url, const char *host)
{
	char h[256] = "";
	char *got = static_remote_tarball(spec, h, sizeof(h));

	if (!url) {
		if (got)
			fail_msg("'%s' gives '%s'", spec, got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, url);
	assert_string_equal(h, host);
	free(got);
}

static void test_tarballs(void **state)
{
	(void)state;
	tarball_is("http://203.0.113.50/x.tgz", "http://203.0.113.50/x.tgz", "203.0.113.50");
	tarball_is("expressjs/express", "https://codeload.github.com/expressjs/express/tar.gz/HEAD",
		   "codeload.github.com");
	tarball_is("github:u/r#v1.2.0", "https://codeload.github.com/u/r/tar.gz/v1.2.0",
		   "codeload.github.com");
	tarball_is("git+https://github.com/u/r.git#abc123",
		   "https://codeload.github.com/u/r/tar.gz/abc123", "codeload.github.com");
	tarball_is("git+ssh://git@github.com:u/r.git",
		   "https://codeload.github.com/u/r/tar.gz/HEAD", "codeload.github.com");
	tarball_is("git+ssh://git@git.evil.test/u/r.git", NULL, NULL);
	tarball_is("github:u/r#semver:^1", NULL, NULL);
	tarball_is("^1.0.0", NULL, NULL);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(fs_write_file(p, text, strlen(text)), 0);
}

static void test_package_and_lockfile(void **state)
{
	char dir[TMPDIR_MAX], err[256];
	struct pkgjson pj;
	(void)state;

	assert_int_equal(tmpdir_make(dir, "remote"), 0);
	write_file(dir, "package.json",
		   "{\"name\":\"p\",\"version\":\"1.0.0\",\"dependencies\":{\"a\":\"^1.0.0\","
		   "\"b\":\"http://203.0.113.9/b.tgz\"},\"optionalDependencies\":{\"c\":\"u/c\"}}");
	write_file(dir, "package-lock.json",
		   "{\"lockfileVersion\":1,\"dependencies\":{\"a\":{\"version\":\"1.0.0\","
		   "\"resolved\":\"https://registry.npmjs.org/a/-/a-1.0.0.tgz\",\"dependencies\":"
		   "{\"d\":{\"version\":\"git://git.evil.test/d.git#abc\"}}}}}");
	if (pkgjson_load(dir, &pj, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	json_t *deps = static_remote_deps(dir, &pj);
	pkgjson_release(&pj);
	assert_int_equal(json_array_size(deps), 3);
	json_t *b = json_array_get(deps, 0), *c = json_array_get(deps, 1),
	       *d = json_array_get(deps, 2);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "b");
	assert_true(json_is_true(json_object_get(b, "raw_ip")));
	assert_string_equal(json_string_value(json_object_get(b, "source")), "dependencies");
	assert_string_equal(json_string_value(json_object_get(c, "source")),
			    "optionalDependencies");
	assert_string_equal(json_string_value(json_object_get(d, "name")), "d");
	assert_string_equal(json_string_value(json_object_get(d, "source")), "package-lock.json");

	/* and the features */
	json_t *report = json_pack("{s:s, s:{s:s}, s:{s:s}, s:[], s:{s:o}}", "schema",
				   "snare.report/1", "package", "name", "p", "environment", "home",
				   "/home/x", "phases", "static", "remote_deps", deps);
	size_t n = features_count();
	float *f = calloc(n, sizeof(*f));
	assert_int_equal(features_extract(report, f, err, sizeof(err)), 0);
	assert_true(f[features_index("static.remote_deps")] == 3.0f);
	assert_true(f[features_index("static.remote_dep_raw_ip")] == 1.0f);
	assert_true(f[features_index("static.remote_dep_http")] == 2.0f);
	assert_true(f[features_index("static.remote_dep_hosts")] == 3.0f);
	assert_true(features_for_model((size_t)features_index("static.remote_deps")));
	free(f);
	json_decref(report);
	tmpdir_remove(dir);
}

/* The model's block is "any" (each row's largest value over the phases);
 * every real phase's block is evidence, after the model's columns. */
static void test_phase_blocks(void **state)
{
	static const char *const phases[] = {"install", "import", "prepare", "execute", "browser"};
	char name[64];
	(void)state;

	int any = features_index("any.cmd_persist");
	assert_true(any >= 0 && (size_t)any < features_model_count());
	assert_true(features_for_model((size_t)any));
	assert_false(features_for_model((size_t)features_index("any.cmd_shell"))); /* masked */
	for (size_t p = 0; p < 5; p++) {
		snprintf(name, sizeof(name), "%s.cmd_persist", phases[p]);
		int i = features_index(name);
		assert_true(i >= 0 && (size_t)i >= features_model_count());
		assert_false(features_for_model((size_t)i));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),	     cmocka_unit_test(test_not_remote),
		cmocka_unit_test(test_tarballs),     cmocka_unit_test(test_package_and_lockfile),
		cmocka_unit_test(test_phase_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
