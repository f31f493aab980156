/* Features computed from a small hand-written report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "features/features.h"
#include "features/paths.h"
#include "util/base64.h"
#include "util/xalloc.h"

static const char REPORT[] =
	"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"evil\",\"version\":\"1.0.0\"},"
	"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"alex-xps\"},"
	"\"phases\":[{\"name\":\"install\",\"status\":\"ok\",\"stdout\":{\"bytes\":5},"
	"\"steps\":[{\"start_ms\":100.0}],"
	"\"commands\":[{\"path\":\"/bin/sh\",\"argv\":[\"/bin/sh\",\"-c\",\"x\"],\"result\":0},"
	"{\"path\":\"/usr/bin/curl\",\"argv\":[\"curl\",\"-s\"],\"result\":0},"
	"{\"path\":\"/tmp/.s\",\"argv\":[\"/tmp/.s\"],\"result\":0},"
	"{\"path\":\"/usr/bin/cmd.exe\",\"argv\":[\"cmd.exe\"],\"result\":\"ENOENT\"}],"
	"\"files\":[{\"path\":\"/home/alex/.npmrc\",\"flags\":[\"read\"],\"failed\":[]},"
	"{\"path\":\"/home/alex/.config/google-chrome/Default/Login Data\",\"flags\":[\"read\"],\"failed\":[]},"
	"{\"path\":\"/home/alex/.bashrc\",\"flags\":[\"write\"],\"failed\":[]},"
	"{\"path\":\"/home/alex/.ssh/authorized_keys\",\"flags\":[\"write\"],\"failed\":[]},"
	"{\"path\":\"/tmp/.s\",\"flags\":[\"write\",\"create\",\"chmod\",\"exec\"],\"failed\":[]},"
	"{\"path\":\"/home/alex/Desktop/notes.txt\",\"flags\":[\"delete\"],\"failed\":[]}],"
	"\"dns\":[{\"hostname\":\"6e706d5f746f6b656e31.x.oast.fun\",\"types\":[\"A\"],\"t_ms\":150.0}],"
	"\"sockets\":[{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"203.0.113.5\",\"port\":4444,\"hostnames\":[],\"t_ms\":170.0},"
	"{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"198.18.0.9\",\"port\":443,\"hostnames\":[\"x.oast.fun\"],\"t_ms\":160.0}],"
	"\"sent\":[{\"kind\":\"http\",\"size\":300,\"http\":{\"method\":\"POST\"},\"data_base64\":\"YWxleC14cHM=\"}],"
	"\"canary_hits\":[{\"canary\":\"npm_token\",\"where\":\"sent\"},{\"canary\":\"aws_access_key_id\",\"where\":\"dns\"}],"
	"\"signals\":[{\"syscall\":\"setsid\"}],\"denied\":[{\"syscall\":\"mount\"}],"
	"\"timeline\":[{\"type\":\"file\",\"path\":\"/home/alex/.npmrc\",\"flags\":\"read\",\"t_ms\":120.0},"
	"{\"type\":\"file\",\"path\":\"/tmp/.s\",\"flags\":\"write,create\",\"t_ms\":130.0},"
	"{\"type\":\"exec\",\"path\":\"/tmp/.s\",\"t_ms\":140.0},"
	"{\"type\":\"dns\",\"t_ms\":150.0}]},"
	"{\"name\":\"import\",\"status\":\"timeout\",\"steps\":[],\"commands\":[],\"files\":[],\"dns\":[],"
	"\"sockets\":[],\"sent\":[],\"canary_hits\":[],\"signals\":[],\"denied\":[],\"timeline\":[]}]}";

static float f[1024];

static float get(const char *name)
{
	int i = features_index(name);
	assert_true(i >= 0);
	return f[i];
}

static int setup(void **state)
{
	json_error_t je;
	json_t *r = json_loads(REPORT, 0, &je);
	char err[128];
	(void)state;
	assert_non_null(r);
	assert_true(features_count() <= 1024);
	assert_int_equal(features_extract(r, f, err, sizeof(err)), 0);
	json_decref(r);
	return 0;
}

static void test_baseline(void **state)
{
	(void)state;
	assert_true(get("n_commands") == 4);
	assert_true(get("n_domains") == 1);
	assert_true(get("n_ips") == 2);
}

static void test_commands(void **state)
{
	(void)state;
	assert_true(get("install.cmd_total") == 4);
	assert_true(get("install.cmd_shell") == 1);
	assert_true(get("install.cmd_net") == 1);
	assert_true(get("install.cmd_foreign") == 1);
	assert_true(get("install.cmd_failed") == 1);
	assert_true(get("install.exec_written") == 1);
	assert_true(get("install.chmod_written") == 1);
	assert_true(get("install.exec_after_write") == 1);
}

static void test_files(void **state)
{
	(void)state;
	assert_true(get("install.read_cred") == 1);
	assert_true(get("install.read_browser") == 1);
	assert_true(get("install.read_kinds") == 2);
	/* ~/.bashrc and the SSH key; only the key starts anything by itself */
	assert_true(get("install.write_persist") == 2);
	assert_true(get("install.write_autostart") == 1);
	assert_true(get("install.delete_outside") == 1);
}

