#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <xgboost/c_api.h>

#include "features/features.h"
#include "model/model.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

struct model {
	BoosterHandle booster;
	size_t ncols; /* the model's columns: the first ncols of every feature vector */
	bool masked;  /* columns outside features_for_model() are zeroed */
	double threshold;
	char *meta;
};

void train_params_default(struct train_params *p)
{
	*p = (struct train_params){.rounds = 300,
				   .max_depth = 5,
				   .eta = 0.1,
				   .subsample = 0.9,
				   .colsample = 0.8,
				   .min_child_weight = 1.0,
				   .scale_pos_weight = 0,
				   .nthread = 0,
				   .seed = 1,
				   .monotone = true};
}

static int xgb_fail(char *err, size_t errlen, const char *what)
{
	errbuf_set(err, errlen, "%s: %s", what, XGBGetLastError());
	return -1;
}

static char *feature_names_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < features_model_count(); i++)
		json_array_append_new(a, json_string(features_name(i)));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* The model's matrix from |nrows| feature vectors (features_count()
 * floats each): their first features_model_count() columns, with the
 * columns the model does not use zeroed when |masked| (constant columns
 * are never split on). */
static float *model_matrix(const float *X, size_t nrows, bool masked)
{
	size_t n = features_count(), ncols = features_model_count();
	float *M = xmalloc((nrows ? nrows : 1) * ncols * sizeof(float));

	for (size_t i = 0; i < nrows; i++)
		for (size_t j = 0; j < ncols; j++)
			M[i * ncols + j] = masked && !features_for_model(j) ? 0 : X[i * n + j];
	return M;
}

static int set_param(BoosterHandle b, const char *k, double v)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.17g", v);
	return XGBoosterSetParam(b, k, buf);
}

/* |meta| (JSON object text or NULL) with how the model was constrained
 * and augmented; NULL with |err| for text that is not a JSON object. */
