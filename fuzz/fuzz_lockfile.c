/* Harness for the lockfile readers (src/lockfile/lockfile.h): package-lock
 * JSON, yarn.lock (classic and berry) and pnpm-lock.yaml with its YAML
 * subset reader.
 *
 * Input: the lockfile's path on the first line, then its text:
 *     pnpm-lock.yaml\nlockfileVersion: '9.0'\n...
 * The text goes through lockfile_parse() in a buffer of exactly its size.
 * A refusal leaves |lf| empty and one line in |err|; a lockfile that is
 * read has a known base name and a format, and entries unique by (name,
 * version, source), each with a known source, a line within the text, and
 * for a registry entry a valid name and an exact version. */
#include <stdbool.h>
#include <string.h>

#include "fetch/pkgjson.h"
#include "fetch/registry.h"
#include "fuzz.h"
#include "lockfile/lockfile.h"
#include "util/xalloc.h"

/* Pairwise uniqueness is checked up to this many entries. */
#define LOCKFILE_FUZZ_UNIQUE_MAX 4000

static bool lockfile_fuzz_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void lockfile_fuzz_entry(const struct lock_entry *e, unsigned nlines)
{
	char *sha512;

	FUZZ_CHECK(e->name != NULL);
	FUZZ_CHECK(e->source >= LOCK_REGISTRY && e->source <= LOCK_INVALID);
	FUZZ_CHECK(strcmp(lock_source_name(e->source), "?") != 0);
	FUZZ_CHECK(strcmp(lock_source_reason(e->source), "?") != 0);
	FUZZ_CHECK(e->line <= nlines);
	FUZZ_CHECK(!e->integrity || e->integrity[0]);
	FUZZ_CHECK(!e->resolved || e->resolved[0]);
	if (e->source == LOCK_REGISTRY)
		FUZZ_CHECK(!pkgjson_name_problem(e->name) && pkgspec_version_valid(e->version));
	if (e->source == LOCK_NO_VERSION)
		FUZZ_CHECK(!e->version);
	sha512 = lock_sri_sha512(e->integrity);
	FUZZ_CHECK(!sha512 || (!strncmp(sha512, "sha512-", 7) && !strchr(sha512, '?') &&
			       !strchr(sha512, ' ')));
	free(sha512);
}

int fuzz_lockfile(const uint8_t *data, size_t size)
{
	static const struct lockfile zero;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t pathlen = nl ? (size_t)(nl - data) : 0;
	struct lockfile lf;
	char err[512];
	char *path, *text;
	const char *base;
	size_t len;
	unsigned nlines = 1;
	int r;

	if (!nl || !pathlen || memchr(data, '\0', pathlen))
		return 0;
	path = xstrndup((const char *)data, pathlen);
	len = size - pathlen - 1;
	text = xmalloc(len ? len : 1);
	memcpy(text, nl + 1, len);
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	err[0] = '\0';
	r = lockfile_parse(path, text, len, &lf, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		FUZZ_CHECK(memcmp(&lf, &zero, sizeof(lf)) == 0);
	} else {
		FUZZ_CHECK(r == 0 && lockfile_name_known(base));
		FUZZ_CHECK(lf.path && !strcmp(lf.path, path));
		FUZZ_CHECK(lf.format && lf.format[0]);
		FUZZ_CHECK(lf.n == 0 || lf.entries);
		for (size_t i = 0; i < lf.n; i++)
			lockfile_fuzz_entry(&lf.entries[i], nlines);
		for (size_t i = 0; i < lf.n && lf.n <= LOCKFILE_FUZZ_UNIQUE_MAX; i++)
			for (size_t j = i + 1; j < lf.n; j++)
				FUZZ_CHECK(!(lf.entries[i].source == lf.entries[j].source &&
					     !strcmp(lf.entries[i].name, lf.entries[j].name) &&
					     lockfile_fuzz_same(lf.entries[i].version,
								lf.entries[j].version)));
		lockfile_release(&lf);
		FUZZ_CHECK(memcmp(&lf, &zero, sizeof(lf)) == 0);
	}
	lockfile_release(NULL);
	free(text);
	free(path);
	return 0;
}

FUZZ_MAIN(lockfile)
