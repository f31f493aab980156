/* Tests for src/fetch/unpack.c.  Every tarball is built at test time with
 * libarchive's write API (no archives are committed), unpacked into
 * <tmp>/dest, and after every refusal the test checks that <tmp> holds
 * nothing but the tarball and an empty dest. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "fetch/unpack.h"
#include "util/xalloc.h"
#include "tmpdir.h"

enum kind { REG, DIR_, SYMLINK, HARDLINK, CHARDEV, FIFO };

struct ent {
	enum kind kind;
	const char *path;
	const char *data; /* file contents, or the link target */
	int mode;	  /* permission bits; 0 means 0644 (0755 for directories) */
	size_t size;	  /* when not 0: a file of this many 'x' bytes instead of |data| */
};

struct fixture {
	char root[TMPDIR_MAX];
	char *dest;
	char *tar; /* the tarball of the current test */
	char err[1024];
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	if (tmpdir_make(fx->root, "unpack") < 0)
		return -1;
	fx->dest = xasprintf("%s/dest", fx->root);
	if (mkdir(fx->dest, 0755) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tmpdir_remove(fx->root);
	free(fx->dest);
	free(fx->tar);
	free(fx);
	return 0;
}

/* Writes the tarball |name| into the fixture root, gzipped when |gz|. */
static const char *make_tar(struct fixture *fx, const char *name, int gz, const struct ent *ents,
			    size_t n)
{
	struct archive *a = archive_write_new();

	/* One tarball at a time, so the root always holds exactly two names. */
	if (fx->tar)
		unlink(fx->tar);
	free(fx->tar);
	fx->tar = xasprintf("%s/%s", fx->root, name);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (gz)
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, fx->tar), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const struct ent *x = &ents[i];
		char *data = NULL;
		size_t len = 0;

		archive_entry_set_pathname(e, x->path);
		archive_entry_set_mtime(e, 499162500, 0);
		switch (x->kind) {
		case REG:
			len = x->size ? x->size : strlen(x->data);
			data = x->size ? memset(xmalloc(len), 'x', len) : xstrdup(x->data);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, x->mode ? x->mode : 0644);
			archive_entry_set_size(e, (la_int64_t)len);
			break;
		case DIR_:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, x->mode ? x->mode : 0755);
			break;
		case SYMLINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, x->data);
			break;
		case HARDLINK:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, x->data);
			archive_entry_set_size(e, 0);
			break;
		case CHARDEV:
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0666);
			archive_entry_set_rdev(e, makedev(1, 3));
			break;
		case FIFO:
			archive_entry_set_filetype(e, AE_IFIFO);
			archive_entry_set_perm(e, 0644);
			break;
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (len)
			assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
		free(data);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return fx->tar;
}

