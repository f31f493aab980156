/* What leaves and where it goes.  The search is a light one (plain, hex,
 * base64 at each alignment in either alphabet, URL-encoded; in DNS names
 * also the labels decoded as hex, base32 or base64url): the report's
 * canary hits already come from the full search (report/canary.c); the
 * identity values are searched here, fast enough for every report. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "features/leaks.h"
#include "util/base64.h"
#include "util/xalloc.h"

/* ---- destinations --------------------------------------------------------- */

/* OAST, webhook, paste, tunnel and chat-bot hosts: where a beacon goes. */
static const char *const SERVICES[] = {"oast.fun",
				       "oast.pro",
				       "oast.live",
				       "oast.site",
				       "oast.online",
				       "oast.me",
				       "oastify.com",
				       "burpcollaborator.net",
				       "interact.sh",
				       "pipedream.net",
				       "webhook.site",
				       "requestbin.net",
				       "requestcatcher.com",
				       "ngrok.io",
				       "ngrok-free.app",
				       "ngrok.app",
				       "trycloudflare.com",
				       "serveo.net",
				       "loca.lt",
				       "localtunnel.me",
				       "pastebin.com",
				       "paste.ee",
				       "hastebin.com",
				       "transfer.sh",
				       "discord.com",
				       "discordapp.com",
				       "api.telegram.org",
				       "dnslog.cn",
				       "ceye.io",
				       "canarytokens.com",
				       "beeceptor.com",
				       "hookbin.com",
				       "free.beeceptor.com",
				       "rentry.co",
				       "glitch.me",
				       "workers.dev",
				       "repl.co",
				       "herokuapp.com",
				       NULL};

/* Well-known package and binary hosts: the registries, GitHub's release
 * and archive hosts, nodejs.org, the JS CDNs, Google's and Amazon's
 * storage, SourceForge.  Each host alone (api.github.com is not one);
 * "." first: and the hosts under it (buckets, mirrors). */
static const char *const CDNS[] = {"registry.npmjs.org",
				   "registry.yarnpkg.com",
				   "registry.npmmirror.com",
				   "cdn.npmmirror.com",
				   "github.com",
				   "objects.githubusercontent.com",
				   "release-assets.githubusercontent.com",
				   "raw.githubusercontent.com",
				   "codeload.github.com",
				   "nodejs.org",
				   "unpkg.com",
				   ".jsdelivr.net",
				   "cdnjs.cloudflare.com",
				   ".storage.googleapis.com",
				   ".s3.amazonaws.com",
				   ".sourceforge.net",
				   NULL};

/* Hosts where many unrelated owners live: a package's metadata naming
 * one relates that exact host (and what is under it), not its siblings. */
static const char *const SHARED[] = {
	"github.com",	  "gitlab.com",	       "bitbucket.org",	 "npmjs.com",
	"npmjs.org",	  "github.io",	       "gitlab.io",	 "herokuapp.com",
	"vercel.app",	  "netlify.app",       "pages.dev",	 "workers.dev",
	"glitch.me",	  "repl.co",	       "web.app",	 "firebaseapp.com",
	"appspot.com",	  "azurewebsites.net", "cloudfront.net", "amazonaws.com",
	"googleapis.com", "blogspot.com",      "wordpress.com",	 "medium.com",
	"gitee.com",	  "sourceforge.net",   "npm.io",	 NULL};

static bool host_under(const char *host, const char *suffix)
{
	size_t hl = strlen(host), sl = strlen(suffix);
	return (hl == sl && !strcasecmp(host, suffix)) ||
	       (hl > sl && host[hl - sl - 1] == '.' && !strcasecmp(host + hl - sl, suffix));
}

static bool under_any(const char *host, const char *const *list)
{
	for (; *list; list++)
		if (host_under(host, *list))
			return true;
	return false;
}

static bool cdn_host(const char *host)
{
	for (const char *const *c = CDNS; *c; c++)
		if ((*c)[0] == '.' ? host_under(host, *c + 1) : !strcasecmp(host, *c))
			return true;
	/* S3's regional names: s3.REGION.amazonaws.com, BUCKET.s3.REGION... */
	return host_under(host, "amazonaws.com") &&
	       (!strncasecmp(host, "s3.", 3) || !strncasecmp(host, "s3-", 3) ||
		strstr(host, ".s3.") || strstr(host, ".s3-"));
}

const char *dest_class_name(enum dest_class c)
{
	static const char *const names[] = {"related", "cdn", "service", "raw-ip", "unrelated"};
	return c < DEST__COUNT ? names[c] : "?";
}

