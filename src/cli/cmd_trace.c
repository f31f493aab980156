/* snare trace TARGET [-o report.json]: detonate and write the report.
 * snare scan TARGET... [--from FILE]: the same with a verdict.  One target
 * is detonated in this process; several are scanned in parallel child
 * processes.  Registry packages the results store already knows are
 * answered from it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "run/run.h"
#include "scan/scan.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/xalloc.h"

/* Longest line of a --from file. */
#define FROM_LINE_MAX 4096

/* The detonation options trace and scan share. */
#define RUN_OPTIONS_HELP                                                                           \
	"      --profile dev|ci   environment to present (default: dev)\n"                         \
	"      --install-timeout S   install phase deadline in seconds (default: 60)\n"            \
	"      --import-timeout S    import phase deadline in seconds (default: 20)\n"             \
	"      --execute-timeout S   execute phase deadline in seconds (default: 30)\n"            \
	"      --browser-timeout S   browser phase deadline in seconds (default: 20)\n"            \
	"      --env NAME=VALUE   extra environment variable for the package (repeatable)\n"       \
	"      --geo CC           country the fake geo-IP services answer (default: US)\n"         \
	"      --registry URL     npm registry (default: https://registry.npmjs.org)\n"            \
	"      --cache DIR        tarball cache directory\n"                                       \
	"      --workdir DIR      where to create the run's work directory\n"                      \
	"      --keep             keep the work directory\n"                                       \
	"      --seed N           reproducible identity and canaries\n"                            \
	"      --run CMD          also run CMD (sh -c, in the project) in the import phase\n"      \
	"      --max-pids N       processes and threads the sandbox allows (default: 1024)\n"      \
	"      --offline          install dependencies from npm's cache only\n"                    \
	"      --dep-store DIR    prepared dependency store (default:\n"                           \
	"                         $XDG_CACHE_HOME/snare/store)\n"                                  \
	"      --no-dep-store     install dependencies with npm, not from the store\n"             \
	"      --no-tls-intercept do not decrypt TLS (the sink refuses the handshake)\n"           \
	"      --fetch-remote-deps   also download tarball-URL and GitHub dependencies (outside\n" \
	"                         the sandbox, nothing run) and detonate them with the package\n"

#define TARGET_HELP                                                                                \
	"  TARGET                 name[@version|@tag|@range] from the registry, a local .tgz,\n"   \
	"                         or a directory with package.json\n"

static const char trace_usage[] =
	"usage: snare trace TARGET [options]\n"
	"  detonates TARGET in the sandbox and writes its behaviour report (JSON)\n" TARGET_HELP
	"  -o, --output FILE      write the report to FILE (default: stdout)\n" RUN_OPTIONS_HELP
	"      --no-trace         the same steps in the sandbox with no tracer or netsink:\n"
	"                         a baseline for benchmarks, no behaviour recorded\n"
	"  -q, --quiet            no progress or summary on stderr\n"
	"  -v, --verbose          more logging\n"
	"exit: 0 a report was written, 2 error\n";

static const char scan_usage[] =
	"usage: snare scan TARGET [options]\n"
	"       snare scan TARGET... | --from FILE [options]\n"
	"  detonates TARGET, scores its behaviour and prints the verdict with its evidence;\n"
	"  registry packages the results store knows are answered from it\n" TARGET_HELP
	"      --model FILE       the model; default: $SNARE_MODEL, then models/snare.json\n"
	"      --json             print the report with its verdict on stdout (one target)\n"
	"  -o, --output FILE      write the report with its verdict to FILE (one target)\n"
	"      --from FILE        targets from FILE, one per line (# comments)\n"
	"      --format F         {formats} (default: text)\n"
	"  -j, --jobs N           scans at once for several targets (default: CPUs, max 4)\n"
	"      --store FILE       results store (default: $XDG_CACHE_HOME/snare/results.db)\n"
	"      --no-store         neither read nor write the results store\n"
	"      --rescan           detonate even what the store knows\n" RUN_OPTIONS_HELP
	"  -q, --quiet            no progress or summary on stderr\n"
	"  -v, --verbose          more logging\n"
	"exit: 0 benign, 1 malicious, 2 error, 3 partial (not judged)\n";