static void write_raw(struct fixture *fx, const char *name, const void *data, size_t len)
{
	FILE *f;

	if (fx->tar)
		unlink(fx->tar);
	free(fx->tar);
	fx->tar = xasprintf("%s/%s", fx->root, name);
	f = fopen(fx->tar, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = xmalloc(1 << 20);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static size_t count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* After a refusal: the root holds exactly the tarball and dest, and dest
 * is empty again. */
static void assert_nothing_left(struct fixture *fx)
{
	struct stat st;

	assert_int_equal(count_dir(fx->root), 2);
	assert_int_equal(stat(fx->tar, &st), 0);
	assert_int_equal(count_dir(fx->dest), 0);
}

/* Unpacks the fixture's tarball expecting a refusal with |msg|, where "%s"
 * stands for the tarball path. */
static void assert_refused(struct fixture *fx, const struct unpack_limits *lim, const char *msg)
{
	const char *at = strstr(msg, "%s");
	char *want =
		at ? xasprintf("%.*s%s%s", (int)(at - msg), msg, fx->tar, at + 2) : xstrdup(msg);

	assert_int_equal(unpack_tarball(fx->tar, fx->dest, lim, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	free(want);
	assert_nothing_left(fx);
}

static void assert_file(struct fixture *fx, const char *rel, const char *content, int mode)
{
	char *path = xasprintf("%s/%s", fx->dest, rel);
	struct stat st;
	size_t len;
	char *data;

	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	data = slurp(path, &len);
	assert_string_equal(data, content);
	free(data);
	free(path);
}

static void assert_symlink(struct fixture *fx, const char *rel, const char *target)
{
	char *path = xasprintf("%s/%s", fx->dest, rel);
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
	free(path);
}

static void assert_unpacks(struct fixture *fx, const struct unpack_limits *lim)
{
	fx->err[0] = '\0';
	assert_int_equal(unpack_tarball(fx->tar, fx->dest, lim, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(fx->err, "");
}

#define TAR(fx, name, gz, ...)                                                                     \
	do {                                                                                       \
		const struct ent ents_[] = {__VA_ARGS__};                                          \
		make_tar((fx), (name), (gz), ents_, sizeof(ents_) / sizeof(ents_[0]));             \
	} while (0)

static void test_normal_package(void **state)
{
	struct fixture *fx = *state;
	char *dir = xasprintf("%s/lib", fx->dest);
	struct stat st;

	TAR(fx, "pkg.tgz", 1, {DIR_, "package/", NULL, 0700, 0},
	    {REG, "package/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}", 0644, 0},
	    {REG, "package/bin/cli.js", "#!/usr/bin/env node\n", 0775, 0},
	    {REG, "package/bin/suid", "s", 04755, 0}, {DIR_, "package/lib", NULL, 0700, 0},
	    {REG, "package/lib/index.js", "module.exports = 1;\n", 0600, 0},
	    {REG, "package/deep/a/b/c.txt", "deep", 0444, 0},
	    {SYMLINK, "package/lib/pkg.json", "../package.json", 0, 0},
	    {HARDLINK, "package/lib/same.js", "package/lib/index.js", 0, 0});
	assert_unpacks(fx, NULL);
	assert_file(fx, "package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}", 0644);
	assert_file(fx, "bin/cli.js", "#!/usr/bin/env node\n", 0755);
	assert_file(fx, "bin/suid", "s", 0755);
	assert_file(fx, "lib/index.js", "module.exports = 1;\n", 0644);
	assert_file(fx, "lib/same.js", "module.exports = 1;\n", 0644);
	assert_file(fx, "deep/a/b/c.txt", "deep", 0644);
	assert_symlink(fx, "lib/pkg.json", "../package.json");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(count_dir(fx->dest), 4); /* package.json bin lib deep */
	assert_int_equal(count_dir(fx->root), 2);
	free(dir);
}

static void test_other_top_level_name_plain_tar(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "pkg.tar", 0, {REG, "node-foo/package.json", "{}", 0, 0},
	    {REG, "node-foo/index.js", "1", 0, 0});
	assert_unpacks(fx, NULL);
	assert_file(fx, "package.json", "{}", 0644);
	assert_file(fx, "index.js", "1", 0644);
	assert_int_equal(count_dir(fx->dest), 2);
}

static void test_dot_slash_prefix(void **state)
{
	struct fixture *fx = *state;

	/* "tar -C dir ." makes "./x" names: "." is the component stripped. */
	TAR(fx, "pkg.tgz", 1, {DIR_, "./", NULL, 0, 0}, {REG, "./package.json", "{}", 0, 0},
	    {REG, ".//lib/./a.js", "a", 0, 0});
	assert_unpacks(fx, NULL);
	assert_file(fx, "package.json", "{}", 0644);
	assert_file(fx, "lib/a.js", "a", 0644);
}

static void test_only_top_level_dir(void **state)
{
	struct fixture *fx = *state;

	/* Nothing below the top-level directory: nothing to write, but fine. */
	TAR(fx, "pkg.tgz", 1, {DIR_, "package/", NULL, 0, 0});
	assert_unpacks(fx, NULL);
	assert_int_equal(count_dir(fx->dest), 0);
}

static void test_files_beside_top_level_skipped(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "pkg.tgz", 1, {REG, "README", "x", 0, 0}, {REG, "package/a", "a", 0, 0});
	assert_unpacks(fx, NULL);
	assert_file(fx, "a", "a", 0644);
	assert_int_equal(count_dir(fx->dest), 1);
}

static void test_duplicate_entries_last_wins(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "pkg.tgz", 1, {REG, "package/a", "first", 0755, 0},
	    {REG, "package/a", "second", 0644, 0}, {SYMLINK, "package/l", ".", 0, 0},
	    {REG, "package/l", "file now", 0, 0}, {DIR_, "package/d", NULL, 0, 0},
	    {DIR_, "package/d/", NULL, 0, 0});
	assert_unpacks(fx, NULL);
	assert_file(fx, "a", "second", 0644);
	assert_file(fx, "l", "file now", 0644);
}

static void test_dotdot_entry(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "evil.tgz", 1, {REG, "package/ok", "ok", 0, 0}, {REG, "../evil", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry '../evil' escapes the package directory");
}

static void test_dotdot_inside_entry(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "evil.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {REG, "package/lib/../../evil", "x", 0, 0});
	assert_refused(fx, NULL,
		       "tarball entry 'package/lib/../../evil' escapes the package directory");
}

static void test_absolute_entry(void **state)
{
	struct fixture *fx = *state;
	char *abs = xasprintf("%s/x", fx->root);
	char *msg = xasprintf("tarball entry '%s' has an absolute path", abs);
	const struct ent ents[] = {{REG, "package/ok", "ok", 0, 0}, {REG, abs, "x", 0, 0}};

	make_tar(fx, "abs.tgz", 1, ents, 2);
	assert_refused(fx, NULL, msg);
	free(msg);
	free(abs);

	TAR(fx, "abs.tgz", 1, {REG, "/etc/x", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry '/etc/x' has an absolute path");
}

static void test_symlink_absolute(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "ln.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {SYMLINK, "package/passwd", "/etc/passwd", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball symlink 'package/passwd' -> '/etc/passwd' escapes the package directory");
}

static void test_symlink_absolute_top_level(void **state)
{
	struct fixture *fx = *state;

	/* Refused even though a top-level entry is never written. */
	TAR(fx, "ln.tgz", 1, {SYMLINK, "package", "/", 0, 0}, {REG, "package/x", "x", 0, 0});
	assert_refused(fx, NULL, "tarball symlink 'package' -> '/' escapes the package directory");
}

static void test_symlink_climbs_out(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "ln.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {SYMLINK, "package/lib/up", "../../x", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball symlink 'package/lib/up' -> '../../x' escapes the package directory");
	TAR(fx, "ln.tgz", 1, {SYMLINK, "package/up", "a/../..", 0, 0});
	assert_refused(fx, NULL,
		       "tarball symlink 'package/up' -> 'a/../..' escapes the package directory");
}

static void test_symlink_dot_then_dotdot(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "ln.tgz", 1, {SYMLINK, "package/a", ".", 0, 0},
	    {REG, "package/a/../../x", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/a/../../x' escapes the package directory");
}

static void test_entry_through_symlink(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "ln.tgz", 1, {SYMLINK, "package/a", ".", 0, 0}, {REG, "package/a/b", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/a/b' goes through the symlink 'a'");
	/* Even a harmless-looking symlink to a real directory. */
	TAR(fx, "ln.tgz", 1, {DIR_, "package/lib/real", NULL, 0, 0},
	    {SYMLINK, "package/lib/a", "real", 0, 0}, {DIR_, "package/lib/a/sub", NULL, 0, 0});
	assert_refused(fx, NULL,
		       "tarball entry 'package/lib/a/sub/' goes through the symlink 'lib/a'");
}

static void test_symlink_chain_escapes(void **state)
{
	struct fixture *fx = *state;

	/* Each is fine by name alone, but d/up/.. is ../ once d/up is followed. */
	TAR(fx, "ln.tgz", 1, {SYMLINK, "package/d/up", "..", 0, 0},
	    {SYMLINK, "package/esc", "d/up/..", 0, 0});
	assert_refused(fx, NULL,
		       "tarball symlink 'package/esc' -> 'd/up/..' escapes the package directory");
	/* The order does not matter. */
	TAR(fx, "ln.tgz", 1, {SYMLINK, "package/esc", "d/up/../x", 0, 0},
	    {SYMLINK, "package/d/up", "..", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball symlink 'package/esc' -> 'd/up/../x' escapes the package directory");
}

static void test_symlinks_inside_accepted(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "ln.tgz", 1, {REG, "package/lib/index.js", "1", 0, 0},
	    {SYMLINK, "package/main.js", "lib/index.js", 0, 0},
	    {SYMLINK, "package/lib/self", "../lib/./index.js", 0, 0},
	    {SYMLINK, "package/d/up", "..", 0, 0}, {SYMLINK, "package/via", "d/up/lib", 0, 0},
	    {SYMLINK, "package/dangling", "nowhere/../../..", 0, 0});
	/* "dangling" climbs out by name: refused before the tree is looked at. */
	assert_refused(
		fx, NULL,
		"tarball symlink 'package/dangling' -> 'nowhere/../../..' escapes the package directory");
	TAR(fx, "ln.tgz", 1, {REG, "package/lib/index.js", "1", 0, 0},
	    {SYMLINK, "package/main.js", "lib/index.js", 0, 0},
	    {SYMLINK, "package/lib/self", "../lib/./index.js", 0, 0},
	    {SYMLINK, "package/d/up", "..", 0, 0}, {SYMLINK, "package/via", "d/up/lib", 0, 0},
	    {SYMLINK, "package/loop", "loop", 0, 0});
	assert_unpacks(fx, NULL);
	assert_symlink(fx, "main.js", "lib/index.js");
	assert_symlink(fx, "lib/self", "../lib/./index.js");
	assert_symlink(fx, "via", "d/up/lib");
	assert_symlink(fx, "loop", "loop");
}

static void test_hardlink_escape(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "hl.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {HARDLINK, "package/h", "../../etc/passwd", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball hard link 'package/h' -> '../../etc/passwd' escapes the package directory");
	TAR(fx, "hl.tgz", 1, {HARDLINK, "package/h", "/etc/passwd", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball hard link 'package/h' -> '/etc/passwd' escapes the package directory");
	TAR(fx, "hl.tgz", 1, {HARDLINK, "package/h", "package", 0, 0});
	assert_refused(fx, NULL,
		       "tarball hard link 'package/h' -> 'package' escapes the package directory");
}

static void test_hardlink_to_symlink_or_missing(void **state)
{
	struct fixture *fx = *state;

	/* Moved to the top, "../x" would lead out: links to symlinks are refused. */
	TAR(fx, "hl.tgz", 1, {SYMLINK, "package/d/l", "../x", 0, 0},
	    {HARDLINK, "package/h", "package/d/l", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball hard link 'package/h' -> 'package/d/l' does not point to an earlier regular file");
	TAR(fx, "hl.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {HARDLINK, "package/h", "package/later", 0, 0}, {REG, "package/later", "x", 0, 0});
	assert_refused(
		fx, NULL,
		"tarball hard link 'package/h' -> 'package/later' does not point to an earlier regular file");
	TAR(fx, "hl.tgz", 1, {SYMLINK, "package/a", ".", 0, 0}, {REG, "package/f", "f", 0, 0},
	    {HARDLINK, "package/h", "package/a/f", 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/h' goes through the symlink 'a'");
}

static void test_char_device(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "dev.tgz", 1, {REG, "package/ok", "ok", 0, 0},
	    {CHARDEV, "package/null", NULL, 0, 0});
	assert_refused(
		fx, NULL,
		"tarball entry 'package/null' is a character device; only files, directories and links are allowed");
	TAR(fx, "dev.tgz", 1, {FIFO, "package/fifo", NULL, 0, 0});
	assert_refused(
		fx, NULL,
		"tarball entry 'package/fifo' is a fifo; only files, directories and links are allowed");
}

static void test_file_over_limit(void **state)
{
	struct fixture *fx = *state;
	const struct unpack_limits lim = {.max_file_bytes = 1024};

	TAR(fx, "big.tgz", 1, {REG, "package/ok", "ok", 0, 0}, {REG, "package/fits", NULL, 0, 1024},
	    {REG, "package/big.bin", NULL, 0, 1025});
	assert_refused(fx, &lim, "tarball entry 'package/big.bin' is larger than 1024 bytes");
}

static void test_total_over_limit(void **state)
{
	struct fixture *fx = *state;
	const struct unpack_limits lim = {.max_total_bytes = 1000};

	TAR(fx, "big.tgz", 1, {REG, "package/a", NULL, 0, 600}, {REG, "package/b", NULL, 0, 600});
	assert_refused(fx, &lim, "tarball '%s' unpacks to more than 1000 bytes");
}

static void test_entries_over_limit(void **state)
{
	struct fixture *fx = *state;
	const struct unpack_limits lim = {.max_entries = 2};

	TAR(fx, "many.tgz", 1, {REG, "package/a", "a", 0, 0}, {REG, "package/b/c", "b", 0, 0},
	    {REG, "package/c", "c", 0, 0});
	assert_refused(fx, &lim, "tarball '%s' has more than 2 entries");
	/* At the limit it is fine. */
	TAR(fx, "many.tgz", 1, {REG, "package/a", "a", 0, 0}, {REG, "package/b/c", "b", 0, 0});
	assert_unpacks(fx, &lim);
}

static void test_corrupt_gzip(void **state)
{
	struct fixture *fx = *state;
	unsigned char junk[4096];

	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	junk[0] = 0x42; /* not by chance the gzip magic */
	write_raw(fx, "junk.tgz", junk, sizeof(junk));
	assert_refused(fx, NULL, "cannot read '%s': not a gzip or tar archive");
	/* A well-formed gzip header followed by garbage. */
	memcpy(junk, "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10);
	write_raw(fx, "junk.tgz", junk, sizeof(junk));
	assert_refused(fx, NULL, "cannot read '%s': gzip decompression failed");
	write_raw(fx, "zero.tgz", "", 0);
	assert_refused(fx, NULL, "cannot read '%s': not a gzip or tar archive");
}

static void truncate_tar(struct fixture *fx, off_t keep)
{
	assert_int_equal(truncate(fx->tar, keep), 0);
}

static void test_truncated(void **state)
{
	struct fixture *fx = *state;
	char *noise = xmalloc(200001);
	struct stat st;

	/* Incompressible content, so that cutting the .tgz cuts the file. */
	for (size_t i = 0; i < 200000; i++)
		noise[i] = (char)('!' + (i * 7919 + i / 13) % 90);
	noise[200000] = '\0';
	{
		const struct ent ents[] = {{REG, "package/ok", "ok", 0, 0},
					   {REG, "package/noise", noise, 0, 0}};

		make_tar(fx, "cut.tgz", 1, ents, 2);
		assert_int_equal(stat(fx->tar, &st), 0);
		truncate_tar(fx, st.st_size / 2);
		assert_refused(fx, NULL, "cannot read '%s': truncated gzip input");

		make_tar(fx, "cut.tar", 0, ents, 2);
		truncate_tar(fx, 100000);
		assert_refused(fx, NULL, "cannot read '%s': truncated tar archive");
	}
	/* Cut inside the data of the only entry ... */
	TAR(fx, "cut.tar", 0, {REG, "package/ok", "ok", 0, 0});
	truncate_tar(fx, 513);
	assert_refused(fx, NULL, "cannot read '%s': truncated tar archive");
	/* ... or inside its header, where nothing says it is a tar any more. */
	TAR(fx, "cut.tar", 0, {REG, "package/ok", "ok", 0, 0});
	truncate_tar(fx, 300);
	assert_refused(fx, NULL, "cannot read '%s': not a gzip or tar archive");
	free(noise);
}

static void test_empty_archive(void **state)
{
	struct fixture *fx = *state;

	make_tar(fx, "empty.tgz", 1, NULL, 0);
	assert_refused(fx, NULL, "tarball '%s' is empty");
	make_tar(fx, "empty.tar", 0, NULL, 0);
	assert_refused(fx, NULL, "tarball '%s' is empty");
}

static void test_missing_tarball(void **state)
{
	struct fixture *fx = *state;
	char *want;

	free(fx->tar);
	fx->tar = xasprintf("%s/nope.tgz", fx->root);
	want = xasprintf("cannot read '%s': No such file or directory", fx->tar);
	assert_int_equal(unpack_tarball(fx->tar, fx->dest, NULL, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	assert_int_equal(count_dir(fx->dest), 0);
	free(want);
}

static void test_destination_not_empty(void **state)
{
	struct fixture *fx = *state;
	char *keep = xasprintf("%s/keep", fx->dest);
	char *want = xasprintf("destination '%s' is not empty", fx->dest);
	int fd = open(keep, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	close(fd);
	TAR(fx, "pkg.tgz", 1, {REG, "package/a", "a", 0, 0});
	assert_int_equal(unpack_tarball(fx->tar, fx->dest, NULL, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	/* The caller's file is left alone. */
	assert_int_equal(count_dir(fx->dest), 1);
	assert_int_equal(unlink(keep), 0);
	free(want);
	free(keep);
}

static void test_rollback_removes_everything(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "late.tgz", 1, {REG, "package/package.json", "{}", 0, 0},
	    {REG, "package/a/b/c/d.js", "d", 0755, 0}, {SYMLINK, "package/a/l", "b", 0, 0},
	    {HARDLINK, "package/a/h", "package/package.json", 0, 0},
	    {DIR_, "package/e", NULL, 0, 0}, {REG, "package/../late", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/../late' escapes the package directory");
}

static void test_conflicting_types(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "c.tgz", 1, {DIR_, "package/x", NULL, 0, 0}, {REG, "package/x", "x", 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/x' conflicts with an earlier directory");
	TAR(fx, "c.tgz", 1, {REG, "package/x", "x", 0, 0}, {DIR_, "package/x/", NULL, 0, 0});
	assert_refused(fx, NULL, "tarball entry 'package/x/' conflicts with an earlier entry");
	TAR(fx, "c.tgz", 1, {REG, "package/x", "x", 0, 0}, {REG, "package/x/y", "y", 0, 0});
	assert_refused(fx, NULL,
		       "tarball entry 'package/x/y' goes through 'x', which is not a directory");
}

static void test_control_characters_in_message(void **state)
{
	struct fixture *fx = *state;

	TAR(fx, "nl.tgz", 1, {REG, "package/\n../../evil", "x", 0, 0});
	assert_refused(fx, NULL,
		       "tarball entry 'package/?../../evil' escapes the package directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_normal_package, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_top_level_name_plain_tar, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dot_slash_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_top_level_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_beside_top_level_skipped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_entries_last_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_inside_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_absolute_top_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_climbs_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_dot_then_dotdot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_through_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_chain_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_inside_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardlink_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardlink_to_symlink_or_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_char_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_over_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_total_over_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries_over_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_archive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_tarball, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destination_not_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_removes_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_characters_in_message, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
