/* Whose events they are.  Every event carries the package whose step
 * caused it ("package": the step's package, followed down the process
 * tree); the processes, commands and timeline give each pid its parent and
 * what it runs.  An event is the target's own when its package is the
 * target (or unknown: nobody else can be blamed for it) and its process is
 * not a known tool doing what that tool always does. */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "features/own.h"
#include "util/xalloc.h"

/* ---- known tools ---------------------------------------------------------- */

enum tool { TOOL_NONE, TOOL_NPM, TOOL_GIT, TOOL_NODE_GYP, TOOL__COUNT };

/* Where each tool lives on the sandbox's read-only system (the file
 * executed, or the script node runs: a package's own "npm" in
 * node_modules/.bin is not npm), what it reads and whom it talks to when
 * it does its job: npm its config, cache and the registry; git its config
 * and credentials and the code hosts; node-gyp its header cache and
 * nodejs.org.  "~/" is the sandbox home; a host matches itself and its
 * subdomains. */
static const struct {
	const char *paths[4];
	const char *reads[6];
	const char *writes[3]; /* its caches: writing its config is not its job */
	const char *hosts[5];
} tools[TOOL__COUNT] = {
	[TOOL_NPM] = {{"/usr/bin/npm", "/usr/bin/npx",
		       "/usr/lib/node_modules/npm/bin/np[mx]-cli.js", NULL},
		      {"~/.npmrc", "~/.npm*", "/usr/etc/npmrc", "/usr/lib/node_modules/npm/*",
		       "*/projects/app/*.npmrc", "~/.gitconfig"},
		      {"~/.npm", "~/.npm/*", NULL},
		      {"registry.npmjs.org", "registry.yarnpkg.com", "npm.pkg.github.com",
		       "registry.npmmirror.com", NULL}},
	[TOOL_GIT] = {{"/usr/bin/git", "/usr/lib/git-core/*", NULL, NULL},
		      {"~/.gitconfig", "~/.config/git/*", "~/.git-credentials", "/etc/gitconfig",
		       NULL, NULL},
		      {NULL, NULL, NULL},
		      {"github.com", "gitlab.com", "bitbucket.org", NULL, NULL}},
	[TOOL_NODE_GYP] = {{"/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
			    "/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/"
			    "node-gyp-bin/node-gyp",
			    NULL, NULL},
			   {"~/.cache/node-gyp/*", "~/.node-gyp/*", NULL, NULL, NULL, NULL},
			   {"~/.cache/node-gyp/*", "~/.node-gyp/*", NULL},
			   {"nodejs.org", NULL, NULL, NULL, NULL}},
};

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static enum tool tool_at(const char *path)
{
	for (int t = TOOL_NPM; t < TOOL__COUNT; t++)
		for (size_t j = 0; j < 4 && tools[t].paths[j]; j++)
			if (path && fnmatch(tools[t].paths[j], path, 0) == 0)
				return (enum tool)t;
	return TOOL_NONE;
}

/* The tool an exec of |path| with |argv| runs: the file executed, or the
 * script node runs ("node /usr/lib/node_modules/npm/bin/npm-cli.js"). */
static enum tool tool_of(const char *path, const json_t *argv)
{
	const char *a0 = json_string_value(json_array_get(argv, 0));
	enum tool t = tool_at(path);

	if (t == TOOL_NONE && a0 && (!strcmp(base(a0), "node") || !strcmp(base(a0), "nodejs")))
		t = tool_at(json_string_value(json_array_get(argv, 1)));
	return t;
}

static bool host_under(const char *host, const char *suffix)
{
	size_t hl = strlen(host), sl = strlen(suffix);
	return (hl == sl && !strcasecmp(host, suffix)) ||
	       (hl > sl && host[hl - sl - 1] == '.' && !strcasecmp(host + hl - sl, suffix));
}

