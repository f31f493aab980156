/* Helpers shared by the harnesses; see fuzz.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

char *fuzz_tmpdir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	dir = xasprintf("%s/snare-fuzz-%s-XXXXXX", tmp, name);
	if (ntmpdirs == FUZZ_MAX_TMPDIRS || !mkdtemp(dir)) {
		perror(dir);
		abort();
	}
	if (!ntmpdirs)
		atexit(remove_tmpdirs);
	tmpdirs[ntmpdirs++] = dir;
	return dir;
}
