/* The phases, step by step, the way npm would run them:
 *   install: preinstall, install (or "node-gyp rebuild" when binding.gyp is
 *            there and no install script is), postinstall of every
 *            dependency, then of the package itself;
 *   prepare: preprepare, prepare, postprepare of the package: what npm
 *            runs when it installs it from git or a local directory;
 *   import:  require() of the package (import() for ES modules), then each
 *            bin with --help;
 *   execute: the harness (src/run/harness/index.js, the project's
 *            index.js) loads every entry point and calls what they export,
 *            continued by a fresh process when a call hangs or ends its
 *            own; then a later load of the package in a fresh process.
 * Lifecycle scripts run as "sh -c <script>" in the package directory with
 * npm's environment (npm_lifecycle_event, npm_package_name, INIT_CWD, PATH
 * with node_modules/.bin ...), as a child of the launcher
 * (src/run/harness/launcher.js): a node process in the project, with the
 * user's environment, titled "npm install" as npm titles itself, so that
 * the script's parent is what npm's would be (its cmdline, comm and exe).
 * The tracer hides the launcher (TRACER_LAUNCHER): the report shows the
 * shell and what it runs, as init's child. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch/pkgjson.h"
#include "run/internal.h"
#include "run/run.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#define NPM_CLI "/usr/lib/node_modules/npm/bin/npm-cli.js"
/* The command the user ran: npm's title, and npm_command (npm sets it in
 * its own environment, which scripts inherit). */
#define NPM_COMMAND "install"
#define NODE_GYP_BIN "/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin"
/* Fresh processes that continue a walk cut short by a call. */
#define EXECUTE_RESUMES 6

static struct run_step *add_step(struct run_result *res, enum phase_id phase,
				 const struct pkgjson *pj, const char *script, const char *command,
				 char **argv, char **envp, const char *cwd, bool target)
{
	res->steps = xrealloc(res->steps, (res->nsteps + 1) * sizeof(*res->steps));
	struct run_step *s = &res->steps[res->nsteps++];
	memset(s, 0, sizeof(*s));
	s->phase = phase;
	s->package = xstrdup(pj->name);
	s->version = xstrdup(pj->version);
	s->script = xstrdup(script);
	s->command = xstrdup(command);
	s->target = target;
	s->sb.argv = argv;
	s->sb.envp = envp;
	s->sb.cwd = xstrdup(cwd);
	return s;
}

static char **base_env(const struct run_options *opts, const struct run_result *res,
		       const char *path_prefix)
{
	struct strvec sv = STRVEC_INIT;
	char **idenv = identity_env(&res->id);

	for (char **e = idenv; *e; e++) {
		if (!strncmp(*e, "PATH=", 5) && path_prefix)
			strvec_pushf(&sv, "PATH=%s:%s", path_prefix, *e + 5);
		else
			strvec_push(&sv, *e);
	}
	identity_env_free(idenv);
	for (char **e = opts->extra_env; e && *e; e++)
		strvec_push(&sv, *e);
	return strvec_argv(&sv);
}

