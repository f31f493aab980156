/* Feature extraction: the rows of features.def, computed into one block
 * for the run (the seed paper's baseline and the static features) and one
 * per phase, then laid out in vector order. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "features/features.h"
#include "features/leaks.h"
#include "features/own.h"
#include "features/paths.h"
#include "util/base64.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

/* One enumerator per row of features.def: G_<name> for RUN rows,
 * G_static_<name> for STATIC rows, G_browser_<name> for BROWSER rows,
 * P_<name> for PHASE rows.  The extractor fills one block of rows for the
 * run (RUN, STATIC and BROWSER) and one per phase (PHASE), each indexed by
 * these. */
#define ROW_RUN(n) G_##n
#define ROW_STATIC(n) G_static_##n
#define ROW_PHASE(n) P_##n
#define ROW_BROWSER(n) G_browser_##n
enum row {
#define FEATURE(name, scope, model, sentence, evidence) ROW_##scope(name),
#include "features/features.def"
#undef FEATURE
	ROW__COUNT
};

static const struct feature_info rows[ROW__COUNT] = {
#define FEATURE(name, scope, model, sentence, evidence)                                            \
	{#name, FEATURE_##scope, FEATURE_##model, sentence, FEATURE_EV_##evidence},
#include "features/features.def"
#undef FEATURE
};

/* The blocks of PHASE rows, in vector order.  The first, "any", is no
 * phase of the report: each of its rows is the row's largest value over
 * the phases.  It is the model's: a payload counts the same whether it
 * acts at install, on require or in a called function, and code that runs
 * again in every later phase (import, execute, browser) is not counted
 * three times.  The real phases' blocks are evidence (ABSENT): they say
 * where it happened. */
static const struct {
	const char *name;
	bool in_model;
} phase_table[] = {
	{"any", true},	    {"install", false}, {"import", false},
	{"prepare", false}, {"execute", false}, {"browser", false},
};
#define NPHASES (sizeof(phase_table) / sizeof(phase_table[0]))
/* Block 0 holds the run's rows, block 1 + k those of phase k; block 1 is
 * "any". */
#define NBLOCKS (1 + NPHASES)
#define ANY_BLOCK 1
/* A row is in the vector once, or once per phase. */
#define MAXFEATURES (NPHASES * ROW__COUNT)

/* Vector position -> name, row, block and what the row says there. */
static struct {
	char *name;
	unsigned short row;
	unsigned char block;
	struct feature_info info;
} vec[MAXFEATURES];
static size_t nvec, nmodel;
static pthread_once_t vec_once = PTHREAD_ONCE_INIT;

static void add_block(size_t *n, size_t block, bool model)
{
	bool block_in_model = block == 0 || phase_table[block - 1].in_model;

	for (size_t r = 0; r < ROW__COUNT; r++) {
		enum feature_model m = block_in_model ? rows[r].model : FEATURE_ABSENT;
		if ((rows[r].scope == FEATURE_PHASE) != (block > 0) ||
		    (m != FEATURE_ABSENT) != model)
			continue;
		vec[*n].info = rows[r];
		vec[*n].info.model = m;
		if (rows[r].scope == FEATURE_PHASE)
			vec[*n].name =
				xasprintf("%s.%s", phase_table[block - 1].name, rows[r].name);
		else if (rows[r].scope == FEATURE_STATIC)
			vec[*n].name = xasprintf("static.%s", rows[r].name);
		else if (rows[r].scope == FEATURE_BROWSER)
			vec[*n].name = xasprintf("browser.%s", rows[r].name);
		else
			vec[*n].name = xstrdup(rows[r].name);
		vec[*n].row = (unsigned short)r;
		vec[*n].block = (unsigned char)block;
		(*n)++;
	}
}

/* The model's columns first, then the rest; each part run, then phases. */
static void init_vec(void)
{
	size_t n = 0;

	for (size_t b = 0; b < NBLOCKS; b++)
		add_block(&n, b, true);
	nmodel = n;
	for (size_t b = 0; b < NBLOCKS; b++)
		add_block(&n, b, false);
	nvec = n;
}

size_t features_count(void)
{
	pthread_once(&vec_once, init_vec);
	return nvec;
}

size_t features_model_count(void)
{
	pthread_once(&vec_once, init_vec);
	return nmodel;
}

const char *features_name(size_t i)
{
	pthread_once(&vec_once, init_vec);
	return i < nvec ? vec[i].name : NULL;
}

int features_index(const char *name)
{
	pthread_once(&vec_once, init_vec);
	for (size_t i = 0; i < nvec; i++)
		if (!strcmp(vec[i].name, name))
			return (int)i;
	return -1;
}

const struct feature_info *features_info(size_t i)
{
	pthread_once(&vec_once, init_vec);
	return i < nvec ? &vec[i].info : NULL;
}

bool features_for_model(size_t i)
{
	const struct feature_info *fi = features_info(i);

	return fi && fi->model == FEATURE_USED;
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
	json_array_foreach (arr, i, v)
		if (!strcmp(json_string_value(v) ?: "", flag))
			return true;
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
		if ((float)n > f[P_dns_max_label])
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

/* An address that is not this machine nor the cloud's metadata service
 * (leaks.h). */
static bool is_ip_literal_dest(const char *addr)
{
	return *addr && !leaks_loopback(addr) && !leaks_cloud_metadata(addr) &&
	       !leaks_multicast(addr);
}

/* An IP address named in code that could be somewhere else on the
 * internet: not loopback, unspecified, link-local or a private network
 * (10/8, 172.16/12, 192.168/16), which code names as defaults and
 * examples. */
static bool public_ip(const char *a)
{
	unsigned b1 = 0, b2 = 0;

	if (!strchr(a, '.'))
		return strcmp(a, "::1") != 0 && strcmp(a, "::") != 0 &&
		       strncasecmp(a, "fe80:", 5) != 0;
	if (sscanf(a, "%u.%u", &b1, &b2) != 2)
		return false;
	return b1 != 127 && b1 != 0 && b1 != 10 && !(b1 == 169 && b2 == 254) &&
	       !(b1 == 172 && b2 >= 16 && b2 < 32) && !(b1 == 192 && b2 == 168);
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

/* What glibc connects to by itself when a program asks who the user is
 * or what an address is called (os.userInfo(), getaddrinfo()): the name
 * service cache.  Not the package's doing. */
static bool glibc_socket(const char *path)
{
	return !strcmp(path, "/var/run/nscd/socket") || !strcmp(path, "/run/nscd/socket");
}

/* An internet socket: netlink (os.networkInterfaces()) and the like are
 * not the network. */
static bool inet(const json_t *v)
{
	const char *fam = str(v, "family");
	return !*fam || !strcmp(fam, "ipv4") || !strcmp(fam, "ipv6");
}

/* Distinct hosts the phase connected or sent to: by the name DNS gave the
 * address, else by the address (DNS and unix sockets aside). */
static float distinct_hosts(const json_t *ph)
{
	json_t *hosts = json_object(), *v;
	size_t i;

	json_array_foreach (json_object_get(ph, "sockets"), i, v) {
		const char *call = str(v, "syscall");
		const char *host =
			json_string_value(json_array_get(json_object_get(v, "hostnames"), 0));
		if ((strcmp(call, "connect") != 0 && strncmp(call, "send", 4) != 0) || !inet(v) ||
		    json_integer_value(json_object_get(v, "port")) == 53)
			continue;
		if (!host || !*host)
			host = str(v, "address");
		if (*host)
			json_object_set_new(hosts, host, json_true());
	}
	float n = (float)json_object_size(hosts);
	json_decref(hosts);
	return n;
}

struct ctx {
	const char *home, *user, *hostname;
	char pkgdir[1024];
	const char *pkgname;
	const json_t *report;
	struct dest_ctx *dc;
};

bool features_command_counts(const char *row, const json_t *command)
{
	static const struct {
		const char *row;
		const char *const *names;
	} classes[] = {
		{"cmd_shell", SHELLS},	  {"cmd_net", NETTOOLS},    {"cmd_recon", RECON},
		{"cmd_persist", PERSIST}, {"cmd_encode", ENCODE},   {"cmd_build", BUILD},
		{"cmd_interp", INTERP},	  {"cmd_foreign", FOREIGN},
	};
	const char *path = str(command, "path");
	const char *a0 = json_string_value(json_array_get(json_object_get(command, "argv"), 0));
	const char *b = base(a0 && *a0 ? a0 : path);

	if (!strcmp(row, "cmd_failed"))
		return json_integer_value(json_object_get(command, "result")) != 0 ||
		       json_is_string(json_object_get(command, "result"));
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(row, classes[i].row))
			return in_list(b, classes[i].names);
	return true;
}

/* The lookup rows' tests of one DNS name (phase_dns(), dns_labels()). */
static bool lookup_service(const json_t *v)
{
	return dest_is_service(str(v, "hostname"));
}

static bool lookup_ipcheck(const json_t *v)
{
	return host_under(str(v, "hostname"), IPCHECK);
}

static bool lookup_txt(const json_t *v)
{
	return has_flag(json_object_get(v, "types"), "TXT");
}

static bool lookup_nxdomain(const json_t *v)
{
	return json_is_true(json_object_get(v, "nxdomain"));
}

/* Whether a label of the name counts in |row| (dns_hexlike ...). */
static bool lookup_label(const json_t *v, enum row row)
{
	float f[ROW__COUNT] = {0};

	dns_labels(str(v, "hostname"), f);
	return f[row] > 0;
}

static bool lookup_hexlike(const json_t *v)
{
	return lookup_label(v, P_dns_hexlike);
}

static bool lookup_b32like(const json_t *v)
{
	return lookup_label(v, P_dns_b32like);
}

static bool lookup_b64like(const json_t *v)
{
	return lookup_label(v, P_dns_b64like);
}

bool features_lookup_counts(const char *row, const json_t *lookup)
{
	static const struct {
		const char *row;
		bool (*counts)(const json_t *lookup);
	} tests[] = {
		{"dns_service", lookup_service}, {"dns_ipcheck", lookup_ipcheck},
		{"dns_txt", lookup_txt},	 {"dns_nxdomain", lookup_nxdomain},
		{"dns_hexlike", lookup_hexlike}, {"dns_b32like", lookup_b32like},
		{"dns_b64like", lookup_b64like},
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(row, tests[i].row))
			return tests[i].counts(lookup);
	return true;
}

static void phase_commands(const json_t *ph, float *f)
{
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(ph, "commands"), i, v) {
		const char *path = str(v, "path");
		const char *a0 = json_string_value(json_array_get(json_object_get(v, "argv"), 0));
		const char *b = base(a0 && *a0 ? a0 : path);
		f[P_cmd_total]++;
		if (json_integer_value(json_object_get(v, "result")) != 0 ||
		    json_is_string(json_object_get(v, "result")))
			f[P_cmd_failed]++;
		f[P_cmd_shell] += (float)in_list(b, SHELLS);
		f[P_cmd_net] += (float)in_list(b, NETTOOLS);
		f[P_cmd_recon] += (float)in_list(b, RECON);
		f[P_cmd_persist] += (float)in_list(b, PERSIST);
		f[P_cmd_encode] += (float)in_list(b, ENCODE);
		f[P_cmd_build] += (float)in_list(b, BUILD);
		f[P_cmd_interp] += (float)in_list(b, INTERP);
		f[P_cmd_foreign] += (float)in_list(b, FOREIGN);
	}
}

/* The feature counting reads of each path class. */
static int read_row(enum path_class cls)
{
	switch (cls) {
	case PATH_CRED:
		return P_read_cred;
	case PATH_BROWSER:
		return P_read_browser;
	case PATH_WALLET:
		return P_read_wallet;
	case PATH_DISCORD:
		return P_read_discord;
	case PATH_ENVFILE:
		return P_read_envfile;
	case PATH_SYSTEM:
		return P_read_system;
	case PATH_HISTORY:
		return P_read_history;
	case PATH_DOCUMENTS:
		return P_read_documents;
	default:
		return -1;
	}
}

/* A file that starts something again by itself: a scheduler's or a
 * service manager's entry, an autostart entry, a git hook, an SSH key.
 * Shell startup files and ~/.local/bin are persistence too, but
 * completion and tool installers write them for the user. */
static bool autostart(const char *path, enum path_class cls)
{
	static const char *const rc[] = {"/.bashrc", "/.bash_profile", "/.profile", "/.zshrc",
					 NULL};
	size_t n = strlen(path);

	if (n >= 21 && !strcmp(path + n - 21, "/.ssh/authorized_keys"))
		return true;
	if (cls != PATH_PERSIST || strstr(path, "/.local/bin/"))
		return false;
	for (const char *const *r = rc; *r; r++) {
		size_t k = strlen(*r);
		if (n >= k && !strcmp(path + n - k, *r))
			return false;
	}
	return true;
}

/* A write of |path| outside the package's own directory and /tmp. */
static void write_outside(const char *path, enum path_class cls, float *f)
{
	if (!strncmp(path, "/dev/", 5))
		return;
	f[P_write_outside]++;
	if (cls == PATH_PERSIST || cls == PATH_CRED)
		f[P_write_persist]++;
	if (autostart(path, cls))
		f[P_write_autostart]++;
	if (cls == PATH_DOCUMENTS)
		f[P_write_documents]++;
	/* another package's files; node_modules/.vite, .cache and the like are
	 * tools' caches, not packages */
	const char *nm = strstr(path, "/node_modules/");
	if (nm && nm[14] != '.')
		f[P_write_other_pkg]++;
}

/* Whether |path| lies in the directory of a dependency whose own
 * lifecycle script ran in this phase (esbuild's installer puts its binary
 * in place): that package's own files, not another's. */
static bool dep_own(const json_t *ph, const char *path)
{
	const char *nm = NULL;
	size_t i;
	json_t *st;

	for (const char *p = path; (p = strstr(p, "/node_modules/")); p++)
		nm = p + 14;
	if (!nm)
		return false;
	size_t n = strcspn(nm, "/");
	if (nm[0] == '@' && nm[n] == '/')
		n += 1 + strcspn(nm + n + 1, "/");
	if (nm[n] != '/')
		return false;
	json_array_foreach (json_object_get(ph, "steps"), i, st) {
		const char *pkg = str(st, "package");
		if (!json_is_true(json_object_get(st, "target")) && strlen(pkg) == n &&
		    !strncmp(pkg, nm, n))
			return true;
	}
	return false;
}

static void phase_files(const struct ctx *c, const json_t *ph, float *f)
{
	size_t i;
	json_t *v;
	bool read_kinds[PATH__COUNT] = {false};

	json_array_foreach (json_object_get(ph, "files"), i, v) {
		const char *path = str(v, "path");
		json_t *fl = json_object_get(v, "flags"), *failed = json_object_get(v, "failed");
		enum path_class cls = path_classify(path, c->home);
		bool wrote =
			has_flag(fl, "write") || has_flag(fl, "create") || has_flag(fl, "rename");
		bool own = path_is_own(path, c->pkgdir) || dep_own(ph, path);

		if (has_flag(fl, "read") || has_flag(failed, "read")) {
			int row = read_row(cls);
			if (row >= 0)
				f[row]++;
			read_kinds[cls] = true;
		}
		if (wrote && !own) {
			/* a write under /dev/ counts for nothing more */
			if (!strncmp(path, "/dev/", 5))
				continue;
			write_outside(path, cls, f);
		}
		if (has_flag(fl, "delete")) {
			f[P_delete_count]++;
			/* a file the phase wrote and deleted is its own temporary
			 * file (written, then renamed over the real one) */
			if (!own && !wrote)
				f[P_delete_outside]++;
		}
		if (wrote && has_flag(fl, "exec"))
			f[P_exec_written]++;
		if (wrote && has_flag(fl, "chmod"))
			f[P_chmod_written]++;
	}
	for (int k = PATH_CRED; k < PATH__COUNT; k++)
		if (k != PATH_DOCUMENTS && k != PATH_PERSIST)
			f[P_read_kinds] += (float)read_kinds[k];
}

static void earliest(double *t_first, double t)
{
	if (*t_first < 0 || t < *t_first)
		*t_first = t;
}

static void phase_dns(const json_t *ph, float *f, double *t_first_net)
{
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(ph, "dns"), i, v) {
		const char *h = str(v, "hostname");
		if (strstr(h, ".in-addr.arpa") || strstr(h, ".ip6.arpa"))
			continue;
		f[P_dns_count]++;
		dns_labels(h, f);
		f[P_dns_service] += (float)dest_is_service(h);
		f[P_dns_ipcheck] += (float)host_under(h, IPCHECK);
		f[P_dns_txt] += (float)has_flag(json_object_get(v, "types"), "TXT");
		earliest(t_first_net, num(v, "t_ms"));
	}
}

