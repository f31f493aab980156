/* What the sink answers.  A plausible server keeps malware going to the
 * part that matters (the second stage it runs, the data it sends next):
 * IP-echo and geo-IP services get an address and a country, script URLs a
 * harmless script of the right language, APIs a JSON "ok", and anything
 * else neutral content shaped like what was asked for (by extension,
 * Accept and client): a page, "{}", an empty archive, a program that exits
 * 0.  Nothing it serves runs a command. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netsink/netsink.h"

/* Neutral bodies, shaped like what was asked for: they do nothing when
 * run (a downloader that runs what it fetched runs "exit 0"), and invent no
 * behaviour the report would then blame on the package. */
static const char SH_STAGE[] = "#!/bin/sh\nexit 0\n";
static const char JS_STAGE[] = "module.exports = function () { return 0; };\n";
static const char PY_STAGE[] = "import sys\n";
static const char HTML_PAGE[] =
	"<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
	"<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully "
	"installed and working.</p>\n</body>\n</html>\n";
/* An empty tar archive (two zero blocks), gzipped. */
static const unsigned char TGZ_EMPTY[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0x63, 0x60, 0x18, 0x05, 0xa3,
	0x60, 0x14, 0x8c, 0x54, 0x00, 0x00, 0x2e, 0xaf, 0xb5, 0xef, 0x00, 0x04, 0x00, 0x00};
/* An empty zip archive: the end-of-central-directory record alone. */
static const unsigned char ZIP_EMPTY[22] = {0x50, 0x4b, 0x05, 0x06};
/* An x86-64 ELF executable that exits 0: what a binary download runs. */
static const unsigned char ELF_EXIT0[] = {
	0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x40, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x31, 0xff, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05};

