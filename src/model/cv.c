/* Training on some rows and scoring others: the out-of-fold scores of
 * cross-validation, a held-out family, a held-out table. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "model/model.h"
#include "util/xalloc.h"

/* The rows of |X| whose flag is set, packed; their count in *|k|. */
static float *pick(const float *X, size_t nrows, size_t width, const bool *flag, size_t *k)
{
	float *out = xmalloc((nrows ? nrows : 1) * width * sizeof(float));

	*k = 0;
	for (size_t i = 0; i < nrows; i++)
		if (flag[i])
			memcpy(out + (*k)++ * width, X + i * width, width * sizeof(float));
	return out;
}

int model_fit_score(const float *X, const float *y, size_t nrows, const bool *train,
		    const bool *score, const struct train_params *p, float *out, char *err,
		    size_t errlen)
{
	size_t n = features_count(), ntr, nte;
	float *Xtr = pick(X, nrows, n, train, &ntr), *ytr = pick(y, nrows, 1, train, &ntr);
	struct model *m = model_train(Xtr, ytr, ntr, n, p, NULL, err, errlen);
	int rc = -1;

	free(Xtr);
	free(ytr);
	if (!m)
		return -1;
	float *Xte = pick(X, nrows, n, score, &nte), *pr = xmalloc((nte ? nte : 1) * sizeof(float));
	if (nte == 0 || model_predict(m, Xte, nte, pr, NULL, err, errlen) == 0) {
		for (size_t i = 0, k = 0; i < nrows; i++)
			if (score[i])
				out[i] = pr[k++];
		rc = 0;
	}
	free(pr);
	free(Xte);
	model_free(m);
	return rc;
}

int model_oof(const float *X, const float *y, size_t nrows, const int *fold, int k,
	      const struct train_params *p, float *out, char *err, size_t errlen)
{
	bool *train = xmalloc((nrows ? nrows : 1) * sizeof(bool)),
	     *score = xmalloc((nrows ? nrows : 1) * sizeof(bool));
	int rc = 0;

	for (int f = 0; f < k && rc == 0; f++) {
		for (size_t i = 0; i < nrows; i++) {
			train[i] = fold[i] != f;
			score[i] = fold[i] == f;
		}
		rc = model_fit_score(X, y, nrows, train, score, p, out, err, errlen);
	}
	free(train);
	free(score);
	return rc;
}
