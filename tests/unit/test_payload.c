/* Decoded views of client streams: chunked, gzip, deflate, WebSocket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nghttp2/nghttp2.h>
#include <zlib.h>

#include "report/payload.h"

/* windowBits 15+16 gzip, 15 zlib, -15 raw */
static size_t deflate_as(const void *in, size_t n, int bits, unsigned char *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

static size_t request(unsigned char *buf, const char *head, const void *body, size_t blen)
{
	size_t hl = strlen(head);
	memcpy(buf, head, hl);
	memcpy(buf + hl, body, blen);
	return hl + blen;
}

static void test_gzip_body(void **state)
{
	(void)state;
	static const char secret[] = "{\"npm\":\"npm_FAKEcanaryTOKEN0123456789\"}";
	unsigned char gz[512], req[1024];
	char head[256];
	size_t gl = deflate_as(secret, strlen(secret), 15 + 16, gz, sizeof(gz));
	snprintf(
		head, sizeof(head),
		"POST /c HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
		gl);
	size_t n = request(req, head, gz, gl);
	struct payload_view v[PAYLOAD_VIEWS_MAX];
	size_t k = payload_views(req, n, v, PAYLOAD_VIEWS_MAX);
	assert_int_equal(k, 1);
	assert_string_equal(v[0].how, "gzip");
	assert_int_equal(v[0].len, strlen(secret));
	assert_memory_equal(v[0].data, secret, strlen(secret));
	payload_views_release(v, k);

	/* a gzip body with no Content-Encoding is still seen */
	snprintf(head, sizeof(head), "POST /c HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", gl);
	n = request(req, head, gz, gl);
	k = payload_views(req, n, v, PAYLOAD_VIEWS_MAX);
	assert_int_equal(k, 1);
	assert_memory_equal(v[0].data, secret, strlen(secret));
	payload_views_release(v, k);
}

static void test_deflate_zlib_and_raw(void **state)
{
	(void)state;
	static const char secret[] = "token=ghp_FAKE0123456789abcdef";
	unsigned char z[256], req[1024];
	char head[256];
	for (int bits = 15; bits >= -15; bits -= 30) {
		size_t zl = deflate_as(secret, strlen(secret), bits, z, sizeof(z));
		snprintf(
			head, sizeof(head),
			"POST / HTTP/1.1\r\nContent-Encoding: deflate\r\nContent-Length: %zu\r\n\r\n",
			zl);
		size_t n = request(req, head, z, zl);
		struct payload_view v[2];
		size_t k = payload_views(req, n, v, 2);
		assert_int_equal(k, 1);
		assert_string_equal(v[0].how, "deflate");
		assert_memory_equal(v[0].data, secret, strlen(secret));
		payload_views_release(v, k);
	}
}

static void test_chunked_body_split_secret(void **state)
{
	(void)state;
	/* The canary split across chunks is whole again in the view. */
	static const char req[] = "POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
				  "5\r\nnpm_F\r\n"
				  "a;ext=1\r\nAKEtoken12\r\n"
				  "0\r\n\r\n";
	struct payload_view v[2];
	size_t k = payload_views((const unsigned char *)req, strlen(req), v, 2);
	assert_int_equal(k, 1);
	assert_string_equal(v[0].how, "chunked");
	assert_int_equal(v[0].len, 15);
	assert_memory_equal(v[0].data, "npm_FAKEtoken12", 15);
	payload_views_release(v, k);
}

static void test_plain_body_gives_no_view(void **state)
{
	(void)state;
	static const char req[] = "POST /u HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
				  "GET /next HTTP/1.1\r\n\r\n";
	struct payload_view v[2];
	assert_int_equal(payload_views((const unsigned char *)req, strlen(req), v, 2), 0);
	assert_int_equal(payload_views((const unsigned char *)"\x16\x03\x01", 3, v, 2), 0);
	assert_int_equal(payload_views(NULL, 0, v, 2), 0);
}

static size_t ws_frame(unsigned char *out, int opcode, int rsv1, const void *p, size_t n)
{
	static const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
	size_t h = 0;
	out[h++] = (unsigned char)(0x80 | (rsv1 ? 0x40 : 0) | opcode);
	if (n < 126) {
		out[h++] = (unsigned char)(0x80 | n);
	} else {
		out[h++] = 0x80 | 126;
		out[h++] = (unsigned char)(n >> 8);
		out[h++] = (unsigned char)n;
	}
	memcpy(out + h, mask, 4);
	h += 4;
	for (size_t i = 0; i < n; i++)
		out[h + i] = ((const unsigned char *)p)[i] ^ mask[i & 3];
	return h + n;
}

static void test_websocket_masked_and_deflated(void **state)
{
	(void)state;
	static const char head[] =
		"GET /ws HTTP/1.1\r\nHost: c2\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
	static const char m1[] = "hello", m2[] = "AKIAFAKEKEY0123456789";
	unsigned char buf[4096], big[300], zb[256];
	size_t n = strlen(head);
	memcpy(buf, head, n);
	n += ws_frame(buf + n, 1, 0, m1, strlen(m1));
	n += ws_frame(buf + n, 9, 0, "ping", 4); /* control frames are skipped */
	/* permessage-deflate: raw deflate without the final 00 00 ff ff */
	size_t zl = deflate_as(m2, strlen(m2), -15, zb, sizeof(zb));
	n += ws_frame(buf + n, 1, 1, zb, zl);
	memset(big, 'b', sizeof(big));
	n += ws_frame(buf + n, 2, 0, big, sizeof(big)); /* 16-bit length */
	struct payload_view v[2];
	size_t k = payload_views(buf, n, v, 2);
	assert_int_equal(k, 1);
	assert_string_equal(v[0].how, "websocket");
	assert_int_equal(v[0].len, 5 + 1 + strlen(m2) + 1 + sizeof(big) + 1);
	assert_memory_equal(v[0].data, "hello\nAKIAFAKEKEY0123456789\n", 28);
	payload_views_release(v, k);
	/* a frame cut short gives what is there */
	unsigned char *out;
	assert_int_equal(payload_websocket(buf + strlen(head), 10, &out), 5);
	assert_memory_equal(out, "hell\n", 5);
	free(out);
	assert_int_equal(payload_websocket(buf + strlen(head), 1, &out), 0);
	assert_null(out);
}

static void test_inflate_bomb_is_capped(void **state)
{
	(void)state;
	size_t n = 8u << 20;
	unsigned char *zeros = calloc(1, n), *z = malloc(64 * 1024), *out;
	size_t zl = deflate_as(zeros, n, 15 + 16, z, 64 * 1024);
	assert_int_equal(payload_inflate(z, zl, 0, &out), PAYLOAD_VIEW_MAX);
	free(out);
	/* garbage inflates to nothing */
	assert_int_equal(payload_inflate((const unsigned char *)"\x1f\x8bxxxx", 6, 0, &out), 0);
	assert_null(out);
	free(zeros);
	free(z);
}

/* An HTTP/2 stream: the preface, SETTINGS, two requests whose header
 * blocks libnghttp2's deflater wrote (Huffman strings, the second using
 * the dynamic table), one header block cut by a CONTINUATION, DATA with
 * padding. */
static size_t frame(unsigned char *o, size_t len, int type, int flags, int stream)
{
	o[0] = (unsigned char)(len >> 16);
	o[1] = (unsigned char)(len >> 8);
	o[2] = (unsigned char)len;
	o[3] = (unsigned char)type;
	o[4] = (unsigned char)flags;
	o[5] = o[6] = o[7] = 0;
	o[8] = (unsigned char)stream;
	return 9;
}

static void test_http2_hpack_huffman(void **state)
{
	static const char secret[] = "npm_Q2x8Rk3mZp7TtY1wLc9VbN4sHj6Ge0Ua5XdF";
	nghttp2_hd_deflater *def;
	unsigned char d[2048], blk[512];
	size_t o = 0;
	(void)state;
	memcpy(d, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
	o = 24;
	o += frame(d + o, 0, 4, 0, 0);
	assert_int_equal(nghttp2_hd_deflate_new(&def, 4096), 0);
	nghttp2_nv nv[] = {
		{(uint8_t *)":method", (uint8_t *)"POST", 7, 4, NGHTTP2_NV_FLAG_NONE},
		{(uint8_t *)":path", (uint8_t *)"/v1/ingest", 5, 10, NGHTTP2_NV_FLAG_NONE},
		{(uint8_t *)"x-session", (uint8_t *)secret, 9, sizeof(secret) - 1,
		 NGHTTP2_NV_FLAG_NONE},
	};
	ssize_t bl = nghttp2_hd_deflate_hd(def, blk, sizeof(blk), nv, 3);
	assert_true(bl > 0);
	/* Huffman: the value is not in the block as is */
	assert_null(memmem(blk, (size_t)bl, secret, sizeof(secret) - 1));
	/* HEADERS (no END_HEADERS) + CONTINUATION */
	size_t half = (size_t)bl / 2;
	o += frame(d + o, half, 1, 0, 1);
	memcpy(d + o, blk, half);
	o += half;
	o += frame(d + o, (size_t)bl - half, 9, 4, 1);
	memcpy(d + o, blk + half, (size_t)bl - half);
	o += (size_t)bl - half;
	/* DATA, padded: pad length 3 */
	o += frame(d + o, 1 + 5 + 3, 0, 0x8 | 0x1, 1);
	memcpy(d + o, "\x03hello\0\0\0", 9);
	o += 9;
	/* a second request: x-session from the dynamic table */
	bl = nghttp2_hd_deflate_hd(def, blk, sizeof(blk), nv, 3);
	assert_true(bl > 0 && bl < 16);
	o += frame(d + o, (size_t)bl, 1, 0x4 | 0x1, 3);
	memcpy(d + o, blk, (size_t)bl);
	o += (size_t)bl;
	nghttp2_hd_deflate_del(def);

	unsigned char *out;
	size_t n = payload_http2(d, o, &out);
	assert_true(n > 0);
	char want[128];
	snprintf(want, sizeof(want), "x-session: %s\n", secret);
	const char *first = memmem(out, n, want, strlen(want));
	assert_non_null(first);
	assert_non_null(
		memmem(first + 1, n - (size_t)(first + 1 - (char *)out), want, strlen(want)));
	assert_non_null(memmem(out, n, ":path: /v1/ingest\n", 18));
	assert_non_null(memmem(out, n, "hello\n", 6));
	free(out);

	struct payload_view v[PAYLOAD_VIEWS_MAX];
	size_t nv2 = payload_views(d, o, v, PAYLOAD_VIEWS_MAX);
	assert_int_equal(nv2, 1);
	assert_string_equal(v[0].how, "http2");
	payload_views_release(v, nv2);
	/* not HTTP/2 */
	assert_int_equal(payload_http2((const unsigned char *)"GET / HTTP/1.1\r\n\r\n", 18, &out),
			 0);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_body),
		cmocka_unit_test(test_deflate_zlib_and_raw),
		cmocka_unit_test(test_chunked_body_split_secret),
		cmocka_unit_test(test_plain_body_gives_no_view),
		cmocka_unit_test(test_websocket_masked_and_deflated),
		cmocka_unit_test(test_inflate_bomb_is_capped),
		cmocka_unit_test(test_http2_hpack_huffman),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
