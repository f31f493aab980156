/* Resolution and placement, npm-like: breadth first from the target's
 * dependencies; an edge that the copy require() would find satisfies is
 * done; otherwise the version registry_pick() chooses goes to the
 * shallowest node_modules on the dependent's path below that copy where
 * placing it breaks no edge already satisfied in that subtree (npm's
 * hoisting); peers (not optional in peerDependenciesMeta) go beside the
 * dependent, as npm 7+ places them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "depstore/internal.h"
#include "fetch/registry.h"
#include "util/errbuf.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum edge_kind { EDGE_PROD, EDGE_OPTIONAL, EDGE_PEER };

struct resolver {
	struct depstore_tree *t;
	depstore_packument_fn get;
	void *arg;
	json_t *packuments; /* name -> packument, or null when it failed */
	struct depstore_stats *st;
	char *err;
	size_t errlen;
};

bool depstore_spec_supported(const char *spec)
{
	/* semver ranges and dist-tags; not URLs, git, file:, npm: aliases or
	 * github shorthand (user/repo) */
	if (strchr(spec, ':') || strchr(spec, '/') || strchr(spec, '#'))
		return false;
	for (const char *p = spec; *p; p++)
		if (!strchr("0123456789.xX*^~<>=| -+abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ_",
			    *p))
			return false;
	return true;
}

static struct dnode *node_new(struct depstore_tree *t, struct dnode *parent, const char *name,
			      const char *version)
{
	struct dnode *n = xcalloc(1, sizeof(*n));

	n->name = name ? xstrdup(name) : NULL;
	n->version = version ? xstrdup(version) : NULL;
	n->parent = parent;
	if (parent) {
		parent->kids = xrealloc(parent->kids, (parent->nkids + 1) * sizeof(struct dnode *));
		parent->kids[parent->nkids++] = n;
	}
	t->all = xrealloc(t->all, (t->nall + 1) * sizeof(struct dnode *));
	t->all[t->nall++] = n;
	return n;
}

static struct dnode *kid(const struct dnode *at, const char *name)
{
	for (size_t i = 0; i < at->nkids; i++)
		if (!strcmp(at->kids[i]->name, name))
			return at->kids[i];
	return NULL;
}

/* What require(|name|) finds from |at|'s node_modules up. */
static struct dnode *lookup(struct dnode *at, const char *name)
{
	for (; at; at = at->parent) {
		struct dnode *k = kid(at, name);
		if (k)
			return k;
	}
	return NULL;
}

static json_t *packument(struct resolver *r, const char *name)
{
	json_t *p = json_object_get(r->packuments, name);

	if (p)
		return json_is_null(p) ? NULL : p;
	p = r->get(r->arg, name, r->err, r->errlen);
	json_object_set_new(r->packuments, name, p ? p : json_null());
	return p;
}

/* Whether |v| satisfies |spec| of |name| (the target has no packument). */
static bool satisfies(struct resolver *r, const struct dnode *n, const char *spec)
{
	json_t *p = n->reserved ? NULL : json_object_get(r->packuments, n->name);

	return registry_satisfies(p, n->version, spec) == 1;
}

/* One of npm's os/cpu/libc lists: "!x" excludes, any plain entry must
 * include |value|. */
static bool platform_list_ok(const json_t *list, const char *value)
{
	const json_t *v;
	size_t i;
	bool any = false, hit = false;

	if (!json_is_array(list))
		return true;
	json_array_foreach (list, i, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		if (s[0] == '!') {
			if (!strcmp(s + 1, value))
				return false;
			continue;
		}
		any = true;
		hit |= !strcmp(s, value);
	}
	return !any || hit;
}

static const char *this_cpu(void)
{
	static const struct {
		const char *uname, *node;
	} cpus[] = {{"x86_64", "x64"},	  {"aarch64", "arm64"}, {"i686", "ia32"},
		    {"i386", "ia32"},	  {"armv7l", "arm"},	{"armv6l", "arm"},
		    {"ppc64le", "ppc64"}, {"s390x", "s390x"},	{"riscv64", "riscv64"}};
	static struct utsname u;

	if (uname(&u) < 0)
		return "x64";
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		if (!strcmp(u.machine, cpus[i].uname))
			return cpus[i].node;
	return u.machine;
}

bool depstore_platform_ok(const json_t *meta)
{
	char libc[64];
	bool glibc = confstr(_CS_GNU_LIBC_VERSION, libc, sizeof(libc)) > 0;

	return platform_list_ok(json_object_get(meta, "os"), "linux") &&
	       platform_list_ok(json_object_get(meta, "cpu"), this_cpu()) &&
	       platform_list_ok(json_object_get(meta, "libc"), glibc ? "glibc" : "musl");
}

/* Whether an edge from |d| (already walked) to |name| now resolves above
 * |at| and would resolve to |version| at |at| instead, which it does not
 * allow.  Recursive over the placed tree, bounded by its depth. */
