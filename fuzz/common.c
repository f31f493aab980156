/* Helpers shared by the harnesses; see fuzz.h. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

#define FUZZ_MAX_TMPDIRS 8

static char *tmpdirs[FUZZ_MAX_TMPDIRS];
static size_t ntmpdirs;

static void remove_tmpdirs(void)
{
	for (size_t i = 0; i < ntmpdirs; i++) {
		(void)fs_rm_rf(tmpdirs[i]);
		free(tmpdirs[i]);
	}
	ntmpdirs = 0;
}

/* A harness that crashes (which is its job) never gets to remove_tmpdirs(),
 * and crash minimisation crashes thousands of times: directories named
 * "snare-fuzz-<name>-<pid>-XXXXXX" whose process is gone are removed here. */
static void remove_stale(const char *tmp, const char *name)
{
	char *prefix = xasprintf("snare-fuzz-%s-", name);
	size_t plen = strlen(prefix);
	DIR *d = opendir(tmp);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		pid = strtol(de->d_name + plen, &end, 10);
		if (end == de->d_name + plen || *end != '-' || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			char *path = xasprintf("%s/%s", tmp, de->d_name);

			(void)fs_rm_rf(path);
			free(path);
		}
	}
	if (d)
		closedir(d);
	free(prefix);
}

char *fuzz_tmpdir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	remove_stale(tmp, name);
	dir = xasprintf("%s/snare-fuzz-%s-%ld-XXXXXX", tmp, name, (long)getpid());
	if (ntmpdirs == FUZZ_MAX_TMPDIRS || !mkdtemp(dir)) {
		perror(dir);
		abort();
	}
	if (!ntmpdirs)
		atexit(remove_tmpdirs);
	tmpdirs[ntmpdirs++] = dir;
	return dir;
}
