/* Commands.  Each returns the process exit code: 0 ok (benign), 1
 * malicious, 2 error; errors are printed as one line on stderr. */
#ifndef SNARE_CLI_H
#define SNARE_CLI_H

int cmd_trace(int argc, char **argv);

/* "snare: <msg>" on stderr; returns 2. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
