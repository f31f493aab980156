#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/metrics.h"
#include "util/xalloc.h"

struct pt {
	float s, y;
};

static int by_score_desc(const void *a, const void *b)
{
	float x = ((const struct pt *)a)->s, y = ((const struct pt *)b)->s;
	return x < y ? 1 : x > y ? -1 : 0;
}

static struct pt *sorted(const float *score, const float *label, size_t n)
{
	struct pt *p = xcalloc(n ? n : 1, sizeof(*p));
	for (size_t i = 0; i < n; i++)
		p[i] = (struct pt){score[i], label[i] > 0.5f ? 1.0f : 0.0f};
	qsort(p, n, sizeof(*p), by_score_desc);
	return p;
}

double metric_roc_auc(const float *score, const float *label, size_t n)
{
	struct pt *p = sorted(score, label, n);
	double pos = 0, neg = 0, auc = 0, tp = 0;

	for (size_t i = 0; i < n; i++)
		pos += p[i].y;
	neg = (double)n - pos;
	if (pos == 0 || neg == 0) {
		free(p);
		return NAN;
	}
	/* Walk tie blocks: each negative scores the positives above it plus
	 * half of those tied with it. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double bp = 0, bn = 0;
		while (j < n && p[j].s == p[i].s) {
			bp += p[j].y;
			bn += 1 - p[j].y;
			j++;
		}
		auc += bn * (tp + bp / 2);
		tp += bp;
		i = j;
	}
	free(p);
	return auc / (pos * neg);
}

double metric_pr_auc(const float *score, const float *label, size_t n)
{
	struct pt *p = sorted(score, label, n);
	double pos = 0, tp = 0, fp = 0, ap = 0;

	for (size_t i = 0; i < n; i++)
		pos += p[i].y;
	if (pos == 0) {
		free(p);
		return NAN;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double bp = 0;
		while (j < n && p[j].s == p[i].s) {
			bp += p[j].y;
			fp += 1 - p[j].y;
			j++;
		}
		tp += bp;
		if (bp > 0)
			ap += (bp / pos) * (tp / (tp + fp));
		i = j;
	}
	free(p);
	return ap;
}

double metric_tpr_at_fpr(const float *score, const float *label, size_t n, double max_fpr,
			 double *threshold)
{
	struct pt *p = sorted(score, label, n);
	double pos = 0, neg, tp = 0, fp = 0, best = 0, thr = INFINITY;

	for (size_t i = 0; i < n; i++)
		pos += p[i].y;
	neg = (double)n - pos;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j].s == p[i].s) {
			tp += p[j].y;
			fp += 1 - p[j].y;
			j++;
		}
		if (neg == 0 || fp / neg <= max_fpr) {
			if (pos > 0 && tp / pos >= best) {
				best = tp / pos;
				thr = p[i].s;
			}
		} else {
			break;
		}
		i = j;
	}
	free(p);
	if (threshold)
		*threshold = thr;
	return best;
}

void metric_confusion(const float *score, const float *label, size_t n, double threshold,
		      size_t cm[4])
{
	memset(cm, 0, 4 * sizeof(cm[0]));
	for (size_t i = 0; i < n; i++) {
		int pred = score[i] >= threshold, y = label[i] > 0.5f;
		cm[pred && y ? 0 : pred && !y ? 1 : !pred && !y ? 2 : 3]++;
	}
}

void metric_wilson(size_t k, size_t n, double *lo, double *hi)
{
	const double z = 1.959963984540054; /* the normal's 97.5% quantile */
	double p, d, c, h;

	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / (double)n;
	d = 1 + z * z / (double)n;
	c = (p + z * z / (2.0 * (double)n)) / d;
	h = z / d * sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n));
	/* exact at the ends, where rounding would leave 1e-18 or 1 - 1e-16 */
	*lo = k == 0 || c - h < 0 ? 0 : c - h;
	*hi = k == n || c + h > 1 ? 1 : c + h;
}

static int float_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

double metric_threshold_for_fpr(const float *neg, size_t n, double max_fpr)
{
	/* the number of benign rows allowed above the line; the epsilon keeps
	 * 0.002 x 1000 from rounding down to 1 */
	double allowed = floor(max_fpr * (double)n + 1e-9);
	if (allowed >= (double)n)
		return 0;
	size_t k = (size_t)allowed;
	float *s = xmemdup(neg, n * sizeof(float));
	qsort(s, n, sizeof(float), float_desc);
	/* s[k] is the (k+1)th highest: it and every score tied with it must
	 * fall below the threshold */
	double t = nextafterf(s[k], INFINITY);
	free(s);
	return t;
}