static void phase_sockets(const json_t *ph, float *f, double *t_first_net)
{
	struct {
		char key[96];
	} dests[64];
	size_t i, ndest = 0;
	json_t *v;

	json_array_foreach (json_object_get(ph, "sockets"), i, v) {
		if (strcmp(str(v, "syscall"), "connect") != 0 &&
		    strncmp(str(v, "syscall"), "send", 4) != 0)
			continue;
		if (!strcmp(str(v, "family"), "unix")) {
			f[P_conn_unix] += (float)!glibc_socket(str(v, "path"));
			continue;
		}
		if (!inet(v))
			continue;
		int port = (int)json_integer_value(json_object_get(v, "port"));
		if (port == 53)
			continue;
		f[P_conn_count]++;
		if (json_array_size(json_object_get(v, "hostnames")) == 0 &&
		    is_ip_literal_dest(str(v, "address")))
			f[P_conn_raw_ip]++;
		/* A port of this machine is a local service (an X display
		 * probed by a browser library, a daemon of the package's
		 * own), and a multicast group the local network's discovery
		 * (mDNS on 224.0.0.251:5353), not a remote listener. */
		if (port != 80 && port != 443 && !leaks_loopback(str(v, "address")) &&
		    !leaks_multicast(str(v, "address")))
			f[P_conn_nonstd_port]++;
		char key[96];
		snprintf(key, sizeof(key), "%s:%d", str(v, "address"), port);
		bool seen = false;
		for (size_t j = 0; j < ndest && !seen; j++)
			seen = !strcmp(dests[j].key, key);
		if (!seen && ndest < 64)
			snprintf(dests[ndest++].key, sizeof(dests[0].key), "%s", key);
		earliest(t_first_net, num(v, "t_ms"));
	}
	f[P_conn_dest] = (float)ndest;
}

