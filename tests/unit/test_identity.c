/* Identities and canaries: realistic formats, unique per run, no tells. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "sandbox/identity.h"

static void test_formats(void **state)
{
	struct identity id;
	(void)state;
	identity_generate(&id, PROFILE_DEV, 7);
	assert_int_equal(strncmp(id.canaries[CANARY_NPM_TOKEN].value, "npm_", 4), 0);
	assert_int_equal(strlen(id.canaries[CANARY_NPM_TOKEN].value), 40);
	assert_int_equal(strncmp(id.canaries[CANARY_GITHUB_TOKEN].value, "ghp_", 4), 0);
	assert_int_equal(strncmp(id.canaries[CANARY_AWS_KEY_ID].value, "AKIA", 4), 0);
	assert_int_equal(strlen(id.canaries[CANARY_AWS_KEY_ID].value), 20);
	assert_int_equal(strlen(id.canaries[CANARY_AWS_SECRET].value), 40);
	assert_int_equal(strncmp(id.home, "/home/", 6), 0);
	assert_string_equal(id.home + 6, id.user);
	assert_int_equal(strncmp(id.canaries[CANARY_WALLET_ADDRESS].value, "0x", 2), 0);
	assert_int_equal(strlen(id.canaries[CANARY_WALLET_ADDRESS].value), 42);
}

/* The card number is a Visa number that passes the Luhn check. */
static void test_card_luhn(void **state)
{
	struct identity id;
	(void)state;
	for (unsigned long long seed = 1; seed < 50; seed++) {
		identity_generate(&id, PROFILE_DEV, seed);
		const char *c = id.canaries[CANARY_CARD_NUMBER].value;
		int sum = 0;
		assert_int_equal(strlen(c), 16);
		assert_int_equal(c[0], '4');
		for (int i = 15; i >= 0; i--) {
			int d = c[i] - '0';
			assert_true(d >= 0 && d <= 9);
			if ((15 - i) % 2 == 1)
				d = d * 2 > 9 ? d * 2 - 9 : d * 2;
			sum += d;
		}
		assert_int_equal(sum % 10, 0);
	}
}

static void test_no_sandbox_tells(void **state)
{
	static const char *const tells[] = {"example", "fake",	"sandbox",
					    "test",    "dummy", "canary"};
	struct identity id;
	(void)state;
	for (unsigned long long seed = 1; seed < 50; seed++) {
		identity_generate(&id, PROFILE_DEV, seed);
		for (size_t t = 0; t < sizeof(tells) / sizeof(tells[0]); t++) {
			assert_null(strcasestr(id.user, tells[t]));
			assert_null(strcasestr(id.hostname, tells[t]));
			for (int k = 0; k < CANARY_COUNT; k++)
				assert_null(strcasestr(id.canaries[k].value, tells[t]));
		}
	}
}

static void test_unique_per_run(void **state)
{
	struct identity a, b;
	(void)state;
	identity_generate(&a, PROFILE_DEV, 0);
	identity_generate(&b, PROFILE_DEV, 0);
	for (int k = 0; k < CANARY_COUNT; k++)
		if (k != CANARY_WALLET_SEED)
			assert_string_not_equal(a.canaries[k].value, b.canaries[k].value);
}

static void test_seed_reproducible(void **state)
{
	struct identity a, b;
	(void)state;
	identity_generate(&a, PROFILE_DEV, 42);
	identity_generate(&b, PROFILE_DEV, 42);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_env(void **state)
{
	struct identity id;
	(void)state;
	identity_generate(&id, PROFILE_CI, 3);
	char **env = identity_env(&id);
	bool ci = false, gha = false, token = false;
	for (char **e = env; *e; e++) {
		assert_int_not_equal(strncmp(*e, "NODE_OPTIONS=", 13), 0);
		assert_int_not_equal(strncmp(*e, "LD_PRELOAD=", 11), 0);
		ci |= !strcmp(*e, "CI=true");
		gha |= !strcmp(*e, "GITHUB_ACTIONS=true");
		token |= !strncmp(*e, "GITHUB_TOKEN=ghp_", 17);
	}
	assert_true(ci && gha && token);
	assert_string_equal(id.user, "runner");
	identity_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),		  cmocka_unit_test(test_card_luhn),
		cmocka_unit_test(test_no_sandbox_tells),  cmocka_unit_test(test_unique_per_run),
		cmocka_unit_test(test_seed_reproducible), cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
