#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "fetch/unpack.h"
#include "util/cleanup.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/* Longest entry name we accept; also bounds the work per entry. */
#define MAX_ENTRY_PATH 4096
/* Symlinks followed while checking where a symlink leads (the kernel's own limit). */
#define MAX_SYMLINK_HOPS 40

struct unpack {
	const char *tarball;
	struct archive *a;
	int rootfd;
	uint64_t max_total;
	uint64_t max_file;
	size_t max_entries;
	uint64_t total;
	size_t nentries;
	struct strvec created;	    /* paths below rootfd in creation order, for rollback */
	struct strvec links;	    /* symlinks created, checked again at the end ... */
	struct strvec link_entries; /* ... and the entry names they came from */
	char *err;
	size_t errlen;
};

/* Formats one line into u->err; control characters (entry names come from
 * the tarball and may hold a newline) become '?'. */
static void __attribute__((format(printf, 2, 3))) fail(struct unpack *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(u->err, u->errlen, fmt, ap);
	va_end(ap);
}

static void fail_archive(struct unpack *u)
{
	const char *msg = archive_error_string(u->a);
	char first;

	if (!msg)
		msg = "corrupt archive";
	/* libarchive capitalises its messages; ours are lowercase. */
	first = msg[0];
	if (first >= 'A' && first <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z')
		fail(u, "cannot read '%s': %c%s", u->tarball, first - 'A' + 'a', msg + 1);
	else
		fail(u, "cannot read '%s': %s", u->tarball, msg);
}

static void fail_errno(struct unpack *u, const char *entry)
{
	fail(u, "cannot unpack '%s' from '%s': %s", entry, u->tarball, strerror(errno));
}

/* Turns an archive path into the path below destdir: splits on '/', refuses
 * ".." anywhere, drops the first component (whatever its name, "." too, as
 * tar --strip-components=1 does) and then "." and empty components.  |path|
 * is the name of |entry|, or with |kind| ("hard link") its link target.
 * Returns 0 with |rel| set ("" when nothing is left), or -1. */
static int strip_path(struct unpack *u, const char *entry, const char *path, const char *kind,
		      struct strbuf *rel)
{
	const char *p = path;
	bool top = true;

	strbuf_reset(rel);
	if (strlen(path) > MAX_ENTRY_PATH) {
		fail(u, "tarball entry '%.64s...' has a path longer than %d bytes", entry,
		     MAX_ENTRY_PATH);
		return -1;
	}
	if (path[0] == '/') {
		if (kind)
			fail(u, "tarball %s '%s' -> '%s' escapes the package directory", kind,
			     entry, path);
		else
			fail(u, "tarball entry '%s' has an absolute path", entry);
		return -1;
	}
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (kind)
				fail(u, "tarball %s '%s' -> '%s' escapes the package directory",
				     kind, entry, path);
			else
				fail(u, "tarball entry '%s' escapes the package directory", entry);
			return -1;
		}
		if (n > 0 && top) {
			top = false;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (rel->len)
				strbuf_addstr(rel, "/");
			strbuf_add(rel, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* Opens the directory that holds the last component of |rel| below the
 * root, one component at a time with O_NOFOLLOW so that no symlink is ever
 * followed; missing directories are created when |create|.  Sets |*base| to
 * the last component (inside |rel|, which is modified and restored).
 * Returns an fd, or -1 (with a message when |entry| is not NULL). */
static int open_parent(struct unpack *u, const char *entry, char *rel, const char **base,
		       bool create)
{
	cleanup_fd int fd = -1;
	char *comp = rel;
	char *slash;

	fd = openat(u->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (entry)
			fail_errno(u, entry);
		return -1;
	}
	while ((slash = strchr(comp, '/'))) {
		struct stat st;
		int next;

		*slash = '\0';
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				if (entry)
					fail_errno(u, entry);
				*slash = '/';
				return -1;
			}
			strvec_push(&u->created, rel);
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next >= 0 && fchmod(next, 0755) < 0) {
				close(next);
				next = -1;
			}
		}
		if (next < 0 && entry) {
			int saved = errno;

			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				fail(u, "tarball entry '%s' goes through the symlink '%s'", entry,
				     rel);
			else if (saved == ENOENT)
				fail(u, "tarball entry '%s' refers to the missing '%s'", entry,
				     rel);
			else if (saved == ENOTDIR || saved == ELOOP)
				fail(u,
				     "tarball entry '%s' goes through '%s', which is not a directory",
				     entry, rel);
			else
				fail(u, "cannot unpack '%s' from '%s': %s", entry, u->tarball,
				     strerror(saved));
		}
		*slash = '/';
		if (next < 0)
			return -1;
		close(fd);
		fd = next;
		comp = slash + 1;
	}
	*base = comp;
	return steal_fd(&fd);
}