/* The requests of one received connection or datagram. */
static void sent_requests(const json_t *v, const char *kind, float *f)
{
	size_t ri;
	const json_t *rq, *reqs = json_object_get(v, "requests");
	json_t *one = NULL;

	if (!reqs && json_object_get(v, "http")) /* reports before "requests" */
		reqs = one = json_pack("[O]", json_object_get(v, "http"));
	json_array_foreach (reqs, ri, rq) {
		const char *m = str(rq, "method"), *ct = str(rq, "content_type");
		double body = num(rq, "body_bytes");
		f[P_http_post] += (float)(!strcmp(m, "POST") || !strcmp(m, "PUT"));
		f[P_http_get] += (float)!strcmp(m, "GET");
		f[P_https_requests] += (float)!strcmp(kind, "https");
		f[P_http_exfil_path] += (float)exfil_like_target(str(rq, "target"));
		f[P_http_form] += (float)(strcasestr(ct, "multipart/form-data") ||
					  strcasestr(ct, "x-www-form-urlencoded"));
		if (body > f[P_http_body_max])
			f[P_http_body_max] = (float)body;
	}
	json_decref(one);
}

static void phase_sent(const struct ctx *c, const json_t *ph, float *f)
{
	size_t i;
	json_t *v;
	unsigned char *buf = xmalloc(70000);

	json_array_foreach (json_object_get(ph, "sent"), i, v) {
		const char *kind = str(v, "kind");
		f[P_sent_count]++;
		f[P_sent_bytes] += (float)num(v, "size");
		const json_t *tls = json_object_get(v, "tls");
		f[P_sent_tls] += (float)(tls != NULL);
		f[P_tls_refused] +=
			(float)(tls && !json_is_true(json_object_get(tls, "intercepted")));
		f[P_sent_raw] += (float)(!strcmp(kind, "raw") || !strcmp(kind, "udp") ||
					 !strcmp(kind, "tls-raw"));
		f[P_websocket] += (float)json_is_true(json_object_get(v, "websocket"));
		f[P_sent_decoded] += (float)(json_array_size(json_object_get(v, "decoded")) > 0);
		sent_requests(v, kind, f);
		const char *data = str(v, "data_base64");
		ssize_t dn = base64_decode(data, strlen(data), buf, 70000);
		size_t n = dn < 0 ? 0 : dn > 70000 ? 70000 : (size_t)dn;
		leaks_blank_harness_args(c->home, buf, n);
		int envkeys = mem_has(buf, n, "PATH") + mem_has(buf, n, "HOME") +
			      mem_has(buf, n, "SHELL") + mem_has(buf, n, "npm_config") +
			      mem_has(buf, n, "LANG") + mem_has(buf, n, "USER");
		f[P_sent_env_dump] += (float)(envkeys >= 4);
		f[P_sent_recon] +=
			(float)(mem_has(buf, n, c->user) || mem_has(buf, n, c->hostname));
	}
	free(buf);
}

