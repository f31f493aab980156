/* Tests for src/guard: the decision table, why a package was not judged,
 * the registry from a project's .npmrc, when a lockfile is in sync with
 * package.json, and guard_check()'s errors that need no npm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "guard/guard.h"
#include "guard/internal.h"
#include "util/fsutil.h"
#include "util/xalloc.h"
#include "tmpdir.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = tmpdir_path(dir, name);

	assert_int_equal(fs_write_file(p, text, strlen(text)), 0);
	free(p);
}

static void test_decide(void **state)
{
	static const struct {
		enum pkg_status status;
		const char *kind;
		bool script;
		enum guard_unjudged policy;
		enum guard_action want;
	} rows[] = {
		{PKG_MALICIOUS, NULL, false, GUARD_UNJUDGED_WARN, GUARD_BLOCK_MALICIOUS},
		{PKG_BENIGN, NULL, true, GUARD_UNJUDGED_BLOCK, GUARD_OK},
		{PKG_PARTIAL, NULL, true, GUARD_UNJUDGED_AUTO, GUARD_BLOCK_UNJUDGED},
		{PKG_PARTIAL, NULL, false, GUARD_UNJUDGED_AUTO, GUARD_WARN},
		{PKG_PARTIAL, NULL, false, GUARD_UNJUDGED_BLOCK, GUARD_BLOCK_UNJUDGED},
		{PKG_PARTIAL, NULL, true, GUARD_UNJUDGED_WARN, GUARD_WARN},
		{PKG_ERROR, NULL, true, GUARD_UNJUDGED_AUTO, GUARD_BLOCK_UNJUDGED},
		{PKG_ERROR, NULL, false, GUARD_UNJUDGED_AUTO, GUARD_WARN},
		{PKG_NOT_SCANNED, "git", true, GUARD_UNJUDGED_AUTO, GUARD_BLOCK_UNJUDGED},
		{PKG_NOT_SCANNED, "link", false, GUARD_UNJUDGED_AUTO, GUARD_WARN},
		{PKG_NOT_SCANNED, "link", false, GUARD_UNJUDGED_BLOCK, GUARD_BLOCK_UNJUDGED},
		{PKG_NOT_SCANNED, "bundled", true, GUARD_UNJUDGED_BLOCK, GUARD_SKIP},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pkg_result r = {.status = rows[i].status, .kind = (char *)rows[i].kind};

		assert_int_equal(guard_decide(&r, rows[i].script, rows[i].policy), rows[i].want);
	}
}

static void test_parse_unjudged(void **state)
{
	enum guard_unjudged p = GUARD_UNJUDGED_AUTO;

	(void)state;
	assert_int_equal(guard_parse_unjudged("block", &p), 0);
	assert_int_equal(p, GUARD_UNJUDGED_BLOCK);
	assert_int_equal(guard_parse_unjudged("warn", &p), 0);
	assert_int_equal(p, GUARD_UNJUDGED_WARN);
	assert_int_equal(guard_parse_unjudged("auto", &p), -1);
	assert_int_equal(guard_parse_unjudged("", &p), -1);
}

static void test_unjudged_reason(void **state)
{
	struct pkg_result r = {.status = PKG_PARTIAL};
	char *why;

	(void)state;
	r.verdict = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "label", "partial", "degraded",
			      "kind", "npm", "detail", "npm failed", "kind", "import", "detail",
			      "import: x is missing");
	why = guard_unjudged_reason(&r);
	assert_string_equal(why, "npm failed; import: x is missing");
	free(why);
	json_decref(r.verdict);
	r = (struct pkg_result){.status = PKG_ERROR, .reason = (char *)"cannot reach registry"};
	why = guard_unjudged_reason(&r);
	assert_string_equal(why, "cannot reach registry");
	free(why);
	r = (struct pkg_result){.status = PKG_NOT_SCANNED};
	why = guard_unjudged_reason(&r);
	assert_string_equal(why, "not judged");
	free(why);
}

static void test_registry(void **state)
{
	char dir[TMPDIR_MAX];
	char *r;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "guard"), 0);
	assert_null(guard_registry(dir, NULL));
	r = guard_registry(dir, "http://opt/");
	assert_string_equal(r, "http://opt/");
	free(r);
	write_file(dir, ".npmrc",
		   "; a comment\n@scope:registry=http://scoped/\nregistry-x=1\n"
		   "  registry = http://first/  \r\nregistry=http://last/\n");
	r = guard_registry(dir, NULL);
	assert_string_equal(r, "http://last/");
	free(r);
	write_file(dir, ".npmrc", "registry=\n# registry=http://commented/\n");
	assert_null(guard_registry(dir, NULL));
	tmpdir_remove(dir);
}

static void test_lock_in_sync(void **state)
{
	char dir[TMPDIR_MAX];

	(void)state;
	assert_int_equal(tmpdir_make(dir, "guard"), 0);
	assert_false(guard_lock_in_sync(dir)); /* nothing there */
	write_file(dir, "package.json",
		   "{\"name\": \"p\", \"dependencies\": {\"a\": \"^1.0.0\"}, "
		   "\"devDependencies\": {}}");
	assert_false(guard_lock_in_sync(dir)); /* no lockfile */
	write_file(dir, "package-lock.json",
		   "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"p\", "
		   "\"dependencies\": {\"a\": \"^1.0.0\"}}}}");
	assert_true(guard_lock_in_sync(dir));
	write_file(dir, "package.json",
		   "{\"name\": \"p\", \"dependencies\": {\"a\": \"^1.0.0\"}, "
		   "\"devDependencies\": {\"b\": \"1\"}}");
	assert_false(guard_lock_in_sync(dir)); /* a new dev dependency */
	write_file(dir, "package.json", "{\"name\": \"p\", \"dependencies\": {\"a\": \"^1.1.0\"}}");
	assert_false(guard_lock_in_sync(dir)); /* another range */
	write_file(
		dir, "package.json",
		"{\"name\": \"p\", \"dependencies\": {\"a\": \"^1.0.0\"}, \"workspaces\": [\"x\"]}");
	assert_false(guard_lock_in_sync(dir)); /* workspaces */
	write_file(dir, "package.json", "{\"name\": \"p\", \"dependencies\": {\"a\": \"^1.0.0\"}}");
	write_file(dir, "package-lock.json",
		   "{\"lockfileVersion\": 1, \"dependencies\": {\"a\": {\"version\": \"1.0.0\"}}}");
	assert_false(guard_lock_in_sync(dir)); /* v1 has no root entry */
	/* npm-shrinkwrap.json is read first */
	write_file(dir, "npm-shrinkwrap.json",
		   "{\"lockfileVersion\": 2, \"packages\": {\"\": {\"dependencies\": "
		   "{\"a\": \"^1.0.0\"}}}}");
	assert_true(guard_lock_in_sync(dir));
	tmpdir_remove(dir);
}

