/* ptrace + seccomp tracer.  See trace.h.
 *
 * Stops: a seccomp stop at the entry of every filtered syscall (decode the
 * arguments, then PTRACE_SYSCALL), a syscall-exit stop (record the result,
 * then PTRACE_CONT), and the fork/clone/exec events.  Nothing else stops. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "syscall/syscall.h"
#include "trace/decode.h"
#include "trace/mem.h"
#include "trace/trace.h"
#include "util/log.h"
#include "util/xalloc.h"

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
	unsigned step_flags;
	struct thr *tab[NBUCKET];
	struct tproc *procs;
	size_t nprocs, aprocs;
	struct portmap *ports;
	size_t nports, aports;
	/* hard links the tracees made: an open of |link| reads |target| */
	struct hardlink {
		char *link, *target;
	} * links;
	size_t nlinks, alinks;
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
		if (h->have_event && t->procs[h->proc].hidden) {
			event_release(&h->ev);
		} else if (h->have_event) {
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

/* A new process whose parent is |parent| (NULL: not one we know): init's
 * children join the current step, with parent 0; under TRACER_LAUNCHER,
 * init's child is hidden, and so is the launcher's child until it execs,
 * also with parent 0 (it stands where init's child stood). */
static size_t proc_new(struct tracer *t, int pid, int ppid, const struct tproc *parent)
{
	bool from_init = ppid == t->init && pid != t->init;

	xgrow(&t->procs, &t->aprocs, t->nprocs + 1, sizeof(*t->procs));
	struct tproc *p = &t->procs[t->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = from_init ? 0 : ppid;
	p->step = pid == t->init ? -1 : from_init ? t->step : parent ? parent->step : -1;
	p->t_start = ev_now_us() - t->t0;
	if (from_init && (t->step_flags & TRACER_LAUNCHER)) {
		p->hidden = true;
	} else if (parent && parent->hidden && !parent->hidden_until_exec) {
		p->hidden = p->hidden_until_exec = true;
		p->ppid = 0;
	}
	if (!p->hidden)
		t->stats.processes++;
	return t->nprocs++;
}

/* A hidden child of a launcher execs: from now on it is the package's. */
static void proc_unhide(struct tracer *t, struct tproc *p)
{
	if (!p->hidden_until_exec)
		return;
	p->hidden = p->hidden_until_exec = false;
	t->stats.processes++;
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
		if (!t->procs[pi].hidden)
			t->stats.threads++;
	} else {
		size_t parent = proc_find(t, ppid);
		/* a copy: proc_new may move the table */
		struct tproc pp = parent != (size_t)-1 ? t->procs[parent] : (struct tproc){0};
		pi = proc_new(t, tgid, ppid, parent != (size_t)-1 ? &pp : NULL);
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

/* ---- decoders (decode_*.c), by row of syscall/syscalls.def ------------- */

/* Rows that name no decoder ("none") get NULL. */
#define decode_none NULL
static decode_fn *const decoders[SC__COUNT] = {
#define SC(name, action, kind, decoder) [SC_##name] = decode_##decoder,
#include "syscall/syscalls.def"
#undef SC
};
#undef decode_none

decode_fn *decode_find(const struct syscall_row *row)
{
	return row ? decoders[row->id] : NULL;
}

/* Fills h->ev for the syscall at its entry.  Returns false for a syscall
 * that needs no exit stop (no decoder). */
static bool decode_entry(struct tracer *t, struct thr *h, pid_t tid, const struct syscall_row *row,
			 const uint64_t *a)
{
	decode_fn *fn = decode_find(row);
	struct decode d = {
		.tid = tid,
		.pid = t->procs[h->proc].pid,
		.a = a,
		.e = &h->ev,
		.hooks = &t->hooks,
		.dupfd = -1,
	};

	if (!fn)
		return false;
	event_init(t, h, &h->ev, row->kind, row->name);
	fn(&d);
	h->dupfd = d.dupfd;
	return true;
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
	const struct syscall_row *row = syscall_find(nr);

	/* DENY rows, and traced rows the tracer refuses itself (ptrace). */
	if (info.seccomp.ret_data == SECCOMP_DENY_DATA || (row && row->kind == EV_DENIED)) {
		if (!t->procs[h->proc].hidden) {
			event_init(t, h, &h->ev, EV_DENIED, syscall_name(nr));
			h->ev.arg = (long)a[0];
			h->ev.ret = -EPERM;
			*evlog_add(t->log, EV_DENIED, h->ev.syscall) = h->ev;
			memset(&h->ev, 0, sizeof(h->ev));
			t->stats.denied++;
		}
		/* Skip the call: syscall number -1, result -EPERM. */
		set_return(tid, -1, -EPERM);
		h->denied = true;
		h->in_syscall = true;
		ptrace(PTRACE_SYSCALL, tid, 0, 0);
		return;
	}
	if (decode_entry(t, h, tid, row, a)) {
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

#define LINKS_MAX 4096

/* An open that succeeded names the file the kernel found: symlinks,
 * "/proc/self/root", "/proc/self/cwd" and ".." followed, and a hard link
 * the sandbox made mapped back to the file it links.  The path as given
 * stays in path2. */
static void resolve_opened(struct tracer *t, struct thr *h, long fd)
{
	struct event *e = &h->ev;
	const char *s = e->syscall;

	/* The system's own links (usrmerge, alternatives, /proc/self/fd)
	 * keep the names they were opened by: an alias worth resolving is
	 * one a package made, where it can write. */
	static const char *const kept[] = {"/proc/", "/dev/",  "/sys/", "/usr/", "/lib",
					   "/bin/",  "/sbin/", "/etc/", "/run/"};

	if (!e->path || e->type != EV_FILE || e->path2 ||
	    (strncmp(s, "open", 4) != 0 && strcmp(s, "creat") != 0))
		return;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (!strncmp(e->path, kept[i], strlen(kept[i])))
			return;
	char *real = tpath_fd(h->tid, (int)fd);
	size_t rl = real ? strlen(real) : 0;
	if (!real || real[0] != '/' || (rl > 10 && !strcmp(real + rl - 10, " (deleted)"))) {
		free(real);
		return;
	}
	for (size_t i = t->nlinks; i-- > 0;)
		if (!strcmp(t->links[i].link, real)) {
			free(real);
			real = xstrdup(t->links[i].target);
			break;
		}
	if (!strcmp(real, e->path)) {
		free(real);
		return;
	}
	e->path2 = e->path;
	e->path = real;
}

static void remember_link(struct tracer *t, const struct event *e)
{
	if (e->type != EV_FILE || !(e->fflags & FF_LINK) || !e->path || !e->path2 ||
	    strncmp(e->syscall, "link", 4) != 0 || t->nlinks >= LINKS_MAX)
		return;
	if (t->nlinks == t->alinks) {
		t->alinks = t->alinks ? 2 * t->alinks : 16;
		t->links = xrealloc(t->links, t->alinks * sizeof(*t->links));
	}
	const char *target = e->path2;
	for (size_t i = 0; i < t->nlinks; i++) /* a link of a link */
		if (!strcmp(t->links[i].link, target))
			target = t->links[i].target;
	t->links[t->nlinks++] = (struct hardlink){xstrdup(e->path), xstrdup(target)};
}

static void finish_event(struct tracer *t, struct thr *h, long ret)
{
	struct event *e = &h->ev;

	e->ret = ret;
	if (ret >= 0)
		resolve_opened(t, h, ret);
	if (ret == 0)
		remember_link(t, e);
	if ((e->type == EV_CONNECT || e->type == EV_SEND) && h->dupfd >= 0) {
		int port = decode_local_port(h->dupfd);
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
	if (is_noise(e) || t->procs[h->proc].hidden)
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
	if (h)
		proc_unhide(t, &t->procs[h->proc]);
	if (h && h->have_event && h->ev.type == EV_EXEC)
		finish_event(t, h, 0);
	if (h)
		h->in_syscall = false;
	if (t->hooks.on_exec && !(h && t->procs[h->proc].hidden))
		t->hooks.on_exec(t->hooks.ctx, tid);
	ptrace(PTRACE_CONT, tid, 0, 0);
}

static void proc_exited(struct tracer *t, struct tproc *p, int status, uint64_t t_end)
{
	p->exited = true;
	p->t_end = t_end;
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	if (p->hidden)
		return;
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
		struct tproc pp = t->procs[parent->proc]; /* a copy: the table may move */
		size_t pi = proc_new(t, child, pp.pid, &pp);
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
	int event = (int)((unsigned)status >> 16);
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

void tracer_set_step(struct tracer *t, int step, unsigned flags)
{
	t->step = step;
	t->step_flags = flags;
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
	for (size_t i = 0; i < t->nlinks; i++) {
		free(t->links[i].link);
		free(t->links[i].target);
	}
	free(t->links);
	free(t);
}
