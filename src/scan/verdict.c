/* The model side of a scan: finding the model, naming its version, and
 * scoring a report into a verdict with its evidence. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain/explain.h"
#include "features/features.h"
#include "fetch/hash.h"
#include "model/model.h"
#include "scan/scan.h"
#include "util/xalloc.h"

const char *scan_model_path(const char *path, char *buf, size_t len)
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

int model_file_version(const char *path, char out[17])
{
	char hex[65];
	int r = hash_file(path, hex, NULL, NULL);

	if (r < 0)
		return r;
	memcpy(out, hex, 16);
	out[16] = '\0';
	return 0;
}

/* A detonation that could not judge the package fully (its report's
 * "degraded" list is not empty) cannot call it benign: the label becomes
 * "partial" and the verdict carries the list.  What it saw can still make
 * it malicious. */
static void verdict_degrade(json_t *v, const json_t *degraded)
{
	const char *label = json_string_value(json_object_get(v, "label"));

	if (!json_array_size(degraded))
		return;
	json_object_set(v, "degraded", (json_t *)degraded);
	if (label && !strcmp(label, "benign"))
		json_object_set_new(v, "label", json_string("partial"));
}

json_t *scan_verdict(const struct model *m, const json_t *report, char *err, size_t errlen)
{
	size_t n = features_count();
	float *x = xcalloc(n, sizeof(float)), *c = xcalloc(n + 1, sizeof(float)), prob;
	json_t *v = NULL;

	if (features_extract(report, x, err, errlen) == 0 &&
	    model_predict(m, x, 1, &prob, c, err, errlen) == 0)
		v = explain_verdict(report, x, c, prob, model_threshold(m), 5);
	free(x);
	free(c);
	if (v)
		verdict_degrade(v, json_object_get(report, "degraded"));
	return v;
}
