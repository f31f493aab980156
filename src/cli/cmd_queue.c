/* snare queue add|status|retry and snare worker: detonations through the
 * job queue of a shared PostgreSQL store (src/queue). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "queue/queue.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/log.h"
#include "util/strvec.h"

#define FROM_LINE_MAX 4096

/* --store, else $SNARE_STORE; it must be a database.  NULL after the
 * error. */
static const char *queue_url(const char *opt)
{
	const char *url = opt ? opt : getenv("SNARE_STORE");

	if (!url || !url[0]) {
		cli_error("the queue lives in a PostgreSQL store: give --store postgresql://... "
			  "or set SNARE_STORE");
		return NULL;
	}
	if (!store_is_url(url)) {
		cli_error("the queue needs a PostgreSQL store, not the file '%s'", url);
		return NULL;
	}
	return url;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int add_targets(struct queue *q, char **targets, int n, const char *from, int priority)
{
	char err[1024], line[FROM_LINE_MAX];
	long long added = 0, known = 0;
	bool fresh;
	FILE *f = NULL;

	if (from) {
		f = fopen(from, "re");
		if (!f)
			return cli_error("cannot read '%s': %m", from);
	}
	for (int i = 0;; i++) {
		const char *t;
		if (i < n) {
			t = targets[i];
		} else if (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = '\0';
			char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p || *p == '#')
				continue;
			t = p;
		} else {
			break;
		}
		if (queue_add(q, t, priority, &fresh, err, sizeof(err)) < 0) {
			if (f)
				fclose(f);
			return cli_error("%s", err);
		}
		added += fresh;
		known += !fresh;
	}
	if (f)
		fclose(f);
	fprintf(stderr, "queued %lld job%s", added, added == 1 ? "" : "s");
	if (known)
		fprintf(stderr, " (%lld already pending or running)", known);
	fputc('\n', stderr);
	return 0;
}

