/* The decoy project's git history: real loose objects (blobs, trees, two
 * commits by the identity, as its ~/.gitconfig names it), refs, reflogs
 * and an index, so that git log, git status and a check that the
 * configured author made the project's commits all see an ordinary
 * repository.  A .git with a HEAD that names no object is a decoy. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stdbool.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "sandbox/internal.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define SHA_LEN 20

struct gfile {
	const char *path; /* relative to the project */
	unsigned char sha[SHA_LEN];
	size_t size;
};

static void hex(const unsigned char *sha, char out[2 * SHA_LEN + 1])
{
	for (size_t i = 0; i < SHA_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

static void sha1(const void *data, size_t len, unsigned char out[SHA_LEN])
{
	unsigned int n = 0;
	EVP_Digest(data, len, out, &n, EVP_sha1(), NULL);
}

/* Writes the loose object "<type> <len>\0<body>" and returns its name. */
static int put_object(const char *git, const char *type, const void *body, size_t len,
		      unsigned char sha[SHA_LEN])
{
	struct strbuf obj;
	char h[2 * SHA_LEN + 1], path[4096];
	int r = -EIO;

	strbuf_init(&obj, len + 32);
	strbuf_addf(&obj, "%s %zu", type, len);
	strbuf_add(&obj, "", 1);
	strbuf_add(&obj, body, len);
	sha1(obj.buf, obj.len, sha);
	hex(sha, h);
	uLongf zlen = compressBound((uLong)obj.len);
	unsigned char *z = xmalloc(zlen);
	if (compress2(z, &zlen, (const Bytef *)obj.buf, (uLong)obj.len, Z_DEFAULT_COMPRESSION) ==
	    Z_OK) {
		snprintf(path, sizeof(path), "%s/objects/%.2s", git, h);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/objects/%.2s/%s", git, h, h + 2);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
		r = fd >= 0 && write(fd, z, zlen) == (ssize_t)zlen ? 0 : -errno;
		if (fd >= 0)
			close(fd);
	}
	free(z);
	strbuf_release(&obj);
	return r;
}

/* The tree of |files| (sorted, as git sorts) under |prefix|. */
// NOLINTNEXTLINE(misc-no-recursion): as deep as the paths
static int put_tree(const char *git, const struct gfile *files, size_t n, const char *prefix,
		    unsigned char sha[SHA_LEN])
{
	struct strbuf t;
	size_t pl = strlen(prefix);
	int r = 0;

	strbuf_init(&t, 256);
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *rel = files[i].path + pl;
		if (strncmp(files[i].path, prefix, pl) != 0)
			continue;
		const char *slash = strchr(rel, '/');
		if (!slash) {
			strbuf_addf(&t, "100644 %s", rel);
			strbuf_add(&t, "", 1);
			strbuf_add(&t, files[i].sha, SHA_LEN);
			continue;
		}
		/* a directory: once, at its first file */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strncmp(files[j].path, files[i].path,
					pl + (size_t)(slash - rel) + 1);
		if (seen)
			continue;
		char sub[512];
		unsigned char s2[SHA_LEN];
		snprintf(sub, sizeof(sub), "%.*s/", (int)(pl + (size_t)(slash - rel)),
			 files[i].path);
		r = put_tree(git, files, n, sub, s2);
		strbuf_addf(&t, "40000 %.*s", (int)(slash - rel), rel);
		strbuf_add(&t, "", 1);
		strbuf_add(&t, s2, SHA_LEN);
	}
	if (r == 0)
		r = put_object(git, "tree", t.buf, t.len, sha);
	strbuf_release(&t);
	return r;
}

static int put_commit(const char *git, const unsigned char tree[SHA_LEN],
		      const unsigned char *parent, const char *who, long when, const char *msg,
		      unsigned char sha[SHA_LEN])
{
	struct strbuf c;
	char h[2 * SHA_LEN + 1];
	int r;

	strbuf_init(&c, 256);
	hex(tree, h);
	strbuf_addf(&c, "tree %s\n", h);
	if (parent) {
		hex(parent, h);
		strbuf_addf(&c, "parent %s\n", h);
	}
	strbuf_addf(&c, "author %s %ld +0100\ncommitter %s %ld +0100\n\n%s\n", who, when, who, when,
		    msg);
	r = put_object(git, "commit", c.buf, c.len, sha);
	strbuf_release(&c);
	return r;
}

static int write_text(const char *git, const char *file, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", git, file);
	return fs_write_file(path, text, strlen(text));
}

/* The index (DIRC version 2) of |files|, with the stat data git will
 * refresh on the first status: only the names, modes and object names
 * must be right. */
static int put_index(const char *git, const char *dir, const struct gfile *files, size_t n)
{
	struct strbuf ix;
	char path[4096];
	uint32_t v;
	int r;

	strbuf_init(&ix, 1024);
	strbuf_add(&ix, "DIRC", 4);
	v = htonl(2);
	strbuf_add(&ix, &v, 4);
	v = htonl((uint32_t)n);
	strbuf_add(&ix, &v, 4);
	for (size_t i = 0; i < n; i++) {
		struct stat st = {0};
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].path);
		stat(path, &st);
		uint32_t f[10] = {(uint32_t)st.st_ctime,
				  0,
				  (uint32_t)st.st_mtime,
				  0,
				  (uint32_t)st.st_dev,
				  (uint32_t)st.st_ino,
				  0100644,
				  (uint32_t)st.st_uid,
				  (uint32_t)st.st_gid,
				  (uint32_t)st.st_size};
		for (int k = 0; k < 10; k++) {
			v = htonl(f[k]);
			strbuf_add(&ix, &v, 4);
		}
		strbuf_add(&ix, files[i].sha, SHA_LEN);
		size_t nl = strlen(files[i].path);
		uint16_t flags = htons((uint16_t)(nl < 0xfff ? nl : 0xfff));
		strbuf_add(&ix, &flags, 2);
		strbuf_add(&ix, files[i].path, nl);
		size_t entry = 62 + nl, pad = 8 - entry % 8; /* 1 to 8 NULs */
		strbuf_add(&ix, "\0\0\0\0\0\0\0\0", pad);
	}
	unsigned char sum[SHA_LEN];
	sha1(ix.buf, ix.len, sum);
	strbuf_add(&ix, sum, SHA_LEN);
	snprintf(path, sizeof(path), "%s/index", git);
	r = fs_write_file(path, ix.buf, ix.len);
	strbuf_release(&ix);
	return r;
}

