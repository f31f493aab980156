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
	tracer_set_step(t, 0);
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
	tracer_set_step(t, 1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_event_after_child_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
