/* Sandbox start-up and control: the supervisor side (clone, id maps,
 * cgroups, the control channel) and init's side (namespaces, network,
 * mounts, the netsink, then a loop that starts steps and reaps orphans). */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>

#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "sys/sys.h"
#include "util/cleanup.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"

/* The host uid the sandbox user maps to when snare runs as root: owns
 * nothing on the host. */
#define ROOT_MODE_HOST_UID 1001000

struct sandbox {
	const struct sandbox_config *cfg;
	pid_t init_pid;
	int ctl_fd;
	struct sandbox_enforced enf;
	struct cgroup_handle cg;
	char root[4096];
};

static uint32_t str_seed(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int write_proc(pid_t pid, const char *file, const char *val)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return fs_write_str(path, val);
}

static int write_id_maps(pid_t pid, bool root)
{
	char map[128];
	int r;

	if (root) {
		snprintf(map, sizeof(map), "0 0 1\n%d %d 1\n", SANDBOX_UID, ROOT_MODE_HOST_UID);
		if ((r = write_proc(pid, "uid_map", map)) < 0)
			return r;
		snprintf(map, sizeof(map), "0 0 1\n%d %d 1\n", SANDBOX_GID, ROOT_MODE_HOST_UID);
		return write_proc(pid, "gid_map", map);
	}
	snprintf(map, sizeof(map), "%d %d 1\n", SANDBOX_UID, (int)getuid());
	if ((r = write_proc(pid, "uid_map", map)) < 0)
		return r;
	if ((r = write_proc(pid, "setgroups", "deny")) < 0)
		return r;
	snprintf(map, sizeof(map), "%d %d 1\n", SANDBOX_GID, (int)getgid());
	return write_proc(pid, "gid_map", map);
}

/* ---- init (pid 1 inside) ---------------------------------------------- */

/* What the package sees of init and the netsink in /proc: they are forks
 * of snare, so their argv is snare's own command line (host paths, the
 * report's path) and their comm is "snare".  The argument area is
 * overwritten in place as setproctitle(3) does (the kernel then reads the
 * command line up to the first NUL, into the environment area if need be)
 * and comm renamed.  Best effort: a title that does not fit is cut. */
static void set_title(const char *comm, const char *title)
{
	char stat[1024];
	unsigned long v[4] = {0}; /* arg_start, arg_end, env_start, env_end */
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, stat, sizeof(stat) - 1) : -1;

	if (fd >= 0)
		close(fd);
	prctl(PR_SET_NAME, comm);
	if (n <= 0)
		return;
	stat[n] = '\0';
	char *p = strrchr(stat, ')');
	/* fields 48-51 (arg_start .. env_end); |p| is at field 2's end */
	for (int field = 2; p && field < 51; field++) {
		p = strchr(p + 1, ' ');
		if (p && field >= 47)
			v[field - 47] = strtoul(p + 1, NULL, 10);
	}
	if (!v[0] || v[1] <= v[0])
		return;
	size_t room = (v[2] == v[1] && v[3] > v[2] ? v[3] : v[1]) - v[0];
	char *area = (char *)(uintptr_t)v[0];
	size_t len = strlen(title);
	if (len >= room)
		len = room - 1;
	memset(area, 0, room);
	for (size_t i = 0; i < len; i++) /* the NUL after it is the memset's */
		area[i] = title[i];
	/* argv's last byte not NUL: the kernel stops at the title's NUL */
	if (len + 1 < v[1] - v[0])
		area[v[1] - v[0] - 1] = ' ';
}

struct init_state {
	const struct sandbox_config *cfg;
	struct sock_fprog prog;
	int ctl;
};

