/* Package results: what each package came to (a verdict, an error, not
 * scanned), and their counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"
#include "util/xalloc.h"

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
	r->status = label && !strcmp(label, "malicious") ? PKG_MALICIOUS
		    : label && !strcmp(label, "partial") ? PKG_PARTIAL
							 : PKG_BENIGN;
}

void pkg_result_set_error(struct pkg_result *r, const char *reason)
{
	free(r->reason);
	r->reason = text_utf8(reason);
	r->status = PKG_ERROR;
	r->origin = ORIGIN_NONE;
	r->interrupted = false;
	json_decref(r->verdict);
	r->verdict = NULL;
}

void pkg_result_set_interrupted(struct pkg_result *r)
{
	pkg_result_set_error(r, "not scanned: interrupted");
	r->interrupted = true;
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
		s->partial += r[i].status == PKG_PARTIAL;
		s->errors += r[i].status == PKG_ERROR;
		s->interrupted += r[i].status == PKG_ERROR && r[i].interrupted;
		s->not_scanned += r[i].status == PKG_NOT_SCANNED;
		s->from_store += r[i].origin == ORIGIN_STORE;
		s->rescored += r[i].origin == ORIGIN_RESCORED;
		s->scanned += r[i].origin == ORIGIN_SCAN;
	}
}
