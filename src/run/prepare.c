/* Preparing the target outside the sandbox: no package code runs here.
 * Registry downloads are verified against dist.integrity; tarballs are
 * unpacked by unpack_tarball(), which refuses anything that would write
 * outside the work directory; dependencies are installed by npm with
 * --ignore-scripts, from the registry only (git and remote URLs are cut
 * off), and recorded when they could not be. */
#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "depstore/depstore.h"
#include "fetch/hash.h"
#include "fetch/pkgjson.h"
#include "fetch/registry.h"
#include "fetch/unpack.h"
#include "run/run.h"
#include "static/static.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#define NPM_DEPS_TIMEOUT_S 300

static void add_dep(struct dep_info **v, size_t *n, const char *name, const char *spec,
		    const char *reason)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct dep_info){xstrdup(name), xstrdup(spec), xstrdup(reason)};
}

static void add_unresolved(struct run_result *res, const char *name, const char *spec,
			   const char *reason)
{
	add_dep(&res->unresolved, &res->nunresolved, name, spec, reason);
}

/* |scopes|: "@scope" of the dependencies; when a registry is given, each
 * is sent there too, whatever the user's npmrc says about the scope.
 * |hosts|: other hosts npm may reach (remote dependencies' tarballs). */
static int run_npm(const char *cwd, const char *registry, bool offline, const char *logpath,
		   const struct strvec *scopes, const struct strvec *hosts)
{
	struct strvec argv = STRVEC_INIT;
	char *host = NULL;
	const char *reg = registry ? registry : "https://registry.npmjs.org";
	pid_t pid;
	int status = -1;

	/* Everything but the registry host goes to a dead proxy on loopback. */
	const char *h = strstr(reg, "://");
	host = xstrdup(h ? h + 3 : reg);
	host[strcspn(host, "/:")] = '\0';
	strvec_push(&argv, "npm");
	strvec_push(&argv, "install");
	strvec_push(&argv, "--ignore-scripts");
	strvec_push(&argv, "--no-audit");
	strvec_push(&argv, "--no-fund");
	strvec_push(&argv, "--no-package-lock");
	strvec_push(&argv, "--omit=dev");
	strvec_push(&argv, "--loglevel=error");
	strvec_push(&argv, "--no-update-notifier");
	strvec_push(&argv, "--git=/bin/false");
	if (offline)
		strvec_push(&argv, "--offline");
	strvec_pushf(&argv, "--registry=%s", reg);
	for (size_t i = 0; registry && i < scopes->n; i++)
		strvec_pushf(&argv, "--%s:registry=%s", scopes->v[i], reg);
	strvec_push(&argv, "--proxy=http://127.0.0.1:9");
	strvec_push(&argv, "--https-proxy=http://127.0.0.1:9");
	struct strbuf noproxy;
	strbuf_init(&noproxy, 0);
	strbuf_addstr(&noproxy, host);
	for (size_t i = 0; i < hosts->n; i++)
		strbuf_addf(&noproxy, ",%s", hosts->v[i]);
	strvec_pushf(&argv, "--noproxy=%s", noproxy.buf);
	strbuf_release(&noproxy);
	if (hosts->n) {
		strvec_push(&argv, "--fetch-timeout=30000");
		strvec_push(&argv, "--fetch-retries=0");
	}
	free(host);

	pid_t parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* npm dies with snare, in a process group of its own that a
		 * stop kills whole. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(126);
		setpgid(0, 0);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || nul < 0 || chdir(cwd) < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp("npm", strvec_argv(&argv));
		_exit(127);
	}
	strvec_clear(&argv);
	if (pid < 0)
		return -1;
	setpgid(pid, pid);
	for (int i = 0; i < NPM_DEPS_TIMEOUT_S * 10 && !run_stop_pending(); i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(100000);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return run_stop_pending() ? 130 : 124;
}

/* Moves each entry of |from| into |to|, replacing decoys of the same name;
 * at the top level (|top|), scope directories and .bin are merged one level
 * down instead.  Recursive one level deep at most. */