static void test_network(void **state)
{
	(void)state;
	assert_true(get("install.dns_hexlike") == 1);
	assert_true(get("install.dns_service") == 1);
	assert_true(get("install.dns_max_label") == 20);
	assert_true(get("install.conn_raw_ip") == 1);
	assert_true(get("install.conn_nonstd_port") == 1);
	assert_true(get("install.conn_dest") == 2);
	assert_true(get("install.http_post") == 1);
	assert_true(get("install.sent_recon") == 1); /* "alex-xps" in the body */
	assert_true(get("install.t_first_net") == 50);
	assert_true(get("install.net_after_read") == 1);
}

static void test_canaries_and_status(void **state)
{
	(void)state;
	assert_true(get("install.canary_hits") == 2);
	assert_true(get("install.canary_cred") == 1);
	assert_true(get("install.canary_cloud") == 1);
	assert_true(get("install.canary_dns") == 1);
	assert_true(get("install.setsid") == 1);
	assert_true(get("install.denied") == 1);
	assert_true(get("import.timeout") == 1);
	assert_true(get("import.t_first_net") == -1);
}

/* conn_hosts (evidence only, not in the model): hosts by the name DNS
 * gave, else by address; ports, repeats, unix sockets, DNS and binds
 * aside. */
static void test_conn_hosts(void **state)
{
	static const char report[] =
		"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"p\"},"
		"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"h\"},"
		"\"phases\":[{\"name\":\"install\",\"status\":\"ok\",\"sockets\":["
		"{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"198.18.0.9\",\"port\":443,\"hostnames\":[\"x.oast.fun\"]},"
		"{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"198.18.0.10\",\"port\":80,\"hostnames\":[\"x.oast.fun\"]},"
		"{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"203.0.113.5\",\"port\":4444,\"hostnames\":[]},"
		"{\"syscall\":\"sendto\",\"family\":\"ipv4\",\"address\":\"203.0.113.5\",\"port\":4444},"
		"{\"syscall\":\"connect\",\"family\":\"unix\",\"path\":\"/run/x.sock\"},"
		"{\"syscall\":\"sendto\",\"family\":\"ipv4\",\"address\":\"10.0.0.53\",\"port\":53},"
		"{\"syscall\":\"bind\",\"family\":\"ipv4\",\"address\":\"0.0.0.0\",\"port\":8080}]}]}";
	json_error_t je;
	json_t *r = json_loads(report, 0, &je);
	float x[1024];
	char err[128];
	(void)state;
	assert_non_null(r);
	assert_int_equal(features_extract(r, x, err, sizeof(err)), 0);
	json_decref(r);
	assert_true(x[features_index("install.conn_hosts")] == 2);
	assert_true(x[features_index("install.conn_dest")] == 3);
	assert_true(x[features_index("import.conn_hosts")] == 0);
	/* and in the report of the other tests: 203.0.113.5 and x.oast.fun */
	assert_true(get("install.conn_hosts") == 2);
	/* not a column of the model */
	assert_true((size_t)features_index("install.conn_hosts") >= features_model_count());
	assert_false(features_for_model((size_t)features_index("install.conn_hosts")));
}

