/* snare trace TARGET [-o report.json]: detonate and write the report. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/model.h"
#include "report/report.h"
#include "run/run.h"
#include "util/log.h"
#include "util/strvec.h"

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("snare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static const char usage[] =
	"usage: snare trace|scan TARGET [options]\n"
	"  TARGET                 a directory with package.json, a .tgz, or name[@version]\n"
	"  -o, --output FILE      write the JSON report to FILE (default: stdout)\n"
	"      --profile dev|ci   environment to present (default: dev)\n"
	"      --install-timeout S   install phase deadline in seconds (default: 60)\n"
	"      --import-timeout S    import phase deadline in seconds (default: 20)\n"
	"      --env NAME=VALUE   extra environment variable for the package (repeatable)\n"
	"      --geo CC           country the fake geo-IP services answer (default: US)\n"
	"      --registry URL     npm registry (default: https://registry.npmjs.org)\n"
	"      --cache DIR        tarball cache directory\n"
	"      --workdir DIR      where to create the run's work directory\n"
	"      --keep             keep the work directory\n"
	"      --seed N           reproducible identity and canaries\n"
	"      --run CMD          also run CMD (sh -c, in the project) in the import phase\n"
	"      --offline          install dependencies from npm's cache only\n"
	"      --no-tls-intercept do not decrypt TLS (the sink refuses the handshake)\n"
	"      --model FILE       (scan) the model; default: $SNARE_MODEL, then models/snare.json\n"
	"      --json             (scan) print the report with its verdict on stdout\n"
	"  -q, --quiet            no summary on stderr\n"
	"  -v, --verbose          more logging\n";

static int parse_secs(const char *s, unsigned *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v <= 0 || v > 86400)
		return -1;
	*ms = (unsigned)(v * 1000);
	return 0;
}

static int trace_or_scan(int argc, char **argv, bool scan)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"profile", required_argument, NULL, 'p'},
		{"install-timeout", required_argument, NULL, 'I'},
		{"import-timeout", required_argument, NULL, 'M'},
		{"env", required_argument, NULL, 'e'},
		{"geo", required_argument, NULL, 'g'},
		{"registry", required_argument, NULL, 'r'},
		{"cache", required_argument, NULL, 'c'},
		{"workdir", required_argument, NULL, 'w'},
		{"keep", no_argument, NULL, 'k'},
		{"seed", required_argument, NULL, 's'},
		{"run", required_argument, NULL, 'R'},
		{"offline", no_argument, NULL, 'O'},
		{"no-tls-intercept", no_argument, NULL, 'T'},
		{"model", required_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'J'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct run_options opts = {
		.profile = PROFILE_DEV, .timeout_ms = {60000, 20000}, .geo = "US"};
	struct strvec env = STRVEC_INIT;
	const char *output = NULL, *model_path = NULL;
	bool quiet = false, json_out = false;
	char err[1024];
	int c, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'p':
			if (!strcmp(optarg, "ci"))
				opts.profile = PROFILE_CI;
			else if (strcmp(optarg, "dev") != 0)
				return cli_error("unknown profile '%s' (dev or ci)", optarg);
			break;
		case 'I':
		case 'M':
			if (parse_secs(optarg,
				       &opts.timeout_ms[c == 'I' ? PHASE_INSTALL : PHASE_IMPORT]) <
			    0)
				return cli_error("invalid timeout '%s'", optarg);
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_error("invalid --env '%s' (NAME=VALUE)", optarg);
			strvec_push(&env, optarg);
			break;
		case 'g':
			opts.geo = optarg;
			break;
		case 'r':
			opts.registry = optarg;
			break;
		case 'c':
			opts.cache_dir = optarg;
			break;
		case 'w':
			opts.workdir = optarg;
			break;
		case 'k':
			opts.keep_workdir = true;
			break;
		case 's':
			opts.seed = strtoull(optarg, NULL, 10);
			break;
		case 'R':
			opts.run_cmd = optarg;
			break;
		case 'O':
			opts.npm_offline = true;
			break;
		case 'T':
			opts.no_tls_intercept = true;
			break;
		case 'm':
			model_path = optarg;
			break;
		case 'J':
			json_out = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			log_threshold = LOG_DEBUG;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	opts.extra_env = env.n ? strvec_argv(&env) : NULL;

	struct model *model = NULL;
	if (scan) {
		model = cli_load_model(model_path);
		if (!model) {
			strvec_clear(&env);
			return 2;
		}
	}
	struct run_result res;
	if (run_detonate(argv[optind], &opts, &res, err, sizeof(err)) < 0) {
		strvec_clear(&env);
		model_free(model);
		return cli_error("%s", err);
	}
	json_t *report = report_build(&res);
	run_result_release(&res);
	if (scan) {
		json_t *verdict = cli_verdict(model, report, err, sizeof(err));
		if (!verdict) {
			rc = cli_error("%s", err);
			goto out;
		}
		json_object_set_new(report, "verdict", verdict);
	}
	if (!scan || json_out || output) {
		FILE *f = output ? fopen(output, "we") : stdout;
		if (!f) {
			rc = cli_error("cannot write '%s': %m", output);
			goto out;
		}
		if (json_dumpf(report, f, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0 ||
		    fputc('\n', f) == EOF || (output ? fclose(f) : fflush(f)) != 0) {
			rc = cli_error("cannot write '%s': %m", output ? output : "stdout");
			goto out;
		}
	}
	rc = 0;
	if (scan) {
		cli_print_verdict(report, json_out ? stderr : stdout);
		rc = !strcmp(json_string_value(
				     json_object_get(json_object_get(report, "verdict"), "label")),
			     "malicious");
	} else if (!quiet) {
		report_summary(report, stderr);
	}
out:
	json_decref(report);
	model_free(model);
	strvec_clear(&env);
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
