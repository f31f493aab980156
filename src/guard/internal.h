/* Shared by guard.c and resolve.c; not public. */
#ifndef SNARE_GUARD_INTERNAL_H
#define SNARE_GUARD_INTERNAL_H

#include <stddef.h>

#include "guard/guard.h"

/* The lockfile that says what npm would install, as a newly allocated
 * path in |*lockpath|: the project's own (npm ci, or a plain npm install
 * whose lockfile is in sync), or one written by "npm install
 * --package-lock-only --ignore-scripts" in a scratch directory made in
 * $TMPDIR (|*scratch|, newly allocated, or NULL when none was made; the
 * caller removes it).  0, or -1 with one line in |err|. */
int guard_resolve(const struct guard_opts *o, const char *registry, char **lockpath, char **scratch,
		  char *err, size_t errlen);

/* --min-age: dates every package of |todo| (indices into |res->r|, the
 * packages the store could not answer for) at |registry|, marks those
 * younger than |o->min_age_days| or without a date GUARD_HOLD (an unknown
 * date: age -1 and the reason as the result's error), and keeps the rest
 * in |todo|.  Returns how many are kept. */
size_t guard_hold_young(const struct guard_opts *o, const char *registry, struct guard_result *res,
			size_t *todo, size_t ntodo);

#endif
