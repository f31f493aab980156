/* snare npm [options] install|ci [npm args...] and snare npx [options]
 * [npx args...]: every package the command would install judged first
 * (src/guard), then the real npm or npx run in the project only when
 * nothing is malicious.  Here: the arguments, the messages, the exec. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "guard/guard.h"
#include "util/log.h"
#include "util/strvec.h"

static const char usage_npm[] =
	"usage: snare npm [options] install|ci [npm arguments...]\n"
	"  every package npm would install is judged first (results store, else a\n"
	"  detonation in snare's sandbox); npm runs only if none is malicious\n"
	"  exit: npm's when it ran; 1 malicious; 2 error; 3 blocked (not judged, --min-age)\n"
	"options (before the npm command):\n"
	"      --on-unjudged P    block|warn a package that could not be judged (default:\n"
	"                         block when it has install scripts, else warn)\n"
	"      --min-age DAYS     hold back versions published less than DAYS ago, unless\n"
	"                         the store judged them benign\n"
	"      --registry URL     npm registry (default: the project's .npmrc, then npm's)\n"
	"      --store FILE       results store (default: $XDG_CACHE_HOME/snare/results.db)\n"
	"      --no-store         neither read nor write the results store\n"
	"  -j, --jobs N           scans at once (default: the CPUs, at most 4)\n"
	"      --cache DIR        tarball cache (default: $XDG_CACHE_HOME/snare/tarballs)\n"
	"      --model FILE       the model; default: $SNARE_MODEL, then models/snare.json\n"
	"  -q, --quiet            only blocks and warnings on stderr\n";

static const char usage_npx[] =
	"usage: snare npx [options] [npx options] PKG[@VERSION] [args...]\n"
	"  the package npx would fetch (-p/--package PKG, else the first argument) and\n"
	"  its dependencies are judged first; npx runs only if none is malicious\n"
	"  options: as for snare npm (snare npm --help)\n";

/* npm's names for the commands the guard knows. */
static const struct {
	const char *name;
	enum guard_kind kind;
} npm_commands[] = {
	{"install", GUARD_INSTALL},  {"i", GUARD_INSTALL},	  {"add", GUARD_INSTALL},
	{"in", GUARD_INSTALL},	     {"isntall", GUARD_INSTALL},  {"ci", GUARD_CI},
	{"clean-install", GUARD_CI}, {"install-clean", GUARD_CI}, {"ic", GUARD_CI},
};

struct npm_opts {
	struct guard_opts g;
	bool quiet;
};

static const struct option longopts[] = {
	{"on-unjudged", required_argument, NULL, 'U'},
	{"min-age", required_argument, NULL, 'A'},
	{"registry", required_argument, NULL, 'r'},
	{"store", required_argument, NULL, 'S'},
	{"no-store", no_argument, NULL, 'N'},
	{"jobs", required_argument, NULL, 'j'},
	{"cache", required_argument, NULL, 'c'},
	{"model", required_argument, NULL, 'm'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* How many arguments of |argv| (from 1) are snare's options: they end at
 * the first argument that is not one, so that npm's and npx's own options
 * (npx --yes) are left to them. */
static int snare_prefix(int argc, char **argv)
{
	int i = 1;

	while (i < argc) {
		const char *a = argv[i];
		bool takes = false, known = false;

		if (!strcmp(a, "-j") || !strcmp(a, "-q") || !strcmp(a, "-v") || !strcmp(a, "-h")) {
			known = true;
			takes = a[1] == 'j';
		} else if (!strncmp(a, "-j", 2) && a[2]) {
			known = true;
		}
		for (const struct option *l = longopts; !known && l->name; l++) {
			size_t n = strlen(l->name);

			if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, l->name, n) != 0)
				continue;
			known = a[2 + n] == '\0' || a[2 + n] == '=';
			takes = known && a[2 + n] == '\0' && l->has_arg == required_argument;
		}
		if (!known)
			break;
		i += takes ? 2 : 1;
	}
	return i < argc ? i : argc;
}

