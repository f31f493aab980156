/* snare features REPORT...  and  snare train TABLE: from reports to a
 * features table to a model. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cli/cli.h"
#include "dataset/table.h"
#include "eval/metrics.h"
#include "features/features.h"
#include "model/model.h"
#include "util/xalloc.h"

/* Loads a report and extracts its features; 0 or -1 (message printed). */
int cli_report_features(const char *path, float *x, char *id, size_t idlen)
{
	json_error_t je;
	char err[256];
	json_t *r = json_load_file(path, 0, &je);

	if (!r) {
		cli_error("malformed report '%s': line %d: %s", path, je.line, je.text);
		return -1;
	}
	if (features_extract(r, x, err, sizeof(err)) < 0) {
		cli_error("malformed report '%s': %s", path, err);
		json_decref(r);
		return -1;
	}
	json_t *pkg = json_object_get(r, "package");
	snprintf(id, idlen, "%s@%s", json_string_value(json_object_get(pkg, "name")) ?: "?",
		 json_string_value(json_object_get(pkg, "version")) ?: "?");
	json_decref(r);
	return 0;
}

static const char features_usage[] =
	"usage: snare features REPORT... [--label 0|1] [--family F] [--group G] [-o FILE] "
	"[--no-header]\n"
	"  turns reports into a features table (one row per report, docs/features.md)\n";

static const char train_usage[] =
	"usage: snare train TABLE [-o model.json] [--rounds N] [--depth N] [--eta X]\n"
	"                   [--threshold P | --target-fpr P [--fpr-family F]]\n"
	"                   [--augment] [--no-monotone]\n"
	"  trains the gradient-boosted trees (XGBoost) on a features table\n";

int cmd_features(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"label", required_argument, NULL, 'l'},
		{"family", required_argument, NULL, 'f'},
		{"group", required_argument, NULL, 'g'},
		{"output", required_argument, NULL, 'o'},
		{"no-header", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *family = "-", *group = NULL, *output = NULL;
	int label = 0, c, rc = 0;
	bool header = true;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_usage(features_usage, true);
		case 'l':
			if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0)
				return cli_error("invalid label '%s' (0 benign, 1 malicious)",
						 optarg);
			label = optarg[0] - '0';
			break;
		case 'f':
			family = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'H':
			header = false;
			break;
		default:
			return cli_usage(features_usage, false);
		}
	}
	if (optind >= argc)
		return cli_error("no report given");
	FILE *f = output ? fopen(output, "we") : stdout;
	if (!f)
		return cli_error("cannot write '%s': %m", output);
	if (header)
		table_write_header(f);
	float *x = calloc(features_count(), sizeof(float));
	for (int i = optind; i < argc && rc == 0; i++) {
		char id[512];
		if (cli_report_features(argv[i], x, id, sizeof(id)) < 0)
			rc = 2;
		else
			table_write_row(f, id, label, family, group ? group : id, x,
					features_count());
	}
	free(x);
	if (output && fclose(f) != 0)
		rc = cli_error("cannot write '%s': %m", output);
	return rc;
}

struct train_opts {
	struct train_params p;
	const char *output, *table, *fpr_family;
	double threshold, target_fpr; /* target_fpr < 0: none */
	bool threshold_given;
};

/* 0, 1 after --help, or 2 after printing the error. */
static int parse_train_opts(int argc, char **argv, struct train_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"rounds", required_argument, NULL, 'r'},
		{"depth", required_argument, NULL, 'd'},
		{"eta", required_argument, NULL, 'e'},
		{"threshold", required_argument, NULL, 't'},
		{"threads", required_argument, NULL, 'j'},
		{"augment", no_argument, NULL, 'A'},
		{"no-monotone", no_argument, NULL, 'M'},
		{"target-fpr", required_argument, NULL, 'P'},
		{"fpr-family", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, learn;

	*o = (struct train_opts){.output = "model.json",
				 .threshold = 0.5,
				 .target_fpr = -1,
				 .fpr_family = "longtail"};
	train_params_default(&o->p);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_usage(train_usage, true);
			return 1;
		case 'o':
			o->output = optarg;
			break;
		case 'r':
			o->p.rounds = atoi(optarg);
			break;
		case 'd':
			o->p.max_depth = atoi(optarg);
			break;
		case 'e':
			o->p.eta = atof(optarg);
			break;
		case 't':
			o->threshold = atof(optarg);
			o->threshold_given = true;
			if (!(o->threshold > 0 && o->threshold < 1))
				return cli_error("invalid threshold '%s'", optarg);
			break;
		default:
			if ((learn = cli_learn_opt(c, optarg, &o->p, &o->target_fpr,
						   &o->fpr_family)) != 0) {
				if (learn < 0)
					return 2;
				break;
			}
			return cli_usage(train_usage, false);
		}
	}
	if (optind != argc - 1)
		return cli_error("usage: snare train TABLE [-o model.json]");
	o->table = argv[optind];
	if (o->p.rounds <= 0 || o->p.max_depth <= 0 || o->p.eta <= 0)
		return cli_error("invalid training parameters");
	if (o->threshold_given && o->target_fpr >= 0)
		return cli_error("give --threshold or --target-fpr, not both");
	return 0;
}

