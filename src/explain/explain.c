#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain/explain.h"
#include "features/features.h"
#include "features/leaks.h"
#include "features/own.h"
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

/* The part of |p| (|n| characters) after its last slash. */
static const char *base_name_n(const char *p, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '/')
			return p + i;
	return p;
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

/* ---- numbers and text for people ----------------------------------------- */

/* How wide a command line, a call or a request target may be in the
 * evidence: longer ones are cut with an ellipsis. */
#define CUT_WIDTH 60

void explain_count(char *buf, size_t len, double v)
{
	char digits[64], *out = buf;
	bool integral = fabs(v - round(v)) < 1e-6 || fabs(v) >= 1e15;
	size_t n, end;

	if (!len)
		return;
	if (!isfinite(v)) {
		snprintf(buf, len, "%g", v);
		return;
	}
	snprintf(digits, sizeof(digits), integral ? "%.0f" : "%.1f", fabs(v));
	n = strcspn(digits, ".");
	end = len - 1;
	if (v < 0 && digits[strspn(digits, "0.")] && end)
		*out++ = '-';
	for (size_t i = 0; digits[i] && (size_t)(out - buf) < end; i++) {
		if (i && i < n && (n - i) % 3 == 0 && (size_t)(out - buf) < end)
			*out++ = ',';
		if ((size_t)(out - buf) < end)
			*out++ = digits[i];
	}
	*out = '\0';
}

void explain_bytes(char *buf, size_t len, double bytes)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = bytes;
	size_t u = 0;

	if (bytes < 1024) {
		explain_count(buf, len, bytes);
		snprintf(buf + strlen(buf), len - strlen(buf), " byte%s", bytes == 1 ? "" : "s");
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void explain_probability(char *buf, size_t len, double p)
{
	/* three decimals, or as many as keep it off 0 and 1, up to four */
	if (p > 0 && p < 1 && (p >= 0.9995 || p < 0.0005)) {
		char four[16];
		snprintf(four, sizeof(four), "%.4f", p);
		if (!strcmp(four, "1.0000"))
			snprintf(buf, len, ">0.9999");
		else if (!strcmp(four, "0.0000"))
			snprintf(buf, len, "<0.0001");
		else
			snprintf(buf, len, "%s", four);
		return;
	}
	snprintf(buf, len, "%.3f", p);
}

/* |ms| for people: "350 ms", "2.4 s", "3 min". */
static void duration(char *buf, size_t len, double ms)
{
	if (ms < 1000)
		snprintf(buf, len, "%.0f ms", ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1f s", ms / 1000);
	else
		snprintf(buf, len, "%.0f min", ms / 60000);
}

/* |str| with at most |width| characters (UTF-8 code points): a longer one
 * is cut to |width| - 1 and ends in an ellipsis. */
static void add_cut(struct strbuf *sb, const char *str, size_t width)
{
	size_t chars = 0, i = 0, keep = 0;

	for (; str[i]; i++)
		if (((unsigned char)str[i] & 0xC0) != 0x80 && ++chars == width)
			keep = i; /* where the width-th character starts */
	if (chars <= width) {
		strbuf_addstr(sb, str);
		return;
	}
	strbuf_add(sb, str, keep);
	strbuf_addstr(sb, "\xe2\x80\xa6");
}

/* The value as a placeholder of a sentence names it (features.def). */
static void add_value(struct strbuf *sb, const char *name, size_t n, float value)
{
	char buf[64];

	if (n == 5 && !strncmp(name, "bytes", 5))
		explain_bytes(buf, sizeof(buf), (double)value);
	else if (n == 3 && !strncmp(name, "kib", 3))
		explain_bytes(buf, sizeof(buf), (double)value * 1024);
	else if (n == 2 && !strncmp(name, "ms", 2))
		duration(buf, sizeof(buf), (double)value);
	else if (n == 1 && *name == 'x')
		snprintf(buf, sizeof(buf), "%.1f", (double)value);
	else
		explain_count(buf, sizeof(buf), (double)value);
	strbuf_addstr(sb, buf);
}

/* |n| bytes of text with its {placeholders} filled in for |value|. */
static void render_values(struct strbuf *sb, const char *t, size_t n, float value)
{
	const char *end = t + n;

	while (t < end) {
		const char *close = *t == '{' ? memchr(t, '}', (size_t)(end - t)) : NULL;

		if (close) {
			add_value(sb, t + 1, (size_t)(close - t - 1), value);
			t = close + 1;
		} else {
			strbuf_add(sb, t++, 1);
		}
	}
}

/* |n| bytes of a sentence for |value|: each [one|many] resolved, then the
 * placeholders filled in. */
static void render(struct strbuf *sb, const char *t, size_t n, float value)
{
	const char *end = t + n;

	while (t < end) {
		size_t plain = strcspn(t, "[");
		const char *close, *bar;

		if (plain > (size_t)(end - t))
			plain = (size_t)(end - t);
		render_values(sb, t, plain, value);
		t += plain;
		if (t >= end)
			break;
		close = memchr(t, ']', (size_t)(end - t));
		bar = close ? memchr(t, '|', (size_t)(close - t)) : NULL;
		if (!bar) {
			render_values(sb, t, (size_t)(end - t), value);
			break;
		}
		if (value == 1)
			render_values(sb, t + 1, (size_t)(bar - t - 1), value);
		else
			render_values(sb, bar + 1, (size_t)(close - bar - 1), value);
		t = close + 1;
	}
}

char *explain_sentence(size_t i, float value)
{
	const char *t = features_info(i)->sentence;
	struct strbuf sb;

	strbuf_init(&sb, 0);
	render(&sb, t, strlen(t), value);
	return strbuf_detach(&sb, NULL);
}

/* ", " between the items of a list, nothing before the first. */
static void sep(struct strbuf *sb, size_t n)
{
	if (n)
		strbuf_addstr(sb, ", ");
}

/* " and 5 more" when |total| items were |shown| and more. */
static void more(struct strbuf *sb, size_t total, size_t shown)
{
	char buf[32];

	if (total <= shown)
		return;
	explain_count(buf, sizeof(buf), (double)(total - shown));
	strbuf_addf(sb, " and %s more", buf);
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

/* Appends the phase's files with |flag| in path class |cls| (-1: any) to
 * the list of |*n| so far (three are named; |*n| counts them all). */
static void list_files(struct strbuf *sb, const json_t *ph, const char *home, const char *flag,
		       int cls, bool outside_only, size_t *n)
{
	size_t i;
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
		if (*n < 3) {
			sep(sb, *n);
			add_path(sb, p, home);
		}
		(*n)++;
	}
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
/* Each appends a list of what the report shows, without a lead: the caller
 * puts it after the sentence. */

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
			sep(sb, n++);
			strbuf_addstr(sb, base_name(item));
		}
	}
}

