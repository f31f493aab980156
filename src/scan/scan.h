/* The scan pipeline: package results, scoring a report into a verdict,
 * the results store seen from a scan (what it already knows, re-scoring a
 * stored report when only the model changed, recording new scans), which
 * targets need a detonation, and detonations run as child processes in
 * parallel.  The commands of src/cli parse arguments and print; this
 * module decides.  Its functions report failures in |err| (errbuf_set());
 * they print nothing on stdout and never exit. */
#ifndef SNARE_SCAN_SCAN_H
#define SNARE_SCAN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct model;
struct store;

/*
 * Results (result.c)
 */

/* PKG_PARTIAL: scanned, nothing malicious seen, but the detonation was
 * degraded (a dependency not installed, a step that could not start ...):
 * not a benign verdict. */
enum pkg_status { PKG_MALICIOUS, PKG_ERROR, PKG_NOT_SCANNED, PKG_BENIGN, PKG_PARTIAL };

enum pkg_origin {
	ORIGIN_NONE,	 /* not scored */
	ORIGIN_SCAN,	 /* detonated now */
	ORIGIN_STORE,	 /* the stored verdict of this model */
	ORIGIN_RESCORED, /* a stored report scored again by this model */
};

struct pkg_result {
	char *name;    /* NULL when unknown (a target that could not be read) */
	char *version; /* NULL when unknown */
	char *target;  /* what was or would be scanned */
	enum pkg_status status;
	enum pkg_origin origin;
	json_t *verdict;  /* malicious and benign: {label, probability, threshold, explanations} */
	char *kind;	  /* not scanned: "git", "file", ... (lock_source_name()) */
	char *reason;	  /* not scanned and error: one line */
	char *file;	  /* where it was listed: a lockfile, a targets file, a package.json */
	unsigned line;	  /* 1-based line in |file|; 0 unknown */
	char *integrity;  /* the SRI its lockfile expects (sha512 token), or NULL */
	bool interrupted; /* an error: its scan was stopped by a signal to the batch */
};

/* A copy of |s| that is valid UTF-8 (JSON and SARIF need it): when it is
 * not, every byte above 0x7f becomes '?'.  NULL for NULL. */
char *text_utf8(const char *s);

/* Sets the result's verdict (takes ownership) and its status from the
 * verdict's label. */
void pkg_result_set_verdict(struct pkg_result *r, json_t *verdict, enum pkg_origin origin);
/* Marks it an error with a one-line reason (copied). */
void pkg_result_set_error(struct pkg_result *r, const char *reason);
/* Marks it an error because the batch was interrupted before its scan
 * ended ("not scanned: interrupted"). */
void pkg_result_set_interrupted(struct pkg_result *r);
void pkg_result_release(struct pkg_result *r);

/* "name@version", or the target. */
const char *pkg_result_id(const struct pkg_result *r, char *buf, size_t len);

/* |errors| counts the interrupted ones too; |interrupted| those alone. */
struct results_summary {
	size_t total, malicious, benign, partial, errors, interrupted, not_scanned;
	size_t from_store, rescored, scanned;
};
void results_count(const struct pkg_result *r, size_t n, struct results_summary *s);

/*
 * Verdicts (verdict.c)
 */

/* The path of the model: |path|, else $SNARE_MODEL, else models/snare.json
 * beside the build (written into |buf|); NULL when none can be named. */
const char *scan_model_path(const char *path, char *buf, size_t len);

/* Scores |report|: the verdict object (see explain_verdict()), or NULL
 * with |err|.  A report with a non-empty "degraded" list is not judged
 * benign: its label is "partial" and the verdict has the list. */
json_t *scan_verdict(const struct model *m, const json_t *report, char *err, size_t errlen);

/* The SHA-256 of the file |path|, first 16 hex digits.  0 or -errno. */
int model_file_version(const char *path, char out[17]);

/*
 * The results store and the model (ctx.c)
 */

struct scan_ctx {
	char *model_path;
	char model_version[17]; /* first 16 hex digits of the model file's SHA-256 */
	struct model *model;	/* loaded when first needed */
	struct store *store;	/* NULL: no store */
	char *store_path;
	char *registry; /* normalized: no trailing '/' */
	bool in_tx;
	/* lookups answer with a partial verdict too (snare show); by default a
	 * partial row answers nothing, so that the package is scanned again */
	bool with_partial;
	/* scan_children(): detonate even what the store knows (--rescan),
	 * unless another process detonated it while this one waited */
	bool rescan;
};

