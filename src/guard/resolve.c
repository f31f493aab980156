/* What npm would install: the project's lockfile when it already says so
 * (npm ci; a plain npm install whose lockfile is in sync with
 * package.json), else the lockfile "npm install --package-lock-only
 * --ignore-scripts" writes in a scratch copy of the project (package.json,
 * the lockfiles, .npmrc).  Nothing here writes to the project. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "guard/internal.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/strvec.h"
#include "util/xalloc.h"

/* The files of the project npm reads to resolve an install. */
static const char *const project_files[] = {"package.json", "package-lock.json",
					    "npm-shrinkwrap.json", ".npmrc"};

/* Dependency maps of package.json that the lockfile's root entry records. */
static const char *const dep_fields[] = {"dependencies", "devDependencies", "optionalDependencies",
					 "peerDependencies"};

/* npm options that point npm at another directory or at workspaces: the
 * scratch resolution would write there, so they are refused. */
static const char *const refused_options[] = {
	"--prefix", "-C", "--workspace", "-w", "--workspaces", "--ws", "--include-workspace-root"};

#define NPMRC_MAX (1 << 20)
#define NPM_LOG "npm-resolve.log"

static bool exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	bool ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* |dir|/npm-shrinkwrap.json, else |dir|/package-lock.json (npm's order),
 * newly allocated; NULL when there is neither. */
static char *npm_lockfile(const char *dir)
{
	if (exists(dir, "npm-shrinkwrap.json"))
		return xasprintf("%s/npm-shrinkwrap.json", dir);
	if (exists(dir, "package-lock.json"))
		return xasprintf("%s/package-lock.json", dir);
	return NULL;
}

/* The value of "registry = URL" on one .npmrc line, or NULL. */
static char *npmrc_registry(const char *line, size_t len)
{
	const char *end = line + len, *eq;

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if ((size_t)(end - line) < 9 || strncmp(line, "registry", 8) != 0)
		return NULL;
	for (eq = line + 8; eq < end && (*eq == ' ' || *eq == '\t'); eq++)
		;
	if (eq == end || *eq != '=')
		return NULL;
	for (eq++; eq < end && (*eq == ' ' || *eq == '\t'); eq++)
		;
	return eq < end ? xstrndup(eq, (size_t)(end - eq)) : NULL;
}

char *guard_registry(const char *project, const char *opt)
{
	char *path, *text, *found = NULL;
	size_t len;

	if (opt)
		return xstrdup(opt);
	path = xasprintf("%s/.npmrc", project);
	text = fs_read_file(path, NPMRC_MAX, &len);
	free(path);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *v = npmrc_registry(line, n);

		if (v) { /* the last one wins, as in npm */
			free(found);
			found = v;
		}
		line = nl ? nl + 1 : line + n;
	}
	free(text);
	return found;
}

/* The object |field| of |o|, an empty object when it is absent. */
static bool same_field(const json_t *a, const json_t *b, const char *field)
{
	json_t *x = json_object_get(a, field), *y = json_object_get(b, field);
	bool empty_x = !x || (json_is_object(x) && !json_object_size(x));
	bool empty_y = !y || (json_is_object(y) && !json_object_size(y));

	return (empty_x && empty_y) || json_equal(x, y);
}

bool guard_lock_in_sync(const char *project)
{
	char *pj_path = xasprintf("%s/package.json", project), *lock_path = npm_lockfile(project);
	json_t *pj = json_load_file(pj_path, 0, NULL);
	json_t *lock = lock_path ? json_load_file(lock_path, 0, NULL) : NULL;
	json_t *root = json_object_get(json_object_get(lock, "packages"), "");
	bool ok = pj && json_is_object(root) && !json_object_get(pj, "workspaces") &&
		  json_integer_value(json_object_get(lock, "lockfileVersion")) >= 2;

	for (size_t i = 0; ok && i < sizeof(dep_fields) / sizeof(dep_fields[0]); i++)
		ok = same_field(pj, root, dep_fields[i]);
	json_decref(pj);
	json_decref(lock);
	free(pj_path);
	free(lock_path);
	return ok;
}

static bool is_global(const char *arg)
{
	return !strcmp(arg, "-g") || !strcmp(arg, "--global") || !strcmp(arg, "--location=global");
}

/* Whether npm install's arguments name packages (anything not an option). */
static bool names_packages(char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (args[i][0] != '-')
			return true;
	return false;
}

