/* The harness channel's host side (run/harness.c): messages into calls
 * and notes, the settings of a continuation step, attribution of events
 * to calls, and the harness file written into the project. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "run/internal.h"
#include "tmpdir.h"
#include "util/xalloc.h"

#define T0 1000000000ULL /* the run's start, CLOCK_MONOTONIC us */

/* |json| without its closing brace, then its time ("t") is added. */
static void msg(struct run_result *res, int step, const char *json, unsigned long long t)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s\"t\":%llu}", json, T0 + t);
	harness_message(res, step, T0, buf, strlen(buf));
}

/* Three execute steps of the same settings, as plan.c makes them. */
static void setup_steps(struct run_result *res)
{
	memset(res, 0, sizeof(*res));
	res->nsteps = 3;
	res->steps = xcalloc(3, sizeof(*res->steps));
	for (int k = 0; k < 3; k++) {
		res->steps[k].phase = PHASE_EXECUTE;
		res->steps[k].harness = true;
		res->steps[k].resume = k > 0;
		res->steps[k].state = STEP_NOT_RUN;
		res->steps[k].harness_config = xstrdup("{\"mode\":\"execute\",\"name\":\"p\"}");
	}
}

static void teardown_steps(struct run_result *res)
{
	for (size_t k = 0; k < res->nsteps; k++)
		free(res->steps[k].harness_config);
	free(res->steps);
	free(res->procs);
	evlog_release(&res->log);
	harness_release(res);
}

static void test_messages(void **state)
{
	struct run_result res;
	(void)state;

	setup_steps(&res);
	msg(&res, 0,
	    "{\"ev\":\"begin\",\"i\":1,\"path\":\"require(p)\",\"entry\":\"p\",\"args\":\"load\",",
	    100);
	msg(&res, 0, "{\"ev\":\"end\",\"i\":1,\"outcome\":\"returned\",", 150);
	msg(&res, 0, "{\"ev\":\"begin\",\"i\":2,\"path\":\"a()\",\"args\":\"none\",", 200);
	msg(&res, 0, "{\"ev\":\"end\",\"i\":2,\"outcome\":\"threw\",\"error\":\"bad\",", 210);
	msg(&res, 0, "{\"ev\":\"uncaught\",\"error\":\"late\",", 220);
	msg(&res, 0, "{\"ev\":\"begin\",\"i\":3,\"path\":\"b()\",", 300);
	harness_message(&res, 0, T0, "not json", 8);
	harness_message(&res, 0, T0, "{\"i\":4}", 7);
	assert_int_equal(res.ncalls, 3);
	assert_string_equal(res.calls[0].path, "require(p)");
	assert_string_equal(res.calls[0].entry, "p");
	assert_int_equal(res.calls[0].t_start, 100);
	assert_int_equal(res.calls[0].t_end, 150);
	assert_int_equal(res.calls[1].outcome, CALL_THREW);
	assert_string_equal(res.calls[1].error, "bad");
	assert_int_equal(res.nnotes, 1);
	assert_int_equal(res.notes[0].t_us, 220);
	/* b() is still running: the step is killed at its bound */
	assert_int_equal(harness_open_call(&res, 0), 2);
	res.steps[0].state = STEP_TIMEOUT;
	harness_step_ended(&res, 0, true, 5000);
	assert_int_equal(harness_open_call(&res, 0), -1);
	assert_int_equal(res.calls[2].outcome, CALL_TIMEOUT);
	assert_int_equal(res.calls[2].t_end, 5000);
	assert_true(harness_step_resumable(&res, 0));

	/* the continuation skips what was begun and avoids what hung */
	char *cfg = harness_step_config(&res, 1, 9000, 2000);
	json_t *o = json_loads(cfg, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(o, "skip")), 4);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(o, "avoid"), 0)), 3);
	assert_int_equal(json_array_size(json_object_get(o, "avoid")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "budget_ms")), 9000);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "p");
	json_decref(o);
	free(cfg);

	/* a step that ends during a call crashed it; one that said done is complete */
	msg(&res, 1, "{\"ev\":\"begin\",\"i\":4,\"path\":\"c()\",", 6000);
	res.steps[1].state = STEP_FAILED;
	harness_step_ended(&res, 1, false, 6100);
	assert_int_equal(res.calls[3].outcome, CALL_CRASHED);
	msg(&res, 2, "{\"ev\":\"done\",", 7000);
	res.steps[2].state = STEP_OK;
	assert_false(harness_step_resumable(&res, 2));
	teardown_steps(&res);
}

