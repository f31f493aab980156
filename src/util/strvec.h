/* NULL-terminated vector of owned strings (git strvec). */
#ifndef SNARE_STRVEC_H
#define SNARE_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v; /* always NULL-terminated once anything was pushed */
	size_t n;
	size_t alloc;
};

#define STRVEC_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strvec_push(struct strvec *sv, const char *s); /* copies |s| */
void strvec_push_nodup(struct strvec *sv, char *s); /* takes ownership of |s| */
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strvec_clear(struct strvec *sv);
/* Returns a NULL-terminated array even when empty; owned by |sv|. */
char **strvec_argv(struct strvec *sv);

#endif
