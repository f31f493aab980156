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
static size_t ncols;
static char path[64];

static int setup(void **state)
{
	int k = features_index("install.canary_hits");
	(void)state;
	ncols = features_count();
	X = calloc(ROWS * ncols, sizeof(float));
	srand(7);
	for (size_t i = 0; i < ROWS; i++) {
		y[i] = (float)(i % 2);
		for (size_t j = 0; j < ncols; j++)
			X[i * ncols + j] = (float)(rand() % 3);
		X[i * ncols + (size_t)k] = y[i] > 0 ? 1.0f + (float)(rand() % 3) : 0.0f;
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
	int k = features_index("install.canary_hits");
	assert_true(contribs[(ncols + 1) + (size_t)k] > 1.0f);
	model_set_threshold(m, 0.3);
	assert_int_equal(model_save(m, path, err, sizeof(err)), 0);
	model_free(m);

	m = model_load(path, err, sizeof(err));
	assert_non_null(m);
	assert_true(fabs(model_threshold(m) - 0.3) < 1e-9);
	assert_string_equal(model_meta(m), "{\"rows\":200}");
	float p2[2];
	assert_int_equal(model_predict(m, X, 2, p2, NULL, err, sizeof(err)), 0);
	assert_true(fabs(p2[1] - prob[1]) < 1e-6);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_predict_save_load),
		cmocka_unit_test(test_missing_model),
		cmocka_unit_test(test_malformed_model),
		cmocka_unit_test(test_wrong_width),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
