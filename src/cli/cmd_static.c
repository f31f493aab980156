/* snare static PATH: the report's "static" section for a package directory
 * or tarball, read without running anything (static/static.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "static/static.h"
#include "util/fsutil.h"

static const char static_usage[] =
	"usage: snare static PATH [-o FILE]\n"
	"  prints the report's static section for a package directory or tarball, read\n"
	"  without running anything\n";

int cmd_static(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL;
	char err[512];
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c != 'o')
			return cli_usage(static_usage, c == 'h');
		output = optarg;
	}
	if (optind >= argc)
		return cli_error("no package given");
	if (optind + 1 < argc)
		return cli_error("one package at a time, not '%s'", argv[optind + 1]);
	json_t *section = static_scan_path(argv[optind], err, sizeof(err));
	if (!section)
		return cli_error("%s", err);
	struct fs_out o;
	FILE *f = output ? fs_out_open(&o, output) : stdout;
	if (!f) {
		json_decref(section);
		return cli_error("cannot write '%s': %m", output);
	}
	if (json_dumpf(section, f, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0 || fputc('\n', f) == EOF)
		rc = 2;
	/* a file is written whole or not at all */
	int end = output ? fs_out_close(&o) : fflush(f) ? -errno : 0;
	if (end < 0) {
		errno = -end;
		rc = 2;
	}
	if (rc)
		cli_error("cannot write '%s': %m", output ? output : "standard output");
	json_decref(section);
	return rc;
}
