/* --format tsv: one line per package under a header, tab-separated, for
 * cut, awk, sort and spreadsheets: name, version, verdict (malicious,
 * error, not_scanned, benign), probability (three decimals; empty when
 * not scored), and the reasons (a malicious package's top three pieces of
 * evidence joined by "; ", or why a package failed or was not scanned).
 * A tab, a newline or another control character in a field becomes a
 * space, so that a line is always one package. */
#include <stdio.h>

#include "cli/format.h"

/* The evidence of a malicious package that is listed. */
#define TSV_REASONS 3

static void field(const char *s, int end, FILE *f)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	fputc(end, f);
}

void format_tsv(const struct pkg_result *r, size_t n, const struct format_args *a, FILE *f)
{
	char prob[32], why[2048];

	(void)a;
	fputs("name\tversion\tverdict\tprobability\treasons\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct pkg_result *x = &r[i];

		prob[0] = why[0] = '\0';
		if (x->verdict)
			snprintf(prob, sizeof(prob), "%.3f",
				 json_real_value(json_object_get(x->verdict, "probability")));
		if (x->status == PKG_MALICIOUS)
			format_evidence(x, why, sizeof(why), TSV_REASONS);
		if (x->status == PKG_PARTIAL)
			snprintf(why, sizeof(why), "%s",
				 json_string_value(json_object_get(
					 json_array_get(json_object_get(x->verdict, "degraded"), 0),
					 "detail"))
					 ?: "");
		field(x->name ? x->name : x->target, '\t', f);
		field(x->version, '\t', f);
		field(format_status_name(x->status), '\t', f);
		field(prob, '\t', f);
		field(x->status == PKG_MALICIOUS || x->status == PKG_PARTIAL ? why : x->reason,
		      '\n', f);
	}
}
