/* The netsink: a DNS responder and a TCP/UDP sink inside the sandbox's
 * network namespace.  Every DNS question is recorded and answered (A with a
 * plausible public address, TXT with an SPF policy, others NODATA; NXDOMAIN
 * for names made up to test the resolver); every connection is accepted on
 * the port asked for, answered like a plausible server (HTTP replies,
 * WebSocket upgrades, TLS terminated with a leaf minted by the run's own
 * authority, two harmless shell commands on raw sockets; a greeting and a
 * dialogue shaped by the port for servers that speak first, greet.def;
 * HTTP/2 frames, h2.h; DNS over TCP on port 53) and what the client sent
 * (decrypted, for TLS) is captured, up to NETSINK_CAPTURE_MAX bytes; the
 * rest of a longer stream is searched for the run's canaries as it goes by
 * (needle.h).  Datagrams to port 53 that are not well-formed queries, and
 * ICMP echo requests (raw sockets see every one), are captured as they are.
 *
 * It talks to the supervisor over a SOCK_SEQPACKET channel: requests
 * (listen on a port, flush) go in; messages (struct ns_msg + payload) come
 * out. */
#ifndef SNARE_NETSINK_H
#define SNARE_NETSINK_H

#include <stdint.h>

#define NETSINK_CAPTURE_MAX ((size_t)64 * 1024)

enum ns_kind {
	NS_LISTEN = 1, /* request: listen on |dport| for |socktype| */
	NS_FLUSH,      /* request: send captures of every open connection */
	NS_ACK,	       /* reply to NS_LISTEN / NS_FLUSH */
	NS_DNS,	       /* payload: the question name; |addr| the answer */
	NS_CAPTURE,    /* payload: first bytes the client sent */
};

struct ns_msg {
	uint8_t kind;
	uint8_t socktype; /* SOCK_STREAM or SOCK_DGRAM */
	uint16_t qtype;
	uint16_t dport; /* destination port */
	uint16_t cport; /* client's source port (attribution) */
	uint32_t flags; /* NS_CAPTURE: NSF_* */
	uint64_t t_us;	/* CLOCK_MONOTONIC, microseconds */
	uint64_t total; /* NS_CAPTURE: bytes received in all */
	char addr[48];	/* destination address, numeric */
	/* NS_CAPTURE of a TLS connection: the ClientHello's server name and
	 * first ALPN protocol, and why the handshake or session failed. */
	char sni[256];
	char alpn[32];
	char tls_error[96];
	/* NS_CAPTURE: canaries found in the bytes past the capture window
	 * (needle.h: needle_bit()) */
	uint64_t stream_hits;
	/* the same in what a gzip stream that runs past the window inflates to */
	uint64_t inflated_hits;
	uint32_t len; /* payload bytes that follow */
};

enum ns_flags {
	NSF_TRUNCATED = 1 << 0,	 /* total > captured */
	NSF_REPLIED = 1 << 1,	 /* the sink answered the client */
	NSF_TLS = 1 << 2,	 /* TLS terminated: the payload is the decrypted stream */
	NSF_TLS_FAILED = 1 << 3, /* the client refused the sink's certificate (payload:
				    its ClientHello), see tls_error */
	NSF_NXDOMAIN = 1 << 4,	 /* NS_DNS: answered NXDOMAIN (a name that cannot exist) */
};

struct mitm;

struct netsink_options {
	const char *geo;   /* country code the geo-IP answers give, e.g. "US" */
	struct mitm *mitm; /* terminates TLS with it; NULL: a handshake_failure alert */
	/* the run's canary values, searched for past the capture window */
	const char *const *canaries;
	size_t ncanaries;
};

/* Runs the netsink until the channel closes.  Returns an exit status. */
int netsink_main(int chan, void *arg /* struct netsink_options * */);

/* Builds the HTTP response the sink gives to a request (method, target,
 * host, Accept and User-Agent; any but the target may be NULL), into |out|
 * (NUL-terminated; the body may hold binary bytes).  Returns its length. */
size_t netsink_http_reply(const char *method, const char *target, const char *host,
			  const char *accept, const char *ua, const char *geo, char *out,
			  size_t cap);

#endif
