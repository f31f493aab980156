/* snare audit [DIR|LOCKFILE]: every package a project's lockfiles pin,
 * answered from the results store or detonated (in parallel), with a
 * verdict per package; what cannot be scanned is listed, never skipped in
 * silence. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lockfile/lockfile.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"

static const char usage[] =
	"usage: snare audit [DIR|LOCKFILE] [options]\n"
	"  DIR                    a project with package-lock.json, npm-shrinkwrap.json, yarn.lock\n"
	"                         or pnpm-lock.yaml (default: .)\n"
	"  -j, --jobs N           scans at once (default: the CPUs, at most 4)\n"
	"      --format F         {formats} (default: text)\n"
	"      --json             the same as --format jsonl\n"
	"  -o, --output FILE      write the result to FILE (whole or not at all; default: stdout)\n"
	"      --all              text: list every package (default: findings, failures, partial\n"
	"                         and not scanned ones, and a count of the benign ones)\n"
	"      --store FILE       results store (default: $XDG_CACHE_HOME/snare/results.db)\n"
	"      --no-store         neither read nor write the results store\n"
	"      --rescan           detonate packages the store already knows\n"
	"      --strict           exit 2 when anything was not scanned\n"
	"      --registry URL     npm registry (default: https://registry.npmjs.org)\n"
	"      --cache DIR        tarball cache (default: $XDG_CACHE_HOME/snare/tarballs)\n"
	"      --model FILE       the model; default: $SNARE_MODEL, then models/snare.json\n"
	"      --install-timeout S   install phase deadline per package (default: 60)\n"
	"      --import-timeout S    import phase deadline per package (default: 20)\n"
	"  -q, --quiet            no progress or summary on stderr; text lists only findings\n"
	"  -v, --verbose          more logging\n"
	"exit: 0 clean, 1 malicious, 2 error (or interrupted), 3 partial (not judged)\n";

struct audit_opts {
	struct batch_opts batch;
	const char *registry, *cache, *model;
	const char *install_timeout, *import_timeout;
	const char *output; /* -o; NULL: stdout */
	bool strict, quiet, all, json;
};

/* The lockfiles to read: |target| itself, or those in the directory. */
static int find_lockfiles(const char *target, char ***paths, size_t *n)
{
	struct stat st;
	int r;

	if (stat(target, &st) < 0)
		return cli_error("cannot read '%s': %s", target, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		*paths = xcalloc(2, sizeof(char *));
		(*paths)[0] = xstrdup(target);
		*n = 1;
		return 0;
	}
	r = lockfile_find(target, paths, n);
	if (r < 0)
		return cli_error("cannot read '%s': %s", target, strerror(-r));
	if (!*n) {
		free(*paths);
		*paths = NULL;
		return cli_error("no lockfile in '%s' (package-lock.json, npm-shrinkwrap.json, "
				 "yarn.lock or pnpm-lock.yaml)",
				 target);
	}
	return 0;
}

/* One result per package, unique across the lockfiles. */
static struct pkg_result *collect(struct lockfile *lfs, size_t nlf, size_t *n)
{
	json_t *seen = json_object();
	struct pkg_result *r = NULL;
	size_t alloc = 0;

