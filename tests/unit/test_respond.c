/* What the sink answers to HTTP clients. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netsink/netsink.h"

static char out[4096];
static size_t out_len;

static const char *ask(const char *method, const char *target, const char *host, const char *accept,
		       const char *ua)
{
	out_len = netsink_http_reply(method, target, host, accept, ua, "RU", out, sizeof(out));
	assert_true(out_len > 0 && out_len < sizeof(out));
	const char *b = strstr(out, "\r\n\r\n");
	assert_non_null(b);
	return b + 4;
}

static const char *body(const char *method, const char *target, const char *host)
{
	return ask(method, target, host, NULL, NULL);
}

static void test_geo_answers_country(void **state)
{
	(void)state;
	assert_non_null(strstr(body("GET", "/json/", "ip-api.com"), "\"countryCode\":\"RU\""));
	assert_non_null(strstr(body("GET", "/json/", "ip-api.com"), "\"country\":\"Russia\""));
	assert_non_null(strstr(body("GET", "/json", "ipinfo.io"), "\"country\":\"RU\""));
	assert_non_null(strstr(body("GET", "/ipgeo?apiKey=1", "api.ipgeolocation.io"),
			       "\"country_name\":\"Russia\""));
}

static void test_ip_echo(void **state)
{
	(void)state;
	assert_string_equal(body("GET", "/", "api.ipify.org"), "203.0.113.77\n");
}

static void test_script_stage_by_extension(void **state)
{
	(void)state;
	assert_string_equal(body("GET", "/s.js?v=1", "cdn.evil.test"),
			    "module.exports = function () { return 0; };\n");
	assert_string_equal(body("GET", "/x.py", "cdn.evil.test"), "import sys\n");
	assert_string_equal(body("GET", "/install.sh", "cdn.evil.test"), "#!/bin/sh\nexit 0\n");
	/* a download tool fetching a file with no extension: a script that does nothing */
	assert_string_equal(ask("GET", "/stage", "203.0.113.9", "*/*", "curl/7.88.1"),
			    "#!/bin/sh\nexit 0\n");
}

/* Nothing served runs a command; the rest is shaped like what was asked. */
static void test_neutral_by_shape(void **state)
{
	(void)state;
	assert_string_equal(body("GET", "/cmd", "c2.evil.test"), "");
	assert_string_equal(body("GET", "/task?id=1", "c2.evil.test"), "");
	assert_string_equal(ask("GET", "/v1/config", "api.app.test", "application/json", NULL),
			    "{}");
	const char *h = ask("GET", "/", "www.shop.test", "text/html,*/*", "Mozilla/5.0");
	assert_non_null(strstr(h, "<html>"));
	assert_non_null(strstr(out, "Content-Type: text/html\r\n"));
	const char *t = ask("GET", "/pkg/tool-1.2.3.tar.gz", "dl.test", "*/*", "curl/8");
	assert_memory_equal(t, "\x1f\x8b", 2);
	assert_int_equal(out_len - (size_t)(t - out), 29);
	const char *z = ask("GET", "/pkg/tool.zip", "dl.test", "*/*", NULL);
	assert_memory_equal(z, "PK\x05\x06", 4);
	const char *e = ask("GET", "/releases/tool-linux.bin", "dl.test", "*/*", NULL);
	assert_memory_equal(e,
			    "\x7f"
			    "ELF",
			    4);
	assert_non_null(strstr(out, "Content-Length: 129\r\n"));
}

static void test_discord_webhook_204(void **state)
{
	(void)state;
	body("POST", "/api/webhooks/1/abc", "discord.com");
	assert_memory_equal(out, "HTTP/1.1 204 No Content\r\n", 25);
	assert_non_null(strstr(out, "Content-Length: 0\r\n"));
}

static void test_registry(void **state)
{
	(void)state;
	assert_string_equal(body("GET", "/-/whoami", "registry.npmjs.org"),
			    "{\"username\":\"npm-user\"}");
	assert_string_equal(body("PUT", "/@scope%2fworm", "registry.npmjs.org"), "{\"ok\":true}");
	assert_string_equal(body("GET", "/-/v1/search?text=x", "registry.npmjs.org"),
			    "{\"objects\":[],\"total\":0}");
	assert_string_equal(
		body("GET", "/@esbuild/linux-x64/-/linux-x64-0.28.2.tgz", "registry.npmjs.org"),
		"{\"error\":\"Not found\"}");
	assert_memory_equal(out, "HTTP/1.1 404 Not Found\r\n", 24);
	body("GET", "/left-pad", "registry.yarnpkg.com");
	assert_memory_equal(out, "HTTP/1.1 404 Not Found\r\n", 24);
}

static void test_absolute_form_target(void **state)
{
	(void)state;
	assert_string_equal(body("GET", "http://cdn.evil.test/a.js", NULL),
			    "module.exports = function () { return 0; };\n");
}

static void test_content_length_matches(void **state)
{
	(void)state;
	const char *b = body("POST", "/collect", "c2.test");
	assert_string_equal(b, "{\"ok\":true}");
	assert_non_null(strstr(out, "Content-Length: 11\r\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geo_answers_country),
		cmocka_unit_test(test_ip_echo),
		cmocka_unit_test(test_script_stage_by_extension),
		cmocka_unit_test(test_neutral_by_shape),
		cmocka_unit_test(test_discord_webhook_204),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_absolute_form_target),
		cmocka_unit_test(test_content_length_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