/* read_probe and dns_nxdomain (evidence only): what sandbox checks read,
 * not what node reads whenever it starts; names answered NXDOMAIN. */
static void test_probes(void **state)
{
	static const char report[] =
		"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"p\"},"
		"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"h\"},"
		"\"phases\":[{\"name\":\"install\",\"status\":\"ok\",\"files\":["
		"{\"path\":\"/proc/self/status\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc/1/cmdline\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc/812/comm\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc\",\"flags\":[\"read\",\"dir\"]},"
		"{\"path\":\"/proc/self/mountinfo\",\"flags\":[\"read\"]},"
		"{\"path\":\"/sys/class/dmi/id/product_name\",\"flags\":[\"read\"]},"
		"{\"path\":\"/.dockerenv\",\"flags\":[]},"
		"{\"path\":\"/proc/self/cgroup\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc/meminfo\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc/self/maps\",\"flags\":[\"read\"]},"
		"{\"path\":\"/proc/self/fd\",\"flags\":[\"read\",\"dir\"]}],"
		"\"dns\":[{\"hostname\":\"q7xk2m9vzp4wtb.com\",\"types\":[\"A\"],\"nxdomain\":true},"
		"{\"hostname\":\"registry.npmjs.org\",\"types\":[\"A\"]}]}]}";
	json_error_t je;
	json_t *r = json_loads(report, 0, &je);
	float x[1024];
	char err[128];
	(void)state;
	assert_non_null(r);
	assert_int_equal(features_extract(r, x, err, sizeof(err)), 0);
	json_decref(r);
	assert_true(x[features_index("install.read_probe")] == 7);
	assert_true(x[features_index("install.dns_nxdomain")] == 1);
	assert_true(x[features_index("import.read_probe")] == 0);
	/* model columns since schema 3 */
	assert_true(features_for_model((size_t)features_index("any.read_probe")));
	assert_true(features_for_model((size_t)features_index("any.dns_nxdomain")));
}

static void test_not_a_report(void **state)
{
	json_t *j = json_pack("{s:s}", "schema", "other/1");
	char err[128];
	(void)state;
	assert_int_equal(features_extract(j, f, err, sizeof(err)), -1);
	assert_string_equal(err, "not a snare report (schema snare.report/1)");
	json_decref(j);
}

static void test_path_classes(void **state)
{
	(void)state;
	assert_int_equal(path_classify("/home/a/.ssh/id_rsa", "/home/a"), PATH_CRED);
	assert_int_equal(path_classify("/home/a/projects/app/.env", "/home/a"), PATH_ENVFILE);
	assert_int_equal(path_classify("/home/a/.config/Exodus/exodus.wallet/seed.seco", "/home/a"),
			 PATH_WALLET);
	assert_int_equal(
		path_classify("/home/a/.config/discord/Local Storage/leveldb/0.ldb", "/home/a"),
		PATH_DISCORD);
	assert_int_equal(path_classify("/etc/shadow", "/home/a"), PATH_SYSTEM);
	/* glibc's getpwuid() reads it for os.userInfo() */
	assert_int_equal(path_classify("/etc/passwd", "/home/a"), PATH_OTHER);
	assert_int_equal(path_classify("/home/a/.config/systemd/user/x.service", "/home/a"),
			 PATH_PERSIST);
	assert_int_equal(path_classify("/usr/lib/node_modules/npm/index.js", "/home/a"),
			 PATH_OTHER);
	/* git hooks: the installing project's own (husky) are not persistence,
	 * another repository's are */
	assert_int_equal(path_classify("/home/a/projects/app/.git/hooks/pre-commit", "/home/a"),
			 PATH_OTHER);
	assert_int_equal(path_classify("/home/a/projects/website/.git/hooks/pre-commit", "/home/a"),
			 PATH_PERSIST);
	assert_true(path_is_own("/home/a/projects/app/node_modules/p/x.js",
				"/home/a/projects/app/node_modules/p"));
	assert_false(path_is_own("/home/a/projects/app/node_modules/pq/x.js",
				 "/home/a/projects/app/node_modules/p"));
}

