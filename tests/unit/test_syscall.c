/* The syscall table (src/syscall/syscalls.def) and its readers: every row
 * the filter names has a name and a number, names are unique, every traced
 * row has a decoder, and the seccomp builder takes all rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/syscall.h>
#include <seccomp.h>

#include "sandbox/internal.h"
#include "syscall/syscall.h"
#include "trace/decode.h"

static void test_rows_named_and_numbered(void **state)
{
	size_t n;
	const struct syscall_row *rows = syscall_rows(&n);

	(void)state;
	assert_int_equal(n, SC__COUNT);
	for (size_t i = 0; i < n; i++) {
		const struct syscall_row *r = &rows[i];
		assert_int_equal(r->id, i);
		assert_non_null(r->name);
		assert_true(r->name[0] != '\0');
		assert_true(r->nr >= 0);
		/* the number is the one libseccomp knows by that name */
		assert_int_equal(seccomp_syscall_resolve_name(r->name), r->nr);
		assert_ptr_equal(syscall_find(r->nr), r);
		assert_string_equal(syscall_name(r->nr), r->name);
	}
}

static void test_names_unique(void **state)
{
	size_t n;
	const struct syscall_row *rows = syscall_rows(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(rows[i].name, rows[j].name) || rows[i].nr == rows[j].nr)
				fail_msg("rows %zu and %zu: %s and %s", i, j, rows[i].name,
					 rows[j].name);
		}
}

/* A traced row is decoded, unless the tracer refuses it (kind DENIED);
 * denied and allowed rows are never decoded. */
static void test_decoders(void **state)
{
	size_t n, traced = 0;
	const struct syscall_row *rows = syscall_rows(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct syscall_row *r = &rows[i];
		bool decoded = decode_find(r) != NULL;
		if (r->action == SYSCALL_TRACE && r->kind != EV_DENIED) {
			if (!decoded)
				fail_msg("traced row %s has no decoder", r->name);
			traced++;
		} else {
			assert_int_equal(r->kind, EV_DENIED);
			if (decoded)
				fail_msg("row %s is never decoded but names a decoder", r->name);
		}
	}
	assert_true(traced >= 40);
	assert_null(decode_find(NULL));
}

/* Every syscall the filter denied before the table existed is still
 * denied, and now has its name (these once showed as "syscall"). */
static void test_denied_by_name(void **state)
{
	static const char *const denied[] = {
		"mount",
		"umount2",
		"pivot_root",
		"chroot",
		"swapon",
		"swapoff",
		"reboot",
		"kexec_load",
		"kexec_file_load",
		"init_module",
		"finit_module",
		"delete_module",
		"bpf",
		"perf_event_open",
		"keyctl",
		"add_key",
		"request_key",
		"io_uring_setup",
		"io_uring_enter",
		"io_uring_register",
		"process_vm_writev",
		"setns",
		"unshare",
		"userfaultfd",
		"open_by_handle_at",
		"name_to_handle_at",
		"acct",
		"quotactl",
		"settimeofday",
		"clock_settime",
		"clock_adjtime",
		"adjtimex",
		"syslog",
		"iopl",
		"ioperm",
		"mount_setattr",
		"fsopen",
		"fsmount",
		"fsconfig",
		"move_mount",
		"open_tree",
		"fspick",
		"lookup_dcookie",
		"kcmp",
		"pidfd_getfd",
		"vhangup",
		"uselib",
	};
	size_t n, ndeny = 0;
	const struct syscall_row *rows = syscall_rows(&n);

	(void)state;
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		const struct syscall_row *r = syscall_find(nr);
		if (!r || r->action != SYSCALL_DENY)
			fail_msg("%s is not a DENY row", denied[i]);
		assert_string_equal(syscall_name(nr), denied[i]);
	}
	for (size_t i = 0; i < n; i++)
		ndeny += rows[i].action == SYSCALL_DENY;
	assert_int_equal(ndeny, sizeof(denied) / sizeof(denied[0]));
	assert_string_equal(syscall_name(__NR_clone), "clone");
	assert_string_equal(syscall_name(__NR_read), "syscall");
	assert_string_equal(syscall_name(-1), "syscall");
	assert_string_equal(syscall_name(100000), "syscall");
	assert_null(syscall_find(__NR_read));
}

/* The worked example of a new traced syscall: mknodat (mkfifo, the named
 * pipe of a reverse shell) is a file event with a decoder. */
static void test_mknodat_traced(void **state)
{
	const struct syscall_row *r = syscall_find(__NR_mknodat);

	(void)state;
	assert_non_null(r);
	assert_string_equal(r->name, "mknodat");
	assert_int_equal(r->action, SYSCALL_TRACE);
	assert_int_equal(r->kind, EV_FILE);
	assert_non_null(decode_find(r));
}

static void test_seccomp_builds(void **state)
{
	struct sock_fprog prog = {0};
	char err[256] = "";

	(void)state;
	for (int untraced = 0; untraced < 2; untraced++) {
		int r = seccomp_build(&prog, untraced, err, sizeof(err));
		if (r < 0)
			fail_msg("seccomp_build(untraced=%d): %s", untraced, err);
		assert_true(prog.len > 0);
		free(prog.filter);
		prog.filter = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_named_and_numbered),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_decoders),
		cmocka_unit_test(test_denied_by_name),
		cmocka_unit_test(test_mknodat_traced),
		cmocka_unit_test(test_seccomp_builds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
