/* Harness for the features table reader of `snare train` and `snare eval`
 * (src/dataset/table.h).
 *
 * Input: a features table (tab-separated text).  The whole header of the
 * current schema is put in front of the input unless the input starts with
 * "id\t", so that the fuzzer spends its time on rows rather than on
 * spelling out some 180 feature names.  A refusal leaves the table empty
 * and one line in |err|; a table that is read has labels 0 or 1 and finite
 * values, and once written with table_write() and read again it stays the
 * same through a second round. */
#include <math.h>
#include <string.h>

#include "dataset/table.h"
#include "features/features.h"
#include "fuzz.h"
#include "util/xalloc.h"

static char *table_fuzz_in, *table_fuzz_out;

static bool table_fuzz_same(const struct table *a, const struct table *b)
{
	if (a->nrows != b->nrows || a->ncols != b->ncols)
		return false;
	for (size_t i = 0; i < a->nrows; i++)
		if (strcmp(a->id[i], b->id[i]) || strcmp(a->family[i], b->family[i]) ||
		    strcmp(a->group[i], b->group[i]) || a->y[i] != b->y[i])
			return false;
	return a->nrows == 0 || !memcmp(a->X, b->X, a->nrows * a->ncols * sizeof(float));
}

/* Writes |t| to the output file and reads it into |u|; 0 or -1. */
static int table_fuzz_rewrite(const struct table *t, struct table *u)
{
	char err[512];
	FILE *f = fopen(table_fuzz_out, "we");
	int r;

	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(table_write(t, f) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	r = table_read(u, table_fuzz_out, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "%s\n", err);
	return r;
}

int fuzz_table(const uint8_t *data, size_t size)
{
	static const struct table zero;
	struct table t, u, v;
	char err[512];
	FILE *f;
	int r;

	if (!table_fuzz_in) {
		const char *dir = fuzz_tmpdir("table");

		table_fuzz_in = xasprintf("%s/in.tsv", dir);
		table_fuzz_out = xasprintf("%s/out.tsv", dir);
	}
	f = fopen(table_fuzz_in, "we");
	FUZZ_CHECK(f != NULL);
	if (size < 3 || memcmp(data, "id\t", 3) != 0)
		table_write_header(f);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
	FUZZ_CHECK(fclose(f) == 0);

	err[0] = '\0';
	r = table_read(&t, table_fuzz_in, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		FUZZ_CHECK(memcmp(&t, &zero, sizeof(t)) == 0);
		return 0;
	}
	FUZZ_CHECK(r == 0 && t.ncols == features_count());
	for (size_t i = 0; i < t.nrows; i++) {
		FUZZ_CHECK(t.y[i] == 0 || t.y[i] == 1);
		FUZZ_CHECK(t.id[i] && t.family[i] && t.group[i]);
		for (size_t j = 0; j < t.ncols; j++)
			FUZZ_CHECK(isfinite(t.X[i * t.ncols + j]));
	}
	/* Writing rounds values to 6 digits; after that a round trip is exact. */
	FUZZ_CHECK(table_fuzz_rewrite(&t, &u) == 0);
	FUZZ_CHECK(u.nrows == t.nrows);
	FUZZ_CHECK(table_fuzz_rewrite(&u, &v) == 0);
	FUZZ_CHECK(table_fuzz_same(&u, &v));
	table_release(&t);
	table_release(&u);
	table_release(&v);
	return 0;
}

FUZZ_MAIN(table)
