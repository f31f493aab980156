/* Finding the bundled root to replace in a node binary, and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tls/nodeca.h"
#include "tmpdir.h"

#define PEM(body) "-----BEGIN CERTIFICATE-----\n" body "\n-----END CERTIFICATE-----"

static char dir[TMPDIR_MAX];

static const char *fake_binary(const char *name, const void *data, size_t len)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "nodeca");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_slot_found_and_cached(void **state)
{
	(void)state;
	/* two roots packed as C strings, the second one longer */
	static const char bin[] = "\x7f"
				  "ELF....." PEM("AAAA") "\0" PEM("BBBBBBBBBBBBBBBBBBBB") "\0tail";
	const char *path = fake_binary("node", bin, sizeof(bin));
	char err[256] = "";
	char cache[128];
	snprintf(cache, sizeof(cache), "%s/cache", dir);

	struct nodeca *nc = nodeca_new(path, PEM("CA") "\n", cache, err, sizeof(err));
	assert_non_null(nc);
	nodeca_free(nc);
	/* the cache now says where the slot is */
	char line[256], cpath[160];
	snprintf(cpath, sizeof(cpath), "%s/nodeca-slots", cache);
	FILE *f = fopen(cpath, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	unsigned long long dev, ino, size, mt, need, off, len;
	assert_int_equal(sscanf(line, "%llu %llu %llu %llu %llu %llu %llu", &dev, &ino, &size, &mt,
				&need, &off, &len),
			 7);
	assert_int_equal(need, strlen(PEM("CA") "\n"));
	/* the last root long enough: the second, at its offset, its length */
	const char *first = memmem(bin, sizeof(bin), "-----BEGIN", 10);
	const char *second =
		memmem(first + 1, sizeof(bin) - (size_t)(first + 1 - bin), "-----BEGIN", 10);
	assert_non_null(second);
	assert_int_equal(off, (unsigned long long)(second - bin));
	assert_int_equal(len, strlen(PEM("BBBBBBBBBBBBBBBBBBBB")));
	/* and a second lookup comes from the cache */
	nc = nodeca_new(path, PEM("CA") "\n", cache, err, sizeof(err));
	assert_non_null(nc);
	nodeca_free(nc);
}

static void test_errors(void **state)
{
	(void)state;
	char err[256] = "", want[256];
	const char *big =
		PEM("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC") "\n";

	assert_null(nodeca_new("/nonexistent/node", big, NULL, err, sizeof(err)));
	assert_string_equal(err, "cannot read '/nonexistent/node': No such file or directory");

	static const char small[] = "xx" PEM("AAAA") "\0";
	const char *path = fake_binary("small", small, sizeof(small));
	assert_null(nodeca_new(path, big, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s' holds no bundled root certificate to replace", path);
	assert_string_equal(err, want);

	/* a PEM not ended by NUL is not a C string of the table */
	static const char open_end[] = PEM(
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") "\n";
	path = fake_binary("open", open_end, sizeof(open_end));
	assert_null(nodeca_new(path, PEM("CA") "\n", NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s' holds no bundled root certificate to replace", path);
	assert_string_equal(err, want);
}

static void test_not_node_is_left_alone(void **state)
{
	(void)state;
	static const char bin[] = PEM("BBBBBBBBBBBBBBBBBBBB") "\0";
	const char *path = fake_binary("node2", bin, sizeof(bin));
	char err[256];
	struct nodeca *nc = nodeca_new(path, PEM("CA") "\n", NULL, err, sizeof(err));
	assert_non_null(nc);
	/* this test process does not run that file */
	assert_int_equal(nodeca_patch(nc, getpid()), 0);
	nodeca_free(nc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_found_and_cached),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_node_is_left_alone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
