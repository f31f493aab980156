/* --format jsonl: one JSON object per package, then a summary object, for
 * scripts. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/format.h"

static json_t *str_or_null(const char *s)
{
	json_t *j;
	char *t;

	if (!s)
		return json_null();
	t = text_utf8(s);
	j = json_string(t);
	free(t);
	return j;
}

json_t *pkg_result_json(const struct pkg_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", str_or_null(r->name));
	json_object_set_new(o, "version", str_or_null(r->version));
	json_object_set_new(o, "target", str_or_null(r->target));
	json_object_set_new(o, "status", json_string(format_status_name(r->status)));
	if (r->verdict) {
		json_object_set(o, "probability", json_object_get(r->verdict, "probability"));
		json_object_set(o, "threshold", json_object_get(r->verdict, "threshold"));
		json_object_set_new(o, "origin", json_string(format_origin_name(r->origin)));
		json_object_set(o, "evidence", json_object_get(r->verdict, "explanations"));
		if (json_object_get(r->verdict, "summary"))
			json_object_set(o, "summary", json_object_get(r->verdict, "summary"));
		if (json_object_get(r->verdict, "rule"))
			json_object_set(o, "rule", json_object_get(r->verdict, "rule"));
		if (json_object_get(r->verdict, "degraded"))
			json_object_set(o, "degraded", json_object_get(r->verdict, "degraded"));
	}
	if (r->kind)
		json_object_set_new(o, "kind", str_or_null(r->kind));
	if (r->reason)
		json_object_set_new(o, "reason", str_or_null(r->reason));
	if (r->file) {
		json_t *loc = json_pack("{s:o}", "file", str_or_null(r->file));

		if (r->line)
			json_object_set_new(loc, "line", json_integer(r->line));
		json_object_set_new(o, "location", loc);
	}
	return o;
}

void format_jsonl(const struct pkg_result *r, size_t n, const struct format_args *a, FILE *f)
{
	struct results_summary s;

	(void)a;
	for (size_t i = 0; i < n; i++) {
		json_t *o = pkg_result_json(&r[i]);

		json_dumpf(o, f, JSON_COMPACT);
		fputc('\n', f);
		json_decref(o);
	}
	results_count(r, n, &s);
	json_t *sum = json_pack(
		"{s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}}", "summary",
		"packages", (json_int_t)s.total, "malicious", (json_int_t)s.malicious, "benign",
		(json_int_t)s.benign, "not_judged", (json_int_t)s.partial, "failed",
		(json_int_t)(s.errors - s.interrupted), "interrupted", (json_int_t)s.interrupted,
		"not_scanned", (json_int_t)s.not_scanned, "partial",
		s.errors || s.not_scanned || s.partial, "stored", (json_int_t)s.from_store,
		"rescored", (json_int_t)s.rescored, "scanned", (json_int_t)s.scanned);
	json_dumpf(sum, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(sum);
}
