/* Replays the fuzzing inputs through the harnesses themselves: every file
 * of fuzz/regressions/<name>/ (inputs that once crashed a harness or broke
 * a contract) and of the seed corpus fuzz/corpus/<name>/.  The harnesses
 * are compiled in with FUZZ_NO_MAIN, and their checks become cmocka
 * assertions, so `make test` runs them under ASan and UBSan too.  Run from
 * the repository root (as tests/run.sh does). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

/* The input being replayed, named in every failure. */
static const char *replaying = "";

#define FUZZ_NO_MAIN
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("%s: check failed at %s:%d: %s", replaying, __FILE__, __LINE__,   \
				 #cond);                                                           \
	} while (0)

#include "../../fuzz/common.c"
#include "../../fuzz/fuzz_channels.c"
#include "../../fuzz/fuzz_dns.c"
#include "../../fuzz/fuzz_features.c"
#include "../../fuzz/fuzz_js.c"
#include "../../fuzz/fuzz_lockfile.c"
#include "../../fuzz/fuzz_packument.c"
#include "../../fuzz/fuzz_pkgjson.c"
#include "../../fuzz/fuzz_sniff.c"
#include "../../fuzz/fuzz_table.c"
#include "../../fuzz/fuzz_unpack.c"

#include "util/fsutil.h"

/* Inputs are at most this long: the largest -max_len in fuzz/fuzz.mk. */
#define REPLAY_MAX (1u << 20)

/* Feeds every file of |dir| to |fn|; returns how many, or -1 when |dir|
 * does not exist. */
static int replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int count = 0;

	if (n < 0) {
		assert_int_equal(errno, ENOENT);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		struct stat st;

		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			size_t len;
			char *data = fs_read_file(path, REPLAY_MAX, &len);
			uint8_t *exact;

			assert_non_null(data);
			/* A buffer of exactly the input's size, as libFuzzer gives. */
			exact = xmalloc(len ? len : 1);
			memcpy(exact, data, len);
			replaying = path;
			fn(exact, len);
			replaying = "";
			free(exact);
			free(data);
			count++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return count;
}

static void replay(const char *name, int (*fn)(const uint8_t *, size_t))
{
	char *corpus = xasprintf("fuzz/corpus/%s", name);
	char *regressions = xasprintf("fuzz/regressions/%s", name);

	int seeds, crashes;

	/* The seeds must be there: an empty run would prove nothing. */
	seeds = replay_dir(corpus, fn);
	assert_true(seeds > 0);
	crashes = replay_dir(regressions, fn);
	print_message("%s: %d seeds, %d regressions\n", name, seeds, crashes < 0 ? 0 : crashes);
	free(corpus);
	free(regressions);
}

static void test_dns(void **state)
{
	(void)state;
	replay("dns", fuzz_dns);
}

static void test_sniff(void **state)
{
	(void)state;
	replay("sniff", fuzz_sniff);
}

static void test_unpack(void **state)
{
	(void)state;
	replay("unpack", fuzz_unpack);
}

static void test_pkgjson(void **state)
{
	(void)state;
	replay("pkgjson", fuzz_pkgjson);
}

static void test_packument(void **state)
{
	(void)state;
	replay("packument", fuzz_packument);
}

static void test_features(void **state)
{
	(void)state;
	replay("features", fuzz_features);
}

static void test_js(void **state)
{
	(void)state;
	replay("js", fuzz_js);
}

static void test_lockfile(void **state)
{
	(void)state;
	replay("lockfile", fuzz_lockfile);
}

static void test_channels(void **state)
{
	(void)state;
	replay("channels", fuzz_channels);
}

static void test_table(void **state)
{
	(void)state;
	replay("table", fuzz_table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns),	  cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_unpack),	  cmocka_unit_test(test_pkgjson),
		cmocka_unit_test(test_packument), cmocka_unit_test(test_features),
		cmocka_unit_test(test_table),	  cmocka_unit_test(test_lockfile),
		cmocka_unit_test(test_channels),  cmocka_unit_test(test_js),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
