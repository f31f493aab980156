/* Tests for src/scan: the failures a command used to report itself come
 * back as one line in |err|, with nothing printed on stdout or stderr (a
 * store or a model that cannot be opened, a batch that cannot start, a
 * registry that cannot be reached, a child that writes no report), and
 * which targets need a scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "scan/scan.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* A registry nobody listens on: resolving fails at once, quietly. */
#define DEAD_REGISTRY "http://127.0.0.1:1"

struct fx {
	char dir[64];
	char model[128]; /* a file that is not a model */
	char db[128];
};

/* What was written on stdout and stderr between quiet_start() and
 * quiet_end(). */
struct capture {
	int saved[2];
	FILE *tmp;
};

static void quiet_start(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved[0] = dup(1);
	c->saved[1] = dup(2);
	assert_int_equal(dup2(fileno(c->tmp), 1), 1);
	assert_int_equal(dup2(fileno(c->tmp), 2), 2);
}

/* Asserts that nothing was printed. */
static void quiet_end(struct capture *c)
{
	char buf[512];
	size_t n;

	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(c->saved[0], 1), 1);
	assert_int_equal(dup2(c->saved[1], 2), 2);
	close(c->saved[0]);
	close(c->saved[1]);
	rewind(c->tmp);
	n = fread(buf, 1, sizeof(buf) - 1, c->tmp);
	buf[n] = '\0';
	fclose(c->tmp);
	assert_string_equal(buf, "");
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	FILE *f;

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/snare-test-scan-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->model, sizeof(fx->model), "%s/model.json", fx->dir);
	snprintf(fx->db, sizeof(fx->db), "%s/results.db", fx->dir);
	f = fopen(fx->model, "we");
	if (!f)
		return -1;
	fputs("{\"not\": \"a model\"}\n", f);
	fclose(f);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	fs_rm_rf(fx->dir);
	free(fx);
	return 0;
}

static void test_store_cannot_open(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct capture cap;
	char err[512] = "", path[192];

	snprintf(path, sizeof(path), "%s/no/such/dir/results.db", fx->dir);
	quiet_start(&cap);
	int r = scan_ctx_init(&c, fx->model, path, false, NULL, err, sizeof(err));
	quiet_end(&cap);
	assert_int_equal(r, -1);
	assert_non_null(strstr(err, path));
	assert_null(strchr(err, '\n'));
}

static void test_model_errors(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct capture cap;
	char err[512] = "", want[512], missing[160];

	snprintf(missing, sizeof(missing), "%s/none.json", fx->dir);
	quiet_start(&cap);
	int r = scan_ctx_init(&c, missing, NULL, true, NULL, err, sizeof(err));
	quiet_end(&cap);
	assert_int_equal(r, -1);
	snprintf(want, sizeof(want), "cannot read model '%s': No such file or directory", missing);
	assert_string_equal(err, want);

	/* a file that is not a model: found at once, refused when loaded */
	assert_int_equal(scan_ctx_init(&c, fx->model, NULL, true, NULL, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.model_version), 16);
	err[0] = '\0';
	quiet_start(&cap);
	struct model *m = scan_ctx_model(&c, err, sizeof(err));
	quiet_end(&cap);
	assert_null(m);
	assert_true(err[0] != '\0');
	scan_ctx_release(&c);
}

static void test_batch_cannot_start(void **state)
{
	struct batch_job job = {.target = xstrdup("left-pad@1.3.0")};
	struct batch b = {.jobs = 1, .self = "/bin/false"};
	struct capture cap;
	char err[512] = "", *tmpdir = getenv("TMPDIR") ? xstrdup(getenv("TMPDIR")) : NULL;

	(void)state;
	setenv("TMPDIR", "/nonexistent-snare-test", 1);
	quiet_start(&cap);
	int r = batch_run(&job, 1, &b, err, sizeof(err));
	quiet_end(&cap);
	if (tmpdir)
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(tmpdir);
	assert_int_equal(r, -1);
	assert_string_equal(err, "cannot create a directory in '/nonexistent-snare-test': No "
				 "such file or directory");
	assert_int_equal(job.exit_code, -1); /* not run */
	batch_job_release(&job);
}

static struct batch_progress last_progress;
static int progress_calls;

static void on_progress(const struct batch_progress *p)
{
	last_progress = *p;
	progress_calls++;
}

