/* Unit tests for src/netsink/sniff.c: HTTP/1.x request heads and TLS
 * ClientHellos.  Input is always handed over in an exact-size heap copy
 * without a NUL, so ASan catches a read one byte past |len|. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netsink/sniff.h"

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, p, len);
	return copy;
}

static int http_n(const void *buf, size_t len, struct http_req *req)
{
	uint8_t *copy = dup_exact(buf, len);
	int r = sniff_http(copy, len, req);

	free(copy);
	return r;
}

static int http(const char *s, struct http_req *req)
{
	return http_n(s, strlen(s), req);
}

static int tls(const uint8_t *buf, size_t len, char *sni, size_t snilen, char *alpn, size_t alpnlen)
{
	uint8_t *copy = dup_exact(buf, len);
	int r = sniff_tls_client_hello(copy, len, sni, snilen, alpn, alpnlen);

	free(copy);
	return r;
}

static void assert_req_zeroed(const struct http_req *req)
{
	static const struct http_req zero;

	assert_memory_equal(req, &zero, sizeof(zero));
}

/* --- HTTP ---------------------------------------------------------------- */

static void test_http_post_full(void **state)
{
	static const char head[] =
		"POST /api/upload?x=1 HTTP/1.1\r\n"
		"Host: evil.example:8080\r\n"
		"User-Agent: node-fetch/1.0 (+https://github.com/bitinn/node-fetch)\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: 13\r\n"
		"Accept: */*\r\n"
		"\r\n";
	char msg[512];
	struct http_req req;

	(void)state;
	memcpy(msg, head, sizeof(head) - 1);
	memcpy(msg + sizeof(head) - 1, "{\"a\":\"hello\"}", 13);
	assert_int_equal(http_n(msg, sizeof(head) - 1 + 13, &req), 1);
	assert_string_equal(req.method, "POST");
	assert_string_equal(req.target, "/api/upload?x=1");
	assert_string_equal(req.host, "evil.example:8080");
	assert_string_equal(req.user_agent,
			    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)");
	assert_string_equal(req.content_type, "application/json");
	assert_int_equal(req.content_length, 13);
	assert_false(req.chunked);
	assert_false(req.upgrade_websocket);
	assert_int_equal(req.header_len, sizeof(head) - 1);
	http_req_release(&req);
	assert_req_zeroed(&req);
}

static void test_http_get_bare_lf(void **state)
{
	static const char head[] = "GET http://h/p HTTP/1.0\nhost:  x.oast.fun \t\nX-Empty:\n\n";
	struct http_req req;

	(void)state;
	assert_int_equal(http(head, &req), 1);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.target, "http://h/p");
	assert_string_equal(req.host, "x.oast.fun");
	assert_null(req.content_type);
	assert_null(req.user_agent);
	assert_int_equal(req.content_length, -1);
	assert_int_equal(req.header_len, strlen(head));
	http_req_release(&req);
}

static void test_http_mixed_line_endings(void **state)
{
	static const char head[] = "PUT /x HTTP/1.1\r\nHOST: a\ncontent-TYPE: text/plain\r\n\nrest";
	struct http_req req;

	(void)state;
	assert_int_equal(http(head, &req), 1);
	assert_string_equal(req.host, "a");
	assert_string_equal(req.content_type, "text/plain");
	assert_int_equal(req.header_len, strlen(head) - 4);
	http_req_release(&req);
}

static void test_http_no_headers(void **state)
{
	struct http_req req;

	(void)state;
	assert_int_equal(http("OPTIONS * HTTP/1.1\r\n\r\n", &req), 1);
	assert_string_equal(req.method, "OPTIONS");
	assert_string_equal(req.target, "*");
	assert_null(req.host);
	assert_int_equal(req.header_len, 22);
	http_req_release(&req);
}

static void test_http_incomplete(void **state)
{
	static const char full[] = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n";
	struct http_req req;

	(void)state;
	assert_int_equal(http("POST /x HTTP/1.1\r\nHost: a\r\n", &req), 0);
	assert_req_zeroed(&req);
	/* every proper prefix, from nothing to the last '\n' missing */
	for (size_t n = 0; n < strlen(full); n++) {
		assert_int_equal(http_n(full, n, &req), 0);
		assert_req_zeroed(&req);
	}
	assert_int_equal(http(full, &req), 1);
	assert_int_equal(req.content_length, 2);
	http_req_release(&req);
}