static void phase_canaries(const json_t *ph, float *f)
{
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(ph, "canary_hits"), i, v) {
		const char *k = str(v, "canary");
		if (canary_to_issuer(k, str(v, "hostname")))
			continue; /* a credential used with its own service */
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
		else if (!strcmp(k, "wallet_seed") || !strcmp(k, "wallet_address"))
			f[P_canary_wallet]++;
		else if (!strcmp(k, "discord_token"))
			f[P_canary_discord]++;
		else
			f[P_canary_env]++;
	}
}

static void phase_signals(const json_t *ph, float *f)
{
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(ph, "signals"), i, v) {
		const char *s = str(v, "syscall");
		f[P_setsid] += (float)!strcmp(s, "setsid");
		f[P_kill] += (float)(!strncmp(s, "kill", 4) || !strcmp(s, "tkill") ||
				     !strcmp(s, "tgkill"));
		f[P_memfd] += (float)!strcmp(s, "memfd_create");
	}
	f[P_denied] = (float)json_array_size(json_object_get(ph, "denied"));
}

/* Order: what the timeline says came first. */
struct timeline {
	double t_first_sensitive;
	char written[64][256];
	size_t nwritten;
};

static void timeline_file(const struct ctx *c, const json_t *v, struct timeline *tl)
{
	const char *path = str(v, "path"), *fl = str(v, "flags");
	enum path_class cls = path_classify(path, c->home);

	if (strstr(fl, "read") && cls != PATH_OTHER && cls != PATH_DOCUMENTS &&
	    cls != PATH_PERSIST && tl->t_first_sensitive < 0)
		tl->t_first_sensitive = num(v, "t_ms");
	if ((strstr(fl, "write") || strstr(fl, "create")) && tl->nwritten < 64 &&
	    strncmp(path, "/dev/", 5) != 0)
		snprintf(tl->written[tl->nwritten++], sizeof(tl->written[0]), "%s", path);
}