/* A child that writes no report (here /bin/false, exit 1): one line in
 * the job, and the progress callback sees the batch end. */
static void test_batch_no_report(void **state)
{
	struct batch_job job = {.target = xstrdup("x@1.0.0")};
	struct batch b = {.jobs = 1, .self = "/bin/false", .progress = on_progress};
	struct capture cap;
	char err[512] = "";

	(void)state;
	progress_calls = 0;
	quiet_start(&cap);
	int r = batch_run(&job, 1, &b, err, sizeof(err));
	quiet_end(&cap);
	assert_int_equal(r, 0);
	assert_int_equal(job.exit_code, 2);
	assert_null(job.report);
	assert_string_equal(job.error, "the scan of 'x@1.0.0' wrote no readable report");
	assert_true(progress_calls >= 2);
	assert_true(last_progress.end);
	assert_int_equal(last_progress.done, 1);
	assert_int_equal(last_progress.total, 1);
	assert_int_equal(last_progress.running, 0);
	batch_job_release(&job);
}

static void test_stored_report_unresolved(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct capture cap;
	json_t *report = NULL;
	char err[512] = "";

	assert_int_equal(
		scan_ctx_init(&c, fx->model, fx->db, false, DEAD_REGISTRY, err, sizeof(err)), 0);
	assert_non_null(c.store);
	/* an exact version the store does not know: nothing, no error */
	assert_int_equal(scan_stored_report(&c, "left-pad@1.3.0", DEAD_REGISTRY, false, &report,
					    err, sizeof(err)),
			 0);
	assert_null(report);
	/* a path is never looked up */
	assert_int_equal(
		scan_stored_report(&c, "./pkg.tgz", DEAD_REGISTRY, true, &report, err, sizeof(err)),
		0);
	/* a range needs the registry, which cannot be reached */
	err[0] = '\0';
	quiet_start(&cap);
	int r = scan_stored_report(&c, "left-pad@^1.0.0", DEAD_REGISTRY, false, &report, err,
				   sizeof(err));
	quiet_end(&cap);
	assert_int_equal(r, -1);
	assert_null(report);
	assert_non_null(strstr(err, "cannot reach registry"));
	scan_ctx_release(&c);
}

static void test_plan_targets(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct pkg_result r[3];
	size_t todo[3], ntodo;
	char err[512] = "";

	assert_int_equal(
		scan_ctx_init(&c, fx->model, fx->db, false, DEAD_REGISTRY, err, sizeof(err)), 0);
	memset(r, 0, sizeof(r));
	r[0].target = xstrdup("left-pad@^1.0.0");  /* a range: cannot be resolved */
	r[1].target = xstrdup("./vendor/pkg.tgz"); /* a path: always scanned */
	r[2].target = xstrdup("evil@1.0.0");	   /* not in the store */
	for (size_t i = 0; i < 3; i++)
		r[i].status = PKG_ERROR;
	ntodo = scan_plan_targets(&c, r, 3, 1, false, todo);
	assert_int_equal(ntodo, 2);
	assert_int_equal(todo[0], 1);
	assert_int_equal(todo[1], 2);
	assert_int_equal(r[0].status, PKG_ERROR);
	assert_non_null(strstr(r[0].reason, "cannot reach registry"));
	assert_null(r[1].name);
	assert_string_equal(r[2].name, "evil");
	assert_string_equal(r[2].version, "1.0.0");

	/* lockfile packages: what is not scanned stays out of the batch */
	struct pkg_result p[2];
	memset(p, 0, sizeof(p));
	p[0].name = xstrdup("evil");
	p[0].version = xstrdup("1.0.0");
	p[1].name = xstrdup("from-git");
	p[1].status = PKG_NOT_SCANNED;
	assert_int_equal(scan_plan_packages(&c, p, 2, true, todo), 1);
	assert_int_equal(todo[0], 0);
	for (size_t i = 0; i < 3; i++)
		pkg_result_release(&r[i]);
	for (size_t i = 0; i < 2; i++)
		pkg_result_release(&p[i]);
	scan_ctx_release(&c);
}

/* The pipe a claim holder waits on: the batch's progress callback writes
 * to it once it sees the batch wait. */
static int go_fd = -1;
static bool saw_waiting;

static void on_waiting(const struct batch_progress *p)
{
	if (p->waiting && !saw_waiting) {
		saw_waiting = true;
		assert_int_equal(write(go_fd, "g", 1), 1);
	}
}

