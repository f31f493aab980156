/* The seccomp policy, built from the rows of src/syscall/syscalls.def.
 * TRACE hands the syscall to the tracer (which records it and, for DENY
 * rows, makes it fail with EPERM); everything else runs untraced at full
 * speed.  If the tracer vanished, SECCOMP_RET_TRACE fails the syscall with
 * ENOSYS: fail closed. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <seccomp.h>

#include "sandbox/internal.h"
#include "syscall/syscall.h"
#include "util/cleanup.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

int seccomp_build(struct sock_fprog *prog, bool untraced, char *err, size_t errlen)
{
	static const unsigned long ns_flags[] = {CLONE_NEWNS,	 CLONE_NEWUSER, CLONE_NEWPID,
						 CLONE_NEWNET,	 CLONE_NEWUTS,	CLONE_NEWIPC,
						 CLONE_NEWCGROUP};
	const uint32_t deny = untraced ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_TRACE(SECCOMP_DENY_DATA);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	cleanup_fd int fd = -1;
	const struct syscall_row *rows;
	const char *what = "";
	size_t nrows;
	int r = 0;
	off_t size;

	if (!ctx) {
		errbuf_set(err, errlen, "cannot create the seccomp filter");
		return -ENOMEM;
	}
	rows = syscall_rows(&nrows);
	for (size_t i = 0; i < nrows && !r; i++) {
		what = rows[i].name;
		if (rows[i].action == SYSCALL_TRACE && !untraced)
			r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), rows[i].nr, 0);
		else if (rows[i].action == SYSCALL_DENY)
			r = seccomp_rule_add(ctx, deny, rows[i].nr, 0);
	}
	/* New namespaces through clone(2) are denied; clone3 passes its flags
	 * in memory a filter cannot read, so it answers ENOSYS and libc falls
	 * back to clone(2). */
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]) && !r; i++) {
		what = "clone";
		r = seccomp_rule_add(ctx, deny, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	}
	if (!r) {
		what = "clone3";
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	}
	if (r) {
		errbuf_set(err, errlen, "cannot add seccomp rule for '%s': %s", what, strerror(-r));
		seccomp_release(ctx);
		return r;
	}
	fd = memfd_create("snare-seccomp", MFD_CLOEXEC);
	if (fd < 0 || (r = seccomp_export_bpf(ctx, fd)) < 0) {
		r = r ? r : -errno;
		errbuf_set(err, errlen, "cannot export the seccomp filter: %s", strerror(-r));
		seccomp_release(ctx);
		return r;
	}
	seccomp_release(ctx);
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter)) {
		errbuf_set(err, errlen, "seccomp filter has a bad size");
		return -EINVAL;
	}
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	prog->filter = xmalloc((size_t)size);
	if (pread(fd, prog->filter, (size_t)size, 0) != size) {
		errbuf_set(err, errlen, "cannot read the seccomp filter back: %s", strerror(errno));
		free(prog->filter);
		prog->filter = NULL;
		return -EIO;
	}
	return 0;
}
