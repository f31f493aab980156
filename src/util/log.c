#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

enum log_level log_threshold = LOG_WARN;

void log_emit(enum log_level level, int errnum, const char *fmt, ...)
{
	static const char *const prefix[] = {"error", "warning", "info", "debug"};
	int saved = errno;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	/* clang 14 analyzer false positive (llvm/llvm-project#40656) */
	vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	if (errnum)
		fprintf(stderr, "snare: %s: %s: %s\n", prefix[level], msg, strerror(errnum));
	else
		fprintf(stderr, "snare: %s: %s\n", prefix[level], msg);
	errno = saved;
}
