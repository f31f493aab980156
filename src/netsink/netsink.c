/* The netsink's event loop: one poll() over the channel, the DNS sockets,
 * the listeners made on request and the accepted connections. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "netsink/dns.h"
#include "netsink/netsink.h"
#include "netsink/sniff.h"
#include "report/event.h"
#include "util/xalloc.h"

#define MAX_FDS 512
#define RAW_PROMPT_US 400000	 /* silence before we talk to a raw client */
#define IDLE_CLOSE_US 1500000	 /* idle time after our reply */
#define MAX_LIFETIME_US 10000000 /* a connection never lives longer */

enum slot_kind { SLOT_CHAN, SLOT_DNS, SLOT_TCP_LISTEN, SLOT_UDP, SLOT_CONN };

struct conn {
	unsigned char *buf; /* first NETSINK_CAPTURE_MAX bytes */
	size_t len;
	uint64_t total;
	uint64_t t_accept, t_last;
	bool replied, captured, prompted;
	struct ns_msg hdr;
};

struct slot {
	enum slot_kind kind;
	int fd;
	int port;
	struct conn *c;
};

struct sink {
	int chan;
	const char *geo;
	struct slot slots[MAX_FDS];
	size_t n;
};

static void send_msg(struct sink *s, struct ns_msg *m, const void *payload, size_t len)
{
	struct iovec iov[2] = {{m, sizeof(*m)}, {(void *)payload, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = payload && len ? 2 : 1};

	m->len = (uint32_t)len;
	if (sendmsg(s->chan, &mh, MSG_NOSIGNAL) < 0 && errno == EPIPE)
		_exit(0);
}

static void addr_str(const struct sockaddr_storage *ss, char *out, size_t len, uint16_t *port)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], out, (socklen_t)len);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)len);
		*port = ntohs(in6->sin6_port);
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)len);
		*port = ntohs(in->sin_port);
	}
}

static int add_slot(struct sink *s, enum slot_kind kind, int fd, int port)
{
	if (s->n >= MAX_FDS) {
		close(fd);
		return -1;
	}
	s->slots[s->n] = (struct slot){.kind = kind, .fd = fd, .port = port};
	return (int)s->n++;
}

/* Binds a dual-stack socket on |port|, or IPv4 only where IPv6 is off. */
static int bind_any(int socktype, int port)
{
	int one = 1, zero = 0;
	int fd = socket(AF_INET6, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
					  .sin6_port = htons(port),
					  .sin6_addr = in6addr_any};
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0)
			goto bound;
		close(fd);
	}
	fd = socket(AF_INET, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port)};
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0) {
		close(fd);
		return -1;
	}
bound:
	if (socktype == SOCK_STREAM && listen(fd, 128) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool have_listener(struct sink *s, int socktype, int port)
{
	for (size_t i = 0; i < s->n; i++) {
		enum slot_kind k = s->slots[i].kind;
		if (s->slots[i].port != port)
			continue;
		if (socktype == SOCK_STREAM && k == SLOT_TCP_LISTEN)
			return true;
		if (socktype == SOCK_DGRAM && (k == SLOT_UDP || k == SLOT_DNS))
			return true;
	}
	return false;
}

static void ensure_listener(struct sink *s, int socktype, int port)
{
	if (port <= 0 || port > 65535 || have_listener(s, socktype, port))
		return;
	int fd = bind_any(socktype, port);
	if (fd < 0)
		return; /* in use by the package itself: it answers its own port */
	add_slot(s, socktype == SOCK_STREAM ? SLOT_TCP_LISTEN : SLOT_UDP, fd, port);
}

static void on_dns(struct sink *s, int fd)
{
	uint8_t pkt[1500], out[1500];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	struct dns_query q;
	ssize_t n;

	while ((n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl)) > 0) {
		struct ns_msg m = {.kind = NS_DNS, .socktype = SOCK_DGRAM, .dport = 53};
		char ignored[48];
		m.t_us = ev_now_us();
		addr_str(&from, ignored, sizeof(ignored), &m.cport);
		if (dns_parse_query(pkt, (size_t)n, &q) < 0) {
			fl = sizeof(from);
			continue;
		}
		uint32_t a4 = dns_sinkhole_addr(q.name);
		struct dns_answer ans = {.addr4 = a4,
					 .txt = "aWQ=" /* base64("id"): loaders that run what TXT
							  says run a harmless probe */
					 ,
					 .ttl = 300};
		m.qtype = q.qtype;
		if (q.qtype == 1)
			inet_ntop(AF_INET, &a4, m.addr, sizeof(m.addr));
		ssize_t rl = dns_build_response(&q, pkt, (size_t)n, &ans, out, sizeof(out));
		if (rl > 0)
			sendto(fd, out, (size_t)rl, 0, (struct sockaddr *)&from, fl);
		send_msg(s, &m, q.name, strlen(q.name));
		fl = sizeof(from);
	}
}

