/* The store's entries and packuments, and the per-run tree linked from
 * them.  Layout and guarantees: depstore.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "depstore/internal.h"
#include "fetch/hash.h"
#include "fetch/registry.h"
#include "fetch/unpack.h"
#include "util/base64.h"
#include "util/cleanup.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"

#define MANIFEST_MAX_BYTES (64u << 20)

char *depstore_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x && *x == '/')
		return xasprintf("%s/snare/store", x);
	if (home && *home == '/')
		return xasprintf("%s/.cache/snare/store", home);
	return NULL;
}

/* The entry's directory name from |integrity| (the sha512 token, else the
 * strongest other) or a hex |shasum|: 0, or -1. */
static int entry_key(const char *integrity, const char *shasum, char *key, size_t keylen)
{
	static const char *const algos[] = {"sha512-", "sha384-", "sha256-", "sha1-"};
	unsigned char bin[64];

	for (size_t a = 0; integrity && a < sizeof(algos) / sizeof(algos[0]); a++) {
		const char *tok = strstr(integrity, algos[a]);
		if (!tok)
			continue;
		tok += strlen(algos[a]);
		size_t len = strcspn(tok, " ?");
		ssize_t n = base64_decode(tok, len, bin, sizeof(bin));
		if (n <= 0 || n > (ssize_t)sizeof(bin) || keylen < 8 + 2 * (size_t)n)
			return -1;
		size_t off = (size_t)snprintf(key, keylen, "%.*s", (int)strcspn(algos[a], "-"),
					      algos[a]);
		for (ssize_t i = 0; i < n; i++)
			off += (size_t)snprintf(key + off, keylen - off, "%s%02x", i ? "" : "-",
						bin[i]);
		return 0;
	}
	if (shasum && strlen(shasum) == 40 && strspn(shasum, "0123456789abcdef") == 40) {
		snprintf(key, keylen, "sha1-%s", shasum);
		return 0;
	}
	return -1;
}

static bool disk_full(int e, const char *msg)
{
	return e == ENOSPC || e == EDQUOT || (msg && strstr(msg, strerror(ENOSPC)));
}

/*
 * Manifests: every directory, file and symlink below package/, with what
 * tells a change (mode, size, mtime, inode: git's index does the same).
 */

struct walk_ctx {
	json_t *files, *dirs, *links;
	size_t skip; /* length of the prefix to drop */
	int err;
};

static struct walk_ctx *walk_state;

static int manifest_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct walk_ctx *w = walk_state;
	const char *rel = path + w->skip;

	(void)ftw;
	if (!*rel)
		return 0;
	rel++; /* the '/' */
	if (type == FTW_D) {
		json_array_append_new(w->dirs, json_string(rel));
	} else if (type == FTW_SL) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			w->err = errno;
			return 1;
		}
		target[n] = '\0';
		json_array_append_new(w->links, json_pack("[ss]", rel, target));
	} else if (type == FTW_F && S_ISREG(st->st_mode)) {
		/* read-only in the store: the per-run trees share these inodes */
		mode_t mode = (st->st_mode & 0111) ? 0555 : 0444;
		if (chmod(path, mode) < 0) {
			w->err = errno;
			return 1;
		}
		struct stat now;
		if (lstat(path, &now) < 0) {
			w->err = errno;
			return 1;
		}
		json_array_append_new(
			w->files,
			json_pack("[sIIII]", rel, (json_int_t)(now.st_mode & 07777),
				  (json_int_t)now.st_size,
				  (json_int_t)now.st_mtim.tv_sec * 1000000000 + now.st_mtim.tv_nsec,
				  (json_int_t)now.st_ino));
	}
	return 0;
}