static bool matches(const char *const *globs, size_t n, const char *path, const char *home)
{
	char glob[1024];

	for (size_t j = 0; j < n && globs[j]; j++) {
		const char *g = globs[j];
		if (g[0] == '~')
			snprintf(glob, sizeof(glob), "%s%s", home, g + 1);
		else
			snprintf(glob, sizeof(glob), "%s", g);
		if (fnmatch(glob, path, 0) == 0)
			return true;
	}
	return false;
}

/* Whether an access of |path| with |flags| ("read", "write,create" ...) is
 * tool |t|'s job: reading its files, writing its caches. */
static bool tool_access(enum tool t, const char *path, const char *flags, const char *home)
{
	bool writes = strstr(flags, "write") || strstr(flags, "create") ||
		      strstr(flags, "delete") || strstr(flags, "rename") ||
		      strstr(flags, "chmod") || strstr(flags, "exec");

	if (writes)
		return matches(tools[t].writes, 3, path, home);
	return matches(tools[t].reads, 6, path, home);
}

static bool tool_talks_to(enum tool t, const char *host)
{
	for (size_t j = 0; j < 5 && tools[t].hosts[j]; j++)
		if (*host && host_under(host, tools[t].hosts[j]))
			return true;
	return false;
}

/* ---- the process tree ----------------------------------------------------- */

/* pid -> parent, the tool its last exec runs (-1: it ran nothing we saw)
 * and the package whose step it belongs to.  Open addressing. */
struct proc {
	long long pid, ppid;
	int tool;
	const char *package;
};

struct tree {
	struct proc *v;
	size_t cap; /* a power of two */
};

static struct proc *slot(struct tree *t, long long pid)
{
	size_t h = (size_t)((uint64_t)pid * 0x9E3779B97F4A7C15ull >> 20) & (t->cap - 1);

	while (t->v[h].pid && t->v[h].pid != pid)
		h = (h + 1) & (t->cap - 1);
	return &t->v[h];
}

static void learn(struct tree *t, const json_t *e, const char *path, const json_t *argv)
{
	long long pid = json_integer_value(json_object_get(e, "pid"));
	struct proc *p;

	if (pid <= 0)
		return;
	p = slot(t, pid);
	if (!p->pid) {
		p->pid = pid;
		p->tool = -1;
	}
	if (!p->ppid)
		p->ppid = json_integer_value(json_object_get(e, "ppid"));
	if (argv)
		p->tool = (int)tool_of(path, argv);
	if (!p->package && *str(e, "package"))
		p->package = str(e, "package");
}

static void tree_init(struct tree *t, const json_t *ph)
{
	static const char *const lists[] = {"processes", "commands", "timeline"};
	size_t n = 16, i;
	json_t *e;

	for (size_t l = 0; l < 3; l++)
		n += json_array_size(json_object_get(ph, lists[l]));
	for (t->cap = 64; t->cap < 2 * n; t->cap *= 2)
		;
	t->v = xcalloc(t->cap, sizeof(*t->v));
	json_array_foreach (json_object_get(ph, "processes"), i, e)
		learn(t, e, str(e, "exe"), json_object_get(e, "argv"));
	json_array_foreach (json_object_get(ph, "commands"), i, e)
		if (json_integer_value(json_object_get(e, "result")) == 0 &&
		    !json_is_string(json_object_get(e, "result")))
			learn(t, e, str(e, "path"), json_object_get(e, "argv"));
	json_array_foreach (json_object_get(ph, "timeline"), i, e) {
		bool exec = !strcmp(str(e, "type"), "exec") &&
			    json_integer_value(json_object_get(e, "result")) == 0 &&
			    !json_is_string(json_object_get(e, "result"));
		learn(t, e, str(e, "path"), exec ? json_object_get(e, "argv") : NULL);
	}
}

/* The tool the process of |e| runs: its own last exec, else its nearest
 * ancestor's (a fork runs what its parent ran). */
static enum tool event_tool(struct tree *t, const json_t *e)
{
	long long pid = json_integer_value(json_object_get(e, "pid"));

