/* ptrace + seccomp tracer.  See trace.h.
 *
 * Stops: a seccomp stop at the entry of every filtered syscall (decode the
 * arguments, then PTRACE_SYSCALL), a syscall-exit stop (record the result,
 * then PTRACE_CONT), and the fork/clone/exec events.  Nothing else stops. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>
#include <linux/ptrace.h>
#include <linux/openat2.h>

#include "sandbox/internal.h"
#include "sys/sys.h"
#include "trace/mem.h"
#include "trace/trace.h"
#include "util/log.h"
#include "util/xalloc.h"

#define PATH_CAP 4096
#define ARGV_MAX 256
#define ARGV_TOTAL (64 * 1024)
#define NBUCKET 1024

struct thr {
	pid_t tid;
	size_t proc;	 /* index into t->procs */
	bool in_syscall; /* between a seccomp stop and its exit stop */
	bool denied;
	bool have_event;
	struct event ev;  /* pending, copied into the log at the exit stop */
	int dupfd;	  /* socket of a pending connect/sendto, or -1 */
	struct thr *next; /* hash chain */
};

struct portmap {
	int socktype, port, pid;
};

/* A tracee whose exit came before the fork event that names it. */
struct departed {
	pid_t tid;
	int status;
	uint64_t t_end;
};

#define DEPARTED_MAX 64

struct tracer {
	struct departed departed[DEPARTED_MAX];
	size_t ndeparted;
	struct evlog *log;
	struct tracer_hooks hooks;
	uint64_t t0;
	pid_t init;
	int step;
	struct thr *tab[NBUCKET];
	struct tproc *procs;
	size_t nprocs, aprocs;
	struct portmap *ports;
	size_t nports, aports;
	struct tracer_stats stats;
};

static struct thr *thr_find(struct tracer *t, pid_t tid)
{
	for (struct thr *h = t->tab[tid % NBUCKET]; h; h = h->next)
		if (h->tid == tid)
			return h;
	return NULL;
}

static void thr_remove(struct tracer *t, pid_t tid)
{
	for (struct thr **pp = &t->tab[tid % NBUCKET]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid != tid)
			continue;
		struct thr *h = *pp;
		*pp = h->next;
		if (h->dupfd >= 0)
			close(h->dupfd);
		if (h->have_event) {
			/* The tracee died inside the call: keep what we know. */
			h->ev.ret = -EINTR;
			*evlog_add(t->log, h->ev.type, h->ev.syscall) = h->ev;
		}
		free(h);
		return;
	}
}

/* Tgid and PPid of a new tracee, from one read of /proc/<tid>/status. */
static void read_ids(pid_t tid, int *tgid, int *ppid)
{
	char path[64], line[256];
	FILE *f;

	*tgid = *ppid = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && (*tgid < 0 || *ppid < 0)) {
		if (!strncmp(line, "Tgid:", 5))
			*tgid = atoi(line + 5);
		else if (!strncmp(line, "PPid:", 5))
			*ppid = atoi(line + 5);
	}
	fclose(f);
}

static size_t proc_find(const struct tracer *t, int pid)
{
	for (size_t i = t->nprocs; i-- > 0;)
		if (t->procs[i].pid == pid && !t->procs[i].exited)
			return i;
	return (size_t)-1;
}