static void test_check_errors(void **state)
{
	char dir[TMPDIR_MAX], err[512];
	struct guard_result res;
	struct guard_opts o = {.kind = GUARD_CI, .no_store = true};
	char *want;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "guard"), 0);
	o.project = dir;
	assert_int_equal(guard_check(&o, &res, err, sizeof(err)), -1);
	want = xasprintf("npm ci needs a package-lock.json or npm-shrinkwrap.json in '%s'", dir);
	assert_string_equal(err, want);
	free(want);
	assert_null(res.r);
	assert_int_equal(res.n, 0);
	write_file(dir, "package-lock.json", "{\"lockfileVersion\": 3,\n \"packages\": {\n");
	assert_int_equal(guard_check(&o, &res, err, sizeof(err)), -1);
	want = xasprintf("malformed lockfile '%s/package-lock.json': line 3: ", dir);
	assert_memory_equal(err, want, strlen(want));
	free(want);
	o.kind = GUARD_INSTALL;
	write_file(dir, "package.json", "{\"name\": \"p\", \"workspaces\": [\"a\"]}");
	assert_int_equal(guard_check(&o, &res, err, sizeof(err)), -1);
	want = xasprintf("'%s' uses npm workspaces, which snare npm install cannot resolve yet "
			 "(snare npm ci and snare audit read its lockfile)",
			 dir);
	assert_string_equal(err, want);
	free(want);
	tmpdir_remove(dir);
}

/* An empty in-sync project: nothing to judge, npm may run. */
static void test_check_nothing_to_judge(void **state)
{
	char dir[TMPDIR_MAX], err[512];
	struct guard_result res;
	struct guard_opts o = {
		.kind = GUARD_INSTALL, .no_store = true, .model = "models/snare.json"};

	(void)state;
	assert_int_equal(tmpdir_make(dir, "guard"), 0);
	o.project = dir;
	write_file(dir, "package.json", "{\"name\": \"p\"}");
	write_file(dir, "package-lock.json",
		   "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"p\"}}}");
	if (guard_check(&o, &res, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(res.n, 0);
	assert_int_equal(res.exit_code, 0);
	guard_result_release(&res);
	tmpdir_remove(dir);
}

/* --min-age with a registry that cannot be reached: no date, so both
 * packages are held back with the reason, and none is left to scan. */
static void test_hold_without_dates(void **state)
{
	struct pkg_result r[2] = {
		{.name = (char *)"a", .version = (char *)"1.0.0", .status = PKG_ERROR},
		{.name = (char *)"@s/b", .version = (char *)"2.0.0", .status = PKG_ERROR},
	};
	struct guard_pkg g[2] = {{0}};
	struct guard_result res = {.r = r, .pkgs = g, .n = 2};
	struct guard_opts o = {.min_age_days = 3};
	size_t todo[2] = {0, 1};

	(void)state;
	assert_int_equal(guard_hold_young(&o, "http://127.0.0.1:1", &res, todo, 2), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(g[i].action, GUARD_HOLD);
		assert_true(g[i].age_days < 0);
		assert_string_equal(
			r[i].reason,
			"cannot reach registry 'http://127.0.0.1:1': Couldn't connect to "
			"server");
		free(r[i].reason);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_parse_unjudged),
		cmocka_unit_test(test_unjudged_reason),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_lock_in_sync),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_nothing_to_judge),
		cmocka_unit_test(test_hold_without_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