static void on_udp(struct sink *s, int fd, int port)
{
	uint8_t pkt[65536];
	struct sockaddr_storage from, to;
	socklen_t fl = sizeof(from), tl = sizeof(to);
	ssize_t n;

	while ((n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl)) >= 0) {
		struct ns_msg m = {
			.kind = NS_CAPTURE, .socktype = SOCK_DGRAM, .dport = (uint16_t)port};
		uint16_t ignored;
		m.t_us = ev_now_us();
		m.total = (uint64_t)n;
		addr_str(&from, m.addr, sizeof(m.addr), &m.cport);
		/* The local address of an unconnected UDP socket is the
		 * wildcard; the destination is not known per datagram without
		 * IP_PKTINFO, which the tracer's sendto event supplies. */
		if (getsockname(fd, (struct sockaddr *)&to, &tl) == 0)
			addr_str(&to, m.addr, sizeof(m.addr), &ignored);
		send_msg(s, &m, pkt,
			 (size_t)n > NETSINK_CAPTURE_MAX ? NETSINK_CAPTURE_MAX : (size_t)n);
		fl = sizeof(from);
		tl = sizeof(to);
	}
}

static void on_accept(struct sink *s, int lfd, int port)
{
	struct sockaddr_storage peer, local;
	socklen_t pl = sizeof(peer), ll = sizeof(local);
	int fd;

	while ((fd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
	       0) {
		struct conn *c = xcalloc(1, sizeof(*c));
		uint16_t ignored;
		c->hdr.kind = NS_CAPTURE;
		c->hdr.socktype = SOCK_STREAM;
		c->hdr.dport = (uint16_t)port;
		addr_str(&peer, c->hdr.addr, sizeof(c->hdr.addr), &c->hdr.cport);
		if (getsockname(fd, (struct sockaddr *)&local, &ll) == 0)
			addr_str(&local, c->hdr.addr, sizeof(c->hdr.addr), &ignored);
		c->t_accept = c->t_last = ev_now_us();
		c->hdr.t_us = c->t_accept;
		c->buf = xmalloc(NETSINK_CAPTURE_MAX);
		int k = add_slot(s, SLOT_CONN, fd, port);
		if (k < 0) {
			free(c->buf);
			free(c);
		} else {
			s->slots[k].c = c;
		}
		pl = sizeof(peer);
		ll = sizeof(local);
	}
}

static void conn_capture(struct sink *s, struct conn *c)
{
	if (c->captured)
		return;
	c->captured = true;
	c->hdr.total = c->total;
	c->hdr.flags = (c->total > c->len ? NSF_TRUNCATED : 0) | (c->replied ? NSF_REPLIED : 0);
	send_msg(s, &c->hdr, c->buf, c->len);
}

static void conn_close(struct sink *s, size_t i)
{
	struct slot *sl = &s->slots[i];

	conn_capture(s, sl->c);
	close(sl->fd);
	free(sl->c->buf);
	free(sl->c);
	s->slots[i] = s->slots[--s->n];
}

static void reply(int fd, const void *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		buf = (const char *)buf + w;
		len -= (size_t)w;
	}
}

/* Decides whether to answer now, given what the client sent so far. */
static void conn_respond(struct sink *s, struct conn *c, int fd)
{
	char sni[256], alpn[64], out[2048];
	struct http_req req;
	int r;

	(void)s;
	if (c->replied)
		return;
	r = sniff_http(c->buf, c->len, &req);
	if (r == 1) {
		size_t want =
			req.header_len + (req.content_length > 0 ? (size_t)req.content_length : 0);
		if (c->len < want && c->len < NETSINK_CAPTURE_MAX && !req.chunked) {
			http_req_release(&req);
			return; /* wait for the body */
		}
		size_t n = netsink_http_reply(req.method, req.target, req.host, s->geo, out,
					      sizeof(out));
		reply(fd, out, n);
		http_req_release(&req);
		c->replied = true;
		return;
	}
	if (r == 0)
		return;
	r = sniff_tls_client_hello(c->buf, c->len, sni, sizeof(sni), alpn, sizeof(alpn));
	if (r == 1) {
		/* No TLS termination: a handshake_failure alert ends it. */
		static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
		reply(fd, alert, sizeof(alert));
		c->replied = true;
		return;
	}
	if (r == 0)
		return;
	/* Raw protocol: miners get a stratum job, shells two commands. */
	if (c->hdr.dport == 3333 || c->hdr.dport == 14444 || c->hdr.dport == 5555 ||
	    c->hdr.dport == 45700 || memmem(c->buf, c->len, "mining.", 7) ||
	    memmem(c->buf, c->len, "\"login\"", 7)) {
		static const char job[] =
			"{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"id\":\"1\",\"job\":{\"blob\":\"00\",\"job_id\":\"1\",\"target\":\"ffffff00\"},\"status\":\"OK\"}}\n";
		reply(fd, job, sizeof(job) - 1);
	} else {
		reply(fd, "id\nuname -a\nexit\n", 17);
	}
	c->replied = true;
}

