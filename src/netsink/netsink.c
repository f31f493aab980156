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
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <zlib.h>

#include "netsink/dns.h"
#include "netsink/greet.h"
#include "netsink/h2.h"
#include "netsink/needle.h"
#include "netsink/netsink.h"
#include "netsink/sniff.h"
#include "tls/mitm.h"
#include "event/event.h"
#include "util/base64.h"
#include "util/xalloc.h"

#define MAX_FDS 512
#define RAW_PROMPT_US 400000		  /* silence before we talk to a raw client */
#define IDLE_CLOSE_US 1500000		  /* idle time after our reply */
#define MAX_LIFETIME_US 10000000	  /* a connection never lives longer */
#define FTP_DATA_PORT 40123		  /* the port FTP passive replies name */
#define INFLATE_MAX ((uint64_t)256 << 20) /* inflated bytes searched per stream */

enum slot_kind { SLOT_CHAN, SLOT_DNS, SLOT_TCP_LISTEN, SLOT_UDP, SLOT_CONN, SLOT_ICMP };

/* What the client turned out to speak: MODE_LINE a server that speaks
 * first (greet.h), MODE_DNS queries on TCP port 53. */
enum conn_mode { MODE_UNKNOWN, MODE_HTTP, MODE_WS, MODE_RAW, MODE_LINE, MODE_H2, MODE_DNS };
enum tls_state { TLS_NONE, TLS_HANDSHAKE, TLS_UP, TLS_FAILED };

struct conn {
	unsigned char *buf; /* first NETSINK_CAPTURE_MAX bytes (decrypted once TLS is up) */
	size_t len;
	size_t served; /* bytes of |buf| taken by the requests answered */
	uint64_t total;
	uint64_t t_accept, t_last;
	bool replied, captured, prompted;
	enum conn_mode mode;
	enum tls_state tls;
	SSL *ssl; /* its memory BIOs carry the records */
	BIO *rbio, *wbio;
	struct ns_msg hdr;
	struct greet greet;
	struct h2 h2;
	struct needle_scan scan; /* past the capture window */
	uint64_t hits;
	/* a gzip stream that runs past the window, inflated as it comes */
	z_stream *z;
	struct needle_scan zscan;
	uint64_t zhits, zbytes;
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
	struct mitm *mitm;
	struct needles *needles;
	struct slot slots[MAX_FDS];
	size_t n;
};

static void z_stop(struct conn *c)
{
	if (c->z) {
		inflateEnd(c->z);
		free(c->z);
		c->z = NULL;
	}
}

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
		struct sockaddr_in6 in6;
		memcpy(&in6, ss, sizeof(in6));
		if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
			inet_ntop(AF_INET, &in6.sin6_addr.s6_addr[12], out, (socklen_t)len);
		else
			inet_ntop(AF_INET6, &in6.sin6_addr, out, (socklen_t)len);
		*port = ntohs(in6.sin6_port);
	} else {
		struct sockaddr_in in;
		memcpy(&in, ss, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, out, (socklen_t)len);
		*port = ntohs(in.sin_port);
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

/* Answers from the address the query was sent to (whatever the sandbox's
 * resolv.conf names): a resolver drops replies from any other. */
static ssize_t reply_from(int fd, const void *buf, size_t len, const struct sockaddr_storage *to,
			  socklen_t tl, const struct msghdr *in)
{
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = tl, .msg_iov = &iov, .msg_iovlen = 1};

	for (struct cmsghdr *c = CMSG_FIRSTHDR(in); c; c = CMSG_NXTHDR((struct msghdr *)in, c)) {
		if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO)
			continue;
		struct in6_pktinfo pi;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		pi.ipi6_ifindex = 0;
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *o = CMSG_FIRSTHDR(&mh);
		o->cmsg_level = IPPROTO_IPV6;
		o->cmsg_type = IPV6_PKTINFO;
		o->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(o), &pi, sizeof(pi));
		break;
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

/* The answer to query |q| (parsed from |pkt|) into |out|; fills the
 * message's qtype and address. */
