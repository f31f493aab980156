/* Bounded reads from a tracee's memory and paths resolved the way the
 * kernel would (relative to a dirfd or the cwd). */
#ifndef SNARE_TRACE_MEM_H
#define SNARE_TRACE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads up to |len| bytes at |addr|; returns the count read (may be short
 * at an unmapped page) or -errno. */
ssize_t tmem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* A NUL-terminated string of at most |max| bytes; *|trunc| set when cut.
 * NULL for a NULL or unreadable address. */
char *tmem_str(pid_t pid, uint64_t addr, size_t max, bool *trunc);
/* A NULL-terminated argv (at most |max_args| strings, |max_total| bytes). */
char **tmem_argv(pid_t pid, uint64_t addr, size_t max_args, size_t max_total);

/* Joins |base| (absolute) and |path| and removes ".", ".." and duplicate
 * slashes lexically.  An absolute |path| ignores |base|.  Returns malloc'd. */
char *path_normalize(const char *base, const char *path);
/* Resolves |path| as the tracee |pid| would for |dirfd| (AT_FDCWD for the
 * cwd).  Returns malloc'd; for an unknown base, the path as given. */
char *tpath_resolve(pid_t pid, int dirfd, const char *path);
/* |path| (normalized, owned: it is freed) with the tracee's own names for
 * places taken out: "/proc/self/root" (or thread-self's, or |pid|'s) is
 * "/", ".../cwd" the cwd.  Returns malloc'd. */
char *tpath_unalias(pid_t pid, char *path);
/* The path behind the tracee's fd |fd|, or NULL. */
char *tpath_fd(pid_t pid, int fd);

#endif
