/* Whose events count (features/own.c) and what leaves and where it goes
 * (features/leaks.c), on small hand-written reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "features/features.h"
#include "features/leaks.h"
#include "util/base64.h"

/* Reports are written with ' for " to stay readable. */
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

static float x[1024];

static void extract(const char *text)
{
	json_t *r = load(text);
	char err[128];

	assert_true(features_count() <= 1024);
	assert_int_equal(features_extract(r, x, err, sizeof(err)), 0);
	json_decref(r);
}

static float get(const char *name)
{
	int i = features_index(name);
	assert_true(i >= 0);
	return x[i];
}

#define HEAD                                                                                       \
	"{'schema':'snare.report/1','package':{'name':'p'},"                                       \
	"'environment':{'home':'/home/alex','user':'alex','hostname':'alex-xps'},"

/* A dependency's install step is its own: not the target's reads,
 * lookups or connects; dep_install_net keeps it in view. */
static void test_dependency_not_blamed(void **state)
{
	(void)state;
	extract(HEAD
		"'phases':[{'name':'install','status':'ok',"
		"'steps':[{'package':'esb','script':'postinstall','command':'node install.js','target':false},"
		"{'package':'p','script':'postinstall','command':'node x.js','target':true}],"
		"'commands':[{'path':'/usr/bin/node','argv':['node','install.js'],'result':0,'pid':10,'ppid':0,'package':'esb','script':'postinstall'}],"
		"'files':[{'path':'/home/alex/.npmrc','flags':['read'],'failed':[]}],"
		"'dns':[{'hostname':'registry.npmjs.org','pid':10,'package':'esb','script':'postinstall'}],"
		"'sockets':[{'syscall':'connect','family':'ipv4','address':'104.16.0.1','port':8443,'hostnames':['registry.npmjs.org'],'pid':10,'package':'esb','script':'postinstall'}],"
		"'sent':[],'canary_hits':[],"
		"'timeline':[{'type':'file','path':'/home/alex/.npmrc','flags':'read','pid':10,'package':'esb'}]}]}");
	assert_true(get("install.read_cred") == 0);
	assert_true(get("install.dns_count") == 0);
	assert_true(get("install.conn_count") == 0);
	assert_true(get("install.conn_nonstd_port") == 0);
	assert_true(get("install.cmd_total") == 0);
	assert_true(get("dep_install_net") == 1);
	assert_false(features_for_model((size_t)features_index("dep_install_net")));
}

/* npm reading its config and talking to the registry, git reading its
 * config: the tools' doing.  What else they or the package do counts. */
static void test_known_tools(void **state)
{
	(void)state;
	extract(HEAD
		"'phases':[{'name':'import','status':'ok',"
		"'steps':[{'package':'p','script':'import','target':true}],"
		"'processes':[{'pid':10,'ppid':0,'argv':['/bin/sh','-c','npm view x'],'package':'p'},"
		"{'pid':11,'ppid':10,'argv':['node','/usr/lib/node_modules/npm/bin/npm-cli.js','view','x'],'package':'p'},"
		"{'pid':20,'ppid':0,'exe':'/usr/bin/git','argv':['git','config','user.email'],'package':'p'},"
		"{'pid':40,'ppid':0,'exe':'/home/alex/projects/app/node_modules/.bin/npm','argv':['npm'],'package':'p'},"
		"{'pid':30,'ppid':0,'argv':['node','index.js'],'package':'p'}],"
		"'files':[{'path':'/home/alex/.npmrc','flags':['read'],'failed':[]},"
		"{'path':'/home/alex/.gitconfig','flags':['read'],'failed':[]},"
		"{'path':'/home/alex/.git-credentials','flags':['read'],'failed':[]},"
		"{'path':'/home/alex/.npm/_logs/1.log','flags':['write','create'],'failed':[]},"
		"{'path':'/home/alex/.bashrc','flags':['write'],'failed':[]}],"
		"'sockets':[{'syscall':'connect','family':'ipv4','address':'104.16.0.1','port':443,'hostnames':['registry.npmjs.org'],'pid':12,'ppid':11,'package':'p'},"
		"{'syscall':'connect','family':'ipv4','address':'198.18.0.9','port':443,'hostnames':['evil.test'],'pid':11,'package':'p'},"
		"{'syscall':'connect','family':'ipv4','address':'104.16.0.2','port':443,'hostnames':['registry.npmjs.org'],'pid':40,'package':'p'}],"
		"'timeline':[{'type':'file','path':'/home/alex/.npmrc','flags':'read','pid':12,'ppid':11,'package':'p'},"
		"{'type':'file','path':'/home/alex/.gitconfig','flags':'read','pid':20,'package':'p'},"
		"{'type':'file','path':'/home/alex/.git-credentials','flags':'read','pid':30,'package':'p'},"
		"{'type':'file','path':'/home/alex/.npm/_logs/1.log','flags':'write,create','pid':11,'package':'p'},"
		"{'type':'file','path':'/home/alex/.bashrc','flags':'write','pid':11,'package':'p'},"
		"{'type':'file','path':'/home/alex/.npmrc','flags':'read','pid':40,'package':'p'},"
		"{'type':'connect','address':'104.16.0.2','port':443,'hostname':'registry.npmjs.org','pid':40,'package':'p'}]}]}");
	/* ~/.git-credentials read by the package's node, not by git; ~/.npmrc
	 * by the package's own "npm" in node_modules/.bin, not npm */
	assert_true(get("import.read_cred") == 2);
	/* npm writing its logs is its job; writing ~/.bashrc is not */
	assert_true(get("import.write_outside") == 1);
	assert_true(get("import.write_persist") == 1);
	/* npm's connect to evil.test counts, its registry connect does not;
	 * the fake npm's does */
	assert_true(get("import.conn_count") == 2);
	assert_true(get("import.dest_unrelated") == 1);
	assert_true(get("import.dest_cdn") == 1);
}