/* The harness call behind an item, as " (execute: Wallet.fromSecret())". */
static void by_call(struct strbuf *sb, const json_t *ph, const json_t *item)
{
	const char *call = s(item, "call");

	if (*call) {
		strbuf_addf(sb, " (%s: ", s(ph, "name"));
		add_cut(sb, call, CUT_WIDTH);
		strbuf_addstr(sb, ")");
	}
}

static void canaries(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "canary_hits"), i, v) {
		if (n < 3) {
			if (n)
				strbuf_addstr(sb, "; ");
			if (!strcmp(s(v, "where"), "dns")) {
				strbuf_addf(sb, "%s in the DNS name ", s(v, "canary"));
				add_cut(sb, s(v, "hostname"), CUT_WIDTH);
			} else if (!strcmp(s(v, "where"), "command")) {
				strbuf_addf(sb, "%s on the command line '", s(v, "canary"));
				add_cut(sb, s(v, "command"), CUT_WIDTH);
				strbuf_addstr(sb, "'");
			} else {
				strbuf_addf(
					sb, "%s (%s) to %s:%lld", s(v, "canary"), s(v, "encoding"),
					*s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
					(long long)json_integer_value(json_object_get(v, "port")));
			}
			by_call(sb, ph, v);
		}
		n++;
	}
	more(sb, n, 3);
}

static void read_then_net(struct strbuf *sb, const json_t *ph, const char *home)
{
	size_t n = 0;

	list_files(sb, ph, home, "read", PATH_CRED, false, &n);
	if (!n)
		list_files(sb, ph, home, "read", PATH_ENVFILE, false, &n);
	more(sb, n, 3);
	strbuf_addstr(sb, n ? ", then " : "then ");
	first_dest(sb, ph);
}

