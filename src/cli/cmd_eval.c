/* snare eval: grouped, stratified k-fold cross-validation (or a separate
 * test table) of the full model and, on the same folds, of the seed
 * paper's three-feature baseline; then what predicts the wild: each
 * malicious family held out of training in turn, the false-positive rate
 * on the long-tail benign rows (and the threshold a target rate needs),
 * and a held-out table scored by a model of the whole table. */
#include <getopt.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dataset/table.h"
#include "eval/metrics.h"
#include "features/features.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const BASELINE[] = {"n_commands", "n_domains", "n_ips"};

/* A copy of |X| with every column but the baseline's zeroed (constant
 * columns are never split on). */
static float *baseline_matrix(const float *X, size_t nrows, size_t ncols)
{
	float *B = xcalloc(nrows * ncols, sizeof(float));
	for (size_t k = 0; k < 3; k++) {
		int c = features_index(BASELINE[k]);
		for (size_t i = 0; i < nrows; i++)
			B[i * ncols + (size_t)c] = X[i * ncols + (size_t)c];
	}
	return B;
}

/* Trains on all of |X| and scores |nt| rows of |Xt| into |out|.  0 or 2. */
static int train_and_score(const float *X, const float *y, size_t n, const float *Xt, size_t nt,
			   const struct train_params *p, float *out)
{
	char err[512];
	struct model *m = model_train(X, y, n, features_count(), p, NULL, err, sizeof(err));

	if (!m)
		return cli_error("%s", err);
	int rc = nt && model_predict(m, Xt, nt, out, NULL, err, sizeof(err)) < 0
			 ? cli_error("%s", err)
			 : 0;
	model_free(m);
	return rc;
}

