/* Classifier metrics over scores and labels, and the grouped stratified
 * folds cross-validation uses. */
#ifndef SNARE_METRICS_H
#define SNARE_METRICS_H

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
/* Writes the ROC curves of one or two score sets as an SVG document. */
void metric_roc_svg(FILE *f, const float *label, size_t n, const float *score_a, const char *name_a,
		    const float *score_b, const char *name_b);
/* Assigns each row a fold in [0, k): rows of one group share a fold, and
 * groups are dealt out per class so folds keep the class balance. */
void folds_grouped_stratified(const char *const *group, const float *label, size_t n, int k,
			      unsigned seed, int *fold);

#endif
