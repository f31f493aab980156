/* Pieces of the sandbox shared between its files; not part of the module's
 * interface (sandbox.h is). */
#ifndef SNARE_SANDBOX_INTERNAL_H
#define SNARE_SANDBOX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "sandbox/sandbox.h"

/* mount.c: builds the root at |newroot| (an empty host directory) and
 * pivots into it.  Runs in init, inside the new mount namespace.  On
 * failure writes the reason to |err| and returns -errno. */
int mount_build_root(const struct sandbox_config *cfg, const char *newroot, uid_t uid, gid_t gid,
		     char *err, size_t errlen);

/* net.c: brings loopback up and routes every IPv4 (and IPv6) address to
 * it, then checks that loopback is the only interface.  Runs in init. */
int net_setup_loopback_only(bool ipv6, uint32_t decoy_seed, char *err, size_t errlen);

/* seccomp.c: compiles the filter from the rows of syscall/syscalls.def.
 * SECCOMP_RET_TRACE for traced syscalls (data 0) and for denied ones (data
 * SECCOMP_DENY_DATA, syscall/syscall.h), allow otherwise.
 * |untraced|: no tracer will be there, so traced syscalls are allowed and
 * denied ones fail with EPERM in the filter itself.  Other architectures
 * are killed.  The program is malloc'd in |prog|. */
int seccomp_build(struct sock_fprog *prog, bool untraced, char *err, size_t errlen);

/* limits.c: cgroup set-up from the supervisor (best effort, reports what
 * held), and rlimits applied in the step child (no allocation). */
struct cgroup_handle {
	char paths[3][256]; /* created cgroup directories, "" if none */
};
void limits_cgroup_setup(const struct sandbox_limits *lim, pid_t init_pid, struct cgroup_handle *cg,
			 struct sandbox_enforced *enf);
void limits_cgroup_release(struct cgroup_handle *cg);
void limits_cgroup_sweep(void);
int limits_apply_rlimits(const struct sandbox_limits *lim);

/* gitrepo.c: gives the repository at |dir|/.git a history: the |n|
 * |tracked| files (relative paths, sorted as git sorts them: byte order,
 * a directory as "name/") as blobs, two commits by |name| <|email>| days
 * before |now| (the first without tracked[|later|]), main and origin/main
 * at the second, reflogs and an index.  0 or nonzero. */
int git_fake_history(const char *dir, const char *const *tracked, size_t n, size_t later,
		     const char *name, const char *email, long now, uint32_t seed);

#endif