/* os.userInfo() and os.networkInterfaces(): glibc's nscd probe and a
 * netlink socket are not connects; another unix socket is. */
static void test_glibc_sockets(void **state)
{
	(void)state;
	extract(HEAD
		"'phases':[{'name':'execute','status':'ok','sockets':["
		"{'syscall':'connect','family':'unix','path':'/var/run/nscd/socket','result':'ENOENT'},"
		"{'syscall':'connect','family':'unix','path':'/run/nscd/socket','result':'ENOENT'},"
		"{'syscall':'socket','family':'netlink'},{'syscall':'bind','family':'netlink'},"
		"{'syscall':'sendto','family':'netlink'}]},"
		"{'name':'import','status':'ok','sockets':["
		"{'syscall':'connect','family':'unix','path':'/run/docker.sock'}]}]}");
	assert_true(get("execute.conn_unix") == 0);
	assert_true(get("execute.conn_count") == 0);
	assert_true(get("execute.conn_nonstd_port") == 0);
	assert_true(get("execute.conn_dest") == 0);
	assert_true(get("execute.t_first_net") == -1);
	assert_true(get("import.conn_unix") == 1);
}

static char *b64(const char *s)
{
	return base64_encode(s, strlen(s));
}

/* Identity in hex, URL-encoded and base64 DNS labels; environment values;
 * destinations by class; chains. */
static void test_what_leaves(void **state)
{
	char *a = b64("POST /h HTTP/1.1\r\nHost: x.oast.fun\r\n\r\nh=616c65782d787073");
	char *b = b64("GET /?d=%2Fhome%2Falex%2Fprojects%2Fapp HTTP/1.1\r\n\r\n");
	char *c = b64("GET /o/r/releases/download/v1/tool HTTP/1.1\r\n\r\n");
	char *e = b64("{\"PATH\":\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\"}");
	char *g = b64(
		"HEAD / HTTP/1.1\r\nx-session-id: NWYxYzJhN2U5YjNkNGM2ZjhhMGUxYjJjM2Q0ZTVmNjA3MTgyOTNh\r\n\r\n");
	char *report = NULL;
	(void)state;
	assert_true(
		asprintf(
			&report,
			HEAD
			"'static':{'meta_hosts':['github.com'],'url_hosts':['collect.evil.test']},"
			"'phases':[{'name':'install','status':'ok',"
			"'dns':[{'hostname':'YWxleC14cHM.d.exfil.test'}],"
			"'sockets':[{'syscall':'connect','family':'ipv4','address':'203.0.113.5','port':4444,'hostnames':[]}],"
			"'sent':[{'hostname':'x.oast.fun','port':443,'data_base64':'%s'},"
			"{'hostname':'collect.evil.test','port':80,'data_base64':'%s'},"
			"{'hostname':'github.com','port':443,'data_base64':'%s'},"
			"{'hostname':'objects.githubusercontent.com','port':443,'data_base64':'%s'},"
			"{'hostname':'t.evil2.test','port':80,'data_base64':'',"
			"'requests':[{'method':'GET','target':'/c?x=ZXhmaWx0cmF0ZWRfZGF0YV9oZXJlXzEyMzQ1Njc4OTA='}]},"
			"{'hostname':'rpc.evil3.test','port':443,'data_base64':'%s','requests':[{'method':'HEAD','target':'/'}]}]}]}",
			a, b, c, e, g) > 0);
	extract(report);
	/* x.oast.fun (hex), collect.evil.test (urlencoded), the DNS name (base64) */
	assert_true(get("install.sent_identity") == 3);
	assert_true(get("install.sent_env") == 1);
	/* the code naming collect.evil.test does not excuse a leak to it */
	assert_true(get("install.exfil_chain") == 3);
	/* in a query string; in a custom header */
	assert_true(get("install.sent_encoded_run") == 2);
	/* github.com (metadata), collect.evil.test (code) */
	assert_true(get("install.dest_related") == 2);
	assert_true(get("install.dest_cdn") == 1);
	assert_true(get("install.dest_service") == 1);
	assert_true(get("install.dest_raw_ip") == 1);
	assert_true(get("install.dest_unrelated") == 2); /* t.evil2.test, rpc.evil3.test */
	free(a);
	free(b);
	free(c);
	free(e);
	free(g);
	free(report);
}

