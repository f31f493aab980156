/* Driving a detonation: the supervisor's event loop over the tracer
 * (SIGCHLD via signalfd), the netsink channel and the steps' output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "netsink/netsink.h"
#include "run/internal.h"
#include "fetch/registry.h"
#include "run/run.h"
#include "tls/mitm.h"
#include "tls/nodeca.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/proc.h"
#include "util/xalloc.h"

#define OUTPUT_CAP ((size_t)64 * 1024)
#define SWEEP_US 500000 /* how often a step's vanished processes are looked for */
#define STEP_START_GRACE_US 10000000
#define KILL_GRACE_US 3000000 /* a killed step that lives on is given up on */
#define KILL_GRACE_ROUNDS 20
#define CALL_MS_DEFAULT 2000
/* A call still running this long past the harness's own per-call bound
 * is stuck in synchronous code: its step is killed. */
#define CALL_KILL_GRACE_US 1500000
#define HARNESS_MSG_MAX 65536

struct ctx {
	struct run_result *res;
	const struct run_options *opts;
	struct tracer *tracer;
	struct sandbox *sb;
	int sigfd, chan, out_fd, err_fd;
	int hchan;	    /* the harness channel's read end, or -1 */
	struct strbuf hbuf; /* its last, unfinished line */
	int phase;	    /* the running phase, for output attribution */
	int step;	    /* the running step, for the harness's messages */
	unsigned call_ms;   /* the harness's per-call bound */
	uint64_t t0;
	struct nodeca *nodeca; /* NULL: TLS not intercepted, or node not found */
};

const char *phase_name(enum phase_id p)
{
	static const char *const n[PHASE_COUNT] = {[PHASE_INSTALL] = "install",
						   [PHASE_PREPARE] = "prepare",
						   [PHASE_IMPORT] = "import",
						   [PHASE_EXECUTE] = "execute",
						   [PHASE_BROWSER] = "browser"};
	return (unsigned)p < PHASE_COUNT ? n[p] : "unknown";
}

const char *call_outcome_name(enum call_outcome o)
{
	static const char *const n[] = {"returned", "threw", "pending", "timeout", "crashed"};
	return (unsigned)o < sizeof(n) / sizeof(n[0]) ? n[o] : "unknown";
}

const char *step_state_name(enum step_state s)
{
	static const char *const n[] = {"not_run", "ok", "failed", "timeout", "error"};
	return (unsigned)s < 5 ? n[s] : "unknown";
}

static void on_exec(void *arg, pid_t pid)
{
	struct ctx *c = arg;
	int r;

	if (!c->nodeca)
		return;
	r = nodeca_patch(c->nodeca, pid);
	if (r < 0)
		log_warn("cannot give node process %d the interception CA: %s", (int)pid,
			 strerror(-r));
	else if (r > 0)
		c->res->node_ca_patched++;
}

static char *cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x && *x == '/')
		return xasprintf("%s/snare", x);
	if (home && *home == '/')
		return xasprintf("%s/.cache/snare", home);
	return NULL;
}

/* The run's interception CA, and node made to trust it. */
static int tls_setup(struct ctx *c, const struct run_options *opts, struct mitm **mitm, char *err,
		     size_t errlen)
{
	uint64_t seed = 1469598103934665603ULL;
	char nerr[512];

	if (opts->no_tls_intercept)
		return 0;
	for (const char *p = c->res->id.canaries[0].value; *p; p++)
		seed = (seed ^ (unsigned char)*p) * 1099511628211ULL;
	*mitm = mitm_new(seed, err, errlen);
	if (!*mitm)
		return -1;
	c->res->tls_intercept = true;
	char *dir = cache_dir();
	c->nodeca = nodeca_new("/usr/bin/node", mitm_ca_pem(*mitm), dir, nerr, sizeof(nerr));
	free(dir);
	if (!c->nodeca)
		log_warn("node will not trust the interception CA: %s", nerr);
	return 0;
}

static int step_of_pid(struct ctx *c, int pid)
{
	size_t n;
	const struct tproc *p = tracer_procs(c->tracer, &n);
	for (size_t i = n; i-- > 0;)
		if (p[i].pid == pid)
			return p[i].step;
	return -1;
}

