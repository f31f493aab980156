/* The run's CA written over one of node's bundled roots, per process. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls/nodeca.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"

#define BEGIN "-----BEGIN CERTIFICATE-----\n"
#define END "-----END CERTIFICATE-----"
#define CACHE_NAME "nodeca-slots"

struct nodeca {
	dev_t dev;
	ino_t ino;
	uint64_t off; /* of the slot in the file */
	size_t len;   /* bytes of the slot, up to its NUL */
	char *fill;   /* |len| bytes: the CA's PEM, then newlines */
};

/* The last PEM string (BEGIN..END then NUL) of at least |need| bytes. */
static int find_slot(const unsigned char *p, size_t size, size_t need, uint64_t *off, size_t *len)
{
	const unsigned char *q = p, *endp = p + size;
	bool found = false;

	while ((q = memmem(q, (size_t)(endp - q), BEGIN, strlen(BEGIN))) != NULL) {
		const unsigned char *e = memmem(q, (size_t)(endp - q), END, strlen(END));
		if (!e)
			break;
		const unsigned char *z = e + strlen(END);
		if (z < endp && *z == '\0' && (size_t)(z - q) >= need && z - q < 16384) {
			*off = (uint64_t)(q - p);
			*len = (size_t)(z - q);
			found = true;
		}
		q = z;
	}
	return found ? 0 : -ENOENT;
}

static void cache_path(const char *dir, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", dir, CACHE_NAME);
}

/* Cache lines: "dev ino size mtime_ns need off len". */
static bool cache_lookup(const char *dir, const struct stat *st, size_t need, uint64_t *off,
			 size_t *len)
{
	char path[4096], line[256];
	bool hit = false;
	FILE *f;

	cache_path(dir, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		uint64_t dev, ino, size, mt, n, o, l;
		if (sscanf(line,
			   "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64,
			   &dev, &ino, &size, &mt, &n, &o, &l) != 7)
			continue;
		if (dev == (uint64_t)st->st_dev && ino == (uint64_t)st->st_ino &&
		    size == (uint64_t)st->st_size &&
		    mt == (uint64_t)st->st_mtim.tv_sec * 1000000000u +
				    (uint64_t)st->st_mtim.tv_nsec &&
		    n == need && l >= need && o + l <= size) {
			*off = o;
			*len = (size_t)l;
			hit = true;
		}
	}
	fclose(f);
	return hit;
}

static void cache_store(const char *dir, const struct stat *st, size_t need, uint64_t off,
			size_t len)
{
	char path[4096], line[256];
	int fd;

	if (fs_mkdir_p(dir, 0700) < 0)
		return;
	cache_path(dir, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	int n = snprintf(line, sizeof(line),
			 "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %zu %" PRIu64 " %zu\n",
			 (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_size,
			 (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec,
			 need, off, len);
	if (n > 0 && write(fd, line, (size_t)n) != n)
		log_debug("cannot write the node CA slot cache '%s'", path);
	close(fd);
}

struct nodeca *nodeca_new(const char *node_path, const char *pem, const char *cache_dir, char *err,
			  size_t errlen)
{
	size_t need = strlen(pem);
	struct nodeca *nc;
	struct stat st;
	uint64_t off = 0;
	size_t len = 0;
	int fd;

	fd = open(node_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		errbuf_set(err, errlen, "cannot read '%s': %s", node_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!cache_dir || !cache_lookup(cache_dir, &st, need, &off, &len)) {
		void *p = st.st_size > 0
				  ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
				  : MAP_FAILED;
		if (p == MAP_FAILED) {
			errbuf_set(err, errlen, "cannot map '%s': %s", node_path, strerror(errno));
			close(fd);
			return NULL;
		}
		int r = find_slot(p, (size_t)st.st_size, need, &off, &len);
		munmap(p, (size_t)st.st_size);
		if (r < 0) {
			errbuf_set(err, errlen, "'%s' holds no bundled root certificate to replace",
				   node_path);
			close(fd);
			return NULL;
		}
		if (cache_dir)
			cache_store(cache_dir, &st, need, off, len);
	}
	/* The slot must still start as a PEM does (a stale cache line):
	 * checked here and in each process before writing. */
	char head[sizeof(BEGIN)];
	if (pread(fd, head, strlen(BEGIN), (off_t)off) != (ssize_t)strlen(BEGIN) ||
	    memcmp(head, BEGIN, strlen(BEGIN)) != 0) {
		errbuf_set(err, errlen, "'%s': the bundled root at offset %" PRIu64 " moved",
			   node_path, off);
		close(fd);
		return NULL;
	}
	close(fd);
	nc = xcalloc(1, sizeof(*nc));
	nc->dev = st.st_dev;
	nc->ino = st.st_ino;
	nc->off = off;
	nc->len = len;
	nc->fill = xmalloc(len);
	memcpy(nc->fill, pem, need);
	memset(nc->fill + need, '\n', len - need);
	return nc;
}

/* The address where file offset |off| of the binary is mapped in |pid|. */
static uint64_t mapped_at(pid_t pid, ino_t ino, uint64_t off)
{
	char path[64], line[4096];
	uint64_t addr = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!addr && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, moff, inode;
		char perms[8];
		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu", &start, &end, perms, &moff,
			   &inode) != 5)
			continue;
		if (inode == (unsigned long long)ino && off >= moff && off < moff + (end - start))
			addr = start + (off - moff);
	}
	fclose(f);
	return addr;
}

int nodeca_patch(const struct nodeca *nc, pid_t pid)
{
	char path[64], head[sizeof(BEGIN)];
	struct stat st;
	uint64_t addr;
	int fd, r = 1;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_dev != nc->dev || st.st_ino != nc->ino)
		return 0;
	addr = mapped_at(pid, nc->ino, nc->off);
	if (!addr || addr + nc->len < addr)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, head, strlen(BEGIN), (off_t)addr) != (ssize_t)strlen(BEGIN) ||
	    memcmp(head, BEGIN, strlen(BEGIN)) != 0)
		r = -ENOENT;
	else if (pwrite(fd, nc->fill, nc->len, (off_t)addr) != (ssize_t)nc->len)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

void nodeca_free(struct nodeca *nc)
{
	if (!nc)
		return;
	free(nc->fill);
	free(nc);
}
