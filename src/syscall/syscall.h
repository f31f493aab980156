/* The syscall table (syscalls.def): for each syscall the policy names, its
 * number, name, what the seccomp filter does with it and the event a stop
 * on it becomes.  The seccomp builder, the tracer's names and its decoders
 * all read these rows, so they cannot drift apart.
 *
 * Numbers are the build's native ones (__NR_*), x86_64 like the tracer. */
#ifndef SNARE_SYSCALL_H
#define SNARE_SYSCALL_H

#include <stddef.h>

#include "event/event.h"

enum syscall_action {
	SYSCALL_ALLOW, /* not filtered by itself (see the row's comment) */
	SYSCALL_TRACE, /* seccomp stop in the tracer: decoded and recorded */
	SYSCALL_DENY,  /* recorded as denied, fails with EPERM */
};

/* One id per row, in the table's order: SC_execve, SC_open, ... */
enum syscall_id {
#define SC(name, action, kind, decoder) SC_##name,
#include "syscall/syscalls.def"
#undef SC
	SC__COUNT
};

struct syscall_row {
	enum syscall_id id; /* its index in the table */
	int nr;		    /* native syscall number */
	const char *name;   /* static string, e.g. "openat" */
	enum syscall_action action;
	enum ev_type kind; /* EV_FILE, ..., EV_DENIED */
};

/* The SECCOMP_RET_TRACE data of DENY rows (traced rows carry 0), so the
 * tracer tells a denied call from a traced one. */
#define SECCOMP_DENY_DATA 1

/* The row of syscall number |nr|, or NULL if the table has none. */
const struct syscall_row *syscall_find(long nr);
/* All rows in table order (row i has id i); *|n| gets SC__COUNT. */
const struct syscall_row *syscall_rows(size_t *n);
/* The name of |nr| for the report: the row's name, or "syscall" for a
 * number the table does not hold. */
const char *syscall_name(long nr);

#endif
