/* The temporary-directory fixture of the unit tests: a fresh directory
 * /tmp/snare-test-NAME-XXXXXX for a test's files, removed afterwards with
 * everything in it (fs_rm_rf: symlinks are not followed, read-only
 * directories are removed too).  Header-only: each test binary is one
 * tests/unit/test_X.c linked against libsnare.a. */
#ifndef SNARE_TEST_TMPDIR_H
#define SNARE_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "util/fsutil.h"
#include "util/xalloc.h"

#define TMPDIR_MAX 64

/* Creates /tmp/snare-test-|name|-XXXXXX into |dir| (TMPDIR_MAX bytes).
 * 0, or -1 when it cannot be made. */
static inline int tmpdir_make(char dir[TMPDIR_MAX], const char *name)
{
	snprintf(dir, TMPDIR_MAX, "/tmp/snare-test-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* Removes |dir| and everything below it.  0, or -errno. */
static inline int tmpdir_remove(const char *dir)
{
	return fs_rm_rf(dir);
}

/* "|dir|/|name|", newly allocated. */
static inline char *tmpdir_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

#endif
