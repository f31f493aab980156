/* Feature extraction.  Global features first (the seed paper's baseline),
 * then the same block of per-phase features for install and for import. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "features/paths.h"
#include "util/base64.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define PHASE_FEATURES(X)                                                                                 \
	X(cmd_total)                                                                                      \
	X(cmd_failed)                                                                                     \
	X(cmd_shell)                                                                                      \
	X(cmd_net)                                                                                        \
	X(cmd_recon)                                                                                      \
	X(cmd_persist)                                                                                    \
	X(cmd_encode)                                                                                     \
	X(cmd_build) X(cmd_interp) X(cmd_foreign) X(exec_written) X(chmod_written) X(setsid) X(kill) X(   \
		memfd) X(denied) X(timeout) X(failed) X(read_cred) X(read_browser) X(read_wallet)         \
		X(read_discord) X(read_envfile) X(read_system) X(read_history) X(read_documents) X(       \
			read_kinds) X(write_persist) X(write_documents) X(write_other_pkg)                \
			X(write_outside) X(delete_count) X(delete_outside) X(dns_count) X(                \
				dns_max_label) X(dns_max_entropy) X(dns_hexlike) X(dns_b32like)           \
				X(dns_b64like) X(dns_service) X(dns_ipcheck) X(dns_txt) X(                \
					conn_count) X(conn_raw_ip) X(conn_dest) X(conn_nonstd_port)       \
					X(conn_unix) X(sent_count) X(sent_bytes) X(http_post) X(          \
						http_get) X(sent_tls) X(sent_raw) X(sent_env_dump)        \
						X(sent_recon) X(https_requests) X(http_exfil_path) X(     \
							http_form) X(http_body_max) X(websocket)          \
							X(tls_refused) X(sent_decoded) X(                 \
								canary_hits) X(canary_cred)               \
								X(canary_cloud) X(canary_wallet) X(       \
									canary_discord) X(canary_env)     \
									X(canary_dns) X(canary_tls) X(    \
										t_first_net)              \
										X(net_after_read) X(      \
											exec_after_write) \
											X(stdout_bytes)

#define GLOBAL_FEATURES(X)                                                                         \
	X(n_commands)                                                                              \
	X(n_domains)                                                                               \
	X(n_ips)                                                                                   \
	X(static_scripts)                                                                          \
	X(static_script_curl) X(static_script_wget) X(static_script_node_e) X(                     \
		static_script_base64) X(static_script_url) X(static_script_pipe_sh)                \
		X(static_script_devnull) X(static_script_background) X(static_script_subshell)     \
			X(static_script_python) X(static_script_recon) X(static_binding_gyp)       \
				X(static_code_files) X(static_code_kb) X(static_max_line) X(       \
					static_long_lines) X(static_eval) X(static_function_ctor)  \
					X(static_hex_identifiers) X(static_fromcharcode) X(        \
						static_base64_decode) X(static_child_process)      \
						X(static_env_refs) X(static_hex_escapes) X(        \
							static_long_base64) X(static_long_hex)     \
							X(static_max_entropy) X(static_url_hosts)  \
								X(static_url_ips)                  \
									X(static_url_service)

enum {
#define X(n) G_##n,
	GLOBAL_FEATURES(X)
#undef X
		G__COUNT
};

enum {
#define X(n) P_##n,
	PHASE_FEATURES(X)
#undef X
		P__COUNT
};

static const char *const phase_names[] = {"install", "import"};
#define NPHASES 2
#define NFEATURES (G__COUNT + NPHASES * P__COUNT)

static char *names[NFEATURES];

static void init_names(void)
{
	static const char *const g[] = {
#define X(n) #n,
		GLOBAL_FEATURES(X)
#undef X
	};
	static const char *const p[] = {
#define X(n) #n,
		PHASE_FEATURES(X)
#undef X
	};
	if (names[0])
		return;
	for (size_t i = 0; i < G__COUNT; i++) {
		names[i] = xstrdup(g[i]);
		if (!strncmp(names[i], "static_", 7))
			names[i][6] = '.';
	}
	for (size_t ph = 0; ph < NPHASES; ph++)
		for (size_t i = 0; i < P__COUNT; i++)
			names[G__COUNT + ph * P__COUNT + i] =
				xasprintf("%s.%s", phase_names[ph], p[i]);
}

size_t features_count(void)
{
	return NFEATURES;
}

const char *features_name(size_t i)
{
	init_names();
	return i < NFEATURES ? names[i] : NULL;
}

int features_index(const char *name)
{
	init_names();
	for (size_t i = 0; i < NFEATURES; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

bool features_for_model(size_t i)
{
	static const char *const volume[] = {"n_commands",
					     "n_domains",
					     "n_ips",
					     "static.scripts",
					     "static.code_kb",
					     "static.code_files",
					     "static.max_line",
					     "static.url_hosts",
					     ".cmd_total",
					     ".conn_count",
					     ".conn_dest",
					     ".dns_count",
					     ".sent_count",
					     ".sent_bytes",
					     ".t_first_net",
					     ".stdout_bytes",
					     ".failed",
					     ".http_body_max",
					     NULL};
	const char *name = features_name(i);

	if (!name)
		return false;
	for (const char *const *v = volume; *v; v++) {
		size_t l = strlen(*v), n = strlen(name);
		if ((*v)[0] == '.' ? (n > l && !strcmp(name + n - l, *v)) : !strcmp(name, *v))
			return false;
	}
	return true;
}

/* ---- helpers -------------------------------------------------------------- */

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static bool has_flag(const json_t *arr, const char *flag)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (!strcmp(json_string_value(v) ?: "", flag)) return true;
	return false;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static const char *const SHELLS[] = {"sh", "bash", "dash", "zsh", "ash", "ksh", NULL};
