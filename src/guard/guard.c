/* The guard's policy: every package of the resolved lockfile judged (the
 * store first, the rest detonated in child snares, as snare audit does),
 * too-young versions held back, and one decision per package. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard/internal.h"
#include "lockfile/lockfile.h"
#include "store/store.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"

int guard_parse_unjudged(const char *s, enum guard_unjudged *p)
{
	if (!strcmp(s, "block"))
		*p = GUARD_UNJUDGED_BLOCK;
	else if (!strcmp(s, "warn"))
		*p = GUARD_UNJUDGED_WARN;
	else
		return -1;
	return 0;
}

enum guard_action guard_decide(const struct pkg_result *r, bool install_script,
			       enum guard_unjudged policy)
{
	switch (r->status) {
	case PKG_MALICIOUS:
		return GUARD_BLOCK_MALICIOUS;
	case PKG_BENIGN:
		return GUARD_OK;
	case PKG_NOT_SCANNED:
		if (r->kind && !strcmp(r->kind, "bundled"))
			return GUARD_SKIP; /* its code is in its parent's tarball */
		break;
	case PKG_ERROR:
	case PKG_PARTIAL:
		break;
	}
	if (policy == GUARD_UNJUDGED_AUTO)
		return install_script ? GUARD_BLOCK_UNJUDGED : GUARD_WARN;
	return policy == GUARD_UNJUDGED_BLOCK ? GUARD_BLOCK_UNJUDGED : GUARD_WARN;
}

char *guard_unjudged_reason(const struct pkg_result *r)
{
	const json_t *deg = json_object_get(r->verdict, "degraded");
	struct strbuf sb;
	size_t i;
	json_t *e;

	if (r->status != PKG_PARTIAL || !json_array_size(deg))
		return xstrdup(r->reason ? r->reason : "not judged");
	strbuf_init(&sb, 0);
	json_array_foreach (deg, i, e)
		strbuf_addf(&sb, "%s%s", i ? "; " : "",
			    json_string_value(json_object_get(e, "detail")));
	return strbuf_detach(&sb, NULL);
}

/* The result of one lockfile entry, as snare audit makes it. */
static void entry_result(const struct lock_entry *e, const char *file, struct pkg_result *x)
{
	memset(x, 0, sizeof(*x));
	x->name = text_utf8(e->name);
	x->version = text_utf8(e->version);
	x->file = text_utf8(file);
	x->line = e->line;
	if (e->source == LOCK_REGISTRY) {
		x->target = xasprintf("%s@%s", e->name, e->version);
		x->integrity = lock_sri_sha512(e->integrity);
		x->status = PKG_ERROR; /* until it has a verdict */
		return;
	}
	x->target = text_utf8(e->resolved ? e->resolved : e->name);
	x->status = PKG_NOT_SCANNED;
	x->kind = xstrdup(lock_source_name(e->source));
	char *why = e->resolved ? xasprintf("%s '%s'", lock_source_reason(e->source), e->resolved)
				: xstrdup(lock_source_reason(e->source));
	x->reason = text_utf8(why);
	free(why);
}

static void collect(const struct lockfile *lf, struct guard_result *res)
{
	res->n = lf->n;
	res->r = xcalloc(lf->n ? lf->n : 1, sizeof(*res->r));
	res->pkgs = xcalloc(lf->n ? lf->n : 1, sizeof(*res->pkgs));
	for (size_t i = 0; i < lf->n; i++) {
		entry_result(&lf->entries[i], lf->path, &res->r[i]);
		res->pkgs[i].install_script = lf->entries[i].install_script;
	}
}

static void child_args(struct strvec *args, const struct scan_ctx *c, const struct guard_opts *o)
{
	scan_child_args(args, c, o->cache);
}

static void note(const struct guard_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct guard_opts *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): llvm#40656
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->note(line);
}

/* Scans the packages in |todo| in child processes.  0, or -1 with |err|. */
static int scan_todo(struct scan_ctx *c, const struct guard_opts *o, struct guard_result *res,
		     const size_t *todo, size_t ntodo, char *err, size_t errlen)
{
	struct strvec args = STRVEC_INIT;
	struct batch b = {.jobs = o->jobs ? o->jobs : batch_default_jobs(),
			  .progress = o->progress};
	int ret;

	if (!scan_ctx_model(c, err, errlen))
		return -1;
	note(o, "%zu of %zu packages to scan", ntodo, res->n);
	child_args(&args, c, o);
	b.args = strvec_argv(&args);
	ret = scan_children(c, res->r, todo, ntodo, &b, err, errlen);
	strvec_clear(&args);
	return ret;
}

static void decide_all(const struct guard_opts *o, struct guard_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct guard_pkg *g = &res->pkgs[i];
		const struct pkg_result *r = &res->r[i];

		if (g->action != GUARD_HOLD)
			g->action = guard_decide(r, g->install_script, o->unjudged);
		res->malicious += g->action == GUARD_BLOCK_MALICIOUS;
		res->blocked += g->action == GUARD_BLOCK_UNJUDGED;
		res->held += g->action == GUARD_HOLD;
		res->warned += g->action == GUARD_WARN;
		res->stored += r->origin == ORIGIN_STORE || r->origin == ORIGIN_RESCORED;
		res->scanned += r->origin == ORIGIN_SCAN;
	}
	res->exit_code = res->malicious ? 1 : res->blocked || res->held ? 3 : 0;
}

/* Judges the packages of |lf| into |res|.  0, or -1 with |err|. */
static int judge(const struct guard_opts *o, const struct lockfile *lf, struct guard_result *res,
		 char *err, size_t errlen)
{
	struct scan_ctx ctx;
	size_t *todo, ntodo;
	int ret = 0;

	if (scan_ctx_init(&ctx, o->model, o->store, o->no_store, res->registry, err, errlen) < 0)
		return -1;
	collect(lf, res);
	todo = xcalloc(res->n ? res->n : 1, sizeof(*todo));
	ntodo = scan_plan_packages(&ctx, res->r, res->n, false, todo);
	if (o->min_age_days > 0)
		ntodo = guard_hold_young(o, ctx.registry, res, todo, ntodo);
	if (ntodo)
		ret = scan_todo(&ctx, o, res, todo, ntodo, err, errlen);
	if (ret == 0)
		decide_all(o, res);
	free(todo);
	scan_ctx_release(&ctx);
	return ret;
}

int guard_check(const struct guard_opts *o, struct guard_result *res, char *err, size_t errlen)
{
	char *lockpath = NULL, *scratch = NULL;
	struct lockfile lf = {0};
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->registry = guard_registry(o->project, o->registry);
	if (guard_resolve(o, res->registry, &lockpath, &scratch, err, errlen) < 0)
		goto out;
	if (lockfile_load(lockpath, &lf, err, errlen) < 0)
		goto out;
	res->lockfile = scratch ? xstrdup("package-lock.json resolved by npm") : xstrdup(lockpath);
	ret = judge(o, &lf, res, err, errlen);
out:
	lockfile_release(&lf);
	if (scratch)
		fs_rm_rf(scratch);
	free(scratch);
	free(lockpath);
	if (ret < 0)
		guard_result_release(res);
	return ret;
}

void guard_result_release(struct guard_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		pkg_result_release(&res->r[i]);
	free(res->r);
	free(res->pkgs);
	free(res->registry);
	free(res->lockfile);
	memset(res, 0, sizeof(*res));
}