static ssize_t dns_answer(const struct dns_query *q, const uint8_t *pkt, size_t n, struct ns_msg *m,
			  uint8_t *out, size_t cap)
{
	struct dns_answer ans;

	dns_sink_answer(q->name, &ans);
	m->qtype = q->qtype;
	if (ans.rcode)
		m->flags = NSF_NXDOMAIN;
	else if (q->qtype == 1)
		inet_ntop(AF_INET, &ans.addr4, m->addr, sizeof(m->addr));
	return dns_build_response(q, pkt, n, &ans, out, cap);
}

/* A datagram to port 53 that is not a plain query (malformed, or with
 * bytes past its question and an EDNS record's room): sent data. */
static void dns_capture_raw(struct sink *s, const uint8_t *pkt, size_t n, uint16_t cport)
{
	struct ns_msg m = {.kind = NS_CAPTURE, .socktype = SOCK_DGRAM, .dport = 53, .cport = cport};
	m.t_us = ev_now_us();
	m.total = n;
	snprintf(m.addr, sizeof(m.addr), "127.0.0.1");
	send_msg(s, &m, pkt, n);
}

static void on_dns(struct sink *s, int fd)
{
	static uint8_t pkt[65536];
	uint8_t out[1500];
	char cbuf[256];
	struct sockaddr_storage from = {0};
	struct dns_query q;
	ssize_t n;

	for (;;) {
		struct iovec iov = {pkt, sizeof(pkt)};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		n = recvmsg(fd, &mh, 0);
		if (n <= 0)
			break;
		struct ns_msg m = {.kind = NS_DNS, .socktype = SOCK_DGRAM, .dport = 53};
		char ignored[48];
		m.t_us = ev_now_us();
		addr_str(&from, ignored, sizeof(ignored), &m.cport);
		if (dns_parse_query(pkt, (size_t)n, &q) < 0) {
			dns_capture_raw(s, pkt, (size_t)n, m.cport);
			continue;
		}
		if ((size_t)n > q.question_end + 64)
			dns_capture_raw(s, pkt, (size_t)n, m.cport);
		ssize_t rl = dns_answer(&q, pkt, (size_t)n, &m, out, sizeof(out));
		if (rl > 0)
			reply_from(fd, out, (size_t)rl, &from, mh.msg_namelen, &mh);
		send_msg(s, &m, q.name, strlen(q.name));
	}
}

static void on_udp(struct sink *s, int fd, int port)
{
	uint8_t pkt[65536];
	struct sockaddr_storage from = {0}, to = {0};
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

static void reply(int fd, const void *buf, size_t len);

/* What the sink does as a connection opens, by its port: a server that
 * speaks first greets (greet.def), DNS and FTP data connections are read
 * as such. */
static void conn_start(struct sink *s, struct conn *c, int fd, int port)
{
	greet_init(&c->greet, port, c->hdr.addr, FTP_DATA_PORT);
	if (c->greet.proto == GREET_FTP)
		ensure_listener(s, SOCK_STREAM, FTP_DATA_PORT);
	if (port == 53) {
		c->mode = MODE_DNS;
		c->prompted = true;
	} else if (port == FTP_DATA_PORT) {
		c->mode = MODE_RAW; /* an upload: it speaks, we listen */
		c->prompted = c->replied = true;
	} else if (c->greet.proto != GREET_NONE && !c->greet.tls_first) {
		const char *b = greet_banner(&c->greet);
		c->mode = MODE_LINE;
		c->prompted = true;
		if (*b) {
			reply(fd, b, strlen(b));
			c->replied = true;
		}
	}
}

/* An ICMP or ICMPv6 echo request (ping sockets and raw ones alike): its
 * payload is sent data.  The kernel answers the echo itself. */
static void on_icmp(struct sink *s, int fd, int v6)
{
	uint8_t pkt[65536];
	struct sockaddr_storage from = {0};
	socklen_t fl = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl)) > 0) {
		struct ns_msg m = {.kind = NS_CAPTURE, .socktype = SOCK_RAW};
		const uint8_t *icmp = pkt;
		size_t len = (size_t)n;
		fl = sizeof(from);
		if (!v6) {
			struct iphdr ip;
			if (len < sizeof(ip))
				continue;
			memcpy(&ip, pkt, sizeof(ip));
			size_t hl = (size_t)ip.ihl * 4;
			if (hl < sizeof(ip) || len < hl + 8)
				continue;
			inet_ntop(AF_INET, &ip.daddr, m.addr, sizeof(m.addr));
			icmp += hl;
			len -= hl;
			if (icmp[0] != ICMP_ECHO)
				continue;
		} else {
			if (len < 8 || icmp[0] != ICMP6_ECHO_REQUEST)
				continue;
			snprintf(m.addr, sizeof(m.addr), "::1");
		}
		m.cport = (uint16_t)(icmp[4] << 8 | icmp[5]); /* the echo id */
		m.t_us = ev_now_us();
		m.total = len - 8;
		send_msg(s, &m, icmp + 8, len - 8);
	}
}

