/* Tests for src/fetch/pkgjson.c. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fetch/pkgjson.h"
#include "util/xalloc.h"
#include "tmpdir.h"

struct fixture {
	char dir[TMPDIR_MAX];
	char err[512];
	struct pkgjson pj;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	if (tmpdir_make(fx->dir, "pkgjson") < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pkgjson_release(&fx->pj);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

static void put(struct fixture *fx, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", fx->dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void load_ok(struct fixture *fx, const char *text)
{
	put(fx, "package.json", text);
	fx->err[0] = '\0';
	assert_int_equal(pkgjson_load(fx->dir, &fx->pj, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(fx->err, "");
}

/* Expects pkgjson_load() to fail with |msg|, where "%s" stands for the
 * directory. */
static void load_fails(struct fixture *fx, const char *msg)
{
	const char *at = strstr(msg, "%s");
	char *want =
		at ? xasprintf("%.*s%s%s", (int)(at - msg), msg, fx->dir, at + 2) : xstrdup(msg);

	assert_int_equal(pkgjson_load(fx->dir, &fx->pj, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	/* Left empty, and safe to release. */
	assert_null(fx->pj.name);
	assert_int_equal(fx->pj.nscripts, 0);
	pkgjson_release(&fx->pj);
	free(want);
}

static void assert_kv(const struct pkg_kv *kv, const char *key, const char *value)
{
	assert_string_equal(kv->key, key);
	assert_string_equal(kv->value, value);
}

static void test_full_example(void **state)
{
	struct fixture *fx = *state;
	struct pkgjson *pj = &fx->pj;

	put(fx, "binding.gyp", "{}");
	load_ok(fx,
		"{\n"
		"  \"name\": \"@acme/widget\",\n"
		"  \"version\": \"1.2.3\",\n"
		"  \"description\": \"A widget\",\n"
		"  \"main\": \"lib/index.js\",\n"
		"  \"type\": \"module\",\n"
		"  \"scripts\": {\n"
		"    \"preinstall\": \"node pre.js\",\n"
		"    \"install\": \"node-gyp rebuild\",\n"
		"    \"weird\": 42,\n"
		"    \"postinstall\": \"node post.js\"\n"
		"  },\n"
		"  \"bin\": {\"widget\": \"bin/widget.js\", \"wg\": \"bin/wg.js\"},\n"
		"  \"dependencies\": {\"left-pad\": \"^1.3.0\", \"debug\": \"~4.3.1\"},\n"
		"  \"optionalDependencies\": {\"fsevents\": \"2.x\", \"debug\": \"^4\"},\n"
		"  \"exports\": {\n"
		"    \".\": {\"import\": \"./esm/index.mjs\", \"require\": \"./cjs/index.js\"},\n"
		"    \"./package.json\": \"./package.json\"\n"
		"  }\n"
		"}\n");
	assert_string_equal(pj->name, "@acme/widget");
	assert_string_equal(pj->version, "1.2.3");
	assert_string_equal(pj->description, "A widget");
	assert_string_equal(pj->main, "lib/index.js");
	assert_true(pj->is_module);
	assert_true(pj->has_binding_gyp);
	assert_int_equal(pj->nscripts, 3);
	assert_kv(&pj->scripts[0], "preinstall", "node pre.js");
	assert_kv(&pj->scripts[1], "install", "node-gyp rebuild");
	assert_kv(&pj->scripts[2], "postinstall", "node post.js");
	assert_int_equal(pj->nbin, 2);
	assert_kv(&pj->bin[0], "widget", "bin/widget.js");
	assert_kv(&pj->bin[1], "wg", "bin/wg.js");
	/* "debug" is in both: once, with the optional spec. */
	assert_int_equal(pj->ndeps, 3);
	/* only left-pad is required; the optional part starts after it */
	assert_int_equal(pj->ndeps_required, 1);
	assert_kv(&pj->deps[0], "left-pad", "^1.3.0");
	assert_kv(&pj->deps[1], "fsevents", "2.x");
	assert_kv(&pj->deps[2], "debug", "^4");
	assert_string_equal(pj->exports_main, "./cjs/index.js");
}

static void test_minimal(void **state)
{
	struct fixture *fx = *state;
	struct pkgjson *pj = &fx->pj;

	load_ok(fx, "{\"name\":\"tiny\",\"version\":\"0.0.1\",\"main\":7,\"type\":\"commonjs\"}");
	assert_string_equal(pj->name, "tiny");
	assert_string_equal(pj->version, "0.0.1");
	assert_null(pj->description);
	assert_null(pj->main); /* not a string: absent */
	assert_false(pj->is_module);
	assert_false(pj->has_binding_gyp);
	assert_int_equal(pj->nscripts, 0);
	assert_null(pj->scripts);
	assert_int_equal(pj->nbin, 0);
	assert_int_equal(pj->ndeps, 0);
	assert_null(pj->exports_main);
	assert_null(pkgjson_script(pj, "install"));
}

static void test_scripts_keep_file_order(void **state)
{
	struct fixture *fx = *state;
	struct pkgjson *pj = &fx->pj;

	load_ok(fx, "{\"name\":\"o\",\"version\":\"1.0.0\",\"scripts\":"
		    "{\"z\":\"zz\",\"a\":\"aa\",\"postinstall\":\"curl x | sh\",\"m\":\"mm\"}}");
	assert_int_equal(pj->nscripts, 4);
	assert_kv(&pj->scripts[0], "z", "zz");
	assert_kv(&pj->scripts[1], "a", "aa");
	assert_kv(&pj->scripts[2], "postinstall", "curl x | sh");
	assert_kv(&pj->scripts[3], "m", "mm");
	assert_string_equal(pkgjson_script(pj, "postinstall"), "curl x | sh");
	assert_string_equal(pkgjson_script(pj, "m"), "mm");
	assert_null(pkgjson_script(pj, "preinstall"));
}

static void test_bin_string_scoped(void **state)
{
	struct fixture *fx = *state;

	load_ok(fx, "{\"name\":\"@scope/tool\",\"version\":\"1.0.0\",\"bin\":\"./cli.js\"}");
	assert_int_equal(fx->pj.nbin, 1);
	assert_kv(&fx->pj.bin[0], "tool", "./cli.js");
}

static void test_bin_string_unscoped(void **state)
{
	struct fixture *fx = *state;

	load_ok(fx, "{\"name\":\"tool\",\"version\":\"1.0.0\",\"bin\":\"cli.js\"}");
	assert_int_equal(fx->pj.nbin, 1);
	assert_kv(&fx->pj.bin[0], "tool", "cli.js");
}

static void test_bin_object_and_junk(void **state)
{
	struct fixture *fx = *state;

	load_ok(fx, "{\"name\":\"@s/multi\",\"version\":\"1.0.0\","
		    "\"bin\":{\"one\":\"a.js\",\"bad\":[1],\"two\":\"b.js\"}}");
	assert_int_equal(fx->pj.nbin, 2);
	assert_kv(&fx->pj.bin[0], "one", "a.js");
	assert_kv(&fx->pj.bin[1], "two", "b.js");
	pkgjson_release(&fx->pj);
	load_ok(fx, "{\"name\":\"x\",\"version\":\"1.0.0\",\"bin\":42}");
	assert_int_equal(fx->pj.nbin, 0);
}

static void test_exports_forms(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *exports;
		const char *want;
	} cases[] = {
		{"\"./main.js\"", "./main.js"},
		{"{\"require\":\"./r.cjs\",\"import\":\"./i.mjs\"}", "./r.cjs"},
		{"{\"import\":\"./i.mjs\",\"default\":\"./d.js\"}", "./i.mjs"},
		{"{\"default\":\"./d.js\"}", "./d.js"},
		{"{\".\":\"./dot.js\",\"./sub\":\"./sub.js\"}", "./dot.js"},
		{"{\".\":{\"node\":{\"import\":\"./n.mjs\"},\"default\":{\"x\":1}}}", "./n.mjs"},
		{"[\"./first.js\",\"./second.js\"]", "./first.js"},
		{"[{\"require\":\"./a.cjs\"},\"./b.js\"]", "./b.js"},
		{"{\"./sub\":\"./sub.js\"}", NULL},
		{"{\"browser\":\"./b.js\"}", NULL},
		{"null", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = xasprintf("{\"name\":\"e\",\"version\":\"1.0.0\",\"exports\":%s}",
				       cases[i].exports);

		load_ok(fx, text);
		if (cases[i].want)
			assert_string_equal(fx->pj.exports_main, cases[i].want);
		else
			assert_null(fx->pj.exports_main);
		pkgjson_release(&fx->pj);
		free(text);
	}
}

static void test_bom_accepted(void **state)
{
	struct fixture *fx = *state;

	load_ok(fx, "\xef\xbb\xbf{\"name\":\"bom\",\"version\":\"1.0.0\"}");
	assert_string_equal(fx->pj.name, "bom");
}

static void test_missing_file(void **state)
{
	struct fixture *fx = *state;

	load_fails(fx, "cannot read '%s/package.json': No such file or directory");
}

static void test_missing_dir(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	assert_int_equal(pkgjson_load("/nonexistent/snare", &fx->pj, err, sizeof(err)), -1);
	assert_string_equal(
		err, "cannot read '/nonexistent/snare/package.json': No such file or directory");
}

static void test_invalid_json_names_line(void **state)
{
	struct fixture *fx = *state;

	put(fx, "package.json", "{\n  \"name\": \"x\",\n  \"version\": }\n");
	load_fails(fx, "package.json in '%s' is not valid JSON: line 3: unexpected token near '}'");
	put(fx, "package.json", "{\"name\": \"x\",\n\"version\": \"1.0.0\"\n");
	load_fails(fx,
		   "package.json in '%s' is not valid JSON: line 3: '}' expected near end of file");
	put(fx, "package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"} trailing");
	load_fails(
		fx,
		"package.json in '%s' is not valid JSON: line 1: end of file expected near 'trailing'");
	put(fx, "package.json", " \n");
	load_fails(fx, "package.json in '%s' is empty");
}

static void test_not_an_object(void **state)
{
	struct fixture *fx = *state;

	put(fx, "package.json", "[{\"name\":\"x\"}]");
	load_fails(fx, "package.json in '%s' is not a JSON object");
	put(fx, "package.json", "\"x\"");
	load_fails(fx, "package.json in '%s' is not a JSON object");
}

static void test_missing_or_bad_name(void **state)
{
	struct fixture *fx = *state;

	put(fx, "package.json", "{\"version\":\"1.0.0\"}");
	load_fails(fx, "package.json in '%s' has no name");
	put(fx, "package.json", "{\"name\":[\"x\"],\"version\":\"1.0.0\"}");
	load_fails(fx, "package.json in '%s' has a name that is not a string");
	put(fx, "package.json", "{\"name\":\"left pad\",\"version\":\"1.0.0\"}");
	load_fails(
		fx,
		"package.json in '%s' has an invalid name 'left pad': name cannot contain spaces");
	put(fx, "package.json", "{\"name\":\"a\\nb\",\"version\":\"1.0.0\"}");
	load_fails(fx,
		   "package.json in '%s' has an invalid name 'a?b': name cannot contain spaces");
}

static void test_missing_or_bad_version(void **state)
{
	struct fixture *fx = *state;

	put(fx, "package.json", "{\"name\":\"x\"}");
	load_fails(fx, "package.json in '%s' has no version");
	put(fx, "package.json", "{\"name\":\"x\",\"version\":\"\"}");
	load_fails(fx, "package.json in '%s' has no version");
	put(fx, "package.json", "{\"name\":\"x\",\"version\":1}");
	load_fails(fx, "package.json in '%s' has a version that is not a string");
}

static void test_symlink_refused(void **state)
{
	struct fixture *fx = *state;
	char *link = xasprintf("%s/package.json", fx->dir);

	put(fx, "real.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}");
	assert_int_equal(symlink("real.json", link), 0);
	load_fails(fx, "cannot read '%s/package.json': it is a symlink");
	free(link);
}

static void test_not_a_regular_file(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/package.json", fx->dir);

	assert_int_equal(mkfifo(path, 0644), 0);
	load_fails(fx, "cannot read '%s/package.json': not a regular file");
	free(path);
}

static void test_too_big(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/package.json", fx->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PKGJSON_MAX_BYTES + 1), 0);
	close(fd);
	load_fails(fx, "package.json in '%s' is larger than 16 MiB");
	/* Exactly at the cap it is read (and here found not to be JSON). */
	assert_int_equal(truncate(path, PKGJSON_MAX_BYTES), 0);
	assert_int_equal(pkgjson_load(fx->dir, &fx->pj, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "is not valid JSON"));
	free(path);
}

static void test_name_rules(void **state)
{
	static const struct {
		const char *name;
		const char *problem;
	} cases[] = {
		{"left-pad", NULL},
		{"JSONStream", NULL}, /* capitals: allowed for old packages */
		{"@types/node", NULL},
		{"lodash.get", NULL},
		{"a~b!c*d'e(f)", NULL},
		{"", "name cannot be empty"},
		{".hidden", "name cannot start with a period"},
		{"_private", "name cannot start with an underscore"},
		{" x", "name cannot contain spaces"},
		{"node_modules", "name is reserved"},
		{"a/b", "name can only contain URL-friendly characters"},
		{"caf\xc3\xa9", "name can only contain URL-friendly characters"},
		{"@scope", "scoped name must look like '@scope/name'"},
		{"@/x", "scoped name must look like '@scope/name'"},
		{"@s/", "scoped name must look like '@scope/name'"},
		{"@s/a/b", "scoped name must look like '@scope/name'"},
		{"@s:x/y", "name can only contain URL-friendly characters"},
	};
	char long_name[216];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = pkgjson_name_problem(cases[i].name);

		if (cases[i].problem)
			assert_string_equal(got, cases[i].problem);
		else
			assert_null(got);
	}
	memset(long_name, 'a', 214);
	long_name[214] = '\0';
	assert_null(pkgjson_name_problem(long_name));
	long_name[214] = 'a';
	long_name[215] = '\0';
	assert_string_equal(pkgjson_name_problem(long_name),
			    "name cannot be longer than 214 characters");
}

static void test_release_twice(void **state)
{
	struct fixture *fx = *state;

	load_ok(fx, "{\"name\":\"x\",\"version\":\"1.0.0\",\"scripts\":{\"a\":\"b\"}}");
	pkgjson_release(&fx->pj);
	pkgjson_release(&fx->pj);
	pkgjson_release(NULL);
	assert_null(fx->pj.scripts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_minimal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scripts_keep_file_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_string_scoped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_string_unscoped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_object_and_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_json_names_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_an_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_or_bad_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_or_bad_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test_setup_teardown(test_release_twice, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