	for (int depth = 0; pid > 0 && depth < 64; depth++) {
		struct proc *p = slot(t, pid);
		if (!p->pid)
			return TOOL_NONE;
		if (p->tool >= 0)
			return (enum tool)p->tool;
		pid = p->ppid;
	}
	return TOOL_NONE;
}

static const char *event_package(struct tree *t, const json_t *e)
{
	long long pid = json_integer_value(json_object_get(e, "pid"));
	const char *pkg = str(e, "package");

	if (!*pkg && pid > 0) {
		struct proc *p = slot(t, pid);
		if (p->pid && p->package)
			pkg = p->package;
	}
	return pkg;
}

/* The host an event talks to: the name DNS gave, the name it asked for,
 * the TLS server name or HTTP host, else the address. */
static const char *event_host(const json_t *e)
{
	const char *h = json_string_value(json_array_get(json_object_get(e, "hostnames"), 0));

	if (h && *h)
		return h;
	if (*str(e, "hostname"))
		return str(e, "hostname");
	if (*str(json_object_get(e, "tls"), "sni"))
		return str(json_object_get(e, "tls"), "sni");
	if (*str(json_object_get(e, "http"), "host"))
		return str(json_object_get(e, "http"), "host");
	return str(e, "address");
}

/* ---- the target's own view ------------------------------------------------ */

struct own {
	struct tree tree;
	const char *target, *home;
	json_t *paths; /* path -> 1: the target's own access seen, 2: only others' */
};

/* The browser phase's page is a shop of the sandbox's made-up company
 * (src/run/harness/browser.js: ORIGIN and API, also in the home's .env
 * and .npmrc): it posts its own orders and logins there, with the page's
 * wallet address and fields in them, and relative requests go there.
 * Traffic to the company's own hosts is the page's, not a leak, unless
 * the package rewrote it (browser.page_rewrites). */
static bool page_own(const json_t *e)
{
	return host_under(event_host(e), "acme-corp.io");
}

/* The execute and browser phases call functions with arguments of their
 * own (src/run/harness/index.js): a URL under example.com and the
 * project's path among them.  A request a called function makes to that
 * URL is the function doing what it was asked, with what it was given.
 * example.com is reserved (RFC 2606): no attacker receives data there. */
static bool harness_own(const json_t *e)
{
	return host_under(event_host(e), "example.com");
}

static bool is_own(struct own *o, const json_t *e)
{
	const char *pkg = event_package(&o->tree, e);
	enum tool t;

	if (page_own(e) || harness_own(e))
		return false;

	if (*pkg && strcmp(pkg, o->target) != 0)
		return false;
	t = event_tool(&o->tree, e);
	if (t == TOOL_NONE)
		return true;
	if (*str(e, "path") && !strcmp(str(e, "type"), "file"))
		return !tool_access(t, str(e, "path"), str(e, "flags"), o->home);
	return !tool_talks_to(t, event_host(e));
}

static json_t *filter(struct own *o, const json_t *arr)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach (arr, i, e)
		if (is_own(o, e))
			json_array_append(out, e);
	return out;
}

/* The aggregated files: a path stays unless the timeline shows only
 * others touching it (a path the timeline lost stays). */
static json_t *filter_files(struct own *o, const json_t *ph)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach (json_object_get(ph, "timeline"), i, e) {
		if (strcmp(str(e, "type"), "file") != 0 || !*str(e, "path"))
			continue;
		json_int_t prev = json_integer_value(json_object_get(o->paths, str(e, "path")));
		if (prev != 1)
			json_object_set_new(o->paths, str(e, "path"),
					    json_integer(is_own(o, e) ? 1 : 2));
	}
	json_array_foreach (json_object_get(ph, "files"), i, e)
		if (json_integer_value(json_object_get(o->paths, str(e, "path"))) != 2)
			json_array_append(out, e);
	return out;
}

