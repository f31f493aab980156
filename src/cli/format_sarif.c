/* --format sarif: a SARIF 2.1.0 log for code-scanning systems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format.h"
#include "explain/explain.h"
#include "util/strbuf.h"
#include "util/version.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define RULE_ID "snare/malicious-package"

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

/* The one rule, with what a reader of the result needs: what it means and
 * what to do about it. */
static json_t *sarif_rule(void)
{
	static const char full[] =
		"snare installed the package in a sandbox of its own (no network but a "
		"recording sink, a fake home full of planted secrets), ran its install "
		"scripts, loaded it and called what it exports, and traced every command, "
		"file, DNS lookup and connection. Its model scored that behaviour as "
		"malicious. The result's message names the behaviours that weighed most, "
		"with their evidence: files read, hosts contacted, secrets sent.";
	static const char help[] =
		"What it means: this version of the package did what malware does when it "
		"was installed or loaded (stole credentials, contacted a drop, ran a "
		"downloaded program...); the message and the result's properties.evidence "
		"say what.\n"
		"What to do: do not install it. Remove it from the lockfile, or pin a "
		"version snare does not flag, and run the audit again. If it was installed "
		"anywhere (a developer's machine, CI), treat that machine as compromised: "
		"rotate every secret it could read (npm, GitHub and cloud tokens, SSH keys, "
		".env files) and look for what it left behind (files written, cron or "
		"systemd entries, shell rc files). To read the whole verdict and its "
		"evidence: snare show NAME@VERSION.";
	static const char help_md[] =
		"**What it means**: this version of the package did what malware does when "
		"it was installed or loaded (stole credentials, contacted a drop, ran a "
		"downloaded program...); the message and the result's "
		"`properties.evidence` say what.\n\n"
		"**What to do**:\n\n"
		"- do not install it: remove it from the lockfile, or pin a version snare "
		"does not flag, and run the audit again;\n"
		"- if it was installed anywhere (a developer's machine, CI), treat that "
		"machine as compromised: rotate every secret it could read (npm, GitHub "
		"and cloud tokens, SSH keys, `.env` files) and look for what it left "
		"behind (files written, cron or systemd entries, shell rc files);\n"
		"- the whole verdict and its evidence: `snare show NAME@VERSION`.";

	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s}, s:{s:[s], s:s}}",
			 "id", RULE_ID, "name", "MaliciousPackage", "shortDescription", "text",
			 "Package behaves like malware when installed or imported",
			 "fullDescription", "text", full, "help", "text", help, "markdown", help_md,
			 "defaultConfiguration", "level", "error", "properties", "tags", "security",
			 "precision", "high");
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
			char prob[16];
			json_t *res;

			format_evidence(&r[i], ev, sizeof(ev), 3);
			explain_probability(prob, sizeof(prob), p);
			snprintf(msg, sizeof(msg), "%s is malicious (probability %s)%s%s", id, prob,
				 ev[0] ? ": " : "", ev);
			utf8_inplace(msg);
			res = json_pack(
				"{s:s, s:i, s:s, s:{s:s}, s:{s:s}, s:{s:s?, s:s?, s:f, s:s?, "
				"s:O}}",
				"ruleId", RULE_ID, "ruleIndex", 0, "level", "error", "message",
				"text", msg, "partialFingerprints", "snarePackage/v1", id,
				"properties", "package", r[i].name, "version", r[i].version,
				"probability", p, "origin", format_origin_name(r[i].origin),
				"evidence",
				json_object_get(r[i].verdict, "explanations") ?: json_null());
			if (r[i].file)
				json_object_set_new(
					res, "locations",
					json_pack("[o]", sarif_location(r[i].file, r[i].line)));
			json_array_append_new(results, res);
		} else if (r[i].status == PKG_PARTIAL) {
			const json_t *d =
				json_array_get(json_object_get(r[i].verdict, "degraded"), 0);

			snprintf(msg, sizeof(msg), "%s could not be judged: %s", id,
				 json_string_value(json_object_get(d, "detail")) ?: "?");
			utf8_inplace(msg);
			json_t *note =
				json_pack("{s:s, s:{s:s}, s:{s:s?, s:s?, s:O}}", "level", "warning",
					  "message", "text", msg, "properties", "package",
					  r[i].name, "version", r[i].version, "degraded",
					  json_object_get(r[i].verdict, "degraded") ?: json_null());
			if (r[i].file)
				json_object_set_new(
					note, "locations",
					json_pack("[o]", sarif_location(r[i].file, r[i].line)));
			json_array_append_new(notes, note);
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
	char *cmd = text_utf8(command ? command : "snare");
	json_t *run = json_pack(
		"{s:{s:{s:s, s:s, s:s, s:[o]}}, s:[{s:b, s:s, s:o}], s:o, s:{s:b, s:I, s:I, s:I, "
		"s:I, s:I, s:I}}",
		"tool", "driver", "name", "snare", "version", snare_version(), "semanticVersion",
		snare_version(), "rules", sarif_rule(), "invocations", "executionSuccessful",
		s.errors == 0, "commandLine", cmd, "toolExecutionNotifications", notes, "results",
		results, "properties", "partial", s.errors || s.not_scanned || s.partial,
		"packages", (json_int_t)s.total, "malicious", (json_int_t)s.malicious, "benign",
		(json_int_t)s.benign, "notJudged", (json_int_t)s.partial, "failed",
		(json_int_t)s.errors, "notScanned", (json_int_t)s.not_scanned);
	free(cmd);
	if (*SNARE_URL)
		json_object_set_new(json_object_get(json_object_get(run, "tool"), "driver"),
				    "informationUri", json_string(SNARE_URL));
	return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs",
			 run);
}

void format_sarif(const struct pkg_result *r, size_t n, const struct format_args *a, FILE *f)
{
	json_t *log = results_sarif(r, n, a->command);

	json_dumpf(log, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(log);
}
