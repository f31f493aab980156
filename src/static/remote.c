/* Remote dependencies: URL, git and hosted-git (GitHub shorthand) specs in
 * the package's dependencies and in a lockfile it ships.  npm fetches
 * them from wherever they point at install time, which is how a payload
 * can stay off the registry (PhantomRaven, 2025).  Reads files only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/pkgjson.h"
#include "static/static.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

#define MAX_ENTRIES 200
#define MAX_LOCK_DEPTH 8
#define LOCKFILE_MAX (32u << 20)

static const struct {
	const char *prefix, *host;
} hosted[] = {{"github:", "github.com"},
	      {"gitlab:", "gitlab.com"},
	      {"bitbucket:", "bitbucket.org"},
	      {"gist:", "gist.github.com"}};

static const char *const registries[] = {"registry.npmjs.org", "registry.npmjs.com",
					 "registry.yarnpkg.com"};

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool name_char(char c)
{
	return c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') ||
	       (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "user/repo" or "user/repo#ref": GitHub, as npm reads it. */
static bool github_shorthand(const char *spec)
{
	size_t end = strcspn(spec, "#"), slashes = 0, i;

	if (end == 0 || spec[0] == '.' || spec[0] == '/' || spec[end - 1] == '/')
		return false;
	for (i = 0; i < end; i++) {
		if (spec[i] == '/')
			slashes++;
		else if (!name_char(spec[i]))
			return false;
	}
	return slashes == 1;
}

/* The host of "scheme://[user@]host[:port]/..." or "user@host:path". */
static void host_of(const char *rest, char *host, size_t hostlen)
{
	size_t n = strcspn(rest, "/?#");
	const char *at = memchr(rest, '@', n);

	if (at) {
		n -= (size_t)(at + 1 - rest);
		rest = at + 1;
	}
	if (rest[0] == '[') {
		const char *close = memchr(rest, ']', n);
		n = close ? (size_t)(close - rest - 1) : 0;
		rest++;
	} else {
		n = strcspn(rest, ":/?#");
	}
	snprintf(host, hostlen, "%.*s", (int)n, rest);
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

int static_remote_spec(const char *spec, struct remote_spec *out)
{
	const char *sep = strstr(spec, "://");

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(hosted) / sizeof(hosted[0]); i++)
		if (starts(spec, hosted[i].prefix)) {
			out->kind = "git";
			snprintf(out->host, sizeof(out->host), "%s", hosted[i].host);
			snprintf(out->scheme, sizeof(out->scheme), "https");
			return 1;
		}
	if (sep) {
		if (starts(spec, "git+file:") || starts(spec, "file:"))
			return 0;
		if (starts(spec, "http://") || starts(spec, "https://")) {
			out->kind = "url";
		} else if (starts(spec, "git:") || starts(spec, "git+") || starts(spec, "ssh:")) {
			out->kind = "git";
		} else {
			return 0;
		}
		const char *scheme = starts(spec, "git+") ? spec + 4 : spec;
		snprintf(out->scheme, sizeof(out->scheme), "%.*s", (int)(sep - scheme), scheme);
		host_of(sep + 3, out->host, sizeof(out->host));
	} else if (github_shorthand(spec)) {
		out->kind = "git";
		snprintf(out->host, sizeof(out->host), "github.com");
		snprintf(out->scheme, sizeof(out->scheme), "https");
		return 1;
	} else if (strchr(spec, '@') && strchr(spec, ':') &&
		   strchr(spec, '@') < strchr(spec, ':') && !starts(spec, "npm:") &&
		   !strchr(spec, ' ')) {
		/* scp-like "git@host:user/repo" */
		out->kind = "git";
		snprintf(out->scheme, sizeof(out->scheme), "ssh");
		host_of(spec, out->host, sizeof(out->host));
	} else {
		return 0;
	}
	unsigned char buf[16];
	out->raw_ip =
		inet_pton(AF_INET, out->host, buf) == 1 || inet_pton(AF_INET6, out->host, buf) == 1;
	for (size_t i = 0; i < sizeof(registries) / sizeof(registries[0]); i++)
		out->registry |= strcmp(out->host, registries[i]) == 0;
	return 1;
}

