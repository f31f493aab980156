/* Commands.  Each returns the process exit code: 0 ok (benign), 1
 * malicious, 2 error; errors are printed as one line on stderr. */
#ifndef SNARE_CLI_H
#define SNARE_CLI_H

#include <stddef.h>

int cmd_trace(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_train(int argc, char **argv);

/* Loads the report at |path| and extracts its features into |x| and
 * "name@version" into |id|.  0, or -1 after printing the error. */
int cli_report_features(const char *path, float *x, char *id, size_t idlen);

/* "snare: <msg>" on stderr; returns 2. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
