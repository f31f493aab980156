/* The model side of snare scan: finding the model, scoring a report,
 * printing the verdict with its evidence. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "explain/explain.h"
#include "features/features.h"
#include "model/model.h"
#include "util/xalloc.h"

const char *cli_model_path(const char *path, char *buf, size_t len)
{
	char exe[PATH_MAX];

	if (!path)
		path = getenv("SNARE_MODEL");
	if (path)
		return path;
	/* <prefix>/build/snare -> <prefix>/models/snare.json */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/../models/snare.json", exe);
	if (access(buf, R_OK) != 0)
		snprintf(buf, len, "%s/../share/snare/snare.json", exe);
	return buf;
}

struct model *cli_load_model(const char *path)
{
	char guess[PATH_MAX + 64], err[512];
	struct model *m;

	path = cli_model_path(path, guess, sizeof(guess));
	if (!path) {
		cli_error("no model: give --model FILE or set SNARE_MODEL");
		return NULL;
	}
	m = model_load(path, err, sizeof(err));
	if (!m)
		cli_error("%s", err);
	return m;
}

json_t *cli_verdict(const struct model *m, const json_t *report, char *err, size_t errlen)
{
	size_t n = features_count();
	float *x = xcalloc(n, sizeof(float)), *c = xcalloc(n + 1, sizeof(float)), prob;
	json_t *v = NULL;

	if (features_extract(report, x, err, errlen) == 0 &&
	    model_predict(m, x, 1, &prob, c, err, errlen) == 0)
		v = explain_verdict(report, x, c, prob, model_threshold(m), 5);
	free(x);
	free(c);
	return v;
}

void cli_print_verdict(const json_t *report, FILE *f)
{
	const json_t *v = json_object_get(report, "verdict");
	const json_t *pkg = json_object_get(report, "package");
	size_t i;
	json_t *e;

	fprintf(f, "%s  %s@%s  probability %.3f (threshold %.3f)\n",
		!strcmp(json_string_value(json_object_get(v, "label")), "malicious") ? "MALICIOUS"
										     : "benign",
		json_string_value(json_object_get(pkg, "name")),
		json_string_value(json_object_get(pkg, "version")),
		json_real_value(json_object_get(v, "probability")),
		json_real_value(json_object_get(v, "threshold")));
	json_array_foreach(json_object_get(v, "explanations"), i, e)
		fprintf(f, "  %+.2f  %s\n", json_real_value(json_object_get(e, "contribution")),
			json_string_value(json_object_get(e, "text")));
}