static const char *const NETTOOLS[] = {"curl",	"wget", "nc",	"ncat",	 "netcat", "nslookup",
				       "dig",	"host", "ping", "ssh",	 "scp",	   "telnet",
				       "socat", "ftp",	"tftp", "rsync", NULL};
static const char *const RECON[] = {
	"whoami",   "id",	   "uname",  "hostname", "ifconfig", "ip",    "ps",	 "env",
	"printenv", "lsb_release", "w",	     "who",	 "uptime",   "df",    "netstat", "ss",
	"arp",	    "route",	   "groups", "last",	 "lscpu",    "nproc", NULL};
static const char *const PERSIST[] = {"crontab",     "systemctl", "launchctl", "at",
				      "update-rc.d", "chkconfig", "service",   NULL};
static const char *const ENCODE[] = {"base64", "xxd",	"tar", "zip", "gzip",	 "openssl", "gpg",
				     "7z",     "bzip2", "xz",  "od",  "hexdump", NULL};
static const char *const BUILD[] = {"node-gyp",
				    "make",
				    "cc",
				    "gcc",
				    "g++",
				    "c++",
				    "cmake",
				    "node-pre-gyp",
				    "prebuild-install",
				    "ld",
				    "as",
				    "ninja",
				    "pkg-config",
				    "node-gyp-build",
				    "tsc",
				    "esbuild",
				    NULL};
static const char *const INTERP[] = {"python", "python3", "python2", "perl", "ruby",
				     "php",    "lua",	  "bun",     "deno", NULL};
static const char *const FOREIGN[] = {"cmd.exe", "powershell", "powershell.exe", "pwsh",
				      "cscript", "wscript",    "osascript",	 "open",
				      "reg",	 "schtasks",   "certutil",	 NULL};
static const char *const DNS_SERVICES[] = {"oast.fun",
					   "oast.pro",
					   "oast.live",
					   "oast.site",
					   "oast.online",
					   "oast.me",
					   "oastify.com",
					   "burpcollaborator.net",
					   "interact.sh",
					   "pipedream.net",
					   "webhook.site",
					   "requestbin.net",
					   "requestcatcher.com",
					   "ngrok.io",
					   "ngrok-free.app",
					   "ngrok.app",
					   "trycloudflare.com",
					   "serveo.net",
					   "loca.lt",
					   "localtunnel.me",
					   "pastebin.com",
					   "paste.ee",
					   "hastebin.com",
					   "transfer.sh",
					   "discord.com",
					   "discordapp.com",
					   "api.telegram.org",
					   "dnslog.cn",
					   "ceye.io",
					   "canarytokens.com",
					   "beeceptor.com",
					   "hookbin.com",
					   "free.beeceptor.com",
					   "rentry.co",
					   "glitch.me",
					   "workers.dev",
					   "repl.co",
					   "herokuapp.com",
					   NULL};
