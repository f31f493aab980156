/* run/degraded: what kept a detonation from judging the package, found
 * from its steps and their output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "run/run.h"
#include "tmpdir.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* A result for package "pkg" (depends on "dep" and "@s/other") in a work
 * directory of its own, with one install and one import step. */
static void make_result(struct run_result *res, char dir[TMPDIR_MAX])
{
	char p[4096];

	assert_int_equal(tmpdir_make(dir, "degraded"), 0);
	memset(res, 0, sizeof(*res));
	snprintf(res->workdir, sizeof(res->workdir), "%s", dir);
	res->name = xstrdup("pkg");
	snprintf(p, sizeof(p), "%s/app/node_modules/pkg", dir);
	assert_int_equal(fs_mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/app/node_modules/pkg/package.json", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"name\":\"pkg\",\"version\":\"1.0.0\",\"dependencies\":{\"dep\":\"^1\"},"
	      "\"optionalDependencies\":{\"@s/other\":\"2\"}}",
	      f);
	fclose(f);
	res->steps = xcalloc(2, sizeof(*res->steps));
	res->nsteps = 2;
	res->steps[0] = (struct run_step){.phase = PHASE_INSTALL,
					  .package = xstrdup("pkg"),
					  .script = xstrdup("postinstall"),
					  .state = STEP_OK};
	res->steps[1] = (struct run_step){.phase = PHASE_IMPORT,
					  .package = xstrdup("pkg"),
					  .script = xstrdup("import"),
					  .state = STEP_OK};
	for (int i = 0; i < PHASE_COUNT; i++) {
		strbuf_init(&res->phases[i].out, 4096);
		strbuf_init(&res->phases[i].err, 4096);
	}
}

static void done(struct run_result *res, const char *dir)
{
	tmpdir_remove(dir);
	run_result_release(res);
}

static void test_clean_run(void **state)
{
	(void)state;
	struct run_result res;
	char dir[TMPDIR_MAX];

	make_result(&res, dir);
	/* the package's own failures are not degradations */
	res.steps[0].state = STEP_FAILED;
	res.steps[0].status = 1;
	strbuf_addstr(&res.phases[PHASE_INSTALL].err, "sh: 1: husky: not found\n");
	strbuf_addstr(
		&res.phases[PHASE_IMPORT].err,
		"Error: Cannot find module './missing'\nError: Cannot find module 'undeclared'\n");
	run_check_degraded(&res);
	assert_int_equal(res.ndegraded, 0);
	done(&res, dir);
}

static void test_interpreter_step_import(void **state)
{
	(void)state;
	struct run_result res;
	char dir[TMPDIR_MAX];

	make_result(&res, dir);
	res.steps[0].state = STEP_FAILED;
	res.steps[0].status = 127;
	strbuf_addstr(&res.phases[PHASE_INSTALL].err, "sh: 1: python3: not found\n");
	res.steps[1].state = STEP_ERROR;
	strbuf_addstr(&res.phases[PHASE_IMPORT].err,
		      "Error: Cannot find module '@s/other/lib/x.js'\nRequire stack: ...\n");
	run_check_degraded(&res);
	assert_int_equal(res.ndegraded, 3);
	assert_string_equal(res.degraded[0].kind, "step");
	assert_string_equal(res.degraded[0].detail,
			    "import: import of pkg could not start in the sandbox");
	assert_string_equal(res.degraded[1].kind, "interpreter");
	assert_string_equal(
		res.degraded[1].detail,
		"install: postinstall of pkg needs 'python3', which this machine lacks");
	assert_string_equal(res.degraded[2].kind, "import");
	assert_string_equal(res.degraded[2].detail,
			    "import: its dependency '@s/other' is not installed");
	done(&res, dir);
}

static void test_disk_full_once_per_kind(void **state)
{
	(void)state;
	struct run_result res;
	char dir[TMPDIR_MAX];

	make_result(&res, dir);
	strbuf_addstr(&res.phases[PHASE_INSTALL].err, "write: No space left on device\n");
	strbuf_addstr(&res.phases[PHASE_IMPORT].err, "Error: ENOSPC: no space left\n");
	run_degrade(&res, "npm", "npm install of %d dependencies failed", 2);
	run_degrade(&res, "npm", "a second npm failure is not listed");
	run_check_degraded(&res);
	assert_int_equal(res.ndegraded, 2);
	assert_string_equal(res.degraded[0].kind, "npm");
	assert_string_equal(res.degraded[0].detail, "npm install of 2 dependencies failed");
	assert_string_equal(res.degraded[1].kind, "disk_full");
	assert_string_equal(res.degraded[1].detail, "install: the disk was full (ENOSPC)");
	assert_true(run_text_disk_full("npm error code ENOSPC"));
	assert_false(run_text_disk_full("npm error code E404"));
	assert_false(run_text_disk_full(NULL));
	done(&res, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_run),
		cmocka_unit_test(test_interpreter_step_import),
		cmocka_unit_test(test_disk_full_once_per_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