/* The phase's DNS names that count in |row| ("dns_txt": asked for TXT). */
static void lookups(struct strbuf *sb, const json_t *ph, const char *row)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "dns"), i, v) {
		if (!features_lookup_counts(row, v))
			continue;
		if (n < 3) {
			sep(sb, n);
			add_cut(sb, s(v, "hostname"), CUT_WIDTH);
		}
		n++;
	}
	more(sb, n, 3);
}

/* Which connects a list names. */
enum conn_kind { CONN_ANY, CONN_RAW_IP, CONN_ODD_PORT, CONN_UNIX };

/* Whether |v| is a connect (or an addressed send) of |kind|: Unix sockets
 * by path, the rest over IP (DNS, netlink and the like aside). */
static bool conn_is(const json_t *v, enum conn_kind kind)
{
	const char *call = s(v, "syscall"), *fam = s(v, "family");
	long long port = json_integer_value(json_object_get(v, "port"));

	if (strcmp(call, "connect") != 0 && strncmp(call, "send", 4) != 0)
		return false;
	if (kind == CONN_UNIX)
		/* glibc's own name service cache is not the package's doing */
		return !strcmp(fam, "unix") && *s(v, "path") &&
		       strcmp(s(v, "path"), "/var/run/nscd/socket") != 0 &&
		       strcmp(s(v, "path"), "/run/nscd/socket") != 0;
	if ((*fam && strcmp(fam, "ipv4") != 0 && strcmp(fam, "ipv6") != 0) || port == 53 ||
	    !*s(v, "address"))
		return false;
	if (kind == CONN_RAW_IP)
		return json_array_size(json_object_get(v, "hostnames")) == 0;
	if (kind == CONN_ODD_PORT)
		return port != 80 && port != 443;
	return true;
}

static void connects(struct strbuf *sb, const json_t *ph, enum conn_kind kind)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "sockets"), i, v) {
		if (!conn_is(v, kind))
			continue;
		if (n < 3) {
			const char *h = json_string_value(
				json_array_get(json_object_get(v, "hostnames"), 0));
			const char *a = s(v, "address"), *err = s(v, "result");

			sep(sb, n);
			if (kind == CONN_UNIX)
				add_cut(sb, s(v, "path"), CUT_WIDTH);
			else
				strbuf_addf(
					sb, "%s:%lld", h ? h : a,
					(long long)json_integer_value(json_object_get(v, "port")));
			if (kind != CONN_UNIX && (!strncmp(a, "127.", 4) || !strcmp(a, "::1")))
				strbuf_addstr(sb, " (this machine)");
			if (*err && strcmp(err, "EINPROGRESS") != 0)
				strbuf_addf(sb, " (fails: %s)", err);
			by_call(sb, ph, v);
		}
		n++;
	}
	more(sb, n, 3);
}

/* What the sink saw of a capture that is not HTTP, in words. */
static const char *kind_words(const char *kind)
{
	static const struct {
		const char *kind, *words;
	} kinds[] = {
		{"tls", "TLS, not decrypted"},
		{"tls-raw", "TLS, not HTTP"},
		{"tls-empty", "TLS, nothing sent"},
		{"raw", "not HTTP"},
		{"udp", "UDP"},
		{"icmp-echo", "ICMP echo"},
		{"empty", "nothing sent"},
		{"http2", "HTTP/2"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].kind))
			return kinds[i].words;
	return kind;
}

static void sends(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;
	char size[32];

	json_array_foreach (json_object_get(ph, "sent"), i, v) {
		if (n++ >= 2)
			continue;
		const json_t *http = json_object_get(v, "http");
		if (n > 1)
			strbuf_addstr(sb, "; ");
		explain_bytes(size, sizeof(size),
			      (double)json_integer_value(json_object_get(v, "size")));
		strbuf_addf(sb, "%s to %s:%lld", size,
			    *s(v, "hostname") ? s(v, "hostname") : s(v, "address"),
			    (long long)json_integer_value(json_object_get(v, "port")));
		if (http) {
			strbuf_addf(sb, " (%s ", s(http, "method"));
			add_cut(sb, s(http, "target"), CUT_WIDTH);
			strbuf_addstr(sb, ")");
		} else if (*s(v, "kind")) {
			strbuf_addf(sb, " (%s)", kind_words(s(v, "kind")));
		}
		by_call(sb, ph, v);
	}
	more(sb, n, 2);
}