static void on_conn(struct sink *s, size_t i)
{
	struct slot *sl = &s->slots[i];
	struct conn *c = sl->c;
	unsigned char tmp[16384];
	ssize_t n;

	while ((n = recv(sl->fd, tmp, sizeof(tmp), 0)) > 0) {
		size_t room = NETSINK_CAPTURE_MAX - c->len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(c->buf + c->len, tmp, take);
		c->len += take;
		c->total += (uint64_t)n;
		c->t_last = ev_now_us();
	}
	if (c->len)
		conn_respond(s, c, sl->fd);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
		conn_close(s, i);
}

static void on_request(struct sink *s)
{
	struct ns_msg m;
	ssize_t n = recv(s->chan, &m, sizeof(m), 0);

	if (n <= 0)
		_exit(0);
	if (n != (ssize_t)sizeof(m))
		return;
	if (m.kind == NS_LISTEN) {
		ensure_listener(s, m.socktype, m.dport);
	} else if (m.kind == NS_FLUSH) {
		for (size_t i = 0; i < s->n; i++)
			if (s->slots[i].kind == SLOT_CONN && s->slots[i].c->len)
				conn_capture(s, s->slots[i].c);
	}
	struct ns_msg ack = {.kind = NS_ACK, .dport = m.dport};
	send_msg(s, &ack, NULL, 0);
}

static void timers(struct sink *s)
{
	uint64_t now = ev_now_us();

	for (size_t i = 0; i < s->n;) {
		struct slot *sl = &s->slots[i];
		struct conn *c = sl->c;
		if (sl->kind != SLOT_CONN) {
			i++;
			continue;
		}
		if (!c->replied && !c->prompted && now - c->t_last > RAW_PROMPT_US) {
			/* A client that waits for the server to speak first (a
			 * reverse shell): give it its commands. */
			c->prompted = true;
			if (c->len == 0) {
				reply(sl->fd, "id\nuname -a\nexit\n", 17);
				c->replied = true;
			}
		}
		if ((c->replied && now - c->t_last > IDLE_CLOSE_US) ||
		    now - c->t_accept > MAX_LIFETIME_US) {
			conn_close(s, i);
			continue;
		}
		i++;
	}
}

int netsink_main(int chan, void *arg)
{
	const struct netsink_options *opts = arg;
	struct sink *s = xcalloc(1, sizeof(*s));
	struct pollfd pfd[MAX_FDS];

	s->chan = chan;
	s->geo = opts && opts->geo ? opts->geo : "US";
	add_slot(s, SLOT_CHAN, chan, 0);
	int dns = bind_any(SOCK_DGRAM, 53);
	if (dns < 0)
		return 3;
	add_slot(s, SLOT_DNS, dns, 53);
	ensure_listener(s, SOCK_STREAM, 53);
	ensure_listener(s, SOCK_STREAM, 80);
	ensure_listener(s, SOCK_STREAM, 443);

	for (;;) {
		for (size_t i = 0; i < s->n; i++)
			pfd[i] = (struct pollfd){.fd = s->slots[i].fd, .events = POLLIN};
		int r = poll(pfd, s->n, 100);
		if (r < 0 && errno != EINTR)
			return 4;
		size_t n = s->n;
		/* Walk backwards: conn_close() moves the last slot into i. */
		for (size_t i = n; i-- > 0;) {
			if (i >= s->n || !pfd[i].revents)
				continue;
			struct slot *sl = &s->slots[i];
			switch (sl->kind) {
			case SLOT_CHAN:
				on_request(s);
				break;
			case SLOT_DNS:
				on_dns(s, sl->fd);
				break;
			case SLOT_TCP_LISTEN:
				on_accept(s, sl->fd, sl->port);
				break;
			case SLOT_UDP:
				on_udp(s, sl->fd, sl->port);
				break;
			case SLOT_CONN:
				on_conn(s, i);
				break;
			}
		}
		timers(s);
	}
}