/* |part| of |whole| in percent; 0 of nothing is 0. */
static double percent(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void report_metrics(const float *full, const float *base, const float *y, size_t n,
			   double threshold)
{
	double t;
	printf("%-28s %10s %12s\n", "", "snare", "baseline(3)");
	printf("%-28s %10.4f %12.4f\n", "ROC AUC", metric_roc_auc(full, y, n),
	       metric_roc_auc(base, y, n));
	printf("%-28s %10.4f %12.4f\n", "PR AUC", metric_pr_auc(full, y, n),
	       metric_pr_auc(base, y, n));
	static const double fprs[] = {0.001, 0.005, 0.01};
	for (size_t k = 0; k < 3; k++) {
		double a = metric_tpr_at_fpr(full, y, n, fprs[k], &t);
		double b = metric_tpr_at_fpr(base, y, n, fprs[k], NULL);
		char label[64];
		snprintf(label, sizeof(label), "TPR at FPR <= %.1f%%", fprs[k] * 100);
		printf("%-28s %9.2f%% %11.2f%%   (snare threshold %.4f)\n", label, a * 100, b * 100,
		       t);
	}
	size_t cm[4], cb[4];
	metric_confusion(full, y, n, threshold, cm);
	metric_confusion(base, y, n, threshold, cb);
	printf("%-28s %9.2f%% %11.2f%%\n", "TPR at the threshold", percent(cm[0], cm[0] + cm[3]),
	       percent(cb[0], cb[0] + cb[3]));
	printf("%-28s %9.2f%% %11.2f%%\n", "FPR at the threshold", percent(cm[1], cm[1] + cm[2]),
	       percent(cb[1], cb[1] + cb[2]));
	printf("\nconfusion at threshold %.3f (snare): TP %zu  FP %zu  TN %zu  FN %zu\n", threshold,
	       cm[0], cm[1], cm[2], cm[3]);
}

static void per_family(const struct table *t, const float *score, double threshold)
{
	printf("\n%-28s %6s %9s %8s\n", "family", "n", "detected", "rate");
	for (size_t i = 0; i < t->nrows; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(t->family[j], t->family[i]) != 0;
		if (!first || t->y[i] < 0.5f)
			continue;
		size_t n = 0, d = 0;
		for (size_t j = 0; j < t->nrows; j++)
			if (t->y[j] > 0.5f && !strcmp(t->family[j], t->family[i])) {
				n++;
				d += score[j] >= threshold;
			}
		printf("%-28s %6zu %9zu %7.1f%%\n", t->family[i], n, d,
		       100.0 * (double)d / (double)n);
	}
	for (size_t i = 0; i < t->nrows; i++)
		if (t->y[i] < 0.5f && score[i] >= threshold)
			printf("false positive: %s (p=%.3f)\n", t->id[i], score[i]);
	/* The benign packages closest to the line, for choosing a threshold. */
	size_t shown = 0;
	float last = INFINITY;
	while (shown < 10) {
		float best = -1;
		size_t bi = 0;
		for (size_t i = 0; i < t->nrows; i++)
			if (t->y[i] < 0.5f && score[i] < last && score[i] > best) {
				best = score[i];
				bi = i;
			}
		if (best < 0)
			break;
		printf("benign, highest scores: %s (p=%.4f)\n", t->id[bi], best);
		last = best;
		shown++;
	}
	for (size_t i = 0; i < t->nrows; i++)
		if (t->y[i] > 0.5f && score[i] < threshold)
			printf("missed: %s [%s] (p=%.3f)\n", t->id[i], t->family[i], score[i]);
}

/* The rows that meet a rule (features/rules.def), which score
 * FEATURES_RULE_FLOOR whatever the trees say: how many of each family,
 * and every benign one by name. */
static void report_rules(const struct table *t)
{
	size_t mal = 0, ben = 0;
	struct strbuf sb;

	strbuf_init(&sb, 0);
	for (size_t i = 0; i < t->nrows; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(t->family[j], t->family[i]) != 0;
		if (!first)
			continue;
		size_t k = 0;
		for (size_t j = 0; j < t->nrows; j++)
			k += !strcmp(t->family[j], t->family[i]) &&
			     features_rule_hit(t->X + j * t->ncols, NULL, 0) != NULL;
		if (k)
			strbuf_addf(&sb, "%s%s %zu", sb.len ? ", " : "", t->family[i], k);
	}
	for (size_t i = 0; i < t->nrows; i++)
		if (features_rule_hit(t->X + i * t->ncols, NULL, 0))
			t->y[i] > 0.5f ? mal++ : ben++;
	printf("\nrules (features/rules.def): met by %zu malicious and %zu benign rows%s%s%s\n",
	       mal, ben, sb.len ? " (" : "", sb.len ? sb.buf : "", sb.len ? ")" : "");
	for (size_t i = 0; i < t->nrows; i++) {
		char row[96];
		if (t->y[i] < 0.5f && features_rule_hit(t->X + i * t->ncols, row, sizeof(row)))
			printf("rule met by a benign row: %s (%s)\n", t->id[i], row);
	}
	strbuf_release(&sb);
}

/* The false-positive rate on the benign rows of |family| at |threshold|,
 * with its interval, and the threshold a target rate needs. */
static void report_family_fpr(const struct table *t, const float *score, double threshold,
			      const char *family, double target)
{
	size_t n = 0, fp = 0, nneg, cm[4];
	bool of_family;
	double lo, hi;

	for (size_t i = 0; i < t->nrows; i++)
		if (t->y[i] < 0.5f && !strcmp(t->family[i], family)) {
			n++;
			fp += score[i] >= threshold;
		}
	if (n) {
		metric_wilson(fp, n, &lo, &hi);
		printf("\n%s benign rows (family '%s'): FPR at threshold %.3f: %.2f%% (%zu of %zu), "
		       "95%% interval %.2f%% .. %.2f%%\n",
		       family, family, threshold, percent(fp, n), fp, n, lo * 100, hi * 100);
	} else {
		printf("\nno benign rows of family '%s'\n", family);
	}
	double tt = metric_family_threshold(score, t->y, (const char *const *)t->family, t->nrows,
					    family, target, &nneg, &of_family);
	metric_confusion(score, t->y, t->nrows, tt, cm);
	size_t fpf = 0;
	for (size_t i = 0; i < t->nrows; i++)
		fpf += t->y[i] < 0.5f && (!of_family || !strcmp(t->family[i], family)) &&
		       score[i] >= tt;
	metric_wilson(fpf, nneg, &lo, &hi);
	printf("threshold for FPR <= %.2f%% on %s: %.4f: TPR %.2f%% (%zu of %zu), FPR %.2f%% "
	       "(%zu of %zu, 95%% interval %.2f%% .. %.2f%%)\n",
	       target * 100, of_family ? family : "all benign rows", tt,
	       percent(cm[0], cm[0] + cm[3]), cm[0], cm[0] + cm[3], percent(fpf, nneg), fpf, nneg,
	       lo * 100, hi * 100);
}

/* Leave one family out: each malicious family scored by a model trained
 * without it (nor its groups).  0 or 2. */
static int report_lofo(const struct table *t, const struct train_params *p, double threshold)
{
	size_t n = t->nrows, all = 0, all_d = 0;
	bool *train = xmalloc((n ? n : 1) * sizeof(bool)),
	     *test = xmalloc((n ? n : 1) * sizeof(bool));
	float *score = xcalloc(n ? n : 1, sizeof(float));
	const char *min_family = NULL;
	double min_rate = 2;
	char err[512];
	int rc = 0;

	printf("\nleave one family out (each family scored by a model trained without it), "
	       "threshold %.3f\n%-28s %6s %9s %8s\n",
	       threshold, "family", "n", "detected", "rate");
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = t->y[j] < 0.5f || strcmp(t->family[j], t->family[i]) != 0;
		if (!first || t->y[i] < 0.5f)
			continue;
		size_t nt = folds_leave_family_out((const char *const *)t->family,
						   (const char *const *)t->group, t->y, n,
						   t->family[i], train, test);
		if (model_fit_score(t->X, t->y, n, train, test, p, score, err, sizeof(err)) < 0) {
			rc = cli_error("%s", err);
			break;
		}
		size_t d = 0;
		for (size_t j = 0; j < n; j++)
			d += test[j] && score[j] >= threshold;
		printf("%-28s %6zu %9zu %7.1f%%\n", t->family[i], nt, d, percent(d, nt));
		if ((double)d / (double)nt < min_rate) {
			min_rate = (double)d / (double)nt;
			min_family = t->family[i];
		}
		all += nt;
		all_d += d;
	}
	if (rc == 0 && min_family)
		printf("%-28s %6s %9s %7.1f%%   (%s)\n%-28s %6zu %9zu %7.1f%%\n", "minimum", "", "",
		       min_rate * 100, min_family, "pooled", all, all_d, percent(all_d, all));
	free(train);
	free(test);
	free(score);
	return rc;
}

