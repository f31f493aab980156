/* Harness for package.json parsing (src/fetch/pkgjson.h).
 *
 * Input: the bytes of a package.json, written to <tmp>/package.json and
 * read with pkgjson_load().  A refusal must leave |pj| zeroed and one line
 * in |err|; a success must give a valid name, a non-empty version, and
 * lists whose keys are unique (scripts, dependencies) and found again by
 * pkgjson_script().  The input as a C string also goes through
 * pkgjson_name_problem(). */
#include <stdbool.h>
#include <string.h>

#include "fetch/pkgjson.h"
#include "fuzz.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static char *pkgjson_fuzz_dir, *pkgjson_fuzz_file;

static bool pkgjson_fuzz_unique(const struct pkg_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(kv[i].key, kv[j].key))
				return false;
	return true;
}

static void pkgjson_fuzz_kv(const struct pkg_kv *kv, size_t n)
{
	FUZZ_CHECK(n == 0 || kv != NULL);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(kv[i].key && kv[i].value);
}

int fuzz_pkgjson(const uint8_t *data, size_t size)
{
	static const struct pkgjson zero;
	struct pkgjson pj;
	char err[512];
	char *s;
	int r;

	if (!pkgjson_fuzz_dir) {
		pkgjson_fuzz_dir = fuzz_tmpdir("pkgjson");
		pkgjson_fuzz_file = xasprintf("%s/package.json", pkgjson_fuzz_dir);
	}

	/* The name check on its own, as pkgspec_parse() uses it. */
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)pkgjson_name_problem(s);
	free(s);

	FUZZ_CHECK(fs_write_file(pkgjson_fuzz_file, data, size) == 0);
	err[0] = '\0';
	r = pkgjson_load(pkgjson_fuzz_dir, &pj, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		FUZZ_CHECK(memcmp(&pj, &zero, sizeof(pj)) == 0);
		pkgjson_release(&pj);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(pj.name && !pkgjson_name_problem(pj.name));
	FUZZ_CHECK(pj.version && pj.version[0]);
	FUZZ_CHECK(!pj.has_binding_gyp);
	pkgjson_fuzz_kv(pj.scripts, pj.nscripts);
	pkgjson_fuzz_kv(pj.bin, pj.nbin);
	pkgjson_fuzz_kv(pj.deps, pj.ndeps);
	FUZZ_CHECK(pkgjson_fuzz_unique(pj.scripts, pj.nscripts));
	FUZZ_CHECK(pkgjson_fuzz_unique(pj.deps, pj.ndeps));
	for (size_t i = 0; i < pj.nscripts; i++)
		FUZZ_CHECK(pkgjson_script(&pj, pj.scripts[i].key) == pj.scripts[i].value);
	pkgjson_release(&pj);
	FUZZ_CHECK(memcmp(&pj, &zero, sizeof(pj)) == 0);
	pkgjson_release(NULL);
	return 0;
}

FUZZ_MAIN(pkgjson)