struct scan_opts {
	struct run_options run;
	struct strvec env;
	struct batch_opts batch;
	const char *output, *model_path, *from;
	char *command; /* the command line, for SARIF's invocation */
	const char *timeout_arg[PHASE_COUNT], *seed_arg;
	bool scan; /* snare scan, not trace */
	bool quiet, json_out, scan_only;
	/* no option changes what the package sees, so its result may be
	 * stored and a stored one used (timeouts and the seed do not count) */
	bool neutral;
};

/* Long options with no short form. */
enum {
	OPT_EXECUTE_TIMEOUT = 0x100,
	OPT_BROWSER_TIMEOUT,
	OPT_FETCH_REMOTE_DEPS,
	OPT_DEP_STORE,
	OPT_NO_DEP_STORE
};

/* The phase a timeout option sets. */
static enum phase_id timeout_phase(int c)
{
	switch (c) {
	case 'I':
		return PHASE_INSTALL;
	case 'M':
		return PHASE_IMPORT;
	case OPT_EXECUTE_TIMEOUT:
		return PHASE_EXECUTE;
	default:
		return PHASE_BROWSER;
	}
}

/* 0, 1 after --help, or 2 after printing the error. */
static int parse_opts(int argc, char **argv, struct scan_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"profile", required_argument, NULL, 'p'},
		{"install-timeout", required_argument, NULL, 'I'},
		{"import-timeout", required_argument, NULL, 'M'},
		{"execute-timeout", required_argument, NULL, OPT_EXECUTE_TIMEOUT},
		{"browser-timeout", required_argument, NULL, OPT_BROWSER_TIMEOUT},
		{"env", required_argument, NULL, 'e'},
		{"geo", required_argument, NULL, 'g'},
		{"registry", required_argument, NULL, 'r'},
		{"cache", required_argument, NULL, 'c'},
		{"workdir", required_argument, NULL, 'w'},
		{"keep", no_argument, NULL, 'k'},
		{"seed", required_argument, NULL, 's'},
		{"run", required_argument, NULL, 'R'},
		{"max-pids", required_argument, NULL, 'P'},
		{"offline", no_argument, NULL, 'O'},
		{"no-tls-intercept", no_argument, NULL, 'T'},
		{"no-trace", no_argument, NULL, 'U'},
		{"fetch-remote-deps", no_argument, NULL, OPT_FETCH_REMOTE_DEPS},
		{"dep-store", required_argument, NULL, OPT_DEP_STORE},
		{"no-dep-store", no_argument, NULL, OPT_NO_DEP_STORE},
		{"model", required_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'J'},
		{"from", required_argument, NULL, 'F'},
		BATCH_LONGOPTS,
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->run = (struct run_options){.profile = PROFILE_DEV,
				      .timeout_ms = {[PHASE_INSTALL] = 60000,
						     [PHASE_PREPARE] = 60000,
						     [PHASE_IMPORT] = 20000,
						     [PHASE_EXECUTE] = 30000,
						     [PHASE_BROWSER] = 20000},
				      .geo = "US"};
	batch_opts_init(&o->batch);
	o->neutral = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:qvh", longopts, NULL)) != -1) {
		int r = batch_opt(&o->batch, c, optarg);
		if (r == 2)
			return 2;
		if (r == 1) {
			o->scan_only = true;
			continue;
		}
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'p':
			if (!strcmp(optarg, "ci"))
				o->run.profile = PROFILE_CI;
			else if (strcmp(optarg, "dev") != 0)
				return cli_error("unknown profile '%s' (dev or ci)", optarg);
			o->neutral &= o->run.profile == PROFILE_DEV;
			break;
		case 'I':
		case 'M':
		case OPT_EXECUTE_TIMEOUT:
		case OPT_BROWSER_TIMEOUT: {
			enum phase_id ph = timeout_phase(c);

			if (cli_parse_secs(optarg, &o->run.timeout_ms[ph]) < 0)
				return cli_error("invalid timeout '%s'", optarg);
			o->timeout_arg[ph] = optarg;
			/* prepare runs what install would, under its deadline */
			if (ph == PHASE_INSTALL)
				o->run.timeout_ms[PHASE_PREPARE] = o->run.timeout_ms[ph];
			break;
		}
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_error("invalid --env '%s' (NAME=VALUE)", optarg);
			strvec_push(&o->env, optarg);
			o->neutral = false;
			break;
		case 'g':
			o->run.geo = optarg;
			o->neutral &= !strcmp(optarg, "US");
			break;
		case 'r':
			o->run.registry = optarg;
			break;
		case 'c':
			o->run.cache_dir = optarg;
			break;
		case 'w':
			o->run.workdir = optarg;
			break;
		case 'k':
			o->run.keep_workdir = true;
			break;
		case 's':
			o->run.seed = strtoull(optarg, NULL, 10);
			o->seed_arg = optarg;
			break;
		case 'R':
			o->run.run_cmd = optarg;
			o->neutral = false;
			break;
		case 'P': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			/* below 16, init, the netsink and one shell cannot start */
			if (end == optarg || *end || n < 16 || n > 65536)
				return cli_error("invalid --max-pids '%s' (16 to 65536)", optarg);
			o->run.max_pids = (unsigned)n;
			o->neutral = false;
			break;
		}
		case 'O':
			o->run.npm_offline = true;
			o->neutral = false;
			break;
		case 'T':
			o->run.no_tls_intercept = true;
			o->neutral = false;
			break;
		case 'U':
			o->run.no_trace = true;
			o->neutral = false;
			break;
		case OPT_FETCH_REMOTE_DEPS:
			o->run.fetch_remote_deps = true;
			o->neutral = false;
			break;
		case OPT_DEP_STORE:
			o->run.dep_store = optarg;
			break;
		case OPT_NO_DEP_STORE:
			o->run.no_dep_store = true;
			break;
		case 'm':
			o->model_path = optarg;
			break;
		case 'J':
			o->json_out = true;
			break;
		case 'F':
			o->from = optarg;
			o->scan_only = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			log_threshold = LOG_DEBUG;
			break;
		case 'h':
			format_usage(o->scan ? scan_usage : trace_usage, stdout);
			return 1;
		default:
			format_usage(o->scan ? scan_usage : trace_usage, stderr);
			return 2;
		}
	}
	if (batch_opts_check(&o->batch))
		return 2;
	if (o->json_out && o->batch.format != FORMAT_TEXT)
		return cli_error("--json prints the report; it cannot be combined with --format");
	o->run.extra_env = o->env.n ? strvec_argv(&o->env) : NULL;
	return 0;
}

