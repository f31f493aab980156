/* What the sink answers.  A plausible server keeps malware going to the
 * part that matters (the second stage it runs, the data it sends next):
 * IP-echo and geo-IP services get an address and a country, script URLs a
 * harmless script of the right language, APIs a JSON "ok". */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netsink/netsink.h"

static const char SH_STAGE[] = "#!/bin/sh\nid >/dev/null 2>&1\nexit 0\n";
static const char JS_STAGE[] = "module.exports = function () { return 0; };\n";
static const char PY_STAGE[] = "import platform\nplatform.node()\n";

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
/* command-and-control polling paths: they get a command */
static const char *const C2_PATHS[] = {"/cmd",	  "/task", "/poll", "/command",
				       "/beacon", "/jobs", NULL};
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

size_t netsink_http_reply(const char *method, const char *target, const char *host, const char *geo,
			  char *out, size_t cap)
{
	char path[512];
	const char *ctype = "text/plain", *body = SH_STAGE, *status = "200 OK";
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
		status = "204 No Content";
		body = "";
	} else if (contains(host, "api.telegram.org")) {
		ctype = "application/json";
		body = "{\"ok\":true,\"result\":{\"message_id\":1}}";
	} else if (contains_any(host, IP_ECHO_HOSTS)) {
		body = "203.0.113.77\n";
	} else if (contains_any(host, GEO_HOSTS) || contains(path, "geo")) {
		ctype = "application/json";
		/* ip-api names the country in "country"; ipinfo and most
		 * others give the code there, and the name in country_name. */
		const char *name = country_name(geo);
		snprintf(dyn, sizeof(dyn),
			 "{\"ip\":\"203.0.113.77\",\"country\":\"%s\",\"country_code\":\"%s\","
			 "\"countryCode\":\"%s\",\"country_code2\":\"%s\",\"country_name\":\"%s\","
			 "\"countryName\":\"%s\",\"status\":\"success\"}",
			 contains(host, "ip-api") ? name : geo, geo, geo, geo, name, name);
		body = dyn;
	} else if (contains(host, "registry.npmjs") || contains(host, "registry.yarnpkg")) {
		ctype = "application/json";
		body = registry_reply(method, path, plen, &status);
	} else if (contains(host, "api.github.com")) {
		ctype = "application/json";
		body = "{\"login\":\"octo-dev\",\"id\":1,\"html_url\":\"https://github.com/octo-dev\"}";
	} else if (ends_with_any(path, plen, SCRIPT_SUFFIXES) || !strncmp(path, "/raw/", 5) ||
		   contains_any(host, PASTE_HOSTS)) {
		ctype = "application/javascript";
		body = JS_STAGE;
	} else if (ends_with(path, plen, ".json") ||
		   (method && !strcmp(method, "POST") && contains(path, "/api/"))) {
		ctype = "application/json";
		body = "{\"ok\":true,\"status\":\"success\"}";
	} else if (ends_with(path, plen, ".py")) {
		body = PY_STAGE;
	} else if (contains_any(path, C2_PATHS)) {
		body = "id";
	} else if (ends_with_any(path, plen, FLAG_SUFFIXES)) {
		body = "1";
	} else if (method && strcmp(method, "GET") != 0) {
		ctype = "application/json";
		body = "{\"ok\":true}";
	}
	n = snprintf(out, cap,
		     "HTTP/1.1 %s\r\nServer: nginx\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s",
		     status, ctype, strlen(body), body);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}