/* The check of robustness: a model of the whole table scores each
 * malicious row and its copies with what a package adds for free
 * inflated (model_augment()); no copy may score lower.  0 or 2. */
static int report_inflation(const struct table *t, const struct train_params *p, double threshold)
{
	float *Xa, *ya;
	size_t added = model_augment(t->X, t->y, t->nrows, &Xa, &ya), pos = 0, lower = 0, rows = 0,
	       flipped = 0;
	float *s = xcalloc(t->nrows + added + 1, sizeof(float)), drop = 0;

	for (size_t i = 0; i < t->nrows; i++)
		pos += t->y[i] > 0.5f;
	int rc = train_and_score(t->X, t->y, t->nrows, Xa, t->nrows + added, p, s);
	for (size_t i = 0, k = t->nrows; i < t->nrows && rc == 0 && pos; i++) {
		if (!(t->y[i] > 0.5f))
			continue;
		bool any = false, flips = false;
		for (size_t c = 0; c < added / pos; c++, k++)
			if (s[k] < s[i]) {
				lower++;
				any = true;
				flips |= s[i] >= threshold && s[k] < threshold;
				drop = s[i] - s[k] > drop ? s[i] - s[k] : drop;
			}
		rows += any;
		flipped += flips;
	}
	if (rc == 0)
		printf("\nfree inflation (a model of the whole table; each malicious row with a "
		       "harmless and a failing script step, padding code, both):\n"
		       "%zu of %zu malicious rows score lower in %zu of %zu copies "
		       "(largest drop %.4f); %zu detected at %.3f are missed in a copy\n",
		       rows, pos, lower, added, (double)drop, flipped, threshold);
	free(Xa);
	free(ya);
	free(s);
	return rc;
}

/* A table never used in training, scored by a model of the whole training
 * table: its FPR (and TPR) at the threshold.  0 or 2. */
static int report_holdout(const struct table *tr, const struct table *hold, const char *path,
			  const struct train_params *p, double threshold)
{
	const struct table h = *hold;
	size_t cm[4];
	double lo, hi;

	float *score = xcalloc(h.nrows ? h.nrows : 1, sizeof(float));
	int rc = train_and_score(tr->X, tr->y, tr->nrows, h.X, h.nrows, p, score);
	if (rc == 0) {
		metric_confusion(score, h.y, h.nrows, threshold, cm);
		metric_wilson(cm[1], cm[1] + cm[2], &lo, &hi);
		printf("\nheld-out table '%s' (%zu rows), scored by a model of the whole table:\n"
		       "FPR at threshold %.3f: %.2f%% (%zu of %zu benign), 95%% interval %.2f%% .. "
		       "%.2f%%\n",
		       path, h.nrows, threshold, percent(cm[1], cm[1] + cm[2]), cm[1],
		       cm[1] + cm[2], lo * 100, hi * 100);
		if (cm[0] + cm[3]) {
			metric_wilson(cm[0], cm[0] + cm[3], &lo, &hi);
			printf("TPR at threshold %.3f: %.2f%% (%zu of %zu malicious), 95%% interval "
			       "%.2f%% .. %.2f%%\n",
			       threshold, percent(cm[0], cm[0] + cm[3]), cm[0], cm[0] + cm[3],
			       lo * 100, hi * 100);
		}
		for (size_t i = 0; i < h.nrows; i++)
			if (h.y[i] < 0.5f && score[i] >= threshold)
				printf("held-out false positive: %s (p=%.3f)\n", h.id[i], score[i]);
	}
	free(score);
	return rc;
}

