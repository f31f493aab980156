/* The rows of syscalls.def, and a by-number index built at compile time. */
#include <sys/syscall.h>

#include "syscall/syscall.h"

/* Above the highest x86_64 number the table uses; a row past it fails to
 * compile (array index in initializer exceeds array bounds). */
#define NR_MAX 512

static const struct syscall_row rows[SC__COUNT] = {
#define SC(name, action, kind, decoder)                                                            \
	[SC_##name] = {SC_##name, __NR_##name, #name, SYSCALL_##action, EV_##kind},
#include "syscall/syscalls.def"
#undef SC
};

/* id + 1 by number, 0 for none.  Two rows with one number are an error
 * (-Woverride-init). */
static const unsigned char by_nr[NR_MAX] = {
#define SC(name, action, kind, decoder) [__NR_##name] = SC_##name + 1,
#include "syscall/syscalls.def"
#undef SC
};

_Static_assert(SC__COUNT < 255, "by_nr holds ids in an unsigned char");

const struct syscall_row *syscall_find(long nr)
{
	if (nr < 0 || nr >= NR_MAX || !by_nr[nr])
		return NULL;
	return &rows[by_nr[nr] - 1];
}

const struct syscall_row *syscall_rows(size_t *n)
{
	*n = SC__COUNT;
	return rows;
}

const char *syscall_name(long nr)
{
	const struct syscall_row *row = syscall_find(nr);
	return row ? row->name : "syscall";
}
