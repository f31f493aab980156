/* Metrics on small score sets whose values are known by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "eval/metrics.h"

static void test_roc_auc(void **state)
{
	const float s[] = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
	const float y[] = {1, 1, 0, 1, 0, 0};
	(void)state;
	/* 3 positives x 3 negatives; one discordant pair (0.7 neg above 0.6 pos) */
	assert_true(fabs(metric_roc_auc(s, y, 6) - 8.0 / 9.0) < 1e-9);
	const float tie[] = {0.5f, 0.5f};
	const float ty[] = {1, 0};
	assert_true(fabs(metric_roc_auc(tie, ty, 2) - 0.5) < 1e-9);
	const float one[] = {1};
	assert_true(isnan(metric_roc_auc(s, one, 1)));
}

static void test_pr_auc(void **state)
{
	const float s[] = {0.9f, 0.8f, 0.7f, 0.6f};
	const float y[] = {1, 0, 1, 0};
	(void)state;
	/* AP = 1/2 * (1/1) + 1/2 * (2/3) */
	assert_true(fabs(metric_pr_auc(s, y, 4) - (0.5 + 1.0 / 3.0)) < 1e-9);
}

static void test_tpr_at_fpr(void **state)
{
	const float s[] = {0.95f, 0.9f, 0.8f, 0.7f, 0.6f, 0.3f};
	const float y[] = {1, 1, 0, 1, 0, 0};
	double t;
	(void)state;
	assert_true(fabs(metric_tpr_at_fpr(s, y, 6, 0.0, &t) - 2.0 / 3.0) < 1e-9);
	assert_true(fabs(t - 0.9) < 1e-6);
	assert_true(fabs(metric_tpr_at_fpr(s, y, 6, 0.34, &t) - 1.0) < 1e-9);
	assert_true(fabs(t - 0.7) < 1e-6);
}

static void test_confusion(void **state)
{
	const float s[] = {0.9f, 0.2f, 0.6f, 0.4f};
	const float y[] = {1, 1, 0, 0};
	size_t cm[4];
	(void)state;
	metric_confusion(s, y, 4, 0.5, cm);
	assert_int_equal(cm[0], 1); /* tp */
	assert_int_equal(cm[1], 1); /* fp */
	assert_int_equal(cm[2], 1); /* tn */
	assert_int_equal(cm[3], 1); /* fn */
}

static void test_folds_keep_groups_together(void **state)
{
	const char *g[] = {"a", "a", "a", "b", "c", "c", "d", "e", "f", "g"};
	const float y[] = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
	int fold[10];
	(void)state;
	folds_grouped_stratified(g, y, 10, 2, 1, fold);
	assert_int_equal(fold[0], fold[1]);
	assert_int_equal(fold[1], fold[2]);
	assert_int_equal(fold[4], fold[5]);
	/* benign rows split 2/2 across the two folds */
	int b0 = (fold[6] == 0) + (fold[7] == 0) + (fold[8] == 0) + (fold[9] == 0);
	assert_int_equal(b0, 2);
	for (int i = 0; i < 10; i++)
		assert_true(fold[i] == 0 || fold[i] == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roc_auc),
		cmocka_unit_test(test_pr_auc),
		cmocka_unit_test(test_tpr_at_fpr),
		cmocka_unit_test(test_confusion),
		cmocka_unit_test(test_folds_keep_groups_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