static const char *country_name(const char *code)
{
	static const char *const names[][2] = {
		{"RU", "Russia"},	 {"BY", "Belarus"},	   {"UA", "Ukraine"},
		{"US", "United States"}, {"GB", "United Kingdom"}, {"DE", "Germany"},
		{"FR", "France"},	 {"CN", "China"},	   {"IR", "Iran"},
		{"IL", "Israel"},	 {"IN", "India"},	   {"KP", "North Korea"},
		{"JP", "Japan"},	 {"BR", "Brazil"},	   {"CA", "Canada"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(code, names[i][0]))
			return names[i][1];
	return code;
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t l = strlen(suffix);
	return len >= l && !strncasecmp(s + len - l, suffix, l);
}

static bool contains_any(const char *hay, const char *const *needles)
{
	for (; *needles; needles++)
		if (contains(hay, *needles))
			return true;
	return false;
}

static bool ends_with_any(const char *s, size_t len, const char *const *suffixes)
{
	for (; *suffixes; suffixes++)
		if (ends_with(s, len, *suffixes))
			return true;
	return false;
}

/* Hosts that echo the caller's address, and geolocation services. */
static const char *const IP_ECHO_HOSTS[] = {"ipify",   "icanhazip", "ifconfig.", "ipecho",
					    "checkip", "ident.me",  "my-ip",	 NULL};
static const char *const GEO_HOSTS[] = {"ipapi",     "ip-api", "ipinfo", "geoip", "geolocation",
					"geoplugin", "ipwho",  "geojs",	 NULL};
static const char *const SCRIPT_SUFFIXES[] = {".js", ".mjs", ".cjs", NULL};
static const char *const PASTE_HOSTS[] = {"gist", "paste", NULL};
static const char *const SH_SUFFIXES[] = {".sh", ".bash", NULL};
static const char *const TGZ_SUFFIXES[] = {".tar.gz", ".tgz", ".gz", NULL};
static const char *const BIN_SUFFIXES[] = {".bin",  ".elf", ".run", ".appimage",
					   ".node", ".so",  NULL};
static const char *const HTML_SUFFIXES[] = {".html", ".htm", ".php", ".asp", ".aspx", "/", NULL};
/* Clients that fetch a file to run or unpack it (User-Agent prefixes). */
static const char *const DOWNLOADERS[] = {
	"curl/", "wget/", "python-requests/", "python-urllib/", "aria2/", "powershell", NULL};
/* kill switches and feature flags: "on" */
static const char *const FLAG_SUFFIXES[] = {"/kill", "/status",	 "/switch", "/ks",
					    "/flag", "/enabled", NULL};

/* A registry: the token is good (worms go on to publish, and the sink sees
 * it), searches are empty, and packages and tarballs are not found, as for
 * a name the registry lacks. */
static const char *registry_reply(const char *method, const char *path, size_t plen,
				  const char **status)
{
	if (ends_with(path, plen, "/-/whoami"))
		return "{\"username\":\"npm-user\"}";
	if (contains(path, "/-/v1/search"))
		return "{\"objects\":[],\"total\":0}";
	if (method && (!strcmp(method, "PUT") || !strcmp(method, "POST")))
		return "{\"ok\":true}";
	*status = "404 Not Found";
	return "{\"error\":\"Not found\"}";
}

static bool starts_with_any(const char *s, const char *const *prefixes)
{
	for (; s && *prefixes; prefixes++)
		if (!strncasecmp(s, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

struct body {
	const char *ctype, *status;
	const void *data;
	size_t len;
};

static void set_text(struct body *b, const char *ctype, const char *text)
{
	b->ctype = ctype;
	b->data = text;
	b->len = strlen(text);
}

#define SET_BIN(b, ct, arr)                                                                        \
	do {                                                                                       \
		(b)->ctype = (ct);                                                                 \
		(b)->data = (arr);                                                                 \
		(b)->len = sizeof(arr);                                                            \
	} while (0)

/* A GET no service above claimed: what its path's extension, its Accept
 * header or its client says it wants. */
static void default_body(const char *path, size_t plen, const char *accept, const char *ua,
			 struct body *b)
{
	if (ends_with_any(path, plen, SH_SUFFIXES))
		set_text(b, "text/x-sh", SH_STAGE);
	else if (ends_with_any(path, plen, TGZ_SUFFIXES))
		SET_BIN(b, "application/gzip", TGZ_EMPTY);
	else if (ends_with(path, plen, ".zip"))
		SET_BIN(b, "application/zip", ZIP_EMPTY);
	else if (ends_with_any(path, plen, BIN_SUFFIXES) || contains(accept, "octet-stream"))
		SET_BIN(b, "application/octet-stream", ELF_EXIT0);
	else if (ends_with(path, plen, ".txt"))
		set_text(b, "text/plain", "\n");
	else if (contains(accept, "json"))
		set_text(b, "application/json", "{}");
	else if (ends_with_any(path, plen, HTML_SUFFIXES) || contains(accept, "html") ||
		 (ua && !strncmp(ua, "Mozilla/", 8)))
		set_text(b, "text/html", HTML_PAGE);
	else if (starts_with_any(ua, DOWNLOADERS))
		/* a tool fetching a file with no extension, to run it */
		set_text(b, "application/octet-stream", SH_STAGE);
	else
		set_text(b, "text/plain", "");
}

size_t netsink_http_reply(const char *method, const char *target, const char *host,
			  const char *accept, const char *ua, const char *geo, char *out,
			  size_t cap)
{
	char path[512];
	struct body b = {.status = "200 OK"};
	char dyn[512];
	size_t plen;
	int n;

	snprintf(path, sizeof(path), "%s", target ? target : "/");
	if (!strncasecmp(path, "http://", 7) || !strncasecmp(path, "https://", 8)) {
		/* absolute-form (proxy style): keep the path part */
		char *p = strchr(path + 8, '/');
		memmove(path, p ? p : "/", strlen(p ? p : "/") + 1);
	}
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	plen = strlen(path);
	if (!geo || !*geo)
		geo = "US";

	if (contains(host, "discord") && contains(path, "/webhooks/")) {
		b.status = "204 No Content";
		set_text(&b, "text/plain", "");
	} else if (contains(host, "api.telegram.org")) {
		set_text(&b, "application/json", "{\"ok\":true,\"result\":{\"message_id\":1}}");
	} else if (contains_any(host, IP_ECHO_HOSTS)) {
		set_text(&b, "text/plain", "203.0.113.77\n");
	} else if (contains_any(host, GEO_HOSTS) || contains(path, "geo")) {
		/* ip-api names the country in "country"; ipinfo and most
		 * others give the code there, and the name in country_name. */
		const char *name = country_name(geo);
		snprintf(dyn, sizeof(dyn),
			 "{\"ip\":\"203.0.113.77\",\"country\":\"%s\",\"country_code\":\"%s\","
			 "\"countryCode\":\"%s\",\"country_code2\":\"%s\",\"country_name\":\"%s\","
			 "\"countryName\":\"%s\",\"status\":\"success\"}",
			 contains(host, "ip-api") ? name : geo, geo, geo, geo, name, name);
		set_text(&b, "application/json", dyn);
	} else if (contains(host, "registry.npmjs") || contains(host, "registry.yarnpkg")) {
		set_text(&b, "application/json", registry_reply(method, path, plen, &b.status));
	} else if (contains(host, "api.github.com")) {
		set_text(
			&b, "application/json",
			"{\"login\":\"octo-dev\",\"id\":1,\"html_url\":\"https://github.com/octo-dev\"}");
	} else if (ends_with_any(path, plen, SCRIPT_SUFFIXES) || !strncmp(path, "/raw/", 5) ||
		   contains_any(host, PASTE_HOSTS)) {
		set_text(&b, "application/javascript", JS_STAGE);
	} else if (ends_with(path, plen, ".json") ||
		   (method && !strcmp(method, "POST") && contains(path, "/api/"))) {
		set_text(&b, "application/json", "{\"ok\":true,\"status\":\"success\"}");
	} else if (ends_with(path, plen, ".py")) {
		set_text(&b, "text/x-python", PY_STAGE);
	} else if (ends_with_any(path, plen, FLAG_SUFFIXES)) {
		set_text(&b, "text/plain", "1");
	} else if (method && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		set_text(&b, "application/json", "{\"ok\":true}");
	} else {
		default_body(path, plen, accept, ua, &b);
	}
	n = snprintf(out, cap,
		     "HTTP/1.1 %s\r\nServer: nginx\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n",
		     b.status, b.ctype, b.len);
	if (n < 0 || (size_t)n >= cap)
		return n < 0 ? 0 : cap - 1;
	size_t room = cap - 1 - (size_t)n, k = b.len < room ? b.len : room;
	memcpy(out + n, b.data, k);
	out[(size_t)n + k] = '\0';
	return (size_t)n + k;
}