static bool timeline_written(const struct timeline *tl, const char *path)
{
	for (size_t j = 0; j < tl->nwritten; j++)
		if (!strcmp(tl->written[j], path))
			return true;
	return false;
}

static void phase_timeline(const struct ctx *c, const json_t *ph, float *f)
{
	size_t i;
	json_t *v;
	struct timeline *tl = xcalloc(1, sizeof(*tl));

	tl->t_first_sensitive = -1;
	json_array_foreach (json_object_get(ph, "timeline"), i, v) {
		const char *type = str(v, "type");
		if (!strcmp(type, "file")) {
			timeline_file(c, v, tl);
		} else if (!strcmp(type, "exec")) {
			if (timeline_written(tl, str(v, "path")))
				f[P_exec_after_write] = 1;
		} else if (!strcmp(type, "dns") || !strcmp(type, "connect") ||
			   !strcmp(type, "capture")) {
			if (!strcmp(type, "connect") &&
			    (json_integer_value(json_object_get(v, "port")) == 53 ||
			     !json_object_get(v, "address")))
				continue;
			if (tl->t_first_sensitive >= 0 && num(v, "t_ms") >= tl->t_first_sensitive)
				f[P_net_after_read] = 1;
		}
	}
	free(tl);
}

/* What sandbox checks read and ordinary code does not: the tracer's and
 * the filter's marks in /proc/self/status, init and other processes, the
 * mount table, DMI and hypervisor names, container marks.  (node reads
 * /proc/self/cgroup, /proc/meminfo and /proc/self/maps whenever it starts:
 * not these.) */