/* Whether every event of |ph| is the target's: no other package's step,
 * no known tool among its processes (the common case, answered without
 * building a copy). */
static bool all_own(const char *target, const json_t *ph)
{
	static const char *const lists[] = {"processes", "commands"};
	static const char *const traffic[] = {"sent", "canary_hits", "sockets"};
	size_t i;
	json_t *e;

	for (size_t l = 0; l < 3; l++)
		json_array_foreach (json_object_get(ph, traffic[l]), i, e)
			if (page_own(e) || harness_own(e))
				return false;
	json_array_foreach (json_object_get(ph, "steps"), i, e)
		if (strcmp(str(e, "package"), target) != 0)
			return false;
	for (size_t l = 0; l < 2; l++)
		json_array_foreach (json_object_get(ph, lists[l]), i, e)
			if (tool_of(str(e, l ? "path" : "exe"), json_object_get(e, "argv")) !=
			    TOOL_NONE)
				return false;
	return true;
}

json_t *own_phase(const json_t *report, const json_t *ph)
{
	static const char *const lists[] = {"commands", "sockets",     "dns",
					    "sent",	"canary_hits", "signals",
					    "denied",	"processes",   "timeline"};
	struct own o = {
		.target = str(json_object_get(report, "package"), "name"),
		.home = str(json_object_get(report, "environment"), "home"),
		.paths = json_object(),
	};
	json_t *out;

	if (all_own(o.target, ph)) {
		json_decref(o.paths);
		return json_incref((json_t *)ph);
	}
	out = json_copy((json_t *)ph);
	tree_init(&o.tree, ph);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		if (json_is_array(json_object_get(ph, lists[l])))
			json_object_set_new(out, lists[l],
					    filter(&o, json_object_get(ph, lists[l])));
	if (json_is_array(json_object_get(ph, "files")))
		json_object_set_new(out, "files", filter_files(&o, ph));
	free(o.tree.v);
	json_decref(o.paths);
	return out;
}

/* ---- dependencies' network ------------------------------------------------ */

static bool network_event(const json_t *e, const char *list)
{
	if (!strcmp(list, "dns") || !strcmp(list, "sent"))
		return true;
	return !strcmp(str(e, "syscall"), "connect") &&
	       (!strcmp(str(e, "family"), "ipv4") || !strcmp(str(e, "family"), "ipv6")) &&
	       json_integer_value(json_object_get(e, "port")) != 53;
}

json_t *own_dep_network(const json_t *report, const json_t *ph)
{
	static const char *const lists[] = {"dns", "sockets", "sent"};
	const char *target = str(json_object_get(report, "package"), "name");
	json_t *deps = json_array(), *st, *e;
	size_t i, j;

	json_array_foreach (json_object_get(ph, "steps"), i, st) {
		const char *pkg = str(st, "package");
		json_t *hosts = json_array();
		if (!strcmp(pkg, target) || json_is_true(json_object_get(st, "target"))) {
			json_decref(hosts);
			continue;
		}
		for (size_t l = 0; l < 3; l++)
			json_array_foreach (json_object_get(ph, lists[l]), j, e) {
				const char *h = event_host(e);
				bool seen = false;
				size_t k;
				json_t *x;
				if (strcmp(str(e, "package"), pkg) != 0 ||
				    strcmp(str(e, "script"), str(st, "script")) != 0 ||
				    !network_event(e, lists[l]) || !*h)
					continue;
				json_array_foreach (hosts, k, x)
					seen |= !strcmp(json_string_value(x), h);
				if (!seen)
					json_array_append_new(hosts, json_string(h));
			}
		if (json_array_size(hosts))
			json_array_append_new(deps,
					      json_pack("{s:s, s:s, s:s, s:o}", "package", pkg,
							"script", str(st, "script"), "command",
							str(st, "command"), "hosts", hosts));
		else
			json_decref(hosts);
	}
	return deps;
}