/* Relations: the registrable domain, except on shared platforms. */
static void test_classify(void **state)
{
	json_t *r =
		load("{'static':{'meta_hosts':['docs.acme.co.uk','acme.github.io','github.com'],"
		     "'url_hosts':['cdn.tool.dev','9.9.9.9']}}");
	struct dest_ctx *dc = dest_ctx_new(r);
	(void)state;
	assert_int_equal(dest_classify(dc, "dl.acme.co.uk", false), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "co.uk", false), DEST_UNRELATED);
	assert_int_equal(dest_classify(dc, "acme.github.io", false), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "evil.github.io", false), DEST_UNRELATED);
	assert_int_equal(dest_classify(dc, "api.github.com", false), DEST_UNRELATED);
	assert_int_equal(dest_classify(dc, "github.com", false), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "x.tool.dev", true), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "x.tool.dev", false), DEST_UNRELATED);
	assert_int_equal(dest_classify(dc, "9.9.9.9", true), DEST_RAW_IP);
	assert_int_equal(dest_classify(dc, "abc.oast.fun", false), DEST_SERVICE);
	assert_int_equal(dest_classify(dc, "registry.npmjs.org", false), DEST_CDN);
	/* named by the code and a CDN: a CDN; named by the metadata: related */
	assert_int_equal(dest_classify(dc, "registry.npmjs.org", true), DEST_CDN);
	assert_int_equal(dest_classify(dc, "github.com", true), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "bkt.s3.us-east-1.amazonaws.com", false), DEST_CDN);
	assert_int_equal(dest_classify(dc, "ec2-1-2-3-4.compute.amazonaws.com", false),
			 DEST_UNRELATED);
	assert_string_equal(dest_class_name(DEST_RAW_IP), "raw-ip");
	dest_ctx_free(dc);
	json_decref(r);
	/* no static section: nothing is related */
	r = load("{}");
	dc = dest_ctx_new(r);
	assert_int_equal(dest_classify(dc, "docs.acme.co.uk", true), DEST_UNRELATED);
	dest_ctx_free(dc);
	json_decref(r);
}

/* A host named after the package (its scope or a distinctive word of its
 * name) is the vendor's; generic words and shared platforms relate
 * nothing. */
static void test_name_related(void **state)
{
	json_t *r = load("{'package':{'name':'@medusajs/telemetry-utils'},'static':{}}");
	struct dest_ctx *dc = dest_ctx_new(r);
	(void)state;
	assert_int_equal(dest_classify(dc, "telemetry.medusajs.com", false), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "cdn.medusajs.co.uk", false), DEST_RELATED);
	/* "telemetry" and "utils" name no vendor */
	assert_int_equal(dest_classify(dc, "telemetry.evil.test", false), DEST_UNRELATED);
	assert_int_equal(dest_classify(dc, "a.utils-cdn.test", false), DEST_UNRELATED);
	/* anyone names a sub-domain of a platform */
	assert_int_equal(dest_classify(dc, "medusajs.vercel.app", false), DEST_UNRELATED);
	/* a word inside another one is not the word */
	assert_int_equal(dest_classify(dc, "x.medusajsx.test", false), DEST_UNRELATED);
	dest_ctx_free(dc);
	json_decref(r);
	r = load("{'package':{'name':'medusa-telemetry'},'static':{}}");
	dc = dest_ctx_new(r);
	assert_int_equal(dest_classify(dc, "telemetry.medusa-commerce.com", false), DEST_RELATED);
	assert_int_equal(dest_classify(dc, "medusa.oast.fun", false), DEST_SERVICE);
	dest_ctx_free(dc);
	json_decref(r);
}

/* A credential sent to the service that issued it is in use, not leaked;
 * the same credential anywhere else is. */
