#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fetch/pkgjson.h"
#include "fetch/unpack.h"
#include "static/static.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

#define MAX_FILES 3000
#define MAX_FILE_BYTES (2u << 20)
#define MAX_TOTAL_BYTES (32u << 20)

struct acc {
	unsigned files, js_files;
	unsigned long long js_bytes;
	unsigned max_line;
	unsigned eval, function_ctor, hex_idents, fromcharcode, atob_b64, child_process, env_refs;
	unsigned long_b64, long_hex, hex_escapes, minified_lines;
	double max_entropy;
	json_t *hosts, *ips, *webhooks;
	unsigned long long budget;
	size_t dirlen;
	char **code; /* code files to read after the walk, relative paths */
	size_t ncode, code_alloc;
	struct static_caps *caps;
};

static struct acc *cur;

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;
	size_t l = strlen(needle);
	for (const char *p = text; (p = strstr(p, needle)); p += l)
		n++;
	return n;
}

static double entropy(const char *s, size_t n)
{
	int c[256] = {0};
	double h = 0;
	for (size_t i = 0; i < n; i++)
		c[(unsigned char)s[i]]++;
	for (int k = 0; k < 256; k++)
		if (c[k]) {
			double p = (double)c[k] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

/* Long runs of base64 or hex characters, and the entropy of the longest. */
static void runs(struct acc *a, const char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i, hex = 0;
		while (j < len && (isalnum((unsigned char)t[j]) || t[j] == '+' || t[j] == '/' ||
				   t[j] == '=' || t[j] == '_' || t[j] == '-')) {
			hex += isxdigit((unsigned char)t[j]) != 0;
			j++;
		}
		size_t n = j - i;
		if (n >= 100 && hex == n)
			a->long_hex++;
		else if (n >= 200)
			a->long_b64++;
		if (n >= 64) {
			double e = entropy(t + i, n);
			if (e > a->max_entropy)
				a->max_entropy = e;
		}
		i = j + 1;
	}
}

/* Chat platforms that carry a beacon only through a webhook or a bot
 * whose credential is written in the URL; anything else on them (an
 * invite, the API a bot library wraps) is what chat integrations name. */
static const struct {
	const char *host; /* and the hosts under it */
	const char *path; /* extended regular expression on the path */
} webhook_urls[] = {
	{"discord.com", "^/api/(v[0-9]+/)?webhooks/[0-9]{15,}/[A-Za-z0-9_-]{20,}"},
	{"discordapp.com", "^/api/(v[0-9]+/)?webhooks/[0-9]{15,}/[A-Za-z0-9_-]{20,}"},
	{"api.telegram.org", "^/bot[0-9]{6,}:[A-Za-z0-9_-]{20,}"},
	{"hooks.slack.com", "^/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"},
};

static bool host_is(const char *host, const char *name)
{
	size_t hl = strlen(host), nl = strlen(name);
	return (hl == nl && !strcasecmp(host, name)) ||
	       (hl > nl && host[hl - nl - 1] == '.' && !strcasecmp(host + hl - nl, name));
}

/* Whether |host| is a chat platform of webhook_urls; |*hook| whether
 * |path| (up to a quote or blank) is a webhook or bot URL with its
 * credential on it. */
static bool chat_host(const char *host, const char *path, bool *hook)
{
	char buf[256];
	size_t n = strcspn(path, "'\"` \n)\\,;?#");

	*hook = false;
	snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), path);
	for (size_t i = 0; i < sizeof(webhook_urls) / sizeof(webhook_urls[0]); i++) {
		regex_t re;
		if (!host_is(host, webhook_urls[i].host))
			continue;
		if (regcomp(&re, webhook_urls[i].path, REG_EXTENDED | REG_NOSUB) == 0) {
			*hook = regexec(&re, buf, 0, NULL, 0) == 0;
			regfree(&re);
		}
		return true;
	}
	return false;
}