bool dest_is_service(const char *host)
{
	return host && under_any(host, SERVICES);
}

bool dest_named_service(const char *host)
{
	static const char *const not_alone[] = {
		"discord.com", "discordapp.com", "api.telegram.org", "herokuapp.com",
		"glitch.me",   "workers.dev",	 "repl.co",	     NULL};
	return dest_is_service(host) && !under_any(host, not_alone);
}

/* Each planted secret and the hosts its issuer serves it at. */
static const struct {
	const char *canary;
	const char *hosts[4]; /* and the hosts under them */
} ISSUERS[] = {
	{"aws_access_key_id", {"amazonaws.com", "amazonaws.com.cn", NULL}},
	{"npm_token", {"registry.npmjs.org", "registry.npmjs.com", NULL}},
	{"github_token", {"api.github.com", "github.com", NULL}},
	{"gh_oauth_token", {"api.github.com", "github.com", NULL}},
	{"gcloud_refresh_token", {"googleapis.com", NULL}},
	{"docker_password", {"docker.io", "docker.com", NULL}},
};

bool canary_to_issuer(const char *canary, const char *host)
{
	if (!canary || !host)
		return false;
	for (size_t i = 0; i < sizeof(ISSUERS) / sizeof(ISSUERS[0]); i++)
		if (!strcmp(canary, ISSUERS[i].canary))
			return under_any(host, ISSUERS[i].hosts);
	return false;
}

static bool is_ip(const char *h)
{
	bool digits = *h != '\0';

	if (strchr(h, ':'))
		return true;
	for (; *h; h++)
		digits &= isdigit((unsigned char)*h) || *h == '.';
	return digits;
}

bool leaks_loopback(const char *h)
{
	if (!strncasecmp(h, "::ffff:", 7))
		h += 7;
	return !strncmp(h, "127.", 4) || !strcmp(h, "::1") || !strcmp(h, "0.0.0.0") ||
	       !strcmp(h, "::") || !strcasecmp(h, "localhost");
}

bool leaks_multicast(const char *h)
{
	unsigned b1;
	char c;

	if (!strncasecmp(h, "::ffff:", 7))
		h += 7;
	if (!strncasecmp(h, "ff", 2) && strchr(h, ':'))
		return true;
	if (!strcmp(h, "255.255.255.255"))
		return true;
	return sscanf(h, "%u%c", &b1, &c) == 2 && c == '.' && b1 >= 224 && b1 <= 239 &&
	       strspn(h, "0123456789.") == strlen(h);
}

/* The argument src/run/harness/index.js gives a parameter named like a
 * path, under the run's home. */
#define HARNESS_ARG_PATH "/projects/app/data.json"

static size_t blank_all(unsigned char *buf, size_t n, const char *what)
{
	size_t k = strlen(what), hits = 0;

	if (!k || k > n)
		return 0;
	for (size_t i = 0; i + k <= n; i++)
		if (buf[i] == (unsigned char)what[0] && !memcmp(buf + i, what, k)) {
			memset(buf + i, '_', k);
			hits++;
			i += k - 1;
		}
	return hits;
}

size_t leaks_blank_harness_args(const char *home, unsigned char *buf, size_t n)
{
	char plain[700], enc[2100];
	size_t e = 0, hits;

	if (!home || !*home || strlen(home) > 600)
		return 0;
	snprintf(plain, sizeof(plain), "%s" HARNESS_ARG_PATH, home);
	hits = blank_all(buf, n, plain);
	for (const char *p = plain; *p && e + 4 < sizeof(enc); p++) {
		if (*p == '/') {
			memcpy(enc + e, "%2F", 3);
			e += 3;
		} else {
			enc[e++] = *p;
		}
	}
	enc[e] = '\0';
	hits += blank_all(buf, n, enc);
	for (char *p = enc; (p = strstr(p, "%2F")); p += 3)
		p[2] = 'f';
	return hits + blank_all(buf, n, enc);
}

/* The registrable part of |host|: its last two labels, three under a
 * country's generic second level (example.co.uk). */
static const char *registrable(const char *host)
{
	static const char *const sld[] = {"co", "com", "net", "org", "gov", "edu",
					  "ac", "or",  "ne",  "go",  NULL};
	const char *dots[3] = {NULL, NULL, NULL};
	size_t nd = 0;

	for (const char *p = host + strlen(host); p > host && nd < 3; p--)
		if (p[-1] == '.')
			dots[nd++] = p - 1;
	if (nd < 2)
		return host;
	/* dots[0] before the TLD, dots[1] before the second level */
	size_t tld = strlen(dots[0] + 1), l2 = (size_t)(dots[0] - dots[1] - 1);
	bool generic = false;
	for (const char *const *s = sld; *s; s++)
		generic |= strlen(*s) == l2 && !strncasecmp(dots[1] + 1, *s, l2);
	if (tld == 2 && generic)
		return nd == 3 ? dots[2] + 1 : host;
	return dots[1] + 1;
}