static bool any_global(char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_global(args[i]))
			return true;
	return false;
}

/* Copies |name| from |from| to |to| when it exists.  0 or -1 with |err|. */
static int copy_file(const char *from, const char *to, const char *name, char *err, size_t errlen)
{
	char *src = xasprintf("%s/%s", from, name), *dst = xasprintf("%s/%s", to, name);
	size_t len;
	char *data = fs_read_file(src, 64u << 20, &len);
	int ret = 0, r;

	if (!data && errno != ENOENT) {
		errbuf_set(err, errlen, "cannot read '%s': %s", src, strerror(errno));
		ret = -1;
	} else if (data && (r = fs_write_file(dst, data, len)) < 0) {
		errbuf_set(err, errlen, "cannot write '%s': %s", dst, strerror(-r));
		ret = -1;
	}
	free(data);
	free(src);
	free(dst);
	return ret;
}

/* The scratch project: a copy of the project's npm files, or (npx, a
 * global install) a package.json of its own.  0 or -1 with |err|. */
static int fill_scratch(const struct guard_opts *o, const char *dir, bool own, char *err,
			size_t errlen)
{
	static const char pj[] = "{\"name\": \"snare-guard\", \"version\": \"0.0.0\", "
				 "\"private\": true}\n";
	char *p;
	int r;

	if (!own) {
		for (size_t i = 0; i < sizeof(project_files) / sizeof(project_files[0]); i++)
			if (copy_file(o->project, dir, project_files[i], err, errlen) < 0)
				return -1;
		return 0;
	}
	if (copy_file(o->project, dir, ".npmrc", err, errlen) < 0)
		return -1;
	p = xasprintf("%s/package.json", dir);
	r = fs_write_file(p, pj, sizeof(pj) - 1);
	if (r < 0)
		errbuf_set(err, errlen, "cannot write '%s': %s", p, strerror(-r));
	free(p);
	return r < 0 ? -1 : 0;
}

/* npm install --package-lock-only ... with the user's arguments (but
 * -g), ours placed before a "--". */
static void npm_argv(const struct guard_opts *o, const char *registry, struct strvec *sv)
{
	size_t dash = o->nargs;

	for (size_t i = 0; i < o->nargs; i++)
		if (!strcmp(o->args[i], "--")) {
			dash = i;
			break;
		}
	strvec_push(sv, "npm");
	strvec_push(sv, "install");
	for (size_t i = 0; i < dash; i++)
		if (!is_global(o->args[i]))
			strvec_push(sv, o->args[i]);
	strvec_push(sv, "--package-lock-only");
	strvec_push(sv, "--ignore-scripts");
	strvec_push(sv, "--no-audit");
	strvec_push(sv, "--no-fund");
	strvec_push(sv, "--loglevel=error");
	if (registry)
		strvec_pushf(sv, "--registry=%s", registry);
	for (size_t i = dash; i < o->nargs; i++)
		strvec_push(sv, o->args[i]);
}

/* The text of an npm error line ("npm error " from npm 10 on, "npm ERR! "
 * before), or NULL for other lines and for the code and log-file ones. */
static const char *npm_error_text(const char *line)
{
	static const char *const prefixes[] = {"npm error ", "npm ERR! "};
	static const char *const skip[] = {"code ", "A complete log", "errno "};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(line, prefixes[i], n) != 0)
			continue;
		for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			if (!strncmp(line + n, skip[k], strlen(skip[k])))
				return NULL;
		return line + n;
	}
	return NULL;
}

/* The line of npm's log that says what went wrong, into |out|: its first
 * error line, else its last line. */
static void npm_failure(const char *log, char *out, size_t len)
{
	size_t n;
	char *text = fs_read_file(log, 1 << 20, &n);
	const char *found = NULL;

	snprintf(out, len, "no output");
	for (char *line = text; line && *line && !found;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		found = npm_error_text(line);
		if (*line && !found)
			snprintf(out, len, "%s", line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	if (found)
		snprintf(out, len, "%s", found);
	free(text);
}

/* Runs |argv| in |dir| with its output in |dir|/NPM_LOG.  Its exit
 * status (0 ok), or -1 with |err| when it could not run. */
static int run_npm(char **argv, const char *dir, char *err, size_t errlen)
{
	char *log = xasprintf("%s/" NPM_LOG, dir);
	int status = 0, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		errbuf_set(err, errlen, "cannot run npm: %s", strerror(errno));
		free(log);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		/* snare's main() blocks SIGCHLD; npm must see its children end */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || in < 0 || chdir(dir) < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "cannot run npm: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char why[512];

		npm_failure(log, why, sizeof(why));
		errbuf_set(err, errlen, "npm could not resolve the install (exit %d): %s",
			   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), why);
		status = -1;
	}
	free(log);
	return status;
}

