/* Static capabilities (static/caps.c) on small snippets, including what a
 * regular expression over the bytes would wrongly count; the package-level
 * ones (bundled executables, meta_hosts, snare static's tarball or
 * directory) through static_scan() and static_scan_path(); their features
 * and explanations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "explain/explain.h"
#include "features/features.h"
#include "static/static.h"
#include "tmpdir.h"
#include "util/fsutil.h"

/* The section for one file "a.js" holding |js|. */
static json_t *scan(const char *js)
{
	struct static_caps *c = static_caps_new();
	static_caps_file(c, "a.js", js, strlen(js));
	return static_caps_finish(c, json_object());
}

static long long count(const json_t *section, const char *kind)
{
	return json_integer_value(
		json_object_get(json_object_get(section, "capability_counts"), kind));
}

/* The first evidence of |kind| as "what@line", or "". */
static const char *first(const json_t *section, const char *kind)
{
	static char out[256];
	size_t i;
	json_t *v;

	out[0] = '\0';
	json_array_foreach (json_object_get(section, "capabilities"), i, v)
		if (!strcmp(json_string_value(json_object_get(v, "kind")), kind)) {
			snprintf(out, sizeof(out), "%s@%lld",
				 json_string_value(json_object_get(v, "what")),
				 json_integer_value(json_object_get(v, "line")));
			break;
		}
	return out;
}

/* |js| gives |n| of |kind|, the first being |what| (NULL: not checked). */
static void expect(const char *js, const char *kind, long long n, const char *what)
{
	json_t *s = scan(js);
	if (count(s, kind) != n)
		fail_msg("%s: %lld, want %lld, for: %s", kind, count(s, kind), n, js);
	if (what && strcmp(first(s, kind), what) != 0)
		fail_msg("%s: first '%s', want '%s', for: %s", kind, first(s, kind), what, js);
	json_decref(s);
}

/* |js| finds nothing at all. */
static void nothing(const char *js)
{
	json_t *s = scan(js);
	if (json_array_size(json_object_get(s, "capabilities")) != 0)
		fail_msg("found %s in: %s",
			 first(s, json_string_value(json_object_get(
					  json_array_get(json_object_get(s, "capabilities"), 0),
					  "kind"))),
			 js);
	json_decref(s);
}

static void test_wallet(void **state)
{
	(void)state;
	expect("window.ethereum.request = async function (a) { return a; };", "wallet_hook", 1,
	       "window.ethereum.request@1");
	expect("\nconst eth = globalThis.window && window.ethereum;\neth.request = f;",
	       "wallet_hook", 1, "window.ethereum.request@3");
	expect("Object.defineProperty(window, 'ethereum', { get() { return p; } });", "wallet_hook",
	       1, "window.ethereum@1");
	expect("window.solana = new Proxy(window.solana, {});", "wallet_hook", 1,
	       "window.solana@1");
	expect("window.phantom.solana.signTransaction = s;", "wallet_hook", 1, NULL);
	/* reading, calling and feature detection are not hooks */
	nothing("if (window.ethereum) { window.ethereum.request({method: 'eth_requestAccounts'}); }");
	nothing("const ethereum = window.ethereum; const p = window.ethereum || null;");
	nothing("if (window.ethereum == undefined) return;");
	/* nor a name in a comment or a string */
	nothing("// window.ethereum.request = steal\n/* window.fetch = x */ const s = 'window.fetch = y';");
}

static void test_net_patch(void **state)
{
	(void)state;
	expect("XMLHttpRequest.prototype.open = function (m, u) { orig.apply(this, arguments); };\n"
	       "window.fetch = async (...a) => f(...a);",
	       "net_patch", 2, "XMLHttpRequest.prototype.open@1");
	expect("const X = XMLHttpRequest.prototype;\nX.send = function (b) {};", "net_patch", 1,
	       "XMLHttpRequest.prototype.send@2");
	expect("globalThis['fetch'] = hooked;", "net_patch", 1, "globalThis.fetch@1");
	nothing("fetch(url).then(r => r.json()); const xhr = new XMLHttpRequest(); xhr.open('GET', u);");
	nothing("const fetch = require('node-fetch'); let o = XMLHttpRequest.prototype.open;");
}

static void test_skimmer(void **state)
{
	(void)state;
	expect("const f = document.querySelector('input[type=password]');\n"
	       "f.addEventListener('keydown', () => send(f.value));\n"
	       "form.addEventListener('submit', go);",
	       "skimmer", 2, "addEventListener('keydown')@2");
	/* listening without reading a sensitive field */
	nothing("input.addEventListener('keydown', e => search(input.value));");
	nothing("// password\nb.addEventListener('click', () => x.value);");
}