static bool probe_path(const char *p)
{
	static const char *const files[] = {"/proc",
					    "/proc/self/status",
					    "/proc/thread-self/status",
					    "/proc/mounts",
					    "/proc/self/mounts",
					    "/proc/self/mountinfo",
					    "/proc/1/cgroup",
					    "/.dockerenv",
					    "/run/.containerenv",
					    "/proc/scsi/scsi",
					    "/proc/vz",
					    "/proc/xen",
					    "/sys/hypervisor/type",
					    NULL};
	static const char *const prefixes[] = {"/sys/class/dmi/", "/sys/devices/virtual/dmi/",
					       NULL};

	for (const char *const *x = files; *x; x++)
		if (!strcmp(p, *x))
			return true;
	for (const char *const *x = prefixes; *x; x++)
		if (!strncmp(p, *x, strlen(*x)))
			return true;
	/* /proc/<pid>/..., another process's or one's own by number */
	if (strncmp(p, "/proc/", 6) != 0 || p[6] < '0' || p[6] > '9')
		return false;
	p += 6;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/';
}

static void phase_probes(const json_t *ph, float *f)
{
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(ph, "files"), i, v)
		f[P_read_probe] += (float)probe_path(str(v, "path"));
	json_array_foreach (json_object_get(ph, "dns"), i, v)
		f[P_dns_nxdomain] += (float)json_is_true(json_object_get(v, "nxdomain"));
}

/* What leaves and where it goes. */
static void phase_leaks(const struct ctx *c, const json_t *ph, float *f)
{
	struct leak *l;
	size_t runs, n = leaks_find(c->report, c->dc, ph, &l, &runs);
	float dests[DEST__COUNT] = {0};

	/* counted once per capture or name, whatever it holds */
	for (size_t i = 0; i < n; i++) {
		bool id_before = false, chain_before = false;
		for (size_t j = i; j > 0 && l[j - 1].entry == l[i].entry; j--) {
			id_before |= l[j - 1].identity;
			chain_before |= leak_is_chain(&l[j - 1]);
		}
		f[P_sent_identity] += (float)(l[i].identity && !id_before);
		f[P_sent_env] += (float)(!l[i].identity && !l[i].canary);
		f[P_exfil_chain] += (float)(leak_is_chain(&l[i]) && !chain_before);
	}
	free(l);
	f[P_sent_encoded_run] = (float)runs;
	leaks_destinations(c->dc, ph, dests);
	f[P_dest_related] = dests[DEST_RELATED];
	f[P_dest_cdn] = dests[DEST_CDN];
	f[P_dest_service] = dests[DEST_SERVICE];
	f[P_dest_raw_ip] = dests[DEST_RAW_IP];
	f[P_dest_unrelated] = dests[DEST_UNRELATED];
}