static struct event *ev(struct run_result *res, int pid, uint64_t t)
{
	struct event *e = evlog_add(&res->log, EV_FILE, "openat");
	e->pid = pid;
	e->step = 0;
	e->t_us = t;
	return e;
}

static void test_attribution(void **state)
{
	struct run_result res;
	(void)state;

	setup_steps(&res);
	/* node (pid 10), a shell it starts during b() (11), and that shell's child (12) */
	res.nprocs = 3;
	res.procs = xcalloc(3, sizeof(*res.procs));
	res.procs[0] = (struct tproc){.pid = 10, .ppid = 0, .step = 0, .t_start = 50};
	res.procs[1] = (struct tproc){.pid = 11, .ppid = 10, .step = 0, .t_start = 320};
	res.procs[2] = (struct tproc){.pid = 12, .ppid = 11, .step = 0, .t_start = 900};
	msg(&res, 0, "{\"ev\":\"begin\",\"i\":1,\"path\":\"a()\",", 100);
	msg(&res, 0, "{\"ev\":\"end\",\"i\":1,", 200);
	msg(&res, 0, "{\"ev\":\"begin\",\"i\":2,\"path\":\"b()\",", 300);
	msg(&res, 0, "{\"ev\":\"end\",\"i\":2,", 400);
	msg(&res, 0, "{\"ev\":\"begin\",\"i\":3,\"path\":\"c()\",", 500);
	msg(&res, 0, "{\"ev\":\"end\",\"i\":3,", 600);
	ev(&res, 10, 80);   /* before any call */
	ev(&res, 10, 150);  /* during a() */
	ev(&res, 10, 250);  /* a()'s asynchronous tail */
	ev(&res, 12, 1000); /* b()'s grandchild, long after */
	ev(&res, 10, 550);  /* during c() */
	struct event *other = ev(&res, 10, 150);
	other->step = -1;
	harness_attribute(&res);
	assert_int_equal(res.log.v[0].call, 0);
	assert_int_equal(res.log.v[1].call, 1);
	assert_int_equal(res.log.v[2].call, 1);
	assert_int_equal(res.log.v[3].call, 2);
	assert_int_equal(res.log.v[4].call, 3);
	assert_int_equal(res.log.v[5].call, 0);
	teardown_steps(&res);
}

