/* Harness for the report reader of `snare features` (src/features/features.h).
 *
 * Input: a report as JSON.  It is parsed as cli_report_features() does
 * (json_loadb(), flags 0), turned into a feature vector with
 * features_extract(), and the row `snare features` would print for it
 * (id "name@version", at most 511 bytes) is written with table_write_row()
 * under table_write_header() and read back with table_read(), the reader of
 * `snare train`: every report snare can turn into a row must give back
 * exactly one row with the same id (control characters as '?'), label,
 * group and values (as "%.6g" prints them). */
#include <string.h>

#include "dataset/table.h"
#include "features/features.h"
#include "fuzz.h"
#include "util/xalloc.h"

static char *features_fuzz_tsv;

static void features_fuzz_round_trip(const json_t *report, const float *x, size_t n)
{
	json_t *pkg = json_object_get(report, "package");
	char id[512], err[512], num[64];
	struct table t;
	FILE *f;
	int r;

	/* The id cli_report_features() gives the row. */
	snprintf(id, sizeof(id), "%s@%s", json_string_value(json_object_get(pkg, "name")) ?: "?",
		 json_string_value(json_object_get(pkg, "version")) ?: "?");
	f = fopen(features_fuzz_tsv, "we");
	FUZZ_CHECK(f != NULL);
	table_write_header(f);
	table_write_row(f, id, 1, "family", id, x, n);
	FUZZ_CHECK(fclose(f) == 0);

	err[0] = '\0';
	r = table_read(&t, features_fuzz_tsv, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "%s\n", err);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(t.nrows == 1 && t.ncols == n);
	/* Control characters in the id are written as '?'. */
	for (char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	FUZZ_CHECK(!strcmp(t.id[0], id) && !strcmp(t.group[0], id));
	FUZZ_CHECK(!strcmp(t.family[0], "family") && t.y[0] == 1);
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%.6g", x[i]);
		FUZZ_CHECK(t.X[i] == strtof(num, NULL));
	}
	table_release(&t);
}

int fuzz_features(const uint8_t *data, size_t size)
{
	size_t n = features_count();
	json_t *report;
	float *x;
	char err[512];
	int r;

	if (!features_fuzz_tsv)
		features_fuzz_tsv = xasprintf("%s/table.tsv", fuzz_tmpdir("features"));
	report = json_loadb((const char *)data, size, 0, NULL);
	if (!report)
		return 0;
	x = xcalloc(n, sizeof(float));
	err[0] = '\0';
	r = features_extract(report, x, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
	} else {
		FUZZ_CHECK(r == 0);
		features_fuzz_round_trip(report, x, n);
	}
	free(x);
	json_decref(report);
	return 0;
}

FUZZ_MAIN(features)