static void test_decrypt_eval(void **state)
{
	(void)state;
	expect("const d = crypto.createDecipheriv('aes-256-cbc', k, iv);\n"
	       "let s = d.update(p, 'hex', 'utf8') + d.final('utf8');\neval(s);",
	       "decrypt_eval", 1, "eval@3");
	expect("m._compile(Buffer.from(payload, 'base64').toString(), 'x.js');", "decrypt_eval", 1,
	       "m._compile@1");
	expect("new Function(atob(p))();", "decrypt_eval", 1, "Function@1");
	expect("function dec(x) { return atob(x); }\nvm.runInThisContext(dec(blob));",
	       "decrypt_eval", 1, "vm.runInThisContext@2");
	expect("const code = zlib.inflateSync(buf).toString(); require('vm').runInNewContext(code);",
	       "decrypt_eval", 0, NULL);
	/* downloaded code */
	expect("https.get(u, (res) => { let body = '';\n res.on('data', (d) => { body += d; });\n"
	       " res.on('end', () => { eval(body); }); });",
	       "decrypt_eval", 1, "eval@3");
	expect("res.on('data', function (piece) { eval(piece); });", "decrypt_eval", 1, "eval@1");
	nothing("res.on('data', (d) => { chunks.push(d); }); eval('2');");
	nothing("eval('1 + 1'); require('fs'); const f = new Function('a', 'return a');");
	/* code put together from literals is code generation, not decoding */
	nothing("const g = new Function('fn', '\"use strict\"\\n' + 'return fn(' + 'a' + ')');");
	nothing("const u = new (require('u' + 'rl').URL)('file:' + __filename);");
	expect("const cp = require('child_' + 'process');", "obfuscated", 1,
	       "require('child_process')@1");
	nothing("const id = randomBytes(8).toString('hex');\nvm.runInThisContext(`f(${id})`);");
	nothing("// eval(atob(x))\nconsole.log('eval(atob(x))');");
}

static void test_discord_and_cred_paths(void **state)
{
	(void)state;
	expect("const p = path.join(appdata, 'discordcanary', 'Local Storage', 'leveldb');",
	       "discord", 1, "'discordcanary'@1");
	expect("const re = /mfa\\.[\\w-]{84}/g;", "discord", 1, "'/mfa\\.[\\w-]{84}/g'@1");
	expect("fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');", "cred_paths", 1,
	       "'/.npmrc'@1");
	expect("[`${h}/.ssh/id_rsa`, `${h}/.aws/credentials`]", "cred_paths", 2, NULL);
	expect("const ext = 'nkbihfbeogaeaoehlefnkodbefgpgknn';", "cred_paths", 1, NULL);
	nothing("const Discord = require('discord.js'); client.login(process.env.TOKEN);");
	nothing("log('the .npmrc allow-scripts setting is being ignored');");
	nothing("// reads ~/.npmrc and discordcanary\n/* Local Storage/leveldb */");
}

