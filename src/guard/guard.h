/* The install guard (snare npm install|ci, snare npx): which packages npm
 * would install, resolved in a scratch copy of the project so that the
 * project itself is never touched; every one of them judged by the audit
 * machinery (the results store first, then detonations in snare's
 * sandbox); and the decision whether the real npm may run.
 *
 *   guard_check(&opts, &res, err, sizeof(err));   resolve, judge, decide
 *   res.exit_code: 0 go on, 1 malicious, 3 blocked (not judged, too new)
 *
 * The module prints nothing and never runs npm on the project: the caller
 * prints the decisions and runs npm when the guard lets it. */
#ifndef SNARE_GUARD_GUARD_H
#define SNARE_GUARD_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "scan/scan.h"

enum guard_kind {
	GUARD_INSTALL, /* npm install [args]: resolved with npm --package-lock-only */
	GUARD_CI,      /* npm ci: the project's lockfile as it is */
	GUARD_NPX,     /* npx PKG: the package(s) npx would fetch */
};

/* What to do with a package that could not be judged (a partial verdict,
 * a failed scan, something not scannable such as a git dependency). */
enum guard_unjudged {
	GUARD_UNJUDGED_AUTO,  /* block it when it has install scripts, else warn */
	GUARD_UNJUDGED_BLOCK, /* --on-unjudged=block */
	GUARD_UNJUDGED_WARN,  /* --on-unjudged=warn */
};

struct guard_opts {
	enum guard_kind kind;
	const char *project; /* the project directory (npm's working directory) */
	/* install: npm's arguments after the command ("foo", "--save-dev");
	 * npx: the package specs npx would fetch */
	char *const *args;
	size_t nargs;
	const char *registry; /* --registry; NULL: the project's .npmrc, else the default */
	const char *store;    /* NULL: the default store */
	bool no_store;
	const char *model; /* NULL: the default model */
	const char *cache; /* tarball cache; NULL: the default */
	unsigned jobs;
	double min_age_days; /* hold back versions younger than this; 0: off */
	enum guard_unjudged unjudged;
	time_t now; /* the time ages are measured at; 0: time(NULL) */
	/* the batch's progress (struct batch's); NULL: none */
	void (*progress)(const struct batch_progress *p);
	/* one line of what the guard is doing ("resolving ..."); NULL: none */
	void (*note)(const char *line);
};

enum guard_action {
	GUARD_OK,	       /* benign */
	GUARD_SKIP,	       /* nothing of its own to judge (bundled in a scanned parent) */
	GUARD_WARN,	       /* not judged, let through */
	GUARD_BLOCK_MALICIOUS, /* malicious */
	GUARD_BLOCK_UNJUDGED,  /* not judged, blocked */
	GUARD_HOLD,	       /* younger than --min-age and not known benign */
};

/* What the guard adds to a package's result. */
struct guard_pkg {
	bool install_script; /* the lockfile says it has install scripts */
	enum guard_action action;
	double age_days; /* GUARD_HOLD: how old it is; -1 when its date is unknown (r.reason) */
};

struct guard_result {
	struct pkg_result *r;	/* one per lockfile entry, as snare audit has them */
	struct guard_pkg *pkgs; /* parallel to |r| */
	size_t n;
	char *registry; /* --registry or the project's .npmrc; NULL: the default */
	char *lockfile; /* what was read: the project's, or "package-lock.json" of the scratch copy
			 */
	size_t malicious, blocked, held, warned, stored, scanned;
	int exit_code; /* 0: npm may run; 1 malicious; 3 blocked or held back */
};

/* Resolves, judges and decides.  0 with |res| filled (look at
 * |res->exit_code|), or -1 with one line in |err| (npm could not resolve,
 * a lockfile cannot be read, the store cannot be opened, the batch was
 * interrupted ...); |res| is then empty. */
int guard_check(const struct guard_opts *o, struct guard_result *res, char *err, size_t errlen);
void guard_result_release(struct guard_result *res);

/* The decision for one package once judged: its status, whether it has
 * install scripts and the policy (GUARD_HOLD is decided before). */
enum guard_action guard_decide(const struct pkg_result *r, bool install_script,
			       enum guard_unjudged policy);

/* Why a package was not judged, one line: its degraded reasons, its error
 * or why it was not scanned.  Newly allocated. */
char *guard_unjudged_reason(const struct pkg_result *r);

/* The registry npm uses for the project: |opt|, else the "registry=" line
 * of |project|/.npmrc, else NULL (the default).  Newly allocated or NULL. */
char *guard_registry(const char *project, const char *opt);

/* Whether the project's lockfile (package-lock.json or
 * npm-shrinkwrap.json, v2/v3) already pins what package.json asks for: the
 * root entry's dependencies, devDependencies, optionalDependencies and
 * peerDependencies equal package.json's, and there are no workspaces.  A
 * plain "npm install" then installs the lockfile as it is. */
bool guard_lock_in_sync(const char *project);

/* "--on-unjudged" values: "block", "warn".  0, or -1 for anything else. */
int guard_parse_unjudged(const char *s, enum guard_unjudged *p);

#endif