static void test_write_app(void **state)
{
	char dir[TMPDIR_MAX], path[200], target[200], err[256];
	(void)state;

	assert_int_equal(tmpdir_make(dir, "harness"), 0);
	int rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	snprintf(path, sizeof(path), "%s/app", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/app/index.js", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	/* a link the package left in its place is replaced, never followed */
	assert_int_equal(fs_write_file(target, "keep", 4), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(harness_write_app(rootfd, "/app", "{\"mode\":\"execute\",\"name\":\"p\"}",
					   err, sizeof(err)),
			 0);
	size_t len;
	char *kept = fs_read_file(target, 100, &len);
	assert_string_equal(kept, "keep");
	free(kept);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	char *src = fs_read_file(path, 1 << 20, &len);
	assert_non_null(strstr(src, "const checks = {\"mode\":\"execute\",\"name\":\"p\"};"));
	assert_null(strstr(src, "const checks = {};"));
	free(src);
	/* a project directory made a link to a path outside: resolved in the
	 * root, where that path does not exist, so nothing is written there */
	char link[200], outside[TMPDIR_MAX], escaped[200];
	assert_int_equal(tmpdir_make(outside, "harness-out"), 0);
	snprintf(link, sizeof(link), "%s/app2", dir);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(harness_write_app(rootfd, "/app2", "{}", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open '/app2': No such file or directory"));
	snprintf(escaped, sizeof(escaped), "%s/index.js", outside);
	assert_int_equal(access(escaped, F_OK), -1);
	tmpdir_remove(outside);
	close(rootfd);
	tmpdir_remove(dir);
}

/* The launcher is written as the file asked for, with its settings, in
 * place of whatever was there; a directory that leads outside the root
 * gets nothing. */
static void test_write_launcher(void **state)
{
	char dir[TMPDIR_MAX], path[200], target[200], err[256];
	size_t len;
	(void)state;

	assert_int_equal(tmpdir_make(dir, "launcher"), 0);
	int rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	snprintf(path, sizeof(path), "%s/app", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/app/.abcdef.cjs", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	assert_int_equal(fs_write_file(target, "keep", 4), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(launcher_write(rootfd, "/app", ".abcdef.cjs",
					"{\"title\":\"npm install\"}", err, sizeof(err)),
			 0);
	char *kept = fs_read_file(target, 100, &len);
	assert_string_equal(kept, "keep");
	free(kept);
	char *src = fs_read_file(path, 1 << 20, &len);
	assert_non_null(strstr(src, "const step = {\"title\":\"npm install\"};"));
	assert_null(strstr(src, LAUNCHER_SETTINGS_SLOT));
	/* it removes itself, then takes its title */
	assert_true(strstr(src, "fs.unlinkSync(__filename)") < strstr(src, "process.title ="));
	free(src);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0644);

	char link[200], outside[TMPDIR_MAX], escaped[200];
	assert_int_equal(tmpdir_make(outside, "launcher-out"), 0);
	snprintf(link, sizeof(link), "%s/app2", dir);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(launcher_write(rootfd, "/app2", ".x.cjs", "{}", err, sizeof(err)), -1);
	assert_string_equal(err, "cannot open '/app2': No such file or directory");
	snprintf(escaped, sizeof(escaped), "%s/.x.cjs", outside);
	assert_int_equal(access(escaped, F_OK), -1);
	tmpdir_remove(outside);
	close(rootfd);
	tmpdir_remove(dir);
}

/* Writes the launcher into |dir|/app as |uid| (a child of the test, when
 * it runs as root: root writes anywhere).  Returns the child's exit code:
 * 0 when written, 1 when not, with the message in |err| only if the test
 * did it itself. */
static int write_as(const char *dir, uid_t uid, char *err, size_t errlen)
{
	int rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	if (getuid() != 0) {
		int r = launcher_write(rootfd, "/app", ".x.cjs", "{}", err, errlen);
		close(rootfd);
		return r == 0 ? 0 : 1;
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char e[256];
		if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
			_exit(2);
		_exit(launcher_write(rootfd, "/app", ".x.cjs", "{}", e, sizeof(e)) == 0 ? 0 : 1);
	}
	int st;
	close(rootfd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* A project directory the package made read-only (chmod 555) still gets
 * the launcher: its owner takes the write bit back.  One it does not own
 * does not. */
static void test_write_readonly_dir(void **state)
{
	char dir[TMPDIR_MAX], app[200], path[200], err[256] = "";
	uid_t owner = getuid() == 0 ? 65534 : getuid();
	struct stat st;
	(void)state;

	assert_int_equal(tmpdir_make(dir, "launcher-ro"), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(app, sizeof(app), "%s/app", dir);
	assert_int_equal(mkdir(app, 0755), 0);
	if (getuid() == 0)
		assert_int_equal(chown(app, owner, owner), 0);
	assert_int_equal(chmod(app, 0555), 0);
	assert_int_equal(write_as(dir, owner, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/.x.cjs", app);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(stat(app, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);

	/* not the owner: no write bit to take back */
	if (getuid() == 0) {
		assert_int_equal(chown(app, 0, 0), 0);
		assert_int_equal(chmod(app, 0555), 0);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(write_as(dir, owner, err, sizeof(err)), 1);
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(stat(app, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0555);
	}
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),	   cmocka_unit_test(test_attribution),
		cmocka_unit_test(test_write_app),	   cmocka_unit_test(test_write_launcher),
		cmocka_unit_test(test_write_readonly_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
