/* Path resolution the tracer applies to tracee paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "trace/mem.h"

static void check(const char *base, const char *path, const char *want)
{
	char *got = path_normalize(base, path);
	assert_string_equal(got, want);
	free(got);
}

static void test_absolute_ignores_base(void **state)
{
	(void)state;
	check("/home/u", "/etc/passwd", "/etc/passwd");
}

static void test_relative_joins_base(void **state)
{
	(void)state;
	check("/home/u/projects/app/node_modules/x", "../../.env", "/home/u/projects/app/.env");
	check("/home/u", "./.npmrc", "/home/u/.npmrc");
}

static void test_dotdot_stops_at_root(void **state)
{
	(void)state;
	check("/tmp", "../../../../etc/shadow", "/etc/shadow");
	check(NULL, "/..", "/");
}

static void test_duplicate_slashes_and_dots(void **state)
{
	(void)state;
	check("/", "a//b/./c/", "/a/b/c");
	check("/x/", ".", "/x");
}

static void test_path_with_trailing_dotdot(void **state)
{
	(void)state;
	check("/home/u", "Desktop/..", "/home/u");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute_ignores_base),
		cmocka_unit_test(test_relative_joins_base),
		cmocka_unit_test(test_dotdot_stops_at_root),
		cmocka_unit_test(test_duplicate_slashes_and_dots),
		cmocka_unit_test(test_path_with_trailing_dotdot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