/* Finds the model (|model_opt|, $SNARE_MODEL, the default) and its version,
 * and opens the store (|store_opt|, else the default path, whose directory
 * is created; none with |no_store|).  0, or -1 with |err|. */
int scan_ctx_init(struct scan_ctx *c, const char *model_opt, const char *store_opt, bool no_store,
		  const char *registry, char *err, size_t errlen);
/* The store scan_ctx_init() would open for |store_opt|: |store_opt|, else
 * $SNARE_STORE, else the default file (into |buf|); NULL when there is
 * none (no cache directory can be named).  Creates nothing. */
const char *scan_store_path(const char *store_opt, char *buf, size_t len);

/* Commits pending re-scores and frees everything. */
void scan_ctx_release(struct scan_ctx *c);
/* The model, loaded on first use; NULL with |err|. */
struct model *scan_ctx_model(struct scan_ctx *c, char *err, size_t errlen);

/* The stored verdict of name@version for the current model: by tarball
 * |integrity| (an SRI; only its sha512 token counts) when given, else the
 * newest row fetched from the context's registry (|any_source|: any row).
 * A report scored by another model with the same feature and report
 * schemas is re-scored and stored.  Returns 1 with |*verdict| (and
 * |*report| when asked; both new references) and |*origin|, 0 when there
 * is nothing usable, -1 with |err|. */
int scan_ctx_lookup(struct scan_ctx *c, const char *name, const char *version,
		    const char *integrity, bool any_source, json_t **verdict, json_t **report,
		    enum pkg_origin *origin, char *err, size_t errlen);

/* Stores a scanned |report| that carries its "verdict".  A report without
 * a tarball digest (a directory) is not stored (returns 0).  0 or -1. */
int scan_ctx_record(struct scan_ctx *c, const json_t *report, char *err, size_t errlen);

struct strvec;
/* The options a batch's child scans share: no store, the context's model
 * and registry, and the tarball cache (|cache|, else the default one). */
void scan_child_args(struct strvec *args, const struct scan_ctx *c, const char *cache);

/*
 * Scans in child processes (batch.c)
 */

struct batch_job {
	char *target; /* given to the child after "--" */
	/* results */
	int exit_code;	/* the child's: 0 benign, 1 malicious, 2 error, 3 partial; -1 it did not
			   finish */
	json_t *report; /* exit 0, 1 and 3: the report with its verdict */
	char *error;	/* otherwise: one line */
	bool finished;	/* it ran to an end, or could not start (|error|) */
	bool skipped;	/* finished without a scan: the batch's |start| said BATCH_SKIP */
	/* internal */
	pid_t pid;
	bool stopped; /* sent SIGTERM after an interruption */
	bool waiting; /* |start| said BATCH_WAIT last time */
	time_t retry_at;
	char *out_path, *err_path;
};

/* How many running targets a batch_progress names. */
#define BATCH_PROGRESS_NAMES 3

/* Where a batch is, for a progress bar. */
struct batch_progress {
	size_t done, total, running;
	size_t waiting;	  /* for another process that scans the same package */
	const char *last; /* the target that finished last; NULL: none yet, or |end| */
	/* the first running targets (the rest NULL) */
	const char *now[BATCH_PROGRESS_NAMES];
	long secs; /* since the batch started */
	bool end;  /* the last call: the batch is over */
};

/* What a batch's |start| says of a job about to start. */
enum batch_start {
	BATCH_START, /* run its scan */
	BATCH_SKIP,  /* no scan needed (|start| took care of its result) */
	BATCH_WAIT,  /* not now: ask again in about a second */
};

