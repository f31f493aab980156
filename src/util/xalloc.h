/* Allocation that cannot fail: on out-of-memory the process reports and
 * exits with status 2.  Used everywhere except the tracee-side child code
 * between fork and exec, which must not allocate. */
#ifndef SNARE_XALLOC_H
#define SNARE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* Returns a malloc'd string formatted like printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grows *|p| (of *|alloc| elements of |size| bytes) to hold at least |need|. */
void xgrow(void *p, size_t *alloc, size_t need, size_t size);

#endif