/* A command as it was run, its words joined and cut at CUT_WIDTH. */
static void add_command(struct strbuf *sb, const json_t *argv)
{
	struct strbuf line;

	strbuf_init(&line, 0);
	for (size_t k = 0; k < json_array_size(argv); k++)
		strbuf_addf(&line, "%s%s", k ? " " : "",
			    json_string_value(json_array_get(argv, k)) ?: "");
	strbuf_addstr(sb, "'");
	add_cut(sb, line.buf ? line.buf : "", CUT_WIDTH);
	strbuf_addstr(sb, "'");
	strbuf_release(&line);
}

/* The phase's commands that count in |row| ("cmd_net": the network
 * tools). */
static void commands(struct strbuf *sb, const json_t *ph, const char *row)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "commands"), i, v) {
		if (!features_command_counts(row, v))
			continue;
		if (n < 3) {
			sep(sb, n);
			add_command(sb, json_object_get(v, "argv"));
			by_call(sb, ph, v);
		}
		n++;
	}
	more(sb, n, 3);
}

static void denied(struct strbuf *sb, const json_t *ph)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "denied"), i, v) {
		if (n < 4) {
			sep(sb, n);
			strbuf_addstr(sb, s(v, "syscall"));
		}
		n++;
	}
	more(sb, n, 4);
}

/* ---- what leaves and where it goes --------------------------------------- */

/* The file a step runs ("postinstall.js" of "node postinstall.js"), or
 * the step's script name; "" when unknown. */
static const char *step_file(const json_t *ph, const char *script, char *buf, size_t len)
{
	size_t i;
	json_t *st;

	snprintf(buf, len, "%s", script);
	json_array_foreach (json_object_get(ph, "steps"), i, st) {
		const char *cmd = s(st, "command"), *p = cmd, *best = NULL;
		size_t bl = 0;
		if (strcmp(s(st, "script"), script) != 0)
			continue;
		while (*p) {
			size_t n = strcspn(p, " \t;&|");
			static const char *const exts[] = {".js", ".mjs", ".cjs",
							   ".sh", ".py",  NULL};
			for (const char *const *e = exts; *e; e++)
				if (n > strlen(*e) && !strncmp(p + n - strlen(*e), *e, strlen(*e)))
					best = p, bl = n;
			p += n;
			p += strspn(p, " \t;&|");
		}
		if (best) {
			const char *b = base_name_n(best, bl);
			snprintf(buf, len, "%.*s", (int)(bl - (size_t)(b - best)), b);
		}
		break;
	}
	return buf;
}

/* The last three labels of a DNS name: where its data goes. */
static const char *dns_zone(const char *name)
{
	size_t dots = 0;

	for (const char *p = name + strlen(name); p > name; p--)
		if (p[-1] == '.' && ++dots == 3)
			return p;
	return name;
}

static void where_to(struct strbuf *sb, const struct leak *l)
{
	if (l->dns)
		strbuf_addf(sb, "in DNS names under %s", dns_zone(l->host));
	else if (l->port > 0)
		strbuf_addf(sb, "to %s:%lld", l->host, l->port);
	else
		strbuf_addf(sb, "to %s", l->host);
	if (l->cls == DEST_SERVICE)
		strbuf_addstr(sb, " (an OAST, webhook or paste service)");
	else if (l->cls == DEST_RAW_IP && !l->dns)
		strbuf_addstr(sb, " (a bare IP address)");
}

/* Whether the phase read the file a canary lives in: its first path. */
static bool read_source(const json_t *ph, const char *source, const char *home, char *path,
			size_t len)
{
	size_t n = strcspn(source, ","), i;
	json_t *v;

	if (n >= 2 && source[0] == '~' && source[1] == '/')
		snprintf(path, len, "%s%.*s", home, (int)n - 1, source + 1);
	else
		snprintf(path, len, "%.*s", (int)n, source);
	json_array_foreach (json_object_get(ph, "files"), i, v) {
		size_t j;
		json_t *f;
		if (strcmp(s(v, "path"), path) != 0)
			continue;
		json_array_foreach (json_object_get(v, "flags"), j, f)
			if (!strcmp(json_string_value(f) ?: "", "read"))
				return true;
	}
	return false;
}

