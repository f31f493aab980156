/* What snare says on stderr while it works (src/cli/cli.c): the batch's
 * bar on a terminal, its line per finished package elsewhere, and a
 * detonation's stage lines, each byte of them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/xalloc.h"

static char captured[1024];
static int saved_fd;
static FILE *tmp;

static void capture_start(void)
{
	fflush(stderr);
	tmp = tmpfile();
	assert_non_null(tmp);
	saved_fd = dup(2);
	assert_true(saved_fd >= 0);
	assert_int_equal(dup2(fileno(tmp), 2), 2);
}

static const char *capture_end(void)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved_fd, 2), 2);
	close(saved_fd);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
	return captured;
}

static void test_bar(void **state)
{
	struct batch_progress p = {.done = 12,
				   .total = 36,
				   .running = 4,
				   .waiting = 1,
				   .secs = 42,
				   .now = {"a@1.0.0", "b@2.1.0", "c@0.3.1"}};

	(void)state;
	capture_start();
	cli_progress_bar(&p);
	/* stderr is a file here: 80 columns, so the line is cut at 79 */
	assert_string_equal(capture_end(),
			    "\r\033[K[========                ] 12/36  0:42, ETA 1:24  "
			    "4 running: a@1.0.0, b@2.1.0, ");
	/* nothing done yet: no ETA; the last call clears the line */
	p = (struct batch_progress){.total = 3, .running = 1, .secs = 5, .now = {"x@1.0.0"}};
	capture_start();
	cli_progress_bar(&p);
	p.end = true;
	cli_progress_bar(&p);
	assert_string_equal(capture_end(),
			    "\r\033[K[                        ] 0/3  0:05  1 running: "
			    "x@1.0.0\r\033[K");
}

static void test_result_lines(void **state)
{
	struct pkg_result r = {0};

	(void)state;
	r.name = xstrdup("left-pad");
	r.version = xstrdup("1.3.0");
	pkg_result_set_verdict(&r,
			       json_pack("{s:s, s:f}", "label", "benign", "probability", 0.03125),
			       ORIGIN_SCAN);
	capture_start();
	cli_batch_result(&r, 12, 300, 42, NULL);
	r.origin = ORIGIN_STORE;
	cli_batch_result(&r, 13, 300, 43, NULL);
	pkg_result_set_error(&r, "cannot reach registry 'http://127.0.0.1:1'");
	cli_batch_result(&r, 14, 300, 44, NULL);
	pkg_result_set_interrupted(&r);
	cli_batch_result(&r, 300, 300, 605, NULL);
	assert_string_equal(
		capture_end(),
		"snare: [12/300] left-pad@1.3.0 benign 0.031  (0:42, ETA 16:48)\n"
		"snare: [13/300] left-pad@1.3.0 benign 0.031 (stored by another snare)  (0:43, ETA "
		"15:49)\n"
		"snare: [14/300] left-pad@1.3.0 error: cannot reach registry 'http://127.0.0.1:1'  "
		"(0:44, ETA 14:59)\n"
		"snare: [300/300] left-pad@1.3.0 interrupted  (10:05)\n");
	pkg_result_release(&r);
}

static void test_stage_lines(void **state)
{
	struct cli_progress p;

	(void)state;
	cli_progress_init(&p);
	p.tty = false; /* whatever the test's stderr is */
	capture_start();
	cli_run_progress(&p, STAGE_FETCH, "left-pad@1.3.0", 0); /* not in a log */
	cli_run_progress(&p, STAGE_DEPS, "1", 0);
	cli_run_progress(&p, STAGE_DEPS, "12", 0);
	cli_run_progress(&p, STAGE_SANDBOX, NULL, 0);
	cli_run_progress(&p, STAGE_PHASE, "install", 60000);
	cli_run_progress(&p, STAGE_PHASE, "import", 2500);
	cli_progress_clear(&p); /* nothing drawn: nothing to clear */
	assert_string_equal(capture_end(),
			    "snare: [0:00] installing 1 dependency (npm, no scripts run)\n"
			    "snare: [0:00] installing 12 dependencies (npm, no scripts run)\n"
			    "snare: [0:00] starting the sandbox\n"
			    "snare: [0:00] install phase (up to 60 s)\n"
			    "snare: [0:00] import phase (up to 3 s)\n");
	/* a terminal: one line, rewritten, cleared at the end */
	p.tty = true;
	capture_start();
	cli_run_progress(&p, STAGE_FETCH, "left-pad@1.3.0", 0);
	cli_run_progress(&p, STAGE_PHASE, "import", 20000);
	cli_progress_clear(&p);
	assert_string_equal(capture_end(), "\r\033[Ksnare: [0:00] fetching left-pad@1.3.0"
					   "\r\033[Ksnare: [0:00] import phase (up to 20 s)"
					   "\r\033[K");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_result_lines),
		cmocka_unit_test(test_stage_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