/* The report on stdout, or in |output| whole or not at all: a full disk
 * leaves no truncated or empty file behind (fs_out). */
static int write_report(const json_t *report, const char *output)
{
	struct fs_out o;
	FILE *f = output ? fs_out_open(&o, output) : stdout;
	int r;

	if (!f)
		return cli_error("cannot write '%s': %m", output);
	bool bad = json_dumpf(report, f, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0 ||
		   fputc('\n', f) == EOF;
	if (!output) {
		if (fflush(f) != 0 || bad)
			return cli_error("cannot write 'stdout': %m");
		return 0;
	}
	if ((r = fs_out_close(&o)) < 0) {
		errno = -r;
		return cli_error("cannot write '%s': %m", output);
	}
	return 0;
}

/* The verdict of one scanned target in --format jsonl or sarif. */
static void print_one(const char *target, const json_t *report, const struct scan_opts *o)
{
	const json_t *pkg = json_object_get(report, "package");
	struct pkg_result r = {0};
	struct stat st;

	r.target = xstrdup(target);
	r.name = xstrdup(json_string_value(json_object_get(pkg, "name")) ?: "?");
	r.version = xstrdup(json_string_value(json_object_get(pkg, "version")) ?: "?");
	if (stat(target, &st) == 0)
		r.file = S_ISDIR(st.st_mode) ? xasprintf("%s/package.json", target)
					     : xstrdup(target);
	pkg_result_set_verdict(&r, json_incref(json_object_get(report, "verdict")), ORIGIN_SCAN);
	results_print(&r, 1, o->batch.format, NULL, o->command, stdout);
	pkg_result_release(&r);
}

static int run_one(const char *target, struct scan_opts *o, bool scan)
{
	struct scan_ctx ctx = {0};
	json_t *report = NULL;
	char err[1024];
	int rc = 2;

	if (scan) {
		if (scan_ctx_init(&ctx, o->model_path, o->batch.store,
				  o->batch.no_store || !o->neutral, o->run.registry, err,
				  sizeof(err)) < 0)
			return cli_error("%s", err);
		if (!scan_ctx_model(&ctx, err, sizeof(err))) {
			cli_error("%s", err);
			goto out;
		}
		if (!o->batch.rescan &&
		    scan_stored_report(&ctx, target, o->run.registry, o->json_out || o->output,
				       &report, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			goto out;
		}
	}
	if (!report) {
		struct cli_progress prog;

		if (!o->quiet) {
			cli_progress_init(&prog);
			o->run.progress = cli_run_progress;
			o->run.progress_arg = &prog;
		}
		report = scan_detonate(scan ? &ctx : NULL, target, &o->run, err, sizeof(err));
		if (!o->quiet)
			cli_progress_clear(&prog);
		o->run.progress = NULL;
		if (!report) {
			cli_error("%s", err);
			goto out;
		}
	}
	if ((!scan || o->json_out || o->output) && write_report(report, o->output))
		goto out;
	rc = 0;
	if (scan) {
		if (o->batch.format == FORMAT_TEXT)
			cli_print_verdict(report, o->json_out ? stderr : stdout);
		else
			print_one(target, report, o);
		const char *label = json_string_value(
			json_object_get(json_object_get(report, "verdict"), "label"));
		rc = !strcmp(label, "malicious") ? 1 : !strcmp(label, "partial") ? 3 : 0;
	} else if (!o->quiet) {
		report_summary(report, stderr);
	}
out:
	json_decref(report);
	if (scan)
		scan_ctx_release(&ctx);
	return rc;
}

/* Adds a result for |target| listed at |file|:|line| (NULL, 0 on the
 * command line). */
static void add_target(struct pkg_result **r, size_t *n, size_t *alloc, const char *target,
		       const char *file, unsigned line)
{
	struct stat st;
	struct pkg_result *x;

	xgrow(r, alloc, *n + 1, sizeof(**r));
	x = &(*r)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->target = xstrdup(target); /* the child needs it as it is */
	x->status = PKG_ERROR;	     /* until it has a verdict */
	if (file) {
		x->file = text_utf8(file);
		x->line = line;
	} else if (stat(target, &st) == 0) {
		x->file = S_ISDIR(st.st_mode) ? xasprintf("%s/package.json", target)
					      : xstrdup(target);
	}
}

static int read_from(const char *path, struct pkg_result **r, size_t *n, size_t *alloc)
{
	FILE *f = fopen(path, "re");
	char line[FROM_LINE_MAX];
	unsigned no = 0;

	if (!f)
		return cli_error("cannot read '%s': %m", path);
	while (fgets(line, sizeof(line), f)) {
		char *s, *e;

		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			fclose(f);
			return cli_error("'%s': line %u is longer than %d bytes", path, no,
					 FROM_LINE_MAX - 2);
		}
		line[strcspn(line, "\r\n#")] = '\0';
		s = line + strspn(line, " \t");
		for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (*s)
			add_target(r, n, alloc, s, path, no);
	}
	if (ferror(f)) {
		fclose(f);
		return cli_error("cannot read '%s': %m", path);
	}
	fclose(f);
	return 0;
}

static void child_args(struct strvec *a, const struct scan_ctx *c, const struct scan_opts *o)
{
	strvec_push(a, "--no-store");
	strvec_push(a, "--model");
	strvec_push(a, c->model_path);
	strvec_push(a, "--registry");
	strvec_push(a, c->registry);
	if (o->run.profile == PROFILE_CI)
		strvec_push(a, "--profile=ci");
	if (o->timeout_arg[PHASE_INSTALL])
		strvec_pushf(a, "--install-timeout=%s", o->timeout_arg[PHASE_INSTALL]);
	if (o->timeout_arg[PHASE_IMPORT])
		strvec_pushf(a, "--import-timeout=%s", o->timeout_arg[PHASE_IMPORT]);
	if (o->timeout_arg[PHASE_EXECUTE])
		strvec_pushf(a, "--execute-timeout=%s", o->timeout_arg[PHASE_EXECUTE]);
	if (o->timeout_arg[PHASE_BROWSER])
		strvec_pushf(a, "--browser-timeout=%s", o->timeout_arg[PHASE_BROWSER]);
	for (size_t i = 0; i < o->env.n; i++)
		strvec_pushf(a, "--env=%s", o->env.v[i]);
	strvec_pushf(a, "--geo=%s", o->run.geo);
	if (o->run.cache_dir)
		strvec_pushf(a, "--cache=%s", o->run.cache_dir);
	if (o->run.workdir)
		strvec_pushf(a, "--workdir=%s", o->run.workdir);
	if (o->run.keep_workdir)
		strvec_push(a, "--keep");
	if (o->seed_arg)
		strvec_pushf(a, "--seed=%s", o->seed_arg);
	if (o->run.run_cmd)
		strvec_pushf(a, "--run=%s", o->run.run_cmd);
	if (o->run.npm_offline)
		strvec_push(a, "--offline");
	if (o->run.no_tls_intercept)
		strvec_push(a, "--no-tls-intercept");
	if (o->run.fetch_remote_deps)
		strvec_push(a, "--fetch-remote-deps");
	if (o->run.dep_store)
		strvec_pushf(a, "--dep-store=%s", o->run.dep_store);
	if (o->run.no_dep_store)
		strvec_push(a, "--no-dep-store");
}

static int scan_many(char **targets, int ntargets, struct scan_opts *o)
{
	struct pkg_result *r = NULL;
	size_t n = 0, alloc = 0, *todo = NULL, ntodo = 0;
	struct strvec args = STRVEC_INIT;
	struct results_summary sum;
	struct scan_ctx ctx;
	char err[1024], line[512];
	int rc = 2;

	if (o->json_out || o->output)
		return cli_error("--json and -o take one target; use --format jsonl for several");
	for (int i = 0; i < ntargets; i++)
		add_target(&r, &n, &alloc, targets[i], NULL, 0);
	if (o->from && read_from(o->from, &r, &n, &alloc))
		goto out;
	if (!n) {
		cli_error("no targets in '%s'", o->from);
		goto out;
	}
	if (scan_ctx_init(&ctx, o->model_path, o->batch.store, o->batch.no_store || !o->neutral,
			  o->run.registry, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		goto out;
	}
	ctx.rescan = o->batch.rescan;
	todo = xcalloc(n, sizeof(*todo));
	ntodo = scan_plan_targets(&ctx, r, n, o->batch.jobs, o->batch.rescan, todo);
	/* a model that cannot be loaded fails once, not in every scan */
	if (ntodo && !scan_ctx_model(&ctx, err, sizeof(err))) {
		cli_error("%s", err);
		scan_ctx_release(&ctx);
		goto out;
	}
	if (ntodo) {
		struct batch b = {.jobs = o->batch.jobs};

		if (!o->quiet && isatty(2))
			b.progress = cli_progress_bar;
		else if (!o->quiet)
			b.result = cli_batch_result;

		child_args(&args, &ctx, o);
		b.args = strvec_argv(&args);
		if (scan_children(&ctx, r, todo, ntodo, &b, err, sizeof(err)) < 0)
			cli_error("%s", err);
	}
	results_print(r, n, o->batch.format, NULL, o->command, stdout);
	fflush(stdout);
	results_count(r, n, &sum);
	if (o->batch.format != FORMAT_TEXT && !o->quiet) {
		results_summary_line(&sum, line, sizeof(line));
		fprintf(stderr, "snare: %s\n", line);
	}
	rc = results_exit_code(&sum, false);
	scan_ctx_release(&ctx);
out:
	for (size_t i = 0; i < n; i++)
		pkg_result_release(&r[i]);
	free(r);
	free(todo);
	strvec_clear(&args);
	return rc;
}

static int trace_or_scan(int argc, char **argv, bool scan)
{
	/* the words as given, before getopt reorders them */
	struct scan_opts o = {.env = STRVEC_INIT,
			      .scan = scan,
			      .command = format_command_line(program_invocation_name, argc, argv)};
	int rc = parse_opts(argc, argv, &o), ntargets = argc - optind;

	if (rc) {
		strvec_clear(&o.env);
		free(o.command);
		return rc == 1 ? 0 : rc;
	}
	if (scan && o.run.no_trace) {
		rc = cli_error("--no-trace is an option of snare trace (a baseline with no "
			       "behaviour to score)");
	} else if (!scan && o.scan_only) {
		rc = cli_error("--from, --format, --jobs, --store, --no-store and --rescan are "
			       "options of snare scan");
	} else if (ntargets == 1 && !o.from) {
		rc = run_one(argv[optind], &o, scan);
	} else if (!scan && ntargets > 1) {
		rc = cli_error("trace takes one TARGET, not '%s' too (snare scan takes several)",
			       argv[optind + 1]);
	} else if (!scan || (ntargets == 0 && !o.from)) {
		format_usage(scan ? scan_usage : trace_usage, stderr);
		rc = 2;
	} else {
		rc = scan_many(argv + optind, ntargets, &o);
	}
	strvec_clear(&o.env);
	free(o.command);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	return trace_or_scan(argc, argv, false);
}

int cmd_scan(int argc, char **argv)
{
	return trace_or_scan(argc, argv, true);
}