#define DEST_HOSTS_MAX 256

struct needles;
static struct needles *needles_new(const json_t *report);
static void needles_free(struct needles *nd);

struct dest_ctx {
	/* the suffixes that relate a host: each related host, or its
	 * registrable domain when that is not a shared platform */
	struct rel {
		const char *host;
		bool exact; /* that host alone: a platform (github.com) */
	} meta[DEST_HOSTS_MAX], code[DEST_HOSTS_MAX];
	size_t nmeta, ncode;
	/* the distinctive words of the package's name and scope */
	char names[8][64];
	size_t nnames;
	struct needles *needles; /* the run's identity and environment values */
	const char *home;	 /* the run's home, or NULL */
};

/* A platform itself (github.com): relates that host alone, none under it. */
static bool is_shared(const char *h)
{
	for (const char *const *s = SHARED; *s; s++)
		if (!strcasecmp(h, *s))
			return true;
	return false;
}

static size_t add_hosts(struct rel *out, const json_t *arr)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (arr, i, v) {
		const char *h = json_string_value(v);
		if (!h || !*h || is_ip(h) || n == DEST_HOSTS_MAX)
			continue;
		out[n].exact = is_shared(h);
		out[n++].host = under_any(h, SHARED) ? h : registrable(h);
	}
	return n;
}

/* Words of package names that name no vendor: a host sharing one of them
 * with the package says nothing about who runs it.  Words of three letters
 * or fewer never count. */
static const char *const GENERIC_WORDS[] = {
	"node",	    "nodejs",	"react",     "angular",	  "utils",     "util",	  "helper",
	"helpers",  "core",	"tools",     "tool",	  "plugin",    "plugins", "config",
	"client",   "server",	"http",	     "https",	  "data",      "test",	  "cloud",
	"service",  "services", "telemetry", "analytics", "stats",     "metrics", "static",
	"assets",   "files",	"update",    "updates",	  "download",  "install", "module",
	"modules",  "package",	"packages",  "registry",  "mail",      "email",	  "auth",
	"login",    "secure",	"global",    "types",	  "type",      "webpack", "babel",
	"eslint",   "json",	"parser",    "logger",	  "loader",    "build",	  "deploy",
	"hook",	    "hooks",	"webhook",   "collect",	  "collector", "track",	  "tracker",
	"tracking", "event",	"events",    "report",	  "beacon",    "monitor", "check",
	"common",   "shared",	"internal",  "private",	  "public",    "support", "network",
	"proxy",    "github",	"google",    "amazon",	  "microsoft", "azure",	  "discord",
	"telegram", "wallet",	"crypto",    "token",	  "tokens",    "sdk-js",  "lite",
	"free",	    "online",	"local",     "remote",	  "host",      NULL};

static bool generic_word(const char *w)
{
	for (const char *const *g = GENERIC_WORDS; *g; g++)
		if (!strcasecmp(w, *g))
			return true;
	return false;
}

/* The words of |name| ("@medusajs/telemetry" -> medusajs, telemetry) of
 * four letters or more that are not generic, into dc->names. */
static void add_name_words(struct dest_ctx *dc, const char *name)
{
	for (const char *p = name; *p && dc->nnames < 8;) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (n >= 4 && n < sizeof(dc->names[0])) {
			memcpy(dc->names[dc->nnames], p, n);
			dc->names[dc->nnames][n] = '\0';
			if (!generic_word(dc->names[dc->nnames]))
				dc->nnames++;
		}
		p += n;
		p += strcspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
	}
}

/* Whether |host|'s registrable domain is named after the package: its
 * first label, or a word of it between hyphens, is a distinctive word of
 * the package's name or scope (telemetry.medusa-commerce.com for
 * medusa-telemetry, cdp.expo.dev for @expo/cli).  Vendors name their
 * packages and domains alike; a beacon's host is the attacker's, whose
 * domain a typosquat or a dependency-confusion probe does not own.  Not
 * for hosts under a shared platform, where anyone names a sub-domain. */
