/* Growable byte buffer with a hard cap (curl dynbuf style).
 *
 * Bytes past |cap| are dropped and |truncated| is set, so a buffer fed by a
 * tracee, a socket or a tarball never grows without bound.  |buf| is always
 * NUL-terminated. */
#ifndef SNARE_STRBUF_H
#define SNARE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap; /* 0 means unbounded */
	bool truncated;
};

void strbuf_init(struct strbuf *sb, size_t cap);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Append; returns false when bytes were dropped at the cap. */
bool strbuf_add(struct strbuf *sb, const void *data, size_t len);
bool strbuf_addstr(struct strbuf *sb, const char *s);
bool strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends |word| quoted for a POSIX shell: as it is when it holds only
 * characters no shell treats specially, else in single quotes ('it'\''s'). */
bool strbuf_add_shell_word(struct strbuf *sb, const char *word);

/* Hands the buffer to the caller; |sb| is left empty and must be
 * initialised again before reuse. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