/* Makes room for a new non-directory |base|: an earlier file, link or
 * symlink of that name is replaced (as tar does), a directory is not. */
static int make_room(struct unpack *u, const char *entry, int dirfd, const char *base)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		fail_errno(u, entry);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fail(u, "tarball entry '%s' conflicts with an earlier directory", entry);
		return -1;
	}
	if (unlinkat(dirfd, base, 0) < 0) {
		fail_errno(u, entry);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int put_file(struct unpack *u, const char *entry, char *rel, mode_t mode)
{
	cleanup_fd int dirfd = -1;
	cleanup_fd int fd = -1;
	const char *base;
	char buf[65536];
	uint64_t written = 0;

	dirfd = open_parent(u, entry, rel, &base, true);
	if (dirfd < 0)
		return -1;
	fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (make_room(u, entry, dirfd, base) < 0)
			return -1;
		fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	}
	if (fd < 0) {
		fail_errno(u, entry);
		return -1;
	}
	strvec_push(&u->created, rel);
	for (;;) {
		la_ssize_t n = archive_read_data(u->a, buf, sizeof(buf));

		if (n < 0) {
			fail_archive(u);
			return -1;
		}
		if (n == 0)
			break;
		written += (uint64_t)n;
		/* The header's size was checked already; this guards sparse files. */
		if (written > u->max_file) {
			fail(u, "tarball entry '%s' is larger than %" PRIu64 " bytes", entry,
			     u->max_file);
			return -1;
		}
		if (write_all(fd, buf, (size_t)n) < 0) {
			fail_errno(u, entry);
			return -1;
		}
	}
	/* Explicit, so the result does not depend on the umask. */
	if (fchmod(fd, mode) < 0 || close(steal_fd(&fd)) < 0) {
		fail_errno(u, entry);
		return -1;
	}
	return 0;
}

static int put_dir(struct unpack *u, const char *entry, char *rel)
{
	cleanup_fd int dirfd = -1;
	cleanup_fd int fd = -1;
	const char *base;

	dirfd = open_parent(u, entry, rel, &base, true);
	if (dirfd < 0)
		return -1;
	if (mkdirat(dirfd, base, 0755) == 0)
		strvec_push(&u->created, rel);
	else if (errno != EEXIST) {
		fail_errno(u, entry);
		return -1;
	}
	fd = openat(dirfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		fail(u, "tarball entry '%s' conflicts with an earlier entry", entry);
		return -1;
	}
	if (fd < 0 || fchmod(fd, 0755) < 0) {
		fail_errno(u, entry);
		return -1;
	}
	return 0;
}

/* Whether |target|, read relative to the directory of |rel|, climbs above
 * the root by name alone.  Symlinks met on the way are dealt with once the
 * whole tree exists, by link_escapes(). */
