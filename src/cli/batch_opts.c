/* The options snare scan and snare audit share for a batch: -j, --format,
 * --store, --no-store, --rescan. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void batch_opts_init(struct batch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = batch_default_jobs();
}

int batch_opt(struct batch_opts *o, int c, const char *arg)
{
	char *end, names[256];
	long v;

	switch (c) {
	case 'j':
		v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 1 || v > 64)
			return cli_error("invalid --jobs '%s' (1 to 64)", arg);
		o->jobs = (unsigned)v;
		return 1;
	case 'f':
		if (out_format_parse(arg, &o->format) < 0) {
			out_format_names(names, sizeof(names));
			return cli_error("unknown format '%s' (%s)", arg, names);
		}
		return 1;
	case 'S':
		o->store = arg;
		return 1;
	case 'N':
		o->no_store = true;
		return 1;
	case 'X':
		o->rescan = true;
		return 1;
	default:
		return 0;
	}
}

int batch_opts_check(const struct batch_opts *o)
{
	if (o->store && o->no_store)
		return cli_error("--store and --no-store cannot be combined");
	return 0;
}