/* One chain: "reads ~/.npmrc, then sends its npm_token (base64) to
 * x.oast.fun:443 [install, postinstall.js]". */
static void chain_sentence(struct strbuf *sb, const json_t *report, const json_t *ph,
			   const struct leak *l, const struct leak *all, size_t n)
{
	const char *home = s(json_object_get(report, "environment"), "home");
	char path[1024], file[256];

	if (l->canary && read_source(ph, l->source, home, path, sizeof(path))) {
		strbuf_addstr(sb, "reads ");
		add_path(sb, path, home);
		strbuf_addf(sb, ", then sends its %s (%s) ", l->what, l->encoding);
	} else if (l->canary) {
		strbuf_addf(sb, "sends %s (%s) ", l->what, l->encoding);
	} else {
		/* every identity value that went the same way */
		size_t k = 0;
		strbuf_addstr(sb, "sends the ");
		for (size_t i = 0; i < n; i++) {
			bool dup = false;
			if (!all[i].identity || all[i].entry != l->entry)
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = all[j].identity && all[j].entry == l->entry &&
				      !strcmp(all[j].what, all[i].what);
			if (!dup)
				strbuf_addf(sb, "%s%s", k++ ? ", " : "", all[i].what);
		}
		strbuf_addf(sb, " (%s) ", l->encoding);
	}
	where_to(sb, l);
	strbuf_addf(sb, " [%s", s(ph, "name"));
	if (*l->script && strcmp(step_file(ph, l->script, file, sizeof(file)), s(ph, "name")) != 0)
		strbuf_addf(sb, ", %s", file);
	strbuf_addstr(sb, "]");
}

/* The phase's first chain, canaries before identity; false when none. */
static bool phase_chain(struct strbuf *sb, const json_t *report, const json_t *ph,
			const struct dest_ctx *dc)
{
	struct leak *l;
	size_t n = leaks_find(report, dc, ph, &l, NULL);
	const struct leak *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (leak_is_chain(&l[i]) && (!best || (l[i].canary && !best->canary)))
			best = &l[i];
	if (best)
		chain_sentence(sb, report, ph, best, l, n);
	free(l);
	return best != NULL;
}

static void chain(struct strbuf *sb, const json_t *report, const json_t *ph)
{
	struct dest_ctx *dc = dest_ctx_new(report);

	phase_chain(sb, report, ph, dc);
	dest_ctx_free(dc);
}

/* The identity or environment values the phase sent, and where. */
static void leaks_list(struct strbuf *sb, const json_t *report, const json_t *ph, bool identity)
{
	struct dest_ctx *dc = dest_ctx_new(report);
	struct leak *l;
	size_t n = leaks_find(report, dc, ph, &l, NULL), k = 0;

	/* "host name, user name (plain) to 1.2.3.4:80": the values that went
	 * the same way and in the same encoding, together */
	for (size_t i = 0; i < n; i++) {
		bool done = false;
		size_t m = 0;

		if (l[i].canary || l[i].identity != identity)
			continue;
		for (size_t j = 0; j < i && !done; j++)
			done = !l[j].canary && l[j].identity == identity &&
			       !strcmp(l[j].encoding, l[i].encoding) &&
			       !strcmp(l[j].host, l[i].host) && l[j].port == l[i].port &&
			       l[j].dns == l[i].dns;
		if (done || k++ >= 3)
			continue;
		if (k > 1)
			strbuf_addstr(sb, "; ");
		for (size_t j = i; j < n; j++) {
			bool dup = false;
			if (l[j].canary || l[j].identity != identity ||
			    strcmp(l[j].encoding, l[i].encoding) != 0 ||
			    strcmp(l[j].host, l[i].host) != 0 || l[j].port != l[i].port ||
			    l[j].dns != l[i].dns)
				continue;
			for (size_t q = i; q < j && !dup; q++)
				dup = !l[q].canary && l[q].identity == identity &&
				      !strcmp(l[q].encoding, l[i].encoding) &&
				      !strcmp(l[q].host, l[i].host) && l[q].port == l[i].port &&
				      l[q].dns == l[i].dns && !strcmp(l[q].what, l[j].what);
			if (!dup)
				strbuf_addf(sb, "%s%s", m++ ? ", " : "", l[j].what);
		}
		strbuf_addf(sb, " (%s) ", l[i].encoding);
		where_to(sb, &l[i]);
	}
	free(l);
	dest_ctx_free(dc);
}

