/* Tests for src/util/base64.c: RFC 4648 section 10 vectors both ways, the
 * URL-safe alphabet, whitespace, missing padding, truncation and invalid
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/base64.h"

static const char *const RFC4648[][2] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

static void test_encode_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(RFC4648) / sizeof(RFC4648[0]); i++) {
		const char *in = RFC4648[i][0];
		char *s = base64_encode(in, strlen(in));
		char buf[16];
		assert_string_equal(s, RFC4648[i][1]);
		assert_int_equal(base64_encode_to(buf, in, strlen(in)), strlen(RFC4648[i][1]));
		assert_string_equal(buf, RFC4648[i][1]);
		assert_int_equal(BASE64_LEN(strlen(in)), strlen(RFC4648[i][1]));
		free(s);
	}
}

static void check_decode(const char *in, const char *want)
{
	unsigned char out[64];
	ssize_t n = base64_decode(in, strlen(in), out, sizeof(out));
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(out, want, strlen(want));
}

static void test_decode_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(RFC4648) / sizeof(RFC4648[0]); i++)
		check_decode(RFC4648[i][1], RFC4648[i][0]);
}

static void test_decode_binary_and_url_alphabet(void **state)
{
	static const unsigned char bin[] = {0xfb, 0xff, 0xbf, 0x00, 0x10};
	unsigned char out[8];
	char *s = base64_encode(bin, sizeof(bin));

	(void)state;
	assert_string_equal(s, "+/+/ABA=");
	free(s);
	assert_int_equal(base64_decode("+/+/ABA=", 8, out, sizeof(out)), 5);
	assert_memory_equal(out, bin, 5);
	memset(out, 0, sizeof(out));
	assert_int_equal(base64_decode("-_-_ABA", 7, out, sizeof(out)), 5);
	assert_memory_equal(out, bin, 5);
}

static void test_decode_whitespace_and_no_padding(void **state)
{
	(void)state;
	check_decode("Zm9v\nYmFy\r\n", "foobar");
	check_decode(" Zm 9v Yg ", "foob");
	check_decode("Zm9vYmE", "fooba");
	check_decode("Zg", "f");
}

static void test_decode_truncates_to_cap(void **state)
{
	unsigned char out[4] = {0};

	(void)state;
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 3), 6);
	assert_memory_equal(out, "foo", 3);
	assert_int_equal(out[3], 0);
	assert_int_equal(base64_decode("Zm9vYmFy", 8, NULL, 0), 6);
}

static void test_decode_invalid(void **state)
{
	static const char *const bad[] = {
		"Z",	  /* one character of a group carries no byte */
		"Zm9vY",  /* nor does the fifth */
		"Zg=",	  /* partial padding */
		"Zg===",  /* too much padding */
		"Z===",	  /* three pads */
		"Zg==Zg", /* data after the padding */
		"Zm9v!",  /* not the alphabet */
		"Zm\x80v", "=",
	};
	unsigned char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(base64_decode(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
	/* the length given is the length read: a NUL inside is not the end */
	assert_int_equal(base64_decode("Zg\0=", 4, out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rfc4648),
		cmocka_unit_test(test_decode_rfc4648),
		cmocka_unit_test(test_decode_binary_and_url_alphabet),
		cmocka_unit_test(test_decode_whitespace_and_no_padding),
		cmocka_unit_test(test_decode_truncates_to_cap),
		cmocka_unit_test(test_decode_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
