/* Tests for the output formats of src/cli (format*.c): the SARIF 2.1.0
 * log (checked against the parts of the specification it uses), JSON
 * lines, the text table, the table of formats, the summary and the exit
 * codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/format.h"
#include "tmpdir.h"
#include "util/version.h"
#include "util/xalloc.h"

static json_t *verdict(const char *label, double p)
{
	return json_pack("{s:s, s:f, s:f, s:[{s:s, s:f, s:f, s:s}, {s:s, s:f, s:f, s:s}, "
			 "{s:s, s:f, s:f, s:s}]}",
			 "label", label, "probability", p, "threshold", 0.8, "explanations",
			 "feature", "install.canary_sent", "value", 1.0, "contribution", 2.5,
			 "text", "sends npm_token to x.test [install]", "feature",
			 "install.read_kinds", "value", 2.0, "contribution", 1.25, "text",
			 "reads ~/.npmrc [install]", "feature", "static.code_kb", "value", 1.0,
			 "contribution", -0.5, "text", "has little code");
}

/* evil (malicious), ok (benign), broken (error), from-git (not scanned) */
static struct pkg_result *fixture(size_t *n)
{
	struct pkg_result *r = xcalloc(4, sizeof(*r));

	r[0].name = xstrdup("ok");
	r[0].version = xstrdup("2.0.0");
	r[0].target = xstrdup("ok@2.0.0");
	r[0].file = xstrdup("./package-lock.json");
	r[0].line = 20;
	pkg_result_set_verdict(&r[0], verdict("benign", 0.01), ORIGIN_STORE);
	r[1].name = xstrdup("evil");
	r[1].version = xstrdup("1.0.0");
	r[1].target = xstrdup("evil@1.0.0");
	r[1].file = xstrdup("./package-lock.json");
	r[1].line = 12;
	pkg_result_set_verdict(&r[1], verdict("malicious", 0.97), ORIGIN_SCAN);
	r[2].name = xstrdup("broken");
	r[2].version = xstrdup("0.1.0");
	r[2].target = xstrdup("broken@0.1.0");
	pkg_result_set_error(&r[2], "unknown package 'broken'");
	r[3].name = xstrdup("from-git");
	r[3].target = xstrdup("git+https://example.test/x.git");
	r[3].status = PKG_NOT_SCANNED;
	r[3].kind = xstrdup("git");
	r[3].reason = xstrdup("git dependency 'git+https://example.test/x.git'");
	r[3].file = xstrdup("/tmp/my project/yarn.lock");
	r[3].line = 7;
	*n = 4;
	return r;
}

static void release(struct pkg_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pkg_result_release(&r[i]);
	free(r);
}

