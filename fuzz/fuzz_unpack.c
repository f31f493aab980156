/* Harness for the tarball reader (src/fetch/unpack.h).
 *
 * Input: a tarball (plain or gzip).  It is written to <tmp>/in.tgz and
 * unpacked into the empty <tmp>/a/b/dest with small limits (1 MiB in all,
 * 256 KiB a file, 256 entries).  Afterwards <tmp> must hold nothing but
 * in.tgz and a/b/dest, so a write that climbs one or two levels out of
 * dest is caught; a refusal must leave dest empty and one line in |err|;
 * a success must leave only directories (0755), files (0644 or 0755, within
 * the file limit) and symlinks that the kernel, resolving them beneath dest,
 * never follows out of it.  dest is emptied before the next input. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "fetch/unpack.h"
#include "fuzz.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define UNPACK_FUZZ_TOTAL (1u << 20)
#define UNPACK_FUZZ_FILE (256u << 10)
#define UNPACK_FUZZ_ENTRIES 256

static char *unpack_fuzz_root, *unpack_fuzz_tar, *unpack_fuzz_dest;

/* Whether the directory |path| holds exactly the names in |want| (NULL-ended). */
static bool unpack_fuzz_holds(const char *path, const char *const *want)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0, nwant = 0;
	bool ok = d != NULL;

	while (want[nwant])
		nwant++;
	while (ok && (de = readdir(d))) {
		bool known = false;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (size_t i = 0; i < nwant; i++)
			known |= !strcmp(de->d_name, want[i]);
		if (!known)
			fprintf(stderr, "unexpected '%s' in '%s'\n", de->d_name, path);
		ok = known;
		n++;
	}
	if (d)
		closedir(d);
	return ok && n == nwant;
}

/* Where the symlink |rel| leads when the kernel resolves it beneath |rootfd|:
 * false when resolution would have to leave the root.  Without openat2()
 * (kernels before 5.6, Valgrind) nothing is checked. */
static bool unpack_fuzz_link_stays(int rootfd, const char *rel)
{
	static bool no_openat2;
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (no_openat2)
		return true;
	fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd >= 0) {
		close((int)fd);
		return true;
	}
	no_openat2 = errno == ENOSYS;
	if (errno == EXDEV)
		fprintf(stderr, "symlink '%s' leads out of the destination\n", rel);
	return errno != EXDEV;
}

/* Checks every entry below |rel| ("" for the root). */
static void unpack_fuzz_walk(int rootfd, struct strbuf *rel)
{
	int fd = rel->len
			 ? openat(rootfd, rel->buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			 : openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	FUZZ_CHECK(fd >= 0);
	d = fdopendir(fd);
	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d))) {
		size_t len = rel->len;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len)
			strbuf_addstr(rel, "/");
		strbuf_addstr(rel, de->d_name);
		FUZZ_CHECK(fstatat(rootfd, rel->buf, &st, AT_SYMLINK_NOFOLLOW) == 0);
		if (S_ISDIR(st.st_mode)) {
			FUZZ_CHECK((st.st_mode & 07777) == 0755);
			unpack_fuzz_walk(rootfd, rel);
		} else if (S_ISREG(st.st_mode)) {
			FUZZ_CHECK((st.st_mode & 07777) == 0644 || (st.st_mode & 07777) == 0755);
			FUZZ_CHECK((uint64_t)st.st_size <= UNPACK_FUZZ_FILE);
		} else {
			FUZZ_CHECK(S_ISLNK(st.st_mode));
			FUZZ_CHECK(unpack_fuzz_link_stays(rootfd, rel->buf));
		}
		rel->len = len;
		rel->buf[len] = '\0';
	}
	closedir(d);
}

int fuzz_unpack(const uint8_t *data, size_t size)
{
	static const char *const in_root[] = {"in.tgz", "a", NULL};
	static const char *const in_a[] = {"b", NULL};
	static const char *const in_b[] = {"dest", NULL};
	static const char *const nothing[] = {NULL};
	const struct unpack_limits lim = {UNPACK_FUZZ_TOTAL, UNPACK_FUZZ_FILE, UNPACK_FUZZ_ENTRIES};
	char err[512];
	char *path;
	int r;

	if (!unpack_fuzz_root) {
		unpack_fuzz_root = fuzz_tmpdir("unpack");
		unpack_fuzz_tar = xasprintf("%s/in.tgz", unpack_fuzz_root);
		unpack_fuzz_dest = xasprintf("%s/a/b/dest", unpack_fuzz_root);
		FUZZ_CHECK(fs_mkdir_p(unpack_fuzz_dest, 0755) == 0);
	}
	FUZZ_CHECK(fs_write_file(unpack_fuzz_tar, data, size) == 0);

	err[0] = '\0';
	r = unpack_tarball(unpack_fuzz_tar, unpack_fuzz_dest, &lim, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -1);

	/* Nothing next to dest, one or two levels up. */
	FUZZ_CHECK(unpack_fuzz_holds(unpack_fuzz_root, in_root));
	path = xasprintf("%s/a", unpack_fuzz_root);
	FUZZ_CHECK(unpack_fuzz_holds(path, in_a));
	free(path);
	path = xasprintf("%s/a/b", unpack_fuzz_root);
	FUZZ_CHECK(unpack_fuzz_holds(path, in_b));
	free(path);

	if (r < 0) {
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		FUZZ_CHECK(unpack_fuzz_holds(unpack_fuzz_dest, nothing));
	} else {
		int rootfd = open(unpack_fuzz_dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct strbuf rel;

		FUZZ_CHECK(rootfd >= 0);
		strbuf_init(&rel, 0);
		unpack_fuzz_walk(rootfd, &rel);
		strbuf_release(&rel);
		close(rootfd);
		/* Empty dest again for the next input. */
		FUZZ_CHECK(fs_rm_rf(unpack_fuzz_dest) == 0);
		FUZZ_CHECK(mkdir(unpack_fuzz_dest, 0755) == 0);
	}
	return 0;
}

FUZZ_MAIN(unpack)
