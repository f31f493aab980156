#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event/event.h"
#include "util/xalloc.h"

struct event *evlog_add(struct evlog *log, enum ev_type type, const char *syscall)
{
	struct event *e;

	xgrow(&log->v, &log->alloc, log->n + 1, sizeof(*log->v));
	e = &log->v[log->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->syscall = syscall;
	e->step = -1;
	return e;
}

void event_release(struct event *e)
{
	free(e->path);
	free(e->path2);
	if (e->argv) {
		for (char **a = e->argv; *a; a++)
			free(*a);
		free(e->argv);
	}
	free(e->cwd);
	free(e->host);
	free(e->proto);
	free(e->data);
	free(e->sni);
	free(e->alpn);
	free(e->tls_error);
	memset(e, 0, sizeof(*e));
}

void evlog_release(struct evlog *log)
{
	for (size_t i = 0; i < log->n; i++)
		event_release(&log->v[i]);
	free(log->v);
	memset(log, 0, sizeof(*log));
}

struct sort_item {
	struct event e;
	size_t i;
};

static int cmp_time(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;

	if (x->e.t_us != y->e.t_us)
		return x->e.t_us < y->e.t_us ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void evlog_sort(struct evlog *log)
{
	struct sort_item *tmp = xcalloc(log->n ? log->n : 1, sizeof(*tmp));

	for (size_t i = 0; i < log->n; i++) {
		tmp[i].e = log->v[i];
		tmp[i].i = i;
	}
	qsort(tmp, log->n, sizeof(*tmp), cmp_time);
	for (size_t i = 0; i < log->n; i++)
		log->v[i] = tmp[i].e;
	free(tmp);
}

const char *ev_type_name(enum ev_type t)
{
	static const char *const names[EV__COUNT] = {
		[EV_EXEC] = "exec",	  [EV_FILE] = "file",	  [EV_SOCKET] = "socket",
		[EV_CONNECT] = "connect", [EV_BIND] = "bind",	  [EV_LISTEN] = "listen",
		[EV_SEND] = "send",	  [EV_DNS] = "dns",	  [EV_CAPTURE] = "capture",
		[EV_PROC] = "process",	  [EV_DENIED] = "denied", [EV_EXIT] = "exit",
	};
	return (unsigned)t < EV__COUNT ? names[t] : "unknown";
}

const char *file_flags_str(unsigned f, char *buf, size_t len)
{
	static const char *const names[] = {"read",   "write", "create",   "delete",
					    "exec",   "chmod", "chown",	   "mkdir",
					    "rename", "link",  "truncate", "dir"};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & (1u << i)))
			continue;
		size_t l = strlen(names[i]);
		if (o + l + 2 > len)
			break;
		if (o)
			buf[o++] = ',';
		memcpy(buf + o, names[i], l + 1);
		o += l;
	}
	return buf;
}

uint64_t ev_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