static bool name_related(const struct dest_ctx *dc, const char *host)
{
	if (!dc->nnames || under_any(host, SHARED))
		return false;
	const char *reg = registrable(host);
	size_t len = strcspn(reg, ".");
	for (size_t i = 0; i < dc->nnames; i++)
		for (const char *p = reg; p < reg + len;) {
			size_t n = strcspn(p, "-.");
			if (n > len - (size_t)(p - reg))
				n = len - (size_t)(p - reg);
			if (n == strlen(dc->names[i]) && !strncasecmp(p, dc->names[i], n))
				return true;
			p += n;
			if (*p == '-')
				p++;
			else
				break;
		}
	return false;
}

struct dest_ctx *dest_ctx_new(const json_t *report)
{
	const json_t *st = json_object_get(report, "static");
	struct dest_ctx *dc = xcalloc(1, sizeof(*dc));

	dc->nmeta = add_hosts(dc->meta, json_object_get(st, "meta_hosts"));
	dc->ncode = add_hosts(dc->code, json_object_get(st, "url_hosts"));
	dc->needles = needles_new(report);
	dc->home =
		json_string_value(json_object_get(json_object_get(report, "environment"), "home"));
	const char *name =
		json_string_value(json_object_get(json_object_get(report, "package"), "name"));
	if (name)
		add_name_words(dc, name);
	return dc;
}

void dest_ctx_free(struct dest_ctx *dc)
{
	if (dc)
		needles_free(dc->needles);
	free(dc);
}

static bool related(const struct rel *list, size_t n, const char *host)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].exact ? !strcasecmp(host, list[i].host)
				  : host_under(host, list[i].host))
			return true;
	return false;
}

enum dest_class dest_classify(const struct dest_ctx *dc, const char *host, bool code_urls)
{
	if (under_any(host, SERVICES))
		return DEST_SERVICE;
	/* the cloud's instance metadata service, which cloud SDKs ask for the
	 * region and the instance's identity: a well-known service of the
	 * machine's own platform, not a bare address data is sent to */
	if (leaks_cloud_metadata(host))
		return DEST_CDN;
	if (is_ip(host))
		return DEST_RAW_IP;
	if (related(dc->meta, dc->nmeta, host) || name_related(dc, host))
		return DEST_RELATED;
	/* a CDN stays one when the code names it too */
	if (cdn_host(host))
		return DEST_CDN;
	if (code_urls && related(dc->code, dc->ncode, host))
		return DEST_RELATED;
	return DEST_UNRELATED;
}

bool leaks_cloud_metadata(const char *host)
{
	return !strcmp(host, "169.254.169.254") || !strcasecmp(host, "fd00:ec2::254") ||
	       !strcasecmp(host, "metadata.google.internal") ||
	       !strcasecmp(host, "metadata.goog") || !strcmp(host, "169.254.170.2");
}

const char *leaks_event_host(const json_t *e)
{
	const char *h = json_string_value(json_array_get(json_object_get(e, "hostnames"), 0));

	if (h && *h)
		return h;
	if ((h = json_string_value(json_object_get(e, "hostname"))) && *h)
		return h;
	if ((h = json_string_value(json_object_get(json_object_get(e, "tls"), "sni"))) && *h)
		return h;
	/* an HTTP Host with a port ("203.0.113.5:8080"): the address says it */
	if ((h = json_string_value(json_object_get(json_object_get(e, "http"), "host"))) && *h &&
	    !strchr(h, ':'))
		return h;
	h = json_string_value(json_object_get(e, "address"));
	return h ? h : "";
}

void leaks_destinations(const struct dest_ctx *dc, const json_t *ph, float *counts)
{
	static const char *const lists[] = {"sockets", "sent"};
	const char *seen[64];
	size_t nseen = 0, i;
	json_t *e;

	for (size_t l = 0; l < 2; l++)
		json_array_foreach (json_object_get(ph, lists[l]), i, e) {
			const char *fam = json_string_value(json_object_get(e, "family"));
			const char *call = json_string_value(json_object_get(e, "syscall"));
			const char *h = leaks_event_host(e);
			bool dup = false;
			if (l == 0 && (!call || strcmp(call, "connect") != 0 || !fam ||
				       (strcmp(fam, "ipv4") != 0 && strcmp(fam, "ipv6") != 0)))
				continue;
			if (json_integer_value(json_object_get(e, "port")) == 53 || !*h ||
			    leaks_loopback(h) || leaks_multicast(h))
				continue;
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = !strcasecmp(seen[k], h);
			if (dup)
				continue;
			if (nseen < 64)
				seen[nseen++] = h;
			counts[dest_classify(dc, h, true)]++;
		}
}

/* ---- the values searched -------------------------------------------------- */

