/* --format text: a table for people, the evidence of what is malicious
 * under it, and the summary line.  With |fold_benign| the benign rows are
 * one count line; with |findings_only| only the malicious rows are
 * printed. */
#include <stdio.h>

#include "cli/format.h"

void format_text(const struct pkg_result *r, size_t n, const struct format_args *a, FILE *f)
{
	static const char *const label[] = {"MALICIOUS", "ERROR", "NOT SCANNED", "benign",
					    "PARTIAL"};
	static const char *const from[] = {"", "scanned", "stored", "re-scored"};
	struct results_summary s;
	char id[512], line[512];
	size_t i;
	json_t *e;

	if (a->title && !a->findings_only)
		fprintf(f, "%s\n\n", a->title);
	results_count(r, n, &s);
	for (size_t k = 0; k < n; k++) {
		const struct pkg_result *x = &r[k];

		if ((a->findings_only && x->status != PKG_MALICIOUS) ||
		    (a->fold_benign && x->status == PKG_BENIGN))
			continue;
		pkg_result_id(x, id, sizeof(id));
		if (x->verdict) {
			fprintf(f, "%-11s  %.3f  %-40s  %s\n", label[x->status],
				json_real_value(json_object_get(x->verdict, "probability")), id,
				from[x->origin]);
			if (x->status == PKG_PARTIAL)
				json_array_foreach (json_object_get(x->verdict, "degraded"), i, e)
					fprintf(f, "%-11s  %5s  not judged: %s\n", "", "",
						json_string_value(json_object_get(e, "detail")));
			if (x->status != PKG_MALICIOUS)
				continue;
			e = json_object_get(x->verdict, "rule");
			if (e)
				fprintf(f, "%-11s  %5s  %s (%s)\n", "", "rule",
					json_string_value(json_object_get(e, "text")),
					json_string_value(json_object_get(e, "why")));
			if (json_string_value(json_object_get(x->verdict, "summary")))
				fprintf(f, "%-11s  %5s  %s\n", "", "",
					json_string_value(json_object_get(x->verdict, "summary")));
			json_array_foreach (json_object_get(x->verdict, "explanations"), i, e)
				fprintf(f, "%-11s  %+.2f  %s\n", "",
					json_real_value(json_object_get(e, "contribution")),
					json_string_value(json_object_get(e, "text")));
		} else {
			fprintf(f, "%-11s  %5s  %-40s  %s\n",
				x->interrupted ? "INTERRUPTED" : label[x->status], "", id,
				x->reason ? x->reason : "");
		}
	}
	if (a->findings_only)
		return;
	if (a->fold_benign && s.benign)
		fprintf(f, "%zu benign (--all lists them)\n", s.benign);
	results_summary_line(&s, line, sizeof(line));
	fprintf(f, "%s%s\n", n ? "\n" : "", line);
}