static size_t proc_new(struct tracer *t, int pid, int ppid, int step)
{
	xgrow(&t->procs, &t->aprocs, t->nprocs + 1, sizeof(*t->procs));
	struct tproc *p = &t->procs[t->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->step = step;
	p->t_start = ev_now_us() - t->t0;
	t->stats.processes++;
	return t->nprocs++;
}

/* A tracee we have not seen: a new process or thread.  Its thread group
 * and parent come from /proc (reported in our pid namespace). */
static struct thr *thr_new(struct tracer *t, pid_t tid)
{
	struct thr *h = xcalloc(1, sizeof(*h));
	int tgid, ppid;
	size_t pi;

	read_ids(tid, &tgid, &ppid);
	h->tid = tid;
	h->dupfd = -1;
	if (tgid <= 0)
		tgid = tid;
	if (tgid != tid && (pi = proc_find(t, tgid)) != (size_t)-1) {
		t->stats.threads++;
	} else {
		size_t parent = proc_find(t, ppid);
		int step = parent != (size_t)-1 ? t->procs[parent].step : -1;
		if (ppid == t->init || tid == t->init)
			step = tid == t->init ? -1 : t->step;
		pi = proc_new(t, tgid, ppid == t->init ? 0 : ppid, step);
	}
	h->proc = pi;
	h->next = t->tab[tid % NBUCKET];
	t->tab[tid % NBUCKET] = h;
	return h;
}

static void event_init(struct tracer *t, struct thr *h, struct event *e, enum ev_type type,
		       const char *name)
{
	const struct tproc *p = &t->procs[h->proc];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->syscall = name;
	e->t_us = ev_now_us() - t->t0;
	e->pid = p->pid;
	e->ppid = p->ppid;
	e->step = p->step;
}

static void port_remember(struct tracer *t, int socktype, int port, int pid)
{
	for (size_t i = 0; i < t->nports; i++)
		if (t->ports[i].port == port && t->ports[i].socktype == socktype) {
			t->ports[i].pid = pid;
			return;
		}
	xgrow(&t->ports, &t->aports, t->nports + 1, sizeof(*t->ports));
	t->ports[t->nports++] = (struct portmap){socktype, port, pid};
}

/* ---- decoders ----------------------------------------------------------- */

static char *arg_path(pid_t pid, uint64_t addr)
{
	bool trunc;
	return tmem_str(pid, addr, PATH_CAP, &trunc);
}

static void set_path(struct event *e, pid_t pid, int dirfd, uint64_t addr)
{
	char *raw = arg_path(pid, addr);
	if (!raw)
		return;
	e->path = raw[0] ? tpath_resolve(pid, dirfd, raw) : tpath_fd(pid, dirfd);
	free(raw);
}

static void set_path2(struct event *e, pid_t pid, int dirfd, uint64_t addr)
{
	char *raw = arg_path(pid, addr);
	if (!raw)
		return;
	e->path2 = tpath_resolve(pid, dirfd, raw);
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

/* Decodes a sockaddr into the event; returns the family. */
static int decode_sockaddr(struct event *e, pid_t pid, uint64_t addr, uint64_t len)
{
	struct sockaddr_storage ss;

	if (!addr || len < sizeof(sa_family_t))
		return 0;
	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (tmem_read(pid, addr, &ss, len) < (ssize_t)sizeof(sa_family_t))
		return 0;
	e->family = ss.ss_family;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in6->sin6_port);
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t plen = len - offsetof(struct sockaddr_un, sun_path);
		if (plen > 0 && un->sun_path[0] == '\0') {
			/* abstract socket: shown with a leading '@' */
			e->path = xasprintf("@%.*s", (int)(plen - 1), un->sun_path + 1);
		} else if (plen > 0) {
			e->path = xstrndup(un->sun_path, plen);
		}
	}
	return ss.ss_family;
}

