/* Reading and writing the features table; every malformed input gets one
 * precise line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dataset/table.h"
#include "features/features.h"

static char path[64];

static void write_text(const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/snare-test-table-%d.tsv", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_round_trip(void **state)
{
	struct table t, u;
	char err[256];
	float *x = calloc(features_count(), sizeof(float));
	(void)state;
	table_init(&t);
	x[0] = 3;
	x[features_count() - 1] = 0.5f;
	table_add(&t, "a@1.0.0", 1, "recon", "g1", x);
	x[0] = 0;
	table_add(&t, "b@2.0.0", 0, NULL, NULL, x);
	FILE *f = fopen(path, "w");
	assert_int_equal(table_write(&t, f), 0);
	fclose(f);
	assert_int_equal(table_read(&u, path, err, sizeof(err)), 0);
	assert_int_equal(u.nrows, 2);
	assert_string_equal(u.id[0], "a@1.0.0");
	assert_string_equal(u.family[0], "recon");
	assert_string_equal(u.group[1], "b@2.0.0"); /* group defaults to the id */
	assert_string_equal(u.family[1], "-");
	assert_true(u.X[0] == 3 && u.y[0] == 1 && u.y[1] == 0);
	assert_true(u.X[features_count() - 1] == 0.5f);
	table_release(&t);
	table_release(&u);
	free(x);
}

/* A table of the model's columns only (one made before features outside
 * the model were added, as data/features.tsv): those read as 0. */
static void test_model_columns_only(void **state)
{
	struct table t;
	char err[512];
	size_t nm = features_model_count();
	(void)state;
	assert_true(nm < features_count());
	FILE *f = fopen(path, "w");
	fputs("id\tlabel\tfamily\tgroup", f);
	for (size_t i = 0; i < nm; i++)
		fprintf(f, "\t%s", features_name(i));
	fputs("\nx@1\t1\t-\tg", f);
	for (size_t i = 0; i < nm; i++)
		fprintf(f, "\t%zu", i % 3);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(table_read(&t, path, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, 1);
	assert_int_equal(t.ncols, features_count());
	assert_true(t.X[nm - 1] == (float)((nm - 1) % 3));
	for (size_t i = nm; i < features_count(); i++)
		assert_true(t.X[i] == 0);
	table_release(&t);

	/* one column short of the model's is still an error */
	f = fopen(path, "w");
	fputs("id\tlabel\tfamily\tgroup", f);
	for (size_t i = 0; i + 1 < nm; i++)
		fprintf(f, "\t%s", features_name(i));
	fputs("\n", f);
	fclose(f);
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not of feature schema 3"));
}

static void test_errors(void **state)
{
	struct table t;
	char err[512], want[512];
	(void)state;

	write_text("");
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "features table '%s' is empty", path);
	assert_string_equal(err, want);

	write_text("name\tlabel\n");
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "features table '%s' does not start with 'id label family group'", path);
	assert_string_equal(err, want);

	write_text("id\tlabel\tfamily\tgroup\tn_commands\tbogus\n");
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	assert_non_null(strstr(
		err, "is not of feature schema 3: column 6 is 'bogus', expected 'n_domains'"));

	assert_int_equal(table_read(&t, "/nonexistent.tsv", err, sizeof(err)), -1);
	assert_string_equal(
		err, "cannot read features table '/nonexistent.tsv': No such file or directory");

	/* a good header, then a bad label and a non-number */
	FILE *f = fopen(path, "w");
	table_write_header(f);
	fputs("x@1\t7\t-\tg\n", f);
	fclose(f);
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "features table '%s': line 2: bad label or missing columns",
		 path);
	assert_string_equal(err, want);

	f = fopen(path, "w");
	table_write_header(f);
	fputs("x@1\t1\t-\tg\tabc\n", f);
	fclose(f);
	assert_int_equal(table_read(&t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "features table '%s': line 2: 'abc' is not a number", path);
	assert_string_equal(err, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_model_columns_only),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
