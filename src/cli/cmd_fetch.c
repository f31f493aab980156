/* snare fetch SPEC... --dir DIR: download registry tarballs, verified
 * against their dist.integrity, for scanning later (e.g. behind a network
 * wall).  Already fetched tarballs are kept. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fetch/hash.h"
#include "fetch/registry.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static int fetch_one(const char *spec, const char *dir, const char *registry)
{
	struct pkg_ref ref = {0};
	char err[1024], path[4096];
	int rc = 0;

	if (registry_resolve(registry, spec, &ref, err, sizeof(err)) < 0) {
		fprintf(stderr, "snare: %s\n", err);
		return -1;
	}
	char *flat = xstrdup(ref.name[0] == '@' ? ref.name + 1 : ref.name);
	for (char *p = flat; *p; p++)
		if (*p == '/')
			*p = '-';
	snprintf(path, sizeof(path), "%s/%s-%s.tgz", dir, flat, ref.version);
	free(flat);
	/* a cached tarball that still checks out, else a fresh download */
	bool cached = access(path, R_OK) == 0 && ref.integrity &&
		      integrity_check(path, ref.integrity, err, sizeof(err)) == 0;
	if (!cached && registry_download(&ref, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "snare: %s\n", err);
		rc = -1;
	} else {
		printf("%s\n", path);
	}
	pkg_ref_release(&ref);
	return rc;
}

static const char fetch_usage[] =
	"usage: snare fetch SPEC... [--from FILE] [--dir DIR] [--registry URL]\n"
	"  downloads registry tarballs, verified against dist.integrity, for later scans\n";

int cmd_fetch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"registry", required_argument, NULL, 'r'},
		{"from", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = ".", *registry = NULL, *from = NULL;
	int c, failed = 0, total = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_usage(fetch_usage, true);
		case 'd':
			dir = optarg;
			break;
		case 'r':
			registry = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		default:
			return cli_usage(fetch_usage, false);
		}
	}
	if (fs_mkdir_p(dir, 0755) < 0)
		return cli_error("cannot create '%s': %m", dir);
	for (int i = optind; i < argc; i++, total++)
		failed += fetch_one(argv[i], dir, registry) < 0;
	if (from) {
		FILE *f = fopen(from, "re");
		char line[1024];
		if (!f)
			return cli_error("cannot read '%s': %m", from);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n#")] = '\0';
			char *s = line + strspn(line, " \t");
			if (!*s)
				continue;
			total++;
			failed += fetch_one(s, dir, registry) < 0;
		}
		fclose(f);
	}
	if (total == 0)
		return cli_error("nothing to fetch");
	if (failed)
		fprintf(stderr, "snare: %d of %d packages could not be fetched\n", failed, total);
	return failed ? 2 : 0;
}
