/* The tracer's decoders, one per syscall family as in strace:
 * decode_file.c, decode_net.c, decode_proc.c.  Internal to src/trace.
 *
 * A decoder runs at the seccomp stop of a syscall whose row in
 * syscall/syscalls.def names it, and fills the event from the arguments
 * and the tracee's memory; the result is added at the exit stop.  The
 * prototypes come from the table itself: a row naming decoder "foo"
 * declares decode_foo(), so a new decoder needs no prototype by hand. */
#ifndef SNARE_TRACE_DECODE_H
#define SNARE_TRACE_DECODE_H

#include <stdint.h>
#include <sys/types.h>

#include "event/event.h"
#include "syscall/syscall.h"
#include "trace/trace.h"

/* What a decoder sees of the stopped call. */
struct decode {
	pid_t tid;			  /* the stopped thread: its memory, cwd, fds */
	pid_t pid;			  /* its process (pidfd_open() wants the leader) */
	const uint64_t *a;		  /* the six arguments */
	struct event *e;		  /* type, name, time and process already set */
	const struct tracer_hooks *hooks; /* ensure_listener for connect/send */
	int dupfd;			  /* out: a dup of the socket of a connect/send (-1: none),
					   * closed by the tracer at the exit stop */
};

typedef void decode_fn(struct decode *d);

#define SC(name, action, kind, decoder) decode_fn decode_##decoder;
#include "syscall/syscalls.def"
#undef SC

/* The decoder of |row|, or NULL for rows that name "none". */
decode_fn *decode_find(const struct syscall_row *row);

/* Shared by the families (decode_file.c). */
/* A string argument at |addr|, at most PATH_MAX bytes; NULL if unreadable. */
char *decode_str(pid_t tid, uint64_t addr);
/* e->path (e->path2): the path at |addr| resolved against |dirfd|. */
void decode_path(struct event *e, pid_t tid, int dirfd, uint64_t addr);
void decode_path2(struct event *e, pid_t tid, int dirfd, uint64_t addr);

/* decode_net.c: the local port a socket is bound to, or 0. */
int decode_local_port(int fd);

#endif
