/* The batch options snare scan and snare audit share (-j, --format,
 * --store, --no-store, --rescan): values, errors and their messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* What was printed on stderr between capture_start() and capture_end(). */
static char captured[512];

static void capture_start(int *saved, FILE **tmp)
{
	fflush(stderr);
	*tmp = tmpfile();
	assert_non_null(*tmp);
	*saved = dup(2);
	assert_true(*saved >= 0);
	assert_int_equal(dup2(fileno(*tmp), 2), 2);
}

static const char *capture_end(int saved, FILE *tmp)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
	return captured;
}

/* batch_opt() for an option with a bad value: 2 and exactly |msg|. */
static void expect_error(int c, const char *arg, const char *msg)
{
	struct batch_opts o;
	FILE *tmp;
	int saved;

	batch_opts_init(&o);
	capture_start(&saved, &tmp);
	int r = batch_opt(&o, c, arg);
	assert_string_equal(capture_end(saved, tmp), msg);
	assert_int_equal(r, 2);
}

static void test_defaults(void **state)
{
	struct batch_opts o;

	(void)state;
	batch_opts_init(&o);
	assert_int_equal(o.jobs, batch_default_jobs());
	assert_true(o.jobs >= 1 && o.jobs <= 4);
	assert_int_equal(o.format, FORMAT_TEXT);
	assert_null(o.store);
	assert_false(o.no_store);
	assert_false(o.rescan);
	assert_int_equal(batch_opts_check(&o), 0);
}

static void test_values(void **state)
{
	struct batch_opts o;

	(void)state;
	batch_opts_init(&o);
	assert_int_equal(batch_opt(&o, 'j', "64"), 1);
	assert_int_equal(o.jobs, 64);
	assert_int_equal(batch_opt(&o, 'j', "1"), 1);
	assert_int_equal(o.jobs, 1);
	assert_int_equal(batch_opt(&o, 'f', "sarif"), 1);
	assert_int_equal(o.format, FORMAT_SARIF);
	assert_int_equal(batch_opt(&o, 'f', "jsonl"), 1);
	assert_int_equal(o.format, FORMAT_JSONL);
	assert_int_equal(batch_opt(&o, 'S', "/tmp/r.db"), 1);
	assert_string_equal(o.store, "/tmp/r.db");
	assert_int_equal(batch_opt(&o, 'X', NULL), 1);
	assert_true(o.rescan);
	assert_int_equal(batch_opts_check(&o), 0);
	/* Not one of them: left to the command. */
	assert_int_equal(batch_opt(&o, 'q', NULL), 0);
	assert_int_equal(batch_opt(&o, 'm', "model.json"), 0);
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error('j', "0", "snare: invalid --jobs '0' (1 to 64)\n");
	expect_error('j', "65", "snare: invalid --jobs '65' (1 to 64)\n");
	expect_error('j', "2x", "snare: invalid --jobs '2x' (1 to 64)\n");
	expect_error('j', "", "snare: invalid --jobs '' (1 to 64)\n");
	expect_error('j', "-1", "snare: invalid --jobs '-1' (1 to 64)\n");
	/* the formats of the table (test_results.c checks the list itself) */
	char names[256], want[512];
	out_format_names(names, sizeof(names));
	assert_non_null(strstr(names, "text, jsonl"));
	snprintf(want, sizeof(want), "snare: unknown format 'xml' (%s)\n", names);
	expect_error('f', "xml", want);
	snprintf(want, sizeof(want), "snare: unknown format 'JSONL' (%s)\n", names);
	expect_error('f', "JSONL", want);
}

static void test_store_conflict(void **state)
{
	struct batch_opts o;
	FILE *tmp;
	int saved;

	(void)state;
	batch_opts_init(&o);
	assert_int_equal(batch_opt(&o, 'S', "r.db"), 1);
	assert_int_equal(batch_opt(&o, 'N', NULL), 1);
	assert_true(o.no_store);
	capture_start(&saved, &tmp);
	int r = batch_opts_check(&o);
	assert_string_equal(capture_end(saved, tmp),
			    "snare: --store and --no-store cannot be combined\n");
	assert_int_equal(r, 2);
}

/* The long options parse through getopt_long() as the commands use them. */
static void test_longopts(void **state)
{
	static const struct option longopts[] = {BATCH_LONGOPTS, {NULL, 0, NULL, 0}};
	char *argv[] = {"snare",    "--jobs",	  "3", "--format=jsonl",
			"--rescan", "--no-store", "x", NULL};
	struct batch_opts o;
	int c;

	(void)state;
	batch_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(7, argv, "j:", longopts, NULL)) != -1)
		assert_int_equal(batch_opt(&o, c, optarg), 1);
	assert_int_equal(o.jobs, 3);
	assert_int_equal(o.format, FORMAT_JSONL);
	assert_true(o.rescan);
	assert_true(o.no_store);
	assert_int_equal(optind, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),   cmocka_unit_test(test_values),
		cmocka_unit_test(test_bad_values), cmocka_unit_test(test_store_conflict),
		cmocka_unit_test(test_longopts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