static void on_accept(struct sink *s, int lfd, int port)
{
	struct sockaddr_storage peer = {0}, local = {0};
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
		conn_start(s, c, fd, port);
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
	c->hdr.stream_hits = c->hits;
	c->hdr.inflated_hits = c->zhits;
	c->hdr.flags = (c->total > c->len ? NSF_TRUNCATED : 0) | (c->replied ? NSF_REPLIED : 0) |
		       (c->tls == TLS_UP ? NSF_TLS : 0) |
		       (c->tls == TLS_FAILED ? NSF_TLS_FAILED : 0);
	send_msg(s, &c->hdr, c->buf, c->len);
}

static void conn_close(struct sink *s, size_t i)
{
	struct slot *sl = &s->slots[i];
	struct conn *c = sl->c;

	if (c->tls == TLS_UP && c->total == 0 && !c->replied) {
		/* Handshake done, then nothing: under TLS 1.3 that is how a
		 * client that checks the certificate itself (a pin) leaves. */
		snprintf(c->hdr.tls_error, sizeof(c->hdr.tls_error),
			 "closed by the client after the handshake, nothing sent");
		c->tls = TLS_FAILED;
	} else if (c->tls == TLS_HANDSHAKE) {
		snprintf(c->hdr.tls_error, sizeof(c->hdr.tls_error),
			 "closed by the client during the handshake");
		c->tls = TLS_FAILED;
	}
	conn_capture(s, c);
	close(sl->fd);
	SSL_free(sl->c->ssl); /* and its BIOs */
	z_stop(sl->c);
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

/* Inflates |n| more bytes of the gzip stream and searches what they give. */
static void z_feed(struct sink *s, struct conn *c, const unsigned char *p, size_t n)
{
	unsigned char out[16384];

	c->z->next_in = (unsigned char *)p;
	c->z->avail_in = (uInt)n;
	while (c->z) {
		c->z->next_out = out;
		c->z->avail_out = sizeof(out);
		int r = inflate(c->z, Z_NO_FLUSH);
		size_t got = sizeof(out) - c->z->avail_out;
		c->zhits |= needles_scan(s->needles, &c->zscan, out, got);
		c->zbytes += got;
		if (r == Z_BUF_ERROR)
			break; /* no progress without more input */
		if (r != Z_OK || c->zbytes > INFLATE_MAX)
			z_stop(c); /* its end, an error, or a bomb */
		else if (c->z->avail_in == 0 && c->z->avail_out != 0)
			break;
	}
}

/* The window is full: a gzip stream in it (a compressed upload) is
 * inflated from its start on, and so is the rest as it comes. */
static void z_start(struct sink *s, struct conn *c)
{
	static const unsigned char magic[] = {0x1f, 0x8b, 0x08};
	const unsigned char *m = memmem(c->buf, c->len, magic, sizeof(magic));

	if (!m)
		return;
	c->z = xcalloc(1, sizeof(*c->z));
	if (inflateInit2(c->z, 15 + 16) != Z_OK) {
		free(c->z);
		c->z = NULL;
		return;
	}
	z_feed(s, c, m, c->len - (size_t)(m - c->buf));
}

/* Stores what fits in the capture window; the rest is searched for the
 * canaries as it goes by (the window's last bytes carried over first, so
 * a value across its edge is found). */
static void take(struct sink *s, struct conn *c, const unsigned char *p, size_t n)
{
	size_t room = NETSINK_CAPTURE_MAX - c->len;
	size_t k = n < room ? n : room;

	memcpy(c->buf + c->len, p, k);
	c->len += k;
	c->total += n;
	if (k < n && s->needles) {
		if (c->total - n + k == NETSINK_CAPTURE_MAX && !c->scan.carrylen) {
			c->scan.carrylen = NEEDLE_CARRY;
			memcpy(c->scan.carry, c->buf + c->len - NEEDLE_CARRY, NEEDLE_CARRY);
			z_start(s, c);
		}
		c->hits |= needles_scan(s->needles, &c->scan, p + k, n - k);
		if (c->z)
			z_feed(s, c, p + k, n - k);
	}
}

/* Sends what the TLS engine has written to the socket. */
static void tls_flush(struct conn *c, int fd)
{
	char out[16384];
	int n;

	while ((n = BIO_read(c->wbio, out, sizeof(out))) > 0)
		reply(fd, out, (size_t)n);
}

static void conn_send(struct conn *c, int fd, const void *buf, size_t len)
{
	if (!c->ssl) {
		reply(fd, buf, len);
		return;
	}
	ERR_clear_error();
	if (len && SSL_write(c->ssl, buf, (int)len) > 0)
		tls_flush(c, fd);
}

static void tls_failed(struct conn *c, int fd, const char *why)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	snprintf(c->hdr.tls_error, sizeof(c->hdr.tls_error), "%s", reason ? reason : why);
	ERR_clear_error();
	tls_flush(c, fd); /* our alert, if any */
	c->tls = TLS_FAILED;
	c->replied = true;
}

