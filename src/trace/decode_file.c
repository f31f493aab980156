/* Decoders of the file family: open, create, delete, rename, chmod, chown,
 * link, mkdir, truncate.  See decode.h. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <linux/openat2.h>

#include "trace/decode.h"
#include "trace/mem.h"

#define PATH_CAP 4096

char *decode_str(pid_t tid, uint64_t addr)
{
	bool trunc;
	return tmem_str(tid, addr, PATH_CAP, &trunc);
}

void decode_path(struct event *e, pid_t tid, int dirfd, uint64_t addr)
{
	char *raw = decode_str(tid, addr);
	if (!raw)
		return;
	e->path = raw[0] ? tpath_resolve(tid, dirfd, raw) : tpath_fd(tid, dirfd);
	if (e->path)
		e->path = tpath_unalias(tid, e->path);
	free(raw);
}

void decode_path2(struct event *e, pid_t tid, int dirfd, uint64_t addr)
{
	char *raw = decode_str(tid, addr);
	if (!raw)
		return;
	e->path2 = tpath_unalias(tid, tpath_resolve(tid, dirfd, raw));
	free(raw);
}

static unsigned open_flags(uint64_t fl)
{
	unsigned f = 0;

	switch (fl & O_ACCMODE) {
	case O_RDONLY:
		f |= FF_READ;
		break;
	case O_WRONLY:
		f |= FF_WRITE;
		break;
	default:
		f |= FF_READ | FF_WRITE;
	}
	if (fl & O_CREAT)
		f |= FF_CREATE;
	if (fl & O_TRUNC)
		f |= FF_TRUNC | FF_WRITE;
	if (fl & O_DIRECTORY)
		f |= FF_DIR;
	return f;
}

void decode_open(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = open_flags(d->a[1]);
	d->e->mode = (unsigned)d->a[2];
}

void decode_openat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = open_flags(d->a[2]);
	d->e->mode = (unsigned)d->a[3];
}

void decode_openat2(struct decode *d)
{
	struct open_how how = {0};

	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	if (tmem_read(d->tid, d->a[2], &how, sizeof(how)) > 0) {
		d->e->fflags = open_flags(how.flags);
		d->e->mode = (unsigned)how.mode;
	}
}

void decode_creat(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_WRITE | FF_CREATE | FF_TRUNC;
	d->e->mode = (unsigned)d->a[1];
}

void decode_unlink(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_DELETE;
}

void decode_rmdir(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_DELETE | FF_DIR;
}

void decode_unlinkat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = FF_DELETE | ((d->a[2] & AT_REMOVEDIR) ? FF_DIR : 0);
}

void decode_rename(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	decode_path2(d->e, d->tid, AT_FDCWD, d->a[1]);
	d->e->fflags = FF_RENAME;
}

/* renameat and renameat2 (whose flags are not reported). */
void decode_renameat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	decode_path2(d->e, d->tid, (int)d->a[2], d->a[3]);
	d->e->fflags = FF_RENAME;
}

void decode_chmod(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_CHMOD;
	d->e->mode = (unsigned)d->a[1];
}

void decode_fchmod(struct decode *d)
{
	d->e->path = tpath_fd(d->tid, (int)d->a[0]);
	d->e->fflags = FF_CHMOD;
	d->e->mode = (unsigned)d->a[1];
}

void decode_fchmodat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = FF_CHMOD;
	d->e->mode = (unsigned)d->a[2];
}

/* chown and lchown; arg: the new owner. */
void decode_chown(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_CHOWN;
	d->e->arg = (long)d->a[1];
}

void decode_fchown(struct decode *d)
{
	d->e->path = tpath_fd(d->tid, (int)d->a[0]);
	d->e->fflags = FF_CHOWN;
	d->e->arg = (long)d->a[1];
}

void decode_fchownat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = FF_CHOWN;
	d->e->arg = (long)d->a[2];
}

/* path: the new link; path2: what it points to. */
void decode_link(struct decode *d)
{
	decode_path2(d->e, d->tid, AT_FDCWD, d->a[0]);
	decode_path(d->e, d->tid, AT_FDCWD, d->a[1]);
	d->e->fflags = FF_LINK | FF_CREATE;
}

void decode_linkat(struct decode *d)
{
	decode_path2(d->e, d->tid, (int)d->a[0], d->a[1]);
	decode_path(d->e, d->tid, (int)d->a[2], d->a[3]);
	d->e->fflags = FF_LINK | FF_CREATE;
}

/* path2: the symlink's target, as written. */
void decode_symlink(struct decode *d)
{
	d->e->path2 = decode_str(d->tid, d->a[0]);
	decode_path(d->e, d->tid, AT_FDCWD, d->a[1]);
	d->e->fflags = FF_LINK | FF_CREATE;
}

void decode_symlinkat(struct decode *d)
{
	d->e->path2 = decode_str(d->tid, d->a[0]);
	decode_path(d->e, d->tid, (int)d->a[1], d->a[2]);
	d->e->fflags = FF_LINK | FF_CREATE;
}

void decode_mkdir(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_MKDIR | FF_DIR | FF_CREATE;
	d->e->mode = (unsigned)d->a[1];
}

void decode_mkdirat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = FF_MKDIR | FF_DIR | FF_CREATE;
	d->e->mode = (unsigned)d->a[2];
}

void decode_truncate(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->fflags = FF_TRUNC | FF_WRITE;
	d->e->len = d->a[1];
}

/* mknodat (mkfifo, mknod): a new FIFO, socket or device node; mode holds
 * its type (S_IFIFO, ...) and permissions. */
void decode_mknodat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->fflags = FF_CREATE;
	d->e->mode = (unsigned)d->a[2];
}