static bool target_climbs(const char *rel, const char *target)
{
	long depth = 0;

	for (const char *p = rel; (p = strchr(p, '/')); p++)
		depth++;
	while (*target) {
		size_t n = strcspn(target, "/");

		if (n == 2 && target[0] == '.' && target[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n > 0 && !(n == 1 && target[0] == '.')) {
			depth++;
		}
		target += n;
		if (*target == '/')
			target++;
	}
	return false;
}

static int put_symlink(struct unpack *u, const char *entry, char *rel, const char *target)
{
	cleanup_fd int dirfd = -1;
	const char *base;
	int r;

	if (target[0] == '/' || target_climbs(rel, target)) {
		fail(u, "tarball symlink '%s' -> '%s' escapes the package directory", entry,
		     target);
		return -1;
	}
	dirfd = open_parent(u, entry, rel, &base, true);
	if (dirfd < 0)
		return -1;
	r = symlinkat(target, dirfd, base);
	if (r < 0 && errno == EEXIST) {
		if (make_room(u, entry, dirfd, base) < 0)
			return -1;
		r = symlinkat(target, dirfd, base);
	}
	if (r < 0) {
		fail_errno(u, entry);
		return -1;
	}
	strvec_push(&u->created, rel);
	strvec_push(&u->links, rel);
	strvec_push(&u->link_entries, entry);
	return 0;
}

static int put_hardlink(struct unpack *u, const char *entry, char *rel, const char *linkname)
{
	cleanup_fd int tdirfd = -1;
	cleanup_fd int dirfd = -1;
	struct strbuf trel;
	const char *tbase, *base;
	struct stat st;
	int ret = -1;
	int r;

	strbuf_init(&trel, 0);
	if (strip_path(u, entry, linkname, "hard link", &trel) < 0)
		goto out;
	if (!trel.len) {
		fail(u, "tarball hard link '%s' -> '%s' escapes the package directory", entry,
		     linkname);
		goto out;
	}
	tdirfd = open_parent(u, entry, trel.buf, &tbase, false);
	if (tdirfd < 0)
		goto out;
	if (fstatat(tdirfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
		/* A hard link to a symlink would move the symlink to a new
		 * directory, where its target may lead elsewhere. */
		fail(u, "tarball hard link '%s' -> '%s' does not point to an earlier regular file",
		     entry, linkname);
		goto out;
	}
	dirfd = open_parent(u, entry, rel, &base, true);
	if (dirfd < 0)
		goto out;
	r = linkat(tdirfd, tbase, dirfd, base, 0);
	if (r < 0 && errno == EEXIST) {
		if (make_room(u, entry, dirfd, base) < 0)
			goto out;
		r = linkat(tdirfd, tbase, dirfd, base, 0);
	}
	if (r < 0) {
		fail_errno(u, entry);
		goto out;
	}
	strvec_push(&u->created, rel);
	ret = 0;
out:
	strbuf_release(&trel);
	return ret;
}

/* Follows the symlink |rel| through the finished tree the way the kernel
 * would, and says whether it ever leaves the root.  Components that do not
 * exist end the walk: the kernel would stop there too. */
static bool link_escapes(int rootfd, const char *rel)
{
	struct strbuf at, rest, next;
	char target[PATH_MAX];
	size_t pos = 0;
	int hops = 0;
	bool escapes = false;
	ssize_t n;
	const char *slash;

	n = readlinkat(rootfd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return false; /* replaced by a later entry */
	target[n] = '\0';
	strbuf_init(&at, 0);
	strbuf_init(&rest, 0);
	strbuf_init(&next, 0);
	slash = strrchr(rel, '/');
	if (slash) {
		strbuf_addstr(&at, "/");
		strbuf_add(&at, rel, (size_t)(slash - rel));
	}
	strbuf_addstr(&rest, target);
	if (target[0] == '/')
		escapes = true;
	while (!escapes && pos < rest.len) {
		const char *comp = rest.buf + pos;
		size_t len = strcspn(comp, "/");
		struct stat st;

		pos += len + (comp[len] == '/');
		if (len == 0 || (len == 1 && comp[0] == '.'))
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			if (!at.len) {
				escapes = true;
				break;
			}
			at.len = (size_t)(strrchr(at.buf, '/') - at.buf);
			at.buf[at.len] = '\0';
			continue;
		}
		/* Every directory in |at| was checked not to be a symlink, so
		 * the kernel resolves this path exactly as we read it. */
		strbuf_reset(&next);
		strbuf_addf(&next, "%s/%.*s", at.buf, (int)len, comp);
		if (fstatat(rootfd, next.buf + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		if (!S_ISLNK(st.st_mode)) {
			strbuf_reset(&at);
			strbuf_add(&at, next.buf, next.len);
			continue;
		}
		if (++hops > MAX_SYMLINK_HOPS)
			break; /* ELOOP for the kernel too */
		n = readlinkat(rootfd, next.buf + 1, target, sizeof(target) - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		if (target[0] == '/') {
			escapes = true;
			break;
		}
		/* Splice the target in front of what is left. */
		strbuf_reset(&next);
		strbuf_addf(&next, "%s/%s", target, rest.buf + pos);
		strbuf_reset(&rest);
		strbuf_add(&rest, next.buf, next.len);
		pos = 0;
	}
	strbuf_release(&at);
	strbuf_release(&rest);
	strbuf_release(&next);
	return escapes;
}

/* Removes what was created, newest first, so children go before parents. */
static void rollback(struct unpack *u)
{
	for (size_t i = u->created.n; i-- > 0;) {
		cleanup_fd int dirfd = -1;
		const char *base;

		dirfd = open_parent(u, NULL, u->created.v[i], &base, false);
		if (dirfd < 0)
			continue;
		if (unlinkat(dirfd, base, 0) < 0 && (errno == EISDIR || errno == EPERM))
			unlinkat(dirfd, base, AT_REMOVEDIR);
	}
}

static int dir_is_empty(int dirfd)
{
	DIR *d;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 1;

	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			ret = 0;
			break;
		}
	closedir(d);
	return ret;
}

static const char *forbidden_type(unsigned int type)
{
	switch (type) {
	case AE_IFREG:
	case AE_IFDIR:
	case AE_IFLNK:
		return NULL;
	case AE_IFCHR:
		return "a character device";
	case AE_IFBLK:
		return "a block device";
	case AE_IFIFO:
		return "a fifo";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "of an unknown type";
	}
}

/* Checks one header and creates its entry. */
static int unpack_entry(struct unpack *u, struct archive_entry *e, struct strbuf *rel)
{
	const char *entry = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	const char *symlink = NULL;
	unsigned int type = archive_entry_filetype(e);
	la_int64_t size = archive_entry_size(e);
	const char *bad;

	if (!entry)
		entry = archive_entry_pathname_utf8(e);
	if (!entry || !entry[0]) {
		fail(u, "cannot read '%s': entry without a name", u->tarball);
		return -1;
	}
	if (++u->nentries > u->max_entries) {
		fail(u, "tarball '%s' has more than %zu entries", u->tarball, u->max_entries);
		return -1;
	}
	if (strip_path(u, entry, entry, NULL, rel) < 0)
		return -1;
	bad = hardlink ? NULL : forbidden_type(type);
	if (bad) {
		fail(u, "tarball entry '%s' is %s; only files, directories and links are allowed",
		     entry, bad);
		return -1;
	}
	if (size < 0)
		size = 0;
	if ((uint64_t)size > u->max_file) {
		fail(u, "tarball entry '%s' is larger than %" PRIu64 " bytes", entry, u->max_file);
		return -1;
	}
	u->total += (uint64_t)size;
	if (u->total > u->max_total) {
		fail(u, "tarball '%s' unpacks to more than %" PRIu64 " bytes", u->tarball,
		     u->max_total);
		return -1;
	}
	if (!hardlink && type == AE_IFLNK) {
		symlink = archive_entry_symlink(e);
		if (!symlink)
			symlink = archive_entry_symlink_utf8(e);
		if (!symlink || !symlink[0]) {
			fail(u, "tarball symlink '%s' has no target", entry);
			return -1;
		}
		/* Refused even where the entry itself is skipped below. */
		if (symlink[0] == '/') {
			fail(u, "tarball symlink '%s' -> '%s' escapes the package directory", entry,
			     symlink);
			return -1;
		}
	}
	if (!rel->len)
		return 0; /* the top-level directory itself, or a file beside it */
	if (hardlink)
		return put_hardlink(u, entry, rel->buf, hardlink);
	if (symlink)
		return put_symlink(u, entry, rel->buf, symlink);
	if (type == AE_IFDIR)
		return put_dir(u, entry, rel->buf);
	return put_file(u, entry, rel->buf, (archive_entry_perm(e) & 0111) ? 0755 : 0644);
}

static int unpack_all(struct unpack *u)
{
	struct archive_entry *e;
	struct strbuf rel;
	int r;
	int ret = -1;

	strbuf_init(&rel, 0);
	while ((r = archive_read_next_header(u->a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (unpack_entry(u, e, &rel) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		fail_archive(u);
		goto out;
	}
	if (!u->nentries) {
		fail(u, "tarball '%s' is empty", u->tarball);
		goto out;
	}
	for (size_t i = 0; i < u->links.n; i++) {
		if (link_escapes(u->rootfd, u->links.v[i])) {
			char target[PATH_MAX];
			ssize_t n =
				readlinkat(u->rootfd, u->links.v[i], target, sizeof(target) - 1);

			target[n < 0 ? 0 : n] = '\0';
			fail(u, "tarball symlink '%s' -> '%s' escapes the package directory",
			     u->link_entries.v[i], target);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&rel);
	return ret;
}

int unpack_tarball(const char *tarball, const char *destdir, const struct unpack_limits *lim,
		   char *err, size_t errlen)
{
	struct unpack u = {
		.tarball = tarball,
		.rootfd = -1,
		.max_total =
			lim && lim->max_total_bytes ? lim->max_total_bytes : UNPACK_MAX_TOTAL_BYTES,
		.max_file =
			lim && lim->max_file_bytes ? lim->max_file_bytes : UNPACK_MAX_FILE_BYTES,
		.max_entries = lim && lim->max_entries ? lim->max_entries : UNPACK_MAX_ENTRIES,
		.created = STRVEC_INIT,
		.links = STRVEC_INIT,
		.link_entries = STRVEC_INIT,
		.err = err,
		.errlen = errlen,
	};
	cleanup_fd int fd = -1;
	int ret = -1;
	int empty;

	u.rootfd = open(destdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u.rootfd < 0) {
		fail(&u, "cannot open '%s': %s", destdir, strerror(errno));
		return -1;
	}
	empty = dir_is_empty(u.rootfd);
	if (empty <= 0) {
		if (empty < 0)
			fail(&u, "cannot read '%s': %s", destdir, strerror(errno));
		else
			fail(&u, "destination '%s' is not empty", destdir);
		close(u.rootfd);
		return -1;
	}
	fd = open(tarball, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(&u, "cannot read '%s': %s", tarball, strerror(errno));
		close(u.rootfd);
		return -1;
	}
	u.a = archive_read_new();
	if (!u.a) {
		fail(&u, "cannot read '%s': out of memory", tarball);
		close(u.rootfd);
		return -1;
	}
	archive_read_support_filter_gzip(u.a);
	archive_read_support_format_tar(u.a);
	if (archive_read_open_fd(u.a, fd, 65536) != ARCHIVE_OK) {
		/* libarchive reports "Unrecognized archive format" with EILSEQ. */
		if (archive_errno(u.a) == EILSEQ)
			fail(&u, "cannot read '%s': not a gzip or tar archive", tarball);
		else
			fail_archive(&u);
	} else {
		ret = unpack_all(&u);
	}
	if (ret < 0) {
		rollback(&u);
		log_debug("refused '%s': %s", tarball, err ? err : "");
	}
	archive_read_free(u.a);
	close(u.rootfd);
	strvec_clear(&u.created);
	strvec_clear(&u.links);
	strvec_clear(&u.link_entries);
	return ret;
}