	*n = 0;
	for (size_t f = 0; f < nlf; f++) {
		for (size_t i = 0; i < lfs[f].n; i++) {
			const struct lock_entry *e = &lfs[f].entries[i];
			char *key = xasprintf("%d\n%s\n%s\n%s", (int)e->source, e->name,
					      e->version ? e->version : "",
					      e->source == LOCK_REGISTRY ? ""
					      : e->resolved		 ? e->resolved
									 : "");

			if (json_object_get(seen, key)) {
				free(key);
				continue;
			}
			json_object_set_new_nocheck(seen, key, json_true());
			free(key);
			xgrow(&r, &alloc, *n + 1, sizeof(*r));
			struct pkg_result *x = &r[(*n)++];
			memset(x, 0, sizeof(*x));
			x->name = text_utf8(e->name);
			x->version = text_utf8(e->version);
			x->file = text_utf8(lfs[f].path);
			x->line = e->line;
			if (e->source == LOCK_REGISTRY) {
				x->target = xasprintf("%s@%s", e->name, e->version);
				x->integrity = lock_sri_sha512(e->integrity);
				x->status = PKG_ERROR; /* until it has a verdict */
			} else {
				x->target = text_utf8(e->resolved ? e->resolved : e->name);
				x->status = PKG_NOT_SCANNED;
				x->kind = xstrdup(lock_source_name(e->source));
				/* "git dependency 'git+https://...'", "no exact version
				 * in the lockfile ('latest')" */
				bool what =
					e->source == LOCK_NO_VERSION || e->source == LOCK_INVALID;

				char *why = e->resolved ? xasprintf(what ? "%s ('%s')" : "%s '%s'",
								    lock_source_reason(e->source),
								    e->resolved)
							: xstrdup(lock_source_reason(e->source));

				x->reason = text_utf8(why);
				free(why);
			}
		}
	}
	json_decref(seen);
	return r;
}

static void child_args(struct strvec *args, const struct scan_ctx *c, const struct audit_opts *o)
{
	scan_child_args(args, c, o->cache);
	if (o->install_timeout) {
		strvec_push(args, "--install-timeout");
		strvec_push(args, o->install_timeout);
	}
	if (o->import_timeout) {
		strvec_push(args, "--import-timeout");
		strvec_push(args, o->import_timeout);
	}
}