static int print_status(struct queue *q, bool json_out)
{
	struct queue_status st;
	char err[1024];

	if (queue_get_status(q, 20, &st, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	if (json_out) {
		json_t *fails = json_array();
		for (size_t i = 0; i < st.nfailures; i++)
			json_array_append_new(fails, json_pack("{s:I, s:s, s:i, s:s}", "id",
							       (json_int_t)st.failures[i].id,
							       "target", st.failures[i].target,
							       "attempts", st.failures[i].attempts,
							       "error", st.failures[i].error));
		json_t *o = json_pack(
			"{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:f, s:o}", "pending",
			(json_int_t)st.pending, "running", (json_int_t)st.running, "done",
			(json_int_t)st.done, "failed", (json_int_t)st.failed, "done_last", "1m",
			(json_int_t)st.done_1m, "5m", (json_int_t)st.done_5m, "15m",
			(json_int_t)st.done_15m, "median_secs", st.median_secs, "failures", fails);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("pending %lld  running %lld  done %lld  failed %lld\n", st.pending,
		       st.running, st.done, st.failed);
		printf("done in the last 1/5/15 minutes: %lld / %lld / %lld (%.0f per hour over "
		       "15 min)",
		       st.done_1m, st.done_5m, st.done_15m, (double)st.done_15m * 4.0);
		if (st.done_15m)
			printf(", median %.1f s a job", st.median_secs);
		putchar('\n');
		for (size_t i = 0; i < st.nfailures; i++)
			printf("failed  %lld  %s  (%d attempt%s): %s\n", st.failures[i].id,
			       st.failures[i].target, st.failures[i].attempts,
			       st.failures[i].attempts == 1 ? "" : "s", st.failures[i].error);
	}
	queue_status_release(&st);
	return 0;
}

int cmd_queue(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 'S'},    {"from", required_argument, NULL, 'F'},
		{"priority", required_argument, NULL, 'P'}, {"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},	    {NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: snare queue add TARGET... | --from FILE [--priority N] [--store URL]\n"
		"       snare queue status [--json] [--store URL]\n"
		"       snare queue retry [--store URL]\n"
		"  the job queue of a PostgreSQL store (--store postgresql://..., or\n"
		"  $SNARE_STORE); snare worker runs its jobs\n";
	const char *store = NULL, *from = NULL, *verb;
	long priority = 0;
	bool json_out = false;
	char err[1024];
	struct queue *q;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'S')
			store = optarg;
		else if (c == 'F')
			from = optarg;
		else if (c == 'J')
			json_out = true;
		else if (c == 'P') {
			if (parse_int(optarg, -1000000, 1000000, &priority) < 0)
				return cli_error("--priority: not an integer: '%s'", optarg);
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	verb = argv[optind++];
	if (strcmp(verb, "add") != 0 && strcmp(verb, "status") != 0 && strcmp(verb, "retry") != 0)
		return cli_error("unknown queue command '%s' (add, status, retry)", verb);
	if (!strcmp(verb, "add") && optind >= argc && !from)
		return cli_error("queue add: give targets or --from FILE");
	if (strcmp(verb, "add") != 0 && (optind < argc || from))
		return cli_error("queue %s takes no targets", verb);
	const char *url = queue_url(store);
	if (!url)
		return 2;
	if (queue_open(url, &q, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	if (!strcmp(verb, "add")) {
		rc = add_targets(q, argv + optind, argc - optind, from, (int)priority);
	} else if (!strcmp(verb, "status")) {
		rc = print_status(q, json_out);
	} else {
		long long n = 0;
		rc = queue_retry(q, &n, err, sizeof(err)) < 0 ? cli_error("%s", err) : 0;
		if (rc == 0)
			fprintf(stderr, "re-queued %lld failed job%s\n", n, n == 1 ? "" : "s");
	}
	queue_close(q);
	return rc;
}

int cmd_worker(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 'S'},
		{"jobs", required_argument, NULL, 'j'},
		{"lease", required_argument, NULL, 'L'},
		{"registry", required_argument, NULL, 'r'},
		{"model", required_argument, NULL, 'm'},
		{"install-timeout", required_argument, NULL, 'I'},
		{"drain", no_argument, NULL, 'D'},
		{"poll", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: snare worker [--store URL] [-j N] [options]\n"
		"  runs the jobs of the queue of a PostgreSQL store (--store or $SNARE_STORE),\n"
		"  N at a time, each as a child snare scan that records its verdict there;\n"
		"  SIGTERM: stops after the running jobs\n"
		"  -j, --jobs N           detonations at once (default: CPUs, max 4)\n"
		"      --lease S          seconds a claim holds without renewal (default: 60)\n"
		"      --registry URL     npm registry for the scans\n"
		"      --model FILE       the model for the scans\n"
		"      --install-timeout S   the scans' install deadline\n"
		"      --drain            exit once nothing is left to claim\n"
		"      --poll S           seconds between claims while the queue is empty (default: "
		"1)\n"
		"  -v, --verbose          more logging\n";
	const char *store = NULL;
	struct worker_opts o = {.jobs = batch_default_jobs(), .lease_secs = 60, .poll_ms = 1000};
	struct strvec args = STRVEC_INIT;
	char err[1024];
	long v = 0;
	int c, rc = 0;
	unsigned ms = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			store = optarg;
			break;
		case 'j':
			if (parse_int(optarg, 1, 64, &v) < 0)
				rc = cli_error("--jobs: give 1 to 64, not '%s'", optarg);
			o.jobs = (unsigned)v;
			break;
		case 'L':
			if (parse_int(optarg, 2, 86400, &v) < 0)
				rc = cli_error("--lease: give 2 to 86400 seconds, not '%s'",
					       optarg);
			o.lease_secs = (unsigned)v;
			break;
		case 'p':
			if (cli_parse_secs(optarg, &ms) < 0)
				rc = cli_error("--poll: not a duration: '%s'", optarg);
			o.poll_ms = ms;
			break;
		case 'r':
			strvec_pushf(&args, "--registry=%s", optarg);
			break;
		case 'm':
			strvec_pushf(&args, "--model=%s", optarg);
			break;
		case 'I':
			strvec_pushf(&args, "--install-timeout=%s", optarg);
			break;
		case 'D':
			o.drain = true;
			break;
		case 'v':
			log_threshold = LOG_DEBUG;
			break;
		case 'h':
			fputs(usage, stdout);
			strvec_clear(&args);
			return 0;
		default:
			fputs(usage, stderr);
			strvec_clear(&args);
			return 2;
		}
		if (rc) {
			strvec_clear(&args);
			return rc;
		}
	}
	if (optind != argc) {
		strvec_clear(&args);
		return cli_error("worker takes no targets: add them with snare queue add");
	}
	o.url = queue_url(store);
	if (!o.url) {
		strvec_clear(&args);
		return 2;
	}
	if (log_threshold < LOG_INFO)
		log_threshold = LOG_INFO;
	o.scan_args = strvec_argv(&args);
	if (worker_run(&o, err, sizeof(err)) < 0)
		rc = cli_error("%s", err);
	strvec_clear(&args);
	return rc;
}

int cmd_follow(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 'S'},
		{"registry", required_argument, NULL, 'r'},
		{"feed", required_argument, NULL, 'F'},
		{"since", required_argument, NULL, 's'},
		{"once", no_argument, NULL, 'o'},
		{"poll", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: snare follow [--store URL] [--registry URL] [--since SEQ] [options]\n"
		"  follows the registry's changes feed (CouchDB _changes) and queues every new\n"
		"  version in the PostgreSQL store (--store or $SNARE_STORE); the checkpoint\n"
		"  is kept there, so a restart resumes where it stopped\n"
		"      --registry URL     packuments (default: https://registry.npmjs.org)\n"
		"      --feed URL         the changes feed, when not the registry (npm:\n"
		"                         https://replicate.npmjs.com)\n"
		"      --since SEQ        where a new follower starts (default: now)\n"
		"      --once             exit once the feed has nothing new\n"
		"      --poll S           seconds between reads of a quiet feed (default: 5)\n"
		"  -v, --verbose          more logging\n";
	struct follow_opts o = {
		.registry = "https://registry.npmjs.org", .poll_ms = 5000, .limit = 100};
	const char *store = NULL;
	char err[1024];
	unsigned ms = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			store = optarg;
			break;
		case 'r':
			o.registry = optarg;
			break;
		case 'F':
			o.feed = optarg;
			break;
		case 's':
			if (!optarg[0] || strpbrk(optarg, " &#?/\\\"'"))
				return cli_error("--since: not a sequence: '%s'", optarg);
			o.since = optarg;
			break;
		case 'o':
			o.once = true;
			break;
		case 'p':
			if (cli_parse_secs(optarg, &ms) < 0)
				return cli_error("--poll: not a duration: '%s'", optarg);
			o.poll_ms = ms;
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
	if (optind != argc)
		return cli_error("follow takes no targets");
	o.url = queue_url(store);
	if (!o.url)
		return 2;
	if (log_threshold < LOG_INFO)
		log_threshold = LOG_INFO;
	if (follow_run(&o, err, sizeof(err)) < 0)
		return cli_error("%s", err);
	return 0;
}