static void raw_reply(struct conn *c, int fd)
{
	/* Miners (they speak first, stratum's login or subscribe) get a job;
	 * everything else, reverse shells above all, two harmless commands.
	 * The port says nothing: shells listen on miners' ports too. */
	if (memmem(c->buf, c->len, "mining.", 7) || memmem(c->buf, c->len, "\"login\"", 7)) {
		static const char job[] =
			"{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"id\":\"1\",\"job\":{\"blob\":\"00\",\"job_id\":\"1\",\"target\":\"ffffff00\"},\"status\":\"OK\"}}\n";
		conn_send(c, fd, job, sizeof(job) - 1);
	} else {
		conn_send(c, fd, "id\nuname -a\nexit\n", 17);
	}
	c->replied = true;
	c->mode = MODE_RAW;
}

static size_t ws_accept_reply(const char *key, char *out, size_t cap)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char md[SHA_DIGEST_LENGTH];
	char accept[BASE64_LEN(SHA_DIGEST_LENGTH) + 1];
	char cat[256];
	int n;

	snprintf(cat, sizeof(cat), "%.200s%s", key, guid);
	SHA1((const unsigned char *)cat, strlen(cat), md);
	base64_encode_to(accept, md, sizeof(md));
	n = snprintf(out, cap,
		     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
		     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
		     accept);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* Answers what |n| new bytes complete, for a protocol that is read as it
 * goes (not from the capture, which stops at the window). */
static void feed(struct conn *c, int fd, const unsigned char *p, size_t n)
{
	char out[4096];
	size_t o = 0;

	if (c->mode == MODE_LINE)
		o = greet_feed(&c->greet, (const char *)p, n, out, sizeof(out));
	else if (c->mode == MODE_H2)
		o = h2_feed(&c->h2, p, n, (uint8_t *)out, sizeof(out));
	if (o) {
		conn_send(c, fd, out, o);
		c->replied = true;
	}
}

/* DNS over TCP (RFC 1035 4.2.2): each query after its 2-byte length. */
static void dns_tcp_serve(struct sink *s, struct conn *c, int fd)
{
	uint8_t out[1502];
	struct dns_query q;

	while (c->len - c->served >= 2) {
		const uint8_t *p = c->buf + c->served;
		size_t ql = (size_t)p[0] << 8 | p[1];
		if (c->len - c->served - 2 < ql)
			return;
		c->served += 2 + ql;
		if (dns_parse_query(p + 2, ql, &q) < 0)
			continue; /* the capture has it */
		struct ns_msg m = {.kind = NS_DNS,
				   .socktype = SOCK_STREAM,
				   .dport = 53,
				   .cport = c->hdr.cport};
		m.t_us = ev_now_us();
		ssize_t rl = dns_answer(&q, p + 2, ql, &m, out + 2, sizeof(out) - 2);
		if (rl > 0) {
			out[0] = (uint8_t)(rl >> 8);
			out[1] = (uint8_t)rl;
			conn_send(c, fd, out, (size_t)rl + 2);
			c->replied = true;
		}
		send_msg(s, &m, q.name, strlen(q.name));
	}
}

