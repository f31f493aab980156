/* Scope-bound cleanup (bubblewrap utils.h style).
 *
 *   cleanup_free char *s = xstrdup("x");   freed at scope exit
 *   cleanup_fd int fd = open(...);          closed at scope exit (if >= 0)
 *   return steal_pointer(&s);               hands ownership to the caller */
#ifndef SNARE_CLEANUP_H
#define SNARE_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_fd __attribute__((cleanup(cleanup_closep)))

static inline void *steal_pointer_impl(void **pp)
{
	void *p = *pp;
	*pp = NULL;
	return p;
}
#define steal_pointer(pp) steal_pointer_impl((void **)(pp))

static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#endif
