/* File-system helpers for the work directory. */
#ifndef SNARE_FSUTIL_H
#define SNARE_FSUTIL_H

#include <stdint.h>
#include <stdio.h>
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

/* An output file written whole or not at all.  fs_out_open() opens a
 * temporary file beside |path| (same directory, so the rename is atomic);
 * fs_out_close() flushes and syncs it and renames it over |path|, or, when
 * anything failed (a full disk), removes it and leaves |path| as it was: no
 * truncated or empty file.  A |path| that exists and is not a regular file
 * (/dev/stdout, a pipe, /dev/full) is written in place.
 *
 *   struct fs_out o;
 *   FILE *f = fs_out_open(&o, "report.json");   // NULL: errno set
 *   fputs(..., f);
 *   if (fs_out_close(&o) < 0) ...               // -errno, nothing left
 */
struct fs_out {
	FILE *f;
	char *path, *tmp; /* |tmp| NULL: written in place */
	int fd, err;	  /* internal: the file, the first failure's errno */
};

FILE *fs_out_open(struct fs_out *o, const char *path);
/* 0, or -errno of the first failure (a write, the sync, the close, the
 * rename); |o| is released either way. */
int fs_out_close(struct fs_out *o);
/* Gives up: removes the temporary file (|path| untouched); NULL-safe on a
 * zeroed |o|. */
void fs_out_abort(struct fs_out *o);

#endif
