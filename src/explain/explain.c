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
	json_array_foreach(json_object_get(report, "phases"), i,
			   ph) if (!strcmp(s(ph, "name"), name)) return ph;
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
	json_array_foreach(json_object_get(ph, "files"), i, v)
	{
		const char *p = s(v, "path");
		bool has = false;
		size_t j;
		json_t *f;
		json_array_foreach(json_object_get(v, "flags"), j, f) has |=
			!strcmp(json_string_value(f), flag);
		json_array_foreach(json_object_get(v, "failed"), j, f) has |=
			!strcmp(json_string_value(f), flag) && !strcmp(flag, "read");
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

char *explain_feature(const json_t *report, const char *feature, float value)
{
	struct strbuf sb;
	const char *dot = strchr(feature, '.');
	char phname[16] = "";
	const json_t *ph = NULL;
	const char *f = feature, *home = s(json_object_get(report, "environment"), "home");
	size_t i, n = 0;
	json_t *v;

	strbuf_init(&sb, 2048);
	if (dot) {
		snprintf(phname, sizeof(phname), "%.*s", (int)(dot - feature), feature);
		ph = phase(report, phname);
		f = dot + 1;
	}
	if (!strncmp(feature, "static.", 7)) {
		static const struct {
			const char *name, *text;
		} st[] = {
			{"static.scripts", "has %g install-time script(s)"},
			{"static.script_curl", "its install script calls curl"},
			{"static.script_wget", "its install script calls wget"},
			{"static.script_node_e", "its install script runs inline node -e code"},
			{"static.script_base64", "its install script decodes base64"},
			{"static.script_url", "its install script holds a URL"},
			{"static.script_pipe_sh", "its install script pipes into a shell"},
			{"static.script_devnull", "its install script hides its output"},
			{"static.script_background", "its install script backgrounds a process"},
			{"static.script_subshell", "its install script uses command substitution"},
			{"static.script_python", "its install script runs python"},
			{"static.script_recon", "its install script runs %g recon command(s)"},
			{"static.binding_gyp", "ships a native addon (binding.gyp)"},
			{"static.code_files", "has %g code file(s)"},
			{"static.code_kb", "has %g KiB of code"},
			{"static.max_line", "has a line of %g characters"},
			{"static.long_lines", "has %g line(s) over 1000 characters"},
			{"static.eval", "calls eval %g time(s)"},
			{"static.function_ctor",
			 "builds code with the Function constructor %g time(s)"},
			{"static.hex_identifiers", "has %g _0x-style obfuscated identifiers"},
			{"static.fromcharcode", "decodes strings with fromCharCode %g time(s)"},
			{"static.base64_decode", "decodes base64 %g time(s)"},
			{"static.child_process", "uses child_process %g time(s)"},
			{"static.env_refs", "reads process.env %g time(s)"},
			{"static.hex_escapes", "has %g \\x escapes"},
			{"static.long_base64", "holds %g long base64 blob(s)"},
			{"static.long_hex", "holds %g long hex blob(s)"},
			{"static.max_entropy", "holds a string of entropy %.2g bits per character"},
			{"static.url_hosts", "names %g host(s) in URLs"},
			{"static.url_ips", "names %g IP address(es) in its code"},
			{"static.url_service", "names %g OAST, webhook, paste or tunnel host(s)"},
		};
		const char *text = NULL;
		for (size_t k = 0; k < sizeof(st) / sizeof(st[0]); k++)
			if (!strcmp(feature, st[k].name))
				text = st[k].text;
		if (text) {
			/* the texts hold at most one %g */
			char buf[160];
			const char *pct = strstr(text, "%");
			if (pct)
				snprintf(buf, sizeof(buf), "%.*s%g%s", (int)(pct - text), text,
					 (double)value, pct + (pct[1] == '.' ? 4 : 2));
			else
				snprintf(buf, sizeof(buf), "%s", text);
			strbuf_addf(&sb, "%s [static]", buf);
		} else {
			strbuf_addf(&sb, "%s = %g [static]", feature, (double)value);
		}
		return strbuf_detach(&sb, NULL);
	}
	if (!ph) {
		/* The run-wide baseline: name what was counted. */
		const char *section = !strcmp(f, "n_commands")	? "commands"
				      : !strcmp(f, "n_domains") ? "dns"
				      : !strcmp(f, "n_ips")	? "sockets"
								: NULL;
		strbuf_addf(&sb, "%s %.0f %s",
			    !strcmp(f, "n_commands")  ? "runs"
			    : !strcmp(f, "n_domains") ? "looks up"
						      : "contacts",
			    value,
			    !strcmp(f, "n_commands")  ? "commands"
			    : !strcmp(f, "n_domains") ? "names"
						      : "addresses");
		json_t *phv;
		json_array_foreach(json_object_get(report, "phases"), i, phv)
		{
			size_t j;
			json_array_foreach(section ? json_object_get(phv, section) : NULL, j, v)
			{
				const char *item = !strcmp(section, "commands")
							   ? json_string_value(json_array_get(
								     json_object_get(v, "argv"), 0))
						   : !strcmp(section, "dns") ? s(v, "hostname")
									     : s(v, "address");
				if (!item || !*item || n >= 4)
					continue;
				strbuf_addf(&sb, "%s%s", n++ ? ", " : ": ", base_name(item));
			}
		}
		return strbuf_detach(&sb, NULL);
	}
	if (!strncmp(f, "canary_", 7)) {
		json_array_foreach(json_object_get(ph, "canary_hits"), i, v)
		{
			if (n++ >= 3)
				break;
			if (n > 1)
				strbuf_addstr(&sb, "; ");
			if (!strcmp(s(v, "where"), "dns"))
				strbuf_addf(&sb, "leaks %s in the DNS name %s", s(v, "canary"),
					    s(v, "hostname"));
			else if (!strcmp(s(v, "where"), "command"))
				strbuf_addf(&sb, "puts %s on the command line of %s",
					    s(v, "canary"), s(v, "command"));
			else
				strbuf_addf(
					&sb, "sends %s (%s) to %s:%lld", s(v, "canary"),
					s(v, "encoding"),
					*s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
					(long long)json_integer_value(json_object_get(v, "port")));
		}
	} else if (!strcmp(f, "net_after_read")) {
		strbuf_addstr(&sb, "reads");
		list_files(&sb, ph, home, "read", PATH_CRED, false);
		if (sb.len == 5)
			list_files(&sb, ph, home, "read", PATH_ENVFILE, false);
		strbuf_addstr(&sb, ", then contacts ");
		first_dest(&sb, ph);
	} else if (!strncmp(f, "read_", 5)) {
		static const struct {
			const char *name;
			int cls;
		} m[] = {{"read_cred", PATH_CRED},	 {"read_browser", PATH_BROWSER},
			 {"read_wallet", PATH_WALLET},	 {"read_discord", PATH_DISCORD},
			 {"read_envfile", PATH_ENVFILE}, {"read_system", PATH_SYSTEM},
			 {"read_history", PATH_HISTORY}, {"read_documents", PATH_DOCUMENTS}};
		int cls = -2;
		for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++)
			if (!strcmp(f, m[k].name))
				cls = m[k].cls;
		strbuf_addstr(&sb, "reads");
		if (cls == -2) {
			list_files(&sb, ph, home, "read", PATH_CRED, false);
			list_files(&sb, ph, home, "read", PATH_WALLET, false);
		} else {
			list_files(&sb, ph, home, "read", cls, false);
		}
	} else if (!strncmp(f, "write_", 6)) {
		strbuf_addstr(&sb, "writes");
		list_files(&sb, ph, home, "write",
			   !strcmp(f, "write_persist")	   ? PATH_PERSIST
			   : !strcmp(f, "write_documents") ? PATH_DOCUMENTS
							   : -1,
			   !strcmp(f, "write_outside"));
	} else if (!strncmp(f, "delete_", 7)) {
		strbuf_addstr(&sb, "deletes");
		list_files(&sb, ph, home, "delete", -1, !strcmp(f, "delete_outside"));
	} else if (!strncmp(f, "dns_", 4)) {
		strbuf_addstr(&sb, "looks up");
		json_array_foreach(json_object_get(ph, "dns"), i, v)
		{
			if (n++ < 3)
				strbuf_addf(&sb, "%s%s", n > 1 ? ", " : " ", s(v, "hostname"));
		}
	} else if (!strncmp(f, "conn_", 5)) {
		strbuf_addstr(&sb, "connects to");
		json_array_foreach(json_object_get(ph, "sockets"), i, v)
		{
			long long port = json_integer_value(json_object_get(v, "port"));
			if (strcmp(s(v, "syscall"), "connect") != 0 || port == 53 ||
			    !*s(v, "address"))
				continue;
			if (!strcmp(f, "conn_raw_ip") &&
			    json_array_size(json_object_get(v, "hostnames")))
				continue;
			if (n++ < 3) {
				const char *h = json_string_value(
					json_array_get(json_object_get(v, "hostnames"), 0));
				strbuf_addf(&sb, "%s%s:%lld", n > 1 ? ", " : " ",
					    h ? h : s(v, "address"), port);
			}
		}
	} else if (!strncmp(f, "sent_", 5) || !strncmp(f, "http_", 5)) {
		json_array_foreach(json_object_get(ph, "sent"), i, v)
		{
			if (n++ >= 2)
				break;
			const json_t *http = json_object_get(v, "http");
			strbuf_addf(&sb, "%ssends %lld bytes to %s:%lld", n > 1 ? "; " : "",
				    (long long)json_integer_value(json_object_get(v, "size")),
				    *s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
				    (long long)json_integer_value(json_object_get(v, "port")));
			if (http)
				strbuf_addf(&sb, " (%s %.60s)", s(http, "method"),
					    s(http, "target"));
			else
				strbuf_addf(&sb, " (%s)", s(v, "kind"));
		}
	} else if (!strncmp(f, "cmd_", 4) || !strcmp(f, "exec_written") ||
		   !strcmp(f, "exec_after_write") || !strcmp(f, "chmod_written")) {
		strbuf_addstr(&sb, !strncmp(f, "exec", 4) || !strcmp(f, "chmod_written")
					   ? "writes and runs"
					   : "runs");
		json_array_foreach(json_object_get(ph, "commands"), i, v)
		{
			const json_t *argv = json_object_get(v, "argv");
			if (n++ >= 3)
				break;
			strbuf_addstr(&sb, n > 1 ? ", '" : " '");
			for (size_t k = 0; k < json_array_size(argv) && k < 6; k++)
				strbuf_addf(&sb, "%s%.80s", k ? " " : "",
					    json_string_value(json_array_get(argv, k)));
			strbuf_addstr(&sb, "'");
		}
	} else if (!strcmp(f, "timeout")) {
		strbuf_addstr(&sb, "keeps running past the deadline (daemon or endless loop)");
	} else if (!strcmp(f, "setsid")) {
		strbuf_addstr(&sb, "detaches a process into its own session");
	} else if (!strcmp(f, "denied")) {
		strbuf_addstr(&sb, "attempts syscalls the sandbox refuses:");
		json_array_foreach(json_object_get(ph, "denied"), i, v)
		{
			if (n++ < 4)
				strbuf_addf(&sb, " %s", s(v, "syscall"));
		}
	} else {
		strbuf_addf(&sb, "%s = %g", f, value);
	}
	strbuf_addf(&sb, " [%s]", phname);
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
