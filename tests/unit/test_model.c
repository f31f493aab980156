/* Training, saving, loading and predicting with the XGBoost wrapper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "features/features.h"
#include "model/model.h"

#define ROWS 200

static float *X, y[ROWS];
static const char *const RULE_ROWS[] = {"exfil_chain",	   "write_autostart", "cmd_persist",
					"write_documents", "delete_outside",  NULL};
static const char *const RULE_PHASES[] = {"install", "prepare", "import", NULL};
static size_t ncols;
static char path[64];

static int setup(void **state)
{
	int k = features_index("any.canary_hits");
	(void)state;
	ncols = features_count();
	X = calloc(ROWS * ncols, sizeof(float));
	srand(7);
	for (size_t i = 0; i < ROWS; i++) {
		y[i] = (float)(i % 2);
		for (size_t j = 0; j < ncols; j++)
			X[i * ncols + j] = (float)(rand() % 3);
		X[i * ncols + (size_t)k] = y[i] > 0 ? 1.0f + (float)(rand() % 3) : 0.0f;
		/* no rule met: the trees alone decide */
		for (const char *const *r = RULE_ROWS; *r; r++)
			for (const char *const *ph = RULE_PHASES; *ph; ph++) {
				char name[96];
				snprintf(name, sizeof(name), "%s.%s", *ph, *r);
				X[i * ncols + (size_t)features_index(name)] = 0.0f;
			}
	}
	snprintf(path, sizeof(path), "/tmp/snare-test-model-%d.json", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(X);
	unlink(path);
	return 0;
}

