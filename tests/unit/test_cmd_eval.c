/* snare train and snare eval: bad input gets one line and exit code 2;
 * a threshold chosen for a target false-positive rate is recorded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dataset/table.h"
#include "features/features.h"
#include "model/model.h"
#include "tmpdir.h"

static char dir[TMPDIR_MAX], table[128], nan_table[128], model[128];
static char captured[1024];

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

/* Runs a command on |argv| (NULL-terminated); its exit code, with what it
 * printed on stderr in captured[]. */
static int run(int (*cmd)(int, char **), const char **argv)
{
	int argc = 0, saved, rc;
	FILE *tmp;

	while (argv[argc])
		argc++;
	capture_start(&saved, &tmp);
	rc = cmd(argc, (char **)argv);
	capture_end(saved, tmp);
	return rc;
}

/* 60 rows: malicious ones carry canaries (droppers also run what they
 * wrote), benign ones (6 of them long-tail) neither; the NaN
 * table has one non-finite value. */
static int setup(void **state)
{
	size_t n = features_count();
	float *x = calloc(n, sizeof(float));
	int canary = features_index("any.canary_hits"), exec = features_index("any.exec_written");
	int persist = features_index("install.write_autostart");
	(void)state;

	if (tmpdir_make(dir, "cmd-eval") < 0)
		return -1;
	snprintf(table, sizeof(table), "%s/t.tsv", dir);
	snprintf(nan_table, sizeof(nan_table), "%s/nan.tsv", dir);
	snprintf(model, sizeof(model), "%s/m.json", dir);
	FILE *f = fopen(table, "w");
	table_write_header(f);
	for (int i = 0; i < 60; i++) {
		char id[32];
		snprintf(id, sizeof(id), "p%d@1.0.0", i);
		x[canary] = (float)(i % 2) * (float)(1 + i % 3);
		x[exec] = i % 4 == 3;
		x[persist] = i % 8 == 3; /* half the droppers meet a rule */
		table_write_row(f, id, i % 2,
				i % 4 == 1    ? "stealer"
				: i % 4 == 3  ? "dropper"
				: i % 10 == 0 ? "longtail"
					      : "benign",
				id, x, n);
	}
	fclose(f);
	f = fopen(nan_table, "w");
	table_write_header(f);
	table_write_row(f, "a@1", 1, "stealer", "a", x, n);
	fclose(f);
	/* a row with NaN in place of its first feature */
	f = fopen(nan_table, "a");
	fputs("b@1\t0\tbenign\tb\tnan", f);
	for (size_t j = 1; j < n; j++)
		fputs("\t0", f);
	fputc('\n', f);
	fclose(f);
	free(x);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_bad_target_fpr(void **state)
{
	(void)state;
	const char *train[] = {"train", table, "--target-fpr", "2", NULL};
	assert_int_equal(run(cmd_train, train), 2);
	assert_string_equal(captured,
			    "snare: invalid --target-fpr '2' (a rate in [0, 1), e.g. 0.002)\n");
	const char *eval[] = {"eval", table, "--target-fpr", "-0.1", NULL};
	assert_int_equal(run(cmd_eval, eval), 2);
	assert_string_equal(captured,
			    "snare: invalid --target-fpr '-0.1' (a rate in [0, 1), e.g. 0.002)\n");
	const char *both[] = {"train", table, "--target-fpr", "0.01", "--threshold", "0.5", NULL};
	assert_int_equal(run(cmd_train, both), 2);
	assert_string_equal(captured, "snare: give --threshold or --target-fpr, not both\n");
}

static void test_non_finite_table(void **state)
{
	char want[256];
	(void)state;
	const char *train[] = {"train", nan_table, "-o", model, NULL};
	assert_int_equal(run(cmd_train, train), 2);
	assert_non_null(strstr(captured, nan_table));
	assert_int_equal(strchr(captured, '\n') - captured, (long)strlen(captured) - 1);
	snprintf(want, sizeof(want), "%s", captured);
	const char *eval[] = {"eval", nan_table, NULL};
	assert_int_equal(run(cmd_eval, eval), 2);
	assert_string_equal(captured, want);
	/* a bad held-out table fails before anything trains */
	const char *hold[] = {"eval", table, "--holdout", nan_table, NULL};
	assert_int_equal(run(cmd_eval, hold), 2);
	assert_string_equal(captured, want);
}

/* Trains with --target-fpr 0 and |extra| (NULL or an option and its
 * value); the model's metadata must hold |want|. */
static void train_target(const char *extra, const char *value, const char *want)
{
	char err[256];
	const char *train[] = {"train", table,		"-o", model, "--rounds", "5", "-j",
			       "1",	"--target-fpr", "0",  extra, value,	 NULL};
	assert_int_equal(run(cmd_train, train), 0);
	struct model *m = model_load(model, err, sizeof(err));
	assert_non_null(m);
	assert_non_null(strstr(model_meta(m), want));
	assert_true(model_threshold(m) > 0 && model_threshold(m) < 1);
	model_free(m);
}

static void test_target_fpr_threshold(void **state)
{
	(void)state;
	/* the long-tail rows by default; none may be above the line, and
	 * the model separates the rows perfectly */
	train_target(NULL, NULL,
		     "\"chosen\":\"target_fpr\",\"target_fpr\":0.0,\"on\":\"longtail\","
		     "\"benign_rows\":6,\"folds\":5,\"oof_fpr\":0.0,\"oof_tpr\":1.0");
	/* a family the table lacks: every benign row */
	train_target("--fpr-family", "other",
		     "\"chosen\":\"target_fpr\",\"target_fpr\":0.0,\"on\":\"benign\","
		     "\"benign_rows\":30,\"folds\":5,\"oof_fpr\":0.0,\"oof_tpr\":1.0");
}

/* What eval prints on stdout, into |out|. */
static int run_stdout(int (*cmd)(int, char **), const char **argv, char *out, size_t outlen)
{
	int argc = 0, saved, rc;
	FILE *tmp = tmpfile();

	assert_non_null(tmp);
	while (argv[argc])
		argc++;
	fflush(stdout);
	saved = dup(1);
	assert_int_equal(dup2(fileno(tmp), 1), 1);
	rc = run(cmd, argv);
	fflush(stdout);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, outlen - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return rc;
}

static void test_eval_sections(void **state)
{
	static char out[16384];
	(void)state;
	const char *eval[] = {"eval", table, "--rounds", "5", "-j", "1", "--holdout", table, NULL};
	assert_int_equal(run_stdout(cmd_eval, eval, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "60 rows (30 benign, 30 malicious) in 60 groups, 5 folds "
				    "grouped by group and stratified by label, monotone\n"));
	assert_non_null(strstr(out, "longtail benign rows (family 'longtail'): FPR at threshold "
				    "0.500: 0.00% (0 of 6), 95% interval 0.00% .. 39.03%\n"));
	assert_non_null(strstr(out, "threshold for FPR <= 0.20% on longtail: "));
	/* held out, the droppers are still caught by their canaries */
	assert_non_null(strstr(out, "\ndropper                          15        15   100.0%\n"));
	assert_non_null(strstr(out, "\npooled                           30 "));
	assert_non_null(strstr(out, "\nrules (features/rules.def): met by 8 malicious and 0 benign "
				    "rows (dropper 8)\n"));
	assert_non_null(strstr(out, "0 of 30 malicious rows score lower in 0 of 90 copies "
				    "(largest drop 0.0000); 0 detected at 0.500 are missed in a "
				    "copy\n"));
	assert_non_null(strstr(out, "held-out table '"));
	assert_non_null(strstr(out, "FPR at threshold 0.500: 0.00% (0 of 30 benign), 95% interval "
				    "0.00% .. 11.35%\nTPR at threshold 0.500: 100.00% (30 of 30 "
				    "malicious)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_target_fpr),
		cmocka_unit_test(test_non_finite_table),
		cmocka_unit_test(test_target_fpr_threshold),
		cmocka_unit_test(test_eval_sections),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