static char **lifecycle_env(const struct run_options *opts, const struct run_result *res,
			    const struct pkgjson *pj, const char *event, const char *script,
			    const char *pkg_in, const char *app_in)
{
	char prefix[8192];
	struct strvec sv = STRVEC_INIT;
	char **env;

	snprintf(prefix, sizeof(prefix), "%s/node_modules/.bin:%s/node_modules/.bin:%s", pkg_in,
		 app_in, NODE_GYP_BIN);
	env = base_env(opts, res, prefix);
	for (char **e = env; *e; e++)
		strvec_push_nodup(&sv, *e);
	free(env);
	strvec_pushf(&sv, "npm_lifecycle_event=%s", event);
	strvec_pushf(&sv, "npm_lifecycle_script=%s", script);
	strvec_pushf(&sv, "npm_package_name=%s", pj->name);
	strvec_pushf(&sv, "npm_package_version=%s", pj->version);
	strvec_pushf(&sv, "npm_package_json=%s/package.json", pkg_in);
	strvec_pushf(&sv, "npm_config_user_agent=npm/%s node/%s linux x64 workspaces/false",
		     res->npm_version, res->node_version);
	strvec_pushf(&sv, "npm_config_local_prefix=%s", app_in);
	strvec_push(&sv, "npm_config_global_prefix=/usr");
	strvec_push(&sv, "npm_config_prefix=/usr");
	strvec_pushf(&sv, "npm_config_cache=%s/.npm", res->id.home);
	strvec_pushf(&sv, "npm_config_userconfig=%s/.npmrc", res->id.home);
	strvec_push(&sv, "npm_config_globalconfig=/usr/etc/npmrc");
	strvec_push(&sv, "npm_config_init_module="
			 "/dev/null");
	strvec_push(
		&sv,
		"npm_config_node_gyp=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
	strvec_push(&sv, "npm_config_noproxy=");
	strvec_push(&sv, "npm_node_execpath=/usr/bin/node");
	strvec_push(&sv, "npm_execpath=" NPM_CLI);
	strvec_push(&sv, "NODE=/usr/bin/node");
	strvec_push(&sv, "COLOR=0");
	strvec_push(&sv, "npm_command=" NPM_COMMAND);
	strvec_pushf(&sv, "INIT_CWD=%s", app_in);
	return strvec_argv(&sv);
}

/* The launcher's file, relative to the project: "." and letters then
 * ".cjs" (CommonJS whatever the project's package.json says).  Its length
 * makes the launcher's arguments ("/usr/bin/node FILE") as long as npm's
 * when a user types "npm install": /usr/bin/npm runs through its
 * "#!/usr/bin/env node" line as "node /usr/bin/npm install", and the title
 * npm writes over those arguments leaves the rest of their length zeroed,
 * which /proc/PID/cmdline shows. */
static char *launcher_file(const struct run_result *res)
{
	size_t len = sizeof("node") + sizeof("/usr/bin/npm") + sizeof(NPM_COMMAND) -
		     sizeof("/usr/bin/node") - 1;
	uint64_t h = 1469598103934665603ULL;
	char *f = xmalloc(len + 1);

	for (const char *p = res->id.canaries[0].value; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ res->nsteps) * 1099511628211ULL;
	f[0] = '.';
	for (size_t i = 1; i < len - 4; i++, h /= 36)
		f[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[h % 36];
	memcpy(f + len - 4, ".cjs", 5);
	return f;
}

/* The launcher's settings: the title and the script's shell, with |env|.
 * JSON holds UTF-8 only: a variable that is not (from --env) is left out;
 * the script and the paths come from package.json, which is. */
static char *launcher_config(const char *script, char **env, const char *cwd)
{
	json_t *e = json_array();

	for (char **v = env; *v; v++) {
		json_t *s = json_string(*v);
		if (s)
			json_array_append_new(e, s);
	}
	json_t *cfg = json_pack("{s:s, s:[s, s, s], s:o, s:s}", "title", "npm " NPM_COMMAND, "argv",
				"/bin/sh", "-c", script, "env", e, "cwd", cwd);
	char *out = cfg ? json_dumps(cfg, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(cfg);
	return out ? out : xstrdup("{}");
}

static void plan_lifecycle(const struct run_options *opts, struct run_result *res,
			   const struct pkgjson *pj, const char *pkg_in, const char *app_in,
			   bool target, enum phase_id phase)
{
	static const char *const install[] = {"preinstall", "install", "postinstall", NULL};
	static const char *const prepare[] = {"preprepare", "prepare", "postprepare", NULL};

	for (const char *const *e = phase == PHASE_PREPARE ? prepare : install; *e; e++) {
		const char *ev = *e;
		const char *script = pkgjson_script(pj, ev);
		if (!script && !strcmp(ev, "install") && pj->has_binding_gyp &&
		    !pkgjson_script(pj, "preinstall"))
			script = "node-gyp rebuild";
		if (!script || !*script)
			continue;
		struct strvec argv = STRVEC_INIT;
		char *file = launcher_file(res);
		char **env = lifecycle_env(opts, res, pj, ev, script, pkg_in, app_in);
		strvec_push(&argv, "/usr/bin/node");
		strvec_push(&argv, file);
		/* npm itself runs with the user's environment, in the project */
		struct run_step *s = add_step(res, phase, pj, ev, script, strvec_argv(&argv),
					      base_env(opts, res, NULL), app_in, target);
		s->launcher = true;
		s->launcher_file = file;
		s->launcher_config = launcher_config(script, env, pkg_in);
		identity_env_free(env);
	}
}

/* One harness step: "node index.js" in the project, as its own start
 * script would run it, with |config| for the harness. */
static struct run_step *harness_step(const struct run_options *opts, struct run_result *res,
				     const struct pkgjson *pj, const char *app_in,
				     enum phase_id phase, const char *script, const char *mode,
				     json_t *extra)
{
	struct strvec argv = STRVEC_INIT;
	json_t *cfg = json_pack("{s:s, s:s}", "mode", mode, "name", pj->name);
	char prefix[8192];

	if (extra)
		json_object_update(cfg, extra);
	json_decref(extra);
	strvec_push(&argv, "/usr/bin/node");
	strvec_push(&argv, HARNESS_APP_FILE);
	snprintf(prefix, sizeof(prefix), "%s/node_modules/.bin", app_in);
	struct run_step *s =
		add_step(res, phase, pj, script, "node " HARNESS_APP_FILE, strvec_argv(&argv),
			 base_env(opts, res, prefix), app_in, true);
	s->harness = s->sb.harness = true;
	s->harness_config = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cfg);
	return s;
}

/* execute: the walk, its continuations, then the later load. */
static void plan_execute(const struct run_options *opts, struct run_result *res,
			 const struct pkgjson *pj, const char *app_in)
{
	harness_step(opts, res, pj, app_in, PHASE_EXECUTE, "execute", "execute", NULL);
	for (int i = 0; i < EXECUTE_RESUMES; i++)
		harness_step(opts, res, pj, app_in, PHASE_EXECUTE, "execute", "execute", NULL)
			->resume = true;
	harness_step(opts, res, pj, app_in, PHASE_EXECUTE, "later-load", "later", NULL);
}

/* browser: the package's browser entry in the page, with the run's
 * canaries in its fields, storage and wallet. */
static void plan_browser(const struct run_options *opts, struct run_result *res,
			 const struct pkgjson *pj, const char *app_in)
{
	const struct canary *k = res->id.canaries;
	size_t len;
	const char *page = harness_page_source(&len);
	char email[128];

	snprintf(email, sizeof(email), "%s@gmail.com", res->id.user);
	json_t *extra =
		json_pack("{s:s%, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}}", "page", page, len,
			  "values", "card_number", k[CANARY_CARD_NUMBER].value, "web_password",
			  k[CANARY_WEB_PASSWORD].value, "web_session", k[CANARY_WEB_SESSION].value,
			  "wallet_address", k[CANARY_WALLET_ADDRESS].value, "wallet_seed",
			  k[CANARY_WALLET_SEED].value, "email", email, "name", res->id.fullname);
	harness_step(opts, res, pj, app_in, PHASE_BROWSER, "browser", "browser", extra);
}

/* Every package directory under node_modules (scoped ones too), sorted. */
static void list_packages(const char *nm, struct strvec *out)
{
	struct dirent **ents;
	int n = scandir(nm, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		char sub[4096];
		if (d[0] == '.') {
			free(ents[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", nm, d);
		if (d[0] == '@') {
			struct dirent **se;
			int m = scandir(sub, &se, NULL, alphasort);
			for (int j = 0; j < m; j++) {
				if (se[j]->d_name[0] != '.')
					strvec_pushf(out, "%s/%s", d, se[j]->d_name);
				free(se[j]);
			}
			if (m >= 0)
				free(se);
		} else {
			strvec_push(out, d);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int run_plan(const struct run_options *opts, struct run_result *res, char *err, size_t errlen)
{
	char app[4096], app_in[4096], nm[4096], dir[8192], pkg_in[8192];
	struct strvec pkgs = STRVEC_INIT;
	struct pkgjson pj;

	snprintf(app, sizeof(app), "%s/app", res->workdir);
	snprintf(app_in, sizeof(app_in), "%s/projects/app", res->id.home);
	snprintf(nm, sizeof(nm), "%s/node_modules", app);
	list_packages(nm, &pkgs);

	/* Dependencies first, then the package. */
	for (size_t i = 0; i < pkgs.n; i++) {
		if (!strcmp(pkgs.v[i], res->name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", nm, pkgs.v[i]);
		char e2[256];
		if (pkgjson_load(dir, &pj, e2, sizeof(e2)) == 0) {
			snprintf(pkg_in, sizeof(pkg_in), "%s/node_modules/%s", app_in, pkgs.v[i]);
			plan_lifecycle(opts, res, &pj, pkg_in, app_in, false, PHASE_INSTALL);
		}
		pkgjson_release(&pj);
	}
	strvec_clear(&pkgs);

	snprintf(dir, sizeof(dir), "%s/%s", nm, res->name);
	if (pkgjson_load(dir, &pj, err, errlen) < 0) {
		pkgjson_release(&pj);
		return -1;
	}
	snprintf(pkg_in, sizeof(pkg_in), "%s/node_modules/%s", app_in, res->name);
	plan_lifecycle(opts, res, &pj, pkg_in, app_in, true, PHASE_INSTALL);
	plan_lifecycle(opts, res, &pj, pkg_in, app_in, true, PHASE_PREPARE);

	/* import: the harness in its import mode, as "node index.js" */
	harness_step(opts, res, &pj, app_in, PHASE_IMPORT, "import", "import", NULL);
	for (size_t i = 0; i < pj.nbin && i < 8; i++) {
		struct strvec argv = STRVEC_INIT;
		char host_file[8192], in_file[8192], head[2] = "";
		snprintf(host_file, sizeof(host_file), "%s/%s", dir, pj.bin[i].value);
		snprintf(in_file, sizeof(in_file), "%s/%s", pkg_in, pj.bin[i].value);
		FILE *f = fopen(host_file, "re");
		if (!f)
			continue;
		if (fread(head, 1, 2, f) != 2)
			head[0] = '\0';
		fclose(f);
		if (head[0] == '#' && head[1] == '!') {
			strvec_push(&argv, in_file);
		} else {
			strvec_push(&argv, "/usr/bin/node");
			strvec_push(&argv, in_file);
		}
		strvec_push(&argv, "--help");
		char *script = xasprintf("bin:%s", pj.bin[i].key);
		char *cmd = xasprintf("%s --help", pj.bin[i].key);
		char prefix[8192];
		snprintf(prefix, sizeof(prefix), "%s/node_modules/.bin", app_in);
		add_step(res, PHASE_IMPORT, &pj, script, cmd, strvec_argv(&argv),
			 base_env(opts, res, prefix), app_in, true);
		free(script);
		free(cmd);
	}
	if (opts->run_cmd) {
		struct strvec argv = STRVEC_INIT;
		strvec_push(&argv, "/bin/sh");
		strvec_push(&argv, "-c");
		strvec_push(&argv, opts->run_cmd);
		char prefix[8192];
		snprintf(prefix, sizeof(prefix), "%s/node_modules/.bin", app_in);
		add_step(res, PHASE_IMPORT, &pj, "run", opts->run_cmd, strvec_argv(&argv),
			 base_env(opts, res, prefix), app_in, true);
	}
	plan_execute(opts, res, &pj, app_in);
	plan_browser(opts, res, &pj, app_in);
	pkgjson_release(&pj);
	return 0;
}
