#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util/errbuf.h"
#include "fetch/pkgjson.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* How deep "exports" conditions are followed for ".". */
#define EXPORTS_MAX_DEPTH 4

/* encodeURIComponent() leaves exactly these alone. */
static bool url_friendly(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-_.!~*'()", c)))
			return false;
	}
	return true;
}

const char *pkgjson_name_problem(const char *name)
{
	size_t len = strlen(name);
	const char *slash;

	if (!len)
		return "name cannot be empty";
	if (len > 214)
		return "name cannot be longer than 214 characters";
	if (name[0] == '.')
		return "name cannot start with a period";
	if (name[0] == '_')
		return "name cannot start with an underscore";
	if (strpbrk(name, " \t\n\r\f\v"))
		return "name cannot contain spaces";
	if (!strcmp(name, "node_modules") || !strcmp(name, "favicon.ico"))
		return "name is reserved";
	if (name[0] == '@') {
		slash = strchr(name, '/');
		if (!slash || slash == name + 1 || !slash[1] || strchr(slash + 1, '/'))
			return "scoped name must look like '@scope/name'";
		if (!url_friendly(name + 1, (size_t)(slash - name - 1)) ||
		    !url_friendly(slash + 1, strlen(slash + 1)))
			return "name can only contain URL-friendly characters";
		return NULL;
	}
	if (!url_friendly(name, len))
		return "name can only contain URL-friendly characters";
	return NULL;
}

struct kv_list {
	struct pkg_kv *v;
	size_t n;
	size_t alloc;
};

static void kv_add(struct kv_list *l, const char *key, const char *value)
{
	xgrow(&l->v, &l->alloc, l->n + 1, sizeof(*l->v));
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value);
	l->n++;
}

/* Adds the string members of the object |obj| (anything else: nothing),
 * except those whose key is also in the object |except|. */
static void kv_add_object(struct kv_list *l, json_t *obj, json_t *except)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return;
	json_object_foreach (obj, key, val) {
		if (json_is_string(val) && !json_is_string(json_object_get(except, key)))
			kv_add(l, key, json_string_value(val));
	}
}

static char *dup_string(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* One step of resolving "exports": returns the string |v| stands for, or
 * NULL and sets |*next| to the value to look into next (NULL: give up).  An
 * array is a list of fallbacks, an object a set of conditions. */
static const char *exports_step(json_t *v, json_t **next)
{
	static const char *const conditions[] = {"require", "import", "node", "default"};
	json_t *x;
	size_t i;

	*next = NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v)) {
		json_array_foreach (v, i, x) {
			if (json_is_string(x))
				return json_string_value(x);
			if (json_is_object(x) && !*next)
				*next = x;
		}
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	for (i = 0; i < sizeof(conditions) / sizeof(conditions[0]); i++) {
		x = json_object_get(v, conditions[i]);
		if (json_is_string(x))
			return json_string_value(x);
		if ((json_is_object(x) || json_is_array(x)) && !*next)
			*next = x;
	}
	return NULL;
}

/* "." of "exports": an object whose keys start with "." maps subpaths,
 * any other value describes "." itself. */
static const char *exports_dot(json_t *exports)
{
	json_t *v = exports;
	const char *key;
	json_t *x;

	if (json_is_object(v)) {
		json_object_foreach (exports, key, x) {
			if (key[0] == '.')
				v = json_object_get(exports, ".");
			break;
		}
	}
	for (int depth = 0; v && depth < EXPORTS_MAX_DEPTH; depth++) {
		const char *s = exports_step(v, &v);

		if (s)
			return s;
	}
	return NULL;
}