struct eval_opts {
	struct train_params p;
	const char *roc, *train_path, *test_path, *scores, *holdout, *fpr_family;
	double threshold, target_fpr;
	int k;
	unsigned seed;
	bool lofo;
};

static const char eval_usage[] =
	"usage: snare eval TABLE [--folds K] [--roc roc.svg] [--scores FILE] [--threshold P]\n"
	"                  [--augment] [--no-monotone] [--no-lofo] [--holdout TABLE]\n"
	"                  [--target-fpr P] [--fpr-family F]\n"
	"       snare eval --train TABLE --test TABLE [--roc roc.svg]\n"
	"  cross-validates the model (grouped, stratified folds) against the three-feature\n"
	"  baseline, leave one family out, and the long-tail false-positive rate\n";

/* 0, 1 after --help, or 2 after printing the error. */
static int parse_eval_opts(int argc, char **argv, struct eval_opts *o)
{
	static const struct option longopts[] = {
		{"folds", required_argument, NULL, 'k'},
		{"seed", required_argument, NULL, 's'},
		{"roc", required_argument, NULL, 'r'},
		{"threshold", required_argument, NULL, 't'},
		{"train", required_argument, NULL, 'T'},
		{"test", required_argument, NULL, 'E'},
		{"rounds", required_argument, NULL, 'R'},
		{"scores", required_argument, NULL, 'S'},
		{"threads", required_argument, NULL, 'j'},
		{"augment", no_argument, NULL, 'A'},
		{"no-monotone", no_argument, NULL, 'M'},
		{"no-lofo", no_argument, NULL, 'L'},
		{"holdout", required_argument, NULL, 'H'},
		{"target-fpr", required_argument, NULL, 'P'},
		{"fpr-family", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, learn;

	*o = (struct eval_opts){.threshold = 0.5,
				.k = 5,
				.seed = 1,
				.lofo = true,
				.target_fpr = 0.002,
				.fpr_family = "longtail"};
	train_params_default(&o->p);
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_usage(eval_usage, true);
			return 1;
		case 'k':
			o->k = atoi(optarg);
			break;
		case 's':
			o->seed = (unsigned)atoi(optarg);
			break;
		case 'r':
			o->roc = optarg;
			break;
		case 't':
			o->threshold = atof(optarg);
			break;
		case 'T':
			o->train_path = optarg;
			break;
		case 'E':
			o->test_path = optarg;
			break;
		case 'R':
			o->p.rounds = atoi(optarg);
			break;
		case 'S':
			o->scores = optarg;
			break;
		case 'L':
			o->lofo = false;
			break;
		case 'H':
			o->holdout = optarg;
			break;
		default:
			if ((learn = cli_learn_opt(c, optarg, &o->p, &o->target_fpr,
						   &o->fpr_family)) != 0) {
				if (learn < 0)
					return 2;
				break;
			}
			return cli_usage(eval_usage, false);
		}
	}
	if (o->k < 2 || o->k > 64 || !(o->threshold > 0 && o->threshold < 1))
		return cli_error("invalid folds or threshold");
	if (!o->train_path && optind == argc - 1)
		o->train_path = argv[optind];
	if (!o->train_path)
		return cli_error("usage: snare eval TABLE | --train TABLE --test TABLE");
	return 0;
}

/* Reads the tables |o| names, every one before anything trains: a bad
 * one fails at once.  0, or 2 after printing the error. */
static int read_tables(const struct eval_opts *o, struct table *tr, struct table *te,
		       struct table *ho)
{
	char err[512];

