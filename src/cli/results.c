/* Package results and their three formats: a text table for people, JSON
 * lines for scripts, SARIF 2.1.0 for code-scanning systems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/scan.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define RULE_ID "snare/malicious-package"

int out_format_parse(const char *s, enum out_format *f)
{
	if (!strcmp(s, "text"))
		*f = FORMAT_TEXT;
	else if (!strcmp(s, "jsonl"))
		*f = FORMAT_JSONL;
	else if (!strcmp(s, "sarif"))
		*f = FORMAT_SARIF;
	else
		return -1;
	return 0;
}

char *text_utf8(const char *s)
{
	json_t *j;
	char *t;

	if (!s)
		return NULL;
	j = json_string(s);
	json_decref(j);
	t = xstrdup(s);
	if (!j)
		for (char *p = t; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	return t;
}

void pkg_result_set_verdict(struct pkg_result *r, json_t *verdict, enum pkg_origin origin)
{
	const char *label = json_string_value(json_object_get(verdict, "label"));

	json_decref(r->verdict);
	r->verdict = verdict;
	r->origin = origin;
	r->status = label && !strcmp(label, "malicious") ? PKG_MALICIOUS : PKG_BENIGN;
}

void pkg_result_set_error(struct pkg_result *r, const char *reason)
{
	free(r->reason);
	r->reason = text_utf8(reason);
	r->status = PKG_ERROR;
	r->origin = ORIGIN_NONE;
	json_decref(r->verdict);
	r->verdict = NULL;
}

void pkg_result_release(struct pkg_result *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->version);
	free(r->target);
	json_decref(r->verdict);
	free(r->kind);
	free(r->reason);
	free(r->file);
	free(r->integrity);
	memset(r, 0, sizeof(*r));
}

const char *pkg_result_id(const struct pkg_result *r, char *buf, size_t len)
{
	if (r->name && r->version)
		snprintf(buf, len, "%s@%s", r->name, r->version);
	else
		snprintf(buf, len, "%s", r->name ? r->name : r->target ? r->target : "?");
	return buf;
}

void results_count(const struct pkg_result *r, size_t n, struct results_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->total = n;
	for (size_t i = 0; i < n; i++) {
		s->malicious += r[i].status == PKG_MALICIOUS;
		s->benign += r[i].status == PKG_BENIGN;
		s->errors += r[i].status == PKG_ERROR;
		s->not_scanned += r[i].status == PKG_NOT_SCANNED;
		s->from_store += r[i].origin == ORIGIN_STORE;
		s->rescored += r[i].origin == ORIGIN_RESCORED;
		s->scanned += r[i].origin == ORIGIN_SCAN;
	}
}

int results_exit_code(const struct results_summary *s, bool strict)
{
	if (s->malicious)
		return 1;
	if (s->errors || (strict && s->not_scanned))
		return 2;
	return 0;
}

void results_summary_line(const struct results_summary *s, char *buf, size_t len)
{
	size_t off;

	off = (size_t)snprintf(buf, len, "%zu package%s: %zu malicious, %zu benign", s->total,
			       s->total == 1 ? "" : "s", s->malicious, s->benign);
	if (s->errors && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu failed", s->errors);
	if (s->not_scanned && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", %zu not scanned", s->not_scanned);
	if ((s->errors || s->not_scanned) && off < len)
		snprintf(buf + off, len - off, " (partial result)");
}

static const char *status_name(enum pkg_status s)
{
	static const char *const names[] = {"malicious", "error", "not_scanned", "benign"};

	return names[s];
}

static const char *origin_name(enum pkg_origin o)
{
	static const char *const names[] = {NULL, "scan", "store", "rescored"};

	return names[o];
}

/* |s| made valid UTF-8 in place (see text_utf8()). */
static char *utf8_inplace(char *s)
{
	json_t *j = json_string(s);

	if (!j)
		for (char *p = s; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	json_decref(j);
	return s;
}

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
	json_object_set_new(o, "status", json_string(status_name(r->status)));
	if (r->verdict) {
		json_object_set(o, "probability", json_object_get(r->verdict, "probability"));
		json_object_set(o, "threshold", json_object_get(r->verdict, "threshold"));
		json_object_set_new(o, "origin", json_string(origin_name(r->origin)));
		json_object_set(o, "evidence", json_object_get(r->verdict, "explanations"));
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

/* The result's evidence as "sentence (+1.23)" texts. */
static void evidence_text(const struct pkg_result *r, char *buf, size_t len, size_t max)
{
	size_t off = 0, i, k = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(json_object_get(r->verdict, "explanations"), i, e)
	{
		double c = json_real_value(json_object_get(e, "contribution"));
		const char *t = json_string_value(json_object_get(e, "text"));

		if (!t || c <= 0 || k == max || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", k ? "; " : "", t);
		k++;
	}
}

/* |path| as a URI reference: unreserved characters and '/' as they are,
 * the rest percent-encoded. */
static char *uri_path(const char *prefix, const char *path)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	strbuf_addstr(&sb, prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/@", *p))
			strbuf_add(&sb, p, 1);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	}
	return strbuf_detach(&sb, NULL);
}

static json_t *sarif_location(const char *file, unsigned line)
{
	json_t *art, *phys;
	char *uri;

	while (file[0] == '.' && file[1] == '/')
		file += 2;
	if (file[0] == '/') {
		uri = uri_path("file://", file);
		art = json_pack("{s:s}", "uri", uri);
	} else {
		uri = uri_path("", file);
		art = json_pack("{s:s, s:s}", "uri", uri, "uriBaseId", "%SRCROOT%");
	}
	free(uri);
	phys = json_pack("{s:o}", "artifactLocation", art);
	if (line)
		json_object_set_new(phys, "region", json_pack("{s:i}", "startLine", (int)line));
	return json_pack("{s:o}", "physicalLocation", phys);
}

json_t *results_sarif(const struct pkg_result *r, size_t n, const char *command)
{
	json_t *results = json_array(), *notes = json_array();
	struct results_summary s;
	char id[512], ev[2048], msg[3072];

	results_count(r, n, &s);
	for (size_t i = 0; i < n; i++) {
		utf8_inplace((char *)pkg_result_id(&r[i], id, sizeof(id)));
		if (r[i].status == PKG_MALICIOUS) {
			double p = json_real_value(json_object_get(r[i].verdict, "probability"));
			json_t *res;

			evidence_text(&r[i], ev, sizeof(ev), 3);
			snprintf(msg, sizeof(msg), "%s is malicious (probability %.3f)%s%s", id, p,
				 ev[0] ? ": " : "", ev);
			utf8_inplace(msg);
			res = json_pack(
				"{s:s, s:i, s:s, s:{s:s}, s:{s:s}, s:{s:s?, s:s?, s:f, s:s?, "
				"s:O}}",
				"ruleId", RULE_ID, "ruleIndex", 0, "level", "error", "message",
				"text", msg, "partialFingerprints", "snarePackage/v1", id,
				"properties", "package", r[i].name, "version", r[i].version,
				"probability", p, "origin", origin_name(r[i].origin), "evidence",
				json_object_get(r[i].verdict, "explanations") ?: json_null());
			if (r[i].file)
				json_object_set_new(
					res, "locations",
					json_pack("[o]", sarif_location(r[i].file, r[i].line)));
			json_array_append_new(results, res);
		} else if (r[i].status == PKG_ERROR || r[i].status == PKG_NOT_SCANNED) {
			snprintf(msg, sizeof(msg), "%s %s: %s", id,
				 r[i].status == PKG_ERROR ? "could not be scanned"
							  : "was not scanned",
				 r[i].reason ? r[i].reason : "?");
			utf8_inplace(msg);
			json_t *note = json_pack("{s:s, s:{s:s}}", "level",
						 r[i].status == PKG_ERROR ? "error" : "warning",
						 "message", "text", msg);
			if (r[i].file)
				json_object_set_new(
					note, "locations",
					json_pack("[o]", sarif_location(r[i].file, r[i].line)));
			json_array_append_new(notes, note);
		}
	}
	json_t *rule = json_pack(
		"{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:[s], s:s}}", "id", RULE_ID,
		"name", "MaliciousPackage", "shortDescription", "text",
		"Package behaves like malware when installed or imported", "fullDescription",
		"text",
		"snare detonated the package in its sandbox, traced what it did, and its model "
		"scored that behaviour as malicious.",
		"help", "text",
		"Remove the package or pin a version that is not flagged, then rotate any secret "
		"the package could have read where it was installed.",
		"defaultConfiguration", "level", "error", "properties", "tags", "security",
		"precision", "high");
	char *cmd = text_utf8(command ? command : "snare");
	json_t *run = json_pack(
		"{s:{s:{s:s, s:[o]}}, s:[{s:b, s:s, s:o}], s:o, s:{s:b, s:I, s:I, s:I, s:I, s:I}}",
		"tool", "driver", "name", "snare", "rules", rule, "invocations",
		"executionSuccessful", s.errors == 0, "commandLine", cmd,
		"toolExecutionNotifications", notes, "results", results, "properties", "partial",
		s.errors || s.not_scanned, "packages", (json_int_t)s.total, "malicious",
		(json_int_t)s.malicious, "benign", (json_int_t)s.benign, "failed",
		(json_int_t)s.errors, "notScanned", (json_int_t)s.not_scanned);
	free(cmd);
	return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs",
			 run);
}

static int result_cmp(const void *a, const void *b)
{
	const struct pkg_result *x = a, *y = b;
	char ix[512], iy[512];

	if (x->status != y->status)
		return (int)x->status - (int)y->status;
	return strcmp(pkg_result_id(x, ix, sizeof(ix)), pkg_result_id(y, iy, sizeof(iy)));
}

static void print_text(const struct pkg_result *r, size_t n, const char *title, FILE *f)
{
	static const char *const label[] = {"MALICIOUS", "ERROR", "NOT SCANNED", "benign"};
	static const char *const from[] = {"", "scanned", "stored", "re-scored"};
	struct results_summary s;
	char id[512], line[512];
	size_t i;
	json_t *e;

	if (title)
		fprintf(f, "%s\n\n", title);
	for (size_t k = 0; k < n; k++) {
		const struct pkg_result *x = &r[k];

		pkg_result_id(x, id, sizeof(id));
		if (x->verdict) {
			fprintf(f, "%-11s  %.3f  %-40s  %s\n", label[x->status],
				json_real_value(json_object_get(x->verdict, "probability")), id,
				from[x->origin]);
			if (x->status != PKG_MALICIOUS)
				continue;
			json_array_foreach(json_object_get(x->verdict, "explanations"), i, e)
				fprintf(f, "%-11s  %+.2f  %s\n", "",
					json_real_value(json_object_get(e, "contribution")),
					json_string_value(json_object_get(e, "text")));
		} else {
			fprintf(f, "%-11s  %5s  %-40s  %s\n", label[x->status], "", id,
				x->reason ? x->reason : "");
		}
	}
	results_count(r, n, &s);
	results_summary_line(&s, line, sizeof(line));
	fprintf(f, "%s%s\n", n ? "\n" : "", line);
}

void results_print(struct pkg_result *r, size_t n, enum out_format format, const char *title,
		   const char *command, FILE *f)
{
	struct results_summary s;

	qsort(r, n, sizeof(*r), result_cmp);
	if (format == FORMAT_TEXT) {
		print_text(r, n, title, f);
		return;
	}
	if (format == FORMAT_SARIF) {
		json_t *log = results_sarif(r, n, command);

		json_dumpf(log, f, JSON_INDENT(2));
		fputc('\n', f);
		json_decref(log);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = pkg_result_json(&r[i]);

		json_dumpf(o, f, JSON_COMPACT);
		fputc('\n', f);
		json_decref(o);
	}
	results_count(r, n, &s);
	json_t *sum =
		json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}}", "summary",
			  "packages", (json_int_t)s.total, "malicious", (json_int_t)s.malicious,
			  "benign", (json_int_t)s.benign, "failed", (json_int_t)s.errors,
			  "not_scanned", (json_int_t)s.not_scanned, "partial",
			  s.errors || s.not_scanned, "stored", (json_int_t)s.from_store, "rescored",
			  (json_int_t)s.rescored, "scanned", (json_int_t)s.scanned);
	json_dumpf(sum, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(sum);
}