/* Makes package.json's bins executable, as npm does when it links them. */
static void bins_executable(const char *pkgdir)
{
	char path[PATH_MAX];
	json_t *pj, *bin, *v;
	const char *k;

	snprintf(path, sizeof(path), "%s/package.json", pkgdir);
	pj = json_load_file(path, 0, NULL);
	bin = json_object_get(pj, "bin");
	if (json_is_string(bin)) {
		snprintf(path, sizeof(path), "%s/%s", pkgdir, json_string_value(bin));
		chmod(path, 0755);
	}
	json_object_foreach (json_is_object(bin) ? bin : NULL, k, v) {
		const char *f = json_string_value(v);
		if (!f || strstr(f, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pkgdir, f);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			chmod(path, 0755);
	}
	json_decref(pj);
}

static int manifest_write(const char *entry, const char *name, const char *version,
			  const char *integrity)
{
	char pkg[PATH_MAX], path[PATH_MAX];
	struct walk_ctx w = {json_array(), json_array(), json_array(), 0, 0};
	int r;

	snprintf(pkg, sizeof(pkg), "%s/package", entry);
	w.skip = strlen(pkg);
	bins_executable(pkg);
	walk_state = &w;
	r = nftw(pkg, manifest_cb, 32, FTW_PHYS);
	walk_state = NULL;
	json_t *m = json_pack("{s:s, s:s, s:s?, s:o, s:o, s:o}", "name", name, "version", version,
			      "integrity", integrity, "dirs", w.dirs, "files", w.files, "links",
			      w.links);
	if (r != 0) {
		json_decref(m);
		return -(w.err ? w.err : errno ? errno : EIO);
	}
	snprintf(path, sizeof(path), "%s/manifest.json", entry);
	r = json_dump_file(m, path, JSON_COMPACT) < 0 ? -(errno ? errno : EIO) : 0;
	json_decref(m);
	return r;
}

static json_t *manifest_load(const char *entry, char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *m;

	snprintf(path, sizeof(path), "%s/manifest.json", entry);
	m = json_load_file(path, 0, &jerr);
	if (!m || !json_is_array(json_object_get(m, "files")) ||
	    !json_is_array(json_object_get(m, "dirs")) ||
	    !json_is_array(json_object_get(m, "links"))) {
		errbuf_set(err, errlen, "manifest of '%s' missing or invalid", entry);
		json_decref(m);
		return NULL;
	}
	return m;
}

static bool rel_ok(const char *rel)
{
	return rel && rel[0] && rel[0] != '/' && !strstr(rel, "..");
}

static int check_manifest(const char *entry, const json_t *m, char *err, size_t errlen)
{
	char path[PATH_MAX];
	const json_t *f;
	size_t i;
	struct stat st;

	json_array_foreach (json_object_get(m, "files"), i, f) {
		const char *rel = json_string_value(json_array_get(f, 0));
		if (!rel_ok(rel)) {
			errbuf_set(err, errlen, "manifest of '%s' is invalid", entry);
			return -1;
		}
		snprintf(path, sizeof(path), "%s/package/%s", entry, rel);
		const char *what = NULL;
		if (lstat(path, &st) < 0)
			what = "missing";
		else if (!S_ISREG(st.st_mode))
			what = "not a file";
		else if ((json_int_t)(st.st_mode & 07777) !=
			 json_integer_value(json_array_get(f, 1)))
			what = "mode";
		else if ((json_int_t)st.st_size != json_integer_value(json_array_get(f, 2)))
			what = "size";
		else if ((json_int_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec !=
			 json_integer_value(json_array_get(f, 3)))
			what = "mtime";
		else if ((json_int_t)st.st_ino != json_integer_value(json_array_get(f, 4)))
			what = "inode";
		if (what) {
			errbuf_set(err, errlen, "'%s' %s%s", rel,
				   !strcmp(what, "missing") || !strcmp(what, "not a file")
					   ? ""
					   : "changed: ",
				   what);
			return -1;
		}
	}
	json_array_foreach (json_object_get(m, "dirs"), i, f) {
		const char *rel = json_string_value(f);
		snprintf(path, sizeof(path), "%s/package/%s", entry, rel ? rel : "");
		if (!rel_ok(rel) || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
			errbuf_set(err, errlen, "'%s' missing", rel ? rel : "?");
			return -1;
		}
	}
	return 0;
}

int depstore_entry_check(const char *entry, char *err, size_t errlen)
{
	json_t *m = manifest_load(entry, err, errlen);
	int r;

	if (!m)
		return -1;
	r = check_manifest(entry, m, err, errlen);
	json_decref(m);
	return r;
}

/* A unique name in DIR/v1/tmp. */
static void tmp_name(const char *dir, const char *what, char *out, size_t outlen)
{
	static unsigned counter;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, outlen, "%s/v1/tmp/%s.%ld.%u.%ld", dir, what, (long)getpid(), counter++,
		 (long)ts.tv_nsec);
}

/* Moves a damaged entry out of sight (one rename), then removes it. */
static void entry_discard(const char *dir, const char *entry, const char *key)
{
	char trash[PATH_MAX];

	tmp_name(dir, key, trash, sizeof(trash));
	strncat(trash, ".trash", sizeof(trash) - strlen(trash) - 1);
	if (rename(entry, trash) == 0)
		fs_rm_rf(trash);
}

int depstore_entry_fill(const char *dir, const char *name, const char *version,
			const char *integrity, const char *tgz, char *entry, size_t entrylen,
			bool *repaired, char *err, size_t errlen)
{
	char key[160], tmp[PATH_MAX], pkg[PATH_MAX], why[512];
	struct stat st;
	int r;

	*repaired = false;
	if (entry_key(integrity, NULL, key, sizeof(key)) < 0) {
		errbuf_set(err, errlen, "'%s@%s' has no usable integrity", name, version);
		return DEPSTORE_UNSUPPORTED;
	}
	snprintf(entry, entrylen, "%s/v1/pkgs/%s", dir, key);
	if (lstat(entry, &st) == 0) {
		if (depstore_entry_check(entry, why, sizeof(why)) == 0)
			return 0;
		log_warn("store entry of '%s@%s' is damaged (%s): extracting it again", name,
			 version, why);
		entry_discard(dir, entry, key);
		*repaired = true;
	}
	if (integrity_check(tgz, integrity, err, errlen) < 0)
		return DEPSTORE_UNSUPPORTED;
	snprintf(tmp, sizeof(tmp), "%s/v1/tmp", dir);
	if ((r = fs_mkdir_p(tmp, 0755)) < 0 ||
	    (snprintf(tmp, sizeof(tmp), "%s/v1/pkgs", dir), r = fs_mkdir_p(tmp, 0755)) < 0) {
		errbuf_set(err, errlen, "cannot create the store in '%s': %s", dir, strerror(-r));
		return disk_full(-r, NULL) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
	}
	tmp_name(dir, key, tmp, sizeof(tmp));
	snprintf(pkg, sizeof(pkg), "%s/package", tmp);
	if (mkdir(tmp, 0755) < 0 || mkdir(pkg, 0755) < 0) {
		int e = errno;
		errbuf_set(err, errlen, "cannot write the store '%s': %s", dir, strerror(e));
		fs_rm_rf(tmp);
		return disk_full(e, NULL) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
	}
	if (unpack_tarball(tgz, pkg, NULL, why, sizeof(why)) < 0) {
		errbuf_set(err, errlen, "cannot extract '%s@%s': %s", name, version, why);
		fs_rm_rf(tmp);
		return disk_full(0, why) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
	}
	if ((r = manifest_write(tmp, name, version, integrity)) < 0) {
		errbuf_set(err, errlen, "cannot write the store '%s': %s", dir, strerror(-r));
		fs_rm_rf(tmp);
		return disk_full(-r, NULL) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
	}
	if (rename(tmp, entry) < 0) {
		int e = errno;
		fs_rm_rf(tmp);
		/* another snare filled it first */
		if ((e == EEXIST || e == ENOTEMPTY) &&
		    depstore_entry_check(entry, why, sizeof(why)) == 0)
			return 0;
		errbuf_set(err, errlen, "cannot add '%s@%s' to the store: %s", name, version,
			   strerror(e));
		return DEPSTORE_UNSUPPORTED;
	}
	return 0;
}

/*
 * Packuments, cached.
 */

struct source {
	const struct depstore_options *o;
	const char *dir;
};

static json_t *cached_packument(void *arg, const char *name, char *err, size_t errlen)
{
	struct source *s = arg;
	char path[PATH_MAX], tmp[PATH_MAX], flat[256];
	struct stat st;
	bool have;
	json_t *p;

	snprintf(flat, sizeof(flat), "%s", name);
	for (char *c = flat; *c; c++)
		if (*c == '/')
			*c = '+'; /* not in valid names */
	snprintf(path, sizeof(path), "%s/v1/packuments/%s.json", s->dir, flat);
	have = stat(path, &st) == 0;
	if (have && (s->o->offline || time(NULL) - st.st_mtime < DEPSTORE_PACKUMENT_MAX_AGE_S) &&
	    (p = json_load_file(path, 0, NULL)))
		return p;
	if (s->o->offline) {
		errbuf_set(err, errlen, "the packument of '%s' is not in the store (offline)",
			   name);
		return NULL;
	}
	p = registry_packument(s->o->registry, name, err, errlen);
	if (!p) {
		/* an unreachable registry: the older copy is better than none */
		if (have && (p = json_load_file(path, 0, NULL)))
			log_debug("using the stored packument of '%s': %s", name, err);
		return p;
	}
	snprintf(tmp, sizeof(tmp), "%s/v1/packuments", s->dir);
	if (fs_mkdir_p(tmp, 0755) == 0) {
		/* beside it: the rename is atomic for concurrent snares */
		snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
		if (json_dump_file(p, tmp, JSON_COMPACT) == 0 && rename(tmp, path) == 0)
			return p;
		unlink(tmp);
	}
	return p;
}

/*
 * The per-run tree.
 */

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out, r = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = errno ? -errno : -EIO;
			break;
		}
	if (n < 0)
		r = -errno;
	close(in);
	if (close(out) < 0 && !r)
		r = -errno;
	return r;
}