static char *train_meta(const char *meta, const char *constraints, size_t added, bool augment,
			char *err, size_t errlen)
{
	json_error_t je;
	json_t *o = meta ? json_loads(meta, 0, &je) : json_object();

	if (!json_is_object(o)) {
		json_decref(o);
		errbuf_set(err, errlen, "training metadata is not a JSON object");
		return NULL;
	}
	json_object_set_new(o, "monotone_constraints",
			    json_string(constraints ? constraints : "none"));
	json_object_set_new(o, "augment", augment ? json_integer((json_int_t)added) : json_false());
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static int set_params(BoosterHandle b, const struct train_params *p, double spw,
		      const char *constraints)
{
	return XGBoosterSetParam(b, "objective", "binary:logistic") ||
	       XGBoosterSetParam(b, "eval_metric", "logloss") ||
	       XGBoosterSetParam(b, "tree_method", "hist") ||
	       set_param(b, "max_depth", p->max_depth) || set_param(b, "eta", p->eta) ||
	       set_param(b, "subsample", p->subsample) ||
	       set_param(b, "colsample_bytree", p->colsample) ||
	       set_param(b, "min_child_weight", p->min_child_weight) ||
	       set_param(b, "scale_pos_weight", spw) || set_param(b, "nthread", p->nthread) ||
	       set_param(b, "seed", p->seed) ||
	       (constraints && XGBoosterSetParam(b, "monotone_constraints", constraints)) ||
	       XGBoosterSetParam(b, "verbosity", "0");
}

struct model *model_train(const float *X, const float *y, size_t nrows, size_t ncols,
			  const struct train_params *p, const char *meta, char *err, size_t errlen)
{
	DMatrixHandle d = NULL;
	struct model *m = NULL;
	float *Xa = NULL, *ya = NULL;
	size_t added = 0;
	double pos = 0;

	if (ncols != features_count()) {
		errbuf_set(err, errlen, "training data has %zu features, schema %d has %zu", ncols,
			   FEATURES_SCHEMA, features_count());
		return NULL;
	}
	char *constraints = p->monotone ? model_monotone_constraints() : NULL;
	char *metas = train_meta(meta, constraints, 0, false, err, errlen);
	if (!metas)
		goto out;
	if (p->augment) {
		added = model_augment(X, y, nrows, &Xa, &ya);
		X = Xa;
		y = ya;
		nrows += added;
		free(metas);
		metas = train_meta(meta, constraints, added, true, err, errlen);
	}
	float *M = model_matrix(X, nrows, !p->all_features);
	int bad = XGDMatrixCreateFromMat(M, nrows, features_model_count(), NAN, &d) ||
		  XGDMatrixSetFloatInfo(d, "label", y, nrows);
	free(M);
	if (bad) {
		xgb_fail(err, errlen, "cannot build the training matrix");
		goto out;
	}
	for (size_t i = 0; i < nrows; i++)
		pos += y[i] > 0.5f;
	m = xcalloc(1, sizeof(*m));
	m->ncols = features_model_count();
	m->masked = !p->all_features;
	m->threshold = 0.5;
	m->meta = metas;
	metas = NULL;
	if (XGBoosterCreate(&d, 1, &m->booster)) {
		xgb_fail(err, errlen, "cannot create the booster");
		goto fail;
	}
	double spw = p->scale_pos_weight > 0 ? p->scale_pos_weight
		     : pos > 0		     ? ((double)nrows - pos) / pos
					     : 1.0;
	if (set_params(m->booster, p, spw, constraints)) {
		xgb_fail(err, errlen, "cannot set training parameters");
		goto fail;
	}
	for (int it = 0; it < p->rounds; it++)
		if (XGBoosterUpdateOneIter(m->booster, it, d)) {
			xgb_fail(err, errlen, "training failed");
			goto fail;
		}
	goto out;
fail:
	model_free(m);
	m = NULL;
out:
	if (d)
		XGDMatrixFree(d);
	free(Xa);
	free(ya);
	free(constraints);
	free(metas);
	return m;
}

int model_save(const struct model *m, const char *path, char *err, size_t errlen)
{
	char buf[64];
	char *names = feature_names_json();
	int r = 0;

	snprintf(buf, sizeof(buf), "%d", FEATURES_SCHEMA);
	if (XGBoosterSetAttr(m->booster, "snare_schema", buf) ||
	    XGBoosterSetAttr(m->booster, "snare_features", names) ||
	    XGBoosterSetAttr(m->booster, "snare_meta", m->meta))
		r = xgb_fail(err, errlen, "cannot store the model's metadata");
	if (!r && XGBoosterSetAttr(m->booster, "snare_masked", m->masked ? "1" : "0"))
		r = xgb_fail(err, errlen, "cannot store the model's metadata");
	snprintf(buf, sizeof(buf), "%.17g", m->threshold);
	if (!r && XGBoosterSetAttr(m->booster, "snare_threshold", buf))
		r = xgb_fail(err, errlen, "cannot store the model's metadata");
	if (!r && XGBoosterSaveModel(m->booster, path)) {
		errbuf_set(err, errlen, "cannot write model '%s': %s", path, XGBGetLastError());
		r = -1;
	}
	free(names);
	return r;
}

static const char *attr(BoosterHandle b, const char *k)
{
	const char *v = NULL;
	int ok = 0;
	if (XGBoosterGetAttr(b, k, &v, &ok) || !ok)
		return NULL;
	return v;
}

struct model *model_load(const char *path, char *err, size_t errlen)
{
	struct model *m = xcalloc(1, sizeof(*m));
	FILE *f = fopen(path, "re");
	const char *v;

	if (!f) {
		errbuf_set(err, errlen, "cannot read model '%s': %m", path);
		free(m);
		return NULL;
	}
	fclose(f);
	if (XGBoosterCreate(NULL, 0, &m->booster) || XGBoosterLoadModel(m->booster, path)) {
		errbuf_set(err, errlen, "model '%s' is not a valid XGBoost model", path);
		goto fail;
	}
	v = attr(m->booster, "snare_schema");
	if (!v) {
		errbuf_set(err, errlen, "model '%s' has no snare feature schema", path);
		goto fail;
	}
	if (atoi(v) != FEATURES_SCHEMA) {
		errbuf_set(err, errlen, "model '%s' has feature schema %s, this snare uses %d",
			   path, v, FEATURES_SCHEMA);
		goto fail;
	}
	char *names = feature_names_json();
	v = attr(m->booster, "snare_features");
	bool same = v && !strcmp(v, names);
	free(names);
	if (!same) {
		errbuf_set(err, errlen, "model '%s' was trained on other features than schema %d's",
			   path, FEATURES_SCHEMA);
		goto fail;
	}
	v = attr(m->booster, "snare_threshold");
	m->threshold = v ? strtod(v, NULL) : 0.5;
	if (!(m->threshold > 0 && m->threshold < 1)) {
		errbuf_set(err, errlen, "model '%s' has an invalid threshold", path);
		goto fail;
	}
	v = attr(m->booster, "snare_masked");
	m->masked = !v || strcmp(v, "0") != 0;
	v = attr(m->booster, "snare_meta");
	m->meta = xstrdup(v ? v : "{}");
	m->ncols = features_model_count();
	/* One report at a time: a thread pool costs more than it saves. */
	XGBoosterSetParam(m->booster, "nthread", "1");
	return m;
fail:
	model_free(m);
	return NULL;
}

int model_predict(const struct model *m, const float *X, size_t nrows, float *prob, float *contribs,
		  char *err, size_t errlen)
{
	DMatrixHandle d = NULL;
	bst_ulong len = 0;
	const float *out = NULL;
	size_t n = features_count();
	int r = -1;

	float *M = model_matrix(X, nrows, m->masked);
	int bad = XGDMatrixCreateFromMat(M, nrows, m->ncols, NAN, &d);
	free(M);
	if (bad)
		return xgb_fail(err, errlen, "cannot build the prediction matrix");
	if (XGBoosterPredict(m->booster, d, 0, 0, 0, &len, &out) || len != nrows) {
		xgb_fail(err, errlen, "prediction failed");
		goto out;
	}
	memcpy(prob, out, nrows * sizeof(float));
	/* A rule met outranks the trees (features/rules.def). */
	for (size_t i = 0; i < nrows; i++)
		if (features_rule_hit(X + i * n, NULL, 0))
			prob[i] = FEATURES_RULE_FLOOR;
	if (contribs) {
		if (XGBoosterPredict(m->booster, d, 4, 0, 0, &len, &out) ||
		    len != nrows * (m->ncols + 1)) {
			xgb_fail(err, errlen, "contribution prediction failed");
			goto out;
		}
		/* Spread to one entry per feature: those the model has not
		 * contribute nothing; the bias stays last. */
		memset(contribs, 0, nrows * (n + 1) * sizeof(float));
		for (size_t i = 0; i < nrows; i++) {
			memcpy(contribs + i * (n + 1), out + i * (m->ncols + 1),
			       m->ncols * sizeof(float));
			contribs[i * (n + 1) + n] = out[i * (m->ncols + 1) + m->ncols];
		}
	}
	r = 0;
out:
	XGDMatrixFree(d);
	return r;
}

double model_threshold(const struct model *m)
{
	return m->threshold;
}

void model_set_threshold(struct model *m, double t)
{
	m->threshold = t;
}

const char *model_meta(const struct model *m)
{
	return m->meta;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	if (m->booster)
		XGBoosterFree(m->booster);
	free(m->meta);
	free(m);
}
