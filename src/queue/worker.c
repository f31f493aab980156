/* snare worker: the claim / detonate / finish loop (see queue.h).  One
 * thread; the children are "snare scan" processes, reaped by pid after a
 * sigtimedwait() on SIGCHLD, SIGTERM and SIGINT (SIGCHLD is blocked from
 * main() on, as batch.c expects). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "queue/queue.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#define ERR_TAIL_BYTES 4096
#define BACKOFF_MAX_MS 30000

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_FINISHING };

struct slot {
	enum slot_state state;
	struct queue_job job;
	pid_t pid;
	char *out, *errp;
	double started, renewed;
	double db_ms; /* spent in claim, renewals and finish: the queue's overhead */
	/* the outcome, kept until the database takes it */
	char *label, *error;
	bool retry;
};

struct worker {
	const struct worker_opts *o;
	struct queue *q;
	char name[320];
	char dir[64];
	struct slot *slots;
	bool stopping, killed, db_down;
	double next_connect, backoff_ms, next_claim;
	sigset_t oldmask;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The last non-empty line of a child's stderr, without "snare: ". */
static char *last_error_line(const char *path)
{
	char buf[ERR_TAIL_BYTES + 1];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		off_t size = lseek(fd, 0, SEEK_END);

		lseek(fd, size > ERR_TAIL_BYTES ? size - ERR_TAIL_BYTES : 0, SEEK_SET);
		n = read(fd, buf, ERR_TAIL_BYTES);
		close(fd);
	}
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	char *line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	if (!strncmp(line, "snare: ", 7))
		line += 7;
	return *line ? xstrdup(line) : NULL;
}

static void slot_clear(struct slot *s)
{
	if (s->out)
		unlink(s->out);
	if (s->errp)
		unlink(s->errp);
	free(s->out);
	free(s->errp);
	free(s->label);
	free(s->error);
	queue_job_release(&s->job);
	memset(s, 0, sizeof(*s));
}

