/* The tracer's process books, fed real ptrace stops in an order chosen by
 * the test (waitpid on one pid at a time), so that races of the event
 * loop are replayed deterministically. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event/event.h"
#include "trace/trace.h"

/* The stand-in for the sandbox's init: waits for the go, forks a child
 * that exits 3 at once, reaps it and exits 0.  _exit() only: no sanitizer
 * runs at exit under ptrace. */
static pid_t start_init(int *go)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char b;
		int st;
		close(fds[1]);
		if (read(fds[0], &b, 1) != 1)
			_exit(10);
		pid_t c = fork();
		if (c == 0)
			_exit(3);
		if (c < 0 || waitpid(c, &st, 0) != c)
			_exit(11);
		_exit(0);
	}
	close(fds[0]);
	*go = fds[1];
	return pid;
}

static int wait_one(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, __WALL), pid);
	return st;
}

static size_t count_pid(const struct tracer *t, int pid)
{
	size_t n, k = 0;
	const struct tproc *p = tracer_procs(t, &n);
	for (size_t i = 0; i < n; i++)
		k += p[i].pid == pid;
	return k;
}

/* The parent's fork event reaches the tracer after the child has run,
 * exited and the next step has begun: the child stays one process of the
 * step that started it, and the new step has none. */
static void test_fork_event_after_child_exit(void **state)
{
	struct evlog log = {0};
	struct tracer *t = tracer_new(&log, NULL, ev_now_us());
	unsigned long child = 0;
	int go, st;
	pid_t init = start_init(&go);

	(void)state;
	assert_int_equal(tracer_seize(t, init), 0);
	tracer_set_step(t, 0, 0);
	assert_int_equal(write(go, "x", 1), 1);
	close(go);

	/* init stops at its fork event; held back, init stays stopped. */
	int fork_stop = wait_one(init);
	assert_true(WIFSTOPPED(fork_stop));
	assert_int_equal((unsigned)fork_stop >> 16, PTRACE_EVENT_FORK);
	assert_int_equal(ptrace(PTRACE_GETEVENTMSG, init, 0, &child), 0);

	/* The child: its first stop, then its exit. */
	st = wait_one((pid_t)child);
	assert_true(WIFSTOPPED(st));
	tracer_handle(t, (pid_t)child, st);
	st = wait_one((pid_t)child);
	assert_true(WIFEXITED(st));
	tracer_handle(t, (pid_t)child, st);
	assert_true(tracer_step_status(t, 0, &st));
	assert_int_equal(st, 3);

	/* The next step begins; only now is init's fork event handled. */
	tracer_set_step(t, 1, 0);
	tracer_handle(t, init, fork_stop);
	assert_int_equal(count_pid(t, (int)child), 1);
	assert_false(tracer_step_status(t, 1, &st));
	assert_int_equal(tracer_step_alive(t, 1), 0);
	assert_true(tracer_step_status(t, 0, &st));
	assert_int_equal(st, 3);

	/* init reaps its child and exits 0. */
	do {
		st = wait_one(init);
		tracer_handle(t, init, st);
	} while (!WIFEXITED(st) && !WIFSIGNALED(st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	tracer_free(t);
	evlog_release(&log);
}

/* The stand-in for a launcher step: init waits for the go and forks the
 * launcher, which forks a child that exits 5 without exec (a spawn that
 * failed) and then one that execs "sh -c 'exit 3'", and exits as that one
 * did. */
static pid_t start_launcher_init(int *go)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid != 0) {
		close(fds[0]);
		*go = fds[1];
		return pid;
	}
	char b;
	int st;
	close(fds[1]);
	if (read(fds[0], &b, 1) != 1)
		_exit(10);
	pid_t l = fork();
	if (l == 0) {
		pid_t c = fork();
		if (c == 0)
			_exit(5);
		if (c < 0 || waitpid(c, &st, 0) != c)
			_exit(11);
		c = fork();
		if (c == 0) {
			execl("/bin/sh", "/bin/sh", "-c", "exit 3", (char *)NULL);
			_exit(127);
		}
		if (c < 0 || waitpid(c, &st, 0) != c)
			_exit(11);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 12);
	}
	if (l < 0 || waitpid(l, &st, 0) != l)
		_exit(11);
	_exit(0);
}

/* Under TRACER_LAUNCHER, the step's first process and its child that
 * never execs leave no event and count for no process; the child that
 * execs is the step's, with parent 0; the step's status is the
 * launcher's. */
static void test_launcher_hidden(void **state)
{
	struct evlog log = {0};
	struct tracer *t = tracer_new(&log, NULL, ev_now_us());
	int go, st;
	pid_t init = start_launcher_init(&go), pid;

	(void)state;
	assert_int_equal(tracer_seize(t, init), 0);
	tracer_set_step(t, 0, TRACER_LAUNCHER);
	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	do {
		pid = waitpid(-1, &st, __WALL);
		assert_true(pid > 0);
		tracer_handle(t, pid, st);
	} while (pid != init || !(WIFEXITED(st) || WIFSIGNALED(st)));

	size_t n, shown = 0, hidden = 0;
	const struct tproc *p = tracer_procs(t, &n);
	int launcher = 0, failed = 0, sh = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i].pid == init)
			continue;
		assert_int_equal(p[i].step, 0);
		if (p[i].hidden) {
			hidden++;
			if (p[i].hidden_until_exec) {
				failed = p[i].pid;
				assert_int_equal(p[i].status, 5);
			} else {
				launcher = p[i].pid;
				assert_int_equal(p[i].ppid, 0);
			}
		} else {
			shown++;
			sh = p[i].pid;
			assert_int_equal(p[i].ppid, 0);
			assert_int_equal(p[i].status, 3);
		}
	}
	assert_int_equal(hidden, 2);
	assert_int_equal(shown, 1);
	assert_true(launcher > 0 && failed > 0 && sh > 0);
	/* init and the shell */
	assert_int_equal(tracer_get_stats(t)->processes, 2);
	assert_true(tracer_step_status(t, 0, &st));
	assert_int_equal(st, 3);
	size_t exits = 0;
	for (size_t i = 0; i < log.n; i++) {
		assert_int_not_equal(log.v[i].pid, launcher);
		assert_int_not_equal(log.v[i].pid, failed);
		if (log.v[i].pid == sh && log.v[i].type == EV_EXIT) {
			exits++;
			assert_int_equal(log.v[i].ppid, 0);
			assert_int_equal(log.v[i].ret, 3);
		}
	}
	assert_int_equal(exits, 1);

	tracer_free(t);
	evlog_release(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_event_after_child_exit),
		cmocka_unit_test(test_launcher_hidden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