/* The browser phase's page: its "browser" section into browser.page_*. */
static void test_browser_page(void **state)
{
	static const char report[] =
		"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"p\"},"
		"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"h\"},"
		"\"canaries\":[{\"name\":\"card_number\",\"value\":\"4556737586899855\"}],"
		"\"phases\":[{\"name\":\"browser\",\"status\":\"ok\",\"browser\":{"
		"\"hooks\":[{\"api\":\"fetch\"},{\"api\":\"ethereum.request\"}],"
		"\"listeners\":[{\"event\":\"submit\",\"sensitive\":true},"
		"{\"event\":\"click\",\"sensitive\":false}],"
		"\"field_reads\":[{\"field\":\"cardnumber\"}],\"storage_reads\":[],"
		"\"requests\":[{\"url\":\"https://c.test/b\",\"body\":\"{\\\"c\\\":\\\"4556737586899855\\\"}\"},"
		"{\"url\":\"https://c.test/x\",\"body\":\"\"}],"
		"\"rewrites\":[{\"api\":\"fetch\"}],"
		"\"clipboard\":[{\"op\":\"read\"},{\"op\":\"write\"}]}}]}";
	json_error_t je;
	json_t *r = json_loads(report, 0, &je);
	float x[1024];
	char err[128];
	(void)state;
	assert_non_null(r);
	assert_int_equal(features_extract(r, x, err, sizeof(err)), 0);
	assert_true(x[features_index("browser.page_hooks")] == 2);
	assert_true(x[features_index("browser.page_wallet_hooks")] == 1);
	assert_true(x[features_index("browser.page_listeners")] == 1);
	assert_true(x[features_index("browser.page_field_reads")] == 1);
	assert_true(x[features_index("browser.page_storage_reads")] == 0);
	assert_true(x[features_index("browser.page_requests")] == 2);
	assert_true(x[features_index("browser.page_canary_requests")] == 1);
	assert_true(x[features_index("browser.page_rewrites")] == 1);
	assert_true(x[features_index("browser.page_clipboard_writes")] == 1);
	/* a model column since schema 3 */
	assert_true(features_for_model((size_t)features_index("browser.page_hooks")));
	json_decref(r);
}

/* What is not the package's, or not evidence: the harness's own traffic
 * (a called function fetching the URL it was given, the page posting to
 * its own API), sends to this machine, the cloud's metadata service,
 * temporary files, tools' caches under node_modules, private addresses
 * named in code.  The same send to another host is a leak. */