static int spawn(struct worker *w, struct slot *s)
{
	struct strvec argv = STRVEC_INIT;
	int errfd, nul;
	pid_t pid, parent = getpid();

	s->out = xasprintf("%s/%lld.json", w->dir, s->job.id);
	s->errp = xasprintf("%s/%lld.err", w->dir, s->job.id);
	errfd = open(s->errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (errfd < 0 || nul < 0) {
		s->error = xasprintf("cannot create '%s': %s", s->errp, strerror(errno));
		if (errfd >= 0)
			close(errfd);
		if (nul >= 0)
			close(nul);
		return -1;
	}
	strvec_push(&argv, "snare");
	strvec_push(&argv, "scan");
	strvec_push(&argv, "-q");
	strvec_push(&argv, "-o");
	strvec_push(&argv, s->out);
	strvec_push(&argv, "--store");
	strvec_push(&argv, w->o->url);
	strvec_pushf(&argv, "--workdir=%s", w->dir);
	for (char *const *a = w->o->scan_args; a && *a; a++)
		strvec_push(&argv, *a);
	strvec_push(&argv, "--");
	strvec_push(&argv, s->job.target);
	char **av = strvec_argv(&argv);
	pid = fork();
	if (pid == 0) {
		/* the detonation dies with its worker (kill -9, machine lost):
		 * the job's lease expires and another worker runs it */
		sigprocmask(SIG_SETMASK, &w->oldmask, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(127);
		if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(127);
		execv(w->o->self ? w->o->self : "/proc/self/exe", av);
		_exit(127);
	}
	close(errfd);
	close(nul);
	strvec_clear(&argv);
	if (pid < 0) {
		s->error = xasprintf("cannot start a scan: %s", strerror(errno));
		return -1;
	}
	s->pid = pid;
	return 0;
}

/* The child ended: what to tell the database. */
static void collect(struct slot *s, int status)
{
	s->state = SLOT_FINISHING;
	s->retry = true;
	if (WIFSIGNALED(status)) {
		s->error = xasprintf("the scan was killed by signal %d", WTERMSIG(status));
		return;
	}
	int code = WEXITSTATUS(status);
	if (code == 0 || code == 1 || code == 3) {
		json_t *r = json_load_file(s->out, 0, NULL);
		const char *label =
			json_string_value(json_object_get(json_object_get(r, "verdict"), "label"));
		if (label)
			s->label = xstrdup(label);
		else
			s->error = xstrdup("the scan wrote no verdict");
		json_decref(r);
		return;
	}
	s->error = last_error_line(s->errp);
	if (!s->error)
		s->error = xasprintf("the scan exited with %d", code);
}

static void db_lost(struct worker *w, const char *err)
{
	if (!w->db_down)
		log_warn("%s; reconnecting", err);
	w->db_down = true;
}

static void try_connect(struct worker *w)
{
	char err[512];
	double t = now_s();

	if (!w->db_down || t < w->next_connect)
		return;
	if (queue_reconnect(w->q, err, sizeof(err)) < 0) {
		w->backoff_ms = w->backoff_ms < 1000 ? 1000 : w->backoff_ms * 2;
		if (w->backoff_ms > BACKOFF_MAX_MS)
			w->backoff_ms = BACKOFF_MAX_MS;
		w->next_connect = t + w->backoff_ms / 1000.0;
		log_debug("%s; next try in %.0f s", err, w->backoff_ms / 1000.0);
		return;
	}
	log_info("reconnected to the queue");
	w->db_down = false;
	w->backoff_ms = 0;
}

static void finish(struct worker *w, struct slot *s)
{
	char err[512];
	int r;

	if (w->db_down)
		return;
	double t0 = now_s();
	r = queue_finish(w->q, &s->job, s->label, s->label ? NULL : s->error, s->retry, err,
			 sizeof(err));
	s->db_ms += (now_s() - t0) * 1000.0;
	if (r < 0 && queue_lost(w->q)) {
		db_lost(w, err);
		return;
	}
	if (r < 0)
		log_warn("job %lld '%s': %s", s->job.id, s->job.target, err);
	else if (r == 0)
		log_warn("job %lld '%s': another worker took it over; result dropped", s->job.id,
			 s->job.target);
	else if (s->label)
		log_info("job %lld '%s': %s in %.1f s (queue %.2f ms)", s->job.id, s->job.target,
			 s->label, now_s() - s->started, s->db_ms);
	else
		log_info("job %lld '%s' (attempt %d): %s", s->job.id, s->job.target, s->job.attempt,
			 s->error);
	slot_clear(s);
}

static void renew(struct worker *w, struct slot *s)
{
	char err[512];
	double t = now_s();
	int r;

	if (w->db_down || t - s->renewed < w->o->lease_secs / 3.0)
		return;
	r = queue_renew(w->q, &s->job, w->o->lease_secs, err, sizeof(err));
	s->db_ms += (now_s() - t) * 1000.0;
	if (r < 0 && queue_lost(w->q)) {
		db_lost(w, err);
		return;
	}
	if (r < 0) {
		log_warn("%s", err);
		return;
	}
	s->renewed = t;
	if (r == 0) {
		/* our lease expired and the job went to another worker */
		log_warn("job %lld '%s': lease lost; stopping its scan", s->job.id, s->job.target);
		kill(s->pid, SIGTERM);
		s->retry = false;
		free(s->job.worker);
		s->job.worker = xstrdup(""); /* its finish will match nothing */
	}
}

/* Claims jobs for the free slots until the queue is empty. */
static void claim(struct worker *w)
{
	char err[512];

	for (unsigned i = 0; i < w->o->jobs; i++) {
		struct slot *s = &w->slots[i];
		if (s->state != SLOT_FREE)
			continue;
		double t0 = now_s();
		int r = queue_claim(w->q, w->name, w->o->lease_secs, &s->job, err, sizeof(err));
		if (r < 0) {
			if (queue_lost(w->q))
				db_lost(w, err);
			else
				log_warn("%s", err);
			return;
		}
		if (r == 0)
			return;
		s->state = SLOT_RUNNING;
		s->started = s->renewed = now_s();
		s->db_ms = (s->started - t0) * 1000.0;
		log_debug("job %lld '%s' claimed (attempt %d)", s->job.id, s->job.target,
			  s->job.attempt);
		if (spawn(w, s) < 0) {
			s->state = SLOT_FINISHING;
			s->retry = true;
		}
	}
}

static void reap(struct worker *w)
{
	for (unsigned i = 0; i < w->o->jobs; i++) {
		struct slot *s = &w->slots[i];
		int status;
		if (s->state != SLOT_RUNNING || s->pid <= 0)
			continue;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			collect(s, status);
		}
	}
}

static unsigned active(const struct worker *w)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->o->jobs; i++)
		n += w->slots[i].state != SLOT_FREE;
	return n;
}