static bool is_nonempty_string(json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

/* A SARIF location: physicalLocation.artifactLocation.uri, and a region
 * with startLine >= 1 when there is one. */
static void check_location(json_t *loc)
{
	json_t *phys = json_object_get(loc, "physicalLocation");
	json_t *art = json_object_get(phys, "artifactLocation");
	json_t *region = json_object_get(phys, "region");

	assert_true(json_is_object(phys));
	assert_true(is_nonempty_string(json_object_get(art, "uri")));
	if (region)
		assert_true(json_integer_value(json_object_get(region, "startLine")) >= 1);
}

/* What SARIF 2.1.0 requires of the parts snare writes (sarifLog, run,
 * tool, reportingDescriptor, invocation, notification, result). */
static void check_sarif(json_t *log)
{
	json_t *runs = json_object_get(log, "runs"), *run, *rules, *res, *x;
	size_t i, k;

	assert_string_equal(json_string_value(json_object_get(log, "version")), "2.1.0");
	assert_true(is_nonempty_string(json_object_get(log, "$schema")));
	assert_true(json_is_array(runs));
	json_array_foreach (runs, k, run) {
		json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");

		assert_true(is_nonempty_string(json_object_get(driver, "name")));
		/* the version, and the URI when there is one: absolute (3.19.17) */
		assert_string_equal(json_string_value(json_object_get(driver, "version")),
				    snare_version());
		assert_string_equal(json_string_value(json_object_get(driver, "semanticVersion")),
				    snare_version());
		x = json_object_get(driver, "informationUri");
		assert_true(!x || strstr(json_string_value(x), "://"));
		rules = json_object_get(driver, "rules");
		assert_true(json_is_array(rules));
		json_array_foreach (rules, i, x) {
			const char *level = json_string_value(json_object_get(
				json_object_get(x, "defaultConfiguration"), "level"));

			assert_true(is_nonempty_string(json_object_get(x, "id")));
			assert_true(is_nonempty_string(
				json_object_get(json_object_get(x, "shortDescription"), "text")));
			/* what the rule means and what to do, for a reader */
			assert_true(is_nonempty_string(
				json_object_get(json_object_get(x, "fullDescription"), "text")));
			assert_non_null(strstr(json_string_value(json_object_get(
						       json_object_get(x, "help"), "text")),
					       "What to do"));
			assert_true(!level || strstr("none note warning error", level));
		}
		assert_int_equal(json_array_size(json_object_get(run, "invocations")), 1);
		json_array_foreach (json_object_get(run, "invocations"), i, x) {
			json_t *note;
			size_t j;

			assert_true(json_is_boolean(json_object_get(x, "executionSuccessful")));
			assert_true(is_nonempty_string(json_object_get(x, "commandLine")));
			json_array_foreach (json_object_get(x, "toolExecutionNotifications"), j,
					    note) {
				const char *level =
					json_string_value(json_object_get(note, "level"));
				json_t *loc;
				size_t l;

				assert_true(is_nonempty_string(
					json_object_get(json_object_get(note, "message"), "text")));
				assert_true(level && strstr("none note warning error", level));
				json_array_foreach (json_object_get(note, "locations"), l, loc)
					check_location(loc);
			}
		}
		res = json_object_get(run, "results");
		assert_true(json_is_array(res));
		json_array_foreach (res, i, x) {
			const char *id = json_string_value(json_object_get(x, "ruleId"));
			json_int_t idx = json_integer_value(json_object_get(x, "ruleIndex"));
			const char *level = json_string_value(json_object_get(x, "level"));
			json_t *loc;
			size_t l;

			/* ruleIndex points at the rule named by ruleId */
			assert_non_null(id);
			assert_true(idx >= 0 && (size_t)idx < json_array_size(rules));
			assert_string_equal(json_string_value(json_object_get(
						    json_array_get(rules, (size_t)idx), "id")),
					    id);
			assert_true(level && strstr("none note warning error", level));
			assert_true(is_nonempty_string(
				json_object_get(json_object_get(x, "message"), "text")));
			json_array_foreach (json_object_get(x, "locations"), l, loc)
				check_location(loc);
		}
	}
}

static void test_sarif(void **state)
{
	size_t n;
	struct pkg_result *r = fixture(&n);
	json_t *log = results_sarif(r, n, "snare audit --format sarif ."), *run, *res, *loc, *notes;

	(void)state;
	check_sarif(log);
	run = json_array_get(json_object_get(log, "runs"), 0);
	assert_int_equal(json_array_size(json_object_get(log, "runs")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(run, "tool"), "driver"), "name")),
		"snare");

	/* one result: the malicious package, with its probability and the
	 * evidence that pushed towards malicious */
	res = json_object_get(run, "results");
	assert_int_equal(json_array_size(res), 1);
	res = json_array_get(res, 0);
	assert_string_equal(json_string_value(json_object_get(res, "ruleId")),
			    "snare/malicious-package");
	assert_string_equal(json_string_value(json_object_get(res, "level")), "error");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(res, "message"), "text")),
		"evil@1.0.0 is malicious (probability 0.970): sends npm_token to x.test "
		"[install]; reads ~/.npmrc [install]");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(res, "partialFingerprints"),
						  "snarePackage/v1")),
		"evil@1.0.0");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(res, "properties"), "origin")),
		"scan");
	loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
			      "physicalLocation");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
		"package-lock.json");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(loc, "artifactLocation"), "uriBaseId")),
			    "%SRCROOT%");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")),
		12);

	/* the rest: a failed run, with what was not scanned */
	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	assert_true(json_is_false(json_object_get(inv, "executionSuccessful")));
	assert_string_equal(json_string_value(json_object_get(inv, "commandLine")),
			    "snare audit --format sarif .");
	notes = json_object_get(inv, "toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "level")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(notes, 0), "message"), "text")),
			    "broken@0.1.0 could not be scanned: unknown package 'broken'");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 1), "level")),
			    "warning");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(notes, 1), "message"), "text")),
			    "from-git was not scanned: git dependency "
			    "'git+https://example.test/x.git'");
	loc = json_object_get(
		json_array_get(json_object_get(json_array_get(notes, 1), "locations"), 0),
		"physicalLocation");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
		"file:///tmp/my%20project/yarn.lock");
	json_t *props = json_object_get(run, "properties");
	assert_true(json_is_true(json_object_get(props, "partial")));
	assert_int_equal(json_integer_value(json_object_get(props, "packages")), 4);
	assert_int_equal(json_integer_value(json_object_get(props, "notScanned")), 1);
	json_decref(log);
	release(r, n);
}

