/* The table of features (src/features/features.def) against what depends
 * on it: the checked-in model's columns, docs/features.md and the
 * sentences explain/ prints.  Run from the repository's root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "features/features.h"
#include "model/model.h"

#define MODEL "models/snare.json"
#define DOC "docs/features.md"

/* The model was trained on a list of feature names; the table's model
 * columns (USED and MASKED rows, expanded, in order) must be that list. */
static void test_model_columns_are_the_model_files(void **state)
{
	json_error_t je;
	json_t *m = json_load_file(MODEL, 0, &je);
	(void)state;
	assert_non_null(m);
	const json_t *attrs = json_object_get(json_object_get(m, "learner"), "attributes");
	const char *names_text = json_string_value(json_object_get(attrs, "snare_features"));
	assert_non_null(names_text);
	assert_string_equal(json_string_value(json_object_get(attrs, "snare_schema")), "3");
	assert_int_equal(FEATURES_SCHEMA, 3);
	json_t *names = json_loads(names_text, 0, &je);
	assert_non_null(names);
	assert_int_equal(json_array_size(names), features_model_count());
	for (size_t i = 0; i < json_array_size(names); i++)
		assert_string_equal(json_string_value(json_array_get(names, i)), features_name(i));
	json_decref(names);
	json_decref(m);
}

static void test_model_columns_come_first(void **state)
{
	(void)state;
	assert_true(features_model_count() <= features_count());
	for (size_t i = 0; i < features_count(); i++) {
		const struct feature_info *fi = features_info(i);
		assert_non_null(fi);
		assert_int_equal(fi->model == FEATURE_ABSENT, i >= features_model_count());
		assert_int_equal(features_for_model(i), fi->model == FEATURE_USED);
		assert_int_equal(features_index(features_name(i)), (int)i);
	}
	assert_null(features_info(features_count()));
	assert_null(features_name(features_count()));
	assert_int_equal(features_index("no_such_feature"), -1);
}

static void test_checked_in_model_loads(void **state)
{
	char err[256];
	(void)state;
	struct model *m = model_load(MODEL, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	model_free(m);
}

/* A sentence is a phrase for people (explain/ fills it in): its
 * placeholders are {n}, {bytes}, {kib}, {ms} and {x}, its plurals [one|many]
 * with one bar, not nested; no printf conversion. */
static void test_sentences(void **state)
{
	static const char *const names[] = {"{n}", "{bytes}", "{kib}", "{ms}", "{x}"};
	(void)state;
	for (size_t i = 0; i < features_count(); i++) {
		const char *s = features_info(i)->sentence;

		if (!*s)
			fail_msg("%s: no sentence", features_name(i));
		if (strchr(s, '%'))
			fail_msg("%s: sentence '%s' has a printf conversion", features_name(i), s);
		for (const char *p = s; *p; p++) {
			bool known = false;
			if (*p == '{') {
				for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
					known |= !strncmp(p, names[k], strlen(names[k]));
				if (!known)
					fail_msg("%s: unknown placeholder in '%s'",
						 features_name(i), s);
			} else if (*p == '[') {
				size_t n = strcspn(p, "]");
				const char *bar = memchr(p, '|', n);
				if (!p[n] || !bar || memchr(bar + 1, '|', n - (size_t)(bar - p)) ||
				    memchr(p + 1, '[', n - 1))
					fail_msg("%s: plural '[one|many]' malformed in '%s'",
						 features_name(i), s);
			}
		}
	}
}

/* ---- docs/features.md ----------------------------------------------------- */

#define MAXDOC 512

struct doc {
	char name[MAXDOC][64];
	enum feature_scope scope[MAXDOC];
	size_t n;
};

/* The section a "## " heading opens, or -1 for one that lists no features. */
static int heading_scope(const char *line)
{
	if (strstr(line, "Per phase"))
		return FEATURE_PHASE;
	if (!strncmp(line, "## Static", 9))
		return FEATURE_STATIC;
	if (!strncmp(line, "## Global", 9))
		return FEATURE_RUN;
	if (!strncmp(line, "## Browser", 10))
		return FEATURE_BROWSER;
	return -1;
}

/* The backquoted names in the first cell of a table row. */
static void doc_row(struct doc *d, const char *line, enum feature_scope scope)
{
	const char *end = strchr(line + 1, '|');
	const char *p = line + 1;

	while (end && (p = memchr(p, '`', (size_t)(end - p))) != NULL) {
		const char *q = memchr(p + 1, '`', (size_t)(end - p - 1));
		assert_non_null(q);
		const char *name = p + 1;
		if (scope == FEATURE_STATIC) {
			if (strncmp(name, "static.", 7) != 0)
				fail_msg(DOC ": '%.*s' in the static section lacks 'static.'",
					 (int)(q - name), name);
			name += 7;
		}
		if (scope == FEATURE_BROWSER) {
			if (strncmp(name, "browser.", 8) != 0)
				fail_msg(DOC ": '%.*s' in the browser section lacks 'browser.'",
					 (int)(q - name), name);
			name += 8;
		}
		assert_true(d->n < MAXDOC);
		snprintf(d->name[d->n], sizeof(d->name[0]), "%.*s", (int)(q - name), name);
		d->scope[d->n++] = scope;
		p = q + 1;
	}
}

static void read_doc(struct doc *d)
{
	FILE *f = fopen(DOC, "re");
	char line[1024];
	int scope = -1;

	assert_non_null(f);
	d->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "## ", 3))
			scope = heading_scope(line);
		else if (scope >= 0 && line[0] == '|' && !strstr(line, "| name |") &&
			 !strstr(line, "| --- |"))
			doc_row(d, line, (enum feature_scope)scope);
	}
	fclose(f);
}

static bool documented(const struct doc *d, const struct feature_info *fi)
{
	for (size_t k = 0; k < d->n; k++)
		if (d->scope[k] == fi->scope && !strcmp(d->name[k], fi->name))
			return true;
	return false;
}

static void test_docs_name_every_feature(void **state)
{
	static struct doc d;
	int missing = 0;
	(void)state;
	read_doc(&d);
	assert_true(d.n > 0);
	for (size_t i = 0; i < features_count(); i++)
		if (!documented(&d, features_info(i))) {
			print_error(DOC " does not document '%s'\n", features_name(i));
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void test_docs_name_no_other_feature(void **state)
{
	static struct doc d;
	int unknown = 0;
	(void)state;
	read_doc(&d);
	for (size_t k = 0; k < d.n; k++) {
		bool found = false;
		for (size_t i = 0; i < features_count() && !found; i++)
			found = features_info(i)->scope == d.scope[k] &&
				!strcmp(features_info(i)->name, d.name[k]);
		if (!found) {
			print_error(DOC
				    " names '%s', which features.def has not (in that section)\n",
				    d.name[k]);
			unknown++;
		}
	}
	assert_int_equal(unknown, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_columns_are_the_model_files),
		cmocka_unit_test(test_model_columns_come_first),
		cmocka_unit_test(test_checked_in_model_loads),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_docs_name_every_feature),
		cmocka_unit_test(test_docs_name_no_other_feature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