#define FORMS_MAX 10

/* One value and its encoded forms.  Forms searched in the lowered copy
 * of the data (plain, hex, URL-encoded) are lowered; base64 forms are
 * searched as they are. */
struct needle {
	const char *what;
	char value[512];
	char *lowered[3];
	size_t nlowered;
	char *b64[6];
	size_t nb64;
	bool word; /* plain only, and only between non-alphanumerics */
};

static void lower_in_place(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void needle_init(struct needle *n, const char *what, const char *value)
{
	size_t len;

	memset(n, 0, sizeof(*n));
	n->what = what;
	snprintf(n->value, sizeof(n->value), "%s", value);
	len = strlen(n->value);
	n->lowered[n->nlowered] = xstrdup(n->value);
	lower_in_place(n->lowered[n->nlowered++]);
	if (len < 8) { /* too short to be told apart once encoded */
		n->word = true;
		return;
	}
	char *hex = xmalloc(2 * len + 1), *u = xmalloc(3 * len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		static const char digits[] = "0123456789abcdef";
		unsigned char c = (unsigned char)n->value[i];
		hex[2 * i] = digits[c >> 4];
		hex[2 * i + 1] = digits[c & 15];
		if (isalnum(c) || strchr("-_.~", c)) {
			u[o++] = (char)tolower(c);
		} else {
			u[o++] = '%';
			u[o++] = digits[c >> 4];
			u[o++] = digits[c & 15];
		}
	}
	u[o] = '\0';
	hex[2 * len] = '\0';
	n->lowered[n->nlowered++] = hex;
	if (strcmp(u, n->lowered[0]) != 0)
		n->lowered[n->nlowered++] = u;
	else
		free(u);
	/* base64 of the value at offset 0, 1 or 2 of a group: the characters
	 * that do not depend on the neighbours, in either alphabet */
	unsigned char tmp[520];
	char enc[BASE64_LEN(520) + 1];
	for (size_t shift = 0; shift < 3; shift++) {
		memset(tmp, 0, shift);
		memcpy(tmp + shift, n->value, len);
		size_t total = base64_encode_to(enc, tmp, len + shift);
		size_t skip = shift ? (shift * 4 + 2) / 3 + 1 : 0;
		if (total <= skip + 4 + 6)
			continue;
		enc[total - 4] = '\0';
		char *core = xstrdup(enc + skip), *url = xstrdup(core);
		for (char *p = url; *p; p++)
			if (*p == '+')
				*p = '-';
			else if (*p == '/')
				*p = '_';
		n->b64[n->nb64++] = core;
		if (strcmp(url, core) != 0)
			n->b64[n->nb64++] = url;
		else
			free(url);
	}
}

static void needle_release(struct needle *n)
{
	for (size_t i = 0; i < n->nlowered; i++)
		free(n->lowered[i]);
	for (size_t i = 0; i < n->nb64; i++)
		free(n->b64[i]);
}

static bool word_at(const char *low, size_t len, const char *w)
{
	size_t wl = strlen(w);
	const char *p = low, *end = low + len;

	while (wl && (p = memmem(p, (size_t)(end - p), w, wl))) {
		bool before = p == low || !isalnum((unsigned char)p[-1]);
		bool after = p + wl == end || !isalnum((unsigned char)p[wl]);
		if (before && after)
			return true;
		p++;
	}
	return false;
}

/* The encoding |n| is found under in |raw| (and |low|, its lowered
 * copy), or NULL. */
static const char *needle_find(const struct needle *n, const char *raw, const char *low, size_t len)
{
	static const char *const names[] = {"plain", "hex", "urlencoded"};

	if (!*n->value)
		return NULL;
	if (n->word)
		return word_at(low, len, n->lowered[0]) ? "plain" : NULL;
	for (size_t i = 0; i < n->nlowered && i < 3; i++)
		if (memmem(low, len, n->lowered[i], strlen(n->lowered[i])))
			return names[i];
	for (size_t i = 0; i < n->nb64; i++)
		if (memmem(raw, len, n->b64[i], strlen(n->b64[i])))
			return "base64";
	return NULL;
}

/* Values of the sandbox's environment long and distinctive enough to
 * tell an environment dump (sandbox/identity.c sets them); the user, host
 * and home values are the identity needles. */
static const char *const ENV_VALUES[] = {"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games",
					 "en_US.UTF-8",
					 "xterm-256color",
					 "acme/dashboard",
					 "/home/runner/work/_temp",
					 NULL};

#define NEEDLES_MAX 12

struct needles {
	struct needle v[NEEDLES_MAX];
	size_t n, nidentity;
};

static struct needles *needles_new(const json_t *report)
{
	struct needles *nd = xmalloc(sizeof(*nd));
	const json_t *env = json_object_get(report, "environment");
	const char *home = json_string_value(json_object_get(env, "home"));
	char cwd[600];

	nd->n = 0;
	/* the most specific first: a working directory holds the home */
	if (home && *home) {
		snprintf(cwd, sizeof(cwd), "%s/projects/app", home);
		needle_init(&nd->v[nd->n++], "working directory", cwd);
		needle_init(&nd->v[nd->n++], "home directory", home);
	}
	if (json_string_value(json_object_get(env, "hostname")))
		needle_init(&nd->v[nd->n++], "host name",
			    json_string_value(json_object_get(env, "hostname")));
	if (json_string_value(json_object_get(env, "user")) &&
	    strlen(json_string_value(json_object_get(env, "user"))) >= 3)
		needle_init(&nd->v[nd->n++], "user name",
			    json_string_value(json_object_get(env, "user")));
	nd->nidentity = nd->n;
	for (const char *const *v = ENV_VALUES; *v && nd->n < NEEDLES_MAX; v++)
		needle_init(&nd->v[nd->n++], "environment", *v);
	return nd;
}

static void needles_free(struct needles *nd)
{
	for (size_t i = 0; nd && i < nd->n; i++)
		needle_release(&nd->v[i]);
	free(nd);
}

/* ---- finding them --------------------------------------------------------- */

struct found {
	struct leak *v;
	size_t n, cap;
	unsigned entries; /* captures and names searched so far */
	size_t runs;	  /* captures and names carrying an encoded run */
};

static struct leak *add(struct found *f)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	memset(&f->v[f->n], 0, sizeof(f->v[0]));
	return &f->v[f->n++];
}

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* The script of the first event of |ph| made by process |pid|. */
static const char *script_of(const json_t *ph, long long pid)
{
	static const char *const lists[] = {"sent", "sockets", "dns", "timeline"};
	size_t i;
	json_t *e;

	for (size_t l = 0; l < 4; l++)
		json_array_foreach (json_object_get(ph, lists[l]), i, e)
			if (json_integer_value(json_object_get(e, "pid")) == pid && *s(e, "script"))
				return s(e, "script");
	return "";
}

