/* The job queue: detonations waiting in a PostgreSQL database (the same
 * one as the shared results store), claimed by any number of workers.
 *
 * A job is a target for "snare scan" (a name@version, a tarball, a
 * directory).  A worker claims the next pending one with FOR UPDATE SKIP
 * LOCKED, which sets it running under a lease (the worker's name and a
 * deadline) that the worker renews while the detonation runs.  A job
 * whose lease expired (its worker was killed, its machine lost) is claimed
 * again by the next worker; after |max_attempts| claims it is failed with
 * the reason instead, so that a job that kills its workers stops.  Finish
 * and renew name the worker and the attempt: a worker that lost its lease
 * cannot finish a job that another one took over.
 *
 *   queue_open("postgresql://db/snare", &q, ...);
 *   queue_add(q, "left-pad@1.3.0", 0, &added, ...);
 *   queue_claim(q, "host:123", 60, &job, ...);   1: |job| is ours
 *   queue_renew(q, &job, 60, ...);               every lease/3
 *   queue_finish(q, &job, "benign", NULL, ...);  done
 *   queue_close(q); */
#ifndef SNARE_QUEUE_H
#define SNARE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

/* The format of the queue's tables (row 'queue' of snare_meta). */
#define QUEUE_FORMAT 1
/* Claims of one job before it is failed (a job that kills workers). */
#define QUEUE_MAX_ATTEMPTS 3

struct queue;

struct queue_job {
	long long id;
	char *target;
	char *worker;
	int attempt; /* 1 for the first claim */
};

struct queue_failure {
	long long id;
	char *target;
	int attempts;
	char *error;
};

struct queue_status {
	long long pending, running, done, failed;
	long long done_1m, done_5m, done_15m; /* finished in the last minutes */
	double median_secs;		      /* of the jobs done in the last 15 minutes */
	struct queue_failure *failures;	      /* the newest, at most |nfailures| */
	size_t nfailures;
};

/* Connects to the database of |url| (libpq's URI) and creates the queue's
 * tables when absent.  0, or -1 with one line in |err|:
 *   "cannot open queue 'postgresql://h/db': connection refused"
 *   "queue 'postgresql://h/db' has format 7; this snare reads format 1" */
int queue_open(const char *url, struct queue **out, char *err, size_t errlen);
void queue_close(struct queue *q); /* NULL ok */

/* Re-establishes a lost connection.  0, or -1 with |err|. */
int queue_reconnect(struct queue *q, char *err, size_t errlen);
/* Whether the last failure was a lost connection (retry after
 * queue_reconnect) rather than a refused statement. */
bool queue_lost(const struct queue *q);

/* Enqueues |target| with |priority| (higher first) unless the same
 * target is already pending or running (|*added| false).  0 or -1. */
int queue_add(struct queue *q, const char *target, int priority, bool *added, char *err,
	      size_t errlen);

/* Fails the jobs whose lease expired after their last attempt, then
 * claims the next job for |worker| with a lease of |lease_secs|.  1 and
 * |j| filled, 0 when nothing is pending, -1 with |err|. */
int queue_claim(struct queue *q, const char *worker, unsigned lease_secs, struct queue_job *j,
		char *err, size_t errlen);

/* Extends the lease of |j|.  1, 0 when the job is no longer ours, -1. */
int queue_renew(struct queue *q, const struct queue_job *j, unsigned lease_secs, char *err,
		size_t errlen);

/* Ends |j|: done with |label| when |error| is NULL; else, with |retry|
 * and attempts left, pending again, or failed with |error|.  1, 0 when
 * the job is no longer ours, -1. */
int queue_finish(struct queue *q, const struct queue_job *j, const char *label, const char *error,
		 bool retry, char *err, size_t errlen);

/* Counts, throughput and the newest failures (at most |max_failures|). */
int queue_get_status(struct queue *q, size_t max_failures, struct queue_status *st, char *err,
		     size_t errlen);
void queue_status_release(struct queue_status *st);

/* Puts every failed job back to pending with no attempts.  The number in
 * |*n|.  0 or -1. */
int queue_retry(struct queue *q, long long *n, char *err, size_t errlen);

void queue_job_release(struct queue_job *j); /* NULL ok; zeroes |j| */

/* The follower's checkpoint of |feed| (newly allocated).  1, 0 when it
 * has none, -1. */
int queue_follow_checkpoint(struct queue *q, const char *feed, char **seq, char *err,
			    size_t errlen);
/* In one transaction: records |versions| of |name| as seen, enqueues
 * "name@version" for those never seen before (|*added|), and moves the
 * checkpoint of |feed| to |seq|.  n may be 0 (a deleted package: only the
 * checkpoint moves).  0 or -1. */
int queue_follow_apply(struct queue *q, const char *feed, const char *seq, const char *name,
		       const char *const *versions, size_t n, long long *added, char *err,
		       size_t errlen);

/* The follower (follow.c): reads the registry's CouchDB changes feed
 * (<feed>/_changes?since=SEQ&limit=N, as npm's replication endpoint
 * serves it), fetches the packument of each changed package from the
 * registry and enqueues its new versions, keeping the checkpoint in the
 * database: a restart resumes where it stopped, nothing is enqueued twice.
 * Starts at the checkpoint, else at |since|, else at "now".  SIGTERM or
 * SIGINT stop it between changes. */
struct follow_opts {
	const char *url;      /* the database */
	const char *registry; /* packuments */
	const char *feed;     /* the changes feed; NULL: |registry| */
	const char *since;    /* used when there is no checkpoint */
	bool once;	      /* return once the feed has nothing new */
	unsigned poll_ms;     /* between reads of a feed that had nothing new */
	unsigned limit;	      /* changes per read */
};

/* 0, or -1 with one line in |err| (the database, a malformed feed). */
int follow_run(const struct follow_opts *o, char *err, size_t errlen);

#endif

/* A worker (worker.c): claims jobs and detonates each in a child "snare
 * scan -q -o FILE --store URL -- TARGET" (the child looks the package up
 * in the shared store and records its verdict there), |jobs| at a time;
 * renews the leases while they run; marks each job done with its verdict's
 * label, or pending again / failed with the child's last error line.  A
 * lost database connection is re-established with backoff (1 s doubling
 * to 30 s) while the children run on; their results are written once it is
 * back.  SIGTERM or SIGINT: no new claims, the running jobs end, then 0; a
 * second one stops the children (their jobs go back to pending). */
struct worker_opts {
	const char *url;	/* the database */
	unsigned jobs;		/* children at once, 1 to 64 */
	unsigned lease_secs;	/* lease of a claim (renewed every third of it) */
	const char *self;	/* the snare binary for the children; NULL: /proc/self/exe */
	char *const *scan_args; /* more options for each child, NULL-terminated; may be NULL */
	bool drain;		/* return once nothing is pending or running */
	unsigned poll_ms;	/* between claims while the queue is empty */
};

/* 0 (stopped by a signal, or drained), or -1 with |err| (the database
 * could not be opened). */
int worker_run(const struct worker_opts *o, char *err, size_t errlen);
