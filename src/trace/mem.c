#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace/mem.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

ssize_t tmem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)addr, len};
	ssize_t n;

	if (!addr)
		return -EFAULT;
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n >= 0)
		return n;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	/* Fallback: word by word through ptrace. */
	size_t off = 0;
	while (off < len) {
		errno = 0;
		long w = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)(addr + off), NULL);
		if (errno)
			return off ? (ssize_t)off : -errno;
		size_t c = len - off < sizeof(w) ? len - off : sizeof(w);
		memcpy((char *)buf + off, &w, c);
		off += c;
	}
	return (ssize_t)off;
}

char *tmem_str(pid_t pid, uint64_t addr, size_t max, bool *trunc)
{
	struct strbuf sb;
	char chunk[256];

	if (trunc)
		*trunc = false;
	if (!addr)
		return NULL;
	strbuf_init(&sb, max);
	while (sb.len < max) {
		/* Never cross a page boundary in one read: the next page may be
		 * unmapped while the string ends before it. */
		size_t want = 4096 - ((addr + sb.len) & 4095);
		if (want > sizeof(chunk))
			want = sizeof(chunk);
		ssize_t n = tmem_read(pid, addr + sb.len, chunk, want);
		if (n <= 0) {
			if (sb.len == 0) {
				strbuf_release(&sb);
				return NULL;
			}
			break;
		}
		char *nul = memchr(chunk, '\0', (size_t)n);
		strbuf_add(&sb, chunk, nul ? (size_t)(nul - chunk) : (size_t)n);
		if (nul)
			return strbuf_detach(&sb, NULL);
	}
	if (trunc)
		*trunc = true;
	return strbuf_detach(&sb, NULL);
}

char **tmem_argv(pid_t pid, uint64_t addr, size_t max_args, size_t max_total)
{
	char **v = xcalloc(max_args + 2, sizeof(*v));
	size_t n = 0, total = 0;

	while (addr && n < max_args && total < max_total) {
		uint64_t p;
		bool trunc;
		if (tmem_read(pid, addr + n * sizeof(p), &p, sizeof(p)) != (ssize_t)sizeof(p) || !p)
			break;
		char *s = tmem_str(pid, p, max_total - total, &trunc);
		if (!s)
			break;
		total += strlen(s) + 1;
		v[n++] = s;
	}
	v[n] = NULL;
	return v;
}

char *path_normalize(const char *base, const char *path)
{
	struct strbuf sb;
	const char *p;
	char *out;

	strbuf_init(&sb, 0);
	if (path[0] != '/' && base)
		strbuf_addstr(&sb, base);
	strbuf_addstr(&sb, "/");
	strbuf_addstr(&sb, path);

	/* Rewrite in place: a stack of component start offsets. */
	out = xmalloc(sb.len + 2);
	size_t o = 0;
	p = sb.buf;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *q = strchr(p, '/');
		size_t l = q ? (size_t)(q - p) : strlen(p);
		if (l == 1 && p[0] == '.') {
			/* skip */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* drop the slash */
		} else {
			out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
		}
		p += l;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	strbuf_release(&sb);
	return out;
}

static char *readlink_alloc(const char *link)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* One "/proc/self/root" or "/proc/self/cwd" taken out, or NULL. */
static char *unalias_once(pid_t pid, const char *path)
{
	static const char *const selves[] = {"/proc/self/", "/proc/thread-self/"};
	const char *rest = NULL;

	for (size_t i = 0; i < sizeof(selves) / sizeof(selves[0]) && !rest; i++)
		if (!strncmp(path, selves[i], strlen(selves[i])))
			rest = path + strlen(selves[i]);
	if (!rest)
		return NULL;
	if (!strncmp(rest, "root", 4) && (rest[4] == '/' || !rest[4]))
		return path_normalize(NULL, rest[4] ? rest + 4 : "/");
	if (!strncmp(rest, "cwd", 3) && (rest[3] == '/' || !rest[3])) {
		char link[64], *out = NULL;
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		char *cwd = readlink_alloc(link);
		if (cwd && cwd[0] == '/')
			out = path_normalize(cwd, rest[3] ? rest + 4 : ".");
		free(cwd);
		return out;
	}
	return NULL;
}

char *tpath_unalias(pid_t pid, char *path)
{
	char *out;

	/* /proc/self/root/proc/self/cwd/...: as many times as it takes */
	for (int i = 0; i < 16 && (out = unalias_once(pid, path)); i++) {
		free(path);
		path = out;
	}
	return path;
}

char *tpath_fd(pid_t pid, int fd)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	return readlink_alloc(link);
}

char *tpath_resolve(pid_t pid, int dirfd, const char *path)
{
	char link[64];
	char *base, *r;

	if (path[0] == '/')
		return path_normalize(NULL, path);
	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
	base = readlink_alloc(link);
	if (!base || base[0] != '/') {
		free(base);
		return xstrdup(path);
	}
	r = path_normalize(base, path);
	free(base);
	return r;
}
