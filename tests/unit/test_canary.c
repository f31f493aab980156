/* Canary search in sent data and DNS names, under each encoding. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "report/canary.h"

#define TOKEN "npm_Q2x8Rk3mZp7TtY1wLc9VbN4sHj6Ge0Ua5XdF"

static const char *find(const char *buf)
{
	return canary_find((const unsigned char *)buf, strlen(buf), TOKEN);
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(find("POST /x HTTP/1.1\r\n\r\n{\"t\":\"" TOKEN "\"}"), "plain");
}

static void test_hex(void **state)
{
	char hex[2 * sizeof(TOKEN) + 8] = "id=";
	(void)state;
	for (size_t i = 0; i < strlen(TOKEN); i++)
		sprintf(hex + 3 + 2 * i, "%02X", (unsigned char)TOKEN[i]);
	assert_string_equal(find(hex), "hex");
}

static void test_base64_every_alignment(void **state)
{
	/* base64 of "x" TOKEN, "xy" TOKEN and "xyz" TOKEN, precomputed with
	 * coreutils base64 */
	(void)state;
	assert_string_equal(find("data=eG5wbV9RMng4UmszbVpwN1R0WTF3TGM5VmJONHNIajZHZTBVYTVYZEY="),
			    "base64");
	assert_string_equal(find("eHlucG1fUTJ4OFJrM21acDdUdFkxd0xjOVZiTjRzSGo2R2UwVWE1WGRG"),
			    "base64");
	assert_string_equal(find("eHl6bnBtX1EyeDhSazNtWnA3VHRZMXdMYzlWYk40c0hqNkdlMFVhNVhkRg=="),
			    "base64");
}

static void test_absent(void **state)
{
	(void)state;
	assert_null(find("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n"));
	/* one short: not the whole value, but its middle went out */
	assert_string_equal(find("npm_Q2x8Rk3mZp7TtY1wLc9VbN4sHj6Ge0Ua5Xd"), "partial");
	assert_null(find("npm_Q2x8Rk3mZp7TtY1w")); /* half of it */
}

static void test_partial_cut_token(void **state)
{
	(void)state;
	/* a stealer regex that took 24.6.27 out of a longer token */
	static const char tok[] =
		"MTeRApN6dLILDh6Oel2uHH3zRo.3OJijv.CMOKnghaabH80q5oaVfjxQOZNQwvXW3cG4yR6u";
	static const char sent[] =
		"{\"content\":\"eRApN6dLILDh6Oel2uHH3zRo.3OJijv.CMOKnghaabH80q5oaVfjxQOZNQw\"}";
	assert_string_equal(canary_find((const unsigned char *)sent, strlen(sent), tok), "partial");
	/* short values need the whole */
	assert_null(
		canary_find((const unsigned char *)"npm_abcdefghij", 14, "npm_abcdefghijKLMNOP"));
	/* the middle alone, cut in two, is not enough */
	static const char cut[] = "eRApN6dLILDh6Oel2uHH3z Ro.3OJijv.CMOKnghaab";
	assert_null(canary_find((const unsigned char *)cut, strlen(cut), tok));
}

static void test_dns_hex_labels(void **state)
{
	char name[512] = "";
	char hex[256] = "";
	(void)state;
	for (size_t i = 0; i < strlen(TOKEN); i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)TOKEN[i]);
	/* split into 30-character labels, as beacons do */
	size_t o = 0;
	for (size_t i = 0; i < strlen(hex); i += 30)
		o += (size_t)snprintf(name + o, sizeof(name) - o, "%.30s.", hex + i);
	snprintf(name + o, sizeof(name) - o, "x.oast.test");
	assert_string_equal(canary_find_dns(name, TOKEN), "dns-hex");
}

static void test_dns_plain_label(void **state)
{
	(void)state;
	assert_string_equal(
		canary_find_dns("AKIAJ7Q2ZP4XMB3LKD6W.leak.test", "AKIAJ7Q2ZP4XMB3LKD6W"), "plain");
	assert_null(canary_find_dns("www.example.test", TOKEN));
}

#include <zlib.h>

static const char *findn(const unsigned char *buf, size_t n)
{
	return canary_find(buf, n, TOKEN);
}