/* The client's first bytes are HTTP/2's preface: 1 (it answers from now
 * on), 0 (too few bytes to tell), -1 (not HTTP/2). */
static int h2_start(struct conn *c, int fd)
{
	size_t have = c->len - c->served, k = have < H2_PREFACE_LEN ? have : H2_PREFACE_LEN;

	if (memcmp(c->buf + c->served, H2_PREFACE, k) != 0)
		return -1;
	if (k < H2_PREFACE_LEN)
		return 0;
	c->mode = MODE_H2;
	feed(c, fd, c->buf + c->served, have);
	c->served = c->len;
	return 1;
}

/* Answers every complete HTTP request in the buffer.  Returns -EINVAL
 * when the first bytes are not HTTP. */
static int http_serve(struct sink *s, struct conn *c, int fd)
{
	char out[2048];
	struct http_req req;

	while (c->mode != MODE_WS && c->served < c->len) {
		const unsigned char *p = c->buf + c->served;
		size_t avail = c->len - c->served, used = avail;
		bool full = c->len == NETSINK_CAPTURE_MAX;
		int r = sniff_http(p, avail, &req);
		if (r < 0)
			return c->mode == MODE_HTTP ? 0 : -EINVAL;
		if (r == 0) {
			if (!full)
				return 0;
			c->served = c->len; /* a head bigger than the capture */
			return 0;
		}
		c->mode = MODE_HTTP;
		r = http_request_extent(p, avail, &req, &used);
		if (r == 0 && !full) {
			http_req_release(&req);
			return 0; /* wait for the body */
		}
		if (r <= 0)
			used = avail;
		size_t n;
		if (req.upgrade_websocket && req.ws_key) {
			n = ws_accept_reply(req.ws_key, out, sizeof(out));
			c->mode = MODE_WS;
		} else {
			n = netsink_http_reply(req.method, req.target, req.host, req.accept,
					       req.user_agent, s->geo, out, sizeof(out));
		}
		conn_send(c, fd, out, n);
		c->served += used;
		c->replied = true;
		http_req_release(&req);
	}
	return 0;
}

static void tls_start(struct sink *s, struct conn *c, int fd)
{
	c->ssl = SSL_new(mitm_server_ctx(s->mitm));
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (!c->ssl || !c->rbio || !c->wbio) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		c->rbio = c->wbio = NULL;
		tls_failed(c, fd, "out of memory");
		return;
	}
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_accept_state(c->ssl);
	mitm_set_fallback_name(c->ssl, c->hdr.addr);
	BIO_write(c->rbio, c->buf, (int)c->len);
	c->tls = TLS_HANDSHAKE;
}

/* Moves the TLS session on: handshake, then decrypt what came in. */
static void tls_pump(struct sink *s, struct conn *c, int fd)
{
	unsigned char tmp[16384];
	int n, e;

	if (c->tls == TLS_HANDSHAKE) {
		ERR_clear_error();
		n = SSL_do_handshake(c->ssl);
		tls_flush(c, fd);
		if (n != 1) {
			e = SSL_get_error(c->ssl, n);
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				tls_failed(c, fd, "handshake failed");
			return;
		}
		/* From here on the capture is the decrypted stream; the
		 * ClientHello's names are in the header. */
		c->tls = TLS_UP;
		c->len = c->served = 0;
		c->total = 0;
		if (c->greet.proto != GREET_NONE) {
			/* SMTPS, IRC over TLS: the greeting comes now */
			const char *b = greet_banner(&c->greet);
			c->mode = MODE_LINE;
			c->prompted = true;
			if (*b) {
				conn_send(c, fd, b, strlen(b));
				c->replied = true;
			}
		}
	}
	if (c->tls != TLS_UP)
		return;
	ERR_clear_error();
	while ((n = SSL_read(c->ssl, tmp, sizeof(tmp))) > 0) {
		take(s, c, tmp, (size_t)n);
		feed(c, fd, tmp, (size_t)n);
	}
	e = SSL_get_error(c->ssl, n);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_ZERO_RETURN && c->total == 0) {
		/* An alert after our Finished: a client that checks the
		 * certificate late (TLS 1.3) or pins it. */
		tls_failed(c, fd, "session failed");
		return;
	}
	ERR_clear_error();
	tls_flush(c, fd);
	if (c->mode == MODE_LINE || c->mode == MODE_H2 || c->len <= c->served)
		return;
	if (c->mode == MODE_UNKNOWN && h2_start(c, fd) >= 0)
		return;
	if (http_serve(s, c, fd) < 0 && !c->replied)
		raw_reply(c, fd);
}