static void phase_features(const struct ctx *c, const json_t *ph, float *f)
{
	size_t i;
	json_t *v;
	const char *status = str(ph, "status");
	double t0 = -1, t_first_net = -1;

	f[P_timeout] = (float)!strcmp(status, "timeout");
	f[P_failed] = (float)!strcmp(status, "failed");
	f[P_stdout_bytes] = (float)num(json_object_get(ph, "stdout"), "bytes");
	json_array_foreach (json_object_get(ph, "steps"), i, v)
		earliest(&t0, num(v, "start_ms"));
	phase_commands(ph, f);
	phase_files(c, ph, f);
	phase_dns(ph, f, &t_first_net);
	phase_sockets(ph, f, &t_first_net);
	f[P_conn_hosts] = distinct_hosts(ph);
	phase_probes(ph, f);
	phase_sent(c, ph, f);
	phase_canaries(ph, f);
	phase_signals(ph, f);
	phase_timeline(c, ph, f);
	phase_leaks(c, ph, f);
	f[P_t_first_net] = t_first_net < 0 ? -1.0f : (float)(t_first_net - (t0 < 0 ? 0 : t0));
}

/* static.capability_counts: one row "cap_<kind>" per kind. */
static void capability_features(const json_t *counts, float *out)
{
	static const struct {
		const char *kind;
		int row;
	} caps[] = {
		{"discord", G_static_cap_discord},
		{"wallet_hook", G_static_cap_wallet_hook},
		{"net_patch", G_static_cap_net_patch},
		{"skimmer", G_static_cap_skimmer},
		{"decrypt_eval", G_static_cap_decrypt_eval},
		{"bundled_exe", G_static_cap_bundled_exe},
		{"cred_paths", G_static_cap_cred_paths},
		{"string_array", G_static_cap_string_array},
		{"packed", G_static_cap_packed},
		{"obfuscated", G_static_cap_obfuscated},
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		out[caps[i].row] = (float)num(counts, caps[i].kind);
}

/* static.remote_deps: how many, from a bare IP, unencrypted, and how
 * many hosts they come from. */
static void remote_dep_features(const json_t *deps, float *out)
{
	json_t *hosts = json_object();
	size_t i;
	json_t *d;

	json_array_foreach (deps, i, d) {
		const char *scheme = str(d, "scheme");
		out[G_static_remote_deps] += 1;
		out[G_static_remote_dep_raw_ip] +=
			(float)json_is_true(json_object_get(d, "raw_ip"));
		out[G_static_remote_dep_http] +=
			(float)(!strcmp(scheme, "http") || !strcmp(scheme, "git"));
		if (*str(d, "host"))
			json_object_set_new(hosts, str(d, "host"), json_true());
	}
	out[G_static_remote_dep_hosts] = (float)json_object_size(hosts);
	json_decref(hosts);
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
	remote_dep_features(json_object_get(st, "remote_deps"), out);
	capability_features(json_object_get(st, "capability_counts"), out);
	out[G_static_url_hosts] = (float)json_array_size(json_object_get(st, "url_hosts"));
	json_array_foreach (json_object_get(st, "ips"), i, v)
		out[G_static_url_ips] +=
			(float)public_ip(json_string_value(v) ? json_string_value(v) : "");
	/* a chat platform counts when the code holds a webhook or bot URL
	 * with its credential (static.webhooks), not for naming the site */
	json_array_foreach (json_object_get(st, "url_hosts"), i, v)
		out[G_static_url_service] += (float)dest_named_service(json_string_value(v));
	out[G_static_url_service] += (float)json_array_size(json_object_get(st, "webhooks"));
}

/* ---- the browser phase's page -------------------------------------------- */

/* Whether |s| holds one of the run's canary values (as is). */
static bool holds_canary(const json_t *canaries, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach (canaries, i, v) {
		const char *val = str(v, "value");
		if (strlen(val) >= 8 && strstr(s, val))
			return true;
	}
	return false;
}

static void page_features(const json_t *canaries, const json_t *ph, float *g)
{
	const json_t *b = json_object_get(ph, "browser");
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(b, "hooks"), i, v) {
		const char *api = str(v, "api");
		g[G_browser_page_hooks]++;
		g[G_browser_page_wallet_hooks] +=
			(float)(strstr(api, "ethereum") != NULL || strstr(api, "solana") != NULL);
	}
	json_array_foreach (json_object_get(b, "listeners"), i, v)
		g[G_browser_page_listeners] += (float)json_is_true(json_object_get(v, "sensitive"));
	g[G_browser_page_field_reads] = (float)json_array_size(json_object_get(b, "field_reads"));
	g[G_browser_page_storage_reads] =
		(float)json_array_size(json_object_get(b, "storage_reads"));
	json_array_foreach (json_object_get(b, "requests"), i, v) {
		g[G_browser_page_requests]++;
		g[G_browser_page_canary_requests] +=
			(float)(holds_canary(canaries, str(v, "url")) ||
				holds_canary(canaries, str(v, "body")));
	}
	g[G_browser_page_rewrites] = (float)json_array_size(json_object_get(b, "rewrites"));
	json_array_foreach (json_object_get(b, "clipboard"), i, v)
		g[G_browser_page_clipboard_writes] += (float)!strcmp(str(v, "op"), "write");
}