static void test_obfuscated(void **state)
{
	(void)state;
	/* hex escapes, concatenation, fromCharCode, base64, reversal */
	expect("const n = '\\x64\\x69\\x73\\x63\\x6f\\x72\\x64\\x63\\x61\\x6e\\x61\\x72\\x79';",
	       "obfuscated", 1, "'discordcanary'@1");
	expect("const n = 'disc' + 'ord' + 'canary';", "discord", 1, "'discordcanary'@1");
	expect("const n = 'disc' + 'ord' + 'canary';", "obfuscated", 1, NULL);
	expect("global[String.fromCharCode(101, 118, 97, 108)](x);", "obfuscated", 1,
	       "global.eval@1");
	expect("const w = atob('ZXRoZXJldW0=');", "obfuscated", 1, "'ethereum'@1");
	expect("const p = 'crmpn./'.split('').reverse().join('');", "cred_paths", 1, "'/.npmrc'@1");
	expect("const p = ['.ss', 'h/id_', 'rsa'].join('');", "obfuscated", 1, NULL);
	expect("window['eth' + 'ereum']['request'] = f;", "wallet_hook", 1,
	       "window.ethereum.request@1");
	expect("window['eth' + 'ereum']['request'] = f;", "obfuscated", 1, NULL);
	expect("const cp = require(atob('Y2hpbGRfcHJvY2Vzcw=='));", "obfuscated", 1,
	       "require('child_process')@1");
	expect("const cp = require(Buffer.from('6368696c645f70726f63657373', 'hex').toString());",
	       "obfuscated", 1, "require('child_process')@1");
	/* a payload held in a name, decoded and run: what it holds counts, and
	 * counts as obfuscated, at its line in the payload */
	expect("const _0x1 = 'ZnMucmVhZEZpbGVTeW5jKGhvbWUgKyAnLy5ucG1yYycpOw==';\n"
	       "new Function(Buffer.from(_0x1, 'base64').toString())();",
	       "cred_paths", 1, "'/.npmrc'@1");
	expect("const _0x1 = 'ZnMucmVhZEZpbGVTeW5jKGhvbWUgKyAnLy5ucG1yYycpOw==';\n"
	       "new Function(Buffer.from(_0x1, 'base64').toString())();",
	       "obfuscated", 1, "'/.npmrc'@1");
	expect("const _0x1 = 'ZnMucmVhZEZpbGVTeW5jKGhvbWUgKyAnLy5ucG1yYycpOw==';\n"
	       "new Function(Buffer.from(_0x1, 'base64').toString())();",
	       "decrypt_eval", 1, "Function@2");
	/* the plain names are not hidden */
	nothing("const e = 'eval'; const m = 'child_process'; const s = 'a' + 'b';");
}

static void test_string_array_and_packed(void **state)
{
	char *js;
	size_t o = 0;
	(void)state;

	expect("var _0x1a2b=['log','push','shift','x','y','z'];(function(_0x3c4d,_0x5e6f){"
	       "var _0x7a8b=function(_0x9c0d){while(--_0x9c0d){_0x3c4d['push'](_0x3c4d['shift']()"
	       ");}};_0x7a8b(++_0x5e6f);}(_0x1a2b,0x1f3));",
	       "string_array", 1, "array of 6 strings, rotated with push/shift@1");
	nothing("var a = ['x', 'y', 'z', 'u', 'v']; a.push(a.shift());");

	/* one 6,000-character line of random-looking names; then the same
	 * length of ordinary minified code */
	js = malloc(8192);
	for (int i = 0; o < 6000; i++)
		o += (size_t)snprintf(js + o, 8192 - o, "var q%dz%d=k%dw%d;", i * 7, i, i * 3, i);
	expect(js, "packed", 1, NULL);
	o = 0;
	for (int i = 0; o < 6000; i++)
		o += (size_t)snprintf(js + o, 8192 - o, "function e(t){return t.length+n}");
	expect(js, "packed", 0, NULL);
	free(js);
}

/* Any bytes: the scan ends and keeps its counts and evidence consistent. */
static void test_any_bytes(void **state)
{
	char src[600];
	unsigned seed = 3;
	(void)state;

	for (int round = 0; round < 600; round++) {
		size_t len = (size_t)round % sizeof(src);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			src[i] = "'\"`${}[]().+=,;/\\ax0_e"[(seed >> 16) % 23];
		}
		struct static_caps *c = static_caps_new();
		static_caps_file(c, "f.js", src, len);
		json_t *s = static_caps_finish(c, json_object());
		assert_true(json_array_size(json_object_get(s, "capabilities")) <= 30);
		json_decref(s);
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(fs_write_file(p, text, strlen(text)), 0);
}

