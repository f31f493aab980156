/* snare deps DIR --into OUT: a package's registry dependencies prepared
 * from the dependency store alone (resolved, filled, linked; nothing run),
 * what a detonation does before the sandbox starts.  For measuring the
 * store (bench/performance.py --deps) and for looking at the tree it
 * builds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "depstore/depstore.h"
#include "fetch/pkgjson.h"
#include "util/xalloc.h"

static const char deps_usage[] =
	"usage: snare deps DIR --into OUT [--dep-store DIR] [--registry URL] [--offline]\n"
	"  prepares the registry dependencies of the package in DIR into OUT/node_modules\n"
	"  from the dependency store, as a detonation does (no script runs)\n"
	"      --into OUT         where node_modules goes (created)\n"
	"      --dep-store DIR    the store (default: $XDG_CACHE_HOME/snare/store)\n"
	"      --registry URL     npm registry (default: https://registry.npmjs.org)\n"
	"      --offline          the store's packuments only, whatever their age\n"
	"exit: 0 prepared, 2 error (or what npm would have to prepare)\n";

int cmd_deps(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"into", required_argument, NULL, 'i'},
		{"dep-store", required_argument, NULL, 's'},
		{"registry", required_argument, NULL, 'r'},
		{"offline", no_argument, NULL, 'O'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct depstore_options o = {0};
	struct depstore_stats st;
	struct pkgjson pj;
	const char *into = NULL;
	char err[1024], nm[4096];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_usage(deps_usage, true);
		case 'i':
			into = optarg;
			break;
		case 's':
			o.dir = optarg;
			break;
		case 'r':
			o.registry = optarg;
			break;
		case 'O':
			o.offline = true;
			break;
		default:
			return cli_usage(deps_usage, false);
		}
	}
	if (optind != argc - 1 || !into)
		return cli_usage(deps_usage, false);
	if (pkgjson_load(argv[optind], &pj, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	struct depstore_dep *dv = xcalloc(pj.ndeps + 1, sizeof(*dv));
	for (size_t i = 0; i < pj.ndeps; i++)
		dv[i] = (struct depstore_dep){pj.deps[i].key, pj.deps[i].value,
					      i >= pj.ndeps_required};
	snprintf(nm, sizeof(nm), "%s/node_modules", into);
	int r = depstore_install(&o, dv, pj.ndeps, pj.name, pj.version, nm, &st, err, sizeof(err));
	free(dv);
	pkgjson_release(&pj);
	if (r < 0)
		return cli_error("%s", err);
	fprintf(stderr, "%zu packages (%zu extracted, %zu repaired, %zu skipped)\n", st.packages,
		st.filled, st.repaired, st.skipped);
	return 0;
}
