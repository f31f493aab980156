/* Safe extraction of an npm package tarball.
 *
 * The tarball is hostile input: every entry is checked before anything is
 * written, everything is created relative to a directory fd without ever
 * following a symlink, and on any failure the directory is emptied again. */
#ifndef SNARE_FETCH_UNPACK_H
#define SNARE_FETCH_UNPACK_H

#include <stddef.h>
#include <stdint.h>

/* A zero field means the default. */
struct unpack_limits {
	uint64_t max_total_bytes; /* sum of entry sizes; default 2 GiB */
	uint64_t max_file_bytes;  /* one entry; default 1 GiB */
	size_t max_entries;	  /* headers, directories included; default 100000 */
};

#define UNPACK_MAX_TOTAL_BYTES (2048ULL << 20)
#define UNPACK_MAX_FILE_BYTES (1024ULL << 20)
#define UNPACK_MAX_ENTRIES 100000

/* Extracts |tarball| (a gzip-compressed or plain tar archive) into the
 * existing, empty directory |destdir|, dropping the first path component of
 * every entry ("package/" in npm tarballs, whatever its name); entries with
 * nothing below the top-level directory are skipped.  |lim| may be NULL.
 *
 * The whole tarball is refused for an absolute path, a ".." component, a
 * symlink that is absolute or resolves outside |destdir| (also through other
 * symlinks), a hard link to anything but an earlier regular file, an entry
 * below a symlink, a device, fifo or socket, a limit exceeded, a corrupt or
 * truncated archive, or no entries at all.  Files keep their executable
 * bits, masked to 0755 or 0644; directories are 0755; owners and times are
 * not restored.
 *
 * Returns 0, or -1 with one line in |err| after removing whatever it wrote
 * (it never touches anything outside |destdir|). */
int unpack_tarball(const char *tarball, const char *destdir, const struct unpack_limits *lim,
		   char *err, size_t errlen);

#endif