static void send_status(int ctl, const char *msg)
{
	/* "R" ready, or "E<reason>". */
	if (send(ctl, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		_exit(120);
}

static void __attribute__((noreturn)) run_step_child(const struct init_state *st, size_t k)
{
	const struct sandbox_step *step = &st->cfg->steps[k];
	int devnull = open("/dev/null", O_RDONLY);

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(st->cfg->out_fd, 1) < 0 ||
	    dup2(st->cfg->err_fd, 2) < 0)
		_exit(126);
	if (step->harness && st->cfg->harness_fd >= 0) {
		/* dup2 clears close-on-exec on the copy; the original may
		 * already be that number. */
		int h = st->cfg->harness_fd;
		if (h == SANDBOX_HARNESS_FD ? fcntl(h, F_SETFD, 0) < 0
					    : dup2(h, SANDBOX_HARNESS_FD) < 0)
			_exit(126);
		close_range(SANDBOX_HARNESS_FD + 1, ~0U, 0);
	} else {
		close_range(3, ~0U, 0);
	}
	if (chdir(step->cwd) < 0 && chdir(st->cfg->id->home) < 0)
		_exit(126);
	if (limits_apply_rlimits(&st->cfg->limits) < 0)
		_exit(126);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(126);
	/* The filter goes on while the child still holds CAP_SYS_ADMIN in the
	 * sandbox's user namespace, so no_new_privs is not needed for it (it
	 * would read "NoNewPrivs: 1" in /proc/self/status, which a developer's
	 * shell does not).  What no_new_privs would add, no setuid or
	 * file-capability gain on exec, every mount of the sandbox gives:
	 * all are nosuid.  The calls after it are ones the filter allows. */
	if (sys_seccomp_set_filter(&st->prog) < 0)
		_exit(126);
	if (getuid() == 0) {
		if (setgroups(0, NULL) < 0 ||
		    setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) < 0 ||
		    setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0)
			_exit(126);
	}
	if (st->cfg->untraced && setpgid(0, 0) < 0)
		_exit(126);
	execve(step->argv[0], step->argv, step->envp);
	_exit(127);
}

/* The next pid the namespace hands out is |pid| (best effort). */
static void set_next_pid(int pid)
{
	char v[16];
	int n = snprintf(v, sizeof(v), "%d", pid - 1);
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, v, (size_t)n) < 0)
			log_debug("cannot set ns_last_pid: %s", strerror(errno));
		close(fd);
	}
}

/* What a Debian laptop runs as root, as far as a process list goes: a
 * machine with four processes and pids under ten is a fresh pid
 * namespace.  Each decoy is a fork of init that only waits; it keeps
 * init's uid and capabilities, so the package can neither signal it nor
 * read its /proc/N/exe (which would name snare's binary).  The pids are
 * about where a booted machine has them.  Titles are one string each
 * (see set_title()). */
static const struct {
	const char *comm, *title;
	int pid;
} decoys[] = {
	{"systemd-journal", "/lib/systemd/systemd-journald", 301},
	{"systemd-udevd", "/lib/systemd/systemd-udevd", 334},
	{"cron", "/usr/sbin/cron", 642},
	{"systemd-logind", "/lib/systemd/systemd-logind", 668},
	{"udisksd", "/usr/libexec/udisks2/udisksd", 689},
	{"sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", 807},
};
#define NETSINK_PID 597

static void start_decoys(uint32_t seed)
{
	for (size_t i = 0; i < sizeof(decoys) / sizeof(decoys[0]); i++) {
		set_next_pid(decoys[i].pid + (int)(seed % 17));
		pid_t p = fork();
		if (p != 0)
			continue;
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		close_range(3, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		set_title(decoys[i].comm, decoys[i].title);
		for (;;)
			pause();
	}
}

/* Untraced: tells the supervisor that step |k| ended ("X<k> <status>"). */
static void send_step_end(int ctl, size_t k, int status)
{
	char msg[48];

	snprintf(msg, sizeof(msg), "X%zu %d", k, status);
	send_status(ctl, msg);
}

/* Reaps orphans and, untraced, reports the end of each step's first
 * process. */
static void reap(const struct init_state *st, pid_t *step_pids)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, __WALL | WNOHANG)) > 0) {
		if (!step_pids)
			continue;
		for (size_t k = 0; k < st->cfg->nsteps; k++) {
			if (step_pids[k] == p)
				send_step_end(st->ctl, k,
					      WIFEXITED(status) ? WEXITSTATUS(status)
								: -WTERMSIG(status));
		}
	}
}

/* One message from the supervisor: "<k>" starts step k, "K<k>" kills it
 * (untraced runs).  Exits when the supervisor has gone. */
