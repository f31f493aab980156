/* The dependency store: a target's registry dependencies resolved from
 * the registry's abbreviated packuments and laid out as npm would (each
 * package at the shallowest node_modules on its path where it conflicts
 * with nothing), built of hard links to extracted package trees kept by
 * content (the tarball's SRI integrity), the way pnpm's store works.  No
 * package code runs: this is npm install --ignore-scripts without npm.
 *
 *   DIR/v1/packuments/NAME.json   abbreviated packuments, fresh for an hour
 *   DIR/v1/pkgs/HEX/package/      one extracted tarball, files 0444 or 0555
 *   DIR/v1/pkgs/HEX/manifest.json its files (mode, size, mtime, inode)
 *   DIR/v1/tmp/                   entries being filled, renamed into pkgs/
 *
 * HEX is the hex of the integrity's sha512 digest (sha1 for old packages
 * with only a shasum).  An entry is filled in tmp/ and renamed into place,
 * so concurrent snare processes never see half of one; a damaged entry (a
 * file missing or changed against its manifest) is moved away and filled
 * again, never used. */
#ifndef SNARE_DEPSTORE_H
#define SNARE_DEPSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* How long a cached packument is used without asking the registry. */
#define DEPSTORE_PACKUMENT_MAX_AGE_S 3600
/* Most packages one resolution places. */
#define DEPSTORE_MAX_PACKAGES 20000

/* One dependency of the target (|spec|: a range, version or dist-tag). */
struct depstore_dep {
	const char *name, *spec;
	bool optional;
};

/* The failures of depstore_install(): the caller prepares the dependencies
 * another way (npm) and says why. */
enum depstore_error {
	DEPSTORE_UNSUPPORTED = -1, /* a spec, a peer conflict, a packument or tarball */
	DEPSTORE_DISK_FULL = -2,   /* ENOSPC while filling the store */
};

struct depstore_options {
	const char *dir;      /* the store; NULL: depstore_default_dir() */
	const char *registry; /* NULL: the default registry */
	bool offline;	      /* cached packuments only, whatever their age */
	/* Past this many bytes of dependency files, copies instead of hard
	 * links (0: no limit). */
	uint64_t link_max_bytes;
};

struct depstore_stats {
	size_t packages; /* placed */
	size_t filled;	 /* entries extracted now */
	size_t repaired; /* damaged entries moved away and filled again */
	size_t copied;	 /* files copied instead of linked */
	size_t skipped;	 /* optional ones not installed (platform or failure) */
};

/* Whether |spec| is a registry spec (a semver range, version or dist-tag,
 * "" for any), which the store resolves; not git, a URL, file:, npm: or
 * GitHub's user/repo shorthand. */
bool depstore_spec_supported(const char *spec);

/* $XDG_CACHE_HOME/snare/store, else $HOME/.cache/snare/store (newly
 * allocated), or NULL when neither names an absolute directory. */
char *depstore_default_dir(void);

/* Resolves |deps| and builds them into |node_modules| (created; it should
 * be empty), with node_modules/.bin links for their bins.  |root_name| and
 * |root_version| (may be NULL) stand at the top of node_modules already:
 * the target; a dependency on it that its version satisfies uses it,
 * another version is nested.  Optional dependencies are skipped when their
 * os, cpu or libc excludes this machine or their packument fails, as npm
 * skips them.  Returns 0 and fills |st|, or a depstore_error with one line
 * in |err|, and then |node_modules| may hold part of the tree. */
int depstore_install(const struct depstore_options *o, const struct depstore_dep *deps,
		     size_t ndeps, const char *root_name, const char *root_version,
		     const char *node_modules, struct depstore_stats *st, char *err, size_t errlen);

/*
 * The pieces, for tests.
 */

/* A packument by name: a new reference, or NULL with |err|. */
typedef json_t *(*depstore_packument_fn)(void *arg, const char *name, char *err, size_t errlen);
struct depstore_tree;

/* Resolution alone, from |get|; NULL with |err| (DEPSTORE_UNSUPPORTED's
 * reasons).  |st| may be NULL; its counts are added to, not reset. */
struct depstore_tree *depstore_resolve(const struct depstore_dep *deps, size_t ndeps,
				       const char *root_name, const char *root_version,
				       depstore_packument_fn get, void *arg,
				       struct depstore_stats *st, char *err, size_t errlen);
/* "node_modules/a 1.0.0\nnode_modules/a/node_modules/b 2.0.0\n": every
 * placed package, sorted by path (newly allocated). */
char *depstore_tree_layout(const struct depstore_tree *t);
void depstore_tree_free(struct depstore_tree *t);

/* Fills the entry of |name|@|version| with |integrity| from the tarball at
 * |tgz| (verified against |integrity| first) in the store |dir|, unless an
 * intact one is there; writes its path to |entry|.  0, or a depstore_error
 * with |err|; |*repaired| is set when a damaged entry was replaced. */
int depstore_entry_fill(const char *dir, const char *name, const char *version,
			const char *integrity, const char *tgz, char *entry, size_t entrylen,
			bool *repaired, char *err, size_t errlen);
/* Whether the entry at |entry| matches its manifest: 0, or -1 with what
 * differs in |err| ("'lib/a.js' changed (size)"). */
int depstore_entry_check(const char *entry, char *err, size_t errlen);

#endif