double metric_family_threshold(const float *score, const float *label, const char *const *fam,
			       size_t n, const char *family, double max_fpr, size_t *nneg,
			       bool *of_family)
{
	float *neg = xmalloc((n ? n : 1) * sizeof(float));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (label[i] < 0.5f && !strcmp(fam[i], family))
			neg[k++] = score[i];
	*of_family = k > 0;
	if (!*of_family)
		for (size_t i = 0; i < n; i++)
			if (label[i] < 0.5f)
				neg[k++] = score[i];
	double t = metric_threshold_for_fpr(neg, k, max_fpr);
	*nneg = k;
	free(neg);
	return t;
}

static void roc_path(FILE *f, const float *score, const float *label, size_t n, const char *color)
{
	struct pt *p = sorted(score, label, n);
	double pos = 0, neg, tp = 0, fp = 0;

	for (size_t i = 0; i < n; i++)
		pos += p[i].y;
	neg = (double)n - pos;
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"60,460",
		color);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j].s == p[i].s) {
			tp += p[j].y;
			fp += 1 - p[j].y;
			j++;
		}
		fprintf(f, " %.1f,%.1f", 60 + 400 * (neg ? fp / neg : 0),
			460 - 400 * (pos ? tp / pos : 0));
		i = j;
	}
	fputs("\"/>\n", f);
	free(p);
}

void metric_roc_svg(FILE *f, const float *label, size_t n, const float *score_a, const char *name_a,
		    const float *score_b, const char *name_b)
{
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" height=\"520\" font-family=\"sans-serif\" font-size=\"13\">\n"
	      "<rect width=\"520\" height=\"520\" fill=\"white\"/>\n"
	      "<rect x=\"60\" y=\"60\" width=\"400\" height=\"400\" fill=\"none\" stroke=\"#888\"/>\n"
	      "<line x1=\"60\" y1=\"460\" x2=\"460\" y2=\"60\" stroke=\"#ccc\" stroke-dasharray=\"4\"/>\n"
	      "<text x=\"200\" y=\"495\">false positive rate</text>\n"
	      "<text x=\"20\" y=\"300\" transform=\"rotate(-90 20 300)\">true positive rate</text>\n"
	      "<text x=\"55\" y=\"478\">0</text><text x=\"452\" y=\"478\">1</text><text x=\"45\" y=\"65\">1</text>\n",
	      f);
	roc_path(f, score_a, label, n, "#c0392b");
	fprintf(f, "<text x=\"280\" y=\"400\" fill=\"#c0392b\">%s (AUC %.4f)</text>\n", name_a,
		metric_roc_auc(score_a, label, n));
	if (score_b) {
		roc_path(f, score_b, label, n, "#2c7fb8");
		fprintf(f, "<text x=\"280\" y=\"420\" fill=\"#2c7fb8\">%s (AUC %.4f)</text>\n",
			name_b, metric_roc_auc(score_b, label, n));
	}
	fputs("</svg>\n", f);
}

static uint64_t fnv(const char *s, unsigned seed)
{
	uint64_t h = 1469598103934665603ULL ^ seed;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct grp {
	const char *name;
	uint64_t h;
	int label;
	size_t size;
	int fold;
};

static int by_hash(const void *a, const void *b)
{
	const struct grp *x = a, *y = b;
	if (x->label != y->label)
		return x->label - y->label;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1; /* big groups first */
	return x->h < y->h ? -1 : x->h > y->h;
}

void folds_grouped_stratified(const char *const *group, const float *label, size_t n, int k,
			      unsigned seed, int *fold)
{
	struct grp *g = xcalloc(n ? n : 1, sizeof(*g));
	size_t ng = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < ng; j++)
			if (!strcmp(g[j].name, group[i]))
				break;
		if (j == ng)
			g[ng++] =
				(struct grp){group[i], fnv(group[i], seed), label[i] > 0.5f, 0, 0};
		g[j].size++;
	}
	qsort(g, ng, sizeof(*g), by_hash);
	/* Per class, give each group to the fold with the fewest rows. */
	size_t load[2][64] = {{0}};
	for (size_t j = 0; j < ng; j++) {
		int best = 0;
		for (int f = 1; f < k && f < 64; f++)
			if (load[g[j].label][f] < load[g[j].label][best])
				best = f;
		g[j].fold = best;
		load[g[j].label][best] += g[j].size;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ng; j++)
			if (!strcmp(g[j].name, group[i])) {
				fold[i] = g[j].fold;
				break;
			}
	free(g);
}

size_t folds_leave_family_out(const char *const *family, const char *const *group,
			      const float *label, size_t n, const char *held, bool *train,
			      bool *test)
{
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		test[i] = label[i] > 0.5f && !strcmp(family[i], held);
		nt += test[i];
	}
	for (size_t i = 0; i < n; i++) {
		train[i] = strcmp(family[i], held) != 0;
		for (size_t j = 0; j < n && train[i]; j++)
			if (test[j] && !strcmp(group[j], group[i]))
				train[i] = false;
	}
	return nt;
}
