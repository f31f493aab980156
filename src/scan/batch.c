/* Many scans at once.  Each scan is a child process running snare itself
 * ("snare scan -q -o FILE ... -- TARGET"): the tracer's signal handling is
 * process-wide, and a child that crashes or hangs takes only its own scan
 * with it.  The parent waits for SIGCHLD with sigtimedwait(), reaps its
 * own children by pid, and reads each one's report or last error line. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch/registry.h"
#include "run/run.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/fsutil.h"
#include "util/proc.h"
#include "util/strvec.h"
#include "util/xalloc.h"

/* The tail of a child's stderr that is read for its error line. */
#define ERR_TAIL_BYTES 4096

unsigned batch_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

void batch_job_release(struct batch_job *j)
{
	if (!j)
		return;
	free(j->target);
	json_decref(j->report);
	free(j->error);
	free(j->out_path);
	free(j->err_path);
	memset(j, 0, sizeof(*j));
}

/* The last non-empty line of the child's stderr, without "snare: ". */
static char *last_error_line(const char *path)
{
	char buf[ERR_TAIL_BYTES + 1];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		off_t size = lseek(fd, 0, SEEK_END);

		if (size > ERR_TAIL_BYTES)
			lseek(fd, size - ERR_TAIL_BYTES, SEEK_SET);
		else
			lseek(fd, 0, SEEK_SET);
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

static pid_t spawn(struct batch_job *j, const struct batch *b, const sigset_t *oldmask,
		   const char *dir, size_t idx, char *err, size_t errlen)
{
	struct strvec argv = STRVEC_INIT;
	int errfd, nul;
	pid_t pid;

	j->out_path = xasprintf("%s/%zu.json", dir, idx);
	j->err_path = xasprintf("%s/%zu.err", dir, idx);
	errfd = open(j->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (errfd < 0 || nul < 0) {
		errbuf_set(err, errlen, "cannot create '%s': %s", j->err_path, strerror(errno));
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
	strvec_push(&argv, j->out_path);
	/* the run's work directory inside ours, so that nothing is left
	 * behind when a child is stopped (a --workdir in |args| wins) */
	strvec_pushf(&argv, "--workdir=%s", dir);
	for (char **a = b->args; a && *a; a++)
		strvec_push(&argv, *a);
	strvec_push(&argv, "--");
	strvec_push(&argv, j->target);
	char **av = strvec_argv(&argv);
	pid_t parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* no allocation here: dup2, the signal mask, exec.  A scan
		 * stops (SIGTERM: it cleans up after itself) when we die. */
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(127);
		if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(127);
		execv(b->self ? b->self : "/proc/self/exe", av);
		_exit(127);
	}
	if (pid < 0)
		errbuf_set(err, errlen, "cannot start a scan: %s", strerror(errno));
	close(errfd);
	close(nul);
	strvec_clear(&argv);
	return pid;
}

static void collect(struct batch_job *j, int status)
{
	char *line = last_error_line(j->err_path);

	if (WIFEXITED(status) && (WEXITSTATUS(status) <= 1 || WEXITSTATUS(status) == 3)) {
		json_error_t je;

		j->report = json_load_file(j->out_path, 0, &je);
		if (json_is_object(j->report) && json_object_get(j->report, "verdict")) {
			j->exit_code = WEXITSTATUS(status);
		} else {
			json_decref(j->report);
			j->report = NULL;
			j->exit_code = 2;
			j->error =
				xasprintf("the scan of '%s' wrote no readable report", j->target);
		}
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		j->exit_code = 2;
		j->error = line ? xstrdup(line) : xasprintf("the scan of '%s' failed", j->target);
	} else if (WIFEXITED(status)) {
		j->exit_code = 2;
		j->error = xasprintf("the scan of '%s' exited with status %d%s%s", j->target,
				     WEXITSTATUS(status), line ? ": " : "", line ? line : "");
	} else if (j->stopped) {
		j->exit_code = -1;
		j->error = xstrdup("not scanned: interrupted");
	} else {
		j->exit_code = -1;
		j->error = xasprintf("the scan of '%s' was killed by signal %d (%s)", j->target,
				     WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	free(line);
	unlink(j->out_path);
	unlink(j->err_path);
}

/* Tells the caller's progress callback, if any, where the batch is. */
static void progress(const struct batch *b, const struct batch_job *jobs, size_t done, size_t n,
		     size_t running, size_t waiting, const struct batch_job *last, time_t t0,
		     bool end)
{
	struct batch_progress p = {
		.done = done,
		.total = n,
		.running = running,
		.waiting = waiting,
		.last = last ? last->target : NULL,
		.secs = (long)(time(NULL) - t0),
		.end = end,
	};
	size_t k = 0;

	if (!b->progress)
		return;
	for (size_t i = 0; i < n && k < BATCH_PROGRESS_NAMES && !end; i++)
		if (jobs[i].pid > 0)
			p.now[k++] = jobs[i].target;
	b->progress(&p);
}

/* Reaps the children of |jobs[0..n)| that have ended, each one's results
 * filled and handed to |b->done| at once.  Returns how many; |*last| is
 * the last of them. */
static size_t reap(struct batch_job *jobs, size_t n, const struct batch *b,
		   const struct batch_job **last)
{
	size_t reaped = 0;

	for (size_t i = 0; i < n; i++) {
		int status;

		if (jobs[i].pid <= 0 || waitpid(jobs[i].pid, &status, WNOHANG) != jobs[i].pid)
			continue;
		jobs[i].pid = 0;
		collect(&jobs[i], status);
		jobs[i].finished = true;
		if (b->done)
			b->done(&jobs[i], b->done_arg);
		reaped++;
		*last = &jobs[i];
	}
	return reaped;
}

/* Where a batch's slots are: filled by start_jobs(). */
struct slots {
	size_t running, limit, done;
	size_t pending, waiting; /* not finished and not running; of them, waiting */
};

/* Starts jobs while there are free slots: asks |b->start| first (a job
 * may wait, or need no scan).  0, or -1 when a child could not be
 * started (its job finished with the error). */
static int start_jobs(struct batch_job *jobs, size_t n, const struct batch *b, const sigset_t *old,
		      const char *dir, struct slots *sl, char *err, size_t errlen)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < n; i++) {
		struct batch_job *j = &jobs[i];
		enum batch_start what = BATCH_START;

		if (j->finished || j->pid > 0)
			continue;
		if (sl->running >= sl->limit || j->retry_at > now) {
			sl->pending++;
			sl->waiting += j->waiting;
			continue;
		}
		if (b->start)
			what = b->start(j, b->start_arg);
		j->waiting = what == BATCH_WAIT;
		if (what == BATCH_WAIT) {
			/* another process scans it: ask again in a second */
			j->retry_at = now + 1;
			sl->pending++;
			sl->waiting++;
			continue;
		}
		j->finished = j->skipped = what == BATCH_SKIP;
		if (what == BATCH_START)
			j->pid = spawn(j, b, old, dir, i, err, errlen);
		if (j->pid < 0) {
			j->pid = 0;
			j->error = xstrdup(err);
			j->finished = true;
		}
		if (j->finished) {
			j->exit_code = j->skipped ? 0 : 2;
			sl->done += j->skipped;
			if (b->done)
				b->done(j, b->done_arg);
			if (!j->skipped)
				return -1;
			continue;
		}
		sl->running++;
	}
	return 0;
}

int batch_run(struct batch_job *jobs, size_t n, const struct batch *b, char *err, size_t errlen)
{
	char dir[4096];
	const char *tmp = getenv("TMPDIR");
	sigset_t set, old;
	size_t running = 0, done = 0;
	unsigned limit = b->jobs ? b->jobs : 1;
	bool stop = false;
	int ret = 0;
	time_t t0 = time(NULL);
	const struct batch_job *last = NULL;

	for (size_t i = 0; i < n; i++) {
		jobs[i].exit_code = -1;
		jobs[i].finished = false;
		jobs[i].pid = 0;
		jobs[i].stopped = false;
		jobs[i].skipped = false;
		jobs[i].waiting = false;
		jobs[i].retry_at = 0;
	}
	if (!n)
		return 0;
	run_sweep_stale(tmp && tmp[0] ? tmp : "/tmp");
	snprintf(dir, sizeof(dir), "%s/snare-batch-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir) || proc_claim_dir(dir) < 0) {
		errbuf_set(err, errlen, "cannot create a directory in '%s': %s",
			   tmp && tmp[0] ? tmp : "/tmp", strerror(errno));
		if (access(dir, F_OK) == 0 && strchr(dir, 'X') == NULL)
			fs_rm_rf(dir);
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (;;) {
		struct slots sl = {.running = running, .limit = limit, .done = done};

		if (!stop && start_jobs(jobs, n, b, &old, dir, &sl, err, errlen) < 0) {
			stop = true;
			ret = -1;
		}
		running = sl.running;
		done = sl.done;
		if (!running && (stop || !sl.pending))
			break;
		progress(b, jobs, done, n, running, sl.waiting, last, t0, false);
		siginfo_t si;
		int sig = sigtimedwait(&set, &si, &(struct timespec){0, 250 * 1000000L});
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			if (!stop)
				for (size_t i = 0; i < n; i++)
					if (jobs[i].pid > 0) {
						jobs[i].stopped = true;
						kill(jobs[i].pid, SIGTERM);
					}
			stop = true;
			ret = -1;
			errbuf_set(err, errlen, "interrupted");
		}
		size_t reaped = reap(jobs, n, b, &last);
		running -= reaped;
		done += reaped;
	}
	progress(b, jobs, done, n, 0, 0, NULL, t0, true);
	/* drop a SIGCHLD left pending, then restore the caller's mask */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (sigtimedwait(&chld, NULL, &(struct timespec){0, 0}) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	fs_rm_rf(dir);
	return ret;
}

/*
 * Registry resolution in threads
 */

struct resolve_pool {
	char *const *specs;
	size_t n;
	const char *registry;
	char **names, **versions, **integrity, **errors;
	atomic_size_t next;
};

static void *resolve_worker(void *arg)
{
	struct resolve_pool *p = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		struct pkg_ref ref;
		char err[1024];

		if (i >= p->n)
			return NULL;
		if (registry_resolve(p->registry, p->specs[i], &ref, err, sizeof(err)) < 0) {
			p->errors[i] = xstrdup(err);
			continue;
		}
		p->names[i] = xstrdup(ref.name);
		p->versions[i] = xstrdup(ref.version);
		p->integrity[i] = ref.integrity ? xstrdup(ref.integrity) : NULL;
		pkg_ref_release(&ref);
	}
}

void batch_resolve(char *const *specs, size_t n, const char *registry, unsigned jobs, char **names,
		   char **versions, char **integrity, char **errors)
{
	struct resolve_pool p = {.specs = specs,
				 .n = n,
				 .registry = registry,
				 .names = names,
				 .versions = versions,
				 .integrity = integrity,
				 .errors = errors};
	pthread_t th[16];
	size_t nth = jobs < 1 ? 1 : jobs > 16 ? 16 : jobs, started = 0;

	atomic_init(&p.next, 0);
	for (size_t i = 0; i < n; i++)
		names[i] = versions[i] = integrity[i] = errors[i] = NULL;
	if (nth > n)
		nth = n;
	registry_set_concurrency((unsigned)nth);
	for (size_t i = 0; i < nth; i++)
		if (pthread_create(&th[started], NULL, resolve_worker, &p) == 0)
			started++;
	if (!started)
		resolve_worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	registry_set_concurrency(0);
}

/*
 * Results from child scans
 */

/* Fills |r| from the report of its scan. */
static void take_report(struct scan_ctx *c, struct pkg_result *r, json_t *report)
{
	const json_t *pkg = json_object_get(report, "package");
	const char *name = json_string_value(json_object_get(pkg, "name"));
	const char *version = json_string_value(json_object_get(pkg, "version"));
	char err[1024], *got;

	if (!name || !version) {
		pkg_result_set_error(r, "the scan wrote a report without a package");
		return;
	}
	if (r->name && r->version &&
	    (strcmp(r->name, name) != 0 || strcmp(r->version, version) != 0)) {
		char *msg = xasprintf("the registry's tarball of '%s@%s' holds '%s@%s'", r->name,
				      r->version, name, version);

		pkg_result_set_error(r, msg);
		free(msg);
		return;
	}
	got = store_report_integrity(report);
	if (r->integrity && got && strcmp(r->integrity, got) != 0) {
		char *msg = xasprintf("the tarball of '%s@%s' from '%s' does not match the "
				      "lockfile's integrity (%s, got %s)",
				      name, version, c->registry, r->integrity, got);

		pkg_result_set_error(r, msg);
		free(msg);
		free(got);
		return;
	}
	free(got);
	if (!r->name)
		r->name = xstrdup(name);
	if (!r->version)
		r->version = xstrdup(version);
	pkg_result_set_verdict(r, json_incref(json_object_get(report, "verdict")), ORIGIN_SCAN);
	if (scan_ctx_record(c, report, err, sizeof(err)) < 0)
		log_warn("%s", err);
}

struct children {
	struct scan_ctx *c;
	struct pkg_result *r;
	const size_t *todo;
	struct batch_job *jobs;
	const struct batch *b;
	size_t n, done;
	time_t t0;
	bool *claimed; /* per job: this process holds its claim in the store */
	bool *waited;  /* per job: another process held it */
};

/* Drops the claim of job |k|, if this process holds it. */
static void unclaim(struct children *ch, size_t k)
{
	const struct pkg_result *x = &ch->r[ch->todo[k]];
	char err[1024];

	if (!ch->claimed[k])
		return;
	ch->claimed[k] = false;
	if (store_unclaim(ch->c->store, x->name, x->version, err, sizeof(err)) < 0)
		log_warn("%s", err);
}

/* Before a scan starts: claims its package in the store, so that a
 * concurrent audit does not detonate it too; waits while another live
 * process holds it; and answers from the store what that process (or one
 * that finished since this batch was planned) stored meanwhile. */
static enum batch_start child_start(struct batch_job *j, void *arg)
{
	struct children *ch = arg;
	size_t k = (size_t)(j - ch->jobs);
	struct pkg_result *x = &ch->r[ch->todo[k]];
	struct scan_ctx *c = ch->c;
	struct store_claim holder;
	enum pkg_origin origin;
	json_t *v;
	char err[1024];
	int r;

	if (!c->store || !x->name || !x->version || !scan_is_registry_target(x->target))
		return BATCH_START;
	/* a claim is its own transaction: pending re-scores go first */
	if (c->in_tx) {
		c->in_tx = false;
		if (store_commit(c->store, err, sizeof(err)) < 0)
			log_warn("%s", err);
	}
	r = store_claim(c->store, x->name, x->version, &holder, err, sizeof(err));
	if (r < 0) {
		log_warn("%s; scanning '%s@%s' without a claim", err, x->name, x->version);
		return BATCH_START;
	}
	if (r == 0) {
		if (!ch->waited[k])
			log_info("%s@%s is being scanned by pid %lld on %s; waiting for it",
				 x->name, x->version, holder.pid, holder.host);
		ch->waited[k] = true;
		return BATCH_WAIT;
	}
	ch->claimed[k] = true;
	if (c->rescan && !ch->waited[k])
		return BATCH_START;
	r = scan_ctx_lookup(c, x->name, x->version, x->integrity, false, &v, NULL, &origin, err,
			    sizeof(err));
	if (r < 0)
		log_warn("%s", err);
	if (r <= 0)
		return BATCH_START;
	pkg_result_set_verdict(x, v, origin);
	unclaim(ch, k);
	return BATCH_SKIP;
}

/* A job has finished: its verdict into its result and the store now, and
 * its report dropped, so that the parent holds no report. */
static void child_done(struct batch_job *j, void *arg)
{
	struct children *ch = arg;
	struct pkg_result *x = &ch->r[ch->todo[j - ch->jobs]];

	if (j->skipped)
		; /* child_start() answered it from the store */
	else if (j->report)
		take_report(ch->c, x, j->report);
	else if (j->stopped || !j->error)
		pkg_result_set_interrupted(x);
	else
		pkg_result_set_error(x, j->error);
	json_decref(j->report);
	j->report = NULL;
	/* its verdict is stored (or there is none to wait for) */
	unclaim(ch, (size_t)(j - ch->jobs));
	ch->done++;
	if (ch->b->result)
		ch->b->result(x, ch->done, ch->n, (long)(time(NULL) - ch->t0), ch->b->result_arg);
}

int scan_children(struct scan_ctx *c, struct pkg_result *r, const size_t *todo, size_t n,
		  const struct batch *b, char *err, size_t errlen)
{
	struct batch_job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	struct children ch = {.c = c,
			      .r = r,
			      .todo = todo,
			      .jobs = jobs,
			      .b = b,
			      .n = n,
			      .t0 = time(NULL),
			      .claimed = xcalloc(n ? n : 1, sizeof(bool)),
			      .waited = xcalloc(n ? n : 1, sizeof(bool))};
	struct batch bb = *b;
	int ret;

	for (size_t i = 0; i < n; i++)
		jobs[i].target = xstrdup(r[todo[i]].target);
	bb.done = child_done;
	bb.done_arg = &ch;
	bb.start = child_start;
	bb.start_arg = &ch;
	ret = batch_run(jobs, n, &bb, err, errlen);
	for (size_t i = 0; i < n; i++) {
		if (!jobs[i].finished)
			pkg_result_set_interrupted(&r[todo[i]]);
		unclaim(&ch, i);
		batch_job_release(&jobs[i]);
	}
	free(ch.claimed);
	free(ch.waited);
	free(jobs);
	return ret;
}
