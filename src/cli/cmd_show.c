/* snare show NAME@VERSION: a stored result, without detonating anything.
 * snare import REPORT...: add reports (snare scan --json, snare trace) to
 * the store, scored by the current model. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fetch/registry.h"
#include "model/model.h"
#include "report/report.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xalloc.h"

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'J'},
		{"store", required_argument, NULL, 'S'},
		{"model", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: snare show NAME@VERSION [--json] [--store FILE] [--model FILE]\n"
		"  prints the stored verdict and its evidence (exit 0 benign, 1 malicious,\n"
		"  2 not stored); --json prints the stored report with its verdict\n";
	const char *store = NULL, *model = NULL;
	char *name = NULL, *version = NULL, err[1024];
	bool json_out = false;
	struct scan_ctx ctx;
	json_t *verdict = NULL, *report = NULL;
	enum pkg_origin origin;
	int c, rc = 2, found;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'J')
			json_out = true;
		else if (c == 'S')
			store = optarg;
		else if (c == 'm')
			model = optarg;
		else
			return cli_usage(usage, c == 'h');
	}
	if (optind == argc)
		return cli_usage(usage, false);
	if (optind < argc - 1)
		return cli_error("show takes one NAME@VERSION, not '%s'", argv[optind + 1]);
	if (pkgspec_parse(argv[optind], &name, &version, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	if (!pkgspec_version_valid(version)) {
		rc = cli_error("give an exact version: '%s'", argv[optind]);
		goto out;
	}
	/* looking is no reason to create a store */
	char where[PATH_MAX];
	const char *path = scan_store_path(store, where, sizeof(where));
	if (!path || (!store_is_url(path) && access(path, F_OK) < 0)) {
		rc = cli_error("no stored result for '%s@%s': no results store%s%s%s", name,
			       version, path ? " at '" : "", path ? path : "", path ? "'" : "");
		goto out;
	}
	if (scan_ctx_init(&ctx, model, store, false, NULL, err, sizeof(err)) < 0) {
		rc = cli_error("%s", err);
		goto out;
	}
	ctx.with_partial = true;
	found = scan_ctx_lookup(&ctx, name, version, NULL, true, &verdict,
				json_out ? &report : NULL, &origin, err, sizeof(err));
	if (found < 0) {
		rc = cli_error("%s", err);
	} else if (found == 0) {
		rc = cli_error("no stored result for '%s@%s'%s%s", name, version,
			       ctx.store_path ? " in " : "", ctx.store_path ? ctx.store_path : "");
	} else {
		if (!report)
			report = json_pack("{s:{s:s, s:s}}", "package", "name", name, "version",
					   version);
		json_object_set(report, "verdict", verdict);
		if (json_out) {
			json_dumpf(report, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
		} else {
			cli_print_verdict(report, stdout);
		}
		if (origin == ORIGIN_RESCORED)
			fprintf(stderr, "snare: re-scored the stored report with model %s\n",
				ctx.model_version);
		rc = !strcmp(json_string_value(json_object_get(verdict, "label")), "malicious");
	}
	json_decref(verdict);
	json_decref(report);
	scan_ctx_release(&ctx);
out:
	free(name);
	free(version);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 'S'},
		{"model", required_argument, NULL, 'm'},
		{"registry", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: snare import REPORT... [--store FILE] [--model FILE] [--registry URL]\n"
		"  adds reports (snare scan --json, snare trace) to the results store, scored by\n"
		"  the current model\n";
	const char *store = NULL, *model = NULL, *registry = NULL;
	struct scan_ctx ctx;
	char err[1024];
	int c, rc = 0, imported = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'S')
			store = optarg;
		else if (c == 'm')
			model = optarg;
		else if (c == 'r')
			registry = optarg;
		else
			return cli_usage(usage, c == 'h');
	}
	if (optind >= argc)
		return cli_error("no report given");
	if (scan_ctx_init(&ctx, model, store, false, registry, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	if (!ctx.store) {
		scan_ctx_release(&ctx);
		return cli_error("no results store");
	}
	struct model *m = scan_ctx_model(&ctx, err, sizeof(err));
	if (!m) {
		scan_ctx_release(&ctx);
		return cli_error("%s", err);
	}
	/* one transaction: one sync for all the reports */
	if (store_begin(ctx.store, err, sizeof(err)) < 0) {
		scan_ctx_release(&ctx);
		return cli_error("%s", err);
	}
	for (int i = optind; i < argc && !rc; i++) {
		json_error_t je;
		json_t *r = json_load_file(argv[i], 0, &je), *v;
		char *integrity;

		if (!r) {
			rc = cli_error("malformed report '%s': line %d: %s", argv[i], je.line,
				       je.text);
			break;
		}
		integrity = store_report_integrity(r);
		if (!json_is_object(r) ||
		    strcmp(json_string_value(json_object_get(r, "schema")) ?: "", REPORT_SCHEMA) !=
			    0) {
			rc = cli_error("'%s' is not a %s report", argv[i], REPORT_SCHEMA);
		} else if (!integrity) {
			rc = cli_error("'%s' has no tarball digest (a directory scan cannot be "
				       "stored)",
				       argv[i]);
		} else if (!(v = scan_verdict(m, r, err, sizeof(err)))) {
			rc = cli_error("malformed report '%s': %s", argv[i], err);
		} else {
			json_object_set_new(r, "verdict", v);
			if (scan_ctx_record(&ctx, r, err, sizeof(err)) < 0)
				rc = cli_error("%s", err);
			else
				imported++;
		}
		free(integrity);
		json_decref(r);
	}
	if (store_commit(ctx.store, err, sizeof(err)) < 0)
		rc = cli_error("%s", err);
	else
		fprintf(stderr, "snare: imported %d report%s into %s (model %s)\n", imported,
			imported == 1 ? "" : "s", ctx.store_path, ctx.model_version);
	scan_ctx_release(&ctx);
	return rc;
}
