/* pnpm-lock.yaml, lockfileVersion 5.x (pnpm 5-7), 6.x (pnpm 8) and 9.x
 * (pnpm 9+).  Every installed package is a key of "packages":
 *
 *   5.x   /name/1.2.3   /@scope/name/1.2.3_peer@2.0.0
 *   6.x   /name@1.2.3   /@scope/name@1.2.3(peer@2.0.0)
 *   9.x   name@1.2.3    '@scope/name@1.2.3'
 *
 * with "resolution": {integrity} for registry packages, {tarball},
 * {type: git, repo, commit} or {type: directory, directory} otherwise (and
 * then "name" and "version" fields).  Linked directories only appear in
 * the importers ("version: link:../x"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockfile/internal.h"
#include "lockfile/yaml.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Name and version from a "packages" key; either may come back NULL (a
 * key that is not name + version, such as "github.com/u/r/sha"), and then
 * |*spec| is the key for classification. */
static void split_key(const char *key, long major, char **name, char **version, const char **spec)
{
	const char *k = key, *sep;
	bool slash = *k == '/';

	*name = *version = NULL;
	*spec = NULL;
	if (slash)
		k++;
	if (major < 6) {
		if (!slash) {
			/* "registry.example.com/name/1.0.0": a registry host first */
			const char *first = strchr(k, '/');

			if (!first || !memchr(k, '.', (size_t)(first - k)) || strchr(k, ':') ||
			    !strncmp(k, "github.com/", 11) || !strncmp(k, "codeload.", 9)) {
				*spec = key;
				return;
			}
			k = first + 1;
		}
		sep = strrchr(k, '/');
		if (!sep || sep == k) {
			*spec = key;
			return;
		}
		*name = xstrndup(k, (size_t)(sep - k));
		*version = xstrndup(sep + 1, strcspn(sep + 1, "_("));
		return;
	}
	sep = k[0] ? strchr(k + 1, '@') : NULL;
	if (!sep) {
		*spec = key;
		return;
	}
	*name = xstrndup(k, (size_t)(sep - k));
	*version = xstrndup(sep + 1, strcspn(sep + 1, "("));
	if (lf_classify(*version) != LOCK_REGISTRY)
		*spec = sep + 1; /* "name@file:../x", "name@https://..." */
}

static void add_package(struct lf_build *b, const char *key, json_t *v, long major, unsigned line)
{
	json_t *res = json_object_get(v, "resolution");
	const char *type = str(res, "type"), *tarball = str(res, "tarball"), *spec;
	char *name, *version, *resolved = NULL;
	enum lock_source src = LOCK_REGISTRY;

	split_key(key, major, &name, &version, &spec);
	if ((type && !strcmp(type, "git")) || str(res, "repo")) {
		src = LOCK_GIT;
		resolved = xasprintf("%s%s%s", str(res, "repo") ? str(res, "repo") : key,
				     str(res, "commit") ? "#" : "",
				     str(res, "commit") ? str(res, "commit") : "");
	} else if ((type && !strcmp(type, "directory")) || str(res, "directory")) {
		src = LOCK_FILE;
		resolved = xstrdup(str(res, "directory") ? str(res, "directory") : key);
	} else if (tarball) {
		src = lf_classify(tarball);
		if (src == LOCK_REGISTRY && !strstr(tarball, "/-/"))
			src = LOCK_URL;
		resolved = xstrdup(tarball);
	} else if (spec) {
		src = lf_classify(spec);
		if (src == LOCK_REGISTRY)
			src = LOCK_URL;
		resolved = xstrdup(spec);
	}
	if (str(v, "name")) {
		free(name);
		name = xstrdup(str(v, "name"));
	}
	if (str(v, "version")) {
		free(version);
		version = xstrdup(str(v, "version"));
	}
	if (!name)
		src = LOCK_INVALID;
	lf_add(b, name ? name : key, src == LOCK_REGISTRY ? version : NULL, str(res, "integrity"),
	       resolved, src, line);
	free(name);
	free(version);
	free(resolved);
}