static void b32enc(const unsigned char *in, size_t n, char *out, bool lower)
{
	const char *a =
		lower ? "abcdefghijklmnopqrstuvwxyz234567" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned v = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		v = (v << 8 | in[i]) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			out[o++] = a[(v >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[o++] = a[(v << (5 - bits)) & 31];
	out[o] = '\0';
}

static void test_base32_every_alignment(void **state)
{
	char in[128], out[256];
	(void)state;
	for (size_t shift = 0; shift < 5; shift++) {
		memset(in, 'z', shift);
		memcpy(in + shift, TOKEN, strlen(TOKEN));
		b32enc((unsigned char *)in, shift + strlen(TOKEN), out, shift & 1);
		assert_string_equal(find(out), "base32");
	}
}

static void test_base64url_and_wrapped(void **state)
{
	(void)state;
	/* two bytes ahead of the value, no padding */
	assert_string_equal(find("x=Pz9ucG1fUTJ4OFJrM21acDdUdFkxd0xjOVZiTjRzSGo2R2UwVWE1WGRG"),
			    "base64");
	/* MIME: wrapped at 20 columns */
	assert_string_equal(
		find("bnBtX1EyeDhSazNtWnA3\r\nVHRZMXdMYzlWYk40c0hq\r\nNkdlMFVhNVhkRg==\r\n"),
		"base64");
}

static void test_urlencoded_every_byte(void **state)
{
	char buf[256] = "q=";
	(void)state;
	for (size_t i = 0; i < strlen(TOKEN); i++)
		sprintf(buf + 2 + 3 * i, "%%%02x", (unsigned char)TOKEN[i]);
	assert_string_equal(find(buf), "urlencoded");
}

static void test_gzip_and_zlib_anywhere(void **state)
{
	unsigned char buf[512] = "POST / HTTP/1.1\r\n\r\nblob:";
	size_t head = strlen((char *)buf);
	uLongf zl = sizeof(buf) - head;
	(void)state;
	assert_int_equal(compress(buf + head, &zl, (const Bytef *)TOKEN, strlen(TOKEN)), Z_OK);
	assert_string_equal(findn(buf, head + zl), "deflate+plain");

	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)TOKEN;
	z.avail_in = (uInt)strlen(TOKEN);
	z.next_out = buf + head;
	z.avail_out = (uInt)(sizeof(buf) - head);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t gl = z.total_out;
	deflateEnd(&z);
	assert_string_equal(findn(buf, head + gl), "gzip+plain");
}

static void xor_into(unsigned char *out, const char *in, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)in[i] ^ (unsigned char)key[i % strlen(key)];
}

static void test_xor_known_plaintext(void **state)
{
	unsigned char buf[128];
	char msg[128];
	(void)state;
	/* keys of 1, 4 and 13 bytes, the value at an offset in the message */
	static const char *const keys[] = {"K", "k3y!", "0123456789abc"};
	snprintf(msg, sizeof(msg), "{\"t\":\"%s\"}", TOKEN);
	for (size_t k = 0; k < 3; k++) {
		xor_into(buf, msg, strlen(msg), keys[k]);
		assert_string_equal(findn(buf, strlen(msg)), "xor");
	}
	/* XOR then base64 */
	char b64[256] = "p=";
	xor_into(buf, TOKEN, strlen(TOKEN), "Sx");
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 2, n = strlen(TOKEN);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)buf[i] << 16 | (i + 1 < n ? buf[i + 1] : 0) << 8 |
			     (i + 2 < n ? buf[i + 2] : 0);
		b64[o++] = al[v >> 18 & 63];
		b64[o++] = al[v >> 12 & 63];
		b64[o++] = i + 1 < n ? al[v >> 6 & 63] : '=';
		b64[o++] = i + 2 < n ? al[v & 63] : '=';
	}
	b64[o] = '\0';
	assert_string_equal(find(b64), "base64+xor");
	/* an unrelated binary buffer is not a key's work */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	assert_null(findn(buf, sizeof(buf)));
}

static void test_dns_base32_per_label_and_case(void **state)
{
	char enc[256], name[512];
	(void)state;
	b32enc((const unsigned char *)TOKEN, strlen(TOKEN), enc, true);
	snprintf(name, sizeof(name), "%.20s.%.20s.%s.b.test", enc, enc + 20, enc + 40);
	assert_string_equal(canary_find_dns(name, TOKEN), "dns-base32");
	/* base64url lowercased by the resolver */
	assert_string_equal(
		canary_find_dns("bnbtx1eyedhsazntwna3vhrzmxdmyzlwyk40c0hqnkdlmfvhnvhkrg.x.test",
				TOKEN),
		"dns-base64");
}

static void test_dns_streams(void **state)
{
	char hex[256], names[8][128];
	const char *v[12];
	size_t n = 0;
	(void)state;
	for (size_t i = 0; i < strlen(TOKEN); i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)TOKEN[i]);
	/* sent out of order, with sequence numbers; repeats and noise between */
	static const int order[] = {2, 0, 3, 1};
	for (int k = 0; k < 4; k++) {
		int i = order[k];
		snprintf(names[k], sizeof(names[k]), "%d.%.20s.s1.z.test", i, hex + 20 * i);
		v[n++] = names[k];
		if (k == 1)
			v[n++] = "registry.npmjs.org";
		v[n++] = names[k]; /* AAAA after A */
	}
	struct dns_stream *st;
	size_t ns = canary_dns_streams(v, n, &st);
	assert_true(ns >= 1);
	assert_string_equal(st[0].zone, "s1.z.test");
	assert_int_equal(st[0].queries, 4);
	assert_string_equal(canary_find_dns(st[0].data, TOKEN), "dns-hex");
	canary_dns_streams_release(st, ns);
	/* one name per zone: nothing to join */
	const char *one[] = {"a.b.test", "c.d.test"};
	assert_int_equal(canary_dns_streams(one, 2, &st), 0);
	assert_null(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_base64_every_alignment),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_partial_cut_token),
		cmocka_unit_test(test_dns_hex_labels),
		cmocka_unit_test(test_dns_plain_label),
		cmocka_unit_test(test_base32_every_alignment),
		cmocka_unit_test(test_base64url_and_wrapped),
		cmocka_unit_test(test_urlencoded_every_byte),
		cmocka_unit_test(test_gzip_and_zlib_anywhere),
		cmocka_unit_test(test_xor_known_plaintext),
		cmocka_unit_test(test_dns_base32_per_label_and_case),
		cmocka_unit_test(test_dns_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
