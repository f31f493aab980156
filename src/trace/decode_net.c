/* Decoders of the network family: socket, connect, bind, listen and the
 * send calls.  See decode.h. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "sys/sys.h"
#include "trace/decode.h"
#include "trace/mem.h"
#include "util/xalloc.h"

/* Decodes a sockaddr into the event; returns the family. */
static int decode_sockaddr(struct event *e, pid_t pid, uint64_t addr, uint64_t len)
{
	struct sockaddr_storage ss;

	if (!addr || len < sizeof(sa_family_t))
		return 0;
	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (tmem_read(pid, addr, &ss, len) < (ssize_t)sizeof(sa_family_t))
		return 0;
	e->family = ss.ss_family;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in6->sin6_port);
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t plen = len - offsetof(struct sockaddr_un, sun_path);
		if (plen > 0 && un->sun_path[0] == '\0') {
			/* abstract socket: shown with a leading '@' */
			e->path = xasprintf("@%.*s", (int)(plen - 1), un->sun_path + 1);
		} else if (plen > 0) {
			e->path = xstrndup(un->sun_path, plen);
		}
	}
	return ss.ss_family;
}

static int dup_socket(pid_t pid, int fd, int *socktype)
{
	int pidfd = sys_pidfd_open(pid);
	int dfd = -1;
	socklen_t sl = sizeof(*socktype);

	if (pidfd < 0)
		return -1;
	dfd = sys_pidfd_getfd(pidfd, fd);
	close(pidfd);
	if (dfd < 0)
		return -1;
	if (getsockopt(dfd, SOL_SOCKET, SO_TYPE, socktype, &sl) < 0) {
		close(dfd);
		return -1;
	}
	return dfd;
}

int decode_local_port(int fd)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* For an IP destination: find the socket type and make the netsink listen. */
static void prepare_ip_dest(struct decode *d, int fd)
{
	struct event *e = d->e;
	int st = 0;

	if (e->family != AF_INET && e->family != AF_INET6 && e->family != AF_UNIX)
		return;
	/* pidfd_open() wants the thread-group leader; the fd table is shared. */
	d->dupfd = dup_socket(d->pid, fd, &st);
	e->socktype = st;
	if (e->family == AF_UNIX)
		return;
	if (d->hooks->ensure_listener && e->port > 0 && (st == SOCK_STREAM || st == SOCK_DGRAM))
		d->hooks->ensure_listener(d->hooks->ctx, st, e->port);
}

static uint64_t iov_total(pid_t pid, uint64_t iov, uint64_t n)
{
	uint64_t total = 0;

	if (n > 1024)
		n = 1024;
	for (uint64_t i = 0; i < n; i++) {
		struct iovec v;
		if (tmem_read(pid, iov + i * sizeof(v), &v, sizeof(v)) != (ssize_t)sizeof(v))
			break;
		total += v.iov_len;
	}
	return total;
}

void decode_socket(struct decode *d)
{
	d->e->family = (int)d->a[0];
	d->e->socktype = (int)(d->a[1] & 0xf);
	d->e->arg = (long)d->a[2];
}

void decode_connect(struct decode *d)
{
	decode_sockaddr(d->e, d->tid, d->a[1], d->a[2]);
	prepare_ip_dest(d, (int)d->a[0]);
}

void decode_bind(struct decode *d)
{
	decode_sockaddr(d->e, d->tid, d->a[1], d->a[2]);
}

/* arg: the backlog; the port the socket listens on. */
void decode_listen(struct decode *d)
{
	int st = 0;
	int fd = dup_socket(d->pid, (int)d->a[0], &st);

	d->e->arg = (long)d->a[1];
	if (fd >= 0) {
		d->e->port = decode_local_port(fd);
		d->e->socktype = st;
		close(fd);
	}
}

void decode_sendto(struct decode *d)
{
	d->e->len = d->a[2];
	decode_sockaddr(d->e, d->tid, d->a[4], d->a[5]);
	prepare_ip_dest(d, (int)d->a[0]);
}

void decode_sendmsg(struct decode *d)
{
	struct msghdr m;

	if (tmem_read(d->tid, d->a[1], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		decode_sockaddr(d->e, d->tid, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
		d->e->len = iov_total(d->tid, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen);
	}
	prepare_ip_dest(d, (int)d->a[0]);
}

/* arg: the message count; the destination of the first message, the bytes
 * of the first 64. */
void decode_sendmmsg(struct decode *d)
{
	struct mmsghdr mm;

	d->e->arg = (long)d->a[2];
	for (uint64_t i = 0; i < d->a[2] && i < 64; i++) {
		if (tmem_read(d->tid, d->a[1] + i * sizeof(mm), &mm, sizeof(mm)) !=
		    (ssize_t)sizeof(mm))
			break;
		if (i == 0)
			decode_sockaddr(d->e, d->tid, (uint64_t)(uintptr_t)mm.msg_hdr.msg_name,
					mm.msg_hdr.msg_namelen);
		d->e->len += iov_total(d->tid, (uint64_t)(uintptr_t)mm.msg_hdr.msg_iov,
				       mm.msg_hdr.msg_iovlen);
	}
	prepare_ip_dest(d, (int)d->a[0]);
}