int git_fake_history(const char *dir, const char *const *tracked, size_t n, size_t later,
		     const char *name, const char *email, long now, uint32_t seed)
{
	char git[4096], path[4096], who[256], h1[2 * SHA_LEN + 1], h2[2 * SHA_LEN + 1];
	char line[1024];
	struct gfile *files = xcalloc(n, sizeof(*files));
	unsigned char t1[SHA_LEN], t2[SHA_LEN], c1[SHA_LEN], c2[SHA_LEN];
	int r = 0;

	snprintf(git, sizeof(git), "%s/.git", dir);
	snprintf(path, sizeof(path), "%s/objects", git);
	fs_mkdir_p(path, 0755);
	for (size_t i = 0; i < n && r == 0; i++) {
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, tracked[i]);
		char *body = fs_read_file(path, 1 << 20, &len);
		files[i].path = tracked[i];
		r = body ? put_object(git, "blob", body, len, files[i].sha) : -errno;
		files[i].size = len;
		free(body);
	}
	snprintf(who, sizeof(who), "%s <%s>", name, email);
	long first = now - 86400L * (12 + (long)(seed % 9)) - (long)(seed % 7200);
	long second = now - 86400L * (2 + (long)(seed >> 8) % 3) - (long)((seed >> 4) % 5400);
	/* the first commit lacks the file |later|: it came with the second */
	struct gfile *before = xcalloc(n, sizeof(*before));
	for (size_t i = 0, k = 0; i < n; i++)
		if (i != later)
			before[k++] = files[i];
	if (r == 0)
		r = put_tree(git, before, later < n ? n - 1 : n, "", t1);
	free(before);
	if (r == 0)
		r = put_commit(git, t1, NULL, who, first, "Initial commit", c1);
	if (r == 0)
		r = put_tree(git, files, n, "", t2);
	if (r == 0)
		r = put_commit(git, t2, c1, who, second, "Add config module", c2);
	if (r == 0)
		r = put_index(git, dir, files, n);
	if (r == 0) {
		hex(c1, h1);
		hex(c2, h2);
		snprintf(line, sizeof(line), "%s\n", h2);
		snprintf(path, sizeof(path), "%s/refs/remotes/origin", git);
		fs_mkdir_p(path, 0755);
		snprintf(path, sizeof(path), "%s/refs/heads", git);
		fs_mkdir_p(path, 0755);
		snprintf(path, sizeof(path), "%s/refs/tags", git);
		fs_mkdir_p(path, 0755);
		snprintf(path, sizeof(path), "%s/logs/refs/heads", git);
		fs_mkdir_p(path, 0755);
		r = write_text(git, "refs/heads/main", line) |
		    write_text(git, "refs/remotes/origin/main", line);
		snprintf(
			line, sizeof(line),
			"0000000000000000000000000000000000000000 %s %s %ld +0100\tcommit (initial): Initial commit\n"
			"%s %s %s %ld +0100\tcommit: Add config module\n",
			h1, who, first, h1, h2, who, second);
		r |= write_text(git, "logs/HEAD", line) |
		     write_text(git, "logs/refs/heads/main", line);
		r |= write_text(
			git, "description",
			"Unnamed repository; edit this file 'description' to name the repository.\n");
		r |= write_text(git, "COMMIT_EDITMSG", "Add config module\n");
	}
	free(files);
	return r;
}
