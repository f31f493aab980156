/* snare score REPORT... : re-scores stored reports with a model, without
 * detonating again.  One line per report: verdict, probability, package.
 * --timing adds the mean time of feature extraction plus prediction. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cli/cli.h"
#include "features/features.h"
#include "model/model.h"
#include "scan/scan.h"
#include "util/xalloc.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static const char score_usage[] =
	"usage: snare score REPORT... [--model FILE] [--timing] [--explain]\n"
	"  scores stored reports with a model: one verdict line per report\n";

int cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"model", required_argument, NULL, 'm'},
		{"timing", no_argument, NULL, 't'},
		{"explain", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *model_path = NULL;
	bool timing = false, explain = false;
	int c, rc = 0, any_malicious = 0;
	double spent = 0;
	size_t scored = 0, n = features_count();

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cli_usage(score_usage, true);
		if (c == 'm')
			model_path = optarg;
		else if (c == 't')
			timing = true;
		else if (c == 'e')
			explain = true;
		else
			return cli_usage(score_usage, false);
	}
	if (optind >= argc)
		return cli_error("no report given");
	struct model *m = cli_load_model(model_path);
	if (!m)
		return 2;
	float *x = xcalloc(n, sizeof(float));
	for (int i = optind; i < argc; i++) {
		json_error_t je;
		char err[512];
		float prob;
		json_t *r = json_load_file(argv[i], 0, &je);
		if (!r) {
			rc = cli_error("malformed report '%s': line %d: %s", argv[i], je.line,
				       je.text);
			break;
		}
		double t = now_us();
		int ok = features_extract(r, x, err, sizeof(err)) == 0 &&
			 model_predict(m, x, 1, &prob, NULL, err, sizeof(err)) == 0;
		spent += now_us() - t;
		if (!ok) {
			json_decref(r);
			rc = cli_error("malformed report '%s': %s", argv[i], err);
			break;
		}
		scored++;
		const json_t *pkg = json_object_get(r, "package");
		bool mal = prob >= model_threshold(m);
		any_malicious |= mal;
		printf("%-9s %.4f  %s@%s\n", mal ? "malicious" : "benign", prob,
		       json_string_value(json_object_get(pkg, "name")) ?: "?",
		       json_string_value(json_object_get(pkg, "version")) ?: "?");
		if (explain) {
			json_t *v = scan_verdict(m, r, err, sizeof(err));
			if (v) {
				json_object_set_new(r, "verdict", v);
				cli_print_verdict(r, stdout);
			}
		}
		json_decref(r);
	}
	if (timing && scored)
		fprintf(stderr, "snare: %zu reports, features + prediction %.1f us per report\n",
			scored, spent / (double)scored);
	free(x);
	model_free(m);
	return rc ? rc : any_malicious;
}