static void urls_and_ips(struct acc *a, const char *t)
{
	for (const char *p = t; (p = strstr(p, "://"));) {
		const char *h = p + 3;
		size_t n = strcspn(h, "/:'\"` \n)?#\\,;");
		if (n > 0 && n < 128 && (p - t >= 4) &&
		    (!strncmp(p - 4, "http", 4) || !strncmp(p - 2, "ws", 2) ||
		     (p - t >= 5 && !strncmp(p - 5, "https", 5)))) {
			char host[128];
			snprintf(host, sizeof(host), "%.*s", (int)n, h);
			bool ip = strspn(host, "0123456789.") == strlen(host) &&
				  count(host, ".") == 3;
			json_t *set = ip ? a->ips : a->hosts;
			bool hook;
			if (json_object_size(set) < 32)
				json_object_set_new(set, host, json_true());
			if (!ip && chat_host(host, h + n, &hook) && hook &&
			    json_object_size(a->webhooks) < 32)
				json_object_set_new(a->webhooks, host, json_true());
		}
		p = h;
	}
	/* bare dotted quads outside URLs */
	for (const char *p = t; *p; p++) {
		unsigned b[4];
		int used = 0;
		if ((p == t || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)*p) &&
		    sscanf(p, "%3u.%3u.%3u.%3u%n", &b[0], &b[1], &b[2], &b[3], &used) == 4 &&
		    b[0] < 256 && b[1] < 256 && b[2] < 256 && b[3] < 256 && b[0] != 0 &&
		    !isdigit((unsigned char)p[used]) && p[used] != '.') {
			char ip[32];
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
			if (strcmp(ip, "127.0.0.1") != 0 && json_object_size(a->ips) < 32)
				json_object_set_new(a->ips, ip, json_true());
			p += used - 1;
		}
	}
}

static void scan_text(struct acc *a, const char *t, size_t len)
{
	unsigned line = 0;
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\n') {
			if (line > a->max_line)
				a->max_line = line;
			a->minified_lines += line > 1000;
			line = 0;
		} else {
			line++;
		}
	}
	if (line > a->max_line)
		a->max_line = line;
	a->eval += count(t, "eval(");
	a->function_ctor +=
		count(t, "new Function(") + count(t, "Function(\"") + count(t, "Function('");
	a->fromcharcode += count(t, "fromCharCode");
	a->atob_b64 += count(t, "atob(") + count(t, "'base64')") + count(t, "\"base64\")");
	a->child_process += count(t, "child_process");
	a->env_refs += count(t, "process.env");
	a->hex_escapes += count(t, "\\x");
	for (const char *p = t; (p = strstr(p, "_0x")); p += 3)
		if (isxdigit((unsigned char)p[3]) && isxdigit((unsigned char)p[4]) &&
		    isxdigit((unsigned char)p[5]) && isxdigit((unsigned char)p[6]))
			a->hex_idents++;
	runs(a, t, len);
	urls_and_ips(a, t);
}

static bool has_ext(const char *path, const char *const *exts, size_t n)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(dot, exts[i]))
			return true;
	return false;
}

/* An executable to run (not a native addon): by its name, or an ELF or PE
 * header. */
static bool executable(const char *path, const struct stat *st)
{
	static const char *const exts[] = {".exe", ".dll", ".bat", ".cmd", ".ps1",
					   ".vbs", ".scr", ".msi", ".com"};
	unsigned char magic[4] = {0};
	FILE *f;

	if (has_ext(path, exts, sizeof(exts) / sizeof(exts[0])))
		return true;
	if (st->st_size < 64 || has_ext(path, (const char *const[]){".node"}, 1))
		return false;
	f = fopen(path, "rbe");
	if (!f)
		return false;
	size_t n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	return n == 4 && (!memcmp(magic,
				  "\x7f"
				  "ELF",
				  4) ||
			  !memcmp(magic, "MZ", 2));
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	static const char *const code_exts[] = {".js", ".cjs", ".mjs", ".ts", ".sh", ".py"};
	struct acc *a = cur;
	(void)ftw;

	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (strstr(path + a->dirlen, "/node_modules/"))
		return 0; /* bundled dependencies are not the package's own code */
	if (++a->files > MAX_FILES)
		return 1;
	const char *rel = path + a->dirlen + (path[a->dirlen] == '/');
	if (executable(path, st))
		static_caps_exe(a->caps, rel);
	bool js = has_ext(path, code_exts, sizeof(code_exts) / sizeof(code_exts[0]));
	if (!js || (size_t)st->st_size > MAX_FILE_BYTES ||
	    (unsigned long long)st->st_size > a->budget)
		return 0;
	a->budget -= (unsigned long long)st->st_size;
	xgrow(&a->code, &a->code_alloc, a->ncode + 1, sizeof(*a->code));
	a->code[a->ncode++] = xstrdup(rel);
	return 0;
}

