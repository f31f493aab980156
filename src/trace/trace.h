/* The tracer: ptrace driven by the sandbox's seccomp filter.  Tracees stop
 * only on the syscalls the filter marks (SECCOMP_RET_TRACE); the tracer
 * decodes the arguments at the seccomp stop, lets the call run, reads the
 * result at the syscall-exit stop and appends one event.  Every process and
 * thread is followed (fork, vfork, clone, exec) from the moment it exists.
 *
 * Single-threaded: the caller owns the waitpid() loop and hands every
 * result to tracer_handle(). */
#ifndef SNARE_TRACE_H
#define SNARE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event/event.h"

struct tracer_hooks {
	/* Called at the entry of connect()/sendto() to an IPv4/IPv6 address,
	 * before the call runs: make sure something accepts on |port|.
	 * |socktype| is SOCK_STREAM or SOCK_DGRAM. */
	void (*ensure_listener)(void *ctx, int socktype, int port);
	/* Called when |pid| has just exec'd, while it is stopped; NULL ok. */
	void (*on_exec)(void *ctx, pid_t pid);
	void *ctx;
};

/* One process (thread group) the tracer has seen. */
struct tproc {
	int pid, ppid, step;
	uint64_t t_start, t_end; /* t_end 0 while alive */
	int status;		 /* exit code, or -signal; valid once t_end != 0 */
	bool exited;
	bool status_lost; /* gone without its exit reaching us (see tracer_sweep()) */
	char *exe;	  /* last successful exec, or NULL */
	char **argv;	  /* of that exec */
	/* snare's own, not the package's: a step's launcher (TRACER_LAUNCHER),
	 * and a child of it until that child execs.  No event, no statistic. */
	bool hidden;
	bool hidden_until_exec; /* the child: shown from its exec on */
};

struct tracer_stats {
	uint64_t stops;
	uint64_t seccomp_stops;
	uint64_t exit_stops;
	uint64_t processes;
	uint64_t threads;
	uint64_t denied;
};

struct tracer;

/* Events go to |log| (not owned).  |t0| is the run's start (ev_now_us()). */
struct tracer *tracer_new(struct evlog *log, const struct tracer_hooks *hooks, uint64_t t0);
/* Seizes |init|; the processes it forks join the current step. 0 or -errno. */
int tracer_seize(struct tracer *t, pid_t init);

enum tracer_step_flags {
	/* The step's first process (the one init forks) is snare's launcher,
	 * which runs the package's command as its child: the launcher is
	 * hidden, and so is its child until it execs; from its exec on, the
	 * child is the step's first visible process, with parent 0 as if
	 * init had started it.  The step's status is still the launcher's. */
	TRACER_LAUNCHER = 1 << 0,
};

/* The processes init forks from now on belong to |step|. */
void tracer_set_step(struct tracer *t, int step, unsigned flags);
/* Handles one waitpid(-1, &status, __WALL) result. */
void tracer_handle(struct tracer *t, pid_t tid, int status);
/* Processes of |step| still alive. */
size_t tracer_step_alive(const struct tracer *t, int step);
/* The exit status of the first process of |step|; false while it runs. */
bool tracer_step_status(const struct tracer *t, int step, int *status);
/* Marks as exited the processes of |step| that no longer exist although
 * their exit never reached the tracer (a lost notification must not keep
 * a step alive until its deadline).  Returns how many. */
size_t tracer_sweep(struct tracer *t, int step);
/* SIGKILLs every process of |step|. */
void tracer_kill_step(struct tracer *t, int step);
/* The pid whose socket has local |port| (netsink attribution), or 0. */
int tracer_pid_for_port(const struct tracer *t, int socktype, int port);
const struct tproc *tracer_procs(const struct tracer *t, size_t *n);
const struct tracer_stats *tracer_get_stats(const struct tracer *t);
void tracer_free(struct tracer *t);

#endif