static void test_credential_issuer(void **state)
{
	(void)state;
	assert_true(canary_to_issuer("aws_access_key_id", "ssm.us-east-1.amazonaws.com"));
	assert_true(canary_to_issuer("npm_token", "registry.npmjs.org"));
	assert_true(canary_to_issuer("github_token", "api.github.com"));
	assert_false(canary_to_issuer("aws_access_key_id", "api.github.com"));
	assert_false(canary_to_issuer("npm_token", "registry.npmjs.org.evil.test"));
	assert_false(canary_to_issuer("wallet_seed", "amazonaws.com"));
	assert_false(canary_to_issuer(NULL, "amazonaws.com"));
	extract(HEAD
		"'phases':[{'name':'execute','status':'ok','canary_hits':["
		"{'canary':'aws_access_key_id','where':'sent','hostname':'ssm.eu-west-1.amazonaws.com','port':443},"
		"{'canary':'aws_access_key_id','where':'sent','hostname':'x.evil.test','port':443}]}]}");
	assert_true(get("execute.canary_hits") == 1);
	assert_true(get("execute.canary_cloud") == 1);
	assert_true(get("execute.exfil_chain") == 1);
}

/* A chat platform counts as a beacon's service in the code only with a
 * webhook or bot URL that carries its credential; an app platform not at
 * all (at run time both still do). */
static void test_chat_hosts(void **state)
{
	(void)state;
	assert_false(dest_named_service("discord.com"));
	assert_false(dest_named_service("canary.discord.com"));
	assert_false(dest_named_service("api.telegram.org"));
	assert_false(dest_named_service("my-app.herokuapp.com"));
	assert_true(dest_named_service("x.oast.fun"));
	assert_false(dest_named_service("example.com"));
	assert_true(dest_is_service("discord.com"));
	assert_true(dest_is_service("my-app.herokuapp.com"));
	extract(HEAD "'static':{'url_hosts':['discord.com','api.telegram.org','x.oast.fun',"
		     "'my-app.herokuapp.com'],"
		     "'webhooks':[]},'phases':[]}");
	assert_true(get("static.url_service") == 1);
	extract(HEAD "'static':{'url_hosts':['discord.com','x.oast.fun'],"
		     "'webhooks':['discord.com']},'phases':[]}");
	assert_true(get("static.url_service") == 2);
}

/* The file path the harness passes a function is the caller's data when
 * the function sends it on; the working directory itself still leaks. */
static void test_harness_argument(void **state)
{
	char *a = b64("POST / HTTP/1.1\r\n\r\n{\"Path\":\"/home/alex/projects/app/data.json\"}");
	char *b = b64("GET /?f=%2Fhome%2Falex%2Fprojects%2Fapp%2Fdata.json HTTP/1.1\r\n\r\n");
	char *c = b64("POST / HTTP/1.1\r\n\r\n{\"cwd\":\"/home/alex/projects/app\"}");
	char *report = NULL;
	unsigned char buf[] = "x=/home/alex/projects/app/data.json&y=/home/alex/projects/app";
	(void)state;
	assert_int_equal(leaks_blank_harness_args("/home/alex", buf, sizeof(buf) - 1), 1);
	assert_string_equal((char *)buf,
			    "x=_________________________________&y=/home/alex/projects/app");
	assert_int_equal(leaks_blank_harness_args(NULL, buf, sizeof(buf) - 1), 0);
	assert_true(asprintf(&report,
			     HEAD "'phases':[{'name':'execute','status':'ok','sent':["
				  "{'hostname':'a.test','port':443,'data_base64':'%s'},"
				  "{'hostname':'b.test','port':443,'data_base64':'%s'}]},"
				  "{'name':'browser','status':'ok','sent':["
				  "{'hostname':'c.test','port':443,'data_base64':'%s'}]}]}",
			     a, b, c) > 0);
	extract(report);
	assert_true(get("execute.sent_identity") == 0);
	assert_true(get("execute.sent_recon") == 0);
	assert_true(get("browser.sent_identity") == 1);
	free(a);
	free(b);
	free(c);
	free(report);
}

/* A user name is found as a word, not inside another one. */
static void test_user_word(void **state)
{
	char *a = b64("u=alexandra");
	char *b = b64("u=alex&x=1");
	char *report = NULL;
	(void)state;
	assert_true(asprintf(&report,
			     HEAD "'phases':[{'name':'install','status':'ok','sent':["
				  "{'hostname':'a.test','port':80,'data_base64':'%s'},"
				  "{'hostname':'b.test','port':80,'data_base64':'%s'}]}]}",
			     a, b) > 0);
	extract(report);
	assert_true(get("install.sent_identity") == 1);
	free(a);
	free(b);
	free(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dependency_not_blamed),
		cmocka_unit_test(test_known_tools),
		cmocka_unit_test(test_glibc_sockets),
		cmocka_unit_test(test_what_leaves),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_user_word),
		cmocka_unit_test(test_name_related),
		cmocka_unit_test(test_credential_issuer),
		cmocka_unit_test(test_chat_hosts),
		cmocka_unit_test(test_harness_argument),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