/* Another process holds the claim on x@1.0.0: the batch waits for it
 * (its progress says so), and when that process has stored its verdict
 * and dropped the claim, answers from the store: nothing is detonated
 * (the "scan" here is /bin/false, which would be an error). */
static void test_batch_waits_for_claim(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct pkg_result r = {0};
	struct capture cap;
	char err[512] = "", buf;
	int ready[2], go[2];
	size_t todo = 0;

	assert_int_equal(
		scan_ctx_init(&c, fx->model, fx->db, false, DEAD_REGISTRY, err, sizeof(err)), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid_t holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		struct store *s;
		json_t *rep =
			json_pack("{s:s, s:{s:s, s:s, s:{s:s}, s:{s:s}}}", "schema",
				  "snare.report/1", "package", "name", "x", "version", "1.0.0",
				  "source", "type", "registry", "tarball", "sha512", "AAAA");
		json_t *v = json_pack("{s:s, s:f, s:f, s:[]}", "label", "benign", "probability",
				      0.125, "threshold", 0.5, "explanations");
		struct store_record rec = {.report = rep,
					   .verdict = v,
					   .model = c.model_version,
					   .features_schema = 1,
					   .registry = c.registry};

		if (store_open(fx->db, &s, err, sizeof(err)) < 0 ||
		    store_claim(s, "x", "1.0.0", NULL, err, sizeof(err)) != 1 ||
		    write(ready[1], "r", 1) != 1 || read(go[0], &buf, 1) != 1 ||
		    store_put(s, &rec, err, sizeof(err)) < 0 ||
		    store_unclaim(s, "x", "1.0.0", err, sizeof(err)) < 0)
			_exit(1);
		store_close(s);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	assert_int_equal(read(ready[0], &buf, 1), 1);
	go_fd = go[1];
	saw_waiting = false;
	r.name = xstrdup("x");
	r.version = xstrdup("1.0.0");
	r.target = xstrdup("x@1.0.0");
	r.status = PKG_ERROR;
	struct batch b = {.jobs = 1, .self = "/bin/false", .progress = on_waiting};
	quiet_start(&cap);
	int ret = scan_children(&c, &r, &todo, 1, &b, err, sizeof(err));
	quiet_end(&cap);
	int status;
	assert_int_equal(waitpid(holder, &status, 0), holder);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(ret, 0);
	assert_true(saw_waiting);
	assert_int_equal(r.status, PKG_BENIGN);
	assert_int_equal(r.origin, ORIGIN_STORE);
	assert_null(r.reason);
	close(go[1]);
	close(ready[0]);
	pkg_result_release(&r);

	/* a claim left by a process that is gone is taken over: the package is
	 * scanned (here: the /bin/false error), and the claim dropped after */
	pid_t dead = fork();
	if (dead == 0) {
		struct store *s;

		if (store_open(fx->db, &s, err, sizeof(err)) < 0 ||
		    store_claim(s, "y", "2.0.0", NULL, err, sizeof(err)) != 1)
			_exit(1);
		_exit(0); /* the claim stays */
	}
	assert_int_equal(waitpid(dead, &status, 0), dead);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	memset(&r, 0, sizeof(r));
	r.name = xstrdup("y");
	r.version = xstrdup("2.0.0");
	r.target = xstrdup("y@2.0.0");
	r.status = PKG_ERROR;
	b.progress = NULL;
	quiet_start(&cap);
	ret = scan_children(&c, &r, &todo, 1, &b, err, sizeof(err));
	quiet_end(&cap);
	assert_int_equal(ret, 0);
	assert_string_equal(r.reason, "the scan of 'y@2.0.0' wrote no readable report");
	pid_t other = fork();
	if (other == 0) {
		struct store *s; /* a connection of its own: none crosses a fork */

		_exit(store_open(fx->db, &s, err, sizeof(err)) == 0 &&
				      store_claim(s, "y", "2.0.0", NULL, err, sizeof(err)) == 1
			      ? 0
			      : 1);
	}
	assert_int_equal(waitpid(other, &status, 0), other);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pkg_result_release(&r);
	scan_ctx_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_cannot_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_errors, setup, teardown),
		cmocka_unit_test(test_batch_cannot_start),
		cmocka_unit_test(test_batch_no_report),
		cmocka_unit_test_setup_teardown(test_stored_report_unresolved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_waits_for_claim, setup, teardown),
	};

	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
