/* package-lock.json and npm-shrinkwrap.json.
 *
 * lockfileVersion 1 nests "dependencies" by install location; 2 and 3 list
 * "packages" by path ("node_modules/a/node_modules/b"; "" is the project,
 * paths outside node_modules are its workspaces).  Version 2 carries both;
 * "packages" is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockfile/internal.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

/* Deeper v1 nesting than this is refused (real trees are < 30 deep). */
#define NPM_MAX_DEPTH 256

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int read_packages(const char *path, json_t *packages, json_t *lines, struct lf_build *b,
			 char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach (packages, key, v) {
		const char *nm = NULL, *resolved, *version;
		enum lock_source src;

		for (const char *p = strstr(key, "node_modules/"); p;
		     p = strstr(p + 1, "node_modules/"))
			nm = p + strlen("node_modules/");
		if (!nm)
			continue; /* the project itself or one of its workspaces */
		if (!json_is_object(v))
			return lf_malformed(err, errlen, path, lf_line_of(lines, key),
					    "entry '%s' is not an object", key);
		resolved = str(v, "resolved");
		version = str(v, "version");
		if (json_is_true(json_object_get(v, "link")) && resolved &&
		    json_object_get(packages, resolved))
			continue; /* a link to one of the project's workspaces */
		if (json_is_true(json_object_get(v, "link")))
			src = LOCK_LINK;
		else if (json_is_true(json_object_get(v, "inBundle")))
			src = LOCK_BUNDLED;
		else
			src = lf_classify(resolved);
		size_t before = b->lf->n;

		/* an alias "node_modules/x" installs "name" */
		lf_add(b, str(v, "name") ? str(v, "name") : nm, version, str(v, "integrity"),
		       resolved, src, lf_line_of(lines, key));
		if (b->lf->n > before)
			b->lf->entries[before].install_script =
				json_is_true(json_object_get(v, "hasInstallScript"));
	}
	return 0;
}

/* Version 1: |deps| maps names to {version, resolved, integrity, bundled,
 * dependencies}; "version" is a URL or spec for non-registry packages and
 * "npm:name@version" for aliases. */
// NOLINTNEXTLINE(misc-no-recursion): nested dependencies, depth bounded by NPM_MAX_DEPTH
static int read_deps(const char *path, json_t *deps, json_t *lines, struct lf_build *b,
		     unsigned depth, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (depth > NPM_MAX_DEPTH)
		return lf_malformed(err, errlen, path, 0, "dependencies nested too deeply");
	json_object_foreach (deps, key, v) {
		const char *version, *resolved;
		char *alias = NULL;
		const char *name = key;
		enum lock_source src;

		unsigned line = lf_line_take(lines, key);

		if (!json_is_object(v))
			return lf_malformed(err, errlen, path, line,
					    "dependency '%s' is not an object", key);
		version = str(v, "version");
		resolved = str(v, "resolved");
		if (version && !strncmp(version, "npm:", 4)) {
			const char *at = strchr(version + 4 + (version[4] == '@'), '@');

			alias = at ? xstrndup(version + 4, (size_t)(at - version - 4))
				   : xstrdup(version + 4);
			name = alias;
			version = at ? at + 1 : NULL;
			src = LOCK_REGISTRY;
		} else {
			src = lf_classify(version);
			if (src != LOCK_REGISTRY)
				resolved = version;
			else if (json_is_true(json_object_get(v, "bundled")))
				src = LOCK_BUNDLED;
			else
				src = lf_classify(resolved);
		}
		lf_add(b, name, src == LOCK_REGISTRY || src == LOCK_BUNDLED ? version : NULL,
		       str(v, "integrity"), resolved, src, line);
		free(alias);
		json_t *sub = json_object_get(v, "dependencies");
		if (sub && !json_is_object(sub))
			return lf_malformed(err, errlen, path, line,
					    "dependencies of '%s' are not an object", key);
		if (sub && read_deps(path, sub, lines, b, depth + 1, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int lf_parse_npm(const char *path, const char *base, const char *text, size_t len,
		 struct lf_build *b, char *err, size_t errlen)
{
	static const char *const formats[2][3] = {
		{"package-lock.json v1", "package-lock.json v2", "package-lock.json v3"},
		{"npm-shrinkwrap.json v1", "npm-shrinkwrap.json v2", "npm-shrinkwrap.json v3"},
	};
	json_error_t jerr;
	json_t *root, *lv, *lines = NULL, *section;
	json_int_t v;
	int r = -1;

	root = json_loadb(text, len, 0, &jerr);
	if (!root)
		return lf_malformed(err, errlen, path, (unsigned)(jerr.line > 0 ? jerr.line : 0),
				    "%s", jerr.text);
	if (!json_is_object(root)) {
		lf_malformed(err, errlen, path, 0, "not a JSON object");
		goto out;
	}
	lv = json_object_get(root, "lockfileVersion");
	if (!lv) {
		lf_malformed(err, errlen, path, 0, "no lockfileVersion");
		goto out;
	}
	if (!json_is_integer(lv)) {
		lf_malformed(err, errlen, path, 0, "lockfileVersion is not a number");
		goto out;
	}
	v = json_integer_value(lv);
	if (v < 1 || v > 3) {
		errbuf_set(
			err, errlen,
			"unsupported lockfile '%s': lockfileVersion %lld (snare reads 1, 2 and 3)",
			path, (long long)v);
		goto out;
	}
	b->lf->format = formats[!strcmp(base, "npm-shrinkwrap.json")][v - 1];
	lines = lf_key_lines(text, len, -1);
	if (v >= 2) {
		section = json_object_get(root, "packages");
		if (!json_is_object(section)) {
			lf_malformed(err, errlen, path, 0, "no \"packages\" object");
			goto out;
		}
		r = read_packages(path, section, lines, b, err, errlen);
	} else {
		section = json_object_get(root, "dependencies");
		if (section && !json_is_object(section)) {
			lf_malformed(err, errlen, path, 0, "\"dependencies\" is not an object");
			goto out;
		}
		r = section ? read_deps(path, section, lines, b, 0, err, errlen) : 0;
	}
out:
	json_decref(lines);
	json_decref(root);
	return r;
}
