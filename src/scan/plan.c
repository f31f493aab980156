/* What to detonate and when to trust the store: registry targets are
 * resolved to name@version, and a package the store knows for the current
 * model (or can re-score) is answered from it; the rest need a scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fetch/registry.h"
#include "lockfile/lockfile.h"
#include "report/report.h"
#include "run/run.h"
#include "scan/scan.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/xalloc.h"

bool scan_is_registry_target(const char *target)
{
	struct stat st;

	return stat(target, &st) < 0 && !strstr(target, ".tgz") && !strstr(target, ".tar") &&
	       target[0] != '.' && !(strchr(target, '/') && target[0] != '@');
}

int scan_stored_report(struct scan_ctx *c, const char *target, const char *registry, bool full,
		       json_t **report, char *err, size_t errlen)
{
	char *name = NULL, *want = NULL, why[1024];
	struct pkg_ref ref = {0};
	const char *version, *integrity = NULL;
	json_t *verdict = NULL;
	enum pkg_origin origin;
	int found = 0;

	*report = NULL;
	if (!c->store || !scan_is_registry_target(target) ||
	    pkgspec_parse(target, &name, &want, why, sizeof(why)) < 0)
		goto out;
	version = want;
	if (!pkgspec_version_valid(want)) {
		/* a tag or a range: which version it means today */
		if (registry_resolve(registry, target, &ref, why, sizeof(why)) < 0) {
			errbuf_set(err, errlen, "%s", why);
			found = -1;
			goto out;
		}
		free(name);
		name = xstrdup(ref.name);
		version = ref.version;
		integrity = ref.integrity;
	}
	found = scan_ctx_lookup(c, name, version, integrity, false, &verdict, full ? report : NULL,
				&origin, why, sizeof(why));
	if (found < 0)
		log_warn("%s", why);
	if (found <= 0) {
		found = 0;
		goto out;
	}
	if (!*report)
		*report = json_pack("{s:{s:s, s:s}}", "package", "name", name, "version", version);
	json_object_set_new(*report, "verdict", verdict);
	log_info("%s@%s: %s result of model %s", name, version,
		 origin == ORIGIN_STORE ? "stored" : "re-scored stored", c->model_version);
out:
	pkg_ref_release(&ref);
	free(name);
	free(want);
	return found;
}

json_t *scan_detonate(struct scan_ctx *c, const char *target, const struct run_options *opts,
		      char *err, size_t errlen)
{
	struct run_result res;
	json_t *report, *verdict;
	char why[1024];

	if (run_detonate(target, opts, &res, err, errlen) < 0)
		return NULL;
	report = report_build(&res);
	run_result_release(&res);
	if (!c)
		return report;
	verdict = scan_verdict(c->model, report, err, errlen);
	if (!verdict) {
		json_decref(report);
		return NULL;
	}
	json_object_set_new(report, "verdict", verdict);
	if (scan_ctx_record(c, report, why, sizeof(why)) < 0)
		log_warn("%s", why);
	return report;
}

/* Resolves the tags and ranges of |specs| (the targets of |r[idx[k]]|)
 * to name@version. */
static void resolve_specs(struct scan_ctx *c, struct pkg_result *r, char **specs, const size_t *idx,
			  size_t nspec, unsigned jobs)
{
	char **names = xcalloc(nspec, sizeof(char *)), **vers = xcalloc(nspec, sizeof(char *));
	char **ints = xcalloc(nspec, sizeof(char *)), **errs = xcalloc(nspec, sizeof(char *));

	batch_resolve(specs, nspec, c->registry, jobs, names, vers, ints, errs);
	for (size_t k = 0; k < nspec; k++) {
		struct pkg_result *x = &r[idx[k]];

		if (errs[k]) {
			pkg_result_set_error(x, errs[k]);
			free(errs[k]);
			continue;
		}
		x->name = names[k];
		x->version = vers[k];
		x->integrity = lock_sri_sha512(ints[k]);
		free(ints[k]);
		free(x->target);
		x->target = xasprintf("%s@%s", x->name, x->version);
	}
	free(names);
	free(vers);
	free(ints);
	free(errs);
}

size_t scan_plan_targets(struct scan_ctx *c, struct pkg_result *r, size_t n, unsigned jobs,
			 bool rescan, size_t *todo)
{
	char **specs = xcalloc(n + 1, sizeof(char *)), err[1024];
	size_t *idx = xcalloc(n + 1, sizeof(size_t)), nspec = 0, ntodo = 0;

	for (size_t i = 0; i < n; i++) {
		char *name, *want;

		if (!scan_is_registry_target(r[i].target))
			continue;
		if (pkgspec_parse(r[i].target, &name, &want, err, sizeof(err)) < 0) {
			pkg_result_set_error(&r[i], err);
			continue;
		}
		if (pkgspec_version_valid(want)) {
			r[i].name = name;
			r[i].version = want;
		} else {
			specs[nspec] = r[i].target;
			idx[nspec++] = i;
			free(name);
			free(want);
		}
	}
	if (nspec)
		resolve_specs(c, r, specs, idx, nspec, jobs);
	for (size_t i = 0; i < n; i++) {
		json_t *v;
		enum pkg_origin origin;
		int found = 0;

		if (r[i].reason)
			continue; /* could not be resolved */
		if (r[i].name && !rescan)
			found = scan_ctx_lookup(c, r[i].name, r[i].version, r[i].integrity, false,
						&v, NULL, &origin, err, sizeof(err));
		if (found < 0)
			log_warn("%s", err);
		if (found > 0)
			pkg_result_set_verdict(&r[i], v, origin);
		else
			todo[ntodo++] = i;
	}
	free(specs);
	free(idx);
	return ntodo;
}

size_t scan_plan_packages(struct scan_ctx *c, struct pkg_result *r, size_t n, bool rescan,
			  size_t *todo)
{
	char err[1024];
	size_t ntodo = 0;

	for (size_t i = 0; i < n; i++) {
		json_t *v;
		enum pkg_origin origin;
		int found = 0;

		if (r[i].status == PKG_NOT_SCANNED)
			continue;
		if (!rescan)
			found = scan_ctx_lookup(c, r[i].name, r[i].version, r[i].integrity, false,
						&v, NULL, &origin, err, sizeof(err));
		if (found < 0)
			log_warn("%s", err); /* a damaged row: scan again */
		if (found > 0)
			pkg_result_set_verdict(&r[i], v, origin);
		else
			todo[ntodo++] = i;
	}
	return ntodo;
}