	/* the error returns 2 in the open: cli_error() is another unit */
	if (table_read(tr, o->train_path, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return 2;
	}
	if (o->test_path && table_read(te, o->test_path, err, sizeof(err)) < 0) {
		table_release(tr);
		cli_error("%s", err);
		return 2;
	}
	if (o->holdout && table_read(ho, o->holdout, err, sizeof(err)) < 0) {
		table_release(tr);
		if (o->test_path)
			table_release(te);
		cli_error("%s", err);
		return 2;
	}
	return 0;
}

/* Out-of-fold scores of the full model and the baseline (|Btr|, its
 * columns of |tr|), and the line that says on what.  0 or 2. */
static int cross_validate(const struct table *tr, const struct eval_opts *o,
			  const struct train_params *p, const struct train_params *pb,
			  const float *Btr, float *full, float *base)
{
	size_t n = tr->nrows, groups = 0, pos = 0;
	int *fold = xcalloc(n ? n : 1, sizeof(int));
	char err[512];

	folds_grouped_stratified((const char *const *)tr->group, tr->y, n, o->k, o->seed, fold);
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(tr->group[j], tr->group[i]) != 0;
		groups += first;
		pos += tr->y[i] > 0.5f;
	}
	int bad = model_oof(tr->X, tr->y, n, fold, o->k, p, full, err, sizeof(err)) < 0 ||
		  model_oof(Btr, tr->y, n, fold, o->k, pb, base, err, sizeof(err)) < 0;
	free(fold);
	if (bad)
		return cli_error("%s", err);
	printf("%zu rows (%zu benign, %zu malicious) in %zu groups, %d folds grouped by "
	       "group and stratified by label%s%s\n\n",
	       n, n - pos, pos, groups, o->k, p->monotone ? ", monotone" : "",
	       p->augment ? ", augmented" : "");
	return 0;
}

/* --scores and --roc.  0 or 2. */
static int write_outputs(const struct eval_opts *o, const struct table *ev, const float *full,
			 const float *base)
{
	if (o->scores) {
		FILE *f = fopen(o->scores, "we");
		if (!f)
			return cli_error("cannot write '%s': %m", o->scores);
		fputs("id\tlabel\tfamily\tscore\tbaseline\n", f);
		for (size_t i = 0; i < ev->nrows; i++)
			fprintf(f, "%s\t%d\t%s\t%.6f\t%.6f\n", ev->id[i], (int)ev->y[i],
				ev->family[i], full[i], base[i]);
		fclose(f);
	}
	if (o->roc) {
		FILE *f = fopen(o->roc, "we");
		if (!f)
			return cli_error("cannot write '%s': %m", o->roc);
		metric_roc_svg(f, ev->y, ev->nrows, full, "snare", base, "baseline (3 features)");
		fclose(f);
		printf("ROC curve written to '%s'\n", o->roc);
	}
	return 0;
}

int cmd_eval(int argc, char **argv)
{
	struct eval_opts o;
	struct table tr, te, ho;
	int rc = 2;

	int parsed = parse_eval_opts(argc, argv, &o);

	if (parsed)
		return parsed == 1 ? 0 : 2;
	if (read_tables(&o, &tr, &te, &ho))
		return 2;
	struct train_params p = o.p;
	/* The baseline: the seed paper's three counts with the plain learner
	 * (unconstrained, unaugmented), its three columns only. */
	struct train_params pb = p;
	pb.all_features = true;
	pb.monotone = false;
	pb.augment = false;
	bool separate = o.test_path != NULL;
	const struct table *ev = separate ? &te : &tr;
	size_t n = ev->nrows, ncols = tr.ncols;
	float *full = xcalloc(n ? n : 1, sizeof(float)), *base = xcalloc(n ? n : 1, sizeof(float));
	float *Btr = baseline_matrix(tr.X, tr.nrows, ncols);
	float *Bte = separate ? baseline_matrix(te.X, te.nrows, ncols) : NULL;

	if (separate) {
		if (train_and_score(tr.X, tr.y, tr.nrows, te.X, te.nrows, &p, full) ||
		    train_and_score(Btr, tr.y, tr.nrows, Bte, te.nrows, &pb, base))
			goto out;
		printf("train: %zu rows, test: %zu rows\n\n", tr.nrows, te.nrows);
	} else if (cross_validate(&tr, &o, &p, &pb, Btr, full, base)) {
		goto out;
	}
	report_metrics(full, base, ev->y, n, o.threshold);
	per_family(ev, full, o.threshold);
	report_rules(ev);
	report_family_fpr(ev, full, o.threshold, o.fpr_family, o.target_fpr);
	if (!separate && o.lofo && report_lofo(&tr, &p, o.threshold))
		goto out;
	if (!separate && report_inflation(&tr, &p, o.threshold))
		goto out;
	if (o.holdout && report_holdout(&tr, &ho, o.holdout, &p, o.threshold))
		goto out;
	rc = write_outputs(&o, ev, full, base);
out:
	free(full);
	free(base);
	free(Btr);
	free(Bte);
	table_release(&tr);
	if (separate)
		table_release(&te);
	if (o.holdout)
		table_release(&ho);
	return rc;
}
