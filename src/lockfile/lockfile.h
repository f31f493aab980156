/* Lockfiles: the exact packages a project installs, read from
 *
 *   package-lock.json, npm-shrinkwrap.json   lockfileVersion 1, 2 and 3
 *   yarn.lock                                Yarn 1 ("classic") and Yarn 2+ ("berry")
 *   pnpm-lock.yaml                           lockfileVersion 5.x, 6.x and 9.x
 *
 * Each package becomes one entry: registry packages (name and exact
 * version, the integrity when the lockfile records it) are the ones that
 * can be scanned; git, local, linked, remote-tarball, bundled and
 * versionless entries are kept with their kind so that a caller can say
 * what was not scanned.  The project's own workspace packages are not
 * entries.  Nothing here touches the network. */
#ifndef SNARE_LOCKFILE_H
#define SNARE_LOCKFILE_H

#include <stdbool.h>
#include <stddef.h>

enum lock_source {
	LOCK_REGISTRY,	 /* name@version from a registry: scannable */
	LOCK_GIT,	 /* a git repository */
	LOCK_FILE,	 /* a local directory or tarball (file:) */
	LOCK_LINK,	 /* a symlink to a directory of the project (link:, portal:) */
	LOCK_URL,	 /* a tarball from a URL that is not a registry's */
	LOCK_BUNDLED,	 /* shipped inside its parent's tarball */
	LOCK_NO_VERSION, /* the lockfile gives no usable version */
	LOCK_INVALID,	 /* the lockfile gives an invalid package name */
};

struct lock_entry {
	char *name;	 /* as installed (the real name for npm: aliases) */
	char *version;	 /* exact version; NULL when the lockfile has none */
	char *integrity; /* SRI string as recorded, or NULL */
	char *resolved;	 /* URL, path or spec the lockfile resolved to, or NULL */
	enum lock_source source;
	unsigned line;	     /* 1-based line of the entry in the lockfile; 0 unknown */
	bool install_script; /* package-lock.json v2/v3 "hasInstallScript" (false elsewhere) */
};

struct lockfile {
	char *path;	    /* as given */
	const char *format; /* static: "package-lock.json v3", "yarn.lock v1", ... */
	struct lock_entry *entries;
	size_t n;
};

/* Reads the lockfile at |path|; its kind comes from its base name
 * (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml).
 * Entries are unique by (name, version, source), in lockfile order.
 * Returns 0, or -1 with one line in |err| and |lf| empty:
 *   "cannot read 'x/yarn.lock': No such file or directory"
 *   "malformed lockfile 'x/pnpm-lock.yaml': line 7: unterminated quoted string"
 *   "unsupported lockfile 'package-lock.json': lockfileVersion 4 (snare reads 1, 2 and 3)" */
int lockfile_load(const char *path, struct lockfile *lf, char *err, size_t errlen);

/* Same as lockfile_load() for |len| bytes of |text| that came from |path|. */
int lockfile_parse(const char *path, const char *text, size_t len, struct lockfile *lf, char *err,
		   size_t errlen);

/* The lockfiles in the directory |dir|, as newly allocated paths in
 * |*paths| (|*n| of them): npm-shrinkwrap.json (or else package-lock.json),
 * yarn.lock, pnpm-lock.yaml.  Returns 0 (|*n| may be 0), or -errno when
 * |dir| cannot be read. */
int lockfile_find(const char *dir, char ***paths, size_t *n);

/* Whether |basename| is a lockfile name this module reads. */
bool lockfile_name_known(const char *basename);

/* "registry", "git", "file", "link", "url", "bundled", "no version",
 * "invalid name". */
const char *lock_source_name(enum lock_source s);

/* Why an entry of |source| is not scanned, e.g. "git dependency", for
 * messages: "<why> '<resolved>'". */
const char *lock_source_reason(enum lock_source s);

/* The sha512 token of the SRI string |sri| ("sha512-<base64>"), newly
 * allocated, or NULL when it has none. */
char *lock_sri_sha512(const char *sri);

void lockfile_release(struct lockfile *lf);

#endif
