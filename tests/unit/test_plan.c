/* The planned steps (run/plan.c): the prepare phase of the target, the
 * import step and the execute phase as harness steps with their
 * settings, and what runs where. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "run/internal.h"
#include "tmpdir.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static void write_file(const char *dir, const char *rel, const char *text)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(fs_mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(fs_write_file(p, text, strlen(text)), 0);
}

static const struct run_step *find(const struct run_result *res, enum phase_id ph,
				   const char *script, size_t nth)
{
	for (size_t k = 0; k < res->nsteps; k++)
		if (res->steps[k].phase == ph && !strcmp(res->steps[k].script, script) &&
		    nth-- == 0)
			return &res->steps[k];
	return NULL;
}

static size_t count(const struct run_result *res, enum phase_id ph)
{
	size_t n = 0;
	for (size_t k = 0; k < res->nsteps; k++)
		n += res->steps[k].phase == ph;
	return n;
}

static void test_phases(void **state)
{
	char dir[TMPDIR_MAX], err[256];
	struct run_result res;
	struct run_options opts = {0};
	(void)state;

	assert_int_equal(tmpdir_make(dir, "plan"), 0);
	write_file(
		dir, "app/node_modules/pkg/package.json",
		"{\"name\":\"pkg\",\"version\":\"1.0.0\",\"scripts\":{\"postinstall\":\"node a.js\","
		"\"preprepare\":\"node b.js\",\"prepare\":\"tsc\",\"postprepare\":\"node c.js\"}}");
	/* a dependency's prepare never runs: npm runs it only for the target */
	write_file(
		dir, "app/node_modules/dep/package.json",
		"{\"name\":\"dep\",\"version\":\"2.0.0\",\"scripts\":{\"prepare\":\"node d.js\"}}");
	memset(&res, 0, sizeof(res));
	identity_generate(&res.id, PROFILE_DEV, 1);
	snprintf(res.workdir, sizeof(res.workdir), "%s", dir);
	res.name = xstrdup("pkg");
	res.source_type = xstrdup("tarball");
	assert_int_equal(run_plan(&opts, &res, err, sizeof(err)), 0);

	assert_int_equal(count(&res, PHASE_INSTALL), 1);
	assert_non_null(find(&res, PHASE_INSTALL, "postinstall", 0));

	/* a lifecycle script runs under the launcher, which looks like npm */
	const struct run_step *pi = find(&res, PHASE_INSTALL, "postinstall", 0);
	char home_app[512], pkg_dir[512];
	snprintf(home_app, sizeof(home_app), "%s/projects/app", res.id.home);
	snprintf(pkg_dir, sizeof(pkg_dir), "%s/node_modules/pkg", home_app);
	assert_true(pi->launcher);
	assert_false(pi->harness || pi->sb.harness);
	assert_string_equal(pi->command, "node a.js");
	assert_string_equal(pi->sb.argv[0], "/usr/bin/node");
	assert_string_equal(pi->sb.argv[1], pi->launcher_file);
	assert_null(pi->sb.argv[2]);
	assert_string_equal(pi->sb.cwd, home_app);
	/* ".", six letters or digits, ".cjs": "/usr/bin/node FILE" is as long
	 * as "node /usr/bin/npm install" */
	assert_int_equal(strlen(pi->launcher_file), 11);
	assert_int_equal(pi->launcher_file[0], '.');
	assert_string_equal(pi->launcher_file + 7, ".cjs");
	assert_int_equal(strlen(pi->sb.argv[0]) + 1 + strlen(pi->sb.argv[1]) + 1,
			 sizeof("node /usr/bin/npm install"));
	/* npm's own environment is the user's: no npm_* of the script's */
	for (char **e = pi->sb.envp; *e; e++)
		assert_int_not_equal(strncmp(*e, "npm_", 4), 0);
	json_t *cfg = json_loads(pi->launcher_config, 0, NULL);
	assert_non_null(cfg);
	assert_string_equal(json_string_value(json_object_get(cfg, "title")), "npm install");
	assert_string_equal(json_string_value(json_object_get(cfg, "cwd")), pkg_dir);
	json_t *argv = json_object_get(cfg, "argv");
	assert_int_equal(json_array_size(argv), 3);
	assert_string_equal(json_string_value(json_array_get(argv, 0)), "/bin/sh");
	assert_string_equal(json_string_value(json_array_get(argv, 1)), "-c");
	assert_string_equal(json_string_value(json_array_get(argv, 2)), "node a.js");
	size_t i, seen = 0;
	json_t *v;
	json_array_foreach (json_object_get(cfg, "env"), i, v) {
		const char *e = json_string_value(v);
		seen += !strcmp(e, "npm_lifecycle_event=postinstall") +
			!strcmp(e, "npm_lifecycle_script=node a.js") +
			!strcmp(e, "npm_command=install") + !strcmp(e, "npm_package_name=pkg");
	}
	assert_int_equal(seen, 4);
	json_decref(cfg);
	/* each step its own file */
	assert_string_not_equal(find(&res, PHASE_PREPARE, "prepare", 0)->launcher_file,
				pi->launcher_file);
	assert_int_equal(count(&res, PHASE_PREPARE), 3);
	const struct run_step *p = find(&res, PHASE_PREPARE, "prepare", 0);
	assert_non_null(p);
	assert_string_equal(p->command, "tsc");
	assert_true(p->target);
	assert_string_equal(res.steps[p - res.steps - 1].script, "preprepare");
	assert_string_equal(res.steps[p - res.steps + 1].script, "postprepare");

	/* import: the project's index.js in its import mode */
	const struct run_step *im = find(&res, PHASE_IMPORT, "import", 0);
	assert_non_null(im);
	assert_true(im->harness && im->sb.harness);
	assert_string_equal(im->sb.argv[0], "/usr/bin/node");
	assert_string_equal(im->sb.argv[1], "index.js");
	assert_null(im->sb.argv[2]);
	assert_non_null(strstr(im->harness_config, "\"mode\":\"import\""));
	assert_non_null(strstr(im->harness_config, "\"name\":\"pkg\""));

	/* execute: the walk, its continuations, the later load */
	const struct run_step *ex = find(&res, PHASE_EXECUTE, "execute", 0);
	assert_non_null(ex);
	assert_false(ex->resume);
	assert_true(ex->harness);
	assert_true(find(&res, PHASE_EXECUTE, "execute", 1)->resume);
	assert_string_equal(find(&res, PHASE_EXECUTE, "execute", 1)->harness_config,
			    ex->harness_config);
	const struct run_step *later = &res.steps[res.nsteps - 2];
	assert_string_equal(later->script, "later-load");
	assert_int_equal(later->phase, PHASE_EXECUTE);
	assert_non_null(strstr(later->harness_config, "\"mode\":\"later\""));

	/* browser: one step, last, with the page and the run's canaries */
	assert_int_equal(count(&res, PHASE_BROWSER), 1);
	const struct run_step *br = &res.steps[res.nsteps - 1];
	assert_int_equal(br->phase, PHASE_BROWSER);
	assert_string_equal(br->script, "browser");
	assert_true(br->harness);
	assert_non_null(strstr(br->harness_config, "\"mode\":\"browser\""));
	assert_non_null(strstr(br->harness_config, "\"page\":\""));
	assert_non_null(strstr(br->harness_config, res.id.canaries[CANARY_CARD_NUMBER].value));
	assert_non_null(strstr(br->harness_config, res.id.canaries[CANARY_WALLET_ADDRESS].value));
	/* the canaries are in the harness's settings only, never in a command */
	for (size_t k = 0; k < res.nsteps; k++)
		for (char **a = res.steps[k].sb.argv; *a; a++)
			assert_null(strstr(*a, res.id.canaries[CANARY_CARD_NUMBER].value));
	for (size_t k = 0; k < res.nsteps; k++)
		assert_int_equal(res.steps[k].sb.harness, res.steps[k].harness);

	tmpdir_remove(dir);
	run_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
