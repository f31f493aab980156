/* What every command shares: the error line, parsing seconds, loading the
 * model, printing a verdict, the progress bar of a batch. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "explain/explain.h"
#include "model/model.h"
#include "scan/scan.h"

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("snare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): clang 14 false
				   // positive, llvm#40656
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

int cli_usage(const char *usage, bool help)
{
	format_usage(usage, help ? stdout : stderr);
	return help ? 0 : 2;
}

int cli_parse_secs(const char *s, unsigned *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v <= 0 || v > 86400)
		return -1;
	*ms = (unsigned)(v * 1000);
	return 0;
}

int cli_parse_rate(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end == s || *end || !(*v >= 0 && *v < 1) ? -1 : 0;
}

int cli_learn_opt(int c, const char *arg, struct train_params *p, double *target_fpr,
		  const char **fpr_family)
{
	switch (c) {
	case 'j':
		p->nthread = atoi(arg);
		return 1;
	case 'A':
		p->augment = true;
		return 1;
	case 'M':
		p->monotone = false;
		return 1;
	case 'P':
		if (cli_parse_rate(arg, target_fpr) < 0) {
			cli_error("invalid --target-fpr '%s' (a rate in [0, 1), e.g. 0.002)", arg);
			return -1;
		}
		return 1;
	case 'F':
		*fpr_family = arg;
		return 1;
	default:
		return 0;
	}
}

struct model *cli_load_model(const char *path)
{
	char guess[PATH_MAX + 64], err[512];
	struct model *m;

	path = scan_model_path(path, guess, sizeof(guess));
	if (!path) {
		cli_error("no model: give --model FILE or set SNARE_MODEL");
		return NULL;
	}
	m = model_load(path, err, sizeof(err));
	if (!m)
		cli_error("%s", err);
	return m;
}

void cli_print_verdict(const json_t *report, FILE *f)
{
	const json_t *v = json_object_get(report, "verdict");
	const json_t *pkg = json_object_get(report, "package");
	size_t i;
	json_t *e;

	const char *label = json_string_value(json_object_get(v, "label"));
	char prob[16];

	explain_probability(prob, sizeof(prob), json_real_value(json_object_get(v, "probability")));
	fprintf(f, "%s  %s@%s  probability %s (threshold %.3f)\n",
		!strcmp(label, "malicious") ? "MALICIOUS"
		: !strcmp(label, "partial") ? "PARTIAL (not judged)"
					    : "benign",
		json_string_value(json_object_get(pkg, "name")),
		json_string_value(json_object_get(pkg, "version")), prob,
		json_real_value(json_object_get(v, "threshold")));
	json_array_foreach (json_object_get(v, "degraded"), i, e)
		fprintf(f, "  degraded: %s\n", json_string_value(json_object_get(e, "detail")));
	e = json_object_get(v, "rule");
	if (e)
		fprintf(f, "  rule   %s (%s)\n", json_string_value(json_object_get(e, "text")),
			json_string_value(json_object_get(e, "why")));
	if (json_string_value(json_object_get(v, "summary")))
		fprintf(f, "  %s\n", json_string_value(json_object_get(v, "summary")));
	json_array_foreach (json_object_get(v, "explanations"), i, e)
		fprintf(f, "  %+.2f  %s\n", json_real_value(json_object_get(e, "contribution")),
			json_string_value(json_object_get(e, "text")));
}

#define BAR_WIDTH 24

/* " ETA 3:10" from the pace so far; "" before the first package ends. */
static void eta(size_t done, size_t total, long secs, char *buf, size_t len)
{
	buf[0] = '\0';
	if (done && done < total) {
		long left = (long)((double)secs * (double)(total - done) / (double)done + 0.5);

		snprintf(buf, len, ", ETA %ld:%02ld", left / 60, left % 60);
	}
}

void cli_progress_bar(const struct batch_progress *p)
{
	char bar[BAR_WIDTH + 1], line[512], left[32];
	size_t fill = p->total ? p->done * BAR_WIDTH / p->total : BAR_WIDTH;
	struct winsize ws;
	size_t cols = 80, off;

	if (p->end) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		return;
	}
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		cols = ws.ws_col;
	memset(bar, '=', fill);
	memset(bar + fill, ' ', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	eta(p->done, p->total, p->secs, left, sizeof(left));
	off = (size_t)snprintf(line, sizeof(line), "[%s] %zu/%zu  %ld:%02ld%s  %zu running", bar,
			       p->done, p->total, p->secs / 60, p->secs % 60, left, p->running);
	for (size_t i = 0; i < BATCH_PROGRESS_NAMES && p->now[i] && off < sizeof(line); i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s", i ? ", " : ": ",
					p->now[i]);
	if (p->running > BATCH_PROGRESS_NAMES && off < sizeof(line))
		off += (size_t)snprintf(line + off, sizeof(line) - off, ", ...");
	if (p->waiting && off < sizeof(line))
		snprintf(line + off, sizeof(line) - off, "; %zu waiting for another snare",
			 p->waiting);
	/* one terminal line, or \r cannot take it back */
	if (cols - 1 < sizeof(line))
		line[cols - 1] = '\0';
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

void cli_batch_result(const struct pkg_result *r, size_t done, size_t total, long secs, void *arg)
{
	char id[512], left[32];

	(void)arg;
	pkg_result_id(r, id, sizeof(id));
	eta(done, total, secs, left, sizeof(left));
	fprintf(stderr, "snare: [%zu/%zu] %s ", done, total, id);
	if (r->verdict)
		fprintf(stderr, "%s %.3f%s", format_status_name(r->status),
			json_real_value(json_object_get(r->verdict, "probability")),
			r->origin == ORIGIN_SCAN ? "" : " (stored by another snare)");
	else if (r->interrupted)
		fputs("interrupted", stderr);
	else
		fprintf(stderr, "error: %s", r->reason ? r->reason : "");
	fprintf(stderr, "  (%ld:%02ld%s)\n", secs / 60, secs % 60, left);
	fflush(stderr);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_progress_init(struct cli_progress *p)
{
	p->tty = isatty(2);
	p->drawn = false;
	p->t0_ms = now_ms();
}

void cli_run_progress(void *arg, enum run_stage stage, const char *detail, unsigned timeout_ms)
{
	struct cli_progress *p = arg;
	long secs = (long)((now_ms() - p->t0_ms) / 1000);
	char what[256];

	switch (stage) {
	case STAGE_FETCH:
		/* before the target is known to exist: not worth a line of a log */
		if (!p->tty)
			return;
		snprintf(what, sizeof(what), "fetching %s", detail);
		break;
	case STAGE_DEPS:
		snprintf(what, sizeof(what), "installing %s dependenc%s (npm, no scripts run)",
			 detail, strcmp(detail, "1") ? "ies" : "y");
		break;
	case STAGE_SANDBOX:
		snprintf(what, sizeof(what), "starting the sandbox");
		break;
	default:
		snprintf(what, sizeof(what), "%s phase (up to %u s)", detail,
			 (timeout_ms + 999) / 1000);
		break;
	}
	if (p->tty) {
		fprintf(stderr, "\r\033[Ksnare: [%ld:%02ld] %s", secs / 60, secs % 60, what);
		p->drawn = true;
	} else {
		fprintf(stderr, "snare: [%ld:%02ld] %s\n", secs / 60, secs % 60, what);
	}
	fflush(stderr);
}

void cli_progress_clear(struct cli_progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = false;
	}
}