int features_extract(const json_t *report, float *out, char *err, size_t errlen)
{
	struct ctx c;
	const json_t *env = json_object_get(report, "environment");
	const json_t *phases = json_object_get(report, "phases");
	const json_t *pkg = json_object_get(report, "package");
	size_t i;
	json_t *ph;
	float block[NBLOCKS][ROW__COUNT];
	float *g = block[0];

	pthread_once(&vec_once, init_vec);
	memset(out, 0, nvec * sizeof(*out));
	memset(block, 0, sizeof(block));
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
	c.report = report;
	c.dc = dest_ctx_new(report);

	/* baseline: commands, distinct domains, distinct IPs over the run */
	json_t *domains = json_object(), *ips = json_object();
	json_array_foreach (phases, i, ph) {
		size_t j;
		json_t *v;
		g[G_n_commands] += (float)json_array_size(json_object_get(ph, "commands"));
		json_array_foreach (json_object_get(ph, "dns"), j, v)
			json_object_set_new(domains, str(v, "hostname"), json_true());
		json_array_foreach (json_object_get(ph, "sockets"), j, v) {
			const char *a = str(v, "address");
			if (*a && json_integer_value(json_object_get(v, "port")) != 53 &&
			    strcmp(str(v, "syscall"), "bind") != 0)
				json_object_set_new(ips, a, json_true());
		}
		/* a phase's rows count the target's own events (own.h) */
		json_t *own = own_phase(report, ph), *deps = own_dep_network(report, ph);
		for (size_t k = 1; k < NPHASES; k++)
			if (!strcmp(str(ph, "name"), phase_table[k].name))
				phase_features(&c, own, block[1 + k]);
		g[G_dep_install_net] += (float)json_array_size(deps);
		json_decref(deps);
		json_decref(own);
		if (!strcmp(str(ph, "name"), "browser"))
			page_features(json_object_get(report, "canaries"), ph, g);
	}
	for (size_t r = 0; r < ROW__COUNT; r++)
		for (size_t k = 1; k < NPHASES; k++)
			if (block[1 + k][r] > block[ANY_BLOCK][r])
				block[ANY_BLOCK][r] = block[1 + k][r];
	static_features(json_object_get(report, "static"), g);
	g[G_n_domains] = (float)json_object_size(domains);
	g[G_n_ips] = (float)json_object_size(ips);
	json_decref(domains);
	json_decref(ips);
	dest_ctx_free(c.dc);
	/* Absurd numbers in a report (1e308 bytes) must not give a vector that
	 * the features table and the model refuse. */
	for (i = 0; i < nvec; i++) {
		out[i] = block[vec[i].block][vec[i].row];
		if (!isfinite(out[i]))
			out[i] = isnan(out[i]) ? 0.0f : copysignf(FLT_MAX, out[i]);
	}
	return 0;
}

const char *features_phase_of(const json_t *report, const char *feature)
{
	size_t pl = strcspn(feature, ".");
	const char *best = NULL;
	float *v, top = 0.0f;
	char name[128];

	if (strncmp(feature, phase_table[0].name, pl) != 0 || phase_table[0].name[pl] != '\0' ||
	    !feature[pl])
		return NULL;
	pthread_once(&vec_once, init_vec);
	v = xcalloc(nvec, sizeof(*v));
	if (features_extract(report, v, NULL, 0) == 0)
		for (size_t k = 1; k < NPHASES; k++) {
			snprintf(name, sizeof(name), "%s.%s", phase_table[k].name,
				 feature + pl + 1);
			int i = features_index(name);
			if (i >= 0 && v[i] > top) {
				top = v[i];
				best = phase_table[k].name;
			}
		}
	free(v);
	return best;
}

static const struct features_rule RULES[] = {
#define RULE(row, least, text) {row, least, text},
#include "features/rules.def"
#undef RULE
};

/* The phases where the package's code runs without being asked: what an
 * exported function does when the execute phase calls it (a service
 * manager's enable()) or a page does is the model's to weigh. */
static const char *const RULE_PHASES[] = {"install", "prepare", "import"};

const struct features_rule *features_rule_hit(const float *x, char *row, size_t rowlen)
{
	for (size_t i = 0; i < sizeof(RULES) / sizeof(RULES[0]); i++)
		for (size_t p = 0; p < sizeof(RULE_PHASES) / sizeof(RULE_PHASES[0]); p++) {
			char name[96];
			snprintf(name, sizeof(name), "%s.%s", RULE_PHASES[p], RULES[i].feature);
			int k = features_index(name);
			if (k >= 0 && x[k] >= RULES[i].min) {
				if (row)
					snprintf(row, rowlen, "%s", name);
				return &RULES[i];
			}
		}
	return NULL;
}