static const char *canary_source(const json_t *report, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach (json_object_get(report, "canaries"), i, c)
		if (!strcmp(s(c, "name"), name))
			return s(c, "where");
	return "";
}

static void canary_leaks(const json_t *report, const struct dest_ctx *dc, const json_t *ph,
			 struct found *f)
{
	size_t i;
	json_t *h;

	json_array_foreach (json_object_get(ph, "canary_hits"), i, h) {
		const char *where = s(h, "where");
		if (!strcmp(where, "command")) /* on a command line: not sent yet */
			continue;
		/* to this machine: nothing left it */
		if (leaks_loopback(*s(h, "hostname") ? s(h, "hostname") : s(h, "address")) ||
		    leaks_multicast(s(h, "address")))
			continue;
		/* a credential used with its own service */
		if (canary_to_issuer(s(h, "canary"), s(h, "hostname")))
			continue;
		struct leak *l = add(f);
		l->what = s(h, "canary");
		l->source = canary_source(report, l->what);
		l->encoding = *s(h, "encoding") ? s(h, "encoding") : "plain";
		l->dns = !strcmp(where, "dns");
		l->host = *s(h, "hostname") ? s(h, "hostname") : s(h, "address");
		l->port = json_integer_value(json_object_get(h, "port"));
		l->script = *s(h, "script")
				    ? s(h, "script")
				    : script_of(ph, json_integer_value(json_object_get(h, "pid")));
		l->cls = dest_classify(dc, l->host, false);
		l->canary = true;
		l->entry = ++f->entries;
	}
}

/* The identity values found in |raw| (the home only when the working
 * directory is not), and its first environment value. */
static void search(const struct needles *nd, const char *raw, size_t len, struct leak proto,
		   struct found *f)
{
	char *low = xmalloc(len + 1);
	bool home = false, env = false;

	for (size_t i = 0; i < len; i++)
		low[i] = (char)(raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] | 0x20 : raw[i]);
	low[len] = '\0';
	for (size_t k = 0; k < nd->n; k++) {
		bool is_id = k < nd->nidentity;
		bool is_home = !strcmp(nd->v[k].what, "home directory");
		if ((is_home && home) || (!is_id && env))
			continue;
		const char *enc = needle_find(&nd->v[k], raw, low, len);
		if (!enc)
			continue;
		struct leak *l = add(f);
		*l = proto;
		l->what = nd->v[k].what;
		l->encoding = enc;
		l->identity = is_id;
		home |= !strcmp(nd->v[k].what, "working directory") || is_home;
		env |= !is_id;
	}
	free(low);
}