static int parse_opts(int argc, char **argv, struct audit_opts *o)
{
	static const struct option longopts[] = {
		BATCH_LONGOPTS,
		{"strict", no_argument, NULL, 's'},
		{"registry", required_argument, NULL, 'r'},
		{"cache", required_argument, NULL, 'c'},
		{"model", required_argument, NULL, 'm'},
		{"install-timeout", required_argument, NULL, 'I'},
		{"import-timeout", required_argument, NULL, 'M'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'J'},
		{"output", required_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	batch_opts_init(&o->batch);
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:o:qvh", longopts, NULL)) != -1) {
		int r = batch_opt(&o->batch, c, optarg);
		if (r == 2)
			return 2;
		if (r == 1)
			continue;
		switch (c) {
		case 's':
			o->strict = true;
			break;
		case 'J':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'a':
			o->all = true;
			break;
		case 'r':
			o->registry = optarg;
			break;
		case 'c':
			o->cache = optarg;
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'I':
		case 'M': {
			unsigned ms;

			if (cli_parse_secs(optarg, &ms) < 0)
				return cli_error("invalid timeout '%s'", optarg);
			*(c == 'I' ? &o->install_timeout : &o->import_timeout) = optarg;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			log_threshold = LOG_DEBUG;
			break;
		case 'h':
			format_usage(usage, stdout);
			return 1;
		default:
			format_usage(usage, stderr);
			return 2;
		}
	}
	if (batch_opts_check(&o->batch))
		return 2;
	if (o->json && o->batch.format != FORMAT_TEXT && o->batch.format != FORMAT_JSONL)
		return cli_error("--json is --format jsonl; it cannot be combined with another "
				 "--format");
	if (o->json)
		o->batch.format = FORMAT_JSONL;
	if (argc - optind > 1)
		return cli_error("audit takes one DIR or LOCKFILE, not '%s' too", argv[optind + 1]);
	return 0;
}

/* Prints the results (on stdout or in -o FILE, whole or not at all) and
 * the summary line on stderr when the output is not the text on stdout.
 * Returns the exit code. */
static int print_results(struct pkg_result *r, size_t n, const struct lockfile *lfs, size_t nlf,
			 const struct audit_opts *o, const char *cmd)
{
	struct results_summary sum;
	struct strbuf title;
	struct fs_out out;
	char line[512];
	int werr, rc;

	strbuf_init(&title, 0);
	strbuf_addstr(&title, "snare audit:");
	for (size_t i = 0; i < nlf; i++)
		strbuf_addf(&title, "%s %s (%s)", i ? "," : "", lfs[i].path, lfs[i].format);
	const struct format_args fa = {.title = title.buf,
				       .command = cmd,
				       .fold_benign = !o->all,
				       .findings_only = o->quiet};
	FILE *f = o->output ? fs_out_open(&out, o->output) : stdout;

	if (f) {
		results_print_args(r, n, o->batch.format, &fa, f);
		werr = o->output ? fs_out_close(&out) : fflush(f) ? -errno : 0;
	} else {
		werr = -errno;
	}
	strbuf_release(&title);
	results_count(r, n, &sum);
	if ((o->batch.format != FORMAT_TEXT || o->output) && !o->quiet) {
		results_summary_line(&sum, line, sizeof(line));
		fprintf(stderr, "snare: %s\n", line);
	}
	rc = results_exit_code(&sum, o->strict);
	if (werr < 0) {
		errno = -werr;
		rc = cli_error("cannot write '%s': %m", o->output ? o->output : "stdout");
	}
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_opts o;
	struct lockfile *lfs = NULL;
	struct pkg_result *r = NULL;
	struct scan_ctx ctx;
	struct strvec args = STRVEC_INIT;
	char **paths = NULL, err[1024];
	size_t npaths = 0, nlf = 0, n = 0, *todo = NULL, ntodo = 0;
	/* SARIF's invocation: the words as given, before getopt reorders them */
	char *cmd = format_command_line(program_invocation_name, argc, argv);
	int rc = parse_opts(argc, argv, &o);

	if (rc) {
		free(cmd);
		return rc == 1 ? 0 : rc;
	}
	if (find_lockfiles(optind < argc ? argv[optind] : ".", &paths, &npaths)) {
		free(cmd);
		return 2;
	}
	lfs = xcalloc(npaths, sizeof(*lfs));
	rc = 2;
	for (; nlf < npaths; nlf++) {
		if (lockfile_load(paths[nlf], &lfs[nlf], err, sizeof(err)) < 0) {
			cli_error("%s", err);
			goto out;
		}
	}
	if (scan_ctx_init(&ctx, o.model, o.batch.store, o.batch.no_store, o.registry, err,
			  sizeof(err)) < 0) {
		cli_error("%s", err);
		goto out;
	}
	ctx.rescan = o.batch.rescan;
	r = collect(lfs, nlf, &n);
	todo = xcalloc(n ? n : 1, sizeof(*todo));
	ntodo = scan_plan_packages(&ctx, r, n, o.batch.rescan, todo);
	/* a model that cannot be loaded fails once, not in every scan */
	if (ntodo && !scan_ctx_model(&ctx, err, sizeof(err))) {
		cli_error("%s", err);
		scan_ctx_release(&ctx);
		goto out;
	}
	if (ntodo) {
		struct batch b = {.jobs = o.batch.jobs};

		if (!o.quiet && isatty(2))
			b.progress = cli_progress_bar;
		else if (!o.quiet)
			b.result = cli_batch_result;

		child_args(&args, &ctx, &o);
		b.args = strvec_argv(&args);
		if (!o.quiet)
			fprintf(stderr, "snare: %zu of %zu packages to scan\n", ntodo, n);
		if (scan_children(&ctx, r, todo, ntodo, &b, err, sizeof(err)) < 0)
			cli_error("%s", err);
	}
	rc = print_results(r, n, lfs, nlf, &o, cmd);
	scan_ctx_release(&ctx);
out:
	for (size_t i = 0; i < n; i++)
		pkg_result_release(&r[i]);
	free(r);
	free(todo);
	for (size_t i = 0; i < nlf; i++)
		lockfile_release(&lfs[i]);
	free(lfs);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	strvec_clear(&args);
	free(cmd);
	return rc;
}
