/* The harness channel, host side: the harness's messages into calls and
 * notes, the configuration each harness step starts with, and the
 * attribution of events to the call that caused them.  The harness
 * itself is JavaScript (src/run/harness/), built into the binary. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <unistd.h>

#include <jansson.h>

#include "run/harness_js.h"
#include "run/internal.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define FIELD_MAX 512 /* longest path, entry or error kept from a message */

/* |src| with |config| in place of the empty settings of its line |slot|
 * ("const x = {};"). */
static char *with_settings(const unsigned char *src_, size_t n, const char *slot,
			   const char *config, size_t *len)
{
	const char *src = (const char *)src_;
	size_t slen = strlen(slot);
	const char *at = memmem(src, n, slot, slen);
	struct strbuf sb;

	strbuf_init(&sb, 0);
	if (!at) {
		strbuf_add(&sb, src, n);
	} else {
		size_t pre = (size_t)(at - src) + slen - 3; /* up to "{}" */
		strbuf_add(&sb, src, pre);
		strbuf_addstr(&sb, config);
		strbuf_add(&sb, at + slen - 1, n - pre - 2);
	}
	return strbuf_detach(&sb, len);
}

const char *harness_page_source(size_t *len)
{
	*len = harness_browser_js_len;
	return (const char *)harness_browser_js;
}

/* Gives the owner of the directory |dfd| (O_PATH, of mode |mode|) write
 * and search permission (a failure shows when writing there). */
static void dir_writable(int dfd, mode_t mode)
{
	char path[64];

	/* an O_PATH descriptor takes no fchmod(); its /proc link does */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dfd);
	if (chmod(path, (mode & 07777) | S_IWUSR | S_IXUSR) < 0)
		log_debug("cannot make '%s' writable: %s", path, strerror(errno));
}

/* Writes |len| bytes of |text| as |dir|/|file|, |dir| resolved inside
 * |rootfd| as if it were the root, replacing what is there (never through
 * a link).  0 or -1 with |err| set. */