/* Decides whether to answer now, given what the client sent so far. */
static void conn_respond(struct sink *s, struct conn *c, int fd)
{
	char sni[256], alpn[64];
	int r;

	if (c->tls != TLS_NONE) {
		tls_pump(s, c, fd);
		return;
	}
	if (c->mode == MODE_DNS) {
		dns_tcp_serve(s, c, fd);
		return;
	}
	if (c->mode == MODE_RAW || c->mode == MODE_WS || c->mode == MODE_LINE || c->mode == MODE_H2)
		return;
	if (c->mode == MODE_UNKNOWN && h2_start(c, fd) >= 0)
		return;
	if (http_serve(s, c, fd) == 0)
		return;
	r = sniff_tls_client_hello(c->buf, c->len, sni, sizeof(sni), alpn, sizeof(alpn));
	if (r == 1) {
		snprintf(c->hdr.sni, sizeof(c->hdr.sni), "%s", sni);
		snprintf(c->hdr.alpn, sizeof(c->hdr.alpn), "%s", alpn);
		if (s->mitm) {
			tls_start(s, c, fd);
			tls_pump(s, c, fd);
			return;
		}
		/* No interception: a handshake_failure alert ends it. */
		static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
		reply(fd, alert, sizeof(alert));
		snprintf(c->hdr.tls_error, sizeof(c->hdr.tls_error), "not intercepted");
		c->tls = TLS_FAILED;
		c->replied = true;
		return;
	}
	if (r == 0)
		return;
	raw_reply(c, fd);
}

static void on_conn(struct sink *s, size_t i)
{
	struct slot *sl = &s->slots[i];
	struct conn *c = sl->c;
	unsigned char tmp[16384];
	ssize_t n;
	int rerr;

	while ((n = recv(sl->fd, tmp, sizeof(tmp), 0)) > 0) {
		c->t_last = ev_now_us();
		if (c->tls == TLS_HANDSHAKE || c->tls == TLS_UP) {
			BIO_write(c->rbio, tmp, (int)n);
			tls_pump(s, c, sl->fd);
		} else if (c->tls == TLS_NONE) {
			take(s, c, tmp, (size_t)n);
			feed(c, sl->fd, tmp, (size_t)n);
		}
	}
	rerr = errno; /* before the TLS engine changes it */
	if (c->len && c->tls == TLS_NONE)
		conn_respond(s, c, sl->fd);
	if (n == 0 || (n < 0 && rerr != EAGAIN && rerr != EWOULDBLOCK))
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
			if (c->len == 0 && (c->tls == TLS_NONE || c->tls == TLS_UP))
				raw_reply(c, sl->fd);
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
	s->mitm = opts ? opts->mitm : NULL;
	add_slot(s, SLOT_CHAN, chan, 0);
	int dns = bind_any(SOCK_DGRAM, 53);
	if (dns < 0)
		return 3;
	int one = 1;
	setsockopt(dns, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	add_slot(s, SLOT_DNS, dns, 53);
	ensure_listener(s, SOCK_STREAM, 53);
	/* Every echo request, whoever sends it (|port| 1: ICMPv6). */
	int icmp4 = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (icmp4 >= 0)
		add_slot(s, SLOT_ICMP, icmp4, 0);
	int icmp6 = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (icmp6 >= 0)
		add_slot(s, SLOT_ICMP, icmp6, 1);
	if (opts && opts->canaries && opts->ncanaries)
		s->needles = needles_new(opts->canaries, opts->ncanaries);
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
			case SLOT_ICMP:
				on_icmp(s, sl->fd, sl->port);
				break;
			}
		}
		timers(s);
	}
}
