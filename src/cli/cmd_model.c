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
#include "features/features.h"
#include "model/model.h"

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

int cmd_features(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"label", required_argument, NULL, 'l'}, {"family", required_argument, NULL, 'f'},
		{"group", required_argument, NULL, 'g'}, {"output", required_argument, NULL, 'o'},
		{"no-header", no_argument, NULL, 'H'},	 {NULL, 0, NULL, 0},
	};
	const char *family = "-", *group = NULL, *output = NULL;
	int label = 0, c, rc = 0;
	bool header = true;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
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
			fputs("usage: snare features REPORT... [--label 0|1] [--family F] [--group G] [-o FILE] [--no-header]\n",
			      stderr);
			return 2;
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

int cmd_train(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"rounds", required_argument, NULL, 'r'},
		{"depth", required_argument, NULL, 'd'},
		{"eta", required_argument, NULL, 'e'},
		{"threshold", required_argument, NULL, 't'},
		{"threads", required_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct train_params p;
	const char *output = "model.json";
	double threshold = 0.5;
	char err[512];
	int c;

	train_params_default(&p);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'r':
			p.rounds = atoi(optarg);
			break;
		case 'd':
			p.max_depth = atoi(optarg);
			break;
		case 'e':
			p.eta = atof(optarg);
			break;
		case 't':
			threshold = atof(optarg);
			if (!(threshold > 0 && threshold < 1))
				return cli_error("invalid threshold '%s'", optarg);
			break;
		case 'j':
			p.nthread = atoi(optarg);
			break;
		default:
			fputs("usage: snare train TABLE [-o model.json] [--rounds N] [--depth N] [--eta X] [--threshold P]\n",
			      stderr);
			return 2;
		}
	}
	if (optind != argc - 1)
		return cli_error("usage: snare train TABLE [-o model.json]");
	if (p.rounds <= 0 || p.max_depth <= 0 || p.eta <= 0)
		return cli_error("invalid training parameters");
	struct table t;
	if (table_read(&t, argv[optind], err, sizeof(err)) < 0)
		return cli_error("%s", err);
	size_t pos = 0;
	for (size_t i = 0; i < t.nrows; i++)
		pos += t.y[i] > 0.5f;
	if (pos == 0 || pos == t.nrows) {
		table_release(&t);
		return cli_error("features table '%s' needs both benign and malicious rows",
				 argv[optind]);
	}
	char date[32];
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_t *meta =
		json_pack("{s:i, s:s, s:{s:I, s:I}, s:{s:i, s:i, s:f, s:f, s:f}, s:s}",
			  "feature_schema", FEATURES_SCHEMA, "trained", date, "corpus", "benign",
			  (json_int_t)(t.nrows - pos), "malicious", (json_int_t)pos, "params",
			  "rounds", p.rounds, "max_depth", p.max_depth, "eta", p.eta, "subsample",
			  p.subsample, "colsample_bytree", p.colsample, "table", argv[optind]);
	char *metas = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	struct model *m = model_train(t.X, t.y, t.nrows, t.ncols, &p, metas, err, sizeof(err));
	size_t nrows = t.nrows;
	free(metas);
	table_release(&t);
	if (!m)
		return cli_error("%s", err);
	model_set_threshold(m, threshold);
	int rc = model_save(m, output, err, sizeof(err)) < 0 ? cli_error("%s", err) : 0;
	model_free(m);
	if (rc == 0)
		fprintf(stderr, "snare: model written to '%s' (%zu benign, %zu malicious)\n",
			output, nrows - pos, pos);
	return rc;
}
