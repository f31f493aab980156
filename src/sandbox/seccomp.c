/* The seccomp policy, as a table (libseccomp tests style).  TRACE hands the
 * syscall to the tracer (which records it and, for DENY rows, makes it fail
 * with EPERM); everything else runs untraced at full speed.  If the tracer
 * vanished, SECCOMP_RET_TRACE fails the syscall with ENOSYS: fail closed. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <seccomp.h>

#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Traced: recorded with their result. */
static const char *const traced[] = {
	"execve",   "execveat",	 "open",	 "openat",   "openat2",	  "creat",   "unlink",
	"unlinkat", "rmdir",	 "rename",	 "renameat", "renameat2", "chmod",   "fchmod",
	"fchmodat", "chown",	 "fchown",	 "lchown",   "fchownat",  "link",    "linkat",
	"symlink",  "symlinkat", "mkdir",	 "mkdirat",  "truncate",  "connect", "sendto",
	"sendmsg",  "sendmmsg",	 "bind",	 "listen",   "socket",	  "setsid",  "kill",
	"tkill",    "tgkill",	 "memfd_create", "prctl",    "ptrace",
};

/* Denied: no package needs them; the attempt is recorded, the call fails. */
static const char *const denied[] = {
	"mount",
	"umount2",
	"pivot_root",
	"chroot",
	"swapon",
	"swapoff",
	"reboot",
	"kexec_load",
	"kexec_file_load",
	"init_module",
	"finit_module",
	"delete_module",
	"bpf",
	"perf_event_open",
	"keyctl",
	"add_key",
	"request_key",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"process_vm_writev",
	"setns",
	"unshare",
	"userfaultfd",
	"open_by_handle_at",
	"name_to_handle_at",
	"acct",
	"quotactl",
	"settimeofday",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"syslog",
	"iopl",
	"ioperm",
	"mount_setattr",
	"fsopen",
	"fsmount",
	"fsconfig",
	"move_mount",
	"open_tree",
	"fspick",
	"lookup_dcookie",
	"kcmp",
	"pidfd_getfd",
	"vhangup",
	"uselib",
};

int seccomp_build(struct sock_fprog *prog, bool untraced, char *err, size_t errlen)
{
	static const unsigned long ns_flags[] = {CLONE_NEWNS,	 CLONE_NEWUSER, CLONE_NEWPID,
						 CLONE_NEWNET,	 CLONE_NEWUTS,	CLONE_NEWIPC,
						 CLONE_NEWCGROUP};
	const uint32_t deny = untraced ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_TRACE(SECCOMP_DENY_DATA);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	cleanup_fd int fd = -1;
	const char *what = "";
	int r = 0;
	off_t size;

	if (!ctx) {
		snprintf(err, errlen, "cannot create the seccomp filter");
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(traced) / sizeof(traced[0]) && !r && !untraced; i++) {
		what = traced[i];
		int nr = seccomp_syscall_resolve_name(what);
		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
	}
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]) && !r; i++) {
		what = denied[i];
		int nr = seccomp_syscall_resolve_name(what);
		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(ctx, deny, nr, 0);
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
		snprintf(err, errlen, "cannot add seccomp rule for '%s': %s", what, strerror(-r));
		seccomp_release(ctx);
		return r;
	}
	fd = memfd_create("snare-seccomp", MFD_CLOEXEC);
	if (fd < 0 || (r = seccomp_export_bpf(ctx, fd)) < 0) {
		r = r ? r : -errno;
		snprintf(err, errlen, "cannot export the seccomp filter: %s", strerror(-r));
		seccomp_release(ctx);
		return r;
	}
	seccomp_release(ctx);
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter)) {
		snprintf(err, errlen, "seccomp filter has a bad size");
		return -EINVAL;
	}
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	prog->filter = xmalloc((size_t)size);
	if (pread(fd, prog->filter, (size_t)size, 0) != size) {
		snprintf(err, errlen, "cannot read the seccomp filter back: %s", strerror(errno));
		free(prog->filter);
		prog->filter = NULL;
		return -EIO;
	}
	return 0;
}