static int dup_socket(pid_t pid, int fd, int *socktype)
{
	int pidfd = sys_pidfd_open(pid);
	int dfd = -1;
	socklen_t sl = sizeof(*socktype);

	if (pidfd < 0)
		return -1;
	dfd = sys_pidfd_getfd(pidfd, fd);
	close(pidfd);
	if (dfd < 0)
		return -1;
	if (getsockopt(dfd, SOL_SOCKET, SO_TYPE, socktype, &sl) < 0) {
		close(dfd);
		return -1;
	}
	return dfd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* For an IP destination: find the socket type and make the netsink listen. */
static void prepare_ip_dest(struct tracer *t, struct thr *h, int fd)
{
	struct event *e = &h->ev;
	int st = 0;

	if (e->family != AF_INET && e->family != AF_INET6 && e->family != AF_UNIX)
		return;
	/* pidfd_open() wants the thread-group leader; the fd table is shared. */
	h->dupfd = dup_socket(t->procs[h->proc].pid, fd, &st);
	e->socktype = st;
	if (e->family == AF_UNIX)
		return;
	if (t->hooks.ensure_listener && e->port > 0 && (st == SOCK_STREAM || st == SOCK_DGRAM))
		t->hooks.ensure_listener(t->hooks.ctx, st, e->port);
}

static uint64_t iov_total(pid_t pid, uint64_t iov, uint64_t n)
{
	uint64_t total = 0;

	if (n > 1024)
		n = 1024;
	for (uint64_t i = 0; i < n; i++) {
		struct iovec v;
		if (tmem_read(pid, iov + i * sizeof(v), &v, sizeof(v)) != (ssize_t)sizeof(v))
			break;
		total += v.iov_len;
	}
	return total;
}

/* Fills h->ev for the syscall at its entry.  Returns false for a syscall
 * that needs no exit stop. */
static bool decode_entry(struct tracer *t, struct thr *h, pid_t tid, long nr, const uint64_t *a)
{
	struct event *e = &h->ev;
	const char *name = NULL;

#define START(type, n)                                                                             \
	do {                                                                                       \
		name = n;                                                                          \
		event_init(t, h, e, type, name);                                                   \
	} while (0)
	switch (nr) {
	case SYS_execve:
		START(EV_EXEC, "execve");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->argv = tmem_argv(tid, a[1], ARGV_MAX, ARGV_TOTAL);
		e->cwd = tpath_resolve(tid, AT_FDCWD, ".");
		break;
	case SYS_execveat:
		START(EV_EXEC, "execveat");
		set_path(e, tid, (int)a[0], a[1]);
		e->argv = tmem_argv(tid, a[2], ARGV_MAX, ARGV_TOTAL);
		e->cwd = tpath_resolve(tid, AT_FDCWD, ".");
		break;
	case SYS_open:
		START(EV_FILE, "open");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = open_flags(a[1]);
		e->mode = (unsigned)a[2];
		break;
	case SYS_openat:
		START(EV_FILE, "openat");
		set_path(e, tid, (int)a[0], a[1]);
		e->fflags = open_flags(a[2]);
		e->mode = (unsigned)a[3];
		break;
	case SYS_openat2: {
		struct open_how how = {0};
		START(EV_FILE, "openat2");
		set_path(e, tid, (int)a[0], a[1]);
		if (tmem_read(tid, a[2], &how, sizeof(how)) > 0) {
			e->fflags = open_flags(how.flags);
			e->mode = (unsigned)how.mode;
		}
		break;
	}
	case SYS_creat:
		START(EV_FILE, "creat");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_WRITE | FF_CREATE | FF_TRUNC;
		e->mode = (unsigned)a[1];
		break;
	case SYS_unlink:
	case SYS_rmdir:
		START(EV_FILE, nr == SYS_unlink ? "unlink" : "rmdir");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_DELETE | (nr == SYS_rmdir ? FF_DIR : 0);
		break;
	case SYS_unlinkat:
		START(EV_FILE, "unlinkat");
		set_path(e, tid, (int)a[0], a[1]);
		e->fflags = FF_DELETE | ((a[2] & AT_REMOVEDIR) ? FF_DIR : 0);
		break;
	case SYS_rename:
		START(EV_FILE, "rename");
		set_path(e, tid, AT_FDCWD, a[0]);
		set_path2(e, tid, AT_FDCWD, a[1]);
		e->fflags = FF_RENAME;
		break;
	case SYS_renameat:
	case SYS_renameat2:
		START(EV_FILE, nr == SYS_renameat ? "renameat" : "renameat2");
		set_path(e, tid, (int)a[0], a[1]);
		set_path2(e, tid, (int)a[2], a[3]);
		e->fflags = FF_RENAME;
		break;
	case SYS_chmod:
		START(EV_FILE, "chmod");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_CHMOD;
		e->mode = (unsigned)a[1];
		break;
	case SYS_fchmod:
		START(EV_FILE, "fchmod");
		e->path = tpath_fd(tid, (int)a[0]);
		e->fflags = FF_CHMOD;
		e->mode = (unsigned)a[1];
		break;
	case SYS_fchmodat:
		START(EV_FILE, "fchmodat");
		set_path(e, tid, (int)a[0], a[1]);
		e->fflags = FF_CHMOD;
		e->mode = (unsigned)a[2];
		break;
	case SYS_chown:
	case SYS_lchown:
		START(EV_FILE, nr == SYS_chown ? "chown" : "lchown");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_CHOWN;
		e->arg = (long)a[1];
		break;
	case SYS_fchown:
		START(EV_FILE, "fchown");
		e->path = tpath_fd(tid, (int)a[0]);
		e->fflags = FF_CHOWN;
		e->arg = (long)a[1];
		break;
	case SYS_fchownat:
		START(EV_FILE, "fchownat");
		set_path(e, tid, (int)a[0], a[1]);
		e->fflags = FF_CHOWN;
		e->arg = (long)a[2];
		break;
	case SYS_link:
	case SYS_symlink:
		START(EV_FILE, nr == SYS_link ? "link" : "symlink");
		if (nr == SYS_symlink)
			e->path2 = arg_path(tid, a[0]); /* the target, as written */
		else
			set_path2(e, tid, AT_FDCWD, a[0]);
		set_path(e, tid, AT_FDCWD, a[1]);
		e->fflags = FF_LINK | FF_CREATE;
		break;
	case SYS_linkat:
		START(EV_FILE, "linkat");
		set_path2(e, tid, (int)a[0], a[1]);
		set_path(e, tid, (int)a[2], a[3]);
		e->fflags = FF_LINK | FF_CREATE;
		break;
	case SYS_symlinkat:
		START(EV_FILE, "symlinkat");
		e->path2 = arg_path(tid, a[0]);
		set_path(e, tid, (int)a[1], a[2]);
		e->fflags = FF_LINK | FF_CREATE;
		break;
	case SYS_mkdir:
		START(EV_FILE, "mkdir");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_MKDIR | FF_DIR | FF_CREATE;
		e->mode = (unsigned)a[1];
		break;
	case SYS_mkdirat:
		START(EV_FILE, "mkdirat");
		set_path(e, tid, (int)a[0], a[1]);
		e->fflags = FF_MKDIR | FF_DIR | FF_CREATE;
		e->mode = (unsigned)a[2];
		break;
	case SYS_truncate:
		START(EV_FILE, "truncate");
		set_path(e, tid, AT_FDCWD, a[0]);
		e->fflags = FF_TRUNC | FF_WRITE;
		e->len = a[1];
		break;
	case SYS_socket:
		START(EV_SOCKET, "socket");
		e->family = (int)a[0];
		e->socktype = (int)(a[1] & 0xf);
		e->arg = (long)a[2];
		break;
	case SYS_connect:
		START(EV_CONNECT, "connect");
		decode_sockaddr(e, tid, a[1], a[2]);
		prepare_ip_dest(t, h, (int)a[0]);
		break;
	case SYS_bind:
		START(EV_BIND, "bind");
		decode_sockaddr(e, tid, a[1], a[2]);
		break;
	case SYS_listen:
		START(EV_LISTEN, "listen");
		e->arg = (long)a[1];
		{
			int st = 0;
			int fd = dup_socket(t->procs[h->proc].pid, (int)a[0], &st);
			if (fd >= 0) {
				e->port = local_port(fd);
				e->socktype = st;
				close(fd);
			}
		}
		break;
	case SYS_sendto:
		START(EV_SEND, "sendto");
		e->len = a[2];
		decode_sockaddr(e, tid, a[4], a[5]);
		prepare_ip_dest(t, h, (int)a[0]);
		break;
	case SYS_sendmsg: {
		struct msghdr m;
		START(EV_SEND, "sendmsg");
		if (tmem_read(tid, a[1], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
			decode_sockaddr(e, tid, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
			e->len = iov_total(tid, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen);
		}
		prepare_ip_dest(t, h, (int)a[0]);
		break;
	}
	case SYS_sendmmsg: {
		struct mmsghdr mm;
		START(EV_SEND, "sendmmsg");
		e->arg = (long)a[2];
		for (uint64_t i = 0; i < a[2] && i < 64; i++) {
			if (tmem_read(tid, a[1] + i * sizeof(mm), &mm, sizeof(mm)) !=
			    (ssize_t)sizeof(mm))
				break;
			if (i == 0)
				decode_sockaddr(e, tid, (uint64_t)(uintptr_t)mm.msg_hdr.msg_name,
						mm.msg_hdr.msg_namelen);
			e->len += iov_total(tid, (uint64_t)(uintptr_t)mm.msg_hdr.msg_iov,
					    mm.msg_hdr.msg_iovlen);
		}
		prepare_ip_dest(t, h, (int)a[0]);
		break;
	}
	case SYS_setsid:
		START(EV_PROC, "setsid");
		break;
	case SYS_kill:
	case SYS_tkill:
		START(EV_PROC, nr == SYS_kill ? "kill" : "tkill");
		e->arg = (long)a[1];
		e->len = a[0]; /* target pid, as the tracee sees it */
		break;
	case SYS_tgkill:
		START(EV_PROC, "tgkill");
		e->arg = (long)a[2];
		e->len = a[1];
		break;
	case SYS_memfd_create:
		START(EV_PROC, "memfd_create");
		e->path = arg_path(tid, a[0]);
		e->arg = (long)a[1];
		break;
	case SYS_prctl:
		START(EV_PROC, "prctl");
		e->arg = (long)a[0];
		if (a[0] == 15 /* PR_SET_NAME */) {
			char name16[17] = "";
			if (tmem_read(tid, a[1], name16, 16) > 0)
				e->path = xstrndup(name16, 16);
		}
		break;
	case SYS_ptrace:
		START(EV_DENIED, "ptrace");
		e->arg = (long)a[0];
		break;
	default:
		return false;
	}
#undef START
	return true;
}

static const char *syscall_name(long nr)
{
	static const struct {
		long nr;
		const char *name;
	} names[] = {
		{SYS_mount, "mount"},
		{SYS_umount2, "umount2"},
		{SYS_pivot_root, "pivot_root"},
		{SYS_chroot, "chroot"},
		{SYS_reboot, "reboot"},
		{SYS_kexec_load, "kexec_load"},
		{SYS_init_module, "init_module"},
		{SYS_finit_module, "finit_module"},
		{SYS_delete_module, "delete_module"},
		{SYS_bpf, "bpf"},
		{SYS_perf_event_open, "perf_event_open"},
		{SYS_keyctl, "keyctl"},
		{SYS_add_key, "add_key"},
		{SYS_request_key, "request_key"},
		{SYS_io_uring_setup, "io_uring_setup"},
		{SYS_io_uring_enter, "io_uring_enter"},
		{SYS_io_uring_register, "io_uring_register"},
		{SYS_process_vm_writev, "process_vm_writev"},
		{SYS_setns, "setns"},
		{SYS_unshare, "unshare"},
		{SYS_userfaultfd, "userfaultfd"},
		{SYS_open_by_handle_at, "open_by_handle_at"},
		{SYS_clone, "clone"},
		{SYS_ptrace, "ptrace"},
		{SYS_swapon, "swapon"},
		{SYS_syslog, "syslog"},
		{SYS_settimeofday, "settimeofday"},
		{SYS_clock_settime, "clock_settime"},
		{SYS_iopl, "iopl"},
		{SYS_ioperm, "ioperm"},
		{SYS_kcmp, "kcmp"},
		{SYS_pidfd_getfd, "pidfd_getfd"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return "syscall";
}

static void set_return(pid_t tid, long nr, long ret)
{
	struct user_regs_struct regs;
	struct iovec iov = {&regs, sizeof(regs)};

	if (ptrace(PTRACE_GETREGSET, tid, (void *)1 /* NT_PRSTATUS */, &iov) < 0)
		return;
	if (nr != -2)
		regs.orig_rax = (unsigned long long)nr;
	regs.rax = (unsigned long long)ret;
	ptrace(PTRACE_SETREGSET, tid, (void *)1, &iov);
}

static void on_seccomp_stop(struct tracer *t, struct thr *h, pid_t tid)
{
	struct ptrace_syscall_info info;
	long r;

	t->stats.seccomp_stops++;
	r = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	if (r <= 0 || info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		ptrace(PTRACE_CONT, tid, 0, 0);
		return;
	}
	long nr = (long)info.seccomp.nr;
	const uint64_t *a = (const uint64_t *)info.seccomp.args;

	if (info.seccomp.ret_data == SECCOMP_DENY_DATA || nr == SYS_ptrace) {
		event_init(t, h, &h->ev, EV_DENIED, syscall_name(nr));
		h->ev.arg = (long)a[0];
		h->ev.ret = -EPERM;
		*evlog_add(t->log, EV_DENIED, h->ev.syscall) = h->ev;
		memset(&h->ev, 0, sizeof(h->ev));
		t->stats.denied++;
		/* Skip the call: syscall number -1, result -EPERM. */
		set_return(tid, -1, -EPERM);
		h->denied = true;
		h->in_syscall = true;
		ptrace(PTRACE_SYSCALL, tid, 0, 0);
		return;
	}
	if (decode_entry(t, h, tid, nr, a)) {
		h->have_event = true;
		h->in_syscall = true;
		ptrace(PTRACE_SYSCALL, tid, 0, 0);
		return;
	}
	ptrace(PTRACE_CONT, tid, 0, 0);
}

static bool is_noise(const struct event *e)
{
	/* Successful read-only opens of the system's own files (node's and
	 * the loader's) are kept out of the report: thousands per package,
	 * no information. */
	static const char *const sys_prefixes[] = {
		"/usr/", "/lib/", "/lib64/", "/etc/ld.so.", "/sys/", "/dev/null", "/dev/urandom"};
	if (e->type != EV_FILE || !e->path)
		return false;
	if (!strcmp(e->path, "/dev/null") || !strcmp(e->path, "/dev/tty"))
		return true;
	if (e->fflags & ~(FF_READ | FF_DIR))
		return false;
	for (size_t i = 0; i < sizeof(sys_prefixes) / sizeof(sys_prefixes[0]); i++)
		if (!strncmp(e->path, sys_prefixes[i], strlen(sys_prefixes[i])))
			return true;
	return false;
}

static void finish_event(struct tracer *t, struct thr *h, long ret)
{
	struct event *e = &h->ev;

	e->ret = ret;
	if ((e->type == EV_CONNECT || e->type == EV_SEND) && h->dupfd >= 0) {
		int port = local_port(h->dupfd);
		if (port)
			port_remember(t, e->socktype, port, e->pid);
	}
	if (e->type == EV_SOCKET)
		e->proto = xstrdup(e->socktype == SOCK_STREAM  ? "tcp"
				   : e->socktype == SOCK_DGRAM ? "udp"
							       : "other");
	if (h->dupfd >= 0) {
		close(h->dupfd);
		h->dupfd = -1;
	}
	if (e->type == EV_EXEC && ret == 0) {
		struct tproc *p = &t->procs[h->proc];
		free(p->exe);
		if (p->argv) {
			for (char **v = p->argv; *v; v++)
				free(*v);
			free(p->argv);
		}
		p->exe = e->path ? xstrdup(e->path) : NULL;
		size_t n = 0;
		while (e->argv && e->argv[n])
			n++;
		p->argv = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			p->argv[i] = xstrdup(e->argv[i]);
	}
	if (is_noise(e))
		event_release(e);
	else
		*evlog_add(t->log, e->type, e->syscall) = *e;
	memset(e, 0, sizeof(*e));
	h->have_event = false;
}

static void on_syscall_exit_stop(struct tracer *t, struct thr *h, pid_t tid)
{
	struct ptrace_syscall_info info;
	long r;

	t->stats.exit_stops++;
	r = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	if (r > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (h->denied)
			set_return(tid, -2, -EPERM);
		else if (h->have_event)
			finish_event(t, h, (long)info.exit.rval);
	}
	h->denied = false;
	h->in_syscall = false;
	ptrace(PTRACE_CONT, tid, 0, 0);
}

static void on_exec_event(struct tracer *t, pid_t tid)
{
	unsigned long former = 0;
	struct thr *h;

	ptrace(PTRACE_GETEVENTMSG, tid, 0, &former);
	if ((pid_t)former != tid) {
		/* A non-leader thread exec'd: it now has the leader's pid.
		 * Move its pending exec over and forget the old thread. */
		struct thr *old = thr_find(t, (pid_t)former);
		h = thr_find(t, tid);
		if (old && h && old->have_event) {
			h->ev = old->ev;
			h->have_event = true;
			old->have_event = false;
		}
		thr_remove(t, (pid_t)former);
	}
	h = thr_find(t, tid);
	if (h && h->have_event && h->ev.type == EV_EXEC)
		finish_event(t, h, 0);
	if (h)
		h->in_syscall = false;
	if (t->hooks.on_exec)
		t->hooks.on_exec(t->hooks.ctx, tid);
	ptrace(PTRACE_CONT, tid, 0, 0);
}

static void proc_exited(struct tracer *t, struct tproc *p, int status, uint64_t t_end)
{
	p->exited = true;
	p->t_end = t_end;
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	struct event *e = evlog_add(t->log, EV_EXIT, "exit");
	e->t_us = p->t_end;
	e->pid = p->pid;
	e->ppid = p->ppid;
	e->step = p->step;
	e->ret = p->status;
}

static void on_tracee_exit(struct tracer *t, pid_t tid, int status)
{
	struct thr *h = thr_find(t, tid);
	if (!h) {
		/* A child that ran and died before its parent's fork event
		 * was handled: keep its exit for that event. */
		if (t->ndeparted == DEPARTED_MAX)
			memmove(t->departed, t->departed + 1,
				(DEPARTED_MAX - 1) * sizeof(t->departed[0]));
		else
			t->ndeparted++;
		t->departed[t->ndeparted - 1] = (struct departed){tid, status, ev_now_us() - t->t0};
		return;
	}
	size_t pi = h->proc;
	struct tproc *p = &t->procs[pi];
	thr_remove(t, tid);
	if (p->pid != tid || p->exited)
		return; /* a thread; the process lives on */
	proc_exited(t, p, status, ev_now_us() - t->t0);
}

/* The fork event of |child|, whose exit was seen first: a process of the
 * parent's step, already gone.  Returns false if |child| is not departed. */
static bool child_departed(struct tracer *t, struct thr *parent, pid_t child)
{
	for (size_t i = 0; i < t->ndeparted; i++) {
		if (t->departed[i].tid != child)
			continue;
		struct departed d = t->departed[i];
		memmove(t->departed + i, t->departed + i + 1,
			(t->ndeparted - i - 1) * sizeof(t->departed[0]));
		t->ndeparted--;
		const struct tproc *pp = &t->procs[parent->proc];
		int ppid = pp->pid == t->init ? 0 : pp->pid;
		int step = pp->pid == t->init ? t->step : pp->step;
		size_t pi = proc_new(t, child, ppid, step);
		proc_exited(t, &t->procs[pi], d.status, d.t_end);
		return true;
	}
	return false;
}

/* Whether the child of a fork event already ran and exited: the parent
 * stays stopped at its event while the child's own stops and exit reach
 * us.  Such a child must not come back as a new process (of whatever step
 * runs by then).  A live child is registered by its own first stop. */
static bool child_gone(const struct tracer *t, pid_t child)
{
	for (size_t i = t->nprocs; i-- > 0;)
		if (t->procs[i].pid == child)
			return t->procs[i].exited;
	return false;
}

void tracer_handle(struct tracer *t, pid_t tid, int status)
{
	struct thr *h;

	t->stats.stops++;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_tracee_exit(t, tid, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	h = thr_find(t, tid);
	if (!h)
		h = thr_new(t, tid);

	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_exit_stop(t, h, tid);
		return;
	}
	if (sig == SIGTRAP && event) {
		switch (event) {
		case PTRACE_EVENT_SECCOMP:
			on_seccomp_stop(t, h, tid);
			return;
		case PTRACE_EVENT_EXEC:
			on_exec_event(t, tid);
			return;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE: {
			unsigned long child = 0;
			ptrace(PTRACE_GETEVENTMSG, tid, 0, &child);
			if (child && !thr_find(t, (pid_t)child) && !child_gone(t, (pid_t)child) &&
			    !child_departed(t, h, (pid_t)child))
				thr_new(t, (pid_t)child);
			ptrace(PTRACE_CONT, tid, 0, 0);
			return;
		}
		default:
			ptrace(PTRACE_CONT, tid, 0, 0);
			return;
		}
	}
	if (event == PTRACE_EVENT_STOP) {
		/* The initial stop of a new tracee, or a group-stop: run on. */
		ptrace(PTRACE_CONT, tid, 0, 0);
		return;
	}
	/* Signal-delivery-stop: deliver it. */
	ptrace(PTRACE_CONT, tid, 0, (void *)(uintptr_t)sig);
}

struct tracer *tracer_new(struct evlog *log, const struct tracer_hooks *hooks, uint64_t t0)
{
	struct tracer *t = xcalloc(1, sizeof(*t));

	t->log = log;
	if (hooks)
		t->hooks = *hooks;
	t->t0 = t0;
	t->step = -1;
	return t;
}

int tracer_seize(struct tracer *t, pid_t init)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |
		    PTRACE_O_EXITKILL;

	t->init = init;
	if (ptrace(PTRACE_SEIZE, init, 0, (void *)opts) < 0)
		return -errno;
	return 0;
}

void tracer_set_step(struct tracer *t, int step)
{
	t->step = step;
}

size_t tracer_sweep(struct tracer *t, int step)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nprocs; i++) {
		struct tproc *p = &t->procs[i];
		if (p->step != step || p->exited || p->pid == t->init)
			continue;
		/* A zombie still exists until we reap it: only a process that
		 * is truly gone gives ESRCH. */
		if (kill(p->pid, 0) == 0 || errno != ESRCH)
			continue;
		log_debug("process %d of step %d is gone, its exit was never seen", p->pid, step);
		proc_exited(t, p, 0, ev_now_us() - t->t0);
		p->status_lost = true;
		thr_remove(t, p->pid);
		n++;
	}
	return n;
}

size_t tracer_step_alive(const struct tracer *t, int step)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].step == step && !t->procs[i].exited)
			n++;
	return n;
}