static void test_http_not_http(void **state)
{
	static const uint8_t garbage[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc};
	static const uint8_t binary[] = {0x00, 0xff, 'G', 'E', 'T', ' '};
	struct http_req req;

	(void)state;
	assert_int_equal(http_n(garbage, sizeof(garbage), &req), -EINVAL);
	assert_req_zeroed(&req);
	assert_int_equal(http_n(binary, sizeof(binary), &req), -EINVAL);
	assert_int_equal(http("hello\n", &req), -EINVAL);
	assert_int_equal(http("HELLO\n", &req), -EINVAL);
	assert_int_equal(http("get / HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("Get / HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http(" GET / HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET  / HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET / HTTP/2.0\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET / HTTP/1.x\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET / HTTP/1.1 \r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET / HTTP/1.1\rX\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET /\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("GET /a\tb HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("SSH-2.0-OpenSSH_9.2\r\n", &req), -EINVAL);
	/* 17 characters is one too many, 16 is fine */
	assert_int_equal(http("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", &req), -EINVAL);
	assert_int_equal(http("ABCDEFGHIJKLMNOPQ", &req), -EINVAL);
	assert_int_equal(http("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n", &req), 1);
	assert_string_equal(req.method, "ABCDEFGHIJKLMNOP");
	http_req_release(&req);
	assert_int_equal(http("M-SEARCH * HTTP/1.1\r\n\r\n", &req), 1);
	http_req_release(&req);
	assert_req_zeroed(&req);
}

static void test_http_websocket(void **state)
{
	static const char head[] = "GET /ws HTTP/1.1\r\n"
				   "Host: c2.example\r\n"
				   "Connection: Upgrade\r\n"
				   "Upgrade: WebSocket\r\n"
				   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				   "Sec-WebSocket-Version: 13\r\n"
				   "\r\n";
	struct http_req req;

	(void)state;
	assert_int_equal(http(head, &req), 1);
	assert_true(req.upgrade_websocket);
	assert_false(req.chunked);
	assert_string_equal(req.target, "/ws");
	http_req_release(&req);

	assert_int_equal(http("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", &req), 1);
	assert_false(req.upgrade_websocket);
	http_req_release(&req);
	assert_int_equal(http("GET / HTTP/1.1\r\nUpgrade: h2c, websocket/13\r\n\r\n", &req), 1);
	assert_true(req.upgrade_websocket);
	http_req_release(&req);
	assert_int_equal(http("GET / HTTP/1.1\r\nUpgrade: websockets\r\n\r\n", &req), 1);
	assert_false(req.upgrade_websocket);
	http_req_release(&req);
}

static void test_http_chunked(void **state)
{
	struct http_req req;

	(void)state;
	assert_int_equal(
		http("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		     &req),
		1);
	assert_true(req.chunked);
	assert_int_equal(req.content_length, -1);
	assert_int_equal(req.header_len, 48);
	http_req_release(&req);

	assert_int_equal(
		http("POST /c HTTP/1.1\r\ntransfer-encoding: gzip ,  CHUNKED \r\n\r\n", &req), 1);
	assert_true(req.chunked);
	http_req_release(&req);

	assert_int_equal(http("POST /c HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &req), 1);
	assert_false(req.chunked);
	http_req_release(&req);
}

static void test_http_content_length(void **state)
{
	struct http_req req;

	(void)state;
	assert_int_equal(http("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, 0);
	http_req_release(&req);
	assert_int_equal(http("POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, -1);
	http_req_release(&req);
	assert_int_equal(http("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, -1);
	http_req_release(&req);
	assert_int_equal(http("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, -1);
	http_req_release(&req);
	assert_int_equal(
		http("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", &req),
		1);
	assert_int_equal(req.content_length, -1);
	http_req_release(&req);
	/* repeated: equal copies are fine, disagreeing ones are not */
	assert_int_equal(
		http("POST / HTTP/1.1\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, 7);
	http_req_release(&req);
	assert_int_equal(
		http("POST / HTTP/1.1\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n", &req), 1);
	assert_int_equal(req.content_length, -1);
	http_req_release(&req);
}

/* A keep-alive stream: a POST with a body, a chunked POST, a GET, then a
 * request whose body is cut short (it takes the rest), then nothing. */
static void test_http_next_request(void **state)
{
	const char *a = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
	const char *b =
		"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
	const char *c = "GET /c HTTP/1.1\r\n\r\n";
	const char *d = "PUT /d HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort";
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c), ld = strlen(d);
	char all[512];
	struct http_req req;
	size_t off = 0, used;

	(void)state;
	snprintf(all, sizeof(all), "%s%s%s%s", a, b, c, d);
	uint8_t *buf = dup_exact(all, strlen(all));
	const char *want[] = {"/a", "/b", "/c", "/d"};
	size_t lens[] = {la, lb, lc, ld}, at = 0;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(http_next_request(buf, strlen(all), &off, &req, &used), 1);
		assert_string_equal(req.target, want[i]);
		assert_int_equal(used, lens[i]);
		at += lens[i];
		assert_int_equal(off, at);
		http_req_release(&req);
	}
	assert_int_equal(http_next_request(buf, strlen(all), &off, &req, &used), 0);
	assert_req_zeroed(&req);
	free(buf);

	/* Bytes that are not a request end the walk where they start. */
	buf = dup_exact("GET / HTTP/1.1\r\n\r\n\x16\x03\x01", 21);
	off = 0;
	assert_int_equal(http_next_request(buf, 21, &off, &req, &used), 1);
	http_req_release(&req);
	assert_int_equal(off, 18);
	assert_int_equal(http_next_request(buf, 21, &off, &req, &used), 0);
	assert_int_equal(off, 18);
	free(buf);
}

static void test_http_odd_headers(void **state)
{
	/* first Host wins; lines that are not "name: value" are skipped */
	static const char head[] = "GET / HTTP/1.1\r\n"
				   "Host: first\r\n"
				   " folded: continuation\r\n"
				   "no colon here\r\n"
				   ": empty name\r\n"
				   "Bad Name: x\r\n"
				   "Host: second\r\n"
				   "User-Agent:\tcurl/8.0\t\r\n"
				   "\r\n";
	struct http_req req;

	(void)state;
	assert_int_equal(http(head, &req), 1);
	assert_string_equal(req.host, "first");
	assert_string_equal(req.user_agent, "curl/8.0");
	assert_int_equal(req.header_len, strlen(head));
	http_req_release(&req);
}

static void test_http_release(void **state)
{
	struct http_req req;

	(void)state;
	memset(&req, 0, sizeof(req));
	http_req_release(&req);
	http_req_release(NULL);
	assert_int_equal(http("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &req), 1);
	http_req_release(&req);
	assert_req_zeroed(&req);
	http_req_release(&req);
	assert_int_equal(sniff_http(NULL, 0, &req), 0);
	assert_int_equal(sniff_http(NULL, 5, &req), -EINVAL);
}

/* --- TLS ----------------------------------------------------------------- */

struct bld {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct bld *b, unsigned int v)
{
	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (uint8_t)v;
}

static void put16(struct bld *b, unsigned int v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put_bytes(struct bld *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Reserves a |width|-byte length field; close_len() fills it in. */
static size_t open_len(struct bld *b, int width)
{
	size_t at = b->n;

	for (int i = 0; i < width; i++)
		put8(b, 0);
	return at;
}

static void close_len(struct bld *b, size_t at, int width)
{
	size_t v = b->n - at - (size_t)width;

	for (int i = width - 1; i >= 0; i--) {
		b->b[at + (size_t)i] = (uint8_t)v;
		v >>= 8;
	}
}

struct hello_opts {
	const char *sni;  /* NULL: no server_name extension */
	const char *alpn; /* comma-separated; NULL: no ALPN extension */
	bool tls13;	  /* TLS 1.3 style: session id, supported_versions, key_share */
	bool no_extensions;
};

/* Appends the ClientHello handshake message (type, length, body). */
static void client_hello(struct bld *b, const struct hello_opts *o)
{
	static const uint8_t suites13[] = {0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b,
					   0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8, 0x00, 0x9c};
	static const uint8_t suites12[] = {0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c,
					   0xc0, 0x30, 0x00, 0x9c, 0x00, 0x2f};
	size_t hs, ext_all, ext, l1, l2;

	put8(b, 1); /* client_hello */
	hs = open_len(b, 3);
	put16(b, 0x0303);
	for (int i = 0; i < 32; i++)
		put8(b, 0x40 + i); /* random */
	if (o->tls13) {
		put8(b, 32);
		for (int i = 0; i < 32; i++)
			put8(b, 0xa0 + i); /* middlebox-compat session id */
		put16(b, sizeof(suites13));
		put_bytes(b, suites13, sizeof(suites13));
	} else {
		put8(b, 0);
		put16(b, sizeof(suites12));
		put_bytes(b, suites12, sizeof(suites12));
	}
	put8(b, 1);
	put8(b, 0); /* null compression */
	if (o->no_extensions) {
		close_len(b, hs, 3);
		return;
	}

	ext_all = open_len(b, 2);
	put16(b, 0x0a0a); /* GREASE */
	put16(b, 0);
	if (o->sni) {
		put16(b, 0); /* server_name */
		ext = open_len(b, 2);
		l1 = open_len(b, 2);
		put8(b, 0); /* host_name */
		put16(b, (unsigned int)strlen(o->sni));
		put_bytes(b, o->sni, strlen(o->sni));
		close_len(b, l1, 2);
		close_len(b, ext, 2);
	}
	put16(b, 0x0017); /* extended_master_secret */
	put16(b, 0);
	put16(b, 0x000a); /* supported_groups: x25519, secp256r1, secp384r1 */
	put_bytes(b, "\x00\x08\x00\x06\x00\x1d\x00\x17\x00\x18", 10);
	put16(b, 0x000b); /* ec_point_formats */
	put_bytes(b, "\x00\x02\x01\x00", 4);
	if (o->alpn) {
		const char *p = o->alpn;

		put16(b, 16); /* application_layer_protocol_negotiation */
		ext = open_len(b, 2);
		l1 = open_len(b, 2);
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);

			put8(b, (unsigned int)n);
			put_bytes(b, p, n);
			p += n + (comma ? 1 : 0);
		}
		close_len(b, l1, 2);
		close_len(b, ext, 2);
	}
	put16(b, 0x000d); /* signature_algorithms */
	put_bytes(b, "\x00\x08\x00\x06\x04\x03\x08\x04\x04\x01", 10);
	if (o->tls13) {
		put16(b, 0x002b); /* supported_versions: 1.3, 1.2 */
		put_bytes(b, "\x00\x05\x04\x03\x04\x03\x03", 7);
		put16(b, 0x0033); /* key_share: x25519 */
		ext = open_len(b, 2);
		l2 = open_len(b, 2);
		put16(b, 0x001d);
		put16(b, 32);
		for (int i = 0; i < 32; i++)
			put8(b, 0x10 + i);
		close_len(b, l2, 2);
		close_len(b, ext, 2);
	}
	put16(b, 0x0015); /* padding */
	put_bytes(b, "\x00\x03\x00\x00\x00", 5);
	close_len(b, ext_all, 2);
	close_len(b, hs, 3);
}

/* Builds one handshake record holding a ClientHello. */
static void hello_record(struct bld *b, const struct hello_opts *o)
{
	size_t rec;

	b->n = 0;
	put8(b, 22);
	put16(b, 0x0301);
	rec = open_len(b, 2);
	client_hello(b, o);
	close_len(b, rec, 2);
}

/* Adds |delta| to the |width|-byte big-endian number at |p|. */
static void bump(uint8_t *p, int width, long delta)
{
	unsigned long v = 0;

	for (int i = 0; i < width; i++)
		v = v << 8 | p[i];
	v += (unsigned long)delta;
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Offset of the first extension of the ClientHello in |b| built by
 * hello_record() (past the extensions length). */
static size_t first_ext_off(const struct bld *b)
{
	size_t off = 5 + 4 + 2 + 32;

	off += 1 + b->b[off];
	off += 2 + ((size_t)b->b[off] << 8 | b->b[off + 1]);
	off += 1 + b->b[off];
	return off + 2;
}

static void test_tls13_hello(void **state)
{
	struct hello_opts o = {.sni = "evil.example", .alpn = "h2,http/1.1", .tls13 = true};
	struct bld b;
	char sni[256], alpn[64];

	(void)state;
	hello_record(&b, &o);
	assert_int_equal(b.b[0], 0x16);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "evil.example");
	assert_string_equal(alpn, "h2");
}

static void test_tls12_hello(void **state)
{
	struct hello_opts o = {.sni = "evil.example", .alpn = "h2"};
	struct bld b;
	char sni[256], alpn[64];

	(void)state;
	hello_record(&b, &o);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "evil.example");
	assert_string_equal(alpn, "h2");

	/* bytes after the record (the next flight) do not matter */
	put_bytes(&b, "\x14\x03\x03\x00\x01\x01", 6);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "evil.example");
}

static void test_tls_hello_without_sni_alpn(void **state)
{
	struct hello_opts o = {.tls13 = true};
	struct bld b;
	char sni[16], alpn[16];

	(void)state;
	hello_record(&b, &o);
	memset(sni, 'x', sizeof(sni));
	memset(alpn, 'x', sizeof(alpn));
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "");
	assert_string_equal(alpn, "");

	/* no extensions block at all (TLS 1.0 to 1.2 allow it) */
	o.no_extensions = true;
	hello_record(&b, &o);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "");
}

static void test_tls_truncated(void **state)
{
	struct hello_opts o = {.sni = "evil.example", .alpn = "h2", .tls13 = true};
	struct bld b;
	char sni[64], alpn[16];

	(void)state;
	hello_record(&b, &o);
	for (size_t n = 0; n < b.n; n++) {
		assert_int_equal(tls(b.b, n, sni, sizeof(sni), alpn, sizeof(alpn)), 0);
		assert_string_equal(sni, "");
		assert_string_equal(alpn, "");
	}
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
}

static void test_tls_extension_overrun(void **state)
{
	struct hello_opts o = {.sni = "evil.example", .alpn = "h2", .tls13 = true};
	struct bld b;
	char sni[64], alpn[16];
	uint8_t *last;
	size_t ext, end;

	(void)state;
	hello_record(&b, &o);
	ext = first_ext_off(&b); /* the GREASE extension, empty */
	assert_int_equal(b.b[ext], 0x0a);
	assert_int_equal(b.b[ext + 2], 0);
	assert_int_equal(b.b[ext + 3], 0);

	/* GREASE claims 0x4000 bytes: past the extensions block */
	b.b[ext + 2] = 0x40;
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	assert_string_equal(sni, "");
	b.b[ext + 2] = 0;

	/* server_name claims one byte more than the extensions block holds */
	ext += 4;
	assert_memory_equal(b.b + ext, "\x00\x00\x00\x11\x00\x0f\x00\x00\x0c", 9);
	last = b.b + first_ext_off(&b) - 2;
	end = first_ext_off(&b) + ((size_t)last[0] << 8 | last[1]);
	assert_int_equal(end, b.n);
	bump(b.b + ext + 2, 2, (long)(end - (ext + 4)) - 0x11 + 1);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	b.b[ext + 2] = 0;
	b.b[ext + 3] = 0x11;

	/* the server name list overruns its extension */
	bump(b.b + ext + 4, 2, 1);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	bump(b.b + ext + 4, 2, -1);

	/* the host name overruns the list */
	bump(b.b + ext + 7, 2, 1);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	bump(b.b + ext + 7, 2, -1);

	/* the extensions block longer than the ClientHello */
	bump(last, 2, 1);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	bump(last, 2, -1);

	/* unchanged again */
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "evil.example");
}

static void test_tls_bad_fields(void **state)
{
	struct hello_opts o = {.sni = "evil.example", .alpn = "h2", .tls13 = true};
	struct bld b;
	char sni[64], alpn[16];

	(void)state;
	hello_record(&b, &o);
	/* session id longer than 32 */
	b.b[5 + 4 + 2 + 32] = 33;
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	b.b[5 + 4 + 2 + 32] = 32;
	/* handshake type ServerHello */
	b.b[5] = 2;
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	assert_int_equal(tls(b.b, 6, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	b.b[5] = 1;
	/* record type application_data, version 2.0 */
	b.b[0] = 23;
	assert_int_equal(tls(b.b, 1, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	b.b[0] = 22;
	b.b[1] = 2;
	assert_int_equal(tls(b.b, 2, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	b.b[1] = 3;
	/* handshake length beyond what the ClientHello holds: the extension
	 * block then ends short of the message */
	bump(b.b + 6, 3, 1);
	bump(b.b + 3, 2, 1);
	put8(&b, 0);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	/* empty record, and one over 2^14 */
	assert_int_equal(tls((const uint8_t *)"\x16\x03\x01\x00\x00", 5, sni, sizeof(sni), alpn,
			     sizeof(alpn)),
			 -EINVAL);
	assert_int_equal(tls((const uint8_t *)"\x16\x03\x01\x40\x01", 5, sni, sizeof(sni), alpn,
			     sizeof(alpn)),
			 -EINVAL);
	/* a record too short for the handshake header */
	assert_int_equal(tls((const uint8_t *)"\x16\x03\x01\x00\x02\x01\x00", 7, sni, sizeof(sni),
			     alpn, sizeof(alpn)),
			 -EINVAL);
	/* empty ALPN protocol name */
	o.alpn = "h2,,x";
	hello_record(&b, &o);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
	assert_string_equal(alpn, "");
	assert_string_equal(sni, "");
}

static void test_tls_not_tls(void **state)
{
	static const char get[] = "GET / HTTP/1.1\r\n\r\n";
	char sni[64], alpn[16];

	(void)state;
	assert_int_equal(
		tls((const uint8_t *)get, strlen(get), sni, sizeof(sni), alpn, sizeof(alpn)),
		-EINVAL);
	assert_int_equal(
		tls((const uint8_t *)"\0\0\0\0\0\0", 6, sni, sizeof(sni), alpn, sizeof(alpn)),
		-EINVAL);
	assert_int_equal(sniff_tls_client_hello(NULL, 3, sni, sizeof(sni), alpn, sizeof(alpn)),
			 -EINVAL);
	assert_int_equal(sniff_tls_client_hello(NULL, 0, sni, sizeof(sni), alpn, sizeof(alpn)), 0);
}

static void test_tls_sni_truncated(void **state)
{
	char longname[301];
	struct hello_opts o = {.sni = "evil.example", .alpn = "http/1.1", .tls13 = true};
	struct bld b;
	char sni[256], alpn[3];
	char small[5] = "zzzz";
	char canary[8];

	(void)state;
	hello_record(&b, &o);
	assert_int_equal(tls(b.b, b.n, small, 5, alpn, sizeof(alpn)), 1);
	assert_string_equal(small, "evil");
	assert_string_equal(alpn, "ht");
	assert_int_equal(tls(b.b, b.n, small, 1, alpn, 1), 1);
	assert_string_equal(small, "");
	assert_string_equal(alpn, "");
	/* zero-sized and NULL buffers are left alone */
	memcpy(canary, "canary!", 8);
	assert_int_equal(tls(b.b, b.n, canary, 0, NULL, 0), 1);
	assert_string_equal(canary, "canary!");

	memset(longname, 'a', 300);
	longname[300] = '\0';
	o.sni = longname;
	hello_record(&b, &o);
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_int_equal(strlen(sni), 255);
	assert_memory_equal(sni, longname, 255);
}

static void test_tls_fragmented(void **state)
{
	struct hello_opts o = {.sni = "frag.example", .alpn = "h2", .tls13 = true};
	struct bld hs, b;
	char sni[64], alpn[16];
	size_t split = 60;

	(void)state;
	/* the handshake message alone, then cut into two records */
	hs.n = 0;
	client_hello(&hs, &o);
	assert_true(hs.n > split);
	b.n = 0;
	put_bytes(&b, "\x16\x03\x01", 3);
	put16(&b, (unsigned int)split);
	put_bytes(&b, hs.b, split);
	put_bytes(&b, "\x16\x03\x03", 3);
	put16(&b, (unsigned int)(hs.n - split));
	put_bytes(&b, hs.b + split, hs.n - split);

	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), 1);
	assert_string_equal(sni, "frag.example");
	assert_string_equal(alpn, "h2");
	for (size_t n = 0; n < b.n; n++)
		assert_int_equal(tls(b.b, n, sni, sizeof(sni), alpn, sizeof(alpn)), 0);

	/* a non-handshake record in between is not TLS we accept */
	b.b[5 + split] = 21;
	assert_int_equal(tls(b.b, b.n, sni, sizeof(sni), alpn, sizeof(alpn)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_post_full),
		cmocka_unit_test(test_http_get_bare_lf),
		cmocka_unit_test(test_http_mixed_line_endings),
		cmocka_unit_test(test_http_no_headers),
		cmocka_unit_test(test_http_incomplete),
		cmocka_unit_test(test_http_not_http),
		cmocka_unit_test(test_http_websocket),
		cmocka_unit_test(test_http_chunked),
		cmocka_unit_test(test_http_content_length),
		cmocka_unit_test(test_http_next_request),
		cmocka_unit_test(test_http_odd_headers),
		cmocka_unit_test(test_http_release),
		cmocka_unit_test(test_tls13_hello),
		cmocka_unit_test(test_tls12_hello),
		cmocka_unit_test(test_tls_hello_without_sni_alpn),
		cmocka_unit_test(test_tls_truncated),
		cmocka_unit_test(test_tls_extension_overrun),
		cmocka_unit_test(test_tls_bad_fields),
		cmocka_unit_test(test_tls_not_tls),
		cmocka_unit_test(test_tls_sni_truncated),
		cmocka_unit_test(test_tls_fragmented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
