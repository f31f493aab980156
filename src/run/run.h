/* A detonation: prepare the target (fetch, verify, unpack, resolve its
 * dependencies with no script run), plan the phases (install: lifecycle
 * scripts of the dependencies then of the package; import: require/import
 * and bin --help), run each step in the sandbox under the tracer with a
 * per-phase deadline, and collect everything into a run_result. */
#ifndef SNARE_RUN_H
#define SNARE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "event/event.h"
#include "sandbox/identity.h"
#include "sandbox/sandbox.h"
#include "trace/trace.h"
#include "util/strbuf.h"

/* The phases, in the order they run: install (lifecycle scripts), prepare
 * (what a git or local install would also run), import (require and bin
 * --help), execute (the package's API called by the harness, then a later
 * load), browser (the browser entry in a browser-like global). */
enum phase_id {
	PHASE_INSTALL,
	PHASE_PREPARE,
	PHASE_IMPORT,
	PHASE_EXECUTE,
	PHASE_BROWSER,
	PHASE_COUNT
};

/* The stages a detonation reports to run_options.progress. */
enum run_stage {
	STAGE_FETCH,   /* downloading the package from the registry */
	STAGE_DEPS,    /* npm installs its dependencies (no scripts) */
	STAGE_SANDBOX, /* building the sandbox */
	STAGE_PHASE,   /* a phase with steps starts */
};

enum step_state { STEP_NOT_RUN, STEP_OK, STEP_FAILED, STEP_TIMEOUT, STEP_ERROR };

struct run_step {
	struct sandbox_step sb;
	enum phase_id phase;
	char *package, *version;
	char *script;  /* "preinstall", ..., "import", "bin:<name>" */
	char *command; /* the script's text or the command line */
	bool target;   /* the package under analysis, not a dependency */
	/* Gets the harness channel (fd SANDBOX_HARNESS_FD) and, when it
	 * starts, |harness_config| (JSON) on it. */
	bool harness;
	char *harness_config;
	/* A continuation of the step before (same entry point): runs only
	 * when that one was cut short by a call, and resumes after it. */
	bool resume;
	bool harness_done; /* the harness walked all it meant to */
	/* Runs under the launcher (src/run/harness/launcher.js), which looks
	 * like npm to the script: |sb| starts it (node, titled as npm, with
	 * npm's own environment, in the project), and it runs the script's
	 * shell with |launcher_config| (JSON: title, argv, env, cwd).  It is
	 * written as |launcher_file| in the project when the step starts. */
	bool launcher;
	char *launcher_file, *launcher_config;
	enum step_state state;
	int status;	     /* exit code, or -signal */
	bool status_pending; /* the root outlived its kill's grace period */
	uint64_t t_start, t_end;
};

struct phase_result {
	enum step_state state; /* worst of its steps; STEP_NOT_RUN if it had none */
	uint64_t t_start, t_end;
	unsigned timeout_ms;
	struct strbuf out, err; /* bounded */
	uint64_t out_bytes, err_bytes;
};

/* A call the harness made (execute: an export called; browser: its
 * calls), from its begin and end messages on the harness channel. */
enum call_outcome {
	CALL_RETURNED, /* returned, or its promise settled */
	CALL_THREW,    /* threw, or its promise rejected */
	CALL_PENDING,  /* its promise was still pending at the per-call bound */
	CALL_TIMEOUT,  /* still running at the per-call or phase bound: the step was killed */
	CALL_CRASHED,  /* its process ended during it (process.exit, a crash, out of memory) */
};

struct harness_call {
	int step;
	int index;   /* the harness's own numbering within its entry point */
	char *path;  /* "Wallet.fromSecret()", "require(pkg/sub)" */
	char *entry; /* the entry point loaded: "pkg", "pkg/sub" */
	char *args;  /* the argument profile: "none", "url", "req,res,next", ... */
	char *error; /* the exception's message, or NULL */
	enum call_outcome outcome;
	bool ended;
	uint64_t t_start, t_end; /* run clock, from the harness's CLOCK_MONOTONIC */
};

/* Any other message the harness sent (the browser phase's hooks, ...):
 * kept as is, with its step and time. */
struct harness_note {
	int step;
	uint64_t t_us;
	json_t *msg;
};