/* |dir|/|rel| without "." and ".." parts, newly allocated ("" for the
 * project's root); NULL when it leaves the project. */
static char *join_path(const char *dir, const char *rel)
{
	char *all = xasprintf("%s/%s", dir, rel), *out = xcalloc(strlen(all) + 2, 1), *save = NULL;
	size_t len = 0;

	for (char *part = strtok_r(all, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			if (!len) {
				free(all);
				free(out);
				return NULL;
			}
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len)
			out[len++] = '/';
		memcpy(out + len, part, strlen(part) + 1);
		len += strlen(part);
	}
	free(all);
	return out;
}

/* Linked directories of the importer at |dir|'s dependency lists, but for
 * links to other importers (the project's own workspaces). */
static void add_links(struct lf_build *b, const char *dir, json_t *importer, json_t *importers)
{
	static const char *const lists[] = {"dependencies", "devDependencies",
					    "optionalDependencies"};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_t *deps = json_object_get(importer, lists[i]), *d;
		const char *name;

		json_object_foreach (deps, name, d) {
			const char *ver =
				json_is_string(d) ? json_string_value(d) : str(d, "version");

			if (!ver || strncmp(ver, "link:", 5) != 0)
				continue;
			char *to = join_path(dir, ver + 5);
			bool own = to && json_object_get(importers, to[0] ? to : ".");

			free(to);
			if (!own)
				lf_add(b, name, NULL, NULL, ver, LOCK_LINK, 0);
		}
	}
}

int lf_parse_pnpm(const char *path, const char *text, size_t len, struct lf_build *b, char *err,
		  size_t errlen)
{
	static const char *const formats[] = {"pnpm-lock.yaml v5", "pnpm-lock.yaml v6",
					      "pnpm-lock.yaml v7", "pnpm-lock.yaml v8",
					      "pnpm-lock.yaml v9"};
	char yerr[256];
	json_t *doc = yaml_parse(text, len, yerr, sizeof(yerr)), *packages, *lines = NULL, *v;
	const char *lv, *key;
	char *end;
	long major;
	int r = -1;

	if (!doc)
		return lf_malformed(err, errlen, path, 0, "%s", yerr);
	if (!json_is_object(doc)) {
		lf_malformed(err, errlen, path, 0, "not a YAML mapping");
		goto out;
	}
	lv = str(doc, "lockfileVersion");
	if (!lv) {
		lf_malformed(err, errlen, path, 0, "no lockfileVersion");
		goto out;
	}
	major = strtol(lv, &end, 10);
	if (end == lv || (*end && *end != '.') || major < 5 || major > 9) {
		errbuf_set(
			err, errlen,
			"unsupported lockfile '%s': lockfileVersion '%s' (snare reads 5.x to 9.x)",
			path, lv);
		goto out;
	}
	b->lf->format = formats[major - 5];
	packages = json_object_get(doc, "packages");
	if (packages && !json_is_object(packages) && !json_is_null(packages)) {
		lf_malformed(err, errlen, path, 0, "\"packages\" is not a mapping");
		goto out;
	}
	lines = lf_key_lines(text, len, 2);
	json_object_foreach (packages, key, v) {
		if (!json_is_object(v)) {
			lf_malformed(err, errlen, path, lf_line_of(lines, key),
				     "package '%s' is not a mapping", key);
			goto out;
		}
		add_package(b, key, v, major, lf_line_of(lines, key));
	}
	/* 5.x without workspaces lists the dependencies at the top */
	json_t *importers = json_object_get(doc, "importers");
	add_links(b, ".", doc, importers);
	json_object_foreach (importers, key, v) {
		add_links(b, key, v, importers);
	}
	r = 0;
out:
	json_decref(lines);
	json_decref(doc);
	return r;
}
