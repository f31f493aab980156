/* The results store seen from a scan: which model is current, what the
 * store already knows about a package, re-scoring a report that an older
 * model scored, and recording new scans. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "fetch/registry.h"
#include "lockfile/lockfile.h"
#include "model/model.h"
#include "report/report.h"
#include "util/strvec.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"

const char *scan_store_path(const char *store_opt, char *buf, size_t len)
{
	const char *env_store = getenv("SNARE_STORE");
	char why[512];

	if (store_opt)
		return store_opt;
	if (env_store && env_store[0])
		return env_store;
	return store_cache_path("results.db", buf, len, why, sizeof(why)) < 0 ? NULL : buf;
}

int scan_ctx_init(struct scan_ctx *c, const char *model_opt, const char *store_opt, bool no_store,
		  const char *registry, char *err, size_t errlen)
{
	char buf[PATH_MAX + 64], path[PATH_MAX];
	const char *mp;
	int r;

	memset(c, 0, sizeof(*c));
	mp = scan_model_path(model_opt, buf, sizeof(buf));
	if (!mp) {
		errbuf_set(err, errlen, "no model: give --model FILE or set SNARE_MODEL");
		return -1;
	}
	r = model_file_version(mp, c->model_version);
	if (r < 0) {
		errbuf_set(err, errlen, "cannot read model '%s': %s", mp, strerror(-r));
		return -1;
	}
	c->model_path = xstrdup(mp);
	c->registry = xstrdup(registry ? registry : REGISTRY_DEFAULT);
	for (size_t n = strlen(c->registry); n > 0 && c->registry[n - 1] == '/'; n--)
		c->registry[n - 1] = '\0';
	if (no_store)
		return 0;
	/* SNARE_STORE: the shared store of a team, a database URL or a file */
	const char *env_store = getenv("SNARE_STORE");
	if (!store_opt && env_store && env_store[0])
		store_opt = env_store;
	if (store_opt) {
		if (store_open(store_opt, &c->store, err, errlen) < 0) {
			scan_ctx_release(c);
			return -1;
		}
		c->store_path = xstrdup(store_opt);
		return 0;
	}
	/* The default store is a cache: without it, scans still work. */
	char why[512];
	if (store_cache_path("results.db", path, sizeof(path), why, sizeof(why)) < 0) {
		log_warn("no results store (%s)", why);
		return 0;
	}
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	r = fs_mkdir_p(dir, 0755);
	free(dir);
	if (r < 0) {
		log_warn("no results store: cannot create the directory of '%s': %s", path,
			 strerror(-r));
		return 0;
	}
	if (store_open(path, &c->store, why, sizeof(why)) < 0) {
		log_warn("no results store: %s", why);
		return 0;
	}
	c->store_path = xstrdup(path);
	return 0;
}

void scan_ctx_release(struct scan_ctx *c)
{
	char err[512];

	if (c->in_tx && store_commit(c->store, err, sizeof(err)) < 0)
		log_warn("%s", err);
	store_close(c->store);
	model_free(c->model);
	free(c->model_path);
	free(c->store_path);
	free(c->registry);
	memset(c, 0, sizeof(*c));
}

struct model *scan_ctx_model(struct scan_ctx *c, char *err, size_t errlen)
{
	if (!c->model)
		c->model = model_load(c->model_path, err, errlen);
	return c->model;
}

static int ctx_put(struct scan_ctx *c, const struct store_record *rec, char *err, size_t errlen)
{
	if (!c->in_tx) {
		if (store_begin(c->store, err, errlen) < 0)
			return -1;
		c->in_tx = true;
	}
	return store_put(c->store, rec, err, errlen);
}

/* A row whose detonation was degraded answers nothing: the package is
 * scanned again (and the row replaced).  Releases |e| when it is one. */
static bool partial_row(const struct scan_ctx *c, struct store_entry *e, const char *name,
			const char *version)
{
	if (c->with_partial || strcmp(e->label, "partial") != 0)
		return false;
	log_debug("%s@%s: the stored verdict is partial; scanning again", name, version);
	store_entry_release(e);
	return true;
}

