/* Classifier metrics over scores and labels, and the grouped stratified
 * folds cross-validation uses. */
#ifndef SNARE_METRICS_H
#define SNARE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ROC AUC (ties count half), PR AUC as average precision. */
double metric_roc_auc(const float *score, const float *label, size_t n);
double metric_pr_auc(const float *score, const float *label, size_t n);
/* The highest TPR whose FPR is <= |max_fpr|, and the threshold giving it
 * (scores >= threshold are positive). */
double metric_tpr_at_fpr(const float *score, const float *label, size_t n, double max_fpr,
			 double *threshold);
/* Counts at |threshold|: tp, fp, tn, fn. */
void metric_confusion(const float *score, const float *label, size_t n, double threshold,
		      size_t cm[4]);
/* The 95% Wilson score interval of the proportion |k| of |n| in [*|lo|,
 * *|hi|]; [0, 1] when |n| is 0. */
void metric_wilson(size_t k, size_t n, double *lo, double *hi);
/* The lowest threshold at which at most |max_fpr| of the |n| benign
 * scores |neg| are positive (score >= threshold): just above the benign
 * score that would be one too many.  0 when |max_fpr| allows them all. */
double metric_threshold_for_fpr(const float *neg, size_t n, double max_fpr);
/* metric_threshold_for_fpr() over the benign rows of family |family|, or
 * over every benign row when no benign row has that family; the number of
 * rows it used in *|nneg| and whether they were the family's in
 * *|of_family|. */
double metric_family_threshold(const float *score, const float *label, const char *const *fam,
			       size_t n, const char *family, double max_fpr, size_t *nneg,
			       bool *of_family);
/* Writes the ROC curves of one or two score sets as an SVG document. */
void metric_roc_svg(FILE *f, const float *label, size_t n, const float *score_a, const char *name_a,
		    const float *score_b, const char *name_b);
/* Assigns each row a fold in [0, k): rows of one group share a fold, and
 * groups are dealt out per class so folds keep the class balance. */
void folds_grouped_stratified(const char *const *group, const float *label, size_t n, int k,
			      unsigned seed, int *fold);

/* Leave one family out: |test| flags the malicious rows of family |held|;
 * |train| flags every row that shares neither that family nor a group
 * with a row of it (a group's copies never straddle the split).  Returns
 * the number of test rows. */
size_t folds_leave_family_out(const char *const *family, const char *const *group,
			      const float *label, size_t n, const char *held, bool *train,
			      bool *test);

#endif