static int hexv(int c)
{
	return isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The labels of |name| left of its last two, joined into |out| (|cap|
 * bytes), lowered or as sent; the length, or 0 when there are fewer than
 * three labels. */
static size_t dns_join(const char *name, bool lower, char *out, size_t cap)
{
	size_t labels = 1, n = 0, keep;
	const char *p;

	for (p = name; *p; p++)
		labels += *p == '.';
	if (labels < 3)
		return 0;
	keep = labels - 2;
	for (p = name; *p && keep; p++) {
		if (*p == '.')
			keep--;
		else if (n + 1 < cap && lower)
			out[n++] = (char)tolower((unsigned char)*p);
		else if (n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = '\0';
	return n;
}

/* |in| decoded as hex from both parities, each NUL-terminated, appended
 * at |out| + |o|; the new length. */
static size_t hex_both(const char *in, size_t n, char *out, size_t o, size_t cap)
{
	for (size_t start = 0; start < 2; start++) {
		int hi = -1;
		for (size_t i = start; i < n && o + 2 < cap; i++) {
			int v = hexv(in[i]);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				out[o++] = (char)(hi << 4 | v);
				hi = -1;
			}
		}
		out[o++] = '\0';
	}
	return o;
}

/* |in| (lowered) decoded as base32, NUL-terminated, appended at |out| +
 * |o|; the new length. */
static size_t base32_lower(const char *in, size_t n, char *out, size_t o, size_t cap)
{
	unsigned long long acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		int c = (unsigned char)in[i];
		int v = c >= 'a' && c <= 'z' ? c - 'a' : c >= '2' && c <= '7' ? c - 24 : -1;
		if (v < 0)
			continue;
		acc = acc << 5 | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			out[o++] = (char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	out[o++] = '\0';
	return o;
}

/* The labels of |name| left of its last two, joined, decoded as hex,
 * base32 and base64url into |out| (each decoding after the other, NUL
 * separated).  Returns the length. */
static size_t dns_decode(const char *name, char *out, size_t cap)
{
	char joined[512], orig[512];
	size_t n = dns_join(name, true, joined, sizeof(joined)), o = 0, m;

	if (n == 0)
		return 0;
	o = hex_both(joined, n, out, o, cap);
	o = base32_lower(joined, n, out, o, cap);
	/* base64url, as the name was sent (resolvers keep the case) */
	m = dns_join(name, false, orig, sizeof(orig));
	if (o < cap) {
		ssize_t d = base64_decode(orig, m - m % 4, (unsigned char *)out + o, cap - o);
		if (d > 0 && (size_t)d <= cap - o)
			o += (size_t)d;
	}
	return o;
}

static bool encoded_run(const char *t);
static bool encoded_label(const char *name);

/* Whether a capture to a host neither a CDN nor related by the metadata
 * carries an encoded run in a request target or in its header block
 * (|buf|, |n| bytes decoded): data hidden in a custom header
 * ("x-session-id: <base64 of a key>").  Every stealer names its drop in
 * its code: the code's hosts do not excuse it. */
/* Headers whose value is an opaque token by design: credentials a
 * client holds for its own service, cache validators, trace ids. */
static bool token_header(const char *line)
{
	static const char *const names[] = {
		"authorization:", "proxy-authorization:",
		"cookie:",	  "if-none-match:",
		"if-match:",	  "etag:",
		"traceparent:",	  "tracestate:",
		"baggage:",	  "sentry-trace:",
		"x-request-id:",  "x-correlation-id:",
		"x-amz-",	  "x-goog-",
		"x-ms-",	  "x-api-key:",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncasecmp(line, names[i], strlen(names[i])))
			return true;
	return false;
}

static bool capture_run(const struct dest_ctx *dc, const json_t *v, const unsigned char *buf,
			size_t n)
{
	enum dest_class c = dest_classify(dc, leaks_event_host(v), false);
	size_t j;
	json_t *rq;
	char head[1540];

	if (c == DEST_RELATED || c == DEST_CDN || !json_object_get(v, "requests"))
		return false;
	json_array_foreach (json_object_get(v, "requests"), j, rq)
		if (encoded_run(s(rq, "target")))
			return true;
	n = n < sizeof(head) - 1 ? n : sizeof(head) - 1;
	memcpy(head, buf, n);
	head[n] = '\0';
	char *end = strstr(head, "\r\n\r\n");
	if (end)
		*end = '\0';
	/* the request line's target is counted from "requests"; then each
	 * header but those that carry opaque tokens by their nature */
	for (char *line = strstr(head, "\r\n"); line; line = strstr(line, "\r\n")) {
		line += 2;
		char *eol = strstr(line, "\r\n");
		if (eol)
			*eol = '\0';
		bool run = !token_header(line) && encoded_run(line);
		if (eol)
			*eol = '\r';
		if (run)
			return true;
	}
	return false;
}

static void sent_leaks(const struct needles *nd, const struct dest_ctx *dc, const json_t *ph,
		       struct found *f)
{
	size_t i, cap = 70000;
	json_t *v;
	unsigned char *buf = xmalloc(cap);

	json_array_foreach (json_object_get(ph, "sent"), i, v) {
		const char *data = s(v, "data_base64");
		ssize_t dn = base64_decode(
			data, json_string_length(json_object_get(v, "data_base64")), buf, cap);
		size_t n = dn < 0 ? 0 : dn > (ssize_t)cap ? cap : (size_t)dn;
		struct leak proto = {.host = leaks_event_host(v),
				     .port = json_integer_value(json_object_get(v, "port")),
				     .script = s(v, "script"),
				     .entry = ++f->entries};
		if (leaks_loopback(proto.host) || leaks_loopback(s(v, "address")) ||
		    leaks_multicast(s(v, "address")))
			continue; /* to this machine: nothing left it */
		proto.cls = dest_classify(dc, proto.host, false);
		leaks_blank_harness_args(dc->home, buf, n);
		if (n)
			search(nd, (const char *)buf, n, proto, f);
		f->runs += capture_run(dc, v, buf, n);
	}
	free(buf);
}

static void dns_leaks(const struct needles *nd, const struct dest_ctx *dc, const json_t *ph,
		      struct found *f)
{
	size_t i;
	json_t *v;
	char dec[1600];

	json_array_foreach (json_object_get(ph, "dns"), i, v) {
		const char *name = s(v, "hostname");
		struct leak proto = {
			.host = name, .script = s(v, "script"), .dns = true, .entry = ++f->entries};
		size_t before = f->n, n;
		if (strstr(name, ".in-addr.arpa") || strstr(name, ".ip6.arpa"))
			continue;
		proto.cls = dest_classify(dc, name, false);
		if (proto.cls != DEST_RELATED && proto.cls != DEST_CDN)
			f->runs += encoded_label(name);
		search(nd, name, strlen(name), proto, f);
		if (f->n == before && (n = dns_decode(name, dec, sizeof(dec))) > 0) {
			search(nd, dec, n, proto, f);
			for (size_t k = before; k < f->n; k++)
				f->v[k].encoding = "dns-encoded";
		}
	}
}

size_t leaks_find(const json_t *report, const struct dest_ctx *dc, const json_t *ph,
		  struct leak **out, size_t *runs)
{
	struct found f = {0};

	canary_leaks(report, dc, ph, &f);
	sent_leaks(dc->needles, dc, ph, &f);
	dns_leaks(dc->needles, dc, ph, &f);
	*out = f.v;
	if (runs)
		*runs = f.runs;
	return f.n;
}

bool leak_is_chain(const struct leak *l)
{
	return (l->canary || l->identity) &&
	       (l->cls == DEST_SERVICE || l->cls == DEST_RAW_IP || l->cls == DEST_UNRELATED);
}

/* A run of 32+ base64 or hex characters with digits and letters. */
static bool encoded_run(const char *t)
{
	size_t run = 0;
	bool digit = false, alpha = false;

	for (const char *p = t;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c && (isalnum(c) || c == '+' || c == '/' || c == '_' || c == '-' || c == '=')) {
			run++;
			digit |= isdigit(c) != 0;
			alpha |= isalpha(c) != 0;
			continue;
		}
		if (run >= 32 && digit && alpha)
			return true;
		run = 0;
		digit = alpha = false;
		if (!c)
			return false;
	}
}

/* A DNS label of 20+ characters: hex, base32 or base64url shaped. */
static bool encoded_label(const char *name)
{
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, ".");
		bool digit = false, alpha = false, other = false;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			digit |= isdigit(c) != 0;
			alpha |= isalpha(c) != 0;
			other |= !isalnum(c) && c != '-' && c != '_';
		}
		if (n >= 20 && digit && alpha && !other)
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}
