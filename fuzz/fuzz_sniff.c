/* Harness for the sink's first-bytes parsers (src/netsink/sniff.h).
 *
 * Input: the first bytes a client sends on a TCP connection.  Both
 * sniff_http() and sniff_tls_client_hello() read them whole and read a
 * prefix of them (copied into a buffer of exactly that size), and the
 * answers must agree the way the sink relies on: a prefix that is "not
 * this protocol" stays so, a prefix that is complete gives the same
 * result as the whole, and a complete HTTP head is also complete on its
 * own and incomplete one byte short.  The TLS names are also written into
 * buffers of 1 and 4 bytes, allocated to size. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "netsink/sniff.h"
#include "util/xalloc.h"

static bool sniff_fuzz_same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool sniff_fuzz_same_req(const struct http_req *a, const struct http_req *b)
{
	return sniff_fuzz_same_str(a->method, b->method) &&
	       sniff_fuzz_same_str(a->target, b->target) && sniff_fuzz_same_str(a->host, b->host) &&
	       sniff_fuzz_same_str(a->content_type, b->content_type) &&
	       sniff_fuzz_same_str(a->user_agent, b->user_agent) &&
	       sniff_fuzz_same_str(a->content_encoding, b->content_encoding) &&
	       sniff_fuzz_same_str(a->ws_key, b->ws_key) &&
	       a->content_length == b->content_length && a->chunked == b->chunked &&
	       a->upgrade_websocket == b->upgrade_websocket && a->header_len == b->header_len;
}

static bool sniff_fuzz_is_zero(const struct http_req *req)
{
	static const struct http_req zero;

	return memcmp(req, &zero, sizeof(zero)) == 0;
}

/* sniff_http() on the first |n| bytes of |data|, in a buffer of that size. */
static int sniff_fuzz_http_prefix(const uint8_t *data, size_t n, struct http_req *req)
{
	uint8_t *copy = xmalloc(n ? n : 1);
	int r;

	memcpy(copy, data, n);
	r = sniff_http(copy, n, req);
	free(copy);
	FUZZ_CHECK(r == 1 || r == 0 || r == -EINVAL);
	if (r != 1)
		FUZZ_CHECK(sniff_fuzz_is_zero(req));
	return r;
}

/* http_request_extent() on the first |n| bytes of |data|, in a buffer of that size. */
static int sniff_fuzz_extent_prefix(const uint8_t *data, size_t n, const struct http_req *req,
				    size_t *used)
{
	uint8_t *copy = xmalloc(n ? n : 1);
	int r;

	memcpy(copy, data, n);
	*used = 0;
	r = http_request_extent(copy, n, req, used);
	free(copy);
	FUZZ_CHECK(r == 1 || r == 0 || r == -EINVAL);
	return r;
}

/* The whole request: its extent lies within the input; the request alone
 * has the same extent, one byte less of its body is not all there yet. */
static void sniff_fuzz_extent(const uint8_t *data, size_t size, const struct http_req *req)
{
	size_t used, again;
	int r = sniff_fuzz_extent_prefix(data, size, req, &used);

	if (r == -EINVAL)
		FUZZ_CHECK(req->chunked);
	if (r != 1)
		return;
	FUZZ_CHECK(used >= req->header_len && used <= size);
	if (!req->chunked && req->content_length > 0)
		FUZZ_CHECK(used - req->header_len == (size_t)req->content_length);
	FUZZ_CHECK(sniff_fuzz_extent_prefix(data, used, req, &again) == 1 && again == used);
	if (used > req->header_len)
		FUZZ_CHECK(sniff_fuzz_extent_prefix(data, used - 1, req, &again) == 0);
}