static int write_in_root(int rootfd, const char *dir, const char *file, const char *text,
			 size_t len, char *err, size_t errlen)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int dfd, fd;

	/* |dir| is resolved inside |rootfd|: a link the package made there
	 * cannot lead the write out of its root */
	dfd = (int)syscall(SYS_openat2, rootfd, dir[0] == '/' ? dir + 1 : dir, &how, sizeof(how));
	if (dfd < 0) {
		errbuf_set(err, errlen, "cannot open '%s': %s", dir, strerror(errno));
		return -1;
	}
	/* The package may have taken the write bit off the directory (chmod
	 * 555): npm would still run its scripts, and the launcher must be
	 * able to remove itself, so the owner gets the bit back. */
	struct stat st;
	if (fstat(dfd, &st) == 0 && (st.st_mode & (S_IWUSR | S_IXUSR)) != (S_IWUSR | S_IXUSR))
		dir_writable(dfd, st.st_mode);
	if (unlinkat(dfd, file, 0) < 0 && errno != ENOENT && errno != EISDIR) {
		errbuf_set(err, errlen, "cannot replace '%s/%s': %s", dir, file, strerror(errno));
		close(dfd);
		return -1;
	}
	fd = openat(dfd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		errbuf_set(err, errlen, "cannot write '%s/%s': %s", dir, file, strerror(errno));
		close(dfd);
		return -1;
	}
	close(dfd);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n <= 0) {
			errbuf_set(err, errlen, "cannot write '%s/%s': %s", dir, file,
				   strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	fchmod(fd, 0644);
	close(fd);
	return 0;
}

int harness_write_app(int rootfd, const char *app, const char *config, char *err, size_t errlen)
{
	size_t len;
	char *src = with_settings(harness_index_js, harness_index_js_len, HARNESS_SETTINGS_SLOT,
				  config, &len);
	int r = write_in_root(rootfd, app, HARNESS_APP_FILE, src, len, err, errlen);

	free(src);
	return r;
}

int launcher_write(int rootfd, const char *app, const char *file, const char *config, char *err,
		   size_t errlen)
{
	size_t len;
	char *src = with_settings(harness_launcher_js, harness_launcher_js_len,
				  LAUNCHER_SETTINGS_SLOT, config, &len);
	int r = write_in_root(rootfd, app, file, src, len, err, errlen);

	free(src);
	return r;
}

static char *field(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? xstrndup(s, strnlen(s, FIELD_MAX)) : NULL;
}

/* The message's "t" (CLOCK_MONOTONIC, microseconds) on the run's clock. */
static uint64_t msg_time(const json_t *o, uint64_t t0)
{
	double t = json_number_value(json_object_get(o, "t"));
	return t > (double)t0 ? (uint64_t)t - t0 : 0;
}

static struct harness_call *find_call(struct run_result *res, int step, json_int_t index)
{
	for (size_t i = res->ncalls; i-- > 0;)
		if (res->calls[i].step == step && res->calls[i].index == index)
			return &res->calls[i];
	return NULL;
}

static enum call_outcome outcome_of(const char *s)
{
	if (s && !strcmp(s, "threw"))
		return CALL_THREW;
	if (s && !strcmp(s, "pending"))
		return CALL_PENDING;
	return CALL_RETURNED;
}

static void on_begin(struct run_result *res, int step, const json_t *o, uint64_t t)
{
	struct harness_call *c;

	res->calls = xrealloc(res->calls, (res->ncalls + 1) * sizeof(*res->calls));
	c = &res->calls[res->ncalls++];
	memset(c, 0, sizeof(*c));
	c->step = step;
	c->index = (int)json_integer_value(json_object_get(o, "i"));
	c->path = field(o, "path");
	if (!c->path)
		c->path = xstrdup("?");
	c->entry = field(o, "entry");
	c->args = field(o, "args");
	c->t_start = t;
}

static void on_end(struct run_result *res, int step, const json_t *o, uint64_t t)
{
	struct harness_call *c = find_call(res, step, json_integer_value(json_object_get(o, "i")));

	if (!c || c->ended)
		return;
	c->ended = true;
	c->t_end = t;
	c->outcome = outcome_of(json_string_value(json_object_get(o, "outcome")));
	free(c->error);
	c->error = field(o, "error");
}

void harness_message(struct run_result *res, int step, uint64_t t0, const char *msg, size_t len)
{
	json_t *o = json_loadb(msg, len, 0, NULL);
	const char *ev = json_string_value(json_object_get(o, "ev"));

	if (!ev || step < 0 || (size_t)step >= res->nsteps) {
		json_decref(o);
		return;
	}
	uint64_t t = msg_time(o, t0);
	if (!strcmp(ev, "begin")) {
		on_begin(res, step, o, t);
	} else if (!strcmp(ev, "end")) {
		on_end(res, step, o, t);
	} else if (!strcmp(ev, "done")) {
		res->steps[step].harness_done = true;
	} else {
		res->notes = xrealloc(res->notes, (res->nnotes + 1) * sizeof(*res->notes));
		res->notes[res->nnotes++] = (struct harness_note){step, t, o};
		return;
	}
	json_decref(o);
}

int harness_open_call(const struct run_result *res, int step)
{
	for (size_t i = res->ncalls; i-- > 0;)
		if (res->calls[i].step == step)
			return res->calls[i].ended ? -1 : (int)i;
	return -1;
}

void harness_step_ended(struct run_result *res, int step, bool killed, uint64_t t_end)
{
	for (size_t i = 0; i < res->ncalls; i++) {
		struct harness_call *c = &res->calls[i];
		if (c->step != step || c->ended)
			continue;
		c->ended = true;
		c->t_end = t_end > c->t_start ? t_end : c->t_start;
		c->outcome = killed ? CALL_TIMEOUT : CALL_CRASHED;
	}
}

bool harness_step_resumable(const struct run_result *res, int step)
{
	if (step < 0 || (size_t)step >= res->nsteps || res->steps[step].harness_done)
		return false;
	for (size_t i = 0; i < res->ncalls; i++)
		if (res->calls[i].step == step && res->calls[i].index >= 1)
			return true;
	return false;
}

char *harness_step_config(const struct run_result *res, int step, unsigned budget_ms,
			  unsigned call_ms)
{
	const struct run_step *s = &res->steps[step];
	json_t *o = json_loads(s->harness_config ? s->harness_config : "{}", 0, NULL);
	json_int_t skip = 0;
	json_t *avoid = json_array();

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	/* Earlier steps with the same configuration walked the same calls:
	 * this one resumes after the last they began, and loads no entry
	 * whose loading ended one of them. */
	for (size_t i = 0; i < res->ncalls; i++) {
		const struct harness_call *c = &res->calls[i];
		const struct run_step *cs = &res->steps[c->step];
		if (c->step < step && cs->harness_config && s->harness_config &&
		    !strcmp(cs->harness_config, s->harness_config)) {
			if (c->index + 1 > skip)
				skip = c->index + 1;
			if (c->outcome == CALL_TIMEOUT || c->outcome == CALL_CRASHED)
				json_array_append_new(avoid, json_integer(c->index));
		}
	}
	json_object_set_new(o, "skip", json_integer(skip));
	json_object_set_new(o, "avoid", avoid);
	/* The browser phase calls the exports again, in the page: not those
	 * that hung or ended their process in the execute phase. */
	if (s->phase == PHASE_BROWSER) {
		json_t *paths = json_array();
		for (size_t i = 0; i < res->ncalls; i++) {
			const struct harness_call *c = &res->calls[i];
			if (res->steps[c->step].phase == PHASE_EXECUTE && c->path &&
			    (c->outcome == CALL_TIMEOUT || c->outcome == CALL_CRASHED))
				json_array_append_new(paths, json_string(c->path));
		}
		json_object_set_new(o, "avoid_paths", paths);
	}
	json_object_set_new(o, "budget_ms", json_integer(budget_ms));
	json_object_set_new(o, "call_ms", json_integer(call_ms));
	char *out = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return out;
}

/* The process of |pid| in |step| alive at |t| (the latest started by then). */
static const struct tproc *proc_at(const struct run_result *res, int pid, int step, uint64_t t)
{
	const struct tproc *best = NULL;

	for (size_t i = 0; i < res->nprocs; i++) {
		const struct tproc *p = &res->procs[i];
		if (p->pid == pid && p->step == step && p->t_start <= t &&
		    (!best || p->t_start >= best->t_start))
			best = p;
	}
	return best;
}

/* When the event's process line branched off the step's first process:
 * the event's own time for that process, else the start of its ancestor
 * that the first process started. */
static uint64_t origin_time(const struct run_result *res, const struct event *e)
{
	const struct tproc *p = proc_at(res, e->pid, e->step, e->t_us);
	uint64_t t = e->t_us;

	for (int depth = 0; p && p->ppid != 0 && depth < 64; depth++) {
		t = p->t_start;
		p = proc_at(res, p->ppid, e->step, p->t_start);
	}
	return t;
}

/* The call of |step| running at |t|, else the last one before it: the
 * harness makes one call at a time, and what a call started without
 * waiting for it (a request sent on the next turn of the event loop)
 * happens after it returned, before the next one begins. */
static int call_at(const struct run_result *res, int step, uint64_t t)
{
	int best = -1;

	for (size_t i = 0; i < res->ncalls; i++) {
		const struct harness_call *c = &res->calls[i];
		if (c->step != step || c->t_start > t)
			continue;
		if (best < 0 || c->t_start >= res->calls[best].t_start)
			best = (int)i;
	}
	return best;
}

void harness_attribute(struct run_result *res)
{
	if (!res->ncalls)
		return;
	for (size_t i = 0; i < res->log.n; i++) {
		struct event *e = &res->log.v[i];
		if (e->step < 0 || (size_t)e->step >= res->nsteps || !res->steps[e->step].harness)
			continue;
		int c = call_at(res, e->step, origin_time(res, e));
		e->call = c >= 0 ? c + 1 : 0;
	}
}

void harness_release(struct run_result *res)
{
	for (size_t i = 0; i < res->ncalls; i++) {
		free(res->calls[i].path);
		free(res->calls[i].entry);
		free(res->calls[i].args);
		free(res->calls[i].error);
	}
	free(res->calls);
	for (size_t i = 0; i < res->nnotes; i++)
		json_decref(res->notes[i].msg);
	free(res->notes);
	res->calls = NULL;
	res->notes = NULL;
	res->ncalls = res->nnotes = 0;
}