/* The phase's destinations of class |cls|. */
static void dests(struct strbuf *sb, const json_t *report, const json_t *ph, enum dest_class cls)
{
	static const char *const lists[] = {"sockets", "sent"};
	struct dest_ctx *dc = dest_ctx_new(report);
	const char *seen[8];
	size_t n = 0, i;
	json_t *e;

	for (size_t l = 0; l < 2; l++)
		json_array_foreach (json_object_get(ph, lists[l]), i, e) {
			const char *h = leaks_event_host(e);
			bool dup = false;
			if ((l == 0 && strcmp(s(e, "syscall"), "connect") != 0) || !*h ||
			    json_integer_value(json_object_get(e, "port")) == 53 ||
			    !strcmp(s(e, "family"), "unix") || dest_classify(dc, h, true) != cls)
				continue;
			for (size_t k = 0; k < n && !dup; k++)
				dup = !strcmp(seen[k], h);
			if (dup || n == 8)
				continue;
			seen[n] = h;
			sep(sb, n++);
			strbuf_addstr(sb, h);
		}
	dest_ctx_free(dc);
}

/* "a dependency (esbuild) runs its postinstall 'node install.js', which
 * contacts registry.npmjs.org" */
static void dep_net(struct strbuf *sb, const json_t *report)
{
	size_t i, j, n = 0;
	json_t *ph, *d, *h;

	json_array_foreach (json_object_get(report, "phases"), i, ph) {
		json_t *deps = own_dep_network(report, ph);
		json_array_foreach (deps, j, d) {
			size_t k;
			if (n++ >= 3)
				break;
			strbuf_addf(sb, "%sa dependency (%s) runs its %s '", n > 1 ? "; " : "",
				    s(d, "package"), s(d, "script"));
			add_cut(sb, s(d, "command"), CUT_WIDTH);
			strbuf_addstr(sb, "', which contacts");
			json_array_foreach (json_object_get(d, "hosts"), k, h)
				if (k < 3)
					strbuf_addf(sb, "%s%s", k ? ", " : " ",
						    json_string_value(h));
		}
		json_decref(deps);
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
		sep(sb, n);
		add_cut(sb, s(v, "what"), CUT_WIDTH);
		strbuf_addstr(sb, " in ");
		add_cut(sb, s(v, "file"), CUT_WIDTH);
		if (line > 0)
			strbuf_addf(sb, ":%lld", line);
		n++;
	}
	if (n && value > (float)n)
		more(sb, (size_t)value, n);
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
	/* the classes read_kinds counts */
	{FEATURE_EV_READS_SECRETS, "read", PATH_CRED, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_BROWSER, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_WALLET, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_DISCORD, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_ENVFILE, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_SYSTEM, false},
	{FEATURE_EV_READS_SECRETS, "read", PATH_HISTORY, false},
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
	/* the row's name without its block: "cmd_net" of "any.cmd_net" */
	const char *row = strchr(feature, '.') ? strchr(feature, '.') + 1 : feature;

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
		commands(sb, ph, row);
		break;
	case FEATURE_EV_CANARIES:
		canaries(sb, ph);
		break;
	case FEATURE_EV_READ_THEN_NET:
		read_then_net(sb, ph, home);
		break;
	case FEATURE_EV_LOOKUPS:
		lookups(sb, ph, row);
		break;
	case FEATURE_EV_CONNECTS:
		connects(sb, ph, CONN_ANY);
		break;
	case FEATURE_EV_CONNECTS_RAW_IP:
		connects(sb, ph, CONN_RAW_IP);
		break;
	case FEATURE_EV_CONNECTS_ODD_PORT:
		connects(sb, ph, CONN_ODD_PORT);
		break;
	case FEATURE_EV_CONNECTS_UNIX:
		connects(sb, ph, CONN_UNIX);
		break;
	case FEATURE_EV_SENDS:
		sends(sb, ph);
		break;
	case FEATURE_EV_DENIED:
		denied(sb, ph);
		break;
	case FEATURE_EV_DEP_NET:
		dep_net(sb, report);
		break;
	case FEATURE_EV_LEAKS_IDENTITY:
	case FEATURE_EV_LEAKS_ENV:
		leaks_list(sb, report, ph, kind == FEATURE_EV_LEAKS_IDENTITY);
		break;
	case FEATURE_EV_DESTS_RELATED:
	case FEATURE_EV_DESTS_CDN:
	case FEATURE_EV_DESTS_SERVICE:
	case FEATURE_EV_DESTS_RAW_IP:
	case FEATURE_EV_DESTS_UNRELATED:
		dests(sb, report, ph,
		      (enum dest_class)(DEST_RELATED + (kind - FEATURE_EV_DESTS_RELATED)));
		break;
	case FEATURE_EV_CHAIN:
		chain(sb, report, ph);
		break;
	case FEATURE_EV_STATIC_CAP: {
		/* "static.cap_wallet_hook": the kind "wallet_hook" */
		const char *cap = strstr(feature, "cap_");
		static_caps(sb, report, cap ? cap + 4 : "", value);
		break;
	}
	default: {
		size_t n = 0;
		for (size_t k = 0; k < sizeof(file_lists) / sizeof(file_lists[0]); k++)
			if (file_lists[k].kind == kind)
				list_files(sb, ph, home, file_lists[k].flag, file_lists[k].cls,
					   file_lists[k].outside, &n);
		more(sb, n, 3);
		break;
	}
	}
}

