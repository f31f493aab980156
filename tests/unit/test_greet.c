/* The servers that speak first (netsink/greet.c), the sink's HTTP/2 answers
 * (netsink/h2.c) and the canary search past the capture window
 * (netsink/needle.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netsink/greet.h"
#include "netsink/h2.h"
#include "netsink/needle.h"

static char out[4096];

static const char *say(struct greet *g, const char *lines)
{
	size_t n = greet_feed(g, lines, strlen(lines), out, sizeof(out));
	out[n] = '\0';
	return out;
}

static void test_ports(void **state)
{
	struct greet g;
	(void)state;
	static const struct {
		int port;
		enum greet_proto proto;
		const char *banner;
	} cases[] = {
		{25, GREET_SMTP, "220 "}, {587, GREET_SMTP, "220 "}, {2525, GREET_SMTP, "220 "},
		{21, GREET_FTP, "220 "},  {6667, GREET_IRC, ":"},    {6379, GREET_REDIS, ""},
		{4444, GREET_NONE, ""},	  {80, GREET_NONE, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		greet_init(&g, cases[i].port, "198.18.0.5", 40123);
		assert_int_equal(g.proto, cases[i].proto);
		assert_true(!strncmp(greet_banner(&g), cases[i].banner, strlen(cases[i].banner)));
	}
	greet_init(&g, 465, NULL, 0);
	assert_true(g.tls_first);
}

static void test_smtp_dialogue(void **state)
{
	struct greet g;
	(void)state;
	greet_init(&g, 25, "198.18.0.5", 40123);
	assert_non_null(strstr(say(&g, "EHLO me\r\n"), "250 SMTPUTF8\r\n"));
	assert_string_equal(say(&g, "AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
	assert_string_equal(say(&g, "dXNlcg==\r\n"), "334 UGFzc3dvcmQ6\r\n");
	assert_string_equal(say(&g, "cGFzcw==\r\n"), "235 2.7.0 Authentication successful\r\n");
	/* pipelined, split mid-line */
	assert_string_equal(say(&g, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDA"),
			    "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
	assert_string_equal(say(&g, "TA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
	assert_string_equal(say(&g, "Subject: x\r\n\r\nQUIT\r\nbody\r\n"), "");
	assert_string_equal(say(&g, ".\r\n"), "250 2.0.0 Ok: queued as 4F2A17C0E1\r\n");
	assert_string_equal(say(&g, "QUIT\r\n"), "221 2.0.0 Bye\r\n");
	assert_true(g.closing);
}

static void test_ftp_passive(void **state)
{
	struct greet g;
	(void)state;
	greet_init(&g, 21, "198.18.3.4", 40123);
	assert_string_equal(say(&g, "USER anonymous\r\n"), "331 Please specify the password.\r\n");
	assert_string_equal(say(&g, "PASS x\r\n"), "230 Login successful.\r\n");
	assert_string_equal(say(&g, "PASV\r\n"),
			    "227 Entering Passive Mode (198,18,3,4,156,187).\r\n");
	assert_string_equal(say(&g, "EPSV\r\n"),
			    "229 Entering Extended Passive Mode (|||40123|)\r\n");
	assert_string_equal(say(&g, "STOR f\r\n"),
			    "150 Ok to send data.\r\n226 Transfer complete.\r\n");
	assert_string_equal(say(&g, "XYZZY\r\n"), "500 Unknown command.\r\n");
	/* an IPv6 client gets a loopback address it can reach */
	greet_init(&g, 21, "::1", 40123);
	assert_string_equal(say(&g, "PASV\r\n"),
			    "227 Entering Passive Mode (127,0,0,1,156,187).\r\n");
}

static void test_irc_and_redis(void **state)
{
	struct greet g;
	(void)state;
	greet_init(&g, 6667, "198.18.0.5", 0);
	assert_string_equal(say(&g, "NICK bot\r\n"), "");
	assert_non_null(strstr(say(&g, "USER bot 0 * :b\r\n"), " 001 bot :Welcome"));
	assert_string_equal(say(&g, "PING :abc\r\n"), "PONG :abc\r\n");
	assert_string_equal(say(&g, "PRIVMSG #c :hello\r\n"), "");

	greet_init(&g, 6379, "198.18.0.5", 0);
	assert_string_equal(say(&g, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n*9\r\n"), "+OK\r\n");
	assert_string_equal(say(&g, "PING\r\n"), "+PONG\r\n");
}

static size_t feed_h2(struct h2 *h, const void *p, size_t n, uint8_t *o)
{
	return h2_feed(h, p, n, o, 512);
}

static void test_h2_answers(void **state)
{
	struct h2 h = {0};
	uint8_t o[512];
	(void)state;
	/* the preface, byte by byte: our SETTINGS once it is whole */
	for (size_t i = 0; i + 1 < H2_PREFACE_LEN; i++)
		assert_int_equal(feed_h2(&h, H2_PREFACE + i, 1, o), 0);
	assert_int_equal(feed_h2(&h, H2_PREFACE + 23, 1, o), 9);
	assert_memory_equal(o, "\0\0\0\x04\0\0\0\0\0", 9);
	/* the client's SETTINGS: an ACK */
	static const uint8_t settings[] = {0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100};
	assert_int_equal(feed_h2(&h, settings, sizeof(settings), o), 9);
	assert_memory_equal(o, "\0\0\0\x04\x01\0\0\0\0", 9);
	/* HEADERS without END_STREAM, then DATA with it: credit, then 200 */
	static const uint8_t req[] = {0, 0, 1, 1, 4, 0, 0, 0, 1,   0x83, 0,
				      0, 2, 0, 1, 0, 0, 0, 1, 'o', 'k'};
	size_t n = feed_h2(&h, req, sizeof(req), o);
	assert_int_equal(n, 13 + 13 + 10);
	assert_memory_equal(o + 26, "\0\0\x01\x01\x05\0\0\0\x01\x88", 10);
	/* PING: echoed with ACK */
	static const uint8_t ping[] = {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
	assert_int_equal(feed_h2(&h, ping, sizeof(ping), o), 17);
	assert_int_equal(o[4], 1);
	assert_memory_equal(o + 9, ping + 9, 8);
	/* not HTTP/2 */
	struct h2 h1 = {0};
	assert_int_equal(feed_h2(&h1, "GET / HTTP/1.1\r\n", 16, o), 0);
}

static void test_needles_past_window(void **state)
{
	static const char *const values[] = {"npm_Q2x8Rk3mZp7TtY1wLc9VbN4sHj6Ge0Ua5XdF",
					     "ghp_short"};
	struct needles *nd = needles_new(values, 2);
	struct needle_scan st = {0};
	uint8_t big[4096];
	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(needles_scan(nd, &st, big, sizeof(big)), 0);
	/* the value cut by two chunks */
	uint64_t bits = needles_scan(nd, &st, (const uint8_t *)"xx npm_Q2x8Rk3mZp7TtY", 21);
	bits |= needles_scan(nd, &st, (const uint8_t *)"1wLc9VbN4sHj6Ge0Ua5XdF yy", 25);
	assert_int_equal(bits, needle_bit(0, NEEDLE_PLAIN));
	/* hex in upper case, base64 */
	struct needle_scan st2 = {0};
	static const char hx[] = "6E706D5F51327838526B336D5A70375474593177"
				 "4C633956624E3473486A36476530556135586446";
	bits = needles_scan(nd, &st2, (const uint8_t *)hx, strlen(hx));
	static const char b64[] = "bnBtX1EyeDhSazNtWnA3VHRZMXdMYzlWYk40c0hqNkdlMFVhNVhkRg==";
	bits |= needles_scan(nd, &st2, (const uint8_t *)b64, strlen(b64));
	assert_int_equal(bits, needle_bit(0, NEEDLE_HEX) | needle_bit(0, NEEDLE_BASE64));
	assert_string_equal(needle_enc_name(NEEDLE_URLENC), "urlencoded");
	needles_free(nd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),	    cmocka_unit_test(test_smtp_dialogue),
		cmocka_unit_test(test_ftp_passive), cmocka_unit_test(test_irc_and_redis),
		cmocka_unit_test(test_h2_answers),  cmocka_unit_test(test_needles_past_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