static void handle_ns_msg(struct ctx *c, const struct ns_msg *m, const unsigned char *payload,
			  size_t len)
{
	struct event *e;

	if (m->kind == NS_DNS) {
		e = evlog_add(&c->res->log, EV_DNS, "dns");
		e->host = xstrndup((const char *)payload, len);
		e->arg = m->qtype;
		e->ret = m->flags & NSF_NXDOMAIN ? 3 : 0; /* the DNS rcode: 3 NXDOMAIN */
		snprintf(e->addr, sizeof(e->addr), "%s", m->addr);
		e->port = 53;
		e->proto = xstrdup(m->socktype == SOCK_STREAM ? "tcp" : "udp");
		e->pid = tracer_pid_for_port(
			c->tracer, m->socktype == SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, m->cport);
	} else if (m->kind == NS_CAPTURE) {
		e = evlog_add(&c->res->log, EV_CAPTURE, "capture");
		snprintf(e->addr, sizeof(e->addr), "%s", m->addr);
		e->port = m->dport;
		e->socktype = m->socktype;
		e->proto = xstrdup(m->socktype == SOCK_STREAM ? "tcp"
				   : m->socktype == SOCK_RAW  ? "icmp"
							      : "udp");
		e->len = m->total;
		e->stream_hits = m->stream_hits;
		e->inflated_hits = m->inflated_hits;
		e->data = xmemdup(payload, len);
		e->data_len = len;
		e->truncated = (m->flags & NSF_TRUNCATED) != 0;
		e->pid = m->socktype == SOCK_RAW
				 ? 0
				 : tracer_pid_for_port(c->tracer, m->socktype, m->cport);
		if (m->flags & (NSF_TLS | NSF_TLS_FAILED)) {
			e->tls = m->flags & NSF_TLS ? EV_TLS_DECRYPTED : EV_TLS_REFUSED;
			e->sni = xstrndup(m->sni, strnlen(m->sni, sizeof(m->sni)));
			e->alpn = xstrndup(m->alpn, strnlen(m->alpn, sizeof(m->alpn)));
			if (m->tls_error[0])
				e->tls_error = xstrndup(
					m->tls_error, strnlen(m->tls_error, sizeof(m->tls_error)));
		}
	} else {
		return;
	}
	e->t_us = m->t_us > c->t0 ? m->t_us - c->t0 : 0;
	e->step = e->pid ? step_of_pid(c, e->pid) : -1;
}

/* Reads one netsink message; returns its kind, 0 when none, -1 on EOF. */
static int read_ns(struct ctx *c)
{
	static unsigned char buf[sizeof(struct ns_msg) + NETSINK_CAPTURE_MAX + 64];
	ssize_t n = recv(c->chan, buf, sizeof(buf), MSG_DONTWAIT);
	struct ns_msg m;

	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	if ((size_t)n < sizeof(m))
		return 0;
	memcpy(&m, buf, sizeof(m));
	size_t plen = (size_t)n - sizeof(m);
	if (plen > m.len)
		plen = m.len;
	handle_ns_msg(c, &m, buf + sizeof(m), plen);
	return m.kind;
}

/* Sends a request and waits (up to 2 s) for the netsink's ACK, handling
 * whatever it reports meanwhile. */