static void test_package(void **state)
{
	char dir[TMPDIR_MAX], sub[TMPDIR_MAX + 8], err[256];
	(void)state;

	assert_int_equal(tmpdir_make(dir, "caps"), 0);
	snprintf(sub, sizeof(sub), "%s/bin", dir);
	assert_int_equal(fs_mkdir_p(sub, 0755), 0);
	write_file(dir, "package.json",
		   "{\"name\":\"p\",\"version\":\"1.0.0\",\"scripts\":{\"postinstall\":"
		   "\"start payload.bat\"},\"homepage\":\"https://Example.COM/p\","
		   "\"repository\":{\"url\":\"git+https://github.com/u/p.git\"},"
		   "\"bugs\":\"https://github.com/u/p/issues\"}");
	write_file(dir, "run.js",
		   "const { spawn } = require('child_process');\n"
		   "spawn(__dirname + '/bin/helper.exe', []);\n");
	write_file(dir, "bin/helper.exe", "MZ not really");
	write_file(dir, "payload.bat", "@echo off");
	/* a chat site named, and a webhook with its credential */
	write_file(dir, "chat.js",
		   "const invite = 'https://discord.com/invite/abc';\n"
		   "const bot = `https://api.telegram.org/bot${token}/sendMessage`;\n"
		   "const hook = 'https://discordapp.com/api/webhooks/112233445566778899/"
		   "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';\n");
	write_file(dir, "unused.dll", "MZ");
	json_t *s = static_scan(dir);
	assert_int_equal(count(s, "bundled_exe"), 2);
	assert_string_equal(first(s, "bundled_exe"), "bin/helper.exe@2");
	char *dump = json_dumps(json_object_get(s, "meta_hosts"), JSON_COMPACT);
	assert_string_equal(dump, "[\"example.com\",\"github.com\"]");
	free(dump);
	dump = json_dumps(json_object_get(s, "webhooks"), JSON_COMPACT);
	assert_string_equal(dump, "[\"discordapp.com\"]");
	free(dump);

	/* the features and their explanation */
	json_t *report = json_pack("{s:s, s:{s:s}, s:{s:s}, s:[], s:O}", "schema", "snare.report/1",
				   "package", "name", "p", "environment", "home", "/home/x",
				   "phases", "static", s);
	float *f = calloc(features_count(), sizeof(*f));
	assert_int_equal(features_extract(report, f, err, sizeof(err)), 0);
	assert_true(f[features_index("static.cap_bundled_exe")] == 2.0f);
	assert_true(f[features_index("static.cap_wallet_hook")] == 0.0f);
	assert_true(f[features_index("static.url_service")] == 1.0f);
	char *text = explain_feature(report, "static.cap_bundled_exe", 2);
	assert_string_equal(text, "runs a bundled executable: bin/helper.exe in run.js:2, "
				  "payload.bat in package.json scripts.postinstall [static]");
	free(text);
	free(f);
	json_decref(report);

	/* snare static's entry: the same section from the directory */
	json_t *again = static_scan_path(dir, err, sizeof(err));
	assert_non_null(again);
	assert_true(json_equal(again, s));
	json_decref(again);
	json_decref(s);
	assert_int_equal(tmpdir_remove(dir), 0);
}

static void test_explain_wallet(void **state)
{
	char err[256];
	json_t *st = json_object();
	struct static_caps *c = static_caps_new();
	(void)state;

	static_caps_file(c, "dist/index.js", "window.ethereum.request=function(){}", 36);
	static_caps_finish(c, st);
	json_t *report = json_pack("{s:s, s:{s:s}, s:{s:s}, s:[], s:o}", "schema", "snare.report/1",
				   "package", "name", "p", "environment", "home", "/home/x",
				   "phases", "static", st);
	float *f = calloc(features_count(), sizeof(*f));
	assert_int_equal(features_extract(report, f, err, sizeof(err)), 0);
	assert_true(f[features_index("static.cap_wallet_hook")] == 1.0f);
	char *text = explain_feature(report, "static.cap_wallet_hook", 1);
	assert_string_equal(text, "hooks a browser wallet provider: window.ethereum.request in "
				  "dist/index.js:1 [static]");
	free(text);
	free(f);
	json_decref(report);
}

static void test_bad_paths(void **state)
{
	char dir[TMPDIR_MAX], err[256], *p;
	(void)state;

	assert_null(static_scan_path("/nonexistent/pkg", err, sizeof(err)));
	assert_string_equal(err, "cannot read '/nonexistent/pkg': No such file or directory");
	assert_int_equal(tmpdir_make(dir, "caps-bad"), 0);
	p = tmpdir_path(dir, "x.tgz");
	write_file(dir, "x.tgz", "not a tarball");
	assert_null(static_scan_path(p, err, sizeof(err)));
	assert_non_null(strstr(err, "not a gzip or tar archive"));
	free(p);
	/* a directory without package.json */
	assert_null(static_scan_path(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "package.json"));
	assert_int_equal(tmpdir_remove(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wallet),
		cmocka_unit_test(test_net_patch),
		cmocka_unit_test(test_skimmer),
		cmocka_unit_test(test_decrypt_eval),
		cmocka_unit_test(test_discord_and_cred_paths),
		cmocka_unit_test(test_obfuscated),
		cmocka_unit_test(test_string_array_and_packed),
		cmocka_unit_test(test_any_bytes),
		cmocka_unit_test(test_package),
		cmocka_unit_test(test_explain_wallet),
		cmocka_unit_test(test_bad_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