char *explain_feature(const json_t *report, const char *feature, float value)
{
	struct strbuf sb, ev;
	int i = features_index(feature);
	const struct feature_info *fi = i < 0 ? NULL : features_info((size_t)i);
	char phname[32] = "";
	bool own_phase_named = false;

	strbuf_init(&sb, 2048);
	if (!fi) {
		strbuf_addf(&sb, "%s = %g", feature, (double)value);
		return strbuf_detach(&sb, NULL);
	}
	render(&sb, fi->sentence, strlen(fi->sentence), value);
	strbuf_init(&ev, 2048);
	if (fi->scope == FEATURE_PHASE) {
		/* "install.cmd_total": the phase is the part before the dot; for
		 * "any.cmd_total", the phase where the row is largest */
		const char *where = features_phase_of(report, feature);
		if (where)
			snprintf(phname, sizeof(phname), "%s", where);
		else
			snprintf(phname, sizeof(phname), "%.*s", (int)strcspn(feature, "."),
				 feature);
		const json_t *raw = phase(report, phname);
		json_t *own = raw ? own_phase(report, raw) : NULL;
		add_evidence(&ev, report, own, fi->evidence, feature, value);
		json_decref(own);
		/* a chain names its phase and step itself */
		own_phase_named = fi->evidence == FEATURE_EV_CHAIN && ev.len;
	} else {
		add_evidence(&ev, report, NULL, fi->evidence, feature, value);
	}
	if (ev.len)
		strbuf_addf(&sb, ": %s", ev.buf);
	strbuf_release(&ev);
	if (fi->scope == FEATURE_PHASE && !own_phase_named)
		strbuf_addf(&sb, " [%s]", phname);
	else if (fi->scope == FEATURE_STATIC)
		strbuf_addstr(&sb, " [static]");
	return strbuf_detach(&sb, NULL);
}

/* ---- the verdict's first line ------------------------------------------- */

static const char *const phase_order[] = {"install", "prepare", "import",
					  "execute", "browser", NULL};

/* Why a destination is harmless, or what it is. */
static const char *dest_words(const struct dest_ctx *dc, const char *host)
{
	switch (dest_classify(dc, host, true)) {
	case DEST_RELATED:
		return dest_classify(dc, host, false) == DEST_RELATED
			       ? "related to the package's homepage or repository"
			       : "a host the package's own code names";
	case DEST_CDN:
		return "a well-known package or binary host";
	case DEST_SERVICE:
		return "an OAST, webhook or paste service";
	case DEST_RAW_IP:
		return "a bare IP address";
	default:
		return "unrelated to the package";
	}
}

