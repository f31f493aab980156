/* The classifier: gradient-boosted trees through XGBoost's C API.  A model
 * file is XGBoost's JSON model with snare's metadata in its attributes:
 * the feature schema and names it was trained on, the decision threshold,
 * and how it was trained (corpus counts, parameters, date). */
#ifndef SNARE_MODEL_H
#define SNARE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

struct model;

struct train_params {
	int rounds;	  /* boosting rounds (default 300) */
	int max_depth;	  /* default 5 */
	double eta;	  /* default 0.1 */
	double subsample; /* default 0.9 */
	double colsample; /* colsample_bytree, default 0.8 */
	double min_child_weight;
	double scale_pos_weight; /* 0: derived from the label balance */
	int nthread;		 /* 0: all cores */
	unsigned seed;
	bool all_features; /* train on every column, not only features_for_model() */
	bool monotone;	   /* every model column non-decreasing (default true) */
	bool augment;	   /* add model_augment()'s copies of the malicious rows */
};

void train_params_default(struct train_params *p);

/* Trains on |nrows| x |ncols| row-major |X| with labels |y| (0 benign, 1
 * malicious): feature vectors, |ncols| == features_count(); the model
 * takes its columns (features_model_count()) of them.  |meta| (a JSON
 * object as text, may be NULL) is stored with the model, with
 * "monotone_constraints" (model_monotone_constraints() or "none") and
 * "augment" (the rows added, or false) set in it.  Returns NULL with one
 * line in |err| on failure. */
struct model *model_train(const float *X, const float *y, size_t nrows, size_t ncols,
			  const struct train_params *p, const char *meta, char *err, size_t errlen);

/* The monotone constraints training gives XGBoost: "(1,1,...)", one
 * direction per model column, each from its row of features.def (today
 * every row is +1: a malicious indicator can only raise the score, and a
 * count a package inflates for free cannot lower it).  Caller frees. */
char *model_monotone_constraints(void);

/* Adversarial augmentation: for each malicious row of |X| (|nrows| feature
 * vectors), copies with what a package adds for free inflated (a harmless
 * and a failing script step, padding code; the table in robust.c).
 * Deterministic.  Returns the number of rows added; *|Xa| and *|ya| (caller
 * frees) hold |nrows| + that many rows, the originals first. */
size_t model_augment(const float *X, const float *y, size_t nrows, float **Xa, float **ya);

/* Trains on the rows of |X| (|nrows| feature vectors) whose |train| flag
 * is set and writes the score of each row whose |score| flag is set to
 * |out| at its index (other entries untouched).  0 or -1 with |err|. */
int model_fit_score(const float *X, const float *y, size_t nrows, const bool *train,
		    const bool *score, const struct train_params *p, float *out, char *err,
		    size_t errlen);
/* Out-of-fold scores: for each fold f in [0, |k|), trains on the rows of
 * the other folds and scores the rows of fold f into |out|.  0 or -1 with
 * |err|. */
int model_oof(const float *X, const float *y, size_t nrows, const int *fold, int k,
	      const struct train_params *p, float *out, char *err, size_t errlen);

/* Saves to |path| (XGBoost JSON).  0 or -1 with |err|. */
int model_save(const struct model *m, const char *path, char *err, size_t errlen);
/* Loads |path|; refuses a model of another feature schema or feature list.
 * NULL with one line in |err|. */
struct model *model_load(const char *path, char *err, size_t errlen);

/* Probability of "malicious" for |nrows| feature vectors (features_count()
 * floats each); |contribs| (may be NULL) receives nrows x
 * (features_count() + 1) SHAP contributions (log-odds; 0 for a feature
 * the model does not have; the last column of each row is the bias).
 * A row that meets a rule (features_rule_hit) gets FEATURES_RULE_FLOOR
 * whatever the trees say; its contributions stay the trees'.
 * 0 or -1 with |err|. */
int model_predict(const struct model *m, const float *X, size_t nrows, float *prob, float *contribs,
		  char *err, size_t errlen);

double model_threshold(const struct model *m);
void model_set_threshold(struct model *m, double t);
/* The metadata JSON text given at training (or "{}"). */
const char *model_meta(const struct model *m);
void model_free(struct model *m);

#endif