static int parse_opts(int argc, char **argv, struct npm_opts *o, const char *usage)
{
	char *end;
	long jobs;
	int c;

	int prefix = snare_prefix(argc, argv);

	optind = 1;
	while ((c = getopt_long(prefix, argv, "+j:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'U':
			if (guard_parse_unjudged(optarg, &o->g.unjudged) < 0)
				return cli_error("invalid --on-unjudged '%s' (block or warn)",
						 optarg);
			break;
		case 'A':
			o->g.min_age_days = strtod(optarg, &end);
			if (end == optarg || *end || !(o->g.min_age_days >= 0) ||
			    o->g.min_age_days > 36500)
				return cli_error("invalid --min-age '%s' (days, e.g. 3 or 0.5)",
						 optarg);
			break;
		case 'r':
			o->g.registry = optarg;
			break;
		case 'S':
			o->g.store = optarg;
			break;
		case 'N':
			o->g.no_store = true;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (end == optarg || *end || jobs < 1 || jobs > 64)
				return cli_error("invalid --jobs '%s' (1 to 64)", optarg);
			o->g.jobs = (unsigned)jobs;
			break;
		case 'c':
			o->g.cache = optarg;
			break;
		case 'm':
			o->g.model = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			log_threshold = LOG_DEBUG;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (o->g.store && o->g.no_store)
		return cli_error("--store and --no-store cannot be combined");
	return 0;
}

static void note_line(const char *line)
{
	fprintf(stderr, "snare: %s\n", line);
}

static void init_opts(struct npm_opts *o)
{
	static char cwd[4096];

	memset(o, 0, sizeof(*o));
	o->g.project = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
}

static const char *origin_word(enum pkg_origin origin)
{
	static const char *const words[] = {"", "scanned", "stored", "re-scored"};

	return words[origin];
}

static void print_malicious(const struct pkg_result *r, const char *id)
{
	const json_t *v = r->verdict, *e;
	size_t i;

	fprintf(stderr, "snare: blocked: %s is malicious (probability %.3f, %s)\n", id,
		json_real_value(json_object_get(v, "probability")), origin_word(r->origin));
	if (json_string_value(json_object_get(v, "summary")))
		fprintf(stderr, "  %s\n", json_string_value(json_object_get(v, "summary")));
	json_array_foreach (json_object_get(v, "explanations"), i, e)
		fprintf(stderr, "  %+.2f  %s\n",
			json_real_value(json_object_get(e, "contribution")),
			json_string_value(json_object_get(e, "text")));
}

static void print_pkg(const struct pkg_result *r, const struct guard_pkg *g,
		      const struct guard_opts *o)
{
	char id[512];
	char *why = NULL;
	bool auto_policy = o->unjudged == GUARD_UNJUDGED_AUTO;

	pkg_result_id(r, id, sizeof(id));
	if (g->action == GUARD_BLOCK_UNJUDGED || g->action == GUARD_WARN)
		why = guard_unjudged_reason(r);
	switch (g->action) {
	case GUARD_BLOCK_MALICIOUS:
		print_malicious(r, id);
		break;
	case GUARD_BLOCK_UNJUDGED:
		fprintf(stderr, "snare: blocked: %s could not be judged (%s)%s\n", id, why,
			auto_policy
				? "; it has install scripts (--on-unjudged=warn lets it through)"
				: " (--on-unjudged=block)");
		break;
	case GUARD_WARN:
		fprintf(stderr, "snare: warning: %s could not be judged (%s); installing it %s\n",
			id, why,
			auto_policy ? "as it has no install scripts (--on-unjudged=block stops it)"
				    : "(--on-unjudged=warn)");
		break;
	case GUARD_HOLD:
		if (g->age_days >= 0)
			fprintf(stderr,
				"snare: held back: %s was published %.1f days ago (--min-age %g) "
				"and the store has no benign verdict for it\n",
				id, g->age_days, o->min_age_days);
		else
			fprintf(stderr, "snare: held back: %s: %s (--min-age %g)\n", id, r->reason,
				o->min_age_days);
		break;
	case GUARD_OK:
	case GUARD_SKIP:
		break;
	}
	free(why);
}

/* Blocks first, then what was held back, then warnings. */
static void print_decisions(const struct guard_result *res, const struct guard_opts *o)
{
	static const enum guard_action order[] = {GUARD_BLOCK_MALICIOUS, GUARD_BLOCK_UNJUDGED,
						  GUARD_HOLD, GUARD_WARN};

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (size_t i = 0; i < res->n; i++)
			if (res->pkgs[i].action == order[k])
				print_pkg(&res->r[i], &res->pkgs[i], o);
}

static void print_end(const struct guard_result *res, const char *what, bool quiet)
{
	char counts[256] = "";
	size_t len = 0;

	if (res->exit_code == 0) {
		if (!quiet)
			fprintf(stderr,
				"snare: %zu package%s checked (%zu stored, %zu scanned), nothing "
				"malicious; running %s\n",
				res->n, res->n == 1 ? "" : "s", res->stored, res->scanned, what);
		return;
	}
	if (res->malicious)
		len += (size_t)snprintf(counts + len, sizeof(counts) - len, "%zu malicious",
					res->malicious);
	if (res->blocked)
		len += (size_t)snprintf(counts + len, sizeof(counts) - len, "%s%zu not judged",
					len ? ", " : "", res->blocked);
	if (res->held)
		snprintf(counts + len, sizeof(counts) - len, "%s%zu held back", len ? ", " : "",
			 res->held);
	fprintf(stderr, "snare: %s blocked (%s): nothing was installed or run\n", what, counts);
}

/* Runs the real command; returns only when it cannot be started. */
static int exec_npm(char **argv)
{
	sigset_t none;

	fflush(NULL);
	/* snare's main() blocks SIGCHLD; npm must see its children end */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	return cli_error("cannot run %s: %s", argv[0], strerror(errno));
}

/* Checks, prints, and on success runs |argv|. */
static int guard_and_run(struct npm_opts *o, const char *what, char **argv)
{
	struct guard_result res;
	char err[1024];
	int rc;

	if (!o->quiet) {
		o->g.note = note_line;
		if (isatty(2))
			o->g.progress = cli_progress_bar;
	}
	if (guard_check(&o->g, &res, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	print_decisions(&res, &o->g);
	print_end(&res, what, o->quiet);
	rc = res.exit_code;
	guard_result_release(&res);
	return rc ? rc : exec_npm(argv);
}

static int find_command(const char *name, enum guard_kind *kind)
{
	for (size_t i = 0; i < sizeof(npm_commands) / sizeof(npm_commands[0]); i++)
		if (!strcmp(name, npm_commands[i].name)) {
			*kind = npm_commands[i].kind;
			return 0;
		}
	return -1;
}

int cmd_npm(int argc, char **argv)
{
	struct npm_opts o;
	struct strvec run = STRVEC_INIT;
	char what[64];
	int rc;

	init_opts(&o);
	rc = parse_opts(argc, argv, &o, usage_npm);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (optind >= argc) {
		fputs(usage_npm, stderr);
		return 2;
	}
	if (argv[optind][0] == '-')
		return cli_error("unknown option '%s' (snare npm --help)", argv[optind]);
	if (find_command(argv[optind], &o.g.kind) < 0)
		return cli_error("'npm %s' is not guarded (install, ci and their aliases are); "
				 "run it with npm itself",
				 argv[optind]);
	o.g.args = argv + optind + 1;
	o.g.nargs = (size_t)(argc - optind - 1);
	strvec_push(&run, "npm");
	strvec_push(&run, argv[optind]);
	if (o.g.registry)
		strvec_pushf(&run, "--registry=%s", o.g.registry);
	for (int i = optind + 1; i < argc; i++)
		strvec_push(&run, argv[i]);
	snprintf(what, sizeof(what), "npm %s", argv[optind]);
	rc = guard_and_run(&o, what, strvec_argv(&run));
	strvec_clear(&run);
	return rc;
}

/* The packages npx would fetch: each -p/--package, else its first
 * argument that is not an option. */
static void npx_packages(int argc, char **argv, struct strvec *pkgs)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "-p") || !strcmp(a, "--package")) && i + 1 < argc)
			strvec_push(pkgs, argv[++i]);
		else if (!strncmp(a, "--package=", 10))
			strvec_push(pkgs, a + 10);
		else if ((!strcmp(a, "-c") || !strcmp(a, "--call")) && i + 1 < argc)
			i++;
		else if (!strcmp(a, "--"))
			continue;
		else if (a[0] != '-' && !pkgs->n) {
			strvec_push(pkgs, a);
			return;
		} else if (a[0] != '-')
			return;
	}
}

int cmd_npx(int argc, char **argv)
{
	struct npm_opts o;
	struct strvec run = STRVEC_INIT, pkgs = STRVEC_INIT;
	int rc;

	init_opts(&o);
	rc = parse_opts(argc, argv, &o, usage_npx);
	if (rc)
		return rc == 1 ? 0 : rc;
	npx_packages(argc - optind, argv + optind, &pkgs);
	if (!pkgs.n) {
		fputs(usage_npx, stderr);
		return 2;
	}
	o.g.kind = GUARD_NPX;
	o.g.args = strvec_argv(&pkgs);
	o.g.nargs = pkgs.n;
	strvec_push(&run, "npx");
	if (o.g.registry)
		strvec_pushf(&run, "--registry=%s", o.g.registry);
	for (int i = optind; i < argc; i++)
		strvec_push(&run, argv[i]);
	rc = guard_and_run(&o, "npx", strvec_argv(&run));
	strvec_clear(&run);
	strvec_clear(&pkgs);
	return rc;
}