/* A new directory in $TMPDIR, or NULL with |err|. */
static char *make_scratch(char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/snare-guard-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		errbuf_set(err, errlen, "cannot make a scratch directory in '%s': %s",
			   tmp && *tmp ? tmp : "/tmp", strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static int resolve_in_scratch(const struct guard_opts *o, const char *registry, char **lockpath,
			      char **scratch, char *err, size_t errlen)
{
	bool own = o->kind == GUARD_NPX || any_global(o->args, o->nargs);
	struct strvec argv = STRVEC_INIT;
	int ret = -1;

	if (o->note)
		o->note("resolving what npm would install (npm install --package-lock-only "
			"--ignore-scripts in a scratch copy)");
	*scratch = make_scratch(err, errlen);
	if (!*scratch)
		return -1;
	if (fill_scratch(o, *scratch, own, err, errlen) < 0)
		return -1;
	npm_argv(o, registry, &argv);
	if (run_npm(strvec_argv(&argv), *scratch, err, errlen) == 0) {
		*lockpath = npm_lockfile(*scratch);
		if (*lockpath)
			ret = 0;
		else
			errbuf_set(err, errlen, "npm wrote no package-lock.json");
	}
	strvec_clear(&argv);
	return ret;
}

/* The first of |args| (before a "--") that is a refused option, or NULL. */
static const char *refused(char *const *args, size_t n)
{
	for (size_t i = 0; i < n && strcmp(args[i], "--") != 0; i++)
		for (size_t k = 0; k < sizeof(refused_options) / sizeof(refused_options[0]); k++) {
			size_t len = strlen(refused_options[k]);

			if (!strncmp(args[i], refused_options[k], len) &&
			    (args[i][len] == '\0' || args[i][len] == '='))
				return refused_options[k];
		}
	return NULL;
}

/* guard_resolve() once the arguments are known to be usable. */
static int resolve_kind(const struct guard_opts *o, const char *registry, char **lockpath,
			char **scratch, char *err, size_t errlen)
{
	char *pj = xasprintf("%s/package.json", o->project);
	json_t *doc = json_load_file(pj, 0, NULL);
	bool workspaces = json_object_get(doc, "workspaces") != NULL;

	json_decref(doc);
	free(pj);
	if (o->kind == GUARD_CI) {
		*lockpath = npm_lockfile(o->project);
		if (!*lockpath)
			errbuf_set(
				err, errlen,
				"npm ci needs a package-lock.json or npm-shrinkwrap.json in '%s'",
				o->project);
		return *lockpath ? 0 : -1;
	}
	if (o->kind == GUARD_INSTALL && !names_packages(o->args, o->nargs) &&
	    !any_global(o->args, o->nargs) && guard_lock_in_sync(o->project)) {
		*lockpath = npm_lockfile(o->project);
		return 0;
	}
	if (o->kind == GUARD_INSTALL && workspaces && !any_global(o->args, o->nargs)) {
		errbuf_set(err, errlen,
			   "'%s' uses npm workspaces, which snare npm install cannot resolve yet "
			   "(snare npm ci and snare audit read its lockfile)",
			   o->project);
		return -1;
	}
	return resolve_in_scratch(o, registry, lockpath, scratch, err, errlen);
}

int guard_resolve(const struct guard_opts *o, const char *registry, char **lockpath, char **scratch,
		  char *err, size_t errlen)
{
	const char *bad = o->kind == GUARD_NPX ? NULL : refused(o->args, o->nargs);

	*lockpath = NULL;
	*scratch = NULL;
	if (bad) {
		errbuf_set(err, errlen,
			   "npm's %s is not supported by snare npm (run it in the project's "
			   "directory, without workspaces)",
			   bad);
		return -1;
	}
	return resolve_kind(o, registry, lockpath, scratch, err, errlen);
}