// NOLINTNEXTLINE(misc-no-recursion)
static int move_modules(const char *from, const char *to, const char *skip, bool top)
{
	DIR *d = opendir(from);
	struct dirent *de;
	char s[4096], t[4096];
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".bin") != 0)
			continue;
		snprintf(s, sizeof(s), "%s/%s", from, de->d_name);
		snprintf(t, sizeof(t), "%s/%s", to, de->d_name);
		if (top && (de->d_name[0] == '@' || !strcmp(de->d_name, ".bin"))) {
			fs_mkdir_p(t, 0755);
			r = move_modules(s, t, skip, false);
			continue;
		}
		if (skip && !strcmp(de->d_name, skip))
			continue;
		fs_rm_rf(t);
		if (rename(s, t) < 0)
			r = -errno;
	}
	closedir(d);
	return r;
}

static bool dep_present(const char *node_modules, const char *name)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s/package.json", node_modules, name);
	return stat(p, &st) == 0;
}

/* What npm installed, not what was asked: a required dependency missing
 * is a degradation, an optional one it skipped or a remote one it could
 * not download is listed as not installed.  Returns how many are there. */
static size_t count_installed(struct run_result *res, const char *node_modules, json_t *deps,
			      json_t *optional, json_t *remote, bool store)
{
	const char *name;
	json_t *spec;
	size_t n = 0;

	json_object_foreach (deps, name, spec) {
		if (dep_present(node_modules, name))
			n++;
		else
			run_degrade(res, "dependencies",
				    "%s did not install the dependency '%s' (%s)",
				    store ? "the store" : "npm", name, json_string_value(spec));
	}
	json_object_foreach (optional, name, spec) {
		if (dep_present(node_modules, name))
			n++;
		else
			add_unresolved(res, name, json_string_value(spec),
				       store ? "optional, not installed by the store (another "
					       "platform, or it failed)"
					     : "optional, not installed by npm (another platform, "
					       "or it failed)");
	}
	json_object_foreach (remote, name, spec) {
		if (dep_present(node_modules, name))
			n++;
		else
			add_unresolved(res, name, json_string_value(spec),
				       "remote: npm could not download it");
	}
	return n;
}

static uint64_t tree_size;

static int size_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		tree_size += (uint64_t)st->st_size;
	return 0;
}

/* The sandbox copies a project of up to half its 1 GiB tmpfs and binds a
 * larger one (src/sandbox/mount.c): files linked from the store are only
 * ever seen as copies when the project stays well under that. */
#define PROJECT_COPY_BYTES (448ULL << 20)

/* The dependencies from the store (src/depstore): true when they are in
 * |app|/node_modules; false, with the reason in the result, when npm must
 * prepare them. */
static bool store_deps(const struct pkgjson *pj, const struct run_options *opts,
		       struct run_result *res, const char *app, json_t *deps, json_t *optional,
		       size_t n)
{
	struct depstore_dep *dv;
	struct depstore_stats st;
	char stage[4096], to[4096], pkg[4096], err[1024];
	const char *name;
	json_t *spec;
	size_t k = 0;

	if (opts->no_dep_store)
		return false;
	dv = xcalloc(n, sizeof(*dv));
	json_object_foreach (deps, name, spec)
		dv[k++] = (struct depstore_dep){name, json_string_value(spec), false};
	json_object_foreach (optional, name, spec)
		dv[k++] = (struct depstore_dep){name, json_string_value(spec), true};
	snprintf(pkg, sizeof(pkg), "%s/node_modules/%s", app, pj->name);
	tree_size = 0;
	nftw(pkg, size_cb, 32, FTW_PHYS);
	struct depstore_options so = {
		.dir = opts->dep_store,
		.registry = opts->registry,
		.offline = opts->npm_offline,
		.link_max_bytes =
			tree_size < PROJECT_COPY_BYTES ? PROJECT_COPY_BYTES - tree_size : 1,
	};
	if (opts->progress) {
		char count[32];

		snprintf(count, sizeof(count), "%zu", n);
		opts->progress(opts->progress_arg, STAGE_DEPS, count, 0);
	}
	snprintf(stage, sizeof(stage), "%s/deps/node_modules", res->workdir);
	int r = depstore_install(&so, dv, n, pj->name, pj->version, stage, &st, err, sizeof(err));
	free(dv);
	if (r < 0) {
		snprintf(stage, sizeof(stage), "%s/deps", res->workdir);
		fs_rm_rf(stage);
		res->deps_fallback =
			xasprintf("%s%s", r == DEPSTORE_DISK_FULL ? "disk full: " : "", err);
		log_info("dependencies from npm, not the store: %s", res->deps_fallback);
		return false;
	}
	log_debug("store: %zu packages, %zu extracted, %zu repaired, %zu files copied", st.packages,
		  st.filled, st.repaired, st.copied);
	snprintf(to, sizeof(to), "%s/node_modules", app);
	res->ndeps_installed = count_installed(res, stage, deps, optional, NULL, true);
	move_modules(stage, to, NULL, true);
	res->deps_prepared_by = "store";
	return true;
}

