#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain/explain.h"
#include "features/features.h"
#include "features/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static const char *base_name(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash && slash[1] ? slash + 1 : p;
}

static const json_t *phase(const json_t *report, const char *name)
{
	size_t i;
	json_t *ph;
	json_array_foreach (json_object_get(report, "phases"), i, ph)
		if (!strcmp(s(ph, "name"), name))
			return ph;
	return NULL;
}

/* "~/..." for paths in the sandbox home. */
static void add_path(struct strbuf *sb, const char *path, const char *home)
{
	size_t hl = strlen(home);
	if (hl && !strncmp(path, home, hl) && path[hl] == '/')
		strbuf_addf(sb, "~%s", path + hl);
	else
		strbuf_addstr(sb, path);
}

static void list_files(struct strbuf *sb, const json_t *ph, const char *home, const char *flag,
		       int cls, bool outside_only)
{
	size_t i, n = 0;
	json_t *v;
	json_array_foreach (json_object_get(ph, "files"), i, v) {
		const char *p = s(v, "path");
		bool has = false;
		size_t j;
		json_t *f;
		json_array_foreach (json_object_get(v, "flags"), j, f)
			has |= !strcmp(json_string_value(f), flag);
		json_array_foreach (json_object_get(v, "failed"), j, f)
			has |= !strcmp(json_string_value(f), flag) && !strcmp(flag, "read");
		if (!has || (cls >= 0 && path_classify(p, home) != (enum path_class)cls))
			continue;
		if (outside_only && (!strncmp(p, "/tmp/", 5) || !strncmp(p, "/dev/", 5) ||
				     strstr(p, "/node_modules/")))
			continue;
		if (n < 3) {
			strbuf_addstr(sb, n ? ", " : " ");
			add_path(sb, p, home);
		}
		n++;
	}
	if (n > 3)
		strbuf_addf(sb, " and %zu more", n - 3);
}

static void first_dest(struct strbuf *sb, const json_t *ph)
{
	const json_t *sent = json_array_get(json_object_get(ph, "sent"), 0);
	const json_t *dns = json_array_get(json_object_get(ph, "dns"), 0);
	if (sent) {
		const char *h = s(sent, "hostname");
		strbuf_addf(sb, "%s:%lld", *h ? h : s(sent, "address"),
			    (long long)json_integer_value(json_object_get(sent, "port")));
	} else if (dns) {
		strbuf_addstr(sb, s(dns, "hostname"));
	} else {
		strbuf_addstr(sb, "the network");
	}
}

/* ---- evidence: one function per kind of list ------------------------------ */

/* The run-wide baseline: the first four items of |section| over every
 * phase (a command's name, a DNS name, an address). */
static void run_items(struct strbuf *sb, const json_t *report, const char *section)
{
	size_t i, j, n = 0;
	json_t *ph, *v;

	json_array_foreach (json_object_get(report, "phases"), i, ph) {
		json_array_foreach (json_object_get(ph, section), j, v) {
			const char *item = !strcmp(section, "commands")
						   ? json_string_value(json_array_get(
							     json_object_get(v, "argv"), 0))
					   : !strcmp(section, "dns") ? s(v, "hostname")
								     : s(v, "address");
			if (!item || !*item || n >= 4)
				continue;
			strbuf_addf(sb, "%s%s", n++ ? ", " : ": ", base_name(item));
		}
	}
}

/* The harness call behind an item, as " (execute: Wallet.fromSecret())". */
static void by_call(struct strbuf *sb, const json_t *ph, const json_t *item)
{
	const char *call = s(item, "call");

	if (*call)
		strbuf_addf(sb, " (%s: %.120s)", s(ph, "name"), call);
}

static void canaries(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "canary_hits"), i, v) {
		if (n++ >= 3)
			break;
		if (n > 1)
			strbuf_addstr(sb, "; ");
		if (!strcmp(s(v, "where"), "dns"))
			strbuf_addf(sb, "leaks %s in the DNS name %s", s(v, "canary"),
				    s(v, "hostname"));
		else if (!strcmp(s(v, "where"), "command"))
			strbuf_addf(sb, "puts %s on the command line of %s", s(v, "canary"),
				    s(v, "command"));
		else
			strbuf_addf(sb, "sends %s (%s) to %s:%lld", s(v, "canary"),
				    s(v, "encoding"),
				    *s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
				    (long long)json_integer_value(json_object_get(v, "port")));
		by_call(sb, ph, v);
	}
}

static void read_then_net(struct strbuf *sb, const json_t *ph, const char *home)
{
	size_t len = sb->len;

	list_files(sb, ph, home, "read", PATH_CRED, false);
	if (sb->len == len)
		list_files(sb, ph, home, "read", PATH_ENVFILE, false);
	strbuf_addstr(sb, ", then contacts ");
	first_dest(sb, ph);
}

