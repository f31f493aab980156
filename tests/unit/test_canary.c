/* Canary search in sent data and DNS names, under each encoding. */
#include <stdarg.h>
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