static void test_not_evidence(void **state)
{
	static const char report[] =
		"{\"schema\":\"snare.report/1\",\"package\":{\"name\":\"p\"},"
		"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"h\"},"
		"\"static\":{\"ips\":[\"127.0.0.1\",\"10.1.2.3\",\"192.168.0.9\",\"169.254.169.254\","
		"\"203.0.113.5\"]},"
		"\"canaries\":[{\"name\":\"wallet_address\",\"value\":\"0xabc\"}],"
		"\"phases\":[{\"name\":\"execute\",\"status\":\"ok\","
		"\"sent\":[{\"protocol\":\"tcp\",\"address\":\"93.184.216.34\",\"port\":443,"
		"\"hostname\":\"api.example.com\",\"call\":\"execute: get()\",\"script\":\"execute\","
		"\"data_base64\":\"EXAMPLE\"},"
		"{\"protocol\":\"tcp\",\"address\":\"127.0.0.1\",\"port\":80,\"hostname\":\"localhost\","
		"\"script\":\"execute\",\"data_base64\":\"LOCAL\"}],"
		"\"sockets\":[{\"syscall\":\"connect\",\"family\":\"ipv4\",\"address\":\"169.254.169.254\","
		"\"port\":80,\"result\":0},{\"syscall\":\"connect\",\"family\":\"ipv4\","
		"\"address\":\"127.0.0.1\",\"port\":6000,\"result\":-111},{\"syscall\":\"sendto\","
		"\"family\":\"ipv4\",\"address\":\"224.0.0.251\",\"port\":5353,\"result\":40},{\"syscall\":\"connect\","
		"\"family\":\"ipv6\",\"address\":\"::ffff:127.0.0.1\",\"port\":6379,\"result\":0}],"
		"\"files\":[{\"path\":\"/home/alex/.expo/state.json.tmp1\",\"flags\":[\"create\",\"write\","
		"\"delete\"]},{\"path\":\"/home/alex/projects/app/node_modules/.vite/deps/a.js\","
		"\"flags\":[\"create\",\"write\"]}]},"
		"{\"name\":\"browser\",\"status\":\"ok\",\"canary_hits\":[{\"canary\":\"wallet_address\","
		"\"where\":\"sent\",\"hostname\":\"api.acme-corp.io\",\"port\":443,\"call\":\"page: fetch\"}]},"
		"{\"name\":\"install\",\"status\":\"ok\",\"steps\":[{\"package\":\"esbuild\","
		"\"script\":\"postinstall\",\"target\":false},{\"package\":\"p\","
		"\"script\":\"postinstall\",\"target\":true}],\"files\":["
		"{\"path\":\"/home/alex/projects/app/node_modules/esbuild/bin/esbuild\","
		"\"flags\":[\"write\",\"create\",\"rename\"]},"
		"{\"path\":\"/home/alex/projects/app/node_modules/esbuild-x/bin/x\","
		"\"flags\":[\"write\"]}]},"
		"{\"name\":\"import\",\"status\":\"ok\","
		"\"sent\":[{\"protocol\":\"tcp\",\"address\":\"198.51.100.7\",\"port\":443,"
		"\"hostname\":\"c.evil.test\",\"script\":\"import\",\"data_base64\":\"EVIL\"}]}]}";
	char *text = xstrdup(report), *at;
	float x[1024];
	char err[128];
	json_error_t je;
	(void)state;

	while ((at = strstr(text, "EXAMPLE")) || (at = strstr(text, "LOCAL")) ||
	       (at = strstr(text, "EVIL"))) {
		/* the same request in each capture: the project's path */
		static const char *const host[] = {"api.example.com", "localhost", "c.evil.test"};
		int k = at[1] == 'X' ? 0 : at[0] == 'L' ? 1 : 2;
		char raw[128];
		size_t n = (size_t)snprintf(
			raw, sizeof(raw),
			"GET /home/alex/projects/app HTTP/1.1\r\nHost: %s\r\n\r\n", host[k]);
		char *b64 = base64_encode(raw, n);
		size_t word = strlen(k == 0 ? "EXAMPLE" : k == 1 ? "LOCAL" : "EVIL");
		char *next = xasprintf("%.*s%s%s", (int)(at - text), text, b64, at + word);
		free(b64);
		free(text);
		text = next;
	}
	json_t *r = json_loads(text, 0, &je);
	free(text);
	assert_non_null(r);
	assert_int_equal(features_extract(r, x, err, sizeof(err)), 0);
	assert_true(x[features_index("execute.sent_identity")] == 0);
	assert_true(x[features_index("browser.canary_hits")] == 0);
	assert_true(x[features_index("execute.conn_raw_ip")] == 0);
	assert_true(x[features_index("execute.conn_nonstd_port")] == 0);
	assert_true(x[features_index("execute.dest_raw_ip")] == 0);
	assert_true(x[features_index("execute.delete_outside")] == 0);
	assert_true(x[features_index("execute.write_other_pkg")] == 0);
	/* a dependency's installer writing its own directory is not writing
	 * another package; the package next to it is another */
	assert_true(x[features_index("install.write_other_pkg")] == 1);
	assert_true(x[features_index("install.write_outside")] == 1);
	assert_true(x[features_index("static.url_ips")] == 1);
	/* the control: the same request to another host leaks */
	assert_true(x[features_index("import.sent_identity")] == 1);
	assert_true(x[features_index("any.sent_identity")] == 1);
	assert_string_equal(features_phase_of(r, "any.sent_identity"), "import");
	assert_null(features_phase_of(r, "import.sent_identity"));
	assert_null(features_phase_of(r, "any.canary_hits"));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_canaries_and_status),
		cmocka_unit_test(test_browser_page),
		cmocka_unit_test(test_conn_hosts),
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_not_a_report),
		cmocka_unit_test(test_path_classes),
		cmocka_unit_test(test_not_evidence),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
