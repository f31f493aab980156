/* The results store: one SQLite file, or one PostgreSQL database that many
 * snares share, that remembers every scan, so that a package is detonated
 * once and an audit of an unchanged project answers from here.  The path
 * chooses the back end: a "postgresql://" or "postgres://" URL (libpq's
 * connection URI) is a database, anything else a file.  Both behave the
 * same (the unit tests run against both).
 *
 * A row is keyed by (name, version, integrity, model): the package, the
 * SRI of its tarball ("sha512-<base64>", from the digest snare computed
 * itself), and the version of the model that scored it.  It holds the
 * behaviour report (zlib-compressed JSON, without its verdict), the
 * verdict, the feature and report schemas the report was made with, where
 * the tarball came from (source "registry" with the registry's URL, or
 * "tarball"), and when it was detonated and scored.  A report of another
 * model version with the same schemas can be re-scored instead of
 * detonated again.
 *
 *   store_open("results.db", &s, ...);
 *   store_get(s, &(struct store_query){.name = "x", .version = "1.0.0",
 *             .integrity = "sha512-...", .model = "5f2c..."}, &e, ...);
 *   store_put(s, &(struct store_record){.report = r, .verdict = v, ...}, ...);
 *   store_close(s); */
#ifndef SNARE_STORE_H
#define SNARE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* The format this snare writes (SQLite's user_version; the row 'results'
 * of the table snare_meta in PostgreSQL). */
#define STORE_FORMAT 1
/* Largest report kept or read back, uncompressed. */
#define STORE_MAX_REPORT_BYTES (1ULL << 30)

struct store;

struct store_query {
	const char *name, *version;
	/* An SRI "sha512-..." that must match exactly.  When NULL: with
	 * |registry|, only rows fetched from that registry; else any row. */
	const char *integrity;
	const char *registry;
	/* The model version that must have scored the row.  When NULL: any
	 * model, but the row's feature schema must be |features_schema| and
	 * its report schema |report_schema| (0 and NULL: any). */
	const char *model;
	int features_schema;
	const char *report_schema;
	bool with_report; /* also load the report (decompressed and parsed) */
};

/* A row.  All fields owned. */
struct store_entry {
	char *name, *version, *integrity, *model;
	char *source;	/* "registry" or "tarball" */
	char *registry; /* for source "registry"; else NULL */
	int features_schema;
	char *report_schema;
	char *label; /* "malicious" or "benign" */
	double probability;
	json_t *verdict;
	json_t *report;			 /* with_report only; without its verdict */
	long long scanned_at, scored_at; /* unix seconds */
};

/* What store_put() records. */
struct store_record {
	const json_t *report; /* a snare report of a tarball or registry package */
	const json_t
		*verdict;  /* {label, probability, ...} (a "verdict" member of report is ignored) */
	const char *model; /* the model version that made |verdict| */
	int features_schema;
	const char *registry; /* where a "registry" report's tarball came from */
	long long scanned_at; /* 0: now */
};

/* Whether |path| names a PostgreSQL database (postgresql:// or postgres://). */
bool store_is_url(const char *path);

/* Opens (creating when absent) the store at |path|: a file, whose directory
 * must exist, or a database URL (the tables are created in an empty
 * database).  Messages show a URL without its password.  Returns 0, or -1
 * with one line in |err|:
 *   "cannot open results store 'x.db': file is not a database"
 *   "cannot open results store 'postgresql://h/db': connection refused"
 *   "'x.db' is not a snare results store"
 *   "results store 'x.db' has format 7; this snare reads format 1"
 * With a database, a lost connection is re-established once per call
 * (a server restart between two scans is not an error). */
int store_open(const char *path, struct store **out, char *err, size_t errlen);
void store_close(struct store *s); /* NULL ok */

/* The newest matching row (rows fetched from a registry first).  Returns 1
 * and fills |e|, 0 when there is none (|e| zeroed), -1 with |err|. */
int store_get(struct store *s, const struct store_query *q, struct store_entry *e, char *err,
	      size_t errlen);

/* Records |r|, replacing the row of the same key.  The report must name
 * its package and carry its tarball's SHA-512 (a directory scan has none):
 * "cannot store the report of 'x@1.0.0': it has no tarball digest".
 * Returns 0 or -1 with |err|. */
int store_put(struct store *s, const struct store_record *r, char *err, size_t errlen);

/* Groups puts into one transaction (one sync instead of one per row).
 * 0 or -1 with |err|. */
int store_begin(struct store *s, char *err, size_t errlen);
int store_commit(struct store *s, char *err, size_t errlen);

/* Claims on detonations.  Before a batch detonates name@version it claims
 * it in the store; a concurrent snare sharing the store finds the claim,
 * waits for it to go, and then reads the verdict instead of detonating the
 * package a second time.  A claim names its process (host and pid) and
 * when it was made.  One whose process is gone (same host, no such pid)
 * or that is older than STORE_CLAIM_STALE_SECS (another host's, that
 * cannot be checked) is stale and is taken over. */
#define STORE_CLAIM_STALE_SECS 3600

struct store_claim {
	char host[256];
	long long pid, since; /* since: unix seconds */
};

/* Claims name@version for this process: 1 claimed (or already ours), 0
 * held by another live process (|holder| filled when not NULL), -1 with
 * |err|.  Not inside store_begin()/store_commit(). */
int store_claim(struct store *s, const char *name, const char *version, struct store_claim *holder,
		char *err, size_t errlen);
/* Drops this process's claim on name@version (none: nothing).  0 or -1. */
int store_unclaim(struct store *s, const char *name, const char *version, char *err, size_t errlen);
/* Whether |c| is stale at |now| (see above). */
bool store_claim_stale(const struct store_claim *c, long long now);

/* The SRI key of |report|: "sha512-" and its tarball's SHA-512, newly
 * allocated; NULL when it has none. */
char *store_report_integrity(const json_t *report);

/* $XDG_CACHE_HOME/snare/<name>, else $HOME/.cache/snare/<name>, into
 * |buf|.  0, or -1 with |err| when neither variable is set. */
int store_cache_path(const char *name, char *buf, size_t len, char *err, size_t errlen);

void store_entry_release(struct store_entry *e); /* NULL ok; zeroes |e| */

#endif