/* Reads package.json from |dirfd| into a NUL-terminated buffer. */
static char *read_pkgjson(int dirfd, const char *dir, size_t *len, char *err, size_t errlen)
{
	cleanup_fd int fd = -1;
	cleanup_free char *buf = NULL;
	size_t alloc = 0;
	struct stat st;

	*len = 0;
	/* Not through a symlink, and O_NONBLOCK so a fifo cannot hang us. */
	fd = openat(dirfd, "package.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			errbuf_set(err, errlen, "cannot read '%s/package.json': it is a symlink",
				   dir);
		else
			errbuf_set(err, errlen, "cannot read '%s/package.json': %s", dir,
				   strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "cannot read '%s/package.json': not a regular file", dir);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (*len >= PKGJSON_MAX_BYTES + 1)
			break;
		xgrow(&buf, &alloc, *len + 65536 + 1, 1);
		n = read(fd, buf + *len, alloc - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errbuf_set(err, errlen, "cannot read '%s/package.json': %s", dir,
				   strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	if (*len > PKGJSON_MAX_BYTES) {
		errbuf_set(err, errlen, "package.json in '%s' is larger than %u MiB", dir,
			   PKGJSON_MAX_BYTES >> 20);
		return NULL;
	}
	buf = buf ? buf : xcalloc(1, 1);
	buf[*len] = '\0';
	return steal_pointer(&buf);
}

/* Checks the required "name" and "version".  Returns 0 or -1. */
static int check_identity(json_t *root, const char *dir, char *err, size_t errlen)
{
	json_t *name = json_object_get(root, "name");
	json_t *version = json_object_get(root, "version");
	const char *why;

	if (!name) {
		errbuf_set(err, errlen, "package.json in '%s' has no name", dir);
		return -1;
	}
	if (!json_is_string(name)) {
		errbuf_set(err, errlen, "package.json in '%s' has a name that is not a string",
			   dir);
		return -1;
	}
	why = pkgjson_name_problem(json_string_value(name));
	if (why) {
		errbuf_set(err, errlen, "package.json in '%s' has an invalid name '%s': %s", dir,
			   json_string_value(name), why);
		return -1;
	}
	if (!version || (json_is_string(version) && !json_string_length(version))) {
		errbuf_set(err, errlen, "package.json in '%s' has no version", dir);
		return -1;
	}
	if (!json_is_string(version)) {
		errbuf_set(err, errlen, "package.json in '%s' has a version that is not a string",
			   dir);
		return -1;
	}
	return 0;
}

int pkgjson_load(const char *dir, struct pkgjson *pj, char *err, size_t errlen)
{
	cleanup_fd int dirfd = -1;
	cleanup_free char *buf = NULL;
	struct kv_list scripts = {0}, bin = {0}, deps = {0};
	json_error_t jerr;
	json_t *root, *v;
	const char *text;
	struct stat st;
	size_t len;

	memset(pj, 0, sizeof(*pj));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		errbuf_set(err, errlen, "cannot read '%s/package.json': %s", dir, strerror(errno));
		return -1;
	}
	buf = read_pkgjson(dirfd, dir, &len, err, errlen);
	if (!buf)
		return -1;
	text = buf;
	/* npm strips a UTF-8 byte order mark. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	if (strspn(text, " \t\r\n") == len) {
		errbuf_set(err, errlen, "package.json in '%s' is empty", dir);
		return -1;
	}
	root = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	if (!root) {
		errbuf_set(err, errlen, "package.json in '%s' is not valid JSON: line %d: %s", dir,
			   jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		errbuf_set(err, errlen, "package.json in '%s' is not a JSON object", dir);
		json_decref(root);
		return -1;
	}
	if (check_identity(root, dir, err, errlen) < 0) {
		json_decref(root);
		return -1;
	}

	pj->name = dup_string(root, "name");
	pj->version = dup_string(root, "version");
	pj->description = dup_string(root, "description");
	pj->main = dup_string(root, "main");
	v = json_object_get(root, "type");
	pj->is_module = json_is_string(v) && !strcmp(json_string_value(v), "module");
	pj->has_binding_gyp = fstatat(dirfd, "binding.gyp", &st, AT_SYMLINK_NOFOLLOW) == 0;

	kv_add_object(&scripts, json_object_get(root, "scripts"), NULL);
	v = json_object_get(root, "bin");
	if (json_is_string(v)) {
		const char *slash = strchr(pj->name, '/');

		kv_add(&bin, slash ? slash + 1 : pj->name, json_string_value(v));
	} else {
		kv_add_object(&bin, v, NULL);
	}
	v = json_object_get(root, "optionalDependencies");
	kv_add_object(&deps, json_object_get(root, "dependencies"), v);
	pj->ndeps_required = deps.n;
	kv_add_object(&deps, v, NULL);
	text = exports_dot(json_object_get(root, "exports"));
	pj->exports_main = text ? xstrdup(text) : NULL;

	pj->scripts = scripts.v;
	pj->nscripts = scripts.n;
	pj->bin = bin.v;
	pj->nbin = bin.n;
	pj->deps = deps.v;
	pj->ndeps = deps.n;
	json_decref(root);
	return 0;
}

const char *pkgjson_script(const struct pkgjson *pj, const char *name)
{
	for (size_t i = 0; i < pj->nscripts; i++)
		if (!strcmp(pj->scripts[i].key, name))
			return pj->scripts[i].value;
	return NULL;
}

static void kv_free(struct pkg_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void pkgjson_release(struct pkgjson *pj)
{
	if (!pj)
		return;
	free(pj->name);
	free(pj->version);
	free(pj->description);
	free(pj->main);
	kv_free(pj->scripts, pj->nscripts);
	kv_free(pj->bin, pj->nbin);
	kv_free(pj->deps, pj->ndeps);
	free(pj->exports_main);
	memset(pj, 0, sizeof(*pj));
}