// NOLINTNEXTLINE(misc-no-recursion)
static bool breaks_below(struct resolver *r, struct dnode *d, struct dnode *at, const char *name,
			 const char *version)
{
	if (d->walked) {
		const char *key;
		json_t *spec;
		/* |d|'s regular edges start at |d|, its peers at its parent */
		json_t *sets[3] = {json_object_get(d->meta, "dependencies"),
				   json_object_get(d->meta, "optionalDependencies"),
				   d != at ? json_object_get(d->meta, "peerDependencies") : NULL};

		for (int s = 0; s < 3; s++)
			json_object_foreach (sets[s], key, spec) {
				struct dnode *cur;
				if (strcmp(key, name) != 0 || !json_is_string(spec))
					continue;
				cur = lookup(d, name);
				/* above |at|: |at|'s copy would take its place */
				bool above = !cur;
				for (struct dnode *p = at->parent; cur && p; p = p->parent)
					above |= cur->parent == p;
				struct dnode probe = {.name = (char *)name,
						      .version = (char *)version};
				if (above && cur && !satisfies(r, &probe, json_string_value(spec)))
					return true;
			}
	}
	for (size_t i = 0; i < d->nkids; i++)
		if (breaks_below(r, d->kids[i], at, name, version))
			return true;
	return false;
}

