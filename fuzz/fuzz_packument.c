/* Harness for packument parsing and version picking (src/fetch/registry.h).
 *
 * Input: a spec line, then the registry's answer, as registry_resolve()
 * would see them:
 *     left-pad@^1.3.0\n{"dist-tags":{...},"versions":{...}}
 * The line goes through pkgspec_parse() (when it is not a valid spec it is
 * used as the wanted version of "pkg", so ranges are fuzzed either way),
 * the rest through json_loadb() and registry_pick().  The packument must
 * not be modified; a refusal leaves |ref| zeroed and one line in |err|; a
 * pick names a version present in "versions" with an http(s) tarball.  The
 * picked integrity string is then checked against a small file, as
 * registry_download() would. */
#include <stdbool.h>
#include <string.h>

#include "fetch/hash.h"
#include "fetch/pkgjson.h"
#include "fetch/registry.h"
#include "fuzz.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static char *packument_fuzz_file;

static bool packument_fuzz_zero(const struct pkg_ref *ref)
{
	return !ref->name && !ref->version && !ref->tarball_url && !ref->integrity && !ref->shasum;
}

static void packument_fuzz_pick(json_t *packument, const char *name, const char *want)
{
	json_t *copy = json_deep_copy(packument);
	struct pkg_ref ref;
	char err[512];
	int r;

	err[0] = '\0';
	r = registry_pick(packument, name, want, &ref, err, sizeof(err));
	FUZZ_CHECK(json_equal(copy, packument));
	json_decref(copy);
	if (r < 0) {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		FUZZ_CHECK(packument_fuzz_zero(&ref));
		return;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(ref.name && !strcmp(ref.name, name));
	FUZZ_CHECK(ref.version &&
		   json_object_get(json_object_get(packument, "versions"), ref.version));
	FUZZ_CHECK(ref.tarball_url && (!strncmp(ref.tarball_url, "https://", 8) ||
				       !strncmp(ref.tarball_url, "http://", 7)));
	FUZZ_CHECK(!ref.integrity || ref.integrity[0]);
	FUZZ_CHECK(!ref.shasum || ref.shasum[0]);
	if (ref.integrity) {
		err[0] = '\0';
		if (integrity_check(packument_fuzz_file, ref.integrity, err, sizeof(err)) < 0)
			FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
	}
	pkg_ref_release(&ref);
	FUZZ_CHECK(packument_fuzz_zero(&ref));
}

int fuzz_packument(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t linelen = nl ? (size_t)(nl - data) : 0;
	char *line, *name = NULL, *want = NULL;
	char err[512];
	json_t *packument;

	if (!packument_fuzz_file) {
		packument_fuzz_file = xasprintf("%s/pkg.tgz", fuzz_tmpdir("packument"));
		FUZZ_CHECK(fs_write_file(packument_fuzz_file, "tarball\n", 8) == 0);
	}
	if (!nl || memchr(data, '\0', linelen))
		return 0;
	line = xstrndup((const char *)data, linelen);
	packument = json_loadb((const char *)nl + 1, size - linelen - 1, 0, NULL);
	err[0] = '\0';
	if (pkgspec_parse(line, &name, &want, err, sizeof(err)) == 0) {
		FUZZ_CHECK(name && want && !pkgjson_name_problem(name));
		if (packument)
			packument_fuzz_pick(packument, name, want);
	} else {
		FUZZ_CHECK(!name && !want);
		FUZZ_CHECK(err[0] != '\0' && !strchr(err, '\n'));
		if (packument)
			packument_fuzz_pick(packument, "pkg", line);
	}
	json_decref(packument);
	free(name);
	free(want);
	free(line);
	return 0;
}

FUZZ_MAIN(packument)
