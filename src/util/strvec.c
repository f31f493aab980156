#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/strvec.h"
#include "util/xalloc.h"

void strvec_push_nodup(struct strvec *sv, char *s)
{
	xgrow(&sv->v, &sv->alloc, sv->n + 2, sizeof(*sv->v));
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	strvec_push_nodup(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		va_end(ap);
		xmalloc((size_t)-1); /* reports out of memory */
		return;
	}
	va_end(ap);
	strvec_push_nodup(sv, s);
}

void strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

char **strvec_argv(struct strvec *sv)
{
	if (!sv->v) {
		xgrow(&sv->v, &sv->alloc, 1, sizeof(*sv->v));
		sv->v[0] = NULL;
	}
	return sv->v;
}