static void sniff_fuzz_http(const uint8_t *data, size_t size)
{
	struct http_req req, part;
	size_t half = size / 2;
	int r, rp;

	r = sniff_fuzz_http_prefix(data, size, &req);
	if (r == 1) {
		size_t mlen = strlen(req.method);

		FUZZ_CHECK(mlen >= 1 && mlen <= 16 && req.method[0] >= 'A' && req.method[0] <= 'Z');
		FUZZ_CHECK(strspn(req.method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == mlen);
		FUZZ_CHECK(req.target[0] != '\0');
		for (const char *p = req.target; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x21 && *p != 0x7f);
		FUZZ_CHECK(req.content_length >= -1);
		FUZZ_CHECK(req.header_len > 0 && req.header_len <= size);
		FUZZ_CHECK(data[req.header_len - 1] == '\n');
		/* The head alone is complete; one byte short it is not yet. */
		FUZZ_CHECK(sniff_fuzz_http_prefix(data, req.header_len, &part) == 1);
		FUZZ_CHECK(sniff_fuzz_same_req(&req, &part));
		http_req_release(&part);
		FUZZ_CHECK(sniff_fuzz_is_zero(&part));
		FUZZ_CHECK(sniff_fuzz_http_prefix(data, req.header_len - 1, &part) == 0);
		sniff_fuzz_extent(data, size, &req);
	}
	rp = sniff_fuzz_http_prefix(data, half, &part);
	if (rp == -EINVAL)
		FUZZ_CHECK(r == -EINVAL);
	if (rp == 1) {
		FUZZ_CHECK(r == 1 && sniff_fuzz_same_req(&req, &part));
		http_req_release(&part);
	}
	http_req_release(&req);
	http_req_release(NULL);
	FUZZ_CHECK(sniff_http(NULL, 0, &part) == 0);
}

struct sniff_fuzz_tls {
	int r;
	char sni[256];
	char alpn[256];
};

/* sniff_tls_client_hello() on the first |n| bytes of |data|, in a buffer
 * of that size, with name buffers of |cap| bytes allocated to size. */
static void sniff_fuzz_tls_prefix(const uint8_t *data, size_t n, size_t cap,
				  struct sniff_fuzz_tls *t)
{
	uint8_t *copy = xmalloc(n ? n : 1);
	char *sni = xmalloc(cap + 1), *alpn = xmalloc(cap + 1);

	memcpy(copy, data, n);
	memset(sni, 'S', cap + 1);
	memset(alpn, 'A', cap + 1);
	t->r = sniff_tls_client_hello(copy, n, cap ? sni : NULL, cap, cap ? alpn : NULL, cap);
	FUZZ_CHECK(t->r == 1 || t->r == 0 || t->r == -EINVAL);
	/* Nothing written past |cap|, and NUL-terminated within it. */
	FUZZ_CHECK(sni[cap] == 'S' && alpn[cap] == 'A');
	if (cap) {
		FUZZ_CHECK(memchr(sni, '\0', cap) && memchr(alpn, '\0', cap));
		if (t->r != 1)
			FUZZ_CHECK(sni[0] == '\0' && alpn[0] == '\0');
		snprintf(t->sni, sizeof(t->sni), "%s", sni);
		snprintf(t->alpn, sizeof(t->alpn), "%s", alpn);
	}
	free(copy);
	free(sni);
	free(alpn);
}

static void sniff_fuzz_tls(const uint8_t *data, size_t size)
{
	struct sniff_fuzz_tls whole, t;

	sniff_fuzz_tls_prefix(data, size, sizeof(whole.sni), &whole);
	for (size_t cap = 0; cap <= 4; cap += cap ? 3 : 1) {
		sniff_fuzz_tls_prefix(data, size, cap, &t);
		FUZZ_CHECK(t.r == whole.r);
		if (cap) {
			FUZZ_CHECK(strncmp(t.sni, whole.sni, cap - 1) == 0);
			FUZZ_CHECK(strncmp(t.alpn, whole.alpn, cap - 1) == 0);
		}
	}
	sniff_fuzz_tls_prefix(data, size / 2, sizeof(t.sni), &t);
	if (t.r == -EINVAL)
		FUZZ_CHECK(whole.r == -EINVAL);
	if (t.r == 1)
		FUZZ_CHECK(whole.r == 1 && !strcmp(t.sni, whole.sni) &&
			   !strcmp(t.alpn, whole.alpn));
	FUZZ_CHECK(sniff_tls_client_hello(NULL, 0, NULL, 0, NULL, 0) == 0);
}

int fuzz_sniff(const uint8_t *data, size_t size)
{
	sniff_fuzz_http(data, size);
	sniff_fuzz_tls(data, size);
	return 0;
}

FUZZ_MAIN(sniff)
