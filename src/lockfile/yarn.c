/* yarn.lock: Yarn 1 ("classic", its own format) and Yarn 2+ ("berry",
 * YAML with a __metadata entry).
 *
 * Yarn 1:
 *   "@babel/core@^7.0.0", "@babel/core@^7.1.0":
 *     version "7.1.2"
 *     resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.2.tgz#sha1"
 *     integrity sha512-...
 *     dependencies:
 *       ...
 * Yarn 2+:
 *   "lodash@npm:^4.17.0":
 *     version: 4.17.21
 *     resolution: "lodash@npm:4.17.21"
 *     checksum: ...   (of Yarn's zip archive, not an SRI of the tarball)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockfile/internal.h"
#include "lockfile/yaml.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* One Yarn 1 entry being read. */
struct y1_entry {
	char *spec; /* the first of its "name@range" keys */
	char *version, *resolved, *integrity;
	unsigned line;
};

static void y1_reset(struct y1_entry *e)
{
	free(e->spec);
	free(e->version);
	free(e->resolved);
	free(e->integrity);
	memset(e, 0, sizeof(*e));
}

/* "name@range" -> name (newly allocated) and the range's start. */
static char *split_spec(const char *spec, const char **range)
{
	const char *at = spec[0] ? strchr(spec + 1, '@') : NULL;

	*range = at ? at + 1 : "";
	return at ? xstrndup(spec, (size_t)(at - spec)) : xstrdup(spec);
}

static void y1_flush(struct lf_build *b, struct y1_entry *e)
{
	const char *range;
	char *name, *real = NULL;
	enum lock_source src;

	if (!e->spec)
		return;
	name = split_spec(e->spec, &range);
	if (!strncmp(range, "npm:", 4)) {
		/* an alias: "x@npm:real@^1" installs "real" */
		const char *r2;

		real = split_spec(range + 4, &r2);
		src = LOCK_REGISTRY;
	} else {
		src = lf_classify(range);
		if (src == LOCK_REGISTRY && e->resolved)
			src = lf_classify(e->resolved);
	}
	lf_add(b, real ? real : name, src == LOCK_REGISTRY ? e->version : NULL, e->integrity,
	       e->resolved	      ? e->resolved
	       : src != LOCK_REGISTRY ? range
				      : NULL,
	       src, e->line);
	free(real);
	free(name);
	y1_reset(e);
}

/* A Yarn 1 token at |*sp|: a double-quoted string or a bare word that ends
 * at one of |stops|.  NULL on an unterminated string. */
static char *y1_token(const char **sp, const char *e, const char *stops)
{
	const char *s = *sp;

	if (s < e && *s == '"') {
		struct strbuf sb;

		strbuf_init(&sb, 0);
		for (s++; s < e && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < e)
				s++;
			strbuf_add(&sb, s, 1);
		}
		if (s >= e) {
			strbuf_release(&sb);
			return NULL;
		}
		*sp = s + 1;
		return strbuf_detach(&sb, NULL);
	}
	while (s < e && !strchr(stops, *s))
		s++;
	char *t = xstrndup(*sp, (size_t)(s - *sp));
	*sp = s;
	return t;
}

/* A header line "name@range, ...:" (|s| to |e|): flushes the previous
 * entry and starts one.  NULL, or what is wrong with the line. */
static const char *y1_header(struct lf_build *b, struct y1_entry *cur, const char *s, const char *e,
			     unsigned no)
{
	y1_flush(b, cur);
	if (e[-1] != ':')
		return "expected an entry such as 'name@range:'";
	cur->spec = y1_token(&s, e - 1, ",:");
	if (!cur->spec)
		return "unterminated quoted string";
	cur->line = no;
	return NULL;
}

/* A field line "key value" or "key:" (|p| to |e|, after the indentation).
 * NULL, or what is wrong with the line. */
static const char *y1_field(struct y1_entry *cur, const char *p, const char *e)
{
	char *key = y1_token(&p, e, " :"), *val, **slot;

	if (!key)
		return "unterminated quoted string";
	if (p < e && *p == ':') {
		free(key); /* "dependencies:" and the like */
		return NULL;
	}
	while (p < e && *p == ' ')
		p++;
	val = y1_token(&p, e, "");
	if (!val || p != e) {
		free(key);
		free(val);
		return val ? "unexpected text after a quoted string" : "unterminated quoted string";
	}
	slot = !strcmp(key, "version")	   ? &cur->version
	       : !strcmp(key, "resolved")  ? &cur->resolved
	       : !strcmp(key, "integrity") ? &cur->integrity
					   : NULL;
	if (slot) {
		free(*slot);
		*slot = val;
	} else {
		free(val);
	}
	free(key);
	return NULL;
}

