/* Shared by the lockfile readers (npm.c, yarn.c, pnpm.c); not public. */
#ifndef SNARE_LOCKFILE_INTERNAL_H
#define SNARE_LOCKFILE_INTERNAL_H

#include <stddef.h>
#include <jansson.h>

#include "lockfile/lockfile.h"

/* A lockfile being built: entries plus the set that keeps them unique. */
struct lf_build {
	struct lockfile *lf;
	json_t *seen; /* "name@version#source" -> true */
	size_t alloc;
};

/* Adds an entry (all strings copied, NULL ok).  A name that is not a valid
 * package name makes it LOCK_INVALID; a registry entry without a valid
 * exact version becomes LOCK_NO_VERSION (|resolved| then says what the
 * lockfile had).  Duplicates of (name, version, source) are dropped. */
void lf_add(struct lf_build *b, const char *name, const char *version, const char *integrity,
	    const char *resolved, enum lock_source source, unsigned line);

/* What kind of dependency a spec or resolved location names: git
 * (git+..., github:, user/repo, codeload.github.com), file (file:, ./, ../,
 * /), link (link:, portal:, workspace:), url (http(s) not shaped like a
 * registry tarball .../-/...), else registry (versions, ranges, npm:). */
enum lock_source lf_classify(const char *spec);

/* "malformed lockfile '<path>': line <line>: <msg>" (no line part when
 * |line| is 0) into |err|; returns -1. */
int lf_malformed(char *err, size_t errlen, const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Line numbers of mapping keys: the lines indented by exactly |indent|
 * spaces that start with "KEY:" (KEY plain or quoted); with |indent| -1,
 * the lines of any indentation that are JSON "\"KEY\": {".  A new object
 * KEY -> array of line numbers, in order. */
json_t *lf_key_lines(const char *text, size_t len, int indent);
/* The first line of |key|, or 0. */
unsigned lf_line_of(json_t *lines, const char *key);
/* The first line of |key| not taken yet, or 0 (for keys that repeat in
 * document order, such as nested package-lock.json v1 dependencies). */
unsigned lf_line_take(json_t *lines, const char *key);

/* The readers.  |base| is the lockfile's base name. */
int lf_parse_npm(const char *path, const char *base, const char *text, size_t len,
		 struct lf_build *b, char *err, size_t errlen);
int lf_parse_yarn(const char *path, const char *text, size_t len, struct lf_build *b, char *err,
		  size_t errlen);
int lf_parse_pnpm(const char *path, const char *text, size_t len, struct lf_build *b, char *err,
		  size_t errlen);

#endif