char *static_remote_tarball(const char *spec, char *host, size_t hostlen)
{
	struct remote_spec r;

	if (!static_remote_spec(spec, &r))
		return NULL;
	if (!strcmp(r.kind, "url")) {
		snprintf(host, hostlen, "%s", r.host);
		return xstrdup(spec);
	}
	if (strcmp(r.host, "github.com") != 0)
		return NULL;
	/* the "user/repo" part and the ref after '#' */
	const char *p = strstr(spec, "github.com");
	p = p ? p + 10 : spec;
	if (!strncmp(p, "github:", 7))
		p += 7;
	p += strspn(p, "/:");
	size_t n = strcspn(p, "#");
	const char *ref = p[n] == '#' ? p + n + 1 : "HEAD";
	if (n > 4 && !strncmp(p + n - 4, ".git", 4))
		n -= 4;
	if (!strncmp(ref, "semver:", 7))
		return NULL; /* a range: npm would have to list the tags with git */
	snprintf(host, hostlen, "codeload.github.com");
	return xasprintf("https://codeload.github.com/%.*s/tar.gz/%s", (int)n, p, ref);
}

static void add_entry(json_t *arr, const char *name, const char *spec, const char *source)
{
	struct remote_spec r;

	if (json_array_size(arr) >= MAX_ENTRIES || !static_remote_spec(spec, &r) || r.registry)
		return;
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "name", name,
					     "spec", spec, "kind", r.kind, "host", r.host, "scheme",
					     r.scheme, "raw_ip", r.raw_ip, "source", source));
}

/* lockfileVersion 1: "dependencies" nested by name. */
// NOLINTNEXTLINE(misc-no-recursion): nested dependencies, depth bounded by MAX_LOCK_DEPTH
static void lock_v1(json_t *arr, const json_t *deps, const char *source, int depth)
{
	const char *name;
	json_t *d;

	if (depth > MAX_LOCK_DEPTH)
		return;
	json_object_foreach ((json_t *)deps, name, d) {
		const char *v = json_string_value(json_object_get(d, "version"));
		const char *r = json_string_value(json_object_get(d, "resolved"));
		if (v)
			add_entry(arr, name, v, source);
		if (r && (!v || strcmp(r, v) != 0))
			add_entry(arr, name, r, source);
		lock_v1(arr, json_object_get(d, "dependencies"), source, depth + 1);
	}
}

/* lockfileVersion 2 and 3: "packages" keyed by path. */
static void lock_packages(json_t *arr, const json_t *pkgs, const char *source)
{
	const char *key;
	json_t *p;

	json_object_foreach ((json_t *)pkgs, key, p) {
		const char *nm = strstr(key, "node_modules/"), *last = nm;
		while (nm && (nm = strstr(nm + 1, "node_modules/")))
			last = nm;
		const char *name = last ? last + 13 : key;
		const char *r = json_string_value(json_object_get(p, "resolved"));
		if (*key && r)
			add_entry(arr, name, r, source);
	}
}

static void lockfile(json_t *arr, const char *dir, const char *file)
{
	char path[4200];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	char *text = fs_read_file(path, LOCKFILE_MAX, &len);
	json_t *j = text ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	if (!json_is_object(j)) {
		json_decref(j);
		return;
	}
	const json_t *pkgs = json_object_get(j, "packages");
	if (json_is_object(pkgs))
		lock_packages(arr, pkgs, file);
	else if (json_is_object(json_object_get(j, "dependencies")))
		lock_v1(arr, json_object_get(j, "dependencies"), file, 0);
	json_decref(j);
}

json_t *static_remote_deps(const char *dir, const struct pkgjson *pj)
{
	json_t *arr = json_array();

	for (size_t i = 0; pj && i < pj->ndeps; i++)
		add_entry(arr, pj->deps[i].key, pj->deps[i].value,
			  i < pj->ndeps_required ? "dependencies" : "optionalDependencies");
	lockfile(arr, dir, "npm-shrinkwrap.json");
	lockfile(arr, dir, "package-lock.json");
	return arr;
}