bool tracer_step_status(const struct tracer *t, int step, int *status)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].step == step) {
			if (!t->procs[i].exited)
				return false;
			*status = t->procs[i].status;
			return true;
		}
	return false;
}

void tracer_kill_step(struct tracer *t, int step)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].step == step && !t->procs[i].exited)
			kill(t->procs[i].pid, SIGKILL);
}

int tracer_pid_for_port(const struct tracer *t, int socktype, int port)
{
	for (size_t i = 0; i < t->nports; i++)
		if (t->ports[i].port == port && t->ports[i].socktype == socktype)
			return t->ports[i].pid;
	return 0;
}

const struct tproc *tracer_procs(const struct tracer *t, size_t *n)
{
	*n = t->nprocs;
	return t->procs;
}

const struct tracer_stats *tracer_get_stats(const struct tracer *t)
{
	return &t->stats;
}

void tracer_free(struct tracer *t)
{
	if (!t)
		return;
	for (size_t b = 0; b < NBUCKET; b++) {
		while (t->tab[b]) {
			struct thr *h = t->tab[b];
			t->tab[b] = h->next;
			if (h->dupfd >= 0)
				close(h->dupfd);
			if (h->have_event)
				event_release(&h->ev);
			free(h);
		}
	}
	for (size_t i = 0; i < t->nprocs; i++) {
		free(t->procs[i].exe);
		if (t->procs[i].argv) {
			for (char **v = t->procs[i].argv; *v; v++)
				free(*v);
			free(t->procs[i].argv);
		}
	}
	free(t->procs);
	free(t->ports);
	free(t);
}
