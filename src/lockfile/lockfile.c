/* Lockfile loading and what the readers share: entries, classification of
 * specs, error lines, key line numbers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch/pkgjson.h"
#include "fetch/registry.h"
#include "lockfile/internal.h"
#include "lockfile/lockfile.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Largest lockfile read (big monorepos have lockfiles of tens of MiB). */
#define LOCKFILE_MAX_BYTES (512u << 20)

const char *lock_source_name(enum lock_source s)
{
	static const char *const names[] = {"registry", "git",	   "file",	 "link",
					    "url",	"bundled", "no version", "invalid name"};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *lock_source_reason(enum lock_source s)
{
	static const char *const why[] = {
		"registry package",
		"git dependency",
		"local dependency",
		"linked directory",
		"remote tarball",
		"bundled in its parent's tarball",
		"no exact version in the lockfile",
		"invalid package name",
	};

	return (size_t)s < sizeof(why) / sizeof(why[0]) ? why[s] : "?";
}

void lf_add(struct lf_build *b, const char *name, const char *version, const char *integrity,
	    const char *resolved, enum lock_source source, unsigned line)
{
	struct lockfile *lf = b->lf;
	struct lock_entry *e;
	char *key;

	if (!name || pkgjson_name_problem(name)) {
		if (!resolved)
			resolved = name;
		source = LOCK_INVALID;
	} else if (source == LOCK_REGISTRY && !pkgspec_version_valid(version)) {
		if (version && !resolved)
			resolved = version;
		source = LOCK_NO_VERSION;
		version = NULL;
	}
	key = xasprintf("%s@%s#%d", name ? name : "", version ? version : "", (int)source);
	if (json_object_get(b->seen, key)) {
		free(key);
		return;
	}
	/* Lockfile bytes need not be UTF-8, which json_object_set_new() would
	 * refuse; these keys are never written out. */
	json_object_set_new_nocheck(b->seen, key, json_true());
	free(key);
	xgrow(&lf->entries, &b->alloc, lf->n + 1, sizeof(*lf->entries));
	e = &lf->entries[lf->n++];
	e->name = xstrdup(name ? name : "");
	e->version = version ? xstrdup(version) : NULL;
	e->integrity = integrity && integrity[0] ? xstrdup(integrity) : NULL;
	e->resolved = resolved && resolved[0] ? xstrdup(resolved) : NULL;
	e->source = source;
	e->line = line;
	e->install_script = false;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

enum lock_source lf_classify(const char *spec)
{
	static const char *const git[] = {
		"git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:", "ssh:"};

	if (!spec || !spec[0])
		return LOCK_REGISTRY;
	for (size_t i = 0; i < sizeof(git) / sizeof(git[0]); i++)
		if (starts(spec, git[i]))
			return LOCK_GIT;
	if (starts(spec, "file:") || starts(spec, "./") || starts(spec, "../") ||
	    starts(spec, "/") || starts(spec, "~/") || starts(spec, "exec:"))
		return LOCK_FILE;
	if (starts(spec, "link:") || starts(spec, "portal:") || starts(spec, "workspace:"))
		return LOCK_LINK;
	if (starts(spec, "http://") || starts(spec, "https://")) {
		if (strstr(spec, "codeload.github.com/") || strstr(spec, ".git#") ||
		    strstr(spec, "#commit=") ||
		    (strlen(spec) > 4 && !strcmp(spec + strlen(spec) - 4, ".git")))
			return LOCK_GIT;
		return strstr(spec, "/-/") ? LOCK_REGISTRY : LOCK_URL;
	}
	if (starts(spec, "npm:"))
		return LOCK_REGISTRY;
	/* github shorthand "user/repo[#ref]"; ranges have no '/' */
	if (strchr(spec, '/') && !strchr(spec, ':') && !strchr(spec, ' '))
		return LOCK_GIT;
	return strchr(spec, ':') ? LOCK_URL : LOCK_REGISTRY;
}

int lf_malformed(char *err, size_t errlen, const char *path, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	/* clang 14 analyzer false positive (llvm/llvm-project#40656) */
	vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	if (line)
		errbuf_set(err, errlen, "malformed lockfile '%s': line %u: %s", path, line, msg);
	else
		errbuf_set(err, errlen, "malformed lockfile '%s': %s", path, msg);
	return -1;
}

/* The mapping key that line |s| (|rl| bytes) starts with at |indent|
 * (see lf_key_lines()), newly allocated, or NULL. */
static char *line_key(const char *s, size_t rl, int indent)
{
	const char *e = s + rl, *k, *ke;
	int ind = 0;

	while (ind < (int)rl && (s[ind] == ' ' || (indent < 0 && s[ind] == '\t')))
		ind++;
	if ((indent >= 0 && ind != indent) || ind >= (int)rl)
		return NULL;
	k = s + ind;
	if (*k == '"' || *k == '\'') {
		char q = *k++;

		for (ke = k; ke < e && *ke != q; ke++)
			if (*ke == '\\' && q == '"' && ke + 1 < e)
				ke++;
		if (ke + 1 >= e || ke[1] != ':')
			return NULL;
	} else {
		/* the ':' that ends the key is followed by a blank or the end */
		while (e > k && (e[-1] == '\r' || e[-1] == ' '))
			e--;
		for (ke = k; ke < e && !(*ke == ':' && (ke + 1 == e || ke[1] == ' ')); ke++)
			;
		if (ke >= e)
			return NULL;
	}
	if (indent < 0) {
		/* JSON: only keys whose value is an object */
		const char *v = ke + 2;

		while (v < e && (*v == ' ' || *v == ':'))
			v++;
		if (v >= e || *v != '{')
			return NULL;
	}
	return xstrndup(k, (size_t)(ke - k));
}

json_t *lf_key_lines(const char *text, size_t len, int indent)
{
	json_t *lines = json_object();
	unsigned no = 0;

	for (size_t i = 0; i < len;) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i);
		size_t rl = nl ? (size_t)(nl - s) : len - i;
		char *key = line_key(s, rl, indent);

		no++;
		i += rl + 1;
		if (!key)
			continue;
		json_t *all = json_object_get(lines, key);
		if (!all) {
			all = json_array();
			/* Not UTF-8-checked: a refused key would free |all|. */
			json_object_set_new_nocheck(lines, key, all);
		}
		json_array_append_new(all, json_integer(no));
		free(key);
	}
	return lines;
}