static void install_deps(const struct pkgjson *pj, const struct run_options *opts,
			 struct run_result *res, const char *app)
{
	json_t *root = json_object(), *deps = json_object(), *optional = json_object();
	json_t *remote = json_object();
	char dir[4096], path[4096], logp[4096], to[4096], rhost[256];
	struct strvec scopes = STRVEC_INIT, hosts = STRVEC_INIT;
	size_t n = 0;

	for (size_t i = 0; i < pj->ndeps; i++) {
		const char *name = pj->deps[i].key, *spec = pj->deps[i].value;
		char *url = NULL;
		if (pkgjson_name_problem(name)) {
			add_unresolved(res, name, spec, "invalid package name");
		} else if (!depstore_spec_supported(spec) && opts->fetch_remote_deps &&
			   (url = static_remote_tarball(spec, rhost, sizeof(rhost)))) {
			/* optional to npm: one that cannot be fetched does not
			 * keep the others from being installed */
			json_object_set_new(remote, name, json_string(url));
			add_dep(&res->fetched, &res->nfetched, name, spec, url);
			strvec_push(&hosts, rhost);
			free(url);
			n++;
		} else if (!depstore_spec_supported(spec)) {
			add_unresolved(res, name, spec,
				       opts->fetch_remote_deps
					       ? "not a registry dependency, nor a tarball URL or "
						 "GitHub repository"
					       : "not a registry dependency");
		} else {
			/* Optional ones stay optional, so npm skips another
			 * platform's package (EBADPLATFORM) or one that fails,
			 * and installs the rest, as it does for a real install. */
			json_object_set_new(i < pj->ndeps_required ? deps : optional, name,
					    json_string(spec));
			n++;
			if (name[0] == '@')
				strvec_push_nodup(&scopes, xstrndup(name, strcspn(name, "/")));
		}
	}
	if (!n || (!json_object_size(remote) &&
		   store_deps(pj, opts, res, app, deps, optional,
			      json_object_size(deps) + json_object_size(optional))))
		goto out;
	res->deps_prepared_by = "npm";
	json_object_set_new(root, "name", json_string("snare-deps"));
	json_object_set_new(root, "version", json_string("1.0.0"));
	json_object_set_new(root, "private", json_true());
	json_object_set(root, "dependencies", deps);
	json_t *manifest_optional = json_deep_copy(optional);
	json_object_update(manifest_optional, remote);
	json_object_set_new(root, "optionalDependencies", manifest_optional);
	snprintf(dir, sizeof(dir), "%s/deps", res->workdir);
	snprintf(path, sizeof(path), "%s/package.json", dir);
	snprintf(logp, sizeof(logp), "%s/npm-deps.log", res->workdir);
	fs_mkdir_p(dir, 0755);
	if (json_dump_file(root, path, JSON_INDENT(2)) < 0) {
		res->deps_error = xstrdup("cannot write the dependency manifest");
		run_degrade(res, "npm", "%s", res->deps_error);
		goto out;
	}
	if (opts->progress) {
		char count[32];

		snprintf(count, sizeof(count), "%zu",
			 json_object_size(deps) + json_object_size(optional) +
				 json_object_size(remote));
		opts->progress(opts->progress_arg, STAGE_DEPS, count, 0);
	}
	int st = run_npm(dir, opts->registry, opts->npm_offline, logp, &scopes, &hosts);
	if (st != 0) {
		size_t len = 0;
		char *log = fs_read_file(logp, 1 << 20, &len);
		char *line = log ? strstr(log, "npm error") : NULL;
		if (line)
			line[strcspn(line, "\n")] = '\0';
		res->deps_error =
			xasprintf("npm install of %zu dependencies failed (status %d)%s%s", n, st,
				  line ? ": " : "", line ? line : "");
		run_degrade(res, run_text_disk_full(log) ? "disk_full" : "npm", "%s",
			    res->deps_error);
		free(log);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/node_modules", dir);
	snprintf(to, sizeof(to), "%s/node_modules", app);
	res->ndeps_installed = count_installed(res, path, deps, optional, remote, false);
	move_modules(path, to, NULL, true);
out:
	json_decref(root);
	json_decref(deps);
	json_decref(optional);
	json_decref(remote);
	strvec_clear(&scopes);
	strvec_clear(&hosts);
}

/* npm links bins into node_modules/.bin and makes them executable. */
static void link_bins(const struct pkgjson *pj, const char *app)
{
	char bindir[4096], link[4096], target[4096], file[4096];

	snprintf(bindir, sizeof(bindir), "%s/node_modules/.bin", app);
	fs_mkdir_p(bindir, 0755);
	for (size_t i = 0; i < pj->nbin; i++) {
		if (strchr(pj->bin[i].key, '/') || pj->bin[i].key[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", bindir, pj->bin[i].key);
		snprintf(target, sizeof(target), "../%s/%s", pj->name, pj->bin[i].value);
		snprintf(file, sizeof(file), "%s/node_modules/%s/%s", app, pj->name,
			 pj->bin[i].value);
		unlink(link);
		if (symlink(target, link) < 0)
			continue;
		chmod(file, 0755);
	}
}

static int fetch_registry(const char *target, const struct run_options *opts,
			  struct run_result *res, char *tgz, size_t tgzlen, char *err,
			  size_t errlen)
{
	struct pkg_ref ref = {0};
	char cached[4096];

	if (registry_resolve(opts->registry, target, &ref, err, errlen) < 0)
		return -1;
	res->integrity = ref.integrity ? xstrdup(ref.integrity) : NULL;
	char *flat = xstrdup(ref.name);
	for (char *p = flat; *p; p++)
		if (*p == '/')
			*p = '-';
	if (opts->cache_dir && fs_mkdir_p(opts->cache_dir, 0755) == 0) {
		snprintf(cached, sizeof(cached), "%s/%s-%s.tgz", opts->cache_dir, flat,
			 ref.version);
		if (access(cached, R_OK) == 0 &&
		    (ref.integrity ? integrity_check(cached, ref.integrity, err, errlen) : -1) ==
			    0) {
			snprintf(tgz, tgzlen, "%s", cached);
			goto done;
		}
	} else {
		snprintf(cached, sizeof(cached), "%s/%s-%s.tgz", res->workdir, flat, ref.version);
	}
	if (registry_download(&ref, cached, err, errlen) < 0) {
		free(flat);
		pkg_ref_release(&ref);
		return -1;
	}
	snprintf(tgz, tgzlen, "%s", cached);
done:
	free(flat);
	pkg_ref_release(&ref);
	return 0;
}

/* Targets npm takes that snare does not: git repositories and URLs.  A
 * URL's tarball has no registry integrity to check and no name the store
 * could key it by, and a repository would have to be cloned and built;
 * downloading it yourself and giving the file or directory keeps both
 * steps in view. */
static const struct {
	const char *prefix, *what, *hint;
} unsupported[] = {
	{"github:", "a GitHub repository", "clone it and give the directory"},
	{"gitlab:", "a GitLab repository", "clone it and give the directory"},
	{"bitbucket:", "a Bitbucket repository", "clone it and give the directory"},
	{"gist:", "a gist", "clone it and give the directory"},
	{"git+", "a git repository", "clone it and give the directory"},
	{"git:", "a git repository", "clone it and give the directory"},
	{"ssh:", "a git repository", "clone it and give the directory"},
	{"http:", "a URL", "download it and give the .tgz"},
	{"https:", "a URL", "download it and give the .tgz"},
	{"file:", "a file: spec", "give the path itself"},
	{"npm:", "an npm alias", "give the real name[@version]"},
};

/* -1 with the message when |target| is one of them (and no such file). */
static int check_supported(const char *target, char *err, size_t errlen)
{
	struct stat st;

	if (stat(target, &st) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (!strncmp(target, unsupported[i].prefix, strlen(unsupported[i].prefix))) {
			errbuf_set(err, errlen,
				   "'%s' is %s; snare scans a registry package "
				   "(name[@version]), a local .tgz or a directory (%s)",
				   target, unsupported[i].what, unsupported[i].hint);
			return -1;
		}
	return 0;
}

int run_prepare(const char *target, const struct run_options *opts, struct run_result *res,
		char *err, size_t errlen)
{
	char app[4096], pkgdir[4096], dest[4096], tgz[4096];
	struct pkgjson pj;
	struct stat st;
	int r = -1;

	if (check_supported(target, err, errlen) < 0)
		return -1;
	snprintf(app, sizeof(app), "%s/app", res->workdir);
	if (project_populate(app, &res->id) < 0) {
		errbuf_set(err, errlen, "cannot create the project in '%s': %s", app,
			   strerror(errno));
		return -1;
	}
	snprintf(pkgdir, sizeof(pkgdir), "%s/pkg", res->workdir);

	if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
		res->source_type = xstrdup("directory");
		if (pkgjson_load(target, &pj, err, errlen) < 0)
			goto out_pj;
		int c = fs_copy_tree(target, pkgdir, UNPACK_MAX_TOTAL_BYTES);
		if (c < 0) {
			errbuf_set(err, errlen, "cannot copy '%s': %s", target, strerror(-c));
			goto out_pj;
		}
	} else {
		if (stat(target, &st) == 0) {
			res->source_type = xstrdup("tarball");
			snprintf(tgz, sizeof(tgz), "%s", target);
		} else if (strstr(target, ".tgz") || strstr(target, ".tar") || target[0] == '.' ||
			   (strchr(target, '/') && target[0] != '@')) {
			errbuf_set(err, errlen, "cannot read '%s': %s", target, strerror(errno));
			return -1;
		} else {
			res->source_type = xstrdup("registry");
			if (opts->progress)
				opts->progress(opts->progress_arg, STAGE_FETCH, target, 0);
			if (fetch_registry(target, opts, res, tgz, sizeof(tgz), err, errlen) < 0)
				return -1;
		}
		char sha1[41];
		if (hash_file(tgz, res->sha256, res->sha512, sha1) < 0) {
			errbuf_set(err, errlen, "cannot read '%s': %s", tgz, strerror(errno));
			return -1;
		}
		if (mkdir(pkgdir, 0755) < 0) {
			errbuf_set(err, errlen, "cannot create '%s': %s", pkgdir, strerror(errno));
			return -1;
		}
		if (unpack_tarball(tgz, pkgdir, NULL, err, errlen) < 0)
			return -1;
		if (pkgjson_load(pkgdir, &pj, err, errlen) < 0)
			goto out_pj;
	}
	res->source = xstrdup(target);
	res->name = xstrdup(pj.name);
	res->version = xstrdup(pj.version);

	/* Into node_modules/<name>, replacing a decoy of the same name. */
	snprintf(dest, sizeof(dest), "%s/node_modules/%s", app, pj.name);
	fs_rm_rf(dest);
	char *slash = strrchr(dest, '/');
	*slash = '\0';
	fs_mkdir_p(dest, 0755);
	*slash = '/';
	if (rename(pkgdir, dest) < 0) {
		errbuf_set(err, errlen, "cannot install '%s' into the project: %s", pj.name,
			   strerror(errno));
		goto out_pj;
	}
	res->static_info = static_scan(dest);
	link_bins(&pj, app);
	install_deps(&pj, opts, res, app);
	r = 0;
out_pj:
	pkgjson_release(&pj);
	return r;
}