/* The code files the walk kept, after it: every shipped executable is
 * known by then, for the code that names one. */
static void read_code(struct acc *a, const char *dir)
{
	static const char *const js_exts[] = {".js", ".cjs", ".mjs", ".ts"};

	for (size_t i = 0; i < a->ncode; i++) {
		char *path = xasprintf("%s/%s", dir, a->code[i]);
		size_t len;
		char *text = fs_read_file(path, MAX_FILE_BYTES, &len);
		free(path);
		if (text) {
			a->js_files++;
			a->js_bytes += len;
			scan_text(a, text, len);
			if (has_ext(a->code[i], js_exts, sizeof(js_exts) / sizeof(js_exts[0])))
				static_caps_file(a->caps, a->code[i], text, len);
			free(text);
		}
		free(a->code[i]);
	}
	free(a->code);
}

static json_t *script_facts(const struct pkgjson *pj)
{
	static const char *const events[] = {"preinstall", "install", "postinstall"};
	static const struct {
		const char *key, *needle;
	} marks[] = {{"curl", "curl "},	      {"wget", "wget "},	{"node_e", "node -e"},
		     {"base64", "base64"},    {"url", "://"},		{"pipe_sh", "| sh"},
		     {"pipe_bash", "| bash"}, {"devnull", "/dev/null"}, {"background", "&"},
		     {"subshell", "$("},      {"python", "python"},	{"nslookup", "nslookup"},
		     {"ping", "ping "},	      {"whoami", "whoami"},	{"hostname", "hostname"}};
	json_t *o = json_object(), *m = json_object();
	unsigned n = 0;

	for (size_t i = 0; i < 3; i++) {
		const char *s = pkgjson_script(pj, events[i]);
		if (!s)
			continue;
		n++;
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (strstr(s, marks[k].needle))
				json_object_set_new(m, marks[k].key, json_true());
	}
	json_object_set_new(o, "count", json_integer(n));
	json_object_set_new(o, "binding_gyp", json_boolean(pj->has_binding_gyp));
	json_object_set_new(o, "marks", m);
	return o;
}

/* The host of a URL-ish string from package.json: "https://h/x",
 * "git+ssh://git@h/x.git", "github:u/r", "u/r". */
static void add_meta_host(json_t *set, const char *url)
{
	struct remote_spec r;
	char host[256] = "";
	const char *p = url ? strstr(url, "://") : NULL;

	if (!url)
		return;
	if (p) {
		p += 3;
		const char *at = memchr(p, '@', strcspn(p, "/?#"));
		if (at)
			p = at + 1;
		size_t n = strcspn(p, ":/?#");
		snprintf(host, sizeof(host), "%.*s", (int)n, p);
	} else if (static_remote_spec(url, &r)) {
		snprintf(host, sizeof(host), "%s", r.host);
	}
	for (char *h = host; *h; h++)
		*h = (char)tolower((unsigned char)*h);
	if (*host && json_object_size(set) < 16)
		json_object_set_new(set, host, json_true());
}

/* Hosts of package.json's homepage, repository and bugs (strings, or
 * objects with a "url"), each once, in that order. */
static json_t *meta_hosts(const char *dir)
{
	static const char *const keys[] = {"homepage", "repository", "bugs"};
	char *path = xasprintf("%s/package.json", dir);
	size_t len;
	char *text = fs_read_file(path, PKGJSON_MAX_BYTES, &len);
	json_t *pj = text ? json_loadb(text, len, 0, NULL) : NULL, *set = json_object();
	json_t *out = json_array();
	const char *k;
	json_t *v;

	free(path);
	free(text);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *f = json_object_get(pj, keys[i]);
		add_meta_host(set, json_is_object(f) ? json_string_value(json_object_get(f, "url"))
						     : json_string_value(f));
	}
	json_object_foreach (set, k, v)
		json_array_append_new(out, json_string(k));
	json_decref(set);
	json_decref(pj);
	return out;
}

