/* util/proc: the owner of a left-over resource, by pid and start time. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/proc.h"

static void test_self(void **state)
{
	(void)state;
	unsigned long long t = proc_starttime(getpid());

	assert_true(t > 0);
	assert_true(proc_alive(getpid(), t));
	assert_true(proc_running(getpid()));
	/* the same pid with another start time is another process */
	assert_false(proc_alive(getpid(), t + 1));
	assert_false(proc_alive(0, t));
}

static void test_zombie_and_gone(void **state)
{
	(void)state;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	assert_true(pid > 0);
	/* wait until it is a zombie: its start time is gone before it is reaped */
	while (proc_starttime(pid) != 0)
		usleep(1000);
	assert_false(proc_running(pid));
	assert_false(proc_alive(pid, 0));
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(proc_starttime(pid), 0);
	assert_false(proc_running(pid));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_zombie_and_gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
