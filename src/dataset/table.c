#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset/table.h"
#include "features/features.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define LINE_MAX_BYTES (1 << 20)

void table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->ncols = features_count();
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		free(t->id[i]);
		free(t->family[i]);
		free(t->group[i]);
	}
	free(t->X);
	free(t->y);
	free(t->id);
	free(t->family);
	free(t->group);
	memset(t, 0, sizeof(*t));
}

void table_add(struct table *t, const char *id, int label, const char *family, const char *group,
	       const float *x)
{
	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->X = xrealloc(t->X, t->alloc * t->ncols * sizeof(float));
		t->y = xrealloc(t->y, t->alloc * sizeof(float));
		t->id = xrealloc(t->id, t->alloc * sizeof(char *));
		t->family = xrealloc(t->family, t->alloc * sizeof(char *));
		t->group = xrealloc(t->group, t->alloc * sizeof(char *));
	}
	memcpy(t->X + t->nrows * t->ncols, x, t->ncols * sizeof(float));
	t->y[t->nrows] = (float)label;
	t->id[t->nrows] = xstrdup(id);
	t->family[t->nrows] = xstrdup(family && *family ? family : "-");
	t->group[t->nrows] = xstrdup(group && *group ? group : id);
	t->nrows++;
}

void table_write_header(FILE *f)
{
	fputs("id\tlabel\tfamily\tgroup", f);
	for (size_t i = 0; i < features_count(); i++)
		fprintf(f, "\t%s", features_name(i));
	fputc('\n', f);
}

/* Writes |s| as one field: a tab, newline or other control character (a
 * package's version may hold one) would break the row, so it becomes '?'. */
static void put_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

void table_write_row(FILE *f, const char *id, int label, const char *family, const char *group,
		     const float *x, size_t ncols)
{
	put_field(f, id);
	fprintf(f, "\t%d\t", label);
	put_field(f, family && *family ? family : "-");
	fputc('\t', f);
	put_field(f, group && *group ? group : id);
	for (size_t i = 0; i < ncols; i++)
		fprintf(f, "\t%.6g", x[i]);
	fputc('\n', f);
}

int table_write(const struct table *t, FILE *f)
{
	table_write_header(f);
	for (size_t i = 0; i < t->nrows; i++)
		table_write_row(f, t->id[i], (int)t->y[i], t->family[i], t->group[i],
				t->X + i * t->ncols, t->ncols);
	return ferror(f) ? -1 : 0;
}

static char *field(char **s)
{
	char *start = *s, *tab;
	if (!start)
		return NULL;
	tab = strchr(start, '\t');
	if (tab) {
		*tab = '\0';
		*s = tab + 1;
	} else {
		*s = NULL;
	}
	return start;
}

/* Checks the header line |s| against the feature schema; 0 or -1 (|err|
 * set). */
static int check_header(const struct table *t, char *s, const char *path, char *err, size_t errlen)
{
	static const char *const lead[] = {"id", "label", "family", "group"};
	char *c;

	for (size_t i = 0; i < 4; i++) {
		c = field(&s);
		if (!c || strcmp(c, lead[i]) != 0) {
			errbuf_set(
				err, errlen,
				"features table '%s' does not start with 'id label family group'",
				path);
			return -1;
		}
	}
	for (size_t i = 0; i < t->ncols; i++) {
		c = field(&s);
		if (!c || strcmp(c, features_name(i)) != 0) {
			errbuf_set(
				err, errlen,
				"features table '%s' is not of feature schema %d: column %zu is '%s', expected '%s'",
				path, FEATURES_SCHEMA, i + 5, c ? c : "", features_name(i));
			return -1;
		}
	}
	if (s) {
		errbuf_set(err, errlen, "features table '%s' has more columns than schema %d", path,
			   FEATURES_SCHEMA);
		return -1;
	}
	return 0;
}

/* Adds the row on line |lineno| (|s|) to |t|, its features parsed into |x|;
 * 0 or -1 (|err| set). */
static int parse_row(struct table *t, char *s, float *x, const char *path, size_t lineno, char *err,
		     size_t errlen)
{
	char *id = field(&s), *label = field(&s), *family = field(&s), *group = field(&s);

	if (!group || !label || (strcmp(label, "0") != 0 && strcmp(label, "1") != 0)) {
		errbuf_set(err, errlen,
			   "features table '%s': line %zu: bad label or missing columns", path,
			   lineno);
		return -1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = field(&s), *end;
		if (!c) {
			errbuf_set(err, errlen,
				   "features table '%s': line %zu has %zu features, expected %zu",
				   path, lineno, i, t->ncols);
			return -1;
		}
		x[i] = strtof(c, &end);
		if (end == c || *end || !isfinite(x[i])) {
			errbuf_set(err, errlen,
				   "features table '%s': line %zu: '%s' is not a number", path,
				   lineno, c);
			return -1;
		}
	}
	if (s) {
		errbuf_set(err, errlen, "features table '%s': line %zu has extra columns", path,
			   lineno);
		return -1;
	}
	table_add(t, id, label[0] - '0', family, group, x);
	return 0;
}

int table_read(struct table *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	float *x = NULL;
	int r = -1;

	table_init(t);
	if (!f) {
		errbuf_set(err, errlen, "cannot read features table '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	x = xcalloc(t->ncols, sizeof(float));
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (n > LINE_MAX_BYTES) {
			errbuf_set(err, errlen, "features table '%s': line %zu is too long", path,
				   lineno);
			goto out;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (lineno == 1) {
			if (check_header(t, line, path, err, errlen) < 0)
				goto out;
			continue;
		}
		if (*line && parse_row(t, line, x, path, lineno, err, errlen) < 0)
			goto out;
	}
	if (lineno == 0) {
		errbuf_set(err, errlen, "features table '%s' is empty", path);
		goto out;
	}
	r = 0;
out:
	free(line);
	free(x);
	fclose(f);
	if (r < 0)
		table_release(t);
	return r;
}
