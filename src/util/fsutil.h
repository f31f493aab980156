/* File-system helpers for the work directory. */
#ifndef SNARE_FSUTIL_H
#define SNARE_FSUTIL_H

#include <stdint.h>
#include <sys/types.h>

/* mkdir -p; 0 or -errno. */
int fs_mkdir_p(const char *path, mode_t mode);
/* rm -rf without following symlinks; 0 or -errno. */
int fs_rm_rf(const char *path);
/* Copies the tree at |src| into |dst| (created).  Regular files, dirs and
 * relative symlinks that stay inside |src|; anything else is skipped.
 * Stops with -EFBIG past |max_bytes|.  0 or -errno. */
int fs_copy_tree(const char *src, const char *dst, uint64_t max_bytes);
/* chown -R (no symlink following); 0 or -errno. */
int fs_chown_tree(const char *path, uid_t uid, gid_t gid);
/* Reads a whole small file (at most |max| bytes) into a malloc'd,
 * NUL-terminated buffer; NULL with errno set on failure. */
char *fs_read_file(const char *path, size_t max, size_t *len);
/* Writes |s| to the existing file |path| (a /proc or cgroup control file)
 * in one write(2).  0 or -errno. */
int fs_write_str(const char *path, const char *s);
/* Writes |len| bytes to |path| (created or truncated, mode 0644). */
int fs_write_file(const char *path, const void *data, size_t len);

#endif
