/* npm registry client: from "name@spec" to a verified tarball on disk.
 *
 *   registry_resolve(NULL, "left-pad@^1.3.0", &ref, ...)   packument -> ref
 *   registry_download(&ref, "/tmp/x/left-pad.tgz", ...)    tarball, checked
 *   pkg_ref_release(&ref);
 *
 * Network errors and 5xx answers are retried 3 times (after 0.25, 0.5 and
 * 1 s); proxies come from the usual environment variables (libcurl). */
#ifndef SNARE_FETCH_REGISTRY_H
#define SNARE_FETCH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#define REGISTRY_DEFAULT "https://registry.npmjs.org"
/* Largest packument accepted (the abbreviated ones of huge packages are tens of MiB). */
#define REGISTRY_MAX_PACKUMENT_BYTES (128ULL << 20)
/* Largest tarball downloaded. */
#define REGISTRY_MAX_TARBALL_BYTES (512ULL << 20)

/* One resolved version; all fields owned, NULL when absent. */
struct pkg_ref {
	char *name;
	char *version;
	char *tarball_url;
	char *integrity; /* SRI, e.g. "sha512-..." */
	char *shasum;	 /* hex SHA-1, older packages */
};

/* Splits "name", "name@1.2.3", "@scope/name@tag" into a newly allocated
 * name and spec ("latest" when there is none or it is empty).  The name
 * must be valid (pkgjson_name_problem()).  Returns 0, or -1 with one line
 * in |err| and both outputs NULL. */
int pkgspec_parse(const char *spec, char **name, char **version_or_tag, char *err, size_t errlen);

/* Whether |v| is an exact version "1.2.3", "1.2.3-rc.1" or "1.2.3+build"
 * (no range, no leading "v" or "=", no blanks). */
bool pkgspec_version_valid(const char *v);

/* Picks a version of |name| from its parsed |packument| (not modified):
 * |want| is an exact version (a leading "v" or "=" is allowed), a dist-tag,
 * or a semver range (^1.2.0, ~1.2, >=1 <2, 1.x, 1.2.3 - 2, *, a || b); a
 * range gets the "latest" tag when that satisfies it, else the highest
 * matching version that is not a prerelease (npm's choice).  The version
 * must have "dist" with an http(s) "tarball"; "integrity" and "shasum" are
 * copied when present.  Fills |ref| (zeroed first).  Returns 0, or -1 with
 * one line in |err| ("unknown version '9.9.9' of 'left-pad'") and |ref|
 * left empty. */
int registry_pick(json_t *packument, const char *name, const char *want, struct pkg_ref *ref,
		  char *err, size_t errlen);

/* Whether |version| (exact) is what |want| allows in |packument|: the same
 * version, the version a dist-tag names, or one a semver range matches (a
 * prerelease only matches itself).  1, 0, or -1 when |want| is neither a
 * version, a tag nor a range. */
int registry_satisfies(const json_t *packument, const char *version, const char *want);

/* The abbreviated packument of |name| (a valid package name) from
 * |registry| (NULL: REGISTRY_DEFAULT), as registry_resolve() fetches it: a
 * new reference, or NULL with the same one-line errors. */
json_t *registry_packument(const char *registry, const char *name, char *err, size_t errlen);

/* Fetches the abbreviated packument of |spec|'s package from |registry|
 * (NULL: REGISTRY_DEFAULT) at <registry>/<name, '/' as %2f> (connect
 * timeout 10 s, total 60 s, retries as above) and picks the version with
 * registry_pick().  Returns 0, or -1 with one line in |err|: "unknown
 * package 'x'" for a 404, "cannot reach registry 'https://...': <curl
 * error>" when the network fails. */
int registry_resolve(const char *registry, const char *spec, struct pkg_ref *ref, char *err,
		     size_t errlen);

/* When |version| of |name| was published: the full packument's "time"
 * object (the abbreviated one npm installs from has none), fetched from
 * |registry| (NULL: the default).  0 with |*when|, or -1 with one line in
 * |err|: the errors of registry_resolve(), "the registry gives no publish
 * date for 'x@1.0.0'", "the registry's publish date of 'x@1.0.0' is not a
 * date". */
int registry_published(const char *registry, const char *name, const char *version, time_t *when,
		       char *err, size_t errlen);
/* The same from a parsed |packument|. */
int registry_publish_time(const json_t *packument, const char *name, const char *version,
			  time_t *when, char *err, size_t errlen);
/* An npm date "2020-01-01T00:00:00.000Z" (fractions optional, UTC only)
 * into |*when|: 0, or -1. */
int registry_time_parse(const char *iso, time_t *when);

/* Downloads ref->tarball_url to |path|: writes |path|.<pid>.part, verifies it
 * against ref->integrity (or else ref->shasum; one of them is required)
 * with integrity_check(), and only then renames it to |path|.  At most
 * REGISTRY_MAX_TARBALL_BYTES; gives up when slower than 1 KiB/s for 30 s or
 * after 10 min.  Returns 0, or -1 with one line in |err| and no file left
 * behind. */
int registry_download(const struct pkg_ref *ref, const char *path, char *err, size_t errlen);

/* At most |n| registry transfers (packuments and tarballs) at once in this
 * process, from any thread; the others wait their turn.  0: no limit (the
 * default).  Scans in child processes are limited by their number. */
void registry_set_concurrency(unsigned n);

/* |stop| (NULL: none), asked while transfers run: when it returns
 * non-zero, the transfer in progress ends at once (CURLE_ABORTED_BY_CALLBACK)
 * and is not retried, so a stopped detonation does not wait for a stalled
 * registry. */
void registry_set_stop(int (*stop)(void));

/* Frees the fields of |ref| and zeroes it; NULL ok. */
void pkg_ref_release(struct pkg_ref *ref);

#endif
