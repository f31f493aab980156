/* Between the files of run/: the harness channel's host side and the
 * launcher of lifecycle scripts (harness.c), used by the driver
 * (detonate.c) and the planner (plan.c). */
#ifndef SNARE_RUN_INTERNAL_H
#define SNARE_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/run.h"

/* The harness's file in the project, as the package sees it: an ordinary
 * application entry (require.main). */
#define HARNESS_APP_FILE "index.js"

/* The line of the harness's source that holds its settings, empty; the
 * copy written for a step has them in place of "{}". */
#define HARNESS_SETTINGS_SLOT "const checks = {};"

/* Writes the harness (src/run/harness/index.js, built in) as |app|/index.js
 * with |config| (a JSON object) as its settings, replacing whatever the
 * package put there (never through a link).  |app| is resolved inside the
 * directory |rootfd| as if it were the root (the sandbox's root, through
 * /proc/PID/root: the project is a copy in the sandbox's home), so that
 * no link the package made leads out of it.  0 or -1 with |err| set. */
int harness_write_app(int rootfd, const char *app, const char *config, char *err, size_t errlen);

/* The launcher's line that holds its settings (src/run/harness/launcher.js):
 * {"title", "argv", "env", "cwd"} of the script it runs. */
#define LAUNCHER_SETTINGS_SLOT "const step = {};"

/* Writes the launcher with |config| (a JSON object) as its settings as
 * |app|/|file|, as harness_write_app() writes the harness.  The launcher
 * removes the file as it starts.  0 or -1 with |err| set. */
int launcher_write(int rootfd, const char *app, const char *file, const char *config, char *err,
		   size_t errlen);

/* The browser phase's page (src/run/harness/browser.js, built in): one
 * JavaScript expression, a function of the harness's host object. */
const char *harness_page_source(size_t *len);

/* One message the harness sent during step |step| (JSON; "ev" says
 * what): "begin" and "end" of a call, "done", anything else kept as a
 * note.  |t0| is the run's start on CLOCK_MONOTONIC (the harness stamps
 * its messages with that clock).  Malformed messages are dropped. */
void harness_message(struct run_result *res, int step, uint64_t t0, const char *msg, size_t len);

/* The call of |step| that began and has not ended, or -1. */
int harness_open_call(const struct run_result *res, int step);

/* Step |step| ended (|killed|: at a bound): its open call, if any, timed
 * out or crashed, ending at |t_end|. */
void harness_step_ended(struct run_result *res, int step, bool killed, uint64_t t_end);

/* Whether a continuation of step |step| could get further: it did not
 * walk all it meant to ("done") and began a call after loading. */
bool harness_step_resumable(const struct run_result *res, int step);

/* The settings step |step| starts with: its planned config with "skip"
 * (the calls earlier steps of the same config began), "avoid" (those
 * that ended their process), "budget_ms" and "call_ms".  Owned by the
 * caller. */
char *harness_step_config(const struct run_result *res, int step, unsigned budget_ms,
			  unsigned call_ms);

/* Gives every event of a harness step the call that caused it: events
 * of the step's first process by time, those of a process it started by
 * the time that process was started; the call running then, else the
 * last one begun before (its asynchronous tail). */
void harness_attribute(struct run_result *res);

/* Frees calls and notes. */
void harness_release(struct run_result *res);

#endif