static void lookups(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "dns"), i, v) {
		if (n++ < 3)
			strbuf_addf(sb, "%s%s", n > 1 ? ", " : " ", s(v, "hostname"));
	}
}

static void connects(struct strbuf *sb, const json_t *ph, bool raw_ip_only)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "sockets"), i, v) {
		long long port = json_integer_value(json_object_get(v, "port"));
		const json_t *names = json_object_get(v, "hostnames");
		if (strcmp(s(v, "syscall"), "connect") != 0 || port == 53 || !*s(v, "address"))
			continue;
		if (raw_ip_only && json_array_size(names))
			continue;
		if (n++ < 3) {
			const char *h = json_string_value(json_array_get(names, 0));
			strbuf_addf(sb, "%s%s:%lld", n > 1 ? ", " : " ", h ? h : s(v, "address"),
				    port);
			by_call(sb, ph, v);
		}
	}
}

static void sends(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "sent"), i, v) {
		if (n++ >= 2)
			break;
		const json_t *http = json_object_get(v, "http");
		strbuf_addf(sb, "%ssends %lld bytes to %s:%lld", n > 1 ? "; " : "",
			    (long long)json_integer_value(json_object_get(v, "size")),
			    *s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
			    (long long)json_integer_value(json_object_get(v, "port")));
		if (http)
			strbuf_addf(sb, " (%s %.60s)", s(http, "method"), s(http, "target"));
		else
			strbuf_addf(sb, " (%s)", s(v, "kind"));
		by_call(sb, ph, v);
	}
}

static void commands(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "commands"), i, v) {
		const json_t *argv = json_object_get(v, "argv");
		if (n++ >= 3)
			break;
		strbuf_addstr(sb, n > 1 ? ", '" : " '");
		for (size_t k = 0; k < json_array_size(argv) && k < 6; k++)
			strbuf_addf(sb, "%s%.80s", k ? " " : "",
				    json_string_value(json_array_get(argv, k)));
		strbuf_addstr(sb, "'");
		by_call(sb, ph, v);
	}
}

static void denied(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "denied"), i, v) {
		if (n++ < 4)
			strbuf_addf(sb, " %s", s(v, "syscall"));
	}
}

/* static.capabilities of |kind|: " what in file:line", up to three, and how
 * many more the count says there are. */
static void static_caps(struct strbuf *sb, const json_t *report, const char *kind, float value)
{
	const json_t *st = json_object_get(report, "static");
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(st, "capabilities"), i, v) {
		if (strcmp(s(v, "kind"), kind) != 0 || n >= 3)
			continue;
		long long line = json_integer_value(json_object_get(v, "line"));
		strbuf_addf(sb, "%s%.100s in %.200s", n ? ", " : " ", s(v, "what"), s(v, "file"));
		if (line > 0)
			strbuf_addf(sb, ":%lld", line);
		n++;
	}
	if (n && value > (float)n)
		strbuf_addf(sb, " and %.0f more", (double)value - (double)n);
}

/* The file lists: which flag, which class of path (-1: any), and whether
 * only paths outside /tmp, /dev and node_modules count. */
static const struct {
	enum feature_evidence kind;
	const char *flag;
	int cls;
	bool outside;
} file_lists[] = {
	{FEATURE_EV_READS_CRED, "read", PATH_CRED, false},
	{FEATURE_EV_READS_BROWSER, "read", PATH_BROWSER, false},
	{FEATURE_EV_READS_WALLET, "read", PATH_WALLET, false},
	{FEATURE_EV_READS_DISCORD, "read", PATH_DISCORD, false},
	{FEATURE_EV_READS_ENVFILE, "read", PATH_ENVFILE, false},
	{FEATURE_EV_READS_SYSTEM, "read", PATH_SYSTEM, false},
	{FEATURE_EV_READS_HISTORY, "read", PATH_HISTORY, false},
	{FEATURE_EV_READS_DOCUMENTS, "read", PATH_DOCUMENTS, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_CRED, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_WALLET, false},
	{FEATURE_EV_WRITES, "write", -1, false},
	{FEATURE_EV_WRITES_PERSIST, "write", PATH_PERSIST, false},
	{FEATURE_EV_WRITES_DOCUMENTS, "write", PATH_DOCUMENTS, false},
	{FEATURE_EV_WRITES_OUTSIDE, "write", -1, true},
	{FEATURE_EV_DELETES, "delete", -1, false},
	{FEATURE_EV_DELETES_OUTSIDE, "delete", -1, true},
};

static void add_evidence(struct strbuf *sb, const json_t *report, const json_t *ph,
			 enum feature_evidence kind, const char *feature, float value)
{
	const char *home = s(json_object_get(report, "environment"), "home");

