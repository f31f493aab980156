/* --min-age: the publish dates of the packages to judge, fetched a few at
 * a time (each is a full packument), and the ones too young held back. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/registry.h"
#include "guard/internal.h"
#include "util/xalloc.h"

#define AGE_THREADS 8

struct age_pool {
	const char *registry;
	const struct pkg_result *r;
	const size_t *idx; /* the packages to date, indices into |r| */
	size_t n;
	time_t *when;  /* per |idx|; valid when |errors[i]| is NULL */
	char **errors; /* per |idx|: one line, or NULL */
	atomic_size_t next;
};

static void *age_worker(void *arg)
{
	struct age_pool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
		const struct pkg_result *r = &p->r[p->idx[i]];
		char err[512];

		if (registry_published(p->registry, r->name, r->version, &p->when[i], err,
				       sizeof(err)) < 0)
			p->errors[i] = xstrdup(err);
	}
	return NULL;
}

static void fetch_dates(struct age_pool *p)
{
	pthread_t th[AGE_THREADS];
	size_t nth = p->n < AGE_THREADS ? p->n : AGE_THREADS, started = 0;

	atomic_init(&p->next, 0);
	for (size_t i = 0; i < nth; i++)
		if (pthread_create(&th[started], NULL, age_worker, p) == 0)
			started++;
	if (!started)
		age_worker(p);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

size_t guard_hold_young(const struct guard_opts *o, const char *registry, struct guard_result *res,
			size_t *todo, size_t ntodo)
{
	time_t now = o->now ? o->now : time(NULL);
	struct age_pool p = {.registry = registry, .r = res->r, .idx = todo};
	size_t kept = 0;

	/* |todo| holds the packages to scan: the store has no verdict for
	 * them (a benign, malicious or re-scored one answered already) */
	p.n = ntodo;
	p.when = xcalloc(ntodo ? ntodo : 1, sizeof(*p.when));
	p.errors = xcalloc(ntodo ? ntodo : 1, sizeof(*p.errors));
	fetch_dates(&p);
	for (size_t t = 0; t < ntodo; t++) {
		struct guard_pkg *g = &res->pkgs[todo[t]];

		if (p.errors[t]) {
			g->age_days = -1;
			pkg_result_set_error(&res->r[todo[t]], p.errors[t]);
			free(p.errors[t]);
		} else {
			g->age_days = (double)(now - p.when[t]) / 86400.0;
			if (g->age_days >= o->min_age_days) {
				todo[kept++] = todo[t];
				continue;
			}
		}
		g->action = GUARD_HOLD;
	}
	free(p.when);
	free(p.errors);
	return kept;
}
