/* Metrics on small score sets whose values are known by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdbool.h>
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

/* Wilson intervals against values computed independently (and the
 * textbook's 0/100 -> [0, 3.70%] and 5/100 -> [2.15%, 11.18%]). */
static void test_wilson(void **state)
{
	double lo, hi;
	(void)state;
	metric_wilson(0, 100, &lo, &hi);
	assert_true(lo == 0 && fabs(hi - 0.0369934982) < 1e-9);
	metric_wilson(5, 100, &lo, &hi);
	assert_true(fabs(lo - 0.0215436792) < 1e-9 && fabs(hi - 0.1117504692) < 1e-9);
	metric_wilson(2, 1000, &lo, &hi);
	assert_true(fabs(lo - 0.0005486436) < 1e-9 && fabs(hi - 0.0072628079) < 1e-9);
	metric_wilson(0, 3000, &lo, &hi);
	assert_true(lo == 0 && fabs(hi - 0.0012788487) < 1e-9);
	metric_wilson(10, 10, &lo, &hi);
	assert_true(fabs(lo - 0.7224672001) < 1e-9 && hi == 1);
	metric_wilson(0, 0, &lo, &hi);
	assert_true(lo == 0 && hi == 1);
}

static void test_threshold_for_fpr(void **state)
{
	/* 1000 benign scores: 0.0005 apart from 0.5 up to 0.9995 */
	float neg[1000];
	(void)state;
	for (int i = 0; i < 1000; i++)
		neg[i] = 0.5f + 0.0005f * (float)i;
	/* 0.2% of 1000: two may pass, the third highest must not */
	double t = metric_threshold_for_fpr(neg, 1000, 0.002);
	assert_true(t == (double)nextafterf(neg[997], INFINITY));
	size_t above = 0;
	for (int i = 0; i < 1000; i++)
		above += neg[i] >= t;
	assert_int_equal(above, 2);
	/* none may pass: just above the highest */
	assert_true(metric_threshold_for_fpr(neg, 1000, 0) ==
		    (double)nextafterf(neg[999], INFINITY));
	/* ties: the second highest is tied with the highest, so allowing
	 * one lets none through */
	const float tie[] = {0.3f, 0.9f, 0.9f, 0.1f};
	assert_true(metric_threshold_for_fpr(tie, 4, 0.25) == (double)nextafterf(0.9f, INFINITY));
	assert_true(metric_threshold_for_fpr(tie, 4, 0.5) == (double)nextafterf(0.3f, INFINITY));
	/* all allowed */
	assert_true(metric_threshold_for_fpr(tie, 4, 1.0) == 0);
}

static void test_family_threshold(void **state)
{
	const float s[] = {0.9f, 0.7f, 0.6f, 0.95f, 0.2f};
	const float y[] = {1, 0, 0, 0, 1};
	const char *fam[] = {"worm", "longtail", "longtail", "top", "worm"};
	size_t n;
	bool of;
	(void)state;
	/* the long-tail rows only: above 0.7, the top package's 0.95 ignored */
	double t = metric_family_threshold(s, y, fam, 5, "longtail", 0, &n, &of);
	assert_true(t == (double)nextafterf(0.7f, INFINITY) && n == 2 && of);
	/* no such family: every benign row */
	t = metric_family_threshold(s, y, fam, 5, "other", 0, &n, &of);
	assert_true(t == (double)nextafterf(0.95f, INFINITY) && n == 3 && !of);
}

static void test_leave_family_out(void **state)
{
	const char *fam[] = {"worm", "worm", "dropper", "dropper", "-", "-", "longtail"};
	/* row 3 (a dropper) and row 5 (benign) share a group with a worm */
	const char *grp[] = {"g1", "g2", "g3", "g1", "g4", "g2", "g5"};
	const float y[] = {1, 1, 1, 1, 0, 0, 0};
	bool train[7], test[7];
	(void)state;
	assert_int_equal(folds_leave_family_out(fam, grp, y, 7, "worm", train, test), 2);
	const bool want_train[] = {false, false, true, false, true, false, true};
	const bool want_test[] = {true, true, false, false, false, false, false};
	for (int i = 0; i < 7; i++) {
		assert_int_equal(train[i], want_train[i]);
		assert_int_equal(test[i], want_test[i]);
		assert_false(train[i] && test[i]);
	}
	assert_int_equal(folds_leave_family_out(fam, grp, y, 7, "dropper", train, test), 2);
	assert_false(train[0]); /* the worm sharing g1 with a dropper */
	assert_true(train[1] && train[4] && train[6]);
	/* a benign family is no malicious family: nothing to hold out */
	assert_int_equal(folds_leave_family_out(fam, grp, y, 7, "longtail", train, test), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roc_auc),
		cmocka_unit_test(test_pr_auc),
		cmocka_unit_test(test_tpr_at_fpr),
		cmocka_unit_test(test_confusion),
		cmocka_unit_test(test_folds_keep_groups_together),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_threshold_for_fpr),
		cmocka_unit_test(test_family_threshold),
		cmocka_unit_test(test_leave_family_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