static void ns_request(struct ctx *c, int kind, int socktype, int port)
{
	struct ns_msg m = {
		.kind = (uint8_t)kind, .socktype = (uint8_t)socktype, .dport = (uint16_t)port};
	uint64_t until = ev_now_us() + 2000000;

	if (send(c->chan, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		return;
	while (ev_now_us() < until) {
		struct pollfd p = {.fd = c->chan, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		int k = read_ns(c);
		if (k == NS_ACK || k < 0)
			return;
	}
	log_warn("the netsink did not answer a request");
}

static void ensure_listener(void *arg, int socktype, int port)
{
	ns_request(arg, NS_LISTEN, socktype, port);
}

static void read_output(struct ctx *c, int fd, bool is_err)
{
	char buf[16384];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		struct phase_result *p = &c->res->phases[c->phase];
		strbuf_add(is_err ? &p->err : &p->out, buf, (size_t)n);
		*(is_err ? &p->err_bytes : &p->out_bytes) += (uint64_t)n;
	}
}

/* Everything the harness sent: one message a line, each written at once
 * (under PIPE_BUF) and stamped with its own time, so when it is read does
 * not matter.  A line longer than HARNESS_MSG_MAX is dropped. */
static void read_harness(struct ctx *c)
{
	char buf[8192];
	ssize_t n;

	if (c->hchan < 0)
		return;
	while ((n = read(c->hchan, buf, sizeof(buf))) > 0) {
		strbuf_add(&c->hbuf, buf, (size_t)n);
		char *line = c->hbuf.buf, *nl;
		while ((nl = memchr(line, '\n', c->hbuf.len - (size_t)(line - c->hbuf.buf)))) {
			harness_message(c->res, c->step, c->t0, line, (size_t)(nl - line));
			line = nl + 1;
		}
		size_t rest = c->hbuf.len - (size_t)(line - c->hbuf.buf);
		if (c->hbuf.truncated)
			rest = 0;
		memmove(c->hbuf.buf, line, rest);
		c->hbuf.len = rest;
		c->hbuf.buf[rest] = '\0';
		c->hbuf.truncated = false;
	}
}

/* Starts step |k|; a harness step first gets a fresh copy of the harness
 * in the project, with its configuration, and a step under the launcher
 * the launcher with the script's.  0 or -1. */
static int start_step(struct ctx *c, size_t k, uint64_t deadline)
{
	struct run_step *s = &c->res->steps[k];
	char app[4200], err[512];

	c->step = (int)k;
	if ((!s->harness || c->hchan < 0) && !s->launcher)
		return sandbox_run_step(c->sb, k);
	/* the project inside the sandbox (a copy in its home), seen from here */
	snprintf(app, sizeof(app), "/proc/%d/root", (int)sandbox_init_pid(c->sb));
	int rootfd = open(app, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(app, sizeof(app), "%s/projects/app", c->res->id.home);
	uint64_t now = ev_now_us();
	unsigned budget = now < deadline ? (unsigned)((deadline - now) / 1000) : 0;
	char *cfg = s->launcher ? NULL : harness_step_config(c->res, (int)k, budget, c->call_ms);
	int r = -1;
	if (rootfd < 0)
		errbuf_set(err, sizeof(err), "cannot open the sandbox's root: %s", strerror(errno));
	else if (s->launcher)
		r = launcher_write(rootfd, app, s->launcher_file, s->launcher_config, err,
				   sizeof(err));
	else
		r = harness_write_app(rootfd, app, cfg, err, sizeof(err));
	if (rootfd >= 0)
		close(rootfd);
	free(cfg);
	if (r < 0) {
		log_warn("%s", err);
		return -1;
	}
	return sandbox_run_step(c->sb, k);
}

/* Whether the harness's running call is stuck past its bound. */
static bool call_stuck(struct ctx *c, size_t k, uint64_t now)
{
	const struct run_step *s = &c->res->steps[k];
	/* the import step runs as long as the package keeps it busy */
	int open = s->harness && s->phase != PHASE_IMPORT ? harness_open_call(c->res, (int)k) : -1;

	return open >= 0 && now - c->t0 > c->res->calls[open].t_start +
						  (uint64_t)c->call_ms * 1000 + CALL_KILL_GRACE_US;
}

static void drain_tracer(struct ctx *c)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(c->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	if (!c->tracer)
		return; /* untraced: init, our only child, is reaped at teardown */
	while ((pid = waitpid(-1, &status, __WALL | WNOHANG)) > 0)
		tracer_handle(c->tracer, pid, status);
}

/* One round of the event loop, waiting at most |ms|; untraced, also
 * returns when init reports a step's end. */
static void pump(struct ctx *c, int ms)
{
	struct pollfd p[5] = {{.fd = c->sigfd, .events = POLLIN},
			      {.fd = c->chan, .events = POLLIN},
			      {.fd = c->out_fd, .events = POLLIN},
			      {.fd = c->err_fd, .events = POLLIN},
			      {.fd = c->tracer ? -1 : sandbox_ctl_fd(c->sb), .events = POLLIN}};

	int n = poll(p, 5, ms);
	read_harness(c);
	/* Always reap: SIGCHLD may have gone to another thread of this
	 * process (a library's worker), leaving the signalfd silent. */
	drain_tracer(c);
	if (n <= 0)
		return;
	if (p[1].revents & POLLIN)
		while (read_ns(c) > 0)
			;
	if (p[2].revents)
		read_output(c, c->out_fd, false);
	if (p[3].revents)
		read_output(c, c->err_fd, true);
}

/* How long one round of a step's loop may wait: until the deadline, at
 * most 50 ms (the sweep and the kill grace period are checked between). */
static int step_wait_ms(uint64_t now, uint64_t deadline, bool killed)
{
	if (!killed && now < deadline && (deadline - now) / 1000 < 50)
		return (int)((deadline - now) / 1000) + 1;
	return 50;
}

/* Whether a step killed at |deadline| and still not reaped is given up
 * on (the sandbox teardown finishes it): after KILL_GRACE_US, and after
 * KILL_GRACE_ROUNDS rounds of the loop, so that a machine that stalled
 * for seconds (a loaded host) does not pass for an unkillable process. */
static bool kill_grace_over(uint64_t now, uint64_t deadline, unsigned *rounds)
{
	return ++*rounds > KILL_GRACE_ROUNDS && now >= deadline + KILL_GRACE_US;
}

/* SIGINT, SIGTERM and SIGHUP are caught for the whole detonation: one that
 * arrives stops it (the running step is killed as at its deadline,
 * nothing more starts), everything snare made is torn down, and then the
 * signal is raised again under the caller's disposition.  Caught, not
 * blocked: a library's worker threads (XGBoost's, curl's) were started
 * with them unblocked, and the kernel may hand the signal to any of them.
 * The handler only records it; exec resets it in every child. */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	if (!stop_signal)
		stop_signal = sig;
}

int run_stop_pending(void)
{
	return stop_signal;
}

/* A signal the caller ignores (nohup's SIGHUP, SIGINT of a background
 * job) stays ignored, as in a shell. */
static void catch_stops(struct sigaction old[NSTOP])
{
	struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};

	stop_signal = 0;
	/* a stalled registry transfer (the dependency store's) ends at a stop */
	registry_set_stop(run_stop_pending);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++) {
		sigaction(stop_signals[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

/* The caller's dispositions back; a stop that came is raised again. */
static void release_stops(const struct sigaction old[NSTOP])
{
	int sig = stop_signal;

	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
	stop_signal = 0;
	if (sig)
		raise(sig);
}

/* Whether the running step must be killed now: its deadline passed, or a
 * stop signal came (then the deadline becomes now, so the kill's grace
 * period counts from the kill). */
static bool stop_now(struct ctx *c, uint64_t now, uint64_t *deadline)
{
	int sig = run_stop_pending();

	if (sig && !c->res->interrupted) {
		c->res->interrupted = sig;
		log_info("%s: stopping the detonation", strsignal(sig));
	}
	if (sig && now < *deadline)
		*deadline = now;
	return now >= *deadline;
}

/* A step with no tracer: done when its first process ends, as npm sees
 * a script; what it leaves in the background runs on until teardown. */
static void run_step_untraced(struct ctx *c, size_t k, uint64_t deadline)
{
	struct run_step *s = &c->res->steps[k];
	bool killed = false, done = false;
	unsigned rounds = 0;
	int status = 0;

	s->t_start = ev_now_us() - c->t0;
	if (start_step(c, k, deadline) < 0) {
		s->state = STEP_ERROR;
		return;
	}
	while (!done) {
		pump(c, step_wait_ms(ev_now_us(), deadline, killed));
		size_t ended;
		int st, r;
		while ((r = sandbox_step_ended(c->sb, &ended, &st)) > 0)
			if (ended == k) {
				status = st;
				done = true;
			}
		if (r < 0 && !done) {
			s->state = STEP_ERROR; /* init is gone */
			s->t_end = ev_now_us() - c->t0;
			return;
		}
		uint64_t now = ev_now_us();
		if (!done && !killed && (stop_now(c, now, &deadline) || call_stuck(c, k, now))) {
			sandbox_kill_step(c->sb, k);
			killed = true;
			deadline = now < deadline ? now : deadline;
		}
		if (!done && killed && kill_grace_over(now, deadline, &rounds))
			break;
	}
	read_harness(c);
	s->t_end = ev_now_us() - c->t0;
	s->status = status;
	s->state = killed ? STEP_TIMEOUT : status == 0 ? STEP_OK : STEP_FAILED;
	harness_step_ended(c->res, (int)k, killed, s->t_end);
}

/* When the script of step |k| started: its first process the tracer
 * shows (under the launcher, the shell), else |t_start|.  A step's times
 * are its script's, as when init started the shell itself. */
static uint64_t script_start(const struct ctx *c, size_t k, uint64_t t_start)
{
	size_t n;
	const struct tproc *p = tracer_procs(c->tracer, &n);

	for (size_t i = 0; i < n; i++)
		if (p[i].step == (int)k && !p[i].hidden)
			return p[i].t_start;
	return t_start;
}

static void run_step(struct ctx *c, size_t k, uint64_t deadline)
{
	struct run_step *s = &c->res->steps[k];
	uint64_t start = ev_now_us(), last_sweep = start;
	bool killed = false;
	unsigned rounds = 0;
	int status = 0;

	tracer_set_step(c->tracer, (int)k, s->launcher ? TRACER_LAUNCHER : 0);
	s->t_start = start - c->t0;
	if (start_step(c, k, deadline) < 0) {
		s->state = STEP_ERROR;
		return;
	}
	for (;;) {
		pump(c, step_wait_ms(ev_now_us(), deadline, killed));
		uint64_t now = ev_now_us();
		bool root_done = tracer_step_status(c->tracer, (int)k, &status);
		size_t alive = tracer_step_alive(c->tracer, (int)k);
		if (alive && now - last_sweep > SWEEP_US) {
			last_sweep = now;
			alive -= tracer_sweep(c->tracer, (int)k);
		}
		if (root_done && alive == 0)
			break;
		if (!root_done && alive == 0 && now - start > STEP_START_GRACE_US) {
			s->state = STEP_ERROR; /* init never started it */
			s->t_end = now - c->t0;
			return;
		}
		if (!killed && (stop_now(c, now, &deadline) || call_stuck(c, k, now))) {
			tracer_kill_step(c->tracer, (int)k);
			killed = true;
			deadline = now < deadline ? now : deadline;
		}
		if (killed && kill_grace_over(now, deadline, &rounds))
			break;
	}
	s->t_end = ev_now_us() - c->t0;
	if (s->launcher)
		s->t_start = script_start(c, k, s->t_start);
	/* A root still unreaped 3 s after SIGKILL: its status is known only
	 * after teardown (copy_procs). */
	s->status_pending = !tracer_step_status(c->tracer, (int)k, &status);
	s->status = status;
	s->state = killed ? STEP_TIMEOUT : status == 0 ? STEP_OK : STEP_FAILED;
	read_harness(c);
	harness_step_ended(c->res, (int)k, killed, s->t_end);
}

/* A continuation runs only when the step before it was cut short in the
 * middle of its walk (a call hung, exited or crashed). */
static bool resume_needed(const struct run_result *res, size_t k)
{
	return k > 0 && res->steps[k - 1].state != STEP_NOT_RUN &&
	       harness_step_resumable(res, (int)k - 1);
}

/* Tells the caller the phase |ph| starts, before its first step. */
static void phase_progress(const struct ctx *c, int ph, bool started)
{
	if (!started && c->opts->progress)
		c->opts->progress(c->opts->progress_arg, STAGE_PHASE, phase_name((enum phase_id)ph),
				  c->res->phases[ph].timeout_ms);
}

static void run_phases(struct ctx *c)
{
	struct run_result *res = c->res;

	for (int ph = 0; ph < PHASE_COUNT; ph++) {
		struct phase_result *pr = &res->phases[ph];
		uint64_t start = ev_now_us();
		uint64_t deadline = start + (uint64_t)pr->timeout_ms * 1000;
		bool any = false;

		c->phase = ph;
		pr->t_start = start - c->t0;
		pr->state = STEP_NOT_RUN;
		for (size_t k = 0; k < res->nsteps; k++) {
			struct run_step *s = &res->steps[k];
			if ((int)s->phase != ph)
				continue;
			if (ev_now_us() >= deadline || c->res->interrupted || run_stop_pending())
				break; /* left as not_run: the phase timed out, or a stop */
			if (s->resume && !resume_needed(res, k))
				continue;
			phase_progress(c, ph, any);
			if (c->tracer)
				run_step(c, k, deadline);
			else
				run_step_untraced(c, k, deadline);
			any = true;
			/* A harness step killed for one stuck call is that call's
			 * timeout, not the phase's: the next step resumes. */
			bool call_killed = s->harness && s->state == STEP_TIMEOUT &&
					   ev_now_us() < deadline && !c->res->interrupted;
			enum step_state st = call_killed ? STEP_FAILED : s->state;
			if (st > pr->state || pr->state == STEP_NOT_RUN)
				if (!(pr->state == STEP_FAILED && st == STEP_OK))
					pr->state = st;
			if (s->state == STEP_TIMEOUT && !call_killed)
				break;
		}
		if (any && pr->state == STEP_NOT_RUN)
			pr->state = STEP_OK;
		/* Output still in the pipes belongs to this phase. */
		pump(c, 0);
		read_output(c, c->out_fd, false);
		read_output(c, c->err_fd, true);
		pr->t_end = ev_now_us() - c->t0;
	}
}

static void tool_versions(struct run_result *res)
{
	size_t len;
	char *pj = fs_read_file("/usr/lib/node_modules/npm/package.json", 1 << 20, &len);
	json_t *j = pj ? json_loads(pj, 0, NULL) : NULL;
	const char *v = j ? json_string_value(json_object_get(j, "version")) : NULL;

	snprintf(res->npm_version, sizeof(res->npm_version), "%s", v ? v : "unknown");
	json_decref(j);
	free(pj);
	snprintf(res->node_version, sizeof(res->node_version), "unknown");
	FILE *f = popen("/usr/bin/node --version 2>/dev/null", "r");
	if (f) {
		if (fgets(res->node_version, sizeof(res->node_version), f))
			res->node_version[strcspn(res->node_version, "\n")] = '\0';
		pclose(f);
	}
}

/* Removes the work directories under |base| (a run's snare-XXXXXX, a
 * batch's snare-batch-XXXXXX) whose owner is gone: what a SIGKILL left. */
static void sweep_workdirs(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[4200];
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, "snare-", 6) != 0 ||
		    !(n == 12 || (n == 18 && !strncmp(de->d_name + 6, "batch-", 6))))
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		if (proc_dir_orphaned(path) && fs_rm_rf(path) == 0)
			log_warn("removed the work directory '%s' left by a killed run", path);
	}
	closedir(d);
}

void run_sweep_stale(const char *base)
{
	sandbox_sweep_stale();
	sweep_workdirs(base);
}

static void copy_procs(struct ctx *c)
{
	size_t n;
	const struct tproc *p = tracer_procs(c->tracer, &n);

	c->res->procs = xcalloc(n ? n : 1, sizeof(*c->res->procs));
	c->res->nprocs = n;
	for (size_t i = 0; i < n; i++) {
		struct tproc *d = &c->res->procs[i];
		*d = p[i];
		d->exe = p[i].exe ? xstrdup(p[i].exe) : NULL;
		d->argv = NULL;
		if (p[i].argv) {
			size_t m = 0;
			while (p[i].argv[m])
				m++;
			d->argv = xcalloc(m + 1, sizeof(char *));
			for (size_t j = 0; j < m; j++)
				d->argv[j] = xstrdup(p[i].argv[j]);
		}
	}
	c->res->stats = *tracer_get_stats(c->tracer);
	for (size_t k = 0; k < c->res->nsteps; k++) {
		struct run_step *s = &c->res->steps[k];
		if (s->status_pending && tracer_step_status(c->tracer, (int)k, &s->status))
			s->status_pending = false;
	}
}

/* Empties |res| for a run with |opts|: output buffers, timeouts, the
 * identity, tool versions and a fresh work directory.  0 or -1 (|err| set). */
static int result_init(struct run_result *res, const struct run_options *opts, char *err,
		       size_t errlen)
{
	const char *base = opts->workdir ? opts->workdir : getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	memset(res, 0, sizeof(*res));
	for (int i = 0; i < PHASE_COUNT; i++) {
		strbuf_init(&res->phases[i].out, OUTPUT_CAP);
		strbuf_init(&res->phases[i].err, OUTPUT_CAP);
		res->phases[i].timeout_ms = opts->timeout_ms[i];
	}
	identity_generate(&res->id, opts->profile, opts->seed);
	tool_versions(res);
	run_sweep_stale(base);
	snprintf(res->workdir, sizeof(res->workdir), "%s/snare-XXXXXX", base);
	if (!mkdtemp(res->workdir) || proc_claim_dir(res->workdir) < 0) {
		errbuf_set(err, errlen, "cannot create a work directory in '%s': %s", base,
			   strerror(errno));
		if (res->workdir[0] && access(res->workdir, F_OK) == 0)
			fs_rm_rf(res->workdir);
		res->workdir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Collects every exit, handing them to |tracer| when there is one. */
static void reap_all(struct tracer *tracer)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, __WALL)) > 0 || (pid < 0 && errno == EINTR))
		if (pid > 0 && tracer)
			tracer_handle(tracer, pid, status);
}

