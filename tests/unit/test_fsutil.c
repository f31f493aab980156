/* fs_out: an output file is written whole or not at all.  A write that
 * fails (a file-size limit standing in for a full disk, /dev/full) leaves
 * no temporary file and the old contents as they were. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tmpdir.h"
#include "util/fsutil.h"

/* The names in |dir|, but . and .., in one string joined by ' '. */
static void listing(const char *dir, char *buf, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t off = 0;

	assert_non_null(d);
	buf[0] = '\0';
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "",
						e->d_name);
	closedir(d);
}

static void test_writes_whole_file(void **state)
{
	char dir[TMPDIR_MAX], names[256];
	struct fs_out o;
	struct stat st;
	size_t len;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "fsout"), 0);
	char *path = tmpdir_path(dir, "report.json");
	assert_int_equal(fs_write_file(path, "old\n", 4), 0);
	FILE *f = fs_out_open(&o, path);
	assert_non_null(f);
	fputs("{\"new\": 1}\n", f);
	/* the old file stays until the new one is complete */
	char *before = fs_read_file(path, 64, &len);
	assert_string_equal(before, "old\n");
	free(before);
	assert_int_equal(fs_out_close(&o), 0);
	char *after = fs_read_file(path, 64, &len);
	assert_string_equal(after, "{\"new\": 1}\n");
	free(after);
	listing(dir, names, sizeof(names));
	assert_string_equal(names, "report.json");
	/* the mode a plain fopen() gives */
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
	free(path);
	assert_int_equal(tmpdir_remove(dir), 0);
}

/* A write past RLIMIT_FSIZE fails with EFBIG as one past a full disk
 * fails with ENOSPC: the same error path. */
static void test_failed_write_leaves_nothing(void **state)
{
	char dir[TMPDIR_MAX], names[256], big[8192];
	struct rlimit old, lim;
	struct fs_out o;
	size_t len;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "fsout"), 0);
	char *path = tmpdir_path(dir, "report.json");
	char *fresh = tmpdir_path(dir, "fresh.json");
	assert_int_equal(fs_write_file(path, "old\n", 4), 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	FILE *f = fs_out_open(&o, path);
	assert_non_null(f);
	fwrite(big, 1, sizeof(big), f);
	int r = fs_out_close(&o);
	FILE *g = fs_out_open(&o, fresh);
	assert_non_null(g);
	fwrite(big, 1, sizeof(big), g);
	int r2 = fs_out_close(&o);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(r, -EFBIG);
	assert_int_equal(r2, -EFBIG);
	/* the old report as it was, no new one, no temporary file */
	char *kept = fs_read_file(path, 64, &len);
	assert_string_equal(kept, "old\n");
	free(kept);
	listing(dir, names, sizeof(names));
	assert_string_equal(names, "report.json");
	free(path);
	free(fresh);
	assert_int_equal(tmpdir_remove(dir), 0);
}

static void test_device_written_in_place(void **state)
{
	struct fs_out o;

	(void)state;
	/* /dev/full: no temporary file in /dev, and its ENOSPC is the error */
	FILE *f = fs_out_open(&o, "/dev/full");
	assert_non_null(f);
	assert_null(o.tmp);
	fputs("{}\n", f);
	assert_int_equal(fs_out_close(&o), -ENOSPC);
	f = fs_out_open(&o, "/dev/null");
	assert_non_null(f);
	fputs("{}\n", f);
	assert_int_equal(fs_out_close(&o), 0);
}

static void test_open_errors_and_abort(void **state)
{
	char dir[TMPDIR_MAX], names[256];
	struct fs_out o;

	(void)state;
	assert_null(fs_out_open(&o, "/nonexistent-snare-dir/report.json"));
	assert_int_equal(errno, ENOENT);
	assert_null(o.path);
	assert_int_equal(tmpdir_make(dir, "fsout"), 0);
	char *path = tmpdir_path(dir, "report.json");
	FILE *f = fs_out_open(&o, path);
	assert_non_null(f);
	fputs("half", f);
	fs_out_abort(&o);
	listing(dir, names, sizeof(names));
	assert_string_equal(names, "");
	free(path);
	assert_int_equal(tmpdir_remove(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_whole_file),
		cmocka_unit_test(test_failed_write_leaves_nothing),
		cmocka_unit_test(test_device_written_in_place),
		cmocka_unit_test(test_open_errors_and_abort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
