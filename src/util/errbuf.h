/* One-line error messages for callers' |err| buffers. */
#ifndef SNARE_ERRBUF_H
#define SNARE_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into |err| (|errlen| bytes; NULL or 0 ignored).  Control
 * characters become '?', so a hostile file name, package.json or packument
 * cannot break the message across lines. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* errbuf_set() with a va_list. */
void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