static void test_sarif_clean(void **state)
{
	struct pkg_result r = {0};
	json_t *log, *run;

	(void)state;
	r.name = xstrdup("ok");
	r.version = xstrdup("1.0.0");
	pkg_result_set_verdict(&r, verdict("benign", 0.02), ORIGIN_STORE);
	log = results_sarif(&r, 1, NULL);
	check_sarif(log);
	run = json_array_get(json_object_get(log, "runs"), 0);
	assert_int_equal(json_array_size(json_object_get(run, "results")), 0);
	assert_true(json_is_true(json_object_get(
		json_array_get(json_object_get(run, "invocations"), 0), "executionSuccessful")));
	assert_true(json_is_false(json_object_get(json_object_get(run, "properties"), "partial")));
	json_decref(log);
	pkg_result_release(&r);
	/* no results at all is a valid log too */
	log = results_sarif(NULL, 0, NULL);
	check_sarif(log);
	json_decref(log);
}

static void test_not_utf8(void **state)
{
	struct pkg_result r = {0};
	json_t *log, *o, *notes;

	(void)state;
	r.name = xstrdup("bad\xff");
	r.target = xstrdup("file:../caf\xe9");
	r.status = PKG_NOT_SCANNED;
	r.kind = xstrdup("file");
	r.reason = xstrdup("local dependency 'file:../caf\xe9'");
	r.file = xstrdup("yarn.lock");
	log = results_sarif(&r, 1, "snare audit \xff");
	check_sarif(log);
	notes = json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(log, "runs"), 0),
					       "invocations"),
			       0),
		"toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(notes, 0), "message"), "text")),
			    "bad? was not scanned: local dependency 'file:../caf?'");
	json_decref(log);
	o = pkg_result_json(&r);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "bad?");
	assert_string_equal(json_string_value(json_object_get(o, "reason")),
			    "local dependency 'file:../caf?'");
	json_decref(o);
	pkg_result_release(&r);
}

/* The command line as given, each word quoted for a shell where it needs
 * it. */
static void test_command_line(void **state)
{
	char *argv[] = {"audit", "--format", "sarif", "my project", "it's", "", "a$b", NULL};
	char *got;

	(void)state;
	got = format_command_line("build/snare", 7, argv);
	assert_string_equal(got, "build/snare audit --format sarif 'my project' 'it'\\''s' '' "
				 "'a$b'");
	free(got);
	got = format_command_line(NULL, 1, argv);
	assert_string_equal(got, "snare audit");
	free(got);
}

/* The SARIF validator: $SARIF_MULTITOOL, else sarif-multitool on the PATH
 * (npm install -g @microsoft/sarif-multitool); NULL when there is none. */
