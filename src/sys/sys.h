/* The only callers of raw syscall(2): thin wrappers for the system calls
 * glibc 2.36 does not wrap, and the constants older headers miss.  Each
 * returns what the kernel returns (-1 with errno set on failure). */
#ifndef SNARE_SYS_H
#define SNARE_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct sys_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* clone(2) without a new stack: returns like fork(), 0 in the child. */
pid_t sys_clone_fork(unsigned long flags);
int sys_pivot_root(const char *new_root, const char *put_old);
int sys_mount_setattr(int dirfd, const char *path, unsigned int flags, struct sys_mount_attr *attr);
int sys_pidfd_open(pid_t pid);
int sys_pidfd_getfd(int pidfd, int targetfd);
int sys_seccomp_set_filter(const void *fprog);

#endif