/* Links |n|'s entry into |dest| (created); |copy| forces copies. */
static int link_entry(const struct dnode *n, const json_t *m, const char *dest, bool copy,
		      struct depstore_stats *st)
{
	char from[PATH_MAX], to[PATH_MAX];
	const json_t *f;
	size_t i;
	int r;

	if ((r = fs_mkdir_p(dest, 0755)) < 0)
		return r;
	json_array_foreach (json_object_get(m, "dirs"), i, f) {
		snprintf(to, sizeof(to), "%s/%s", dest, json_string_value(f));
		if (mkdir(to, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	json_array_foreach (json_object_get(m, "files"), i, f) {
		const char *rel = json_string_value(json_array_get(f, 0));
		snprintf(from, sizeof(from), "%s/package/%s", n->entry, rel);
		snprintf(to, sizeof(to), "%s/%s", dest, rel);
		if (!copy && link(from, to) == 0)
			continue;
		if (!copy && errno != EXDEV && errno != EPERM && errno != EMLINK)
			return -errno;
		/* a copy is the run's own: writable as npm leaves it */
		mode_t mode = (json_integer_value(json_array_get(f, 1)) & 0111) ? 0755 : 0644;
		if ((r = copy_file(from, to, mode)) < 0)
			return r;
		st->copied++;
	}
	json_array_foreach (json_object_get(m, "links"), i, f) {
		const char *target = json_string_value(json_array_get(f, 1));
		snprintf(to, sizeof(to), "%s/%s", dest, json_string_value(json_array_get(f, 0)));
		if (target && symlink(target, to) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* node_modules/.bin links of |n|'s bins beside it, as npm makes them;
 * one that exists (the target's, an earlier package's) is kept. */
static void link_bins(const struct dnode *n, const char *nmdir)
{
	json_t *bin = json_object_get(n->meta, "bin"), *v;
	char bindir[PATH_MAX], link_path[PATH_MAX], target[PATH_MAX];
	const char *k, *base = strrchr(n->name, '/');
	json_t *one = NULL;

	if (json_is_string(bin)) {
		one = json_pack("{sO}", base ? base + 1 : n->name, bin);
		bin = one;
	}
	snprintf(bindir, sizeof(bindir), "%s/.bin", nmdir);
	json_object_foreach (json_is_object(bin) ? bin : NULL, k, v) {
		const char *f = json_string_value(v);
		if (!f || strchr(k, '/') || k[0] == '.' || !k[0] || strstr(f, ".."))
			continue;
		fs_mkdir_p(bindir, 0755);
		snprintf(link_path, sizeof(link_path), "%s/%s", bindir, k);
		snprintf(target, sizeof(target), "../%s/%s", n->name,
			 f + (f[0] == '.' && f[1] == '/' ? 2 : 0));
		if (symlink(target, link_path) < 0 && errno != EEXIST)
			log_debug("cannot link the bin '%s': %s", k, strerror(errno));
	}
	json_decref(one);
}

/* The entry of every placed package, filled from the registry if need be. */
static int fill_all(const char *dir, struct depstore_tree *t, struct depstore_stats *st, char *err,
		    size_t errlen)
{
	char entry[PATH_MAX], tgz[PATH_MAX], key[160];
	struct stat sb;

	for (size_t i = 0; i < t->nall; i++) {
		struct dnode *n = t->all[i];
		struct pkg_ref ref = {0};
		bool repaired = false;
		int r;

		if (!n->parent || n->reserved || n->entry)
			continue;
		if (registry_pick(json_object_get(t->packuments, n->name), n->name, n->version,
				  &ref, err, errlen) < 0)
			return DEPSTORE_UNSUPPORTED;
		if (!ref.integrity) {
			errbuf_set(err, errlen, "'%s@%s' has no integrity (only a shasum)", n->name,
				   n->version);
			pkg_ref_release(&ref);
			return DEPSTORE_UNSUPPORTED;
		}
		entry_key(ref.integrity, NULL, key, sizeof(key));
		snprintf(entry, sizeof(entry), "%s/v1/pkgs/%s", dir, key);
		/* most runs: the entry is there; it is checked when linked */
		if (lstat(entry, &sb) == 0) {
			n->entry = xstrdup(entry);
			pkg_ref_release(&ref);
			continue;
		}
		snprintf(tgz, sizeof(tgz), "%s/v1/tmp", dir);
		if ((r = fs_mkdir_p(tgz, 0755)) < 0) {
			errbuf_set(err, errlen, "cannot create the store in '%s': %s", dir,
				   strerror(-r));
			pkg_ref_release(&ref);
			return disk_full(-r, NULL) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
		}
		tmp_name(dir, "tarball", tgz, sizeof(tgz));
		if (registry_download(&ref, tgz, err, errlen) < 0) {
			pkg_ref_release(&ref);
			return disk_full(0, err) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
		}
		r = depstore_entry_fill(dir, n->name, n->version, ref.integrity, tgz, entry,
					sizeof(entry), &repaired, err, errlen);
		unlink(tgz);
		pkg_ref_release(&ref);
		if (r < 0)
			return r;
		st->filled++;
		n->entry = xstrdup(entry);
	}
	return 0;
}

static uint64_t tree_bytes(const json_t *const *manifests, size_t n)
{
	uint64_t sum = 0;
	const json_t *f;
	size_t i;

	for (size_t k = 0; k < n; k++)
		json_array_foreach (json_object_get(manifests[k], "files"), i, f)
			sum += (uint64_t)json_integer_value(json_array_get(f, 2));
	return sum;
}

/* The manifests of every entry, each checked; a damaged one is filled
 * again from a fresh download (the tarball is not kept). */
static int load_manifests(const char *dir, struct depstore_tree *t, json_t **manifests,
			  struct depstore_stats *st, char *err, size_t errlen)
{
	char why[512];

	for (size_t i = 0; i < t->nall; i++) {
		struct dnode *n = t->all[i];
		json_t *m;

		if (!n->entry)
			continue;
		m = manifest_load(n->entry, why, sizeof(why));
		if (m && check_manifest(n->entry, m, why, sizeof(why)) == 0) {
			manifests[i] = m;
			continue;
		}
		json_decref(m);
		log_warn("store entry of '%s@%s' is damaged (%s): extracting it again", n->name,
			 n->version, why);
		const char *slash = strrchr(n->entry, '/');
		entry_discard(dir, n->entry, slash + 1);
		free(n->entry);
		n->entry = NULL;
		st->repaired++;
	}
	/* fill what is missing now, then load those */
	int r = fill_all(dir, t, st, err, errlen);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->nall; i++) {
		if (!t->all[i]->entry || manifests[i])
			continue;
		manifests[i] = manifest_load(t->all[i]->entry, err, errlen);
		if (!manifests[i])
			return DEPSTORE_UNSUPPORTED;
	}
	return 0;
}

int depstore_install(const struct depstore_options *o, const struct depstore_dep *deps,
		     size_t ndeps, const char *root_name, const char *root_version,
		     const char *node_modules, struct depstore_stats *st, char *err, size_t errlen)
{
	cleanup_free char *def = NULL;
	const char *dir = o->dir;
	struct depstore_tree *t;
	json_t **manifests = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	if (!dir) {
		def = depstore_default_dir();
		dir = def;
	}
	if (!dir) {
		errbuf_set(err, errlen, "no store directory: set XDG_CACHE_HOME or HOME");
		return DEPSTORE_UNSUPPORTED;
	}
	struct source src = {o, dir};
	t = depstore_resolve(deps, ndeps, root_name, root_version, cached_packument, &src, st, err,
			     errlen);
	if (!t)
		return DEPSTORE_UNSUPPORTED;
	if ((r = fill_all(dir, t, st, err, errlen)) < 0)
		goto out;
	manifests = xcalloc(t->nall, sizeof(json_t *));
	if ((r = load_manifests(dir, t, manifests, st, err, errlen)) < 0)
		goto out;
	bool copy = o->link_max_bytes &&
		    tree_bytes((const json_t *const *)manifests, t->nall) > o->link_max_bytes;
	if ((r = fs_mkdir_p(node_modules, 0755)) < 0) {
		errbuf_set(err, errlen, "cannot create '%s': %s", node_modules, strerror(-r));
		r = DEPSTORE_UNSUPPORTED;
		goto out;
	}
	for (size_t i = 0; i < t->nall; i++) {
		struct dnode *n = t->all[i];
		struct strbuf rel;
		char dest[PATH_MAX];

		if (!n->entry)
			continue;
		strbuf_init(&rel, 0);
		depstore_node_path(n, &rel);
		/* |node_modules| is the root's: drop the first "node_modules/" */
		snprintf(dest, sizeof(dest), "%s/%s", node_modules,
			 rel.buf + strlen("node_modules/"));
		strbuf_release(&rel);
		if ((r = link_entry(n, manifests[i], dest, copy, st)) < 0) {
			errbuf_set(err, errlen, "cannot link '%s@%s' into '%s': %s", n->name,
				   n->version, dest, strerror(-r));
			r = disk_full(-r, NULL) ? DEPSTORE_DISK_FULL : DEPSTORE_UNSUPPORTED;
			goto out;
		}
		/* the node_modules that holds it */
		char *end = dest + strlen(dest) - strlen(n->name) - 1;
		*end = '\0';
		link_bins(n, dest);
	}
	r = 0;
out:
	for (size_t i = 0; manifests && i < t->nall; i++)
		json_decref(manifests[i]);
	free(manifests);
	depstore_tree_free(t);
	return r;
}