static char *find_validator(void)
{
	const char *env = getenv("SARIF_MULTITOOL"), *path = getenv("PATH");

	if (env && *env)
		return access(env, X_OK) == 0 ? xstrdup(env) : NULL;
	while (path && *path) {
		size_t n = strcspn(path, ":");
		char *f = xasprintf("%.*s/sarif-multitool", (int)n, path);

		if (n && access(f, X_OK) == 0)
			return f;
		free(f);
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* Microsoft's SARIF validator (offline) finds nothing in the log: no
 * schema error and none of its warnings.  Skipped, saying why, when it is
 * not installed. */
static void test_sarif_validator(void **state)
{
	char dir[TMPDIR_MAX], *tool = find_validator(), *in, *out;
	size_t n, i;
	struct pkg_result *r;
	json_t *log, *res, *x;
	int status;
	pid_t pid;

	(void)state;
	if (!tool) {
		print_message("skipped: no SARIF validator (npm install -g "
			      "@microsoft/sarif-multitool, or set SARIF_MULTITOOL)\n");
		skip();
	}
	assert_int_equal(tmpdir_make(dir, "sarif"), 0);
	in = tmpdir_path(dir, "snare.sarif");
	out = tmpdir_path(dir, "validation.sarif");
	r = fixture(&n);
	log = results_sarif(r, n, "snare audit --format sarif .");
	assert_int_equal(json_dump_file(log, in, JSON_INDENT(2)), 0);
	json_decref(log);
	release(r, n);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(tool, tool, "validate", in, "-o", out, "--log", "ForceOverwrite", "-q",
		      (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* it exits 0 either way: its findings are the results of its log */
	log = json_load_file(out, 0, NULL);
	assert_non_null(log);
	res = json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");
	assert_true(json_is_array(res));
	json_array_foreach (res, i, x) {
		const json_t *msg = json_object_get(x, "message");
		char *args = json_dumps(json_object_get(msg, "arguments"), JSON_COMPACT);

		/* the tool is asked to leave out informationUri when no
		 * absolute one is recorded (util/version.h) */
		if (!*SNARE_URL && !strcmp(json_string_value(json_object_get(msg, "id")) ?: "",
					   "Warning_ProvideToolnformationUri")) {
			free(args);
			continue;
		}
		print_message("%s %s %s\n", json_string_value(json_object_get(x, "ruleId")),
			      json_string_value(json_object_get(msg, "id")), args);
		free(args);
		fail_msg("the SARIF validator found something (above)");
	}
	json_decref(log);
	assert_int_equal(tmpdir_remove(dir), 0);
	free(in);
	free(out);
	free(tool);
}

static char *print(struct pkg_result *r, size_t n, enum out_format f, const char *title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	results_print(r, n, f, title, "snare audit", mem);
	fclose(mem);
	return buf;
}

static void test_jsonl(void **state)
{
	size_t n;
	struct pkg_result *r = fixture(&n);
	char *out = print(r, n, FORMAT_JSONL, NULL), *line, *save = NULL;
	const char *want_status[] = {"malicious", "error", "not_scanned", "benign"};
	int k = 0;

	(void)state;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), k++) {
		json_t *o = json_loads(line, 0, NULL);

		assert_non_null(o);
		if (k < 4) {
			assert_string_equal(json_string_value(json_object_get(o, "status")),
					    want_status[k]);
		} else {
			json_t *s = json_object_get(o, "summary");

			assert_int_equal(json_integer_value(json_object_get(s, "packages")), 4);
			assert_int_equal(json_integer_value(json_object_get(s, "malicious")), 1);
			assert_int_equal(json_integer_value(json_object_get(s, "failed")), 1);
			assert_int_equal(json_integer_value(json_object_get(s, "not_scanned")), 1);
			assert_int_equal(json_integer_value(json_object_get(s, "stored")), 1);
			assert_int_equal(json_integer_value(json_object_get(s, "scanned")), 1);
			assert_true(json_is_true(json_object_get(s, "partial")));
		}
		if (k == 0) {
			assert_string_equal(json_string_value(json_object_get(o, "name")), "evil");
			assert_string_equal(json_string_value(json_object_get(o, "origin")),
					    "scan");
			assert_int_equal(json_array_size(json_object_get(o, "evidence")), 3);
			assert_int_equal(json_integer_value(json_object_get(
						 json_object_get(o, "location"), "line")),
					 12);
		}
		if (k == 2) {
			assert_string_equal(json_string_value(json_object_get(o, "kind")), "git");
			assert_true(json_is_null(json_object_get(o, "version")));
		}
		json_decref(o);
	}
	assert_int_equal(k, 5);
	free(out);
	release(r, n);
}

static void test_text(void **state)
{
	size_t n;
	struct pkg_result *r = fixture(&n);
	char *out = print(r, n, FORMAT_TEXT, "snare audit: package-lock.json");

	(void)state;
	assert_string_equal(
		out,
		"snare audit: package-lock.json\n"
		"\n"
		"MALICIOUS    0.970  evil@1.0.0                                scanned\n"
		"             +2.50  sends npm_token to x.test [install]\n"
		"             +1.25  reads ~/.npmrc [install]\n"
		"             -0.50  has little code\n"
		"ERROR               broken@0.1.0                              unknown package "
		"'broken'\n"
		"NOT SCANNED         from-git                                  git dependency "
		"'git+https://example.test/x.git'\n"
		"benign       0.010  ok@2.0.0                                  stored\n"
		"\n"
		"4 packages: 1 malicious, 1 benign, 1 failed, 1 not scanned (partial result)\n");
	free(out);
	release(r, n);
}

/* snare audit's default: benign packages are one count line. */
static void test_text_folded(void **state)
{
	size_t n, len = 0;
	struct pkg_result *r = fixture(&n);
	char *out = NULL;
	FILE *mem = open_memstream(&out, &len);
	const struct format_args a = {.title = "snare audit: package-lock.json",
				      .fold_benign = true};

	(void)state;
	pkg_result_set_interrupted(&r[2]);
	results_print_args(r, n, FORMAT_TEXT, &a, mem);
	fclose(mem);
	assert_string_equal(
		out, "snare audit: package-lock.json\n"
		     "\n"
		     "MALICIOUS    0.970  evil@1.0.0                                scanned\n"
		     "             +2.50  sends npm_token to x.test [install]\n"
		     "             +1.25  reads ~/.npmrc [install]\n"
		     "             -0.50  has little code\n"
		     "INTERRUPTED         broken@0.1.0                              not scanned: "
		     "interrupted\n"
		     "NOT SCANNED         from-git                                  git dependency "
		     "'git+https://example.test/x.git'\n"
		     "1 benign (--all lists them)\n"
		     "\n"
		     "4 packages: 1 malicious, 1 benign, 1 interrupted, 1 not scanned (partial "
		     "result)\n");
	free(out);
	release(r, n);
}

/* snare audit -q: the malicious rows and their evidence, nothing else. */
static void test_text_findings_only(void **state)
{
	size_t n, len = 0;
	struct pkg_result *r = fixture(&n);
	char *out = NULL;
	FILE *mem = open_memstream(&out, &len);
	const struct format_args a = {.title = "snare audit: package-lock.json",
				      .fold_benign = true,
				      .findings_only = true};

	(void)state;
	results_print_args(r, n, FORMAT_TEXT, &a, mem);
	fclose(mem);
	assert_string_equal(
		out, "MALICIOUS    0.970  evil@1.0.0                                scanned\n"
		     "             +2.50  sends npm_token to x.test [install]\n"
		     "             +1.25  reads ~/.npmrc [install]\n"
		     "             -0.50  has little code\n");
	free(out);
	/* nothing malicious: nothing at all */
	len = 0;
	out = NULL;
	mem = open_memstream(&out, &len);
	results_print_args(r + 2, 2, FORMAT_TEXT, &a, mem);
	fclose(mem);
	assert_string_equal(out, "");
	free(out);
	release(r, n);
}

/* An interrupted audit counts "interrupted", not "failed", and exits 2. */
static void test_interrupted(void **state)
{
	size_t n;
	struct pkg_result *r = fixture(&n);
	struct results_summary s;
	char line[256], *out;

	(void)state;
	pkg_result_set_interrupted(&r[2]);
	assert_true(r[2].interrupted);
	assert_int_equal(r[2].status, PKG_ERROR);
	assert_string_equal(r[2].reason, "not scanned: interrupted");
	results_count(r + 1, 3, &s);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.interrupted, 1);
	assert_int_equal(results_exit_code(&s, false), 1);
	results_count(r + 2, 2, &s);
	assert_int_equal(results_exit_code(&s, false), 2);
	results_summary_line(&s, line, sizeof(line));
	assert_string_equal(line, "2 packages: 0 malicious, 0 benign, 1 interrupted, 1 not "
				  "scanned (partial result)");
	out = print(r + 2, 2, FORMAT_JSONL, NULL);
	assert_non_null(strstr(out, "\"failed\":0,\"interrupted\":1,"));
	free(out);
	/* a later error is not an interruption */
	pkg_result_set_error(&r[2], "unknown package 'broken'");
	assert_false(r[2].interrupted);
	release(r, n);
}

static void test_tsv(void **state)
{
	size_t n;
	struct pkg_result *r = fixture(&n);
	char *out;
	enum out_format f;

	(void)state;
	assert_int_equal(out_format_parse("tsv", &f), 0);
	assert_int_equal(f, FORMAT_TSV);
	/* a tab or a newline in a field would split it */
	free(r[2].reason);
	r[2].reason = xstrdup("cannot reach registry\t'x'\nretry");
	out = print(r, n, FORMAT_TSV, "ignored");
	assert_string_equal(out, "name\tversion\tverdict\tprobability\treasons\n"
				 "evil\t1.0.0\tmalicious\t0.970\tsends npm_token to x.test "
				 "[install]; reads ~/.npmrc [install]\n"
				 "broken\t0.1.0\terror\t\tcannot reach registry 'x' retry\n"
				 "from-git\t\tnot_scanned\t\tgit dependency "
				 "'git+https://example.test/x.git'\n"
				 "ok\t2.0.0\tbenign\t0.010\t\n");
	free(out);
	/* nothing to list: the header alone */
	out = print(NULL, 0, FORMAT_TSV, NULL);
	assert_string_equal(out, "name\tversion\tverdict\tprobability\treasons\n");
	free(out);
	release(r, n);
}

static void test_exit_codes(void **state)
{
	struct results_summary s = {0};
	enum out_format f;
	char line[256];

	(void)state;
	s.total = s.benign = 3;
	assert_int_equal(results_exit_code(&s, false), 0);
	results_summary_line(&s, line, sizeof(line));
	assert_string_equal(line, "3 packages: 0 malicious, 3 benign");
	s.not_scanned = 1;
	assert_int_equal(results_exit_code(&s, false), 0);
	assert_int_equal(results_exit_code(&s, true), 2);
	s.errors = 1;
	assert_int_equal(results_exit_code(&s, false), 2);
	s.malicious = 1;
	assert_int_equal(results_exit_code(&s, true), 1);
	s = (struct results_summary){.total = 1, .benign = 1};
	results_summary_line(&s, line, sizeof(line));
	assert_string_equal(line, "1 package: 0 malicious, 1 benign");

	assert_int_equal(out_format_parse("sarif", &f), 0);
	assert_int_equal(f, FORMAT_SARIF);
	assert_int_equal(out_format_parse("jsonl", &f), 0);
	assert_int_equal(f, FORMAT_JSONL);
	assert_int_equal(out_format_parse("text", &f), 0);
	assert_int_equal(f, FORMAT_TEXT);
	assert_int_equal(out_format_parse("xml", &f), -1);
}

/* The formats the --format error and the usage name, from the table. */
static void test_format_names(void **state)
{
	char names[256], *out = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	out_format_names(names, sizeof(names));
	assert_string_equal(names, "text, jsonl, sarif or tsv");
	mem = open_memstream(&out, &len);
	format_usage("  --format F   {formats} (default: text)\n  {formats}\n", mem);
	fclose(mem);
	assert_string_equal(out, "  --format F   text, jsonl, sarif or tsv (default: text)\n"
				 "  text, jsonl, sarif or tsv\n");
	free(out);
}

/* The verdict's summary leads the evidence of SARIF and TSV, and is its
 * own field in JSON lines. */
static void test_summary_leads(void **state)
{
	struct pkg_result r = {.name = "evil", .version = "1.0.0", .status = PKG_MALICIOUS};
	char buf[512];
	json_t *o;
	(void)state;
	r.verdict = verdict("malicious", 0.97);
	json_object_set_new(r.verdict, "summary",
			    json_string("reads ~/.npmrc, then sends its npm_token (plain) to "
					"x.test:80 [install, steal.js]"));
	format_evidence(&r, buf, sizeof(buf), 1);
	assert_string_equal(buf, "reads ~/.npmrc, then sends its npm_token (plain) to x.test:80 "
				 "[install, steal.js]; sends npm_token to x.test [install]");
	/* the chain's row, which says the summary again, is left out */
	json_object_set_new(json_array_get(json_object_get(r.verdict, "explanations"), 0), "text",
			    json_string("leaks secrets or identifying data: reads ~/.npmrc, then "
					"sends its npm_token (plain) to x.test:80 [install, "
					"steal.js]"));
	format_evidence(&r, buf, sizeof(buf), 1);
	assert_string_equal(buf, "reads ~/.npmrc, then sends its npm_token (plain) to x.test:80 "
				 "[install, steal.js]; reads ~/.npmrc [install]");
	o = pkg_result_json(&r);
	assert_string_equal(json_string_value(json_object_get(o, "summary")),
			    json_string_value(json_object_get(r.verdict, "summary")));
	json_decref(o);
	json_decref(r.verdict);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_sarif_clean),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_sarif_validator),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_summary_leads),
		cmocka_unit_test(test_text_folded),
		cmocka_unit_test(test_text_findings_only),
		cmocka_unit_test(test_interrupted),
	};

	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
