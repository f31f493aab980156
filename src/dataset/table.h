/* The features table: one row per package, tab-separated, with a header
 *   id  label  family  group  <feature names of the schema, in order>
 * A table may hold only the model's columns (features_model_count(), one
 * made before features outside the model were added): the others read 0.
 * label is 0 (benign) or 1 (malicious); group ties near-duplicates (the
 * same code under another name) so that they never straddle a split. */
#ifndef SNARE_TABLE_H
#define SNARE_TABLE_H

#include <stdio.h>
#include <stddef.h>

struct table {
	size_t nrows, ncols;
	float *X; /* nrows x ncols, row-major */
	float *y;
	char **id, **family, **group;
	size_t alloc;
};

void table_init(struct table *t);
void table_release(struct table *t);
/* Appends a row; copies the strings and |x| (ncols floats). */
void table_add(struct table *t, const char *id, int label, const char *family, const char *group,
	       const float *x);
/* Reads a table; the header must name exactly the current schema's
 * features, or exactly the model's columns.  0, or -1 with one line in |err| (file, line and what
 * is wrong). */
int table_read(struct table *t, const char *path, char *err, size_t errlen);
int table_write(const struct table *t, FILE *f);
/* Writes the header line only. */
void table_write_header(FILE *f);
/* Writes one row; control characters in the strings are written as '?',
 * so that the row stays one line of tab-separated fields. */
void table_write_row(FILE *f, const char *id, int label, const char *family, const char *group,
		     const float *x, size_t ncols);

#endif
