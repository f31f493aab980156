/* What kept a detonation from judging the package fully, as a list the
 * report carries ("degraded") and the verdict turns into "partial":
 *
 *   npm          npm could not install the dependencies
 *   dependencies a dependency the package requires was not installed
 *   disk_full    the disk (or the sandbox's tmpfs) was full
 *   step         a step could not start in the sandbox
 *   interpreter  a lifecycle script needs an interpreter this machine lacks
 *   import       the import failed on a dependency that is not there
 *
 * Each entry is a kind from this table and one line of detail.  A package
 * that fails on its own (a script that exits 1, an import of a module it
 * never declared) is not degraded: it fails the same way on a user's
 * machine. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/pkgjson.h"
#include "run/run.h"
#include "util/xalloc.h"

/* Interpreters a lifecycle script may call that a developer machine has
 * and a minimal system may not. */
static const char *const interpreters[] = {
	"python", "python2", "python3", "ruby",	      "perl", "php", "java", "go", "bun", "deno",
	"bash",	  "zsh",     "pwsh",	"powershell", "make", "gcc", "g++",  "cc", "c++", "cmake",
};

void run_degrade(struct run_result *res, const char *kind, const char *fmt, ...)
{
	va_list ap;
	char detail[1024] = "";

	va_start(ap, fmt);
	/* clang 14 analyzer false positive (llvm/llvm-project#40656) */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < res->ndegraded; i++)
		if (!strcmp(res->degraded[i].kind, kind)) /* one entry per kind */
			return;
	res->degraded = xrealloc(res->degraded, (res->ndegraded + 1) * sizeof(*res->degraded));
	res->degraded[res->ndegraded++] = (struct degradation){xstrdup(kind), xstrdup(detail)};
}

bool run_text_disk_full(const char *text)
{
	return text && (strstr(text, "ENOSPC") || strstr(text, "No space left on device"));
}

/* "sh: 1: python3: not found" (dash) or "sh: python3: command not found". */
static const char *missing_interpreter(const char *err)
{
	for (size_t i = 0; i < sizeof(interpreters) / sizeof(interpreters[0]); i++) {
		char a[64], b[64];

		snprintf(a, sizeof(a), " %s: not found", interpreters[i]);
		snprintf(b, sizeof(b), " %s: command not found", interpreters[i]);
		if (strstr(err, a) || strstr(err, b))
			return interpreters[i];
	}
	return NULL;
}

/* The package part of a module specifier: "x" of "x/lib", "@s/x" of
 * "@s/x/lib"; NULL for a relative or absolute path or a node: builtin. */
static char *spec_package(const char *spec, size_t len)
{
	const char *end = spec + len, *slash;

	if (!len || spec[0] == '.' || spec[0] == '/' || !strncmp(spec, "node:", 5))
		return NULL;
	slash = memchr(spec, '/', len);
	if (spec[0] == '@' && slash)
		slash = memchr(slash + 1, '/', (size_t)(end - slash - 1));
	return xstrndup(spec, (size_t)((slash ? slash : end) - spec));
}

/* A declared dependency that node could not find while importing. */
static char *import_missing_dep(const char *err, const struct pkgjson *pj)
{
	static const char pre[] = "Cannot find module '";

	for (const char *p = err; (p = strstr(p, pre)); p++) {
		const char *s = p + sizeof(pre) - 1, *q = strchr(s, '\'');
		char *pkg = q ? spec_package(s, (size_t)(q - s)) : NULL;

		for (size_t i = 0; pkg && i < pj->ndeps; i++)
			if (!strcmp(pj->deps[i].key, pkg))
				return pkg;
		free(pkg);
	}
	return NULL;
}

void run_check_degraded(struct run_result *res)
{
	char dir[4200], e[256];
	struct pkgjson pj;
	bool have_pj;

	snprintf(dir, sizeof(dir), "%s/app/node_modules/%s", res->workdir, res->name);
	have_pj = pkgjson_load(dir, &pj, e, sizeof(e)) == 0;
	for (size_t i = 0; i < res->nsteps; i++) {
		const struct run_step *s = &res->steps[i];

		if (s->state == STEP_ERROR)
			run_degrade(res, "step", "%s: %s of %s could not start in the sandbox",
				    phase_name(s->phase), s->script, s->package);
	}
	for (int p = 0; p < PHASE_COUNT; p++) {
		const char *err = res->phases[p].err.buf;
		const char *interp;

		if (!err)
			continue;
		if (run_text_disk_full(err))
			run_degrade(res, "disk_full", "%s: the disk was full (ENOSPC)",
				    phase_name((enum phase_id)p));
		for (size_t i = 0; i < res->nsteps; i++) {
			const struct run_step *s = &res->steps[i];

			if (s->phase == (enum phase_id)p && s->state == STEP_FAILED &&
			    s->status == 127 && (interp = missing_interpreter(err))) {
				run_degrade(res, "interpreter",
					    "%s: %s of %s needs '%s', which this machine lacks",
					    phase_name(s->phase), s->script, s->package, interp);
				break;
			}
		}
		if (p == PHASE_IMPORT && have_pj) {
			char *dep = import_missing_dep(err, &pj);

			if (dep)
				run_degrade(res, "import",
					    "import: its dependency '%s' is not installed", dep);
			free(dep);
		}
	}
	pkgjson_release(&pj);
}
