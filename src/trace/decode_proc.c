/* Decoders of the process family: exec, setsid, signals, memfd_create,
 * prctl.  See decode.h. */
#include <fcntl.h>
#include <sys/prctl.h>

#include "trace/decode.h"
#include "trace/mem.h"
#include "util/xalloc.h"

#define ARGV_MAX 256
#define ARGV_TOTAL ((size_t)64 * 1024)

void decode_execve(struct decode *d)
{
	decode_path(d->e, d->tid, AT_FDCWD, d->a[0]);
	d->e->argv = tmem_argv(d->tid, d->a[1], ARGV_MAX, ARGV_TOTAL);
	d->e->cwd = tpath_resolve(d->tid, AT_FDCWD, ".");
}

void decode_execveat(struct decode *d)
{
	decode_path(d->e, d->tid, (int)d->a[0], d->a[1]);
	d->e->argv = tmem_argv(d->tid, d->a[2], ARGV_MAX, ARGV_TOTAL);
	d->e->cwd = tpath_resolve(d->tid, AT_FDCWD, ".");
}

/* A call whose arguments say nothing (setsid): the name and the result. */
void decode_noargs(struct decode *d)
{
	(void)d;
}

/* kill and tkill; arg: the signal, len: the target pid as the tracee sees
 * it. */
void decode_kill(struct decode *d)
{
	d->e->arg = (long)d->a[1];
	d->e->len = d->a[0];
}

void decode_tgkill(struct decode *d)
{
	d->e->arg = (long)d->a[2];
	d->e->len = d->a[1];
}

/* path: the memfd's name; arg: its flags. */
void decode_memfd_create(struct decode *d)
{
	d->e->path = decode_str(d->tid, d->a[0]);
	d->e->arg = (long)d->a[1];
}

/* arg: the option; path: the new name of PR_SET_NAME. */
void decode_prctl(struct decode *d)
{
	d->e->arg = (long)d->a[0];
	if (d->a[0] == PR_SET_NAME) {
		char name16[17] = "";
		if (tmem_read(d->tid, d->a[1], name16, 16) > 0)
			d->e->path = xstrndup(name16, 16);
	}
}