/* One pass: reconnect, reap, finish and renew, claim.  Returns whether to
 * wait for a child or a signal before the next pass. */
static bool step(struct worker *w, bool *empty)
{
	const struct worker_opts *o = w->o;
	double t = now_s();

	try_connect(w);
	reap(w);
	for (unsigned i = 0; i < o->jobs; i++) {
		if (w->slots[i].state == SLOT_FINISHING)
			finish(w, &w->slots[i]);
		else if (w->slots[i].state == SLOT_RUNNING)
			renew(w, &w->slots[i]);
	}
	if (!w->stopping && !w->db_down && active(w) < o->jobs && t >= w->next_claim) {
		claim(w);
		/* a slot left free: nothing pending (or an error); poll */
		*empty = active(w) < o->jobs;
		if (*empty)
			w->next_claim = t + o->poll_ms / 1000.0;
	}
	/* a freed slot claims at once; else wait */
	return w->stopping || w->db_down || *empty || active(w) >= o->jobs;
}

static void on_signal(struct worker *w, int sig, bool *empty)
{
	if (sig == SIGCHLD) {
		*empty = false; /* a slot may be free: claim again */
		w->next_claim = 0;
		return;
	}
	if (sig != SIGTERM && sig != SIGINT)
		return;
	if (!w->stopping) {
		log_info("stopping after %u running job%s", active(w), active(w) == 1 ? "" : "s");
		w->stopping = true;
		return;
	}
	if (w->killed)
		return;
	log_info("stopping the running scans");
	w->killed = true;
	for (unsigned i = 0; i < w->o->jobs; i++)
		if (w->slots[i].state == SLOT_RUNNING && w->slots[i].pid > 0)
			kill(w->slots[i].pid, SIGTERM);
}

int worker_run(const struct worker_opts *o, char *err, size_t errlen)
{
	struct worker w = {.o = o};
	sigset_t set;
	char host[256] = "";
	const char *tmp = getenv("TMPDIR");
	bool empty = false;

	if (queue_open(o->url, &w.q, err, errlen) < 0)
		return -1;
	gethostname(host, sizeof(host) - 1);
	snprintf(w.name, sizeof(w.name), "%s:%d", host[0] ? host : "worker", (int)getpid());
	if (!tmp || tmp[0] != '/' || strlen(tmp) >= 32)
		tmp = "/tmp";
	snprintf(w.dir, sizeof(w.dir), "%s/snare-worker-XXXXXX", tmp);
	if (!mkdtemp(w.dir)) {
		errbuf_set(err, errlen, "cannot create a work directory: %s", strerror(errno));
		queue_close(w.q);
		return -1;
	}
	w.slots = xcalloc(o->jobs, sizeof(*w.slots));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &w.oldmask);
	log_info("worker %s: %u at a time, lease %u s", w.name, o->jobs, o->lease_secs);
	for (;;) {
		bool wait = step(&w, &empty);
		if (active(&w) == 0 && (w.stopping || (o->drain && empty && !w.db_down)))
			break;
		if (!wait)
			continue;
		struct timespec ts = {0, 100000000L};
		on_signal(&w, sigtimedwait(&set, NULL, &ts), &empty);
	}
	for (unsigned i = 0; i < o->jobs; i++)
		slot_clear(&w.slots[i]);
	free(w.slots);
	fs_rm_rf(w.dir);
	queue_close(w.q);
	sigprocmask(SIG_SETMASK, &w.oldmask, NULL);
	return 0;
}
