/* The sandbox: a process tree in fresh user, pid, mount, net, uts, ipc and
 * cgroup namespaces, with a read-only view of the host's programs, a fake
 * lived-in home full of canary secrets, a network namespace whose only
 * interface is loopback (every address routed to it, answered by the
 * netsink), resource limits, and a seccomp filter that hands the syscalls
 * of interest to the tracer.
 *
 * Layout of a run:
 *   snare (supervisor, tracer) ── init (pid 1 inside) ─┬─ decoy daemons (idle, untraced)
 *                                                      ├─ netsink (untraced)
 *                                                      └─ step 0, step 1, ... (traced)
 * Init, the decoys and the netsink carry the titles of a booted machine's
 * processes (/sbin/init, systemd-journald ...), not snare's command line.
 * The supervisor asks init to start step k; init forks, the child applies
 * limits, drops to uid 1000, loads the seccomp filter and execs.
 *
 * Fail closed: if any namespace, the loopback-only network or the seccomp
 * filter cannot be set up, sandbox_start() fails and nothing runs. */
#ifndef SNARE_SANDBOX_H
#define SNARE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/identity.h"

/* The descriptor a step with |harness| gets the harness channel on.
 * Nothing names it: node's own descriptors (its event loop's pipes,
 * eventfds, epoll) start at 3 as well. */
#define SANDBOX_HARNESS_FD 3

struct sandbox_step {
	char **argv; /* argv[0] is an absolute path inside the sandbox */
	char **envp;
	char *cwd;    /* inside the sandbox */
	bool harness; /* gets sandbox_config.harness_fd as SANDBOX_HARNESS_FD */
};

struct sandbox_limits {
	uint64_t memory_bytes; /* cgroup memory limit */
	unsigned pids;	       /* cgroup pids limit, and RLIMIT_NPROC */
	uint64_t file_bytes;   /* RLIMIT_FSIZE */
	uint64_t tmpfs_bytes;  /* size of /tmp and of the home */
	unsigned nofile;       /* RLIMIT_NOFILE */
};

/* Which limits the host let us enforce; filled by sandbox_start(). */
struct sandbox_enforced {
	const char *cgroup; /* "v2", "v1" or "none" */
	bool memory;
	bool pids;
	bool rlimits;
	bool seccomp;
	bool userns_root; /* started by real root: the sandbox user maps to an unused host uid */
};

struct sandbox_config {
	const char *workdir;	 /* host directory owned by this run */
	const char *project_dir; /* host directory mounted read-write at ~/projects/app */
	const struct identity *id;
	struct sandbox_limits limits;
	const struct sandbox_step *steps;
	size_t nsteps;
	int out_fd;	/* where steps' stdout goes */
	int err_fd;	/* where steps' stderr goes */
	int netsink_fd; /* netsink's end of the netsink channel (with netsink_main) */
	int harness_fd; /* the steps' end of the harness channel, or -1 */
	bool net_ipv6;
	/* Runs in the sandbox's network namespace, before any step, in a
	 * process of its own that keeps the sandbox's capabilities (so it can
	 * bind any port).  Returns the process's exit status. */
	int (*netsink_main)(int fd, void *arg);
	void *netsink_arg;
	/* A path below the home that keeps the times it has (the package under
	 * test, installed just now); the rest of the home is given a past.
	 * NULL: all of it. */
	const char *fresh;
	/* PEM of a CA the sandbox trusts (added to the system bundle), or NULL. */
	const char *ca_pem;
	/* No tracer (a baseline for benchmarks): the filter lets through what
	 * it would hand to the tracer and still refuses the denied syscalls
	 * (EPERM), each step runs in a process group of its own, and init
	 * reports each step's end on the control channel. */
	bool untraced;
};

struct sandbox;

/* Gives the tree at |path| (the project directory) to the sandbox user, so
 * the package can write there as it could on a real machine: a chown to
 * the unused host uid when running as root, nothing otherwise; read-only
 * files with other links (the dependency store's) keep their owner.  0 or
 * -errno. */
int sandbox_prepare_tree(const char *path);

/* Builds the sandbox and starts init and the netsink.  Copies nothing from
 * |cfg| but keeps pointers to it: |cfg| must outlive the sandbox.  On
 * failure returns NULL and writes one line into |err|. */
struct sandbox *sandbox_start(const struct sandbox_config *cfg, char *err, size_t errlen);

/* Host pid of init (pid 1 inside). */
pid_t sandbox_init_pid(const struct sandbox *sb);

const struct sandbox_enforced *sandbox_enforced(const struct sandbox *sb);

/* Asks init to start step |k|.  0 or -errno. */
int sandbox_run_step(struct sandbox *sb, size_t k);

/* Untraced sandboxes.  The control channel, readable when a step ended. */
int sandbox_ctl_fd(const struct sandbox *sb);
/* Reads one step's end: 1 with |k| and |status| (exit code, or -signal),
 * 0 if there is none yet, -1 if init is gone. */
int sandbox_step_ended(struct sandbox *sb, size_t *k, int *status);
/* SIGKILLs the process group of step |k|.  0 or -errno. */
int sandbox_kill_step(struct sandbox *sb, size_t k);

/* Kills init, and with it every process inside.  The caller then reaps
 * what it traces (waitpid(-1, ..., __WALL) until ECHILD): a traced
 * zombie must be reaped by its tracer before init can finish dying. */
void sandbox_kill(struct sandbox *sb);

/* Kills what is left, reaps init and frees.  NULL ok. */
void sandbox_free(struct sandbox *sb);

/* Removes the cgroups that sandboxes of killed runs left behind (their
 * init is gone; a SIGKILL gives no time to clean up), logging each. */
void sandbox_sweep_stale(void);

#endif
