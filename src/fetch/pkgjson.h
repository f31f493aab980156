/* Reading a package's package.json: the fields snare needs to decide what
 * to run (lifecycle scripts, bin entries, the entry point). */
#ifndef SNARE_FETCH_PKGJSON_H
#define SNARE_FETCH_PKGJSON_H

#include <stdbool.h>
#include <stddef.h>

/* Largest package.json accepted. */
#define PKGJSON_MAX_BYTES (16u << 20)

struct pkg_kv {
	char *key;
	char *value;
};

struct pkgjson {
	char *name, *version, *description, *main; /* owned, NULL if absent or not a string */
	bool is_module;				   /* "type": "module" */
	bool has_binding_gyp;			   /* binding.gyp present next to package.json */
	struct pkg_kv *scripts;			   /* all string-valued scripts, in file order */
	size_t nscripts;
	struct pkg_kv *bin; /* "bin" as a string (key: the name without its scope) or object */
	size_t nbin;
	struct pkg_kv *deps; /* dependencies, then optionalDependencies: name -> spec */
	size_t ndeps;
	size_t ndeps_required; /* deps[0..ndeps_required) are "dependencies", the rest optional */
	char *exports_main;    /* "exports" resolved for "." (see pkgjson_load()); else NULL */
};

/* Reads |dir|/package.json into |pj|, which is always initialised, so
 * pkgjson_release() is safe after a failure too.  package.json must be a
 * regular file (not a symlink) of at most PKGJSON_MAX_BYTES holding a JSON
 * object with a valid string "name" and a string "version".  Fields of the
 * wrong type are treated as absent, as npm does.  |deps| lists
 * dependencies, then optionalDependencies; a name in both appears once, in
 * the second part with the optional spec (npm's rule).
 * "exports" is resolved for "." when it is a string, a string array, or a
 * conditions object ("require", then "import", "node", "default", a nested
 * object at most 4 deep).  Returns 0, or -1 with one line in |err|, e.g.
 * "package.json in 'dir' is not valid JSON: line 3: ...". */
int pkgjson_load(const char *dir, struct pkgjson *pj, char *err, size_t errlen);

/* Returns the script called |name|, or NULL. */
const char *pkgjson_script(const struct pkgjson *pj, const char *name);

/* Frees everything |pj| owns and zeroes it. */
void pkgjson_release(struct pkgjson *pj);

/* Returns NULL when |name| is a valid npm package name, else why not
 * ("name cannot contain spaces").  The rules are validate-npm-package-name's
 * for old packages: at most 214 bytes, no leading '.' or '_', only
 * URL-friendly characters (a "@scope/" prefix aside); capitals are allowed. */
const char *pkgjson_name_problem(const char *name);

#endif
