/* Commands.  Each returns the process exit code: 0 ok (benign), 1
 * malicious, 2 error; errors are printed as one line on stderr. */
#ifndef SNARE_CLI_H
#define SNARE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "cli/format.h"
#include "run/run.h"

int cmd_trace(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_deps(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_follow(int argc, char **argv);
int cmd_static(int argc, char **argv);
int cmd_npm(int argc, char **argv);
int cmd_npx(int argc, char **argv);

struct model;
/* The model at |path|, else $SNARE_MODEL, else models/snare.json beside
 * the build; NULL after printing why not. */
struct model *cli_load_model(const char *path);
/* "MALICIOUS  name@version  probability ..." and the evidence lines. */
void cli_print_verdict(const json_t *report, FILE *f);

/* Loads the report at |path| and extracts its features into |x| and
 * "name@version" into |id|.  0, or -1 after printing the error. */
int cli_report_features(const char *path, float *x, char *id, size_t idlen);

/* Seconds (0 < s <= 86400, fractions allowed) into |*ms|: 0, or -1. */
int cli_parse_secs(const char *s, unsigned *ms);
/* Parses a rate in [0, 1) ("0.002"): 0, or -1 for anything else. */
int cli_parse_rate(const char *s, double *v);

struct train_params;
/* The learning options train and eval share: -j, --augment (A),
 * --no-monotone (M), --target-fpr (P), --fpr-family (F).  1 if |c| is
 * one of them (|arg| stored), 0 if not, or -1 after printing the error. */
int cli_learn_opt(int c, const char *arg, struct train_params *p, double *target_fpr,
		  const char **fpr_family);

struct batch_progress;
/* Draws a batch's progress bar on stderr (a struct batch's |progress|):
 * done and total, what is running, elapsed and an ETA; the last call
 * clears it. */
void cli_progress_bar(const struct batch_progress *p);
/* A line on stderr per finished package when stderr is not a terminal
 * (a struct batch's |result|): "snare: [12/300] name@1.2.3 benign 0.030
 * (0:42, ETA 3:10)", "... error: why", "... interrupted". */
void cli_batch_result(const struct pkg_result *r, size_t done, size_t total, long secs, void *arg);

/* A detonation's progress on stderr (run_options.progress with a struct
 * cli_progress as its argument): on a terminal one line rewritten at each
 * stage, "snare: [0:12] import phase (up to 20 s)"; elsewhere a line per
 * stage, from the dependency install on (an input that turns out bad is
 * still one line). */
struct cli_progress {
	bool tty, drawn;
	long long t0_ms;
};
void cli_progress_init(struct cli_progress *p);
void cli_run_progress(void *arg, enum run_stage stage, const char *detail, unsigned timeout_ms);
/* Clears the terminal's line, if one was drawn. */
void cli_progress_clear(struct cli_progress *p);

/* A command's usage text ("{formats}" expanded): on stdout for --help
 * (returns 0), else on stderr after a bad option (returns 2). */
int cli_usage(const char *usage, bool help);

/* "snare: <msg>" on stderr; returns 2. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The options snare scan and snare audit share for a batch (batch_opts.c). */
struct batch_opts {
	unsigned jobs;		/* -j, --jobs: 1 to 64 (default batch_default_jobs()) */
	enum out_format format; /* --format */
	const char *store;	/* --store FILE; NULL: the default store */
	bool no_store, rescan;	/* --no-store, --rescan */
};

/* Their getopt_long() entries; their codes are 'j', 'f', 'S', 'N', 'X'. */
/* clang-format off */
#define BATCH_LONGOPTS \
	{"jobs", required_argument, NULL, 'j'}, \
	{"format", required_argument, NULL, 'f'}, \
	{"store", required_argument, NULL, 'S'}, \
	{"no-store", no_argument, NULL, 'N'}, \
	{"rescan", no_argument, NULL, 'X'}
/* clang-format on */

void batch_opts_init(struct batch_opts *o);
/* Applies option |c| (getopt's code) with |arg| if it is one of them: 1
 * when it was, 0 when |c| is another option, 2 after printing what is
 * wrong with |arg| (an unknown format names the formats of the table). */
int batch_opt(struct batch_opts *o, int c, const char *arg);
/* After the options: 0, or 2 after printing a conflict between them. */
int batch_opts_check(const struct batch_opts *o);

#endif