	switch (kind) {
	case FEATURE_EV_NONE:
		break;
	case FEATURE_EV_RUN_COMMANDS:
		run_items(sb, report, "commands");
		break;
	case FEATURE_EV_RUN_NAMES:
		run_items(sb, report, "dns");
		break;
	case FEATURE_EV_RUN_ADDRESSES:
		run_items(sb, report, "sockets");
		break;
	case FEATURE_EV_COMMANDS:
		commands(sb, ph);
		break;
	case FEATURE_EV_CANARIES:
		canaries(sb, ph);
		break;
	case FEATURE_EV_READ_THEN_NET:
		read_then_net(sb, ph, home);
		break;
	case FEATURE_EV_LOOKUPS:
		lookups(sb, ph);
		break;
	case FEATURE_EV_CONNECTS:
	case FEATURE_EV_CONNECTS_RAW_IP:
		connects(sb, ph, kind == FEATURE_EV_CONNECTS_RAW_IP);
		break;
	case FEATURE_EV_SENDS:
		sends(sb, ph);
		break;
	case FEATURE_EV_DENIED:
		denied(sb, ph);
		break;
	case FEATURE_EV_STATIC_CAP: {
		/* "static.cap_wallet_hook": the kind "wallet_hook" */
		const char *cap = strstr(feature, "cap_");
		static_caps(sb, report, cap ? cap + 4 : "", value);
		break;
	}
	default:
		for (size_t k = 0; k < sizeof(file_lists) / sizeof(file_lists[0]); k++)
			if (file_lists[k].kind == kind)
				list_files(sb, ph, home, file_lists[k].flag, file_lists[k].cls,
					   file_lists[k].outside);
		break;
	}
}

/* |sentence| with its one "%g" or "%.0f" replaced by |value|. */
static void add_sentence(struct strbuf *sb, const char *sentence, float value)
{
	const char *pct = strchr(sentence, '%');

	if (!pct) {
		strbuf_addstr(sb, sentence);
		return;
	}
	strbuf_add(sb, sentence, (size_t)(pct - sentence));
	if (!strncmp(pct, "%.0f", 4)) {
		strbuf_addf(sb, "%.0f", (double)value);
		pct += 4;
	} else {
		strbuf_addf(sb, "%g", (double)value);
		pct += 2;
	}
	strbuf_addstr(sb, pct);
}

char *explain_feature(const json_t *report, const char *feature, float value)
{
	struct strbuf sb;
	int i = features_index(feature);
	const struct feature_info *fi = i < 0 ? NULL : features_info((size_t)i);

	strbuf_init(&sb, 2048);
	if (!fi) {
		strbuf_addf(&sb, "%s = %g", feature, (double)value);
		return strbuf_detach(&sb, NULL);
	}
	add_sentence(&sb, fi->sentence, value);
	if (fi->scope == FEATURE_PHASE) {
		/* "install.cmd_total": the phase is the part before the dot */
		char phname[32];
		snprintf(phname, sizeof(phname), "%.*s", (int)strcspn(feature, "."), feature);
		add_evidence(&sb, report, phase(report, phname), fi->evidence, feature, value);
		strbuf_addf(&sb, " [%s]", phname);
	} else {
		add_evidence(&sb, report, NULL, fi->evidence, feature, value);
		if (fi->scope == FEATURE_STATIC)
			strbuf_addstr(&sb, " [static]");
	}
	return strbuf_detach(&sb, NULL);
}

struct contrib {
	size_t i;
	float c;
};

static int by_abs_desc(const void *a, const void *b)
{
	float x = fabsf(((const struct contrib *)a)->c), y = fabsf(((const struct contrib *)b)->c);
	return x < y ? 1 : x > y ? -1 : 0;
}

json_t *explain_verdict(const json_t *report, const float *x, const float *contribs, float prob,
			double threshold, size_t top)
{
	size_t n = features_count(), k = 0;
	bool malicious = prob >= threshold;
	struct contrib *c = xcalloc(n, sizeof(*c));
	json_t *ex = json_array();

	/* Behaviours that happened: a feature at zero pushes the score too,
	 * but "did not do X" is no evidence to show. */
	for (size_t i = 0; i < n; i++)
		if (((malicious && contribs[i] > 0) || (!malicious && contribs[i] < 0)) &&
		    x[i] != 0 && !(x[i] < 0 && strstr(features_name(i), "t_first_net")))
			c[k++] = (struct contrib){i, contribs[i]};
	qsort(c, k, sizeof(*c), by_abs_desc);
	for (size_t i = 0; i < k && i < top; i++) {
		const char *name = features_name(c[i].i);
		char *text = explain_feature(report, name, x[c[i].i]);
		json_array_append_new(ex, json_pack("{s:s, s:f, s:f, s:s}", "feature", name,
						    "value", (double)x[c[i].i], "contribution",
						    (double)c[i].c, "text", text));
		free(text);
	}
	free(c);
	return json_pack("{s:s, s:f, s:f, s:o}", "label", malicious ? "malicious" : "benign",
			 "probability", (double)prob, "threshold", threshold, "explanations", ex);
}
