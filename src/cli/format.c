/* The table of output formats (cli/formats.def) and what every format
 * shares: looking one up by name, the order of results, the summary line
 * and the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format.h"
#include "util/strbuf.h"

struct format {
	const char *name;
	format_writer *write;
};

static const struct format formats[] = {
#define FORMAT(id, name, writer) [FORMAT_##id] = {name, writer},
#include "cli/formats.def"
#undef FORMAT
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

int out_format_parse(const char *s, enum out_format *f)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (!strcmp(s, formats[i].name)) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

void out_format_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NFORMATS && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					!i		   ? ""
					: i + 1 < NFORMATS ? ", "
							   : " or ",
					formats[i].name);
}

void format_usage(const char *usage, FILE *f)
{
	static const char mark[] = "{formats}";
	char names[256];
	const char *p;

	out_format_names(names, sizeof(names));
	while ((p = strstr(usage, mark))) {
		fwrite(usage, 1, (size_t)(p - usage), f);
		fputs(names, f);
		usage = p + strlen(mark);
	}
	fputs(usage, f);
}

const char *format_status_name(enum pkg_status s)
{
	static const char *const names[] = {"malicious", "error", "not_scanned", "benign",
					    "partial"};

	return names[s];
}

const char *format_origin_name(enum pkg_origin o)
{
	static const char *const names[] = {NULL, "scan", "store", "rescored"};

	return names[o];
}

void format_evidence(const struct pkg_result *r, char *buf, size_t len, size_t max)
{
	size_t off = 0, i, k = 0;
	json_t *e;

	buf[0] = '\0';
	/* the verdict's first line leads: what was taken and where it went */
	if (json_string_value(json_object_get(r->verdict, "summary")) && len)
		off = (size_t)snprintf(buf, len, "%s",
				       json_string_value(json_object_get(r->verdict, "summary")));
	json_array_foreach (json_object_get(r->verdict, "explanations"), i, e) {
		double c = json_real_value(json_object_get(e, "contribution"));
		const char *t = json_string_value(json_object_get(e, "text"));

		if (!t || c <= 0 || k == max || off >= len)
			continue;
		/* the chain's row says the summary again */
		if (json_string_value(json_object_get(r->verdict, "summary")) &&
		    strstr(t, json_string_value(json_object_get(r->verdict, "summary"))))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "; " : "", t);
		k++;
	}
}

char *format_command_line(const char *prog, int argc, char *const *argv)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	strbuf_add_shell_word(&sb, prog && *prog ? prog : "snare");
	for (int i = 0; i < argc; i++) {
		strbuf_addstr(&sb, " ");
		strbuf_add_shell_word(&sb, argv[i]);
	}
	return strbuf_detach(&sb, NULL);
}

int results_exit_code(const struct results_summary *s, bool strict)
{
	if (s->malicious)
		return 1;
	if (s->errors || (strict && s->not_scanned))
		return 2;
	if (s->partial)
		return 3;
	return 0;
}

void results_summary_line(const struct results_summary *s, char *buf, size_t len)
{
	size_t off;

	off = (size_t)snprintf(buf, len, "%zu package%s: %zu malicious, %zu benign", s->total,
			       s->total == 1 ? "" : "s", s->malicious, s->benign);
	if (s->partial && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu partial", s->partial);
	if (s->errors > s->interrupted && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu failed",
					s->errors - s->interrupted);
	if (s->interrupted && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu interrupted", s->interrupted);
	if (s->not_scanned && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu not scanned", s->not_scanned);
	if ((s->errors || s->not_scanned || s->partial) && off < len)
		snprintf(buf + off, len - off, " (partial result)");
}

static int result_cmp(const void *a, const void *b)
{
	const struct pkg_result *x = a, *y = b;
	char ix[512], iy[512];

	if (x->status != y->status)
		return (int)x->status - (int)y->status;
	return strcmp(pkg_result_id(x, ix, sizeof(ix)), pkg_result_id(y, iy, sizeof(iy)));
}

void results_print_args(struct pkg_result *r, size_t n, enum out_format format,
			const struct format_args *a, FILE *f)
{
	if (n) /* qsort(NULL, 0, ...) is undefined */
		qsort(r, n, sizeof(*r), result_cmp);
	formats[format].write(r, n, a, f);
}

void results_print(struct pkg_result *r, size_t n, enum out_format format, const char *title,
		   const char *command, FILE *f)
{
	const struct format_args a = {.title = title, .command = command};

	results_print_args(r, n, format, &a, f);
}
