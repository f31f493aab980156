#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/xalloc.h"

int fs_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return r;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int fs_rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	/* Make every directory writable first: packages ship 0555 dirs. */
	return nftw(path, rm_cb, 64, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

static uid_t chown_uid;
static gid_t chown_gid;

static int chown_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, chown_uid, chown_gid) < 0 ? -1 : 0;
}

int fs_chown_tree(const char *path, uid_t uid, gid_t gid)
{
	chown_uid = uid;
	chown_gid = gid;
	return nftw(path, chown_cb, 64, FTW_PHYS) < 0 ? -errno : 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode, uint64_t *budget)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out, r = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	/* the owner may write, as after npm's extraction: the dependency
	 * store's read-only files are copied writable */
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   (mode & 0755) | S_IWUSR);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if ((uint64_t)n > *budget) {
			r = -EFBIG;
			break;
		}
		*budget -= (uint64_t)n;
		if (write(out, buf, (size_t)n) != n) {
			r = -errno;
			break;
		}
	}
	if (n < 0)
		r = -errno;
	close(in);
	close(out);
	return r;
}

/* Recursive by design over a bounded depth (64). */
// NOLINTNEXTLINE(misc-no-recursion)
static int copy_dir(const char *src, const char *dst, const char *root, uint64_t *budget, int depth)
{
	struct stat st;
	char s[PATH_MAX], d[PATH_MAX], target[PATH_MAX];
	int r = 0;

	if (depth > 64)
		return -ELOOP;
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		return -errno;
	DIR *dir = opendir(src);
	if (!dir)
		return -errno;
	struct dirent *de;
	while (!r && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(s, sizeof(s), "%s/%s", src, de->d_name);
		snprintf(d, sizeof(d), "%s/%s", dst, de->d_name);
		if (lstat(s, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			r = copy_dir(s, d, root, budget, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(s, d, st.st_mode, budget);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(s, target, sizeof(target) - 1);
			char *resolved;
			if (n <= 0 || target[0] == '/')
				continue;
			target[n] = '\0';
			/* Keep only links that resolve inside the tree. */
			char joined[PATH_MAX * 2];
			snprintf(joined, sizeof(joined), "%s/%s", src, target);
			resolved = realpath(joined, NULL);
			if (resolved && !strncmp(resolved, root, strlen(root)) &&
			    (resolved[strlen(root)] == '/' || resolved[strlen(root)] == '\0'))
				if (symlink(target, d) < 0)
					r = -errno;
			free(resolved);
		}
	}
	closedir(dir);
	return r;
}

int fs_copy_tree(const char *src, const char *dst, uint64_t max_bytes)
{
	char *root = realpath(src, NULL);
	int r;

	if (!root)
		return -errno;
	r = copy_dir(root, dst, root, &max_bytes, 0);
	free(root);
	return r;
}

char *fs_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
		if (errno == 0 || (size_t)st.st_size > max)
			errno = EFBIG;
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

int fs_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		r = -errno;
	close(fd);
	return r;
}

int fs_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The stream of an fs_out: plain write(2)s that remember the first
 * failure's errno, which stdio would lose by the time of the close. */
static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
	struct fs_out *o = cookie;
	size_t done = 0;

	if (o->err) { /* after a failure (or fs_out_abort()) nothing more */
		errno = o->err;
		return -1;
	}
	while (done < len) {
		ssize_t n = write(o->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!o->err)
				o->err = n < 0 ? errno : EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int out_close(void *cookie)
{
	struct fs_out *o = cookie;

	/* a full disk may show only here (delayed allocation) */
	if (o->tmp && !o->err && fsync(o->fd) < 0)
		o->err = errno;
	if (close(o->fd) < 0 && !o->err && errno != EINTR)
		o->err = errno;
	o->fd = -1;
	return 0;
}

FILE *fs_out_open(struct fs_out *o, const char *path)
{
	static const cookie_io_functions_t io = {.write = out_write, .close = out_close};
	struct stat st;
	mode_t mask;
	int fd, e;

	memset(o, 0, sizeof(*o));
	o->path = xstrdup(path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	} else {
		o->tmp = xasprintf("%s.XXXXXX", path);
		fd = mkostemp(o->tmp, O_CLOEXEC);
		/* the mode fopen() would have given it */
		mask = umask(0);
		umask(mask);
		if (fd >= 0 && fchmod(fd, 0666 & ~mask) < 0) {
			e = errno;
			close(fd);
			unlink(o->tmp);
			errno = e;
			fd = -1;
		}
	}
	if (fd < 0)
		goto fail;
	o->fd = fd;
	o->f = fopencookie(o, "w", io);
	if (o->f)
		return o->f;
	e = errno;
	close(fd);
	if (o->tmp)
		unlink(o->tmp);
	errno = e;
fail:
	e = errno;
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	errno = e;
	return NULL;
}

static void out_release(struct fs_out *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int fs_out_close(struct fs_out *o)
{
	if (!o->f)
		return -EBADF;
	if (fclose(o->f) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	o->f = NULL;
	if (!o->err && o->tmp && rename(o->tmp, o->path) < 0)
		o->err = errno;
	if (o->err && o->tmp)
		unlink(o->tmp);
	int r = -o->err;
	out_release(o);
	return r;
}

void fs_out_abort(struct fs_out *o)
{
	if (o->f) {
		o->err = ECANCELED; /* nothing more is written */
		fclose(o->f);
	}
	if (o->tmp)
		unlink(o->tmp);
	out_release(o);
}