struct batch {
	char **args;	  /* options for every child's "snare scan", before "--"; NULL-terminated */
	unsigned jobs;	  /* children at once */
	const char *self; /* the snare binary; NULL: /proc/self/exe */
	/* called about every 250 ms while children run, and once at the end;
	 * NULL: none */
	void (*progress)(const struct batch_progress *p);
	/* called as soon as a job has finished (its results filled), before the
	 * next one starts; it may take |j->report| (set it NULL).  NULL: none */
	void (*done)(struct batch_job *j, void *arg);
	void *done_arg;
	/* called before a job starts, with a free slot (NULL: every job
	 * starts); on BATCH_SKIP the job is finished and |done| called */
	enum batch_start (*start)(struct batch_job *j, void *arg);
	void *start_arg;
	/* scan_children(): called with each package's result as soon as it
	 * is filled: |done| of |total| finished, |secs| since the start.
	 * NULL: none */
	void (*result)(const struct pkg_result *r, size_t done, size_t total, long secs, void *arg);
	void *result_arg;
};

/* Runs "snare scan -q -o FILE ARGS -- TARGET" for every job, |b->jobs| at
 * a time, and collects each child's report or one-line error.  SIGINT and
 * SIGTERM stop the children and return -1 ("interrupted").  0 or -1 with
 * |err| (jobs are filled either way). */
int batch_run(struct batch_job *jobs, size_t n, const struct batch *b, char *err, size_t errlen);
void batch_job_release(struct batch_job *j);

/* Scans the targets of the results |r[todo[0..n-1]]| in child processes
 * (batch_run()) and fills each with its verdict, recorded in the store as
 * soon as its scan ends (a killed audit keeps every verdict finished before
 * it; no report is held once stored), or with its error.  With a store,
 * each registry package is claimed there (store_claim()) before its scan
 * starts and the claim dropped when its result is in: a package another
 * process is scanning is waited for and then answered from the store, so
 * concurrent audits sharing a store detonate it once.  A registry package's report must name the
 * same package and, when the result has an |integrity|, match it.  0, or -1 with |err| when the
 * batch was interrupted (the results say what was not scanned). */
int scan_children(struct scan_ctx *c, struct pkg_result *r, const size_t *todo, size_t n,
		  const struct batch *b, char *err, size_t errlen);

/* Resolves |n| registry specs with registry_resolve(), |jobs| at a time:
 * |versions[i]| and |integrity[i]| (newly allocated, NULL when absent), or
 * |errors[i]| (one line). */
void batch_resolve(char *const *specs, size_t n, const char *registry, unsigned jobs, char **names,
		   char **versions, char **integrity, char **errors);

/* The default -j: the number of CPUs, at most 4. */
unsigned batch_default_jobs(void);

/*
 * What to detonate (plan.c)
 */

struct run_options;

/* Detonates |target| with |opts| (run_detonate()) and builds its report;
 * with a context |c| (NULL: none) the report is scored ("verdict", with
 * the context's model, which must be loaded) and recorded in the store (a
 * failure to record is logged).  The report, or NULL with |err|. */
json_t *scan_detonate(struct scan_ctx *c, const char *target, const struct run_options *opts,
		      char *err, size_t errlen);

/* A name[@version] rather than a path (run_prepare()'s rule). */
bool scan_is_registry_target(const char *target);

/* The stored report of a registry |target| with its verdict (only the
 * package and the verdict unless |full|): a tag or a range is resolved
 * first at |registry| (NULL: the default).  1 with |*report| (a new
 * reference), 0 when the store has nothing usable (no store, not a
 * registry target, a damaged row, which is logged), -1 with |err| when
 * the registry cannot resolve |target|. */
int scan_stored_report(struct scan_ctx *c, const char *target, const char *registry, bool full,
		       json_t **report, char *err, size_t errlen);

/* For targets given by the user (snare scan): fills the names and
 * versions of registry targets (resolving tags and ranges, |jobs| at a
 * time; a failure marks the result an error), answers what the store
 * knows unless |rescan|, and puts the indices of the rest in |todo|.
 * Returns how many. */
size_t scan_plan_targets(struct scan_ctx *c, struct pkg_result *r, size_t n, unsigned jobs,
			 bool rescan, size_t *todo);

/* For packages a lockfile pins (snare audit): answers what the store
 * knows unless |rescan| (a damaged row is logged and scanned again) and
 * puts the indices of the rest, except those not scanned, in |todo|.
 * Returns how many. */
size_t scan_plan_packages(struct scan_ctx *c, struct pkg_result *r, size_t n, bool rescan,
			  size_t *todo);

#endif
