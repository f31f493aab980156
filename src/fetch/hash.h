/* File digests and Subresource Integrity checks for downloaded tarballs.
 *
 * The npm registry publishes "dist.integrity" as an SRI string such as
 * "sha512-<base64>" (older packages: only "dist.shasum", a hex SHA-1). */
#ifndef SNARE_FETCH_HASH_H
#define SNARE_FETCH_HASH_H

#include <stddef.h>

/* Reads |path| once and writes its SHA-256 as lowercase hex, its SHA-512 as
 * padded standard base64 (the form SRI uses) and its SHA-1 as lowercase hex,
 * each NUL-terminated.  Any output may be NULL to skip it.  Returns 0, or
 * -errno when the file cannot be opened or read (-EIO if OpenSSL fails). */
int hash_file(const char *path, char sha256_hex[65], char sha512_b64[89], char sha1_hex[41]);

/* Verifies |path| against the SRI string |sri|: space-separated
 * "<algo>-<base64>[?options]" tokens, algo one of sha1, sha256, sha384,
 * sha512; unknown algorithms are ignored.  As in the SRI spec only the
 * strongest algorithm present counts, and any of its tokens may match.
 * Returns 0 on a match; otherwise -1 with one line in |err|, e.g.
 * "integrity mismatch for 'x.tgz': expected sha512-..., got sha512-...". */
int integrity_check(const char *path, const char *sri, char *err, size_t errlen);

/* Same as integrity_check() but names |what| instead of |path| in the
 * message (used when verifying a temporary file that stands for |what|). */
int integrity_check_as(const char *path, const char *what, const char *sri, char *err,
		       size_t errlen);

#endif