int scan_ctx_lookup(struct scan_ctx *c, const char *name, const char *version,
		    const char *integrity, bool any_source, json_t **verdict, json_t **report,
		    enum pkg_origin *origin, char *err, size_t errlen)
{
	char *sha = integrity ? lock_sri_sha512(integrity) : NULL;
	struct store_query q = {
		.name = name,
		.version = version,
		.integrity = sha,
		.registry = sha || any_source ? NULL : c->registry,
		.model = c->model_version,
		.with_report = report != NULL,
	};
	struct store_entry e;
	int r;

	*verdict = NULL;
	if (report)
		*report = NULL;
	if (!c->store) {
		free(sha);
		return 0;
	}
	r = store_get(c->store, &q, &e, err, errlen);
	if (r == 1 && partial_row(c, &e, name, version)) {
		free(sha);
		return 0;
	}
	if (r == 1) {
		*verdict = json_incref(e.verdict);
		if (report)
			*report = json_incref(e.report);
		*origin = ORIGIN_STORE;
		store_entry_release(&e);
		free(sha);
		return 1;
	}
	if (r < 0) {
		free(sha);
		return -1;
	}
	/* A report of another model: the same schemas make the same features. */
	q.model = NULL;
	q.features_schema = FEATURES_SCHEMA;
	q.report_schema = REPORT_SCHEMA;
	q.with_report = true;
	r = store_get(c->store, &q, &e, err, errlen);
	free(sha);
	if (r <= 0)
		return r;
	if (partial_row(c, &e, name, version))
		return 0;
	struct model *m = scan_ctx_model(c, err, errlen);
	json_t *v = m ? scan_verdict(m, e.report, err, errlen) : NULL;
	if (!v) {
		store_entry_release(&e);
		return -1;
	}
	struct store_record rec = {
		.report = e.report,
		.verdict = v,
		.model = c->model_version,
		.features_schema = FEATURES_SCHEMA,
		.registry = e.registry,
		.scanned_at = e.scanned_at,
	};
	if (ctx_put(c, &rec, err, errlen) < 0) {
		json_decref(v);
		store_entry_release(&e);
		return -1;
	}
	log_debug("re-scored %s@%s (model %s -> %s)", name, version, e.model, c->model_version);
	*verdict = v;
	if (report)
		*report = json_incref(e.report);
	*origin = ORIGIN_RESCORED;
	store_entry_release(&e);
	return 1;
}

int scan_ctx_record(struct scan_ctx *c, const json_t *report, char *err, size_t errlen)
{
	char *integrity;
	struct store_record rec = {
		.report = report,
		.verdict = json_object_get(report, "verdict"),
		.model = c->model_version,
		.features_schema = FEATURES_SCHEMA,
		.registry = c->registry,
	};

	if (!c->store)
		return 0;
	integrity = store_report_integrity(report);
	if (!integrity)
		return 0; /* a directory: nothing identifies its contents */
	free(integrity);
	/* each scan is kept as soon as it is done (re-scores are batched) */
	if (c->in_tx) {
		c->in_tx = false;
		if (store_commit(c->store, err, errlen) < 0)
			return -1;
	}
	return store_put(c->store, &rec, err, errlen);
}

void scan_child_args(struct strvec *args, const struct scan_ctx *c, const char *cache)
{
	char path[PATH_MAX], why[256];

	strvec_push(args, "--no-store");
	strvec_push(args, "--model");
	strvec_push(args, c->model_path);
	strvec_push(args, "--registry");
	strvec_push(args, c->registry);
	if (cache) {
		strvec_push(args, "--cache");
		strvec_push(args, cache);
	} else if (store_cache_path("tarballs", path, sizeof(path), why, sizeof(why)) == 0) {
		strvec_push(args, "--cache");
		strvec_push(args, path);
	}
}