static const char *const IPCHECK[] = {"ipify.org",	  "ipinfo.io",	   "ip-api.com",
				      "ifconfig.me",	  "icanhazip.com", "checkip.amazonaws.com",
				      "ipapi.co",	  "ident.me",	   "myip.com",
				      "ipgeolocation.io", "geoplugin.net", "ipwho.is",
				      "freegeoip.app",	  "get.geojs.io",  NULL};

static bool host_under(const char *host, const char *const *suffixes)
{
	size_t hl = strlen(host);
	for (; *suffixes; suffixes++) {
		size_t sl = strlen(*suffixes);
		if (hl == sl && !strcasecmp(host, *suffixes))
			return true;
		if (hl > sl && host[hl - sl - 1] == '.' && !strcasecmp(host + hl - sl, *suffixes))
			return true;
	}
	return false;
}

static double entropy(const char *s, size_t n)
{
	int counts[256] = {0};
	double h = 0;
	for (size_t i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++)
		if (counts[c]) {
			double p = (double)counts[c] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

/* Whether the label is made only of |set| (letters folded to lowercase
 * when |fold|), and holds a digit and, unless |fold|, both cases. */
static bool looks_encoded(const char *s, size_t n, const char *set, bool fold)
{
	bool digit = false, upper = false, lower = false;

	for (size_t i = 0; i < n; i++) {
		int ch = fold ? tolower((unsigned char)s[i]) : (unsigned char)s[i];
		if (!strchr(set, ch))
			return false;
		digit |= isdigit(ch) != 0;
		upper |= isupper(ch) != 0;
		lower |= islower(ch) != 0;
	}
	return digit && (fold || (upper && lower));
}

static void dns_labels(const char *host, float *f)
{
	const char *p = host;
	while (*p) {
		size_t n = strcspn(p, ".");
		if (n > f[P_dns_max_label])
			f[P_dns_max_label] = (float)n;
		if (n >= 8) {
			double e = entropy(p, n);
			if (e > f[P_dns_max_entropy])
				f[P_dns_max_entropy] = (float)e;
		}
		if (n >= 16) {
			if (looks_encoded(p, n, "0123456789abcdef", true))
				f[P_dns_hexlike]++;
			else if (looks_encoded(p, n, "abcdefghijklmnopqrstuvwxyz234567", true))
				f[P_dns_b32like]++;
			else if (
				looks_encoded(
					p, n,
					"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
					false))
				f[P_dns_b64like]++;
		}
		p += n;
		if (*p == '.')
			p++;
	}
}

static bool is_ip_literal_dest(const char *addr)
{
	return *addr && strcmp(addr, "127.0.0.1") != 0 && strcmp(addr, "::1") != 0 &&
	       strcmp(addr, "0.0.0.0") != 0 && strcmp(addr, "::") != 0;
}

/* A request target shaped like a drop: a webhook or bot API, an upload or
 * collector endpoint, or a long encoded blob in the path or query. */
static bool exfil_like_target(const char *t)
{
	static const char *const words[] = {
		"webhook", "sendmessage", "senddocument", "/upload", "/collect",
		"/exfil",  "/steal",	  "/grab",	  "/beacon", "/log?",
		"/ping?",  "/callback",	  "/hook",	  "/submit", NULL};
	size_t run = 0;

	for (const char *const *w = words; *w; w++)
		if (strcasestr(t, *w))
			return true;
	for (const char *p = t; *p; p++) {
		unsigned char c = (unsigned char)*p;
		run = isalnum(c) || c == '+' || c == '_' || c == '-' || c == '%' ? run + 1 : 0;
		if (run >= 40)
			return true;
	}
	return false;
}

static bool mem_has(const unsigned char *d, size_t n, const char *needle)
{
	return *needle && memmem(d, n, needle, strlen(needle)) != NULL;
}

/* ---- per phase ------------------------------------------------------------ */

struct ctx {
	const char *home, *user, *hostname;
	char pkgdir[1024];
	const char *pkgname;
};

static void phase_features(const struct ctx *c, const json_t *ph, float *f)
{
	size_t i, j;
	json_t *v;
	const char *status = str(ph, "status");
	bool read_kinds[PATH__COUNT] = {false};
	double t0 = -1, t_first_net = -1, t_first_sensitive = -1;

	f[P_timeout] = !strcmp(status, "timeout");
	f[P_failed] = !strcmp(status, "failed");
	f[P_stdout_bytes] = (float)num(json_object_get(ph, "stdout"), "bytes");
	json_array_foreach(json_object_get(ph, "steps"), i, v)
	{
		double s = num(v, "start_ms");
		if (t0 < 0 || s < t0)
			t0 = s;
	}

	/* commands */
	json_array_foreach(json_object_get(ph, "commands"), i, v)
	{
		const char *path = str(v, "path");
		const char *a0 = json_string_value(json_array_get(json_object_get(v, "argv"), 0));
		const char *b = base(a0 && *a0 ? a0 : path);
		f[P_cmd_total]++;
		if (json_integer_value(json_object_get(v, "result")) != 0 ||
		    json_is_string(json_object_get(v, "result")))
			f[P_cmd_failed]++;
		f[P_cmd_shell] += in_list(b, SHELLS);
		f[P_cmd_net] += in_list(b, NETTOOLS);
		f[P_cmd_recon] += in_list(b, RECON);
		f[P_cmd_persist] += in_list(b, PERSIST);
		f[P_cmd_encode] += in_list(b, ENCODE);
		f[P_cmd_build] += in_list(b, BUILD);
		f[P_cmd_interp] += in_list(b, INTERP);
		f[P_cmd_foreign] += in_list(b, FOREIGN);
	}

	/* files */
	json_array_foreach(json_object_get(ph, "files"), i, v)
	{
		const char *path = str(v, "path");
		json_t *fl = json_object_get(v, "flags"), *failed = json_object_get(v, "failed");
		enum path_class cls = path_classify(path, c->home);
		bool wrote =
			has_flag(fl, "write") || has_flag(fl, "create") || has_flag(fl, "rename");
		bool own = path_is_own(path, c->pkgdir);

		if (has_flag(fl, "read") || has_flag(failed, "read")) {
			switch (cls) {
			case PATH_CRED:
				f[P_read_cred]++;
				break;
			case PATH_BROWSER:
				f[P_read_browser]++;
				break;
			case PATH_WALLET:
				f[P_read_wallet]++;
				break;
			case PATH_DISCORD:
				f[P_read_discord]++;
				break;
			case PATH_ENVFILE:
				f[P_read_envfile]++;
				break;
			case PATH_SYSTEM:
				f[P_read_system]++;
				break;
			case PATH_HISTORY:
				f[P_read_history]++;
				break;
			case PATH_DOCUMENTS:
				f[P_read_documents]++;
				break;
			default:
				break;
			}
			read_kinds[cls] = true;
		}
		if (wrote && !own) {
			if (!strncmp(path, "/dev/", 5))
				continue;
			f[P_write_outside]++;
			if (cls == PATH_PERSIST || cls == PATH_CRED)
				f[P_write_persist]++;
			if (cls == PATH_DOCUMENTS)
				f[P_write_documents]++;
			if (strstr(path, "/node_modules/"))
				f[P_write_other_pkg]++;
		}
		if (has_flag(fl, "delete")) {
			f[P_delete_count]++;
			if (!own)
				f[P_delete_outside]++;
		}
		if (wrote && has_flag(fl, "exec"))
			f[P_exec_written]++;
		if (wrote && has_flag(fl, "chmod"))
			f[P_chmod_written]++;
	}
	for (int k = PATH_CRED; k < PATH__COUNT; k++)
		if (k != PATH_DOCUMENTS && k != PATH_PERSIST)
			f[P_read_kinds] += read_kinds[k];

	/* dns */
	json_array_foreach(json_object_get(ph, "dns"), i, v)
	{
		const char *h = str(v, "hostname");
		if (strstr(h, ".in-addr.arpa") || strstr(h, ".ip6.arpa"))
			continue;
		f[P_dns_count]++;
		dns_labels(h, f);
		f[P_dns_service] += host_under(h, DNS_SERVICES);
		f[P_dns_ipcheck] += host_under(h, IPCHECK);
		f[P_dns_txt] += has_flag(json_object_get(v, "types"), "TXT");
		double t = num(v, "t_ms");
		if (t_first_net < 0 || t < t_first_net)
			t_first_net = t;
	}

	/* sockets */
	struct {
		char key[96];
	} dests[64];
	size_t ndest = 0;
	json_array_foreach(json_object_get(ph, "sockets"), i, v)
	{
		if (strcmp(str(v, "syscall"), "connect") != 0 &&
		    strncmp(str(v, "syscall"), "send", 4))
			continue;
		if (!strcmp(str(v, "family"), "unix")) {
			f[P_conn_unix]++;
			continue;
		}
		int port = (int)json_integer_value(json_object_get(v, "port"));
		if (port == 53)
			continue;
		f[P_conn_count]++;
		if (json_array_size(json_object_get(v, "hostnames")) == 0 &&
		    is_ip_literal_dest(str(v, "address")))
			f[P_conn_raw_ip]++;
		if (port != 80 && port != 443)
			f[P_conn_nonstd_port]++;
		char key[96];
		snprintf(key, sizeof(key), "%s:%d", str(v, "address"), port);
		bool seen = false;
		for (j = 0; j < ndest && !seen; j++)
			seen = !strcmp(dests[j].key, key);
		if (!seen && ndest < 64)
			snprintf(dests[ndest++].key, sizeof(dests[0].key), "%s", key);
		double t = num(v, "t_ms");
		if (t_first_net < 0 || t < t_first_net)
			t_first_net = t;
	}
	f[P_conn_dest] = (float)ndest;

	/* sent data */
	unsigned char *buf = xmalloc(70000);
	json_array_foreach(json_object_get(ph, "sent"), i, v)
	{
		const char *kind = str(v, "kind");
		f[P_sent_count]++;
		f[P_sent_bytes] += (float)num(v, "size");
		const json_t *tls = json_object_get(v, "tls");
		f[P_sent_tls] += tls != NULL;
		f[P_tls_refused] += tls && !json_is_true(json_object_get(tls, "intercepted"));
		f[P_sent_raw] +=
			!strcmp(kind, "raw") || !strcmp(kind, "udp") || !strcmp(kind, "tls-raw");
		f[P_websocket] += json_is_true(json_object_get(v, "websocket"));
		f[P_sent_decoded] += json_array_size(json_object_get(v, "decoded")) > 0;
		size_t ri;
		const json_t *rq, *reqs = json_object_get(v, "requests");
		json_t *one = NULL;
		if (!reqs && json_object_get(v, "http")) /* reports before "requests" */
			reqs = one = json_pack("[O]", json_object_get(v, "http"));
		json_array_foreach(reqs, ri, rq)
		{
			const char *m = str(rq, "method"), *ct = str(rq, "content_type");
			double body = num(rq, "body_bytes");
			f[P_http_post] += !strcmp(m, "POST") || !strcmp(m, "PUT");
			f[P_http_get] += !strcmp(m, "GET");
			f[P_https_requests] += !strcmp(kind, "https");
			f[P_http_exfil_path] += exfil_like_target(str(rq, "target"));
			f[P_http_form] += strcasestr(ct, "multipart/form-data") ||
					  strcasestr(ct, "x-www-form-urlencoded");
			if (body > f[P_http_body_max])
				f[P_http_body_max] = (float)body;
		}
		json_decref(one);
		const char *data = str(v, "data_base64");
		ssize_t dn = base64_decode(data, strlen(data), buf, 70000);
		size_t n = dn < 0 ? 0 : dn > 70000 ? 70000 : (size_t)dn;
		int envkeys = mem_has(buf, n, "PATH") + mem_has(buf, n, "HOME") +
			      mem_has(buf, n, "SHELL") + mem_has(buf, n, "npm_config") +
			      mem_has(buf, n, "LANG") + mem_has(buf, n, "USER");
		f[P_sent_env_dump] += envkeys >= 4;
		f[P_sent_recon] += mem_has(buf, n, c->user) || mem_has(buf, n, c->hostname);
	}
	free(buf);

	/* canaries */
	json_array_foreach(json_object_get(ph, "canary_hits"), i, v)
	{
		const char *k = str(v, "canary");
		f[P_canary_hits]++;
		if (!strcmp(str(v, "where"), "dns"))
			f[P_canary_dns]++;
		if (json_is_true(json_object_get(v, "tls")))
			f[P_canary_tls]++;
		if (!strcmp(k, "npm_token") || !strcmp(k, "github_token") ||
		    !strcmp(k, "gh_oauth_token") || !strcmp(k, "ssh_private_key"))
			f[P_canary_cred]++;
		else if (!strncmp(k, "aws_", 4) || !strcmp(k, "gcloud_refresh_token") ||
			 !strcmp(k, "kube_token") || !strcmp(k, "docker_password"))
			f[P_canary_cloud]++;
		else if (!strcmp(k, "wallet_seed"))
			f[P_canary_wallet]++;
		else if (!strcmp(k, "discord_token"))
			f[P_canary_discord]++;
		else
			f[P_canary_env]++;
	}

	/* signals and denied */
	json_array_foreach(json_object_get(ph, "signals"), i, v)
	{
		const char *s = str(v, "syscall");
		f[P_setsid] += !strcmp(s, "setsid");
		f[P_kill] += !strncmp(s, "kill", 4) || !strcmp(s, "tkill") || !strcmp(s, "tgkill");
		f[P_memfd] += !strcmp(s, "memfd_create");
	}
	f[P_denied] = (float)json_array_size(json_object_get(ph, "denied"));

	/* order: the timeline */
	struct {
		char path[256];
	} written[64];
	size_t nwritten = 0;
	json_array_foreach(json_object_get(ph, "timeline"), i, v)
	{
		const char *type = str(v, "type");
		const char *path = str(v, "path");
		double t = num(v, "t_ms");
		if (!strcmp(type, "file")) {
			const char *fl = str(v, "flags");
			enum path_class cls = path_classify(path, c->home);
			if (strstr(fl, "read") && cls != PATH_OTHER && cls != PATH_DOCUMENTS &&
			    cls != PATH_PERSIST && t_first_sensitive < 0)
				t_first_sensitive = t;
			if ((strstr(fl, "write") || strstr(fl, "create")) && nwritten < 64 &&
			    strncmp(path, "/dev/", 5))
				snprintf(written[nwritten++].path, sizeof(written[0].path), "%s",
					 path);
		} else if (!strcmp(type, "exec")) {
			for (j = 0; j < nwritten; j++)
				if (!strcmp(written[j].path, path)) {
					f[P_exec_after_write] = 1;
					break;
				}
		} else if (!strcmp(type, "dns") || !strcmp(type, "connect") ||
			   !strcmp(type, "capture")) {
			if (!strcmp(type, "connect") &&
			    (json_integer_value(json_object_get(v, "port")) == 53 ||
			     !json_object_get(v, "address")))
				continue;
			if (t_first_sensitive >= 0 && t >= t_first_sensitive)
				f[P_net_after_read] = 1;
		}
	}
	f[P_t_first_net] = t_first_net < 0 ? -1.0f : (float)(t_first_net - (t0 < 0 ? 0 : t0));
}

static void static_features(const json_t *st, float *out)
{
	const json_t *sc = json_object_get(st, "install_scripts");
	const json_t *marks = json_object_get(sc, "marks");
	size_t i;
	json_t *v;

	if (!json_is_object(st))
		return;
	out[G_static_scripts] = (float)num(sc, "count");
	out[G_static_script_curl] = json_is_true(json_object_get(marks, "curl"));
	out[G_static_script_wget] = json_is_true(json_object_get(marks, "wget"));
	out[G_static_script_node_e] = json_is_true(json_object_get(marks, "node_e"));
	out[G_static_script_base64] = json_is_true(json_object_get(marks, "base64"));
	out[G_static_script_url] = json_is_true(json_object_get(marks, "url"));
	out[G_static_script_pipe_sh] = json_is_true(json_object_get(marks, "pipe_sh")) ||
				       json_is_true(json_object_get(marks, "pipe_bash"));
	out[G_static_script_devnull] = json_is_true(json_object_get(marks, "devnull"));
	out[G_static_script_background] = json_is_true(json_object_get(marks, "background"));
	out[G_static_script_subshell] = json_is_true(json_object_get(marks, "subshell"));
	out[G_static_script_python] = json_is_true(json_object_get(marks, "python"));
	out[G_static_script_recon] = json_is_true(json_object_get(marks, "nslookup")) +
				     json_is_true(json_object_get(marks, "ping")) +
				     json_is_true(json_object_get(marks, "whoami")) +
				     json_is_true(json_object_get(marks, "hostname"));
	out[G_static_binding_gyp] = json_is_true(json_object_get(sc, "binding_gyp"));
	out[G_static_code_files] = (float)num(st, "code_files");
	out[G_static_code_kb] = (float)(num(st, "code_bytes") / 1024.0);
	out[G_static_max_line] = (float)num(st, "max_line");
	out[G_static_long_lines] = (float)num(st, "long_lines");
	out[G_static_eval] = (float)num(st, "eval");
	out[G_static_function_ctor] = (float)num(st, "function_ctor");
	out[G_static_hex_identifiers] = (float)num(st, "hex_identifiers");
	out[G_static_fromcharcode] = (float)num(st, "fromcharcode");
	out[G_static_base64_decode] = (float)num(st, "base64_decode");
	out[G_static_child_process] = (float)num(st, "child_process");
	out[G_static_env_refs] = (float)num(st, "env_refs");
	out[G_static_hex_escapes] = (float)num(st, "hex_escapes");
	out[G_static_long_base64] = (float)num(st, "long_base64");
	out[G_static_long_hex] = (float)num(st, "long_hex");
	out[G_static_max_entropy] = (float)num(st, "max_entropy");
	out[G_static_url_hosts] = (float)json_array_size(json_object_get(st, "url_hosts"));
	out[G_static_url_ips] = (float)json_array_size(json_object_get(st, "ips"));
	json_array_foreach(json_object_get(st, "url_hosts"), i, v) out[G_static_url_service] +=
		host_under(json_string_value(v), DNS_SERVICES);
}

int features_extract(const json_t *report, float *out, char *err, size_t errlen)
{
	struct ctx c;
	const json_t *env = json_object_get(report, "environment");
	const json_t *phases = json_object_get(report, "phases");
	const json_t *pkg = json_object_get(report, "package");
	size_t i;
	json_t *ph;

	memset(out, 0, NFEATURES * sizeof(*out));
	if (!json_is_object(report) || strcmp(str(report, "schema"), "snare.report/1") != 0 ||
	    !json_is_array(phases) || !json_is_object(env)) {
		errbuf_set(err, errlen, "not a snare report (schema snare.report/1)");
		return -1;
	}
	c.home = str(env, "home");
	c.user = str(env, "user");
	c.hostname = str(env, "hostname");
	c.pkgname = str(pkg, "name");
	snprintf(c.pkgdir, sizeof(c.pkgdir), "%s/projects/app/node_modules/%s", c.home, c.pkgname);

	/* baseline: commands, distinct domains, distinct IPs over the run */
	json_t *domains = json_object(), *ips = json_object();
	json_array_foreach(phases, i, ph)
	{
		size_t j;
		json_t *v;
		out[G_n_commands] += (float)json_array_size(json_object_get(ph, "commands"));
		json_array_foreach(json_object_get(ph, "dns"), j, v)
			json_object_set_new(domains, str(v, "hostname"), json_true());
		json_array_foreach(json_object_get(ph, "sockets"), j, v)
		{
			const char *a = str(v, "address");
			if (*a && json_integer_value(json_object_get(v, "port")) != 53 &&
			    strcmp(str(v, "syscall"), "bind") != 0)
				json_object_set_new(ips, a, json_true());
		}
		for (size_t k = 0; k < NPHASES; k++)
			if (!strcmp(str(ph, "name"), phase_names[k]))
				phase_features(&c, ph, out + G__COUNT + k * P__COUNT);
	}
	static_features(json_object_get(report, "static"), out);
	out[G_n_domains] = (float)json_object_size(domains);
	out[G_n_ips] = (float)json_object_size(ips);
	json_decref(domains);
	json_decref(ips);
	/* Absurd numbers in a report (1e308 bytes) must not give a vector that
	 * the features table and the model refuse. */
	for (i = 0; i < NFEATURES; i++)
		if (!isfinite(out[i]))
			out[i] = isnan(out[i]) ? 0.0f : copysignf(FLT_MAX, out[i]);
	return 0;
}
