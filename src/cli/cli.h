/* Commands.  Each returns the process exit code: 0 ok (benign), 1
 * malicious, 2 error; errors are printed as one line on stderr. */
#ifndef SNARE_CLI_H
#define SNARE_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

int cmd_trace(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_import(int argc, char **argv);

struct model;
/* The path of the model: |path|, else $SNARE_MODEL, else models/snare.json
 * beside the build (written into |buf|); NULL when none can be named. */
const char *cli_model_path(const char *path, char *buf, size_t len);
/* The model at |path|, else $SNARE_MODEL, else models/snare.json beside
 * the build; NULL after printing why not. */
struct model *cli_load_model(const char *path);
/* Scores |report|: the verdict object (see explain_verdict()), or NULL
 * with |err|. */
json_t *cli_verdict(const struct model *m, const json_t *report, char *err, size_t errlen);
/* "MALICIOUS  name@version  probability ..." and the evidence lines. */
void cli_print_verdict(const json_t *report, FILE *f);

/* Loads the report at |path| and extracts its features into |x| and
 * "name@version" into |id|.  0, or -1 after printing the error. */
int cli_report_features(const char *path, float *x, char *id, size_t idlen);

/* Seconds (0 < s <= 86400, fractions allowed) into |*ms|: 0, or -1. */
int cli_parse_secs(const char *s, unsigned *ms);

/* "snare: <msg>" on stderr; returns 2. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