static void on_control(struct init_state *st, pid_t *step_pids, const sigset_t *mask)
{
	char buf[64];
	ssize_t n = recv(st->ctl, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		_exit(0); /* supervisor closed: tear everything down */
	buf[n] = '\0';
	bool kill_it = buf[0] == 'K';
	size_t k = strtoul(buf + kill_it, NULL, 10);
	if (k >= st->cfg->nsteps)
		return;
	if (kill_it) {
		if (step_pids && step_pids[k] > 0)
			kill(-step_pids[k], SIGKILL);
		return;
	}
	pid_t p = fork();
	if (p == 0) {
		sigprocmask(SIG_UNBLOCK, mask, NULL);
		run_step_child(st, k);
	}
	if (p > 0 && step_pids) {
		step_pids[k] = p;
		setpgid(p, p); /* also here: a kill may come before the child's own */
	} else if (p < 0 && step_pids) {
		send_step_end(st->ctl, k, 126);
	}
}

static void __attribute__((noreturn))
init_main(const struct sandbox_config *cfg, int sync_fd, int ctl, const char *newroot,
	  struct sock_fprog prog)
{
	struct init_state st = {.cfg = cfg, .prog = prog, .ctl = ctl};
	char err[512] = "", buf[64];
	uid_t uid = SANDBOX_UID;
	gid_t gid = SANDBOX_GID;
	sigset_t mask;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	set_title("systemd", "/sbin/init");
	/* The supervisor catches the signals that stop a run; nothing inside
	 * inherits its handlers or its mask. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (read(sync_fd, buf, 1) != 1)
		_exit(121); /* the supervisor gave up */
	if (net_setup_loopback_only(cfg->net_ipv6, str_seed(cfg->id->hostname), err, sizeof(err)) <
	    0)
		goto fail;
	if (sethostname(cfg->id->hostname, strlen(cfg->id->hostname)) < 0 ||
	    setdomainname("(none)", 6) < 0) {
		errbuf_set(err, sizeof(err), "cannot set the hostname: %s", strerror(errno));
		goto fail;
	}
	if (mount_build_root(cfg, newroot, uid, gid, err, sizeof(err)) < 0)
		goto fail;

	/* Init is in its cgroups from here on (the supervisor moved it there
	 * meanwhile), and so is everything it forks. */
	if (read(sync_fd, buf, 1) != 1)
		_exit(121);
	close(sync_fd);
	if (unshare(CLONE_NEWCGROUP) < 0)
		log_debug("no cgroup namespace: %s", strerror(errno));

	uint32_t seed = str_seed(cfg->id->hostname);
	start_decoys(seed);
	/* The netsink: in the sandbox's network namespace, untraced. */
	if (cfg->netsink_main) {
		set_next_pid(NETSINK_PID + (int)(seed % 17));
		pid_t ns = fork();
		if (ns < 0) {
			errbuf_set(err, sizeof(err), "cannot start the netsink: %s",
				   strerror(errno));
			goto fail;
		}
		if (ns == 0) {
			close(ctl);
			set_title("systemd-resolve", "/lib/systemd/systemd-resolved");
			_exit(cfg->netsink_main(cfg->netsink_fd, cfg->netsink_arg));
		}
		close(cfg->netsink_fd);
	}
	/* The package's processes: where a session some hours old is. */
	set_next_pid(2000 + (int)(seed % 20000));
	pid_t *step_pids = cfg->untraced ? xcalloc(cfg->nsteps + 1, sizeof(pid_t)) : NULL;
	send_status(ctl, "R");

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = ctl, .events = POLLIN},
					{.fd = sfd, .events = POLLIN}};
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			_exit(122);
		if (pfd[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			reap(&st, step_pids);
		}
		if (pfd[0].revents & POLLIN)
			on_control(&st, step_pids, &mask);
		else if (pfd[0].revents & (POLLHUP | POLLERR)) {
			_exit(0);
		}
	}
fail : {
	char msg[600];
	snprintf(msg, sizeof(msg), "E%s", err);
	send_status(ctl, msg);
	_exit(1);
}
}

/* ---- supervisor --------------------------------------------------------- */

struct sandbox *sandbox_start(const struct sandbox_config *cfg, char *err, size_t errlen)
{
	const unsigned long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
				    CLONE_NEWUTS | CLONE_NEWIPC;
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	struct sock_fprog prog = {0};
	int ctl[2] = {-1, -1}, sync[2] = {-1, -1};
	bool root = geteuid() == 0;
	char msg[600];
	ssize_t n;
	int r;

	sb->cfg = cfg;
	sb->ctl_fd = -1;
	snprintf(sb->root, sizeof(sb->root), "%s/root", cfg->workdir);
	if (mkdir(sb->root, 0755) < 0 && errno != EEXIST) {
		errbuf_set(err, errlen, "cannot create '%s': %s", sb->root, strerror(errno));
		goto fail;
	}
	if (seccomp_build(&prog, cfg->untraced, err, errlen) < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0 ||
	    pipe2(sync, O_CLOEXEC) < 0) {
		errbuf_set(err, errlen, "cannot create the control channel: %s", strerror(errno));
		goto fail;
	}
	sb->init_pid = sys_clone_fork(flags);
	if (sb->init_pid < 0) {
		errbuf_set(
			err, errlen,
			"cannot create the sandbox namespaces (user, pid, mount, net, uts, ipc): %s; "
			"refusing to run without isolation",
			strerror(errno));
		goto fail;
	}
	if (sb->init_pid == 0) {
		close(ctl[0]);
		close(sync[1]);
		init_main(cfg, sync[0], ctl[1], sb->root, prog);
	}
	close(ctl[1]);
	close(sync[0]);
	ctl[1] = sync[0] = -1;
	sb->ctl_fd = ctl[0];
	ctl[0] = -1;