/* The threshold for a target FPR, from out-of-fold scores (5 grouped,
 * stratified folds) on the benign rows of the family (all benign rows
 * when it has none); how it was chosen set in |how|.  0 or 2. */
static int choose_threshold(const struct table *t, const struct train_opts *o, double *threshold,
			    json_t *how)
{
	enum { FOLDS = 5 };
	int *fold = xcalloc(t->nrows, sizeof(int));
	float *score = xcalloc(t->nrows, sizeof(float));
	char err[512];
	size_t nneg, cm[4], fp = 0;
	bool of_family;
	int rc = 0;

	folds_grouped_stratified((const char *const *)t->group, t->y, t->nrows, FOLDS, 1, fold);
	if (model_oof(t->X, t->y, t->nrows, fold, FOLDS, &o->p, score, err, sizeof(err)) < 0) {
		rc = cli_error("%s", err);
		goto out;
	}
	*threshold = metric_family_threshold(score, t->y, (const char *const *)t->family, t->nrows,
					     o->fpr_family, o->target_fpr, &nneg, &of_family);
	if (!(*threshold > 0 && *threshold < 1)) {
		rc = cli_error("no threshold in (0, 1) gives a false-positive rate <= %g on '%s'",
			       o->target_fpr, of_family ? o->fpr_family : "benign");
		goto out;
	}
	metric_confusion(score, t->y, t->nrows, *threshold, cm);
	for (size_t i = 0; i < t->nrows; i++)
		fp += t->y[i] < 0.5f && (!of_family || !strcmp(t->family[i], o->fpr_family)) &&
		      score[i] >= *threshold;
	json_object_set_new(how, "chosen", json_string("target_fpr"));
	json_object_set_new(how, "target_fpr", json_real(o->target_fpr));
	json_object_set_new(how, "on", json_string(of_family ? o->fpr_family : "benign"));
	json_object_set_new(how, "benign_rows", json_integer((json_int_t)nneg));
	json_object_set_new(how, "folds", json_integer(FOLDS));
	json_object_set_new(how, "oof_fpr", json_real(nneg ? (double)fp / (double)nneg : 0));
	json_object_set_new(how, "oof_tpr",
			    json_real(cm[0] + cm[3] ? (double)cm[0] / (double)(cm[0] + cm[3]) : 0));
	fprintf(stderr,
		"snare: threshold %.6f: out of fold, FPR %zu of %zu on %s, TPR %zu of %zu\n",
		*threshold, fp, nneg, of_family ? o->fpr_family : "all benign rows", cm[0],
		cm[0] + cm[3]);
out:
	free(fold);
	free(score);
	return rc;
}

int cmd_train(int argc, char **argv)
{
	struct train_opts o;
	char err[512];

	int parsed = parse_train_opts(argc, argv, &o);

	if (parsed)
		return parsed == 1 ? 0 : 2;
	struct train_params p = o.p;
	double threshold = o.threshold;
	struct table t;
	if (table_read(&t, o.table, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	size_t pos = 0;
	for (size_t i = 0; i < t.nrows; i++)
		pos += t.y[i] > 0.5f;
	if (pos == 0 || pos == t.nrows) {
		table_release(&t);
		return cli_error("features table '%s' needs both benign and malicious rows",
				 o.table);
	}
	json_t *how = json_object();
	if (o.target_fpr >= 0) {
		if (choose_threshold(&t, &o, &threshold, how)) {
			json_decref(how);
			table_release(&t);
			return 2;
		}
	} else {
		json_object_set_new(how, "chosen",
				    json_string(o.threshold_given ? "given" : "default"));
	}
	json_object_set_new(how, "value", json_real(threshold));
	char date[32];
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_t *meta = json_pack(
		"{s:i, s:s, s:{s:I, s:I}, s:{s:i, s:i, s:f, s:f, s:f}, s:s, s:o}", "feature_schema",
		FEATURES_SCHEMA, "trained", date, "corpus", "benign", (json_int_t)(t.nrows - pos),
		"malicious", (json_int_t)pos, "params", "rounds", p.rounds, "max_depth",
		p.max_depth, "eta", p.eta, "subsample", p.subsample, "colsample_bytree",
		p.colsample, "table", o.table, "threshold", how);
	char *metas = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	struct model *m = model_train(t.X, t.y, t.nrows, t.ncols, &p, metas, err, sizeof(err));
	size_t nrows = t.nrows;
	free(metas);
	table_release(&t);
	if (!m)
		return cli_error("%s", err);
	model_set_threshold(m, threshold);
	int rc = model_save(m, o.output, err, sizeof(err)) < 0 ? cli_error("%s", err) : 0;
	model_free(m);
	if (rc == 0)
		fprintf(stderr, "snare: model written to '%s' (%zu benign, %zu malicious)\n",
			o.output, nrows - pos, pos);
	return rc;
}
