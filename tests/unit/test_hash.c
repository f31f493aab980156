/* Tests for src/fetch/hash.c: digests of known inputs and SRI checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fetch/hash.h"
#include "util/xalloc.h"
#include "tmpdir.h"

#define ABC_SHA1_HEX "a9993e364706816aba3e25717850c26c9cd0d89d"
#define ABC_SHA256_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC_SHA1 "sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0="
#define ABC_SHA256 "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
#define ABC_SHA384 "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
#define ABC_SHA512_B64                                                                             \
	"3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
#define ABC_SHA512 "sha512-" ABC_SHA512_B64
/* SHA-512 of "hello\n": a valid digest that is not the one of "abc". */
#define HELLO_SHA512                                                                               \
	"sha512-58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ=="

struct fixture {
	char dir[TMPDIR_MAX];
	char *abc;   /* file holding "abc" */
	char *empty; /* empty file */
};

static char *write_file(const char *dir, const char *name, const char *data)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(data, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	if (tmpdir_make(fx->dir, "hash") < 0)
		return -1;
	fx->abc = write_file(fx->dir, "abc.tgz", "abc");
	fx->empty = write_file(fx->dir, "empty", "");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tmpdir_remove(fx->dir);
	free(fx->abc);
	free(fx->empty);
	free(fx);
	return 0;
}

static void test_hash_abc(void **state)
{
	struct fixture *fx = *state;
	char sha256[65], sha512[89], sha1[41];

	assert_int_equal(hash_file(fx->abc, sha256, sha512, sha1), 0);
	assert_string_equal(sha256, ABC_SHA256_HEX);
	assert_string_equal(sha512, ABC_SHA512_B64);
	assert_string_equal(sha1, ABC_SHA1_HEX);
}

static void test_hash_empty_file(void **state)
{
	struct fixture *fx = *state;
	char sha256[65], sha1[41];

	assert_int_equal(hash_file(fx->empty, sha256, NULL, sha1), 0);
	assert_string_equal(sha256,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

static void test_hash_outputs_optional(void **state)
{
	struct fixture *fx = *state;
	char sha512[89];

	assert_int_equal(hash_file(fx->abc, NULL, sha512, NULL), 0);
	assert_string_equal(sha512, ABC_SHA512_B64);
}

static void test_hash_missing_file(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/nope", fx->dir);
	char sha256[65];

	assert_int_equal(hash_file(path, sha256, NULL, NULL), -ENOENT);
	free(path);
}

static void test_integrity_each_algorithm(void **state)
{
	struct fixture *fx = *state;
	char err[512] = "";

	assert_int_equal(integrity_check(fx->abc, ABC_SHA512, err, sizeof(err)), 0);
	assert_int_equal(integrity_check(fx->abc, ABC_SHA384, err, sizeof(err)), 0);
	assert_int_equal(integrity_check(fx->abc, ABC_SHA256, err, sizeof(err)), 0);
	assert_int_equal(integrity_check(fx->abc, ABC_SHA1, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_integrity_mismatch_message(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	char *want = xasprintf("integrity mismatch for '%s': expected %s, got %s", fx->abc,
			       HELLO_SHA512, ABC_SHA512);

	assert_int_equal(integrity_check(fx->abc, HELLO_SHA512, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(want);
}

static void test_integrity_strongest_decides(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	char *want;

	/* A wrong sha1 does not matter when sha512 is present and right ... */
	assert_int_equal(integrity_check(fx->abc, "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= " ABC_SHA512,
					 err, sizeof(err)),
			 0);
	/* ... and a right sha1 does not save a wrong sha512. */
	assert_int_equal(integrity_check(fx->abc, ABC_SHA1 " " HELLO_SHA512, err, sizeof(err)), -1);
	want = xasprintf("integrity mismatch for '%s': expected %s, got %s", fx->abc, HELLO_SHA512,
			 ABC_SHA512);
	assert_string_equal(err, want);
	free(want);
}

static void test_integrity_alternatives_same_algorithm(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	char *want;

	assert_int_equal(integrity_check(fx->abc, HELLO_SHA512 "  \t" ABC_SHA512, err, sizeof(err)),
			 0);
	assert_int_equal(integrity_check(fx->abc, HELLO_SHA512 " " HELLO_SHA512, err, sizeof(err)),
			 -1);
	want = xasprintf("integrity mismatch for '%s': expected %s or %s, got %s", fx->abc,
			 HELLO_SHA512, HELLO_SHA512, ABC_SHA512);
	assert_string_equal(err, want);
	free(want);
}

static void test_integrity_tolerates_options_and_padding(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	/* SRI options after '?' are ignored; so is missing '=' padding. */
	assert_int_equal(integrity_check(fx->abc, ABC_SHA512 "?foo", err, sizeof(err)), 0);
	assert_int_equal(
		integrity_check(fx->abc, "sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0", err, sizeof(err)), 0);
	/* Unknown algorithms are skipped. */
	assert_int_equal(integrity_check(fx->abc, "md5-kAFQmDzST7DWlj99KOF/cg== " ABC_SHA256, err,
					 sizeof(err)),
			 0);
}

static void test_integrity_unsupported(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	char *want = xasprintf(
		"cannot verify '%s': no supported hash in integrity 'md5-kAFQmDzST7DWlj99KOF/cg=='",
		fx->abc);

	assert_int_equal(integrity_check(fx->abc, "md5-kAFQmDzST7DWlj99KOF/cg==", err, sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	free(want);
	want = xasprintf("cannot verify '%s': no supported hash in integrity ''", fx->abc);
	assert_int_equal(integrity_check(fx->abc, "", err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(integrity_check(fx->abc, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(want);
}

static void test_integrity_missing_file(void **state)
{
	struct fixture *fx = *state;
	char *path = xasprintf("%s/nope.tgz", fx->dir);
	char *want = xasprintf("cannot read '%s': No such file or directory", path);
	char err[512];

	assert_int_equal(integrity_check(path, ABC_SHA512, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(want);
	free(path);
}

static void test_integrity_check_as_names_target(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	assert_int_equal(integrity_check_as(fx->abc, "x.tgz", HELLO_SHA512, err, sizeof(err)), -1);
	assert_string_equal(err, "integrity mismatch for 'x.tgz': expected " HELLO_SHA512
				 ", got " ABC_SHA512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_abc),
		cmocka_unit_test(test_hash_empty_file),
		cmocka_unit_test(test_hash_outputs_optional),
		cmocka_unit_test(test_hash_missing_file),
		cmocka_unit_test(test_integrity_each_algorithm),
		cmocka_unit_test(test_integrity_mismatch_message),
		cmocka_unit_test(test_integrity_strongest_decides),
		cmocka_unit_test(test_integrity_alternatives_same_algorithm),
		cmocka_unit_test(test_integrity_tolerates_options_and_padding),
		cmocka_unit_test(test_integrity_unsupported),
		cmocka_unit_test(test_integrity_missing_file),
		cmocka_unit_test(test_integrity_check_as_names_target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