unsigned lf_line_of(json_t *lines, const char *key)
{
	return (unsigned)json_integer_value(json_array_get(json_object_get(lines, key), 0));
}

unsigned lf_line_take(json_t *lines, const char *key)
{
	json_t *all = json_object_get(lines, key);
	unsigned no = (unsigned)json_integer_value(json_array_get(all, 0));

	json_array_remove(all, 0);
	return no;
}

char *lock_sri_sha512(const char *sri)
{
	const char *s = sri;

	while (s && *s) {
		size_t n;

		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		if (n > 7 && !strncmp(s, "sha512-", 7)) {
			size_t q = strcspn(s, "? \t\n"); /* drop ?options */
			return xstrndup(s, q < n ? q : n);
		}
		s += n;
	}
	return NULL;
}

bool lockfile_name_known(const char *base)
{
	return !strcmp(base, "package-lock.json") || !strcmp(base, "npm-shrinkwrap.json") ||
	       !strcmp(base, "yarn.lock") || !strcmp(base, "pnpm-lock.yaml");
}

int lockfile_parse(const char *path, const char *text, size_t len, struct lockfile *lf, char *err,
		   size_t errlen)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct lf_build b = {.lf = lf, .seen = json_object()};
	int r;

	memset(lf, 0, sizeof(*lf));
	lf->path = xstrdup(path);
	if (memchr(text, '\0', len)) {
		r = lf_malformed(err, errlen, path, 0, "it contains a NUL byte");
	} else if (!strcmp(base, "package-lock.json") || !strcmp(base, "npm-shrinkwrap.json")) {
		r = lf_parse_npm(path, base, text, len, &b, err, errlen);
	} else if (!strcmp(base, "yarn.lock")) {
		r = lf_parse_yarn(path, text, len, &b, err, errlen);
	} else if (!strcmp(base, "pnpm-lock.yaml")) {
		r = lf_parse_pnpm(path, text, len, &b, err, errlen);
	} else {
		errbuf_set(err, errlen,
			   "unknown lockfile '%s' (package-lock.json, npm-shrinkwrap.json, "
			   "yarn.lock or pnpm-lock.yaml)",
			   path);
		r = -1;
	}
	json_decref(b.seen);
	if (r < 0)
		lockfile_release(lf);
	return r;
}

int lockfile_load(const char *path, struct lockfile *lf, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;
	size_t len = 0;
	char *text;
	int r;

	memset(lf, 0, sizeof(*lf));
	if (!lockfile_name_known(base))
		return lockfile_parse(path, "", 0, lf, err, errlen);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "cannot read '%s': not a regular file", path);
		return -1;
	}
	if (stat(path, &st) == 0 && (uint64_t)st.st_size > LOCKFILE_MAX_BYTES) {
		errbuf_set(err, errlen, "cannot read '%s': larger than %u MiB", path,
			   LOCKFILE_MAX_BYTES >> 20);
		return -1;
	}
	text = fs_read_file(path, LOCKFILE_MAX_BYTES, &len);
	if (!text) {
		errbuf_set(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	r = lockfile_parse(path, text, len, lf, err, errlen);
	free(text);
	return r;
}

int lockfile_find(const char *dir, char ***paths, size_t *n)
{
	static const char *const names[] = {"npm-shrinkwrap.json", "package-lock.json", "yarn.lock",
					    "pnpm-lock.yaml"};
	struct stat st;

	*paths = NULL;
	*n = 0;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*paths = xcalloc(sizeof(names) / sizeof(names[0]) + 1, sizeof(char *));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		/* npm reads npm-shrinkwrap.json instead of package-lock.json */
		if (i == 1 && *n && !strcmp(names[0], strrchr((*paths)[0], '/') + 1)) {
			free(p);
			continue;
		}
		if (access(p, F_OK) == 0)
			(*paths)[(*n)++] = p;
		else
			free(p);
	}
	return 0;
}

void lockfile_release(struct lockfile *lf)
{
	if (!lf)
		return;
	for (size_t i = 0; i < lf->n; i++) {
		free(lf->entries[i].name);
		free(lf->entries[i].version);
		free(lf->entries[i].integrity);
		free(lf->entries[i].resolved);
	}
	free(lf->entries);
	free(lf->path);
	memset(lf, 0, sizeof(*lf));
}