/* Whether the phase wrote a file and ran or made it executable. */
static bool wrote_binary(const json_t *ph)
{
	size_t i, j;
	json_t *v, *f;

	json_array_foreach (json_object_get(ph, "files"), i, v) {
		bool w = false, x = false;
		json_array_foreach (json_object_get(v, "flags"), j, f) {
			const char *fl = json_string_value(f) ?: "";
			w |= !strcmp(fl, "write") || !strcmp(fl, "create");
			x |= !strcmp(fl, "exec") || !strcmp(fl, "chmod");
		}
		if (w && x)
			return true;
	}
	return false;
}

/* The first destination of the target's own code over the phases, with
 * what it did there; false when it contacted nobody. */
static bool benign_activity(struct strbuf *sb, const json_t *report, const struct dest_ctx *dc,
			    bool *sent_identity)
{
	bool done = false;

	for (const char *const *name = phase_order; *name && !done; name++) {
		const json_t *raw = phase(report, *name);
		json_t *ph = raw ? own_phase(report, raw) : NULL;
		const json_t *e = json_array_get(json_object_get(ph, "sent"), 0);
		struct leak *l;
		size_t n = ph ? leaks_find(report, dc, ph, &l, NULL) : 0;

		for (size_t i = 0; i < n; i++)
			*sent_identity |= l[i].identity || l[i].canary;
		if (n)
			free(l);
		if (!e) {
			size_t i;
			json_t *v;
			json_array_foreach (json_object_get(ph, "sockets"), i, v)
				if (!e && !strcmp(s(v, "syscall"), "connect") &&
				    json_integer_value(json_object_get(v, "port")) != 53 &&
				    (!strcmp(s(v, "family"), "ipv4") ||
				     !strcmp(s(v, "family"), "ipv6")))
					e = v;
		}
		if (e && *leaks_event_host(e)) {
			const char *h = leaks_event_host(e);
			const json_t *rq = json_array_get(json_object_get(e, "requests"), 0);
			strbuf_addf(sb, "%s %s, %s",
				    wrote_binary(ph)		      ? "downloads a binary from"
				    : !strcmp(s(rq, "method"), "GET") ? "downloads from"
								      : "contacts",
				    h, dest_words(dc, h));
			done = true;
		}
		json_decref(ph);
	}
	return done;
}

char *explain_summary(const json_t *report, bool malicious)
{
	struct strbuf sb;
	struct dest_ctx *dc = dest_ctx_new(report);
	bool said = false, identity = false;

	strbuf_init(&sb, 2048);
	if (malicious) {
		for (const char *const *name = phase_order; *name && !said; name++) {
			const json_t *raw = phase(report, *name);
			json_t *ph = raw ? own_phase(report, raw) : NULL;
			said = ph && phase_chain(&sb, report, ph, dc);
			json_decref(ph);
		}
	} else {
		struct strbuf deps;
		said = benign_activity(&sb, report, dc, &identity);
		if (said)
			strbuf_addstr(&sb, identity ? "; it sends identifying data"
						    : "; nothing identifying sent");
		strbuf_init(&deps, 1024);
		dep_net(&deps, report);
		if (deps.len) {
			strbuf_addf(&sb, "%s%s (not the package's own code)", said ? "; " : "",
				    deps.buf);
			said = true;
		}
		strbuf_release(&deps);
	}
	dest_ctx_free(dc);
	if (!said) {
		strbuf_release(&sb);
		return NULL;
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
	json_t *v =
		json_pack("{s:s, s:f, s:f, s:o}", "label", malicious ? "malicious" : "benign",
			  "probability", (double)prob, "threshold", threshold, "explanations", ex);
	char row[96];
	const struct features_rule *rule = features_rule_hit(x, row, sizeof(row));
	if (rule) {
		char *text = explain_feature(report, row, x[features_index(row)]);
		json_object_set_new(v, "rule",
				    json_pack("{s:s, s:s, s:s}", "feature", row, "why", rule->why,
					      "text", text));
		free(text);
	}
	char *summary = explain_summary(report, malicious);
	if (summary)
		json_object_set_new(v, "summary", json_string(summary));
	free(summary);
	return v;
}