static int parse_classic(const char *path, const char *text, size_t len, struct lf_build *b,
			 char *err, size_t errlen)
{
	struct y1_entry cur = {0};
	unsigned no = 0;

	b->lf->format = "yarn.lock v1";
	for (size_t i = 0; i < len;) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i), *why = NULL;
		size_t rl = nl ? (size_t)(nl - s) : len - i, ind = 0;
		const char *e = s + rl;

		no++;
		i += rl + 1;
		while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		while (s + ind < e && s[ind] == ' ')
			ind++;
		if (s + ind == e || s[ind] == '#')
			continue;
		if (s[ind] == '\t')
			why = "tab in indentation";
		else if (ind == 0)
			why = y1_header(b, &cur, s, e, no);
		else if (!cur.spec)
			why = "indented line outside an entry";
		else if (ind == 2)
			why = y1_field(&cur, s + ind, e);
		/* deeper lines are dependency lists */
		if (why) {
			y1_reset(&cur);
			return lf_malformed(err, errlen, path, no, "%s", why);
		}
	}
	y1_flush(b, &cur);
	return 0;
}

/* "%3A" -> ':' and "%40" -> '@' (in patch: references). */
static char *url_unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && !strncmp(s + i + 1, "3A", 2)) {
			*o++ = ':';
			i += 2;
		} else if (s[i] == '%' && i + 2 < n && !strncmp(s + i + 1, "40", 2)) {
			*o++ = '@';
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* One Yarn 2+ entry from its "resolution" ("name@npm:1.2.3", "name@workspace:.",
 * "name@patch:name@npm%3A1.2.3#...", ...). */
// NOLINTNEXTLINE(misc-no-recursion): a patch: entry recurses once (depth 0 only)
static void berry_entry(struct lf_build *b, const char *resolution, const char *version,
			unsigned line, int depth)
{
	const char *ref;
	char *name = split_spec(resolution, &ref);

	if (!strncmp(ref, "npm:", 4)) {
		lf_add(b, name, ref + 4, NULL, NULL, LOCK_REGISTRY, line);
	} else if (!strncmp(ref, "workspace:", 10)) {
		/* the project's own packages */
	} else if (!strncmp(ref, "patch:", 6) && depth == 0) {
		/* the patched package is what gets installed; the patch is the
		 * project's own file */
		char *inner = url_unescape(ref + 6, strcspn(ref + 6, "#"));

		berry_entry(b, inner, version, line, depth + 1);
		free(inner);
	} else {
		enum lock_source src = lf_classify(ref);
		/* "link:../x::locator=app%40workspace%3A.": the locator is Yarn's */
		const char *loc = strstr(ref, "::");
		char *where = xstrndup(ref, loc ? (size_t)(loc - ref) : strlen(ref));

		if (src == LOCK_REGISTRY)
			src = LOCK_URL; /* an unknown protocol */
		lf_add(b, name, NULL, NULL, where, src, line);
		free(where);
	}
	free(name);
}

static int parse_berry(const char *path, const char *text, size_t len, struct lf_build *b,
		       char *err, size_t errlen)
{
	char yerr[256];
	json_t *doc = yaml_parse(text, len, yerr, sizeof(yerr)), *v, *lines;
	const char *key;

	if (!doc)
		return lf_malformed(err, errlen, path, 0, "%s", yerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return lf_malformed(err, errlen, path, 0, "not a YAML mapping");
	}
	b->lf->format = "yarn.lock berry";
	lines = lf_key_lines(text, len, 0);
	json_object_foreach (doc, key, v) {
		const char *res;

		if (!strcmp(key, "__metadata"))
			continue;
		if (!json_is_object(v)) {
			lf_malformed(err, errlen, path, lf_line_of(lines, key),
				     "entry '%s' is not a mapping", key);
			json_decref(lines);
			json_decref(doc);
			return -1;
		}
		res = json_string_value(json_object_get(v, "resolution"));
		if (!res) {
			/* no resolution: keep the name of its first key */
			const char *range;
			char *first = xstrndup(key, strcspn(key, ","));
			char *name = split_spec(first, &range);

			lf_add(b, name, NULL, NULL, NULL, LOCK_NO_VERSION, lf_line_of(lines, key));
			free(name);
			free(first);
			continue;
		}
		berry_entry(b, res, json_string_value(json_object_get(v, "version")),
			    lf_line_of(lines, key), 0);
	}
	json_decref(lines);
	json_decref(doc);
	return 0;
}

int lf_parse_yarn(const char *path, const char *text, size_t len, struct lf_build *b, char *err,
		  size_t errlen)
{
	/* Yarn 2+ writes "__metadata:" first; Yarn 1 never does */
	for (size_t i = 0; i < len;) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i);
		size_t rl = nl ? (size_t)(nl - s) : len - i;

		i += rl + 1;
		if (rl >= 11 && !strncmp(s, "__metadata:", 11))
			return parse_berry(path, text, len, b, err, errlen);
	}
	return parse_classic(path, text, len, b, err, errlen);
}