	if ((r = write_id_maps(sb->init_pid, root)) < 0) {
		errbuf_set(err, errlen, "cannot map the sandbox user: %s", strerror(-r));
		goto fail;
	}
	sb->enf.userns_root = root;
	sb->enf.seccomp = true;
	sb->enf.rlimits = true;
	if (write(sync[1], "g", 1) != 1) {
		errbuf_set(err, errlen, "sandbox init died during start-up");
		goto fail;
	}
	/* While init builds the network and the mounts: moving a process into
	 * a cgroup can take milliseconds (an RCU grace period).  Init waits
	 * for the second byte before it forks anything. */
	limits_cgroup_setup(&cfg->limits, sb->init_pid, &sb->cg, &sb->enf);
	if (write(sync[1], "c", 1) != 1) {
		errbuf_set(err, errlen, "sandbox init died during start-up");
		goto fail;
	}
	close(sync[1]);
	sync[1] = -1;
	n = recv(sb->ctl_fd, msg, sizeof(msg) - 1, 0);
	if (n <= 0) {
		errbuf_set(err, errlen, "sandbox init died during start-up");
		goto fail;
	}
	msg[n] = '\0';
	if (msg[0] != 'R') {
		errbuf_set(err, errlen, "%s; refusing to run", msg + 1);
		goto fail;
	}
	free(prog.filter);
	return sb;
fail:
	free(prog.filter);
	for (int i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (sync[i] >= 0)
			close(sync[i]);
	}
	sandbox_free(sb);
	return NULL;
}

void sandbox_sweep_stale(void)
{
	limits_cgroup_sweep();
}

/* Read-only files with other links are a dependency store's: they keep
 * their owner (root), so the sandbox user can neither write nor chmod
 * them even where the project is bound rather than copied. */
static int prepare_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	if (S_ISREG(st->st_mode) && st->st_nlink > 1 && !(st->st_mode & S_IWUSR))
		return 0;
	return lchown(path, ROOT_MODE_HOST_UID, ROOT_MODE_HOST_UID) < 0 ? -1 : 0;
}

int sandbox_prepare_tree(const char *path)
{
	if (geteuid() != 0)
		return 0;
	return nftw(path, prepare_cb, 64, FTW_PHYS) < 0 ? -errno : 0;
}

pid_t sandbox_init_pid(const struct sandbox *sb)
{
	return sb->init_pid;
}

const struct sandbox_enforced *sandbox_enforced(const struct sandbox *sb)
{
	return &sb->enf;
}

/* Asks init about step |k|: "<k>" starts it, "K<k>" kills it. */
static int ctl_step_request(struct sandbox *sb, const char *verb, size_t k)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%s%zu", verb, k);

	if (send(sb->ctl_fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

int sandbox_run_step(struct sandbox *sb, size_t k)
{
	return ctl_step_request(sb, "", k);
}

int sandbox_ctl_fd(const struct sandbox *sb)
{
	return sb->ctl_fd;
}

int sandbox_step_ended(struct sandbox *sb, size_t *k, int *status)
{
	char buf[64];
	ssize_t n = recv(sb->ctl_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "X%zu %d", k, status) != 2)
		return 0;
	return 1;
}

int sandbox_kill_step(struct sandbox *sb, size_t k)
{
	return ctl_step_request(sb, "K", k);
}

void sandbox_kill(struct sandbox *sb)
{
	if (sb->ctl_fd >= 0) {
		close(sb->ctl_fd);
		sb->ctl_fd = -1;
	}
	if (sb->init_pid > 0)
		kill(sb->init_pid, SIGKILL);
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	sandbox_kill(sb);
	if (sb->init_pid > 0) {
		/* Reap everything until init is gone (its traced descendants,
		 * if the caller left any, would keep it from dying). */
		int status;
		pid_t p;
		while ((p = waitpid(-1, &status, __WALL)) > 0 || (p < 0 && errno == EINTR))
			if (p == sb->init_pid)
				break;
	}
	limits_cgroup_release(&sb->cg);
	rmdir(sb->root);
	free(sb);
}