static void test_train_predict_save_load(void **state)
{
	struct train_params p;
	char err[256];
	float prob[2], contribs[2 * 1024];
	(void)state;

	train_params_default(&p);
	p.rounds = 20;
	p.nthread = 1;
	struct model *m = model_train(X, y, ROWS, ncols, &p, "{\"rows\":200}", err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(model_predict(m, X, 2, prob, contribs, err, sizeof(err)), 0);
	assert_true(prob[0] < 0.2f); /* row 0 is benign */
	assert_true(prob[1] > 0.8f); /* row 1 is malicious */
	/* SHAP: contributions plus bias sum to the log-odds */
	double sum = 0;
	for (size_t j = 0; j <= ncols; j++)
		sum += contribs[(ncols + 1) + j];
	assert_true(fabs(1.0 / (1.0 + exp(-sum)) - prob[1]) < 1e-3);
	/* the planted column carries the decision */
	int k = features_index("any.canary_hits");
	assert_true(contribs[(ncols + 1) + (size_t)k] > 1.0f);
	model_set_threshold(m, 0.3);
	assert_int_equal(model_save(m, path, err, sizeof(err)), 0);
	model_free(m);

	m = model_load(path, err, sizeof(err));
	assert_non_null(m);
	assert_true(fabs(model_threshold(m) - 0.3) < 1e-9);
	/* the caller's metadata, with how the model was constrained */
	char *c = model_monotone_constraints(), want[4096];
	snprintf(want, sizeof(want),
		 "{\"rows\":200,\"monotone_constraints\":\"%s\",\"augment\":false}", c);
	free(c);
	assert_string_equal(model_meta(m), want);
	float p2[2];
	assert_int_equal(model_predict(m, X, 2, p2, NULL, err, sizeof(err)), 0);
	assert_true(fabs(p2[1] - prob[1]) < 1e-6);
	model_free(m);
}

/* A rule met outranks the trees: probability 1 whatever they say, with the
 * trees' contributions kept; a value under the rule's least does not. */
static void test_rules(void **state)
{
	struct train_params p;
	char err[256], row_name[96];
	float row[1024], prob, contribs[1025];
	(void)state;

	train_params_default(&p);
	p.rounds = 20;
	p.nthread = 1;
	struct model *m = model_train(X, y, ROWS, ncols, &p, "{}", err, sizeof(err));
	assert_non_null(m);
	memcpy(row, X, ncols * sizeof(float)); /* row 0: benign */
	assert_null(features_rule_hit(row, NULL, 0));
	assert_int_equal(model_predict(m, row, 1, &prob, NULL, err, sizeof(err)), 0);
	assert_true(prob < 0.2f);

	row[features_index("import.delete_outside")] = 2;
	assert_null(features_rule_hit(row, NULL, 0));
	row[features_index("import.delete_outside")] = 3;
	const struct features_rule *r = features_rule_hit(row, row_name, sizeof(row_name));
	assert_non_null(r);
	assert_string_equal(r->feature, "delete_outside");
	assert_string_equal(row_name, "import.delete_outside");
	assert_string_equal(r->why,
			    "sabotage: deletes files outside the project that it did not create");
	assert_int_equal(model_predict(m, row, 1, &prob, contribs, err, sizeof(err)), 0);
	assert_true(prob == FEATURES_RULE_FLOOR);
	/* the first rule of the table wins */
	row[features_index("install.write_autostart")] = 1;
	assert_string_equal(features_rule_hit(row, NULL, 0)->feature, "write_autostart");
	/* what a called function or a page does is the model's to weigh, and
	 * so are shell startup files (write_persist) */
	memcpy(row, X, ncols * sizeof(float));
	row[features_index("execute.cmd_persist")] = 5;
	row[features_index("browser.write_documents")] = 5;
	row[features_index("install.write_persist")] = 5;
	row[features_index("any.cmd_persist")] = 5;
	assert_null(features_rule_hit(row, NULL, 0));
	model_free(m);
}

static void test_missing_model(void **state)
{
	char err[256];
	(void)state;
	assert_null(model_load("/nonexistent/model.json", err, sizeof(err)));
	assert_string_equal(
		err, "cannot read model '/nonexistent/model.json': No such file or directory");
}

static void test_malformed_model(void **state)
{
	char err[256], bad[80];
	(void)state;
	snprintf(bad, sizeof(bad), "/tmp/snare-test-bad-%d.json", (int)getpid());
	FILE *f = fopen(bad, "w");
	fputs("{\"not\": \"a model\"}", f);
	fclose(f);
	assert_null(model_load(bad, err, sizeof(err)));
	assert_non_null(strstr(err, "is not a valid XGBoost model"));
	unlink(bad);
}

static void test_wrong_width(void **state)
{
	struct train_params p;
	char err[256];
	(void)state;
	train_params_default(&p);
	assert_null(model_train(X, y, ROWS, 3, &p, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "training data has 3 features"));
}

/* Scores of a malicious row as |feature| grows from 0 to 5. */
static void scores_as_it_grows(const struct model *m, const float *x, int feature, float *out)
{
	char err[256];
	float *v = calloc(6 * ncols, sizeof(float));
	for (int i = 0; i < 6; i++) {
		memcpy(v + (size_t)i * ncols, x, ncols * sizeof(float));
		v[(size_t)i * ncols + (size_t)feature] = (float)i;
	}
	assert_int_equal(model_predict(m, v, 6, out, NULL, err, sizeof(err)), 0);
	free(v);
}

/* A feature anti-correlated with the label (benign rows run interpreters,
 * malicious ones do not): unconstrained, the model learns that running
 * python looks benign; constrained, running more never lowers a score. */
static void test_monotone(void **state)
{
	struct train_params p;
	char err[256];
	float *T = calloc(ROWS * ncols, sizeof(float)), t[ROWS], s[6];
	int anti = features_index("any.cmd_interp"), sig = features_index("static.eval");
	(void)state;

	for (size_t i = 0; i < ROWS; i++) {
		t[i] = (float)(i % 2);
		T[i * ncols + (size_t)anti] = t[i] > 0 ? 0.0f : (float)(1 + i % 4);
		/* the evidence is ambiguous: half of each class calls eval */
		T[i * ncols + (size_t)sig] = (float)((i / 2) % 2);
	}
	train_params_default(&p);
	p.rounds = 30;
	p.nthread = 1;
	assert_true(p.monotone);
	struct model *m = model_train(T, t, ROWS, ncols, &p, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_non_null(strstr(model_meta(m), "\"monotone_constraints\":\"(1,1,"));
	scores_as_it_grows(m, T + ncols, anti, s); /* row 1: malicious */
	for (int i = 1; i < 6; i++)
		assert_true(s[i] >= s[i - 1]);
	model_free(m);

	p.monotone = false;
	m = model_train(T, t, ROWS, ncols, &p, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_non_null(strstr(model_meta(m), "\"monotone_constraints\":\"none\""));
	scores_as_it_grows(m, T + ncols, anti, s);
	assert_true(s[1] < s[0] - 0.5f); /* the test bites: unconstrained, it drops */
	model_free(m);
	free(T);
}

static void test_monotone_constraints_string(void **state)
{
	(void)state;
	char *c = model_monotone_constraints();
	size_t n = features_model_count();
	assert_int_equal(strlen(c), 2 * n + 1); /* "(" "1" ("," "1")* ")" */
	assert_int_equal(c[0], '(');
	assert_int_equal(c[2 * n], ')');
	for (size_t j = 0; j < n; j++)
		assert_int_equal(c[1 + 2 * j], '1');
	free(c);
}

/* Every malicious row gets three copies (steps, code, both); benign rows
 * none; the copies inflate only what a package adds for free. */
static void test_augment(void **state)
{
	float x[2 * 1024] = {0}, lab[2] = {0, 1}, *Xa, *ya;
	size_t n = features_count();
	int failed = features_index("any.cmd_failed"), lines = features_index("static.long_lines"),
	    maxl = features_index("static.max_line"), canary = features_index("any.canary_hits");
	(void)state;

	assert_true(2 * n <= sizeof(x) / sizeof(x[0]));
	x[n + (size_t)canary] = 2;
	x[n + (size_t)maxl] = 30000;
	assert_int_equal(model_augment(x, lab, 2, &Xa, &ya), 3);
	assert_memory_equal(Xa, x, 2 * n * sizeof(float));
	for (size_t k = 2; k < 5; k++) {
		assert_true(ya[k] == 1.0f);
		assert_true(Xa[k * n + (size_t)canary] == 2.0f);
		assert_true(Xa[k * n + (size_t)maxl] == 30000.0f); /* at least 20000: kept */
	}
	assert_true(Xa[2 * n + (size_t)failed] == 2.0f && Xa[2 * n + (size_t)lines] == 0.0f);
	assert_true(Xa[3 * n + (size_t)failed] == 0.0f && Xa[3 * n + (size_t)lines] == 4.0f);
	assert_true(Xa[4 * n + (size_t)failed] == 2.0f && Xa[4 * n + (size_t)lines] == 4.0f);
	free(Xa);
	free(ya);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_predict_save_load),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_missing_model),
		cmocka_unit_test(test_malformed_model),
		cmocka_unit_test(test_wrong_width),
		cmocka_unit_test(test_monotone),
		cmocka_unit_test(test_monotone_constraints_string),
		cmocka_unit_test(test_augment),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