json_t *static_scan(const char *dir)
{
	struct acc a = {.hosts = json_object(),
			.ips = json_object(),
			.webhooks = json_object(),
			.budget = MAX_TOTAL_BYTES,
			.dirlen = strlen(dir)};
	struct pkgjson pj;
	char err[256];
	json_t *o = json_object(), *hosts = json_array(), *ips = json_array();
	json_t *webhooks = json_array();
	const char *k;
	json_t *v;

	a.caps = static_caps_new();
	cur = &a;
	nftw(dir, visit, 32, FTW_PHYS);
	cur = NULL;
	read_code(&a, dir);
	json_object_foreach (a.hosts, k, v)
		json_array_append_new(hosts, json_string(k));
	json_object_foreach (a.ips, k, v)
		json_array_append_new(ips, json_string(k));
	json_object_foreach (a.webhooks, k, v)
		json_array_append_new(webhooks, json_string(k));
	json_decref(a.hosts);
	json_decref(a.ips);
	json_decref(a.webhooks);
	bool have_pj = pkgjson_load(dir, &pj, err, sizeof(err)) == 0;
	if (have_pj) {
		static const char *const events[] = {"preinstall", "install", "postinstall"};
		json_object_set_new(o, "install_scripts", script_facts(&pj));
		for (size_t i = 0; i < 3; i++)
			if (pkgjson_script(&pj, events[i]))
				static_caps_script(a.caps, events[i],
						   pkgjson_script(&pj, events[i]));
	}
	json_object_set_new(o, "remote_deps", static_remote_deps(dir, have_pj ? &pj : NULL));
	pkgjson_release(&pj);
	json_object_set_new(o, "files", json_integer(a.files));
	json_object_set_new(o, "code_files", json_integer(a.js_files));
	json_object_set_new(o, "code_bytes", json_integer((json_int_t)a.js_bytes));
	json_object_set_new(o, "max_line", json_integer(a.max_line));
	json_object_set_new(o, "long_lines", json_integer(a.minified_lines));
	json_object_set_new(o, "eval", json_integer(a.eval));
	json_object_set_new(o, "function_ctor", json_integer(a.function_ctor));
	json_object_set_new(o, "hex_identifiers", json_integer(a.hex_idents));
	json_object_set_new(o, "fromcharcode", json_integer(a.fromcharcode));
	json_object_set_new(o, "base64_decode", json_integer(a.atob_b64));
	json_object_set_new(o, "child_process", json_integer(a.child_process));
	json_object_set_new(o, "env_refs", json_integer(a.env_refs));
	json_object_set_new(o, "hex_escapes", json_integer(a.hex_escapes));
	json_object_set_new(o, "long_base64", json_integer(a.long_b64));
	json_object_set_new(o, "long_hex", json_integer(a.long_hex));
	json_object_set_new(o, "max_entropy", json_real(a.max_entropy));
	json_object_set_new(o, "url_hosts", hosts);
	json_object_set_new(o, "ips", ips);
	json_object_set_new(o, "webhooks", webhooks);
	json_object_set_new(o, "meta_hosts", meta_hosts(dir));
	return static_caps_finish(a.caps, o);
}

json_t *static_scan_path(const char *path, char *err, size_t errlen)
{
	struct pkgjson pj = {0}; /* released on every path, loaded or not */
	struct stat st;
	json_t *o = NULL;
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (stat(path, &st) < 0) {
		errbuf_set(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		if (pkgjson_load(path, &pj, err, errlen) == 0)
			o = static_scan(path);
		pkgjson_release(&pj);
		return o;
	}
	dir = xasprintf("%s/snare-static-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		errbuf_set(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (unpack_tarball(path, dir, NULL, err, errlen) == 0 &&
	    pkgjson_load(dir, &pj, err, errlen) == 0)
		o = static_scan(dir);
	pkgjson_release(&pj);
	fs_rm_rf(dir);
	free(dir);
	return o;
}
