#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

void strbuf_init(struct strbuf *sb, size_t cap)
{
	memset(sb, 0, sizeof(*sb));
	sb->cap = cap;
	sb->buf = xcalloc(1, 1);
	sb->alloc = 1;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->truncated = false;
	sb->buf[0] = '\0';
}

bool strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	bool whole = true;

	if (sb->cap && sb->len + len > sb->cap) {
		len = sb->cap - sb->len;
		sb->truncated = true;
		whole = false;
	}
	xgrow(&sb->buf, &sb->alloc, sb->len + len + 1, 1);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return whole;
}

bool strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

bool strbuf_add_shell_word(struct strbuf *sb, const char *word)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789@%_+=:,./-";
	bool ok = true;

	if (*word && word[strspn(word, safe)] == '\0')
		return strbuf_addstr(sb, word);
	ok &= strbuf_addstr(sb, "'");
	for (const char *p = word; *p; p++)
		ok &= *p == '\'' ? strbuf_addstr(sb, "'\\''") : strbuf_add(sb, p, 1);
	ok &= strbuf_addstr(sb, "'");
	return ok;
}

bool strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;
	bool r;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	r = strbuf_add(sb, s, (size_t)n);
	free(s);
	return r;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p = sb->buf;

	if (len)
		*len = sb->len;
	memset(sb, 0, sizeof(*sb));
	return p;
}