/* The steps' output pipes; the netsink's channel only where there is a
 * netsink (traced); the harness channel where a step needs it: a pipe,
 * like those node makes for itself.  Write ends block in the tracee.
 * 0 or -1 (errno set). */
static int open_channels(const struct run_options *opts, const struct run_result *res, int out[2],
			 int errp[2], int chan[2], int hch[2])
{
	bool harness = false;

	for (size_t k = 0; k < res->nsteps; k++)
		harness |= res->steps[k].harness;
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(errp, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    (!opts->no_trace && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0) ||
	    (harness && pipe2(hch, O_CLOEXEC | O_NONBLOCK) < 0))
		return -1;
	fcntl(out[1], F_SETFL, 0);
	fcntl(errp[1], F_SETFL, 0);
	if (hch[1] >= 0)
		fcntl(hch[1], F_SETFL, 0);
	return 0;
}

static void close_pair(int fd[2])
{
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

int run_detonate(const char *target, const struct run_options *opts, struct run_result *res,
		 char *err, size_t errlen)
{
	struct netsink_options nso = {.geo = opts->geo};
	struct mitm *mitm = NULL;
	struct sandbox_config cfg;
	struct ctx c = {.res = res,
			.opts = opts,
			.sigfd = -1,
			.chan = -1,
			.out_fd = -1,
			.err_fd = -1,
			.hchan = -1,
			.call_ms = opts->call_timeout_ms ? opts->call_timeout_ms : CALL_MS_DEFAULT};
	int out[2] = {-1, -1}, errp[2] = {-1, -1}, chan[2] = {-1, -1}, hch[2] = {-1, -1};
	sigset_t mask, old;
	struct sigaction stop_old[NSTOP];
	int r = -1;

	catch_stops(stop_old);
	strbuf_init(&c.hbuf, HARNESS_MSG_MAX);
	c.t0 = ev_now_us();
	if (result_init(res, opts, err, errlen) < 0)
		goto out;
	uint64_t t_prep = ev_now_us();
	if (run_prepare(target, opts, res, err, errlen) < 0 ||
	    run_plan(opts, res, err, errlen) < 0 || run_stop_pending())
		goto out;
	res->t_prepare_us = ev_now_us() - t_prep;
	res->traced = !opts->no_trace;
	if (!opts->no_trace && tls_setup(&c, opts, &mitm, err, errlen) < 0)
		goto out;
	nso.mitm = mitm;
	const char *canary_values[CANARY_COUNT];
	for (int k = 0; k < CANARY_COUNT; k++)
		canary_values[k] = res->id.canaries[k].value;
	nso.canaries = canary_values;
	nso.ncanaries = CANARY_COUNT;

	char app[4096];
	snprintf(app, sizeof(app), "%s/app", res->workdir);
	if (sandbox_prepare_tree(app) < 0) {
		errbuf_set(err, errlen, "cannot prepare '%s' for the sandbox user: %s", app,
			   strerror(errno));
		goto out;
	}
	if (open_channels(opts, res, out, errp, chan, hch) < 0) {
		errbuf_set(err, errlen, "cannot create pipes: %s", strerror(errno));
		goto out;
	}

	res->limits = (struct sandbox_limits){.memory_bytes = 2ULL << 30,
					      .pids = opts->max_pids ? opts->max_pids : 1024,
					      .file_bytes = 256ULL << 20,
					      .tmpfs_bytes = 1ULL << 30,
					      .nofile = 4096};
	memset(&cfg, 0, sizeof(cfg));
	cfg.workdir = res->workdir;
	cfg.project_dir = app;
	cfg.id = &res->id;
	cfg.limits = res->limits;
	cfg.steps = NULL;
	cfg.out_fd = out[1];
	cfg.err_fd = errp[1];
	cfg.netsink_fd = chan[1];
	cfg.harness_fd = hch[1];
	cfg.net_ipv6 = true;
	cfg.netsink_main = opts->no_trace ? NULL : netsink_main;
	cfg.netsink_arg = &nso;
	cfg.untraced = opts->no_trace;
	cfg.ca_pem = mitm ? mitm_ca_pem(mitm) : NULL;
	char fresh[512];
	snprintf(fresh, sizeof(fresh), "projects/app/node_modules/%s", res->name);
	cfg.fresh = fresh;
	/* The steps live in |res|; the sandbox reads them through a view. */
	struct sandbox_step *view = xcalloc(res->nsteps ? res->nsteps : 1, sizeof(*view));
	for (size_t i = 0; i < res->nsteps; i++)
		view[i] = res->steps[i].sb;
	cfg.steps = view;
	cfg.nsteps = res->nsteps;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	c.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	uint64_t t_setup = ev_now_us();
	if (opts->progress)
		opts->progress(opts->progress_arg, STAGE_SANDBOX, NULL, 0);
	c.sb = sandbox_start(&cfg, err, errlen);
	close(out[1]);
	close(errp[1]);
	if (chan[1] >= 0)
		close(chan[1]);
	if (hch[1] >= 0)
		close(hch[1]);
	out[1] = errp[1] = chan[1] = hch[1] = -1;
	if (!c.sb) {
		free(view);
		goto out_sig;
	}
	res->enforced = *sandbox_enforced(c.sb);
	c.chan = chan[0];
	c.hchan = hch[0];
	c.out_fd = out[0];
	c.err_fd = errp[0];
	if (opts->no_trace) {
		res->t_setup_us = ev_now_us() - t_setup;
		run_phases(&c);
		run_check_degraded(res);
		r = 0;
		goto out_sb;
	}
	struct tracer_hooks hooks = {
		.ensure_listener = ensure_listener, .on_exec = on_exec, .ctx = &c};
	c.tracer = tracer_new(&res->log, &hooks, c.t0);
	if ((r = tracer_seize(c.tracer, sandbox_init_pid(c.sb))) < 0) {
		errbuf_set(err, errlen, "cannot trace the sandbox: %s; refusing to run",
			   strerror(-r));
		r = -1;
		goto out_sb;
	}
	res->t_setup_us = ev_now_us() - t_setup;

	run_phases(&c);
	ns_request(&c, NS_FLUSH, 0, 0);
	run_check_degraded(res);
	r = 0;
out_sb:;
	/* Every process inside dies with init: collect their exits, init's
	 * last (it waits for its traced zombies, which only we can reap). */
	uint64_t t_down = ev_now_us();
	sandbox_kill(c.sb);
	reap_all(c.tracer);
	sandbox_free(c.sb);
	res->t_teardown_us = ev_now_us() - t_down;
	if (c.tracer) {
		copy_procs(&c);
		tracer_free(c.tracer);
	}
	free(view);
	evlog_sort(&res->log);
	harness_attribute(res);
out_sig:
	if (c.sigfd >= 0)
		close(c.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	close_pair(out);
	close_pair(errp);
	close_pair(chan);
	close_pair(hch);
	strbuf_release(&c.hbuf);
	nodeca_free(c.nodeca);
	mitm_free(mitm);
	if (res->workdir[0] && opts->keep_workdir) {
		/* kept on purpose: no later run may sweep it */
		proc_unclaim_dir(res->workdir);
	}
	if (res->workdir[0] && !opts->keep_workdir) {
		uint64_t t_rm = ev_now_us();
		fs_rm_rf(res->workdir);
		res->t_cleanup_us = ev_now_us() - t_rm;
	}
	res->t_total_us = ev_now_us() - c.t0;
	int sig = run_stop_pending();
	if (sig || res->interrupted) {
		errbuf_set(err, errlen, "interrupted by %s",
			   strsignal(sig ? sig : res->interrupted));
		r = -1;
	}
	if (r < 0)
		run_result_release(res);
	/* A stop is delivered here, after the clean-up. */
	release_stops(stop_old);
	return r;
}

void run_result_release(struct run_result *res)
{
	free(res->name);
	free(res->version);
	free(res->source_type);
	free(res->source);
	free(res->integrity);
	free(res->deps_error);
	free(res->deps_fallback);
	json_decref(res->static_info);
	for (size_t i = 0; i < res->nunresolved; i++) {
		free(res->unresolved[i].name);
		free(res->unresolved[i].spec);
		free(res->unresolved[i].reason);
	}
	free(res->unresolved);
	for (size_t i = 0; i < res->ndegraded; i++) {
		free(res->degraded[i].kind);
		free(res->degraded[i].detail);
	}
	free(res->degraded);
	for (size_t i = 0; i < res->nfetched; i++) {
		free(res->fetched[i].name);
		free(res->fetched[i].spec);
		free(res->fetched[i].reason);
	}
	free(res->fetched);
	for (size_t i = 0; i < res->nsteps; i++) {
		struct run_step *s = &res->steps[i];
		identity_env_free(s->sb.argv);
		identity_env_free(s->sb.envp);
		free(s->sb.cwd);
		free(s->package);
		free(s->version);
		free(s->script);
		free(s->command);
		free(s->harness_config);
		free(s->launcher_file);
		free(s->launcher_config);
	}
	free(res->steps);
	harness_release(res);
	for (int i = 0; i < PHASE_COUNT; i++) {
		strbuf_release(&res->phases[i].out);
		strbuf_release(&res->phases[i].err);
	}
	evlog_release(&res->log);
	for (size_t i = 0; i < res->nprocs; i++) {
		free(res->procs[i].exe);
		identity_env_free(res->procs[i].argv);
	}
	free(res->procs);
	memset(res, 0, sizeof(*res));
}