__attribute__((format(printf, 2, 3))) static int fail(struct resolver *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Places |name|@|version| for the edge from |from| (its node_modules is
 * the deepest place, |holder| the node whose copy must not be shadowed
 * from above: NULL for none). */
static struct dnode *place(struct resolver *r, struct dnode *deepest, struct dnode *holder,
			   const char *name, const char *version, json_t *meta)
{
	struct dnode *path[256];
	size_t n = 0;

	for (struct dnode *p = deepest; p; p = p->parent) {
		if (n == sizeof(path) / sizeof(path[0]))
			return NULL;
		path[n++] = p;
	}
	/* shallowest first, below |holder| */
	for (size_t i = n; i-- > 0;) {
		struct dnode *at = path[i];
		bool below = !holder;

		for (struct dnode *p = at; p && !below; p = p->parent)
			below = p == holder;
		if (!below || at == holder || kid(at, name))
			continue;
		if (breaks_below(r, at, at, name, version))
			continue;
		struct dnode *k = node_new(r->t, at, name, version);
		k->meta = json_incref(meta);
		return k;
	}
	return NULL;
}

/* The edge from |n| to |name|@|spec|: 0 done (or an optional skipped), -1
 * with |err|. */
static int edge(struct resolver *r, struct dnode *n, const char *name, const char *spec,
		enum edge_kind kind)
{
	struct dnode *start = kind == EDGE_PEER ? n->parent : n;
	struct dnode *found = lookup(start, name);
	const char *who = n->name ? n->name : "the package";
	struct pkg_ref ref;
	json_t *p, *meta;
	char perr[512];

	if (!depstore_spec_supported(spec))
		return fail(r, "'%s' depends on '%s@%s', not a registry version", who, name, spec);
	if (found && found->reserved && satisfies(r, found, spec))
		return 0;
	p = packument(r, name);
	if (!p) {
		if (kind == EDGE_OPTIONAL) {
			r->st->skipped++;
			return 0;
		}
		return -1; /* |err| says why */
	}
	if (found && satisfies(r, found, spec))
		return 0;
	if (found && kind == EDGE_PEER)
		return fail(r, "the peer dependency '%s@%s' of '%s' conflicts with another version",
			    name, spec, who);
	if (registry_pick(p, name, spec, &ref, perr, sizeof(perr)) < 0) {
		if (kind == EDGE_OPTIONAL) {
			r->st->skipped++;
			return 0;
		}
		errbuf_set(r->err, r->errlen, "%s", perr);
		return -1;
	}
	meta = json_object_get(json_object_get(p, "versions"), ref.version);
	if (!depstore_platform_ok(meta)) {
		if (kind == EDGE_OPTIONAL) {
			r->st->skipped++;
			pkg_ref_release(&ref);
			return 0;
		}
		fail(r, "'%s@%s' (a dependency of '%s') is for another platform", name, ref.version,
		     who);
		pkg_ref_release(&ref);
		return -1;
	}
	if (json_is_true(json_object_get(meta, "_hasShrinkwrap"))) {
		fail(r, "'%s@%s' ships a shrinkwrap", name, ref.version);
		pkg_ref_release(&ref);
		return -1;
	}
	if (r->t->nall >= DEPSTORE_MAX_PACKAGES ||
	    !place(r, start, found ? found->parent : NULL, name, ref.version, meta)) {
		fail(r, "cannot place '%s@%s' (a dependency of '%s')", name, ref.version, who);
		pkg_ref_release(&ref);
		return -1;
	}
	pkg_ref_release(&ref);
	return 0;
}

static bool bundled(const json_t *meta, const char *name)
{
	const json_t *b = json_object_get(meta, "bundleDependencies");
	const json_t *v;
	size_t i;

	if (!b)
		b = json_object_get(meta, "bundledDependencies");
	if (json_is_true(b))
		return true;
	json_array_foreach (b, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return true;
	return false;
}

/* The edges of a placed package, from its packument version. */
static int walk(struct resolver *r, struct dnode *n)
{
	json_t *deps = json_object_get(n->meta, "dependencies");
	json_t *opt = json_object_get(n->meta, "optionalDependencies");
	json_t *peers = json_object_get(n->meta, "peerDependencies");
	json_t *pmeta = json_object_get(n->meta, "peerDependenciesMeta");
	const char *key;
	json_t *spec;

	n->walked = true;
	json_object_foreach (deps, key, spec) {
		/* a name in both is optional (npm) */
		if (!json_is_string(spec) || json_object_get(opt, key) || bundled(n->meta, key))
			continue;
		if (edge(r, n, key, json_string_value(spec), EDGE_PROD) < 0)
			return -1;
	}
	json_object_foreach (opt, key, spec) {
		if (!json_is_string(spec) || bundled(n->meta, key))
			continue;
		if (edge(r, n, key, json_string_value(spec), EDGE_OPTIONAL) < 0)
			return -1;
	}
	json_object_foreach (peers, key, spec) {
		if (!json_is_string(spec) ||
		    json_is_true(json_object_get(json_object_get(pmeta, key), "optional")) ||
		    bundled(n->meta, key))
			continue;
		if (edge(r, n, key, json_string_value(spec), EDGE_PEER) < 0)
			return -1;
	}
	return 0;
}

struct depstore_tree *depstore_resolve(const struct depstore_dep *deps, size_t ndeps,
				       const char *root_name, const char *root_version,
				       depstore_packument_fn get, void *arg,
				       struct depstore_stats *st, char *err, size_t errlen)
{
	struct depstore_stats dummy = {0};
	struct resolver r = {.t = xcalloc(1, sizeof(*r.t)),
			     .get = get,
			     .arg = arg,
			     .packuments = json_object(),
			     .st = st ? st : &dummy,
			     .err = err,
			     .errlen = errlen};
	struct dnode *root = node_new(r.t, NULL, NULL, NULL);

	r.t->root = root;
	root->walked = true;
	if (root_name) {
		struct dnode *self =
			node_new(r.t, root, root_name, root_version ? root_version : "0.0.0");
		self->reserved = self->walked = true;
	}
	for (size_t i = 0; i < ndeps; i++)
		if (edge(&r, root, deps[i].name, deps[i].spec,
			 deps[i].optional ? EDGE_OPTIONAL : EDGE_PROD) < 0)
			goto fail;
	/* breadth first: |all| grows as packages are placed */
	for (size_t i = 0; i < r.t->nall; i++)
		if (!r.t->all[i]->walked && walk(&r, r.t->all[i]) < 0)
			goto fail;
	r.t->packuments = r.packuments;
	for (size_t i = 0; i < r.t->nall; i++)
		r.t->npackages += !r.t->all[i]->reserved && r.t->all[i]->parent;
	r.st->packages = r.t->npackages;
	return r.t;
fail:
	json_decref(r.packuments);
	depstore_tree_free(r.t);
	return NULL;
}

/* Recursive over the placed tree's depth (at most 256, place()). */
// NOLINTNEXTLINE(misc-no-recursion)
void depstore_node_path(const struct dnode *n, struct strbuf *out)
{
	if (!n->parent)
		return;
	depstore_node_path(n->parent, out);
	if (out->len)
		strbuf_addstr(out, "/");
	strbuf_addf(out, "node_modules/%s", n->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *depstore_tree_layout(const struct depstore_tree *t)
{
	char **lines = xcalloc(t->nall + 1, sizeof(*lines));
	size_t n = 0;
	struct strbuf out, sb;

	strbuf_init(&out, 0);
	for (size_t i = 0; i < t->nall; i++) {
		const struct dnode *d = t->all[i];
		if (!d->parent || d->reserved)
			continue;
		strbuf_init(&sb, 0);
		depstore_node_path(d, &sb);
		strbuf_addf(&sb, " %s\n", d->version);
		lines[n++] = strbuf_detach(&sb, NULL);
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(&out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return strbuf_detach(&out, NULL);
}

void depstore_tree_free(struct depstore_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nall; i++) {
		free(t->all[i]->name);
		free(t->all[i]->version);
		free(t->all[i]->kids);
		free(t->all[i]->entry);
		json_decref(t->all[i]->meta);
		free(t->all[i]);
	}
	free(t->all);
	json_decref(t->packuments);
	free(t);
}