struct run_options {
	enum profile profile;
	unsigned timeout_ms[PHASE_COUNT];
	const char *workdir; /* parent of the run's work directory; NULL: $TMPDIR or /tmp */
	const char *registry;
	const char *cache_dir; /* tarball cache; NULL: none */
	const char *geo;
	bool keep_workdir;
	unsigned long long seed;
	char **extra_env;    /* NULL-terminated, appended to every step's environment */
	const char *run_cmd; /* extra import-phase step: sh -c CMD in the project */
	unsigned max_pids;   /* the sandbox's process and thread limit; 0: 1024 */
	bool npm_offline;    /* dependencies from npm's cache only */
	/* The dependency store (src/depstore): NULL, the default directory;
	 * |no_dep_store|: npm prepares the dependencies. */
	const char *dep_store;
	bool no_dep_store;
	bool no_tls_intercept;	  /* the sink answers TLS with an alert instead of terminating it */
	bool no_trace;		  /* a baseline for benchmarks: the same steps in the sandbox
				   * with no tracer, netsink or interception; no behaviour */
	unsigned call_timeout_ms; /* the harness's per-call bound; 0: 2000 */
	/* Download the package's tarball-URL and GitHub dependencies outside
	 * the sandbox with the registry ones (npm --ignore-scripts: nothing
	 * runs), so that they are detonated with it. */
	bool fetch_remote_deps;
	/* Called as each stage that can take a while starts (NULL: none), for
	 * a progress line: STAGE_FETCH and STAGE_DEPS come before the input is
	 * known to be good; |detail| is the package, the number of
	 * dependencies or the phase's name; |timeout_ms| a phase's deadline. */
	void (*progress)(void *arg, enum run_stage stage, const char *detail, unsigned timeout_ms);
	void *progress_arg;
};

struct dep_info {
	char *name, *spec, *reason;
};

/* Something that kept the detonation from judging the package fully
 * (degraded.c lists the kinds). */
struct degradation {
	char *kind, *detail;
};

struct run_result {
	/* the package */
	char *name, *version;
	char *source_type; /* "directory", "tarball", "registry" */
	char *source;
	char sha256[65], sha512[89];
	char *integrity; /* registry's dist.integrity, verified */
	/* dependencies */
	size_t ndeps_installed;
	struct dep_info *unresolved; /* not fetched: git, url, file specs */
	size_t nunresolved;
	struct dep_info *fetched; /* remote ones fetched (fetch_remote_deps): reason is the URL */
	size_t nfetched;
	char *deps_error;
	const char *deps_prepared_by; /* "store", "npm", or NULL: nothing to prepare */
	char *deps_fallback;	      /* why the store was not used, or NULL */
	struct degradation *degraded; /* at most one per kind */
	size_t ndegraded;
	json_t *static_info; /* static_scan() of the package's own files */
	/* environment */
	struct identity id;
	char node_version[32], npm_version[32];
	struct sandbox_limits limits;
	struct sandbox_enforced enforced;
	/* what happened */
	struct run_step *steps;
	size_t nsteps;
	struct phase_result phases[PHASE_COUNT];
	struct evlog log;
	struct tproc *procs;
	size_t nprocs;
	struct harness_call *calls;
	size_t ncalls;
	struct harness_note *notes;
	size_t nnotes;
	struct tracer_stats stats;
	uint64_t t_prepare_us, t_setup_us, t_teardown_us, t_cleanup_us, t_total_us;
	bool traced;	    /* false: run with no_trace, the report has no behaviour */
	int interrupted;    /* the stop signal (SIGINT, SIGTERM, SIGHUP) that ended it, or 0 */
	bool tls_intercept; /* TLS was terminated with the run's own CA */
	unsigned node_ca_patched; /* node processes given that CA */
	char workdir[4096];
};

/* Detonates |target| (a directory, a .tgz, or name[@version]).  Returns 0
 * and fills |res|; on bad input or a sandbox that cannot be built, returns
 * -1 with one line in |err| (and |res| released).
 * SIGINT, SIGTERM and SIGHUP are caught while it runs: one that comes
 * stops the detonation, which tears down everything it made (sandbox,
 * cgroups, npm, the work directory) and then raises the signal again under
 * the caller's disposition, so by default the process ends by it; with a
 * handler, it returns -1 with "interrupted by ...".  A signal the caller
 * ignores stays ignored.  It first removes what
 * killed runs left (cgroups, work directories of a dead owner). */
int run_detonate(const char *target, const struct run_options *opts, struct run_result *res,
		 char *err, size_t errlen);
void run_result_release(struct run_result *res);

/* Removes what killed runs left: cgroups of a dead snare, and work
 * directories (snare-XXXXXX, snare-batch-XXXXXX) under |base| whose owner
 * is gone, each one logged.  run_detonate() does it first. */
void run_sweep_stale(const char *base);

const char *phase_name(enum phase_id p);
const char *step_state_name(enum step_state s);
const char *call_outcome_name(enum call_outcome o);

/* prepare.c: builds |res->workdir|/app with the package in node_modules.
 * Fills name, version, source, hashes and the dependency fields. */
int run_prepare(const char *target, const struct run_options *opts, struct run_result *res,
		char *err, size_t errlen);
/* detonate.c: the stop signal that came during the detonation, or 0. */
int run_stop_pending(void);
/* degraded.c: records a degradation of |kind| (the first of each kind is
 * kept); run_check_degraded() adds those the steps and their output show,
 * after the phases.  run_text_disk_full(): |text| says ENOSPC. */
void run_degrade(struct run_result *res, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_check_degraded(struct run_result *res);
bool run_text_disk_full(const char *text);
/* plan.c: the steps for the prepared project. */
int run_plan(const struct run_options *opts, struct run_result *res, char *err, size_t errlen);

#endif
