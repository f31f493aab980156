/* The job queue in PostgreSQL (libpq); see queue.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "queue/queue.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

struct queue {
	PGconn *conn;
	char *url, *shown;
	bool lost;
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS snare_meta (key TEXT PRIMARY KEY, format INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS jobs ("
	" id BIGSERIAL PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" priority INTEGER NOT NULL DEFAULT 0,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'running', 'done', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" max_attempts INTEGER NOT NULL,"
	" worker TEXT,"
	" lease_until TIMESTAMPTZ,"
	" created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
	" started_at TIMESTAMPTZ,"
	" finished_at TIMESTAMPTZ,"
	" label TEXT,"
	" error TEXT);"
	/* what a claim scans: the live jobs only, in claim order */
	"CREATE INDEX IF NOT EXISTS jobs_live ON jobs (priority DESC, id)"
	" WHERE state IN ('pending', 'running');"
	/* a target is queued once while it waits or runs */
	"CREATE UNIQUE INDEX IF NOT EXISTS jobs_live_target ON jobs (target)"
	" WHERE state IN ('pending', 'running');"
	"CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;"
	/* the follower: its checkpoint per feed, and every version it saw */
	"CREATE TABLE IF NOT EXISTS follow_state (feed TEXT PRIMARY KEY, seq TEXT NOT NULL,"
	" updated_at TIMESTAMPTZ NOT NULL DEFAULT now());"
	"CREATE TABLE IF NOT EXISTS follow_versions (name TEXT NOT NULL, version TEXT NOT NULL,"
	" PRIMARY KEY (name, version));"
	"INSERT INTO snare_meta VALUES ('queue', 1) ON CONFLICT DO NOTHING;";

/* One round trip: first fails the jobs whose worker was lost after their
 * last attempt, then claims the next job (the failed ones are not
 * claimable: attempts < max_attempts). */
static const char claim_sql[] =
	"WITH swept AS (UPDATE jobs SET state = 'failed', finished_at = now(), lease_until = NULL,"
	"  error = 'its worker was lost ' || attempts || ' times (the last, ' || worker ||"
	"  ', stopped renewing its lease)'"
	"  WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts)"
	" UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, worker = $1,"
	" lease_until = now() + make_interval(secs => $2::integer), started_at = now()"
	" FROM (SELECT id FROM jobs WHERE state = 'pending'"
	"  OR (state = 'running' AND lease_until < now() AND attempts < max_attempts)"
	"  ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) c"
	" WHERE j.id = c.id RETURNING j.id, j.target, j.attempts";

static const char renew_sql[] =
	"UPDATE jobs SET lease_until = now() + make_interval(secs => $4::integer)"
	" WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'";

static const char done_sql[] =
	"UPDATE jobs SET state = 'done', label = $4, error = NULL, finished_at = now(),"
	" lease_until = NULL WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'";

static const char fail_sql[] =
	"UPDATE jobs SET state = CASE WHEN $5::boolean AND attempts < max_attempts"
	" THEN 'pending' ELSE 'failed' END, error = $4, lease_until = NULL,"
	" finished_at = CASE WHEN $5::boolean AND attempts < max_attempts THEN NULL ELSE now() END"
	" WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'";

static const char status_sql[] =
	"SELECT count(*) FILTER (WHERE state = 'pending'),"
	" count(*) FILTER (WHERE state = 'running'),"
	" count(*) FILTER (WHERE state = 'done'),"
	" count(*) FILTER (WHERE state = 'failed'),"
	" count(*) FILTER (WHERE state = 'done' AND finished_at > now() - interval '1 minute'),"
	" count(*) FILTER (WHERE state = 'done' AND finished_at > now() - interval '5 minutes'),"
	" count(*) FILTER (WHERE state = 'done' AND finished_at > now() - interval '15 minutes'),"
	" coalesce(percentile_cont(0.5) WITHIN GROUP"
	"  (ORDER BY extract(epoch FROM finished_at - started_at))"
	"  FILTER (WHERE state = 'done' AND finished_at > now() - interval '15 minutes'), 0)"
	" FROM jobs";

static const char failures_sql[] =
	"SELECT id, target, attempts, coalesce(error, '') FROM jobs WHERE state = 'failed'"
	" ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT $1";

static const char retry_sql[] =
	"UPDATE jobs SET state = 'pending', attempts = 0, error = NULL, worker = NULL,"
	" lease_until = NULL, started_at = NULL, finished_at = NULL"
	" WHERE id IN (SELECT DISTINCT ON (target) id FROM jobs f WHERE state = 'failed'"
	"  AND NOT EXISTS (SELECT 1 FROM jobs l WHERE l.target = f.target"
	"   AND l.state IN ('pending', 'running')) ORDER BY target, id DESC)";

/* The first line of libpq's message, without its "connection to server
 * ... failed: " preamble or severity. */
static void pg_message(const char *msg, char *buf, size_t len)
{
	const char *p = msg ? msg : "", *f = strstr(p, " failed: ");
	size_t n;

	if (f && !strncmp(p, "connection to server", 20))
		p = f + 9;
	if (!strncmp(p, "FATAL:  ", 8) || !strncmp(p, "ERROR:  ", 8))
		p += 8;
	n = strcspn(p, "\n");
	snprintf(buf, len, "%.*s", (int)n, p);
}

static int q_fail(struct queue *q, PGresult *res, char *err, size_t errlen, const char *what)
{
	char msg[512];
	const char *m = res ? PQresultErrorMessage(res) : "";

	q->lost = PQstatus(q->conn) == CONNECTION_BAD;
	pg_message(m && m[0] ? m : PQerrorMessage(q->conn), msg, sizeof(msg));
	if (q->lost && !msg[0])
		snprintf(msg, sizeof(msg), "the connection was lost");
	errbuf_set(err, errlen, "queue '%s': %s: %s", q->shown, what, msg);
	PQclear(res);
	return -1;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGresult *run(struct queue *q, const char *sql, int n, const char *const *v)
{
	q->lost = false;
	return PQexecParams(q->conn, sql, n, NULL, v, NULL, NULL, 0);
}

static bool ok(const PGresult *res, ExecStatusType want)
{
	return res && PQresultStatus(res) == want;
}

/* The password of a URL's user as "***". */
static char *shown_url(const char *url)
{
	const char *p = strstr(url, "://"), *at, *colon, *slash;

	if (!p)
		return xstrdup(url);
	p += 3;
	at = strchr(p, '@');
	colon = strchr(p, ':');
	slash = strchr(p, '/');
	if (!at || !colon || colon > at || (slash && slash < at))
		return xstrdup(url);
	return xasprintf("%.*s***%s", (int)(colon + 1 - url), url, at);
}

void queue_close(struct queue *q)
{
	if (!q)
		return;
	PQfinish(q->conn);
	free(q->url);
	free(q->shown);
	free(q);
}

bool queue_lost(const struct queue *q)
{
	return q->lost;
}

static int connect_db(struct queue *q, const char *verb, char *err, size_t errlen)
{
	char msg[512];

	PQfinish(q->conn);
	q->conn = PQconnectdb(q->url);
	if (!q->conn || PQstatus(q->conn) != CONNECTION_OK) {
		pg_message(q->conn ? PQerrorMessage(q->conn) : "out of memory", msg, sizeof(msg));
		errbuf_set(err, errlen, "cannot %s queue '%s': %s", verb, q->shown, msg);
		q->lost = true;
		return -1;
	}
	PQsetNoticeProcessor(q->conn, quiet, NULL);
	q->lost = false;
	return 0;
}

int queue_reconnect(struct queue *q, char *err, size_t errlen)
{
	return connect_db(q, "reconnect to", err, errlen);
}

static int check_format(struct queue *q, char *err, size_t errlen)
{
	PGresult *res;
	int format = -1;

	for (int pass = 0; pass < 2 && format < 0; pass++) {
		res = PQexec(q->conn, "SELECT (SELECT format FROM snare_meta WHERE key = 'queue')"
				      " WHERE to_regclass('snare_meta') IS NOT NULL");
		if (!ok(res, PGRES_TUPLES_OK)) {
			/* snare_meta absent: the subquery does not resolve */
			PQclear(res);
			res = NULL;
		} else if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
			format = atoi(PQgetvalue(res, 0, 0));
		}
		PQclear(res);
		if (format >= 0 || pass == 1)
			break;
		if (PQtransactionStatus(q->conn) == PQTRANS_INERROR)
			PQclear(PQexec(q->conn, "ROLLBACK"));
		PQclear(PQexec(q->conn, "BEGIN; SELECT pg_advisory_xact_lock(7262, 1);"));
		res = PQexec(q->conn, schema_sql);
		if (!ok(res, PGRES_COMMAND_OK)) {
			q_fail(q, NULL, err, errlen, "cannot create the tables");
			PQclear(res);
			PQclear(PQexec(q->conn, "ROLLBACK"));
			return -1;
		}
		PQclear(res);
		res = PQexec(q->conn, "COMMIT");
		if (!ok(res, PGRES_COMMAND_OK))
			return q_fail(q, res, err, errlen, "cannot create the tables");
		PQclear(res);
	}
	if (format != QUEUE_FORMAT) {
		errbuf_set(err, errlen, "queue '%s' has format %d; this snare reads format %d",
			   q->shown, format, QUEUE_FORMAT);
		return -1;
	}
	return 0;
}

int queue_open(const char *url, struct queue **out, char *err, size_t errlen)
{
	struct queue *q = xcalloc(1, sizeof(*q));

	*out = NULL;
	q->url = xstrdup(url);
	q->shown = shown_url(url);
	if (connect_db(q, "open", err, errlen) < 0 || check_format(q, err, errlen) < 0) {
		queue_close(q);
		return -1;
	}
	*out = q;
	return 0;
}

int queue_add(struct queue *q, const char *target, int priority, bool *added, char *err,
	      size_t errlen)
{
	char prio[16], max[16];
	const char *v[3] = {target, prio, max};
	PGresult *res;

	snprintf(prio, sizeof(prio), "%d", priority);
	snprintf(max, sizeof(max), "%d", QUEUE_MAX_ATTEMPTS);
	res = run(q,
		  "INSERT INTO jobs (target, priority, max_attempts) VALUES ($1, $2, $3)"
		  " ON CONFLICT (target) WHERE state IN ('pending', 'running') DO NOTHING",
		  3, v);
	if (!ok(res, PGRES_COMMAND_OK))
		return q_fail(q, res, err, errlen, "cannot add a job");
	*added = atoi(PQcmdTuples(res)) == 1;
	PQclear(res);
	return 0;
}

int queue_claim(struct queue *q, const char *worker, unsigned lease_secs, struct queue_job *j,
		char *err, size_t errlen)
{
	char lease[16];
	const char *v[2] = {worker, lease};
	PGresult *res;

	memset(j, 0, sizeof(*j));
	snprintf(lease, sizeof(lease), "%u", lease_secs);
	res = run(q, claim_sql, 2, v);
	if (!ok(res, PGRES_TUPLES_OK))
		return q_fail(q, res, err, errlen, "cannot claim a job");
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	j->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	j->target = xstrdup(PQgetvalue(res, 0, 1));
	j->attempt = atoi(PQgetvalue(res, 0, 2));
	j->worker = xstrdup(worker);
	PQclear(res);
	return 1;
}

/* 1 when the statement changed the job, 0 when it was no longer ours. */
static int job_update(struct queue *q, const char *sql, const struct queue_job *j,
		      const char *extra, const char *extra2, char *err, size_t errlen,
		      const char *what)
{
	char id[24], attempt[16];
	const char *v[5] = {id, j->worker, attempt, extra, extra2};
	PGresult *res;
	int n;

	snprintf(id, sizeof(id), "%lld", j->id);
	snprintf(attempt, sizeof(attempt), "%d", j->attempt);
	res = run(q, sql, extra2 ? 5 : 4, v);
	if (!ok(res, PGRES_COMMAND_OK))
		return q_fail(q, res, err, errlen, what);
	n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n == 1;
}

int queue_renew(struct queue *q, const struct queue_job *j, unsigned lease_secs, char *err,
		size_t errlen)
{
	char lease[16];

	snprintf(lease, sizeof(lease), "%u", lease_secs);
	return job_update(q, renew_sql, j, lease, NULL, err, errlen, "cannot renew a lease");
}

int queue_finish(struct queue *q, const struct queue_job *j, const char *label, const char *error,
		 bool retry, char *err, size_t errlen)
{
	if (!error)
		return job_update(q, done_sql, j, label, NULL, err, errlen, "cannot finish a job");
	return job_update(q, fail_sql, j, error, retry ? "true" : "false", err, errlen,
			  "cannot finish a job");
}

int queue_get_status(struct queue *q, size_t max_failures, struct queue_status *st, char *err,
		     size_t errlen)
{
	char lim[24];
	const char *v[1] = {lim};
	PGresult *res;
	long long *n[] = {&st->pending, &st->running, &st->done,    &st->failed,
			  &st->done_1m, &st->done_5m, &st->done_15m};

	memset(st, 0, sizeof(*st));
	res = run(q, status_sql, 0, NULL);
	if (!ok(res, PGRES_TUPLES_OK))
		return q_fail(q, res, err, errlen, "cannot read the status");
	for (int i = 0; i < 7; i++)
		*n[i] = strtoll(PQgetvalue(res, 0, i), NULL, 10);
	st->median_secs = strtod(PQgetvalue(res, 0, 7), NULL);
	PQclear(res);
	snprintf(lim, sizeof(lim), "%zu", max_failures);
	res = run(q, failures_sql, 1, v);
	if (!ok(res, PGRES_TUPLES_OK))
		return q_fail(q, res, err, errlen, "cannot read the failures");
	st->nfailures = (size_t)PQntuples(res);
	st->failures = xcalloc(st->nfailures + 1, sizeof(*st->failures));
	for (size_t i = 0; i < st->nfailures; i++) {
		st->failures[i].id = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		st->failures[i].target = xstrdup(PQgetvalue(res, (int)i, 1));
		st->failures[i].attempts = atoi(PQgetvalue(res, (int)i, 2));
		st->failures[i].error = xstrdup(PQgetvalue(res, (int)i, 3));
	}
	PQclear(res);
	return 0;
}

void queue_status_release(struct queue_status *st)
{
	for (size_t i = 0; st && i < st->nfailures; i++) {
		free(st->failures[i].target);
		free(st->failures[i].error);
	}
	if (st) {
		free(st->failures);
		memset(st, 0, sizeof(*st));
	}
}

int queue_retry(struct queue *q, long long *n, char *err, size_t errlen)
{
	PGresult *res = run(q, retry_sql, 0, NULL);

	if (!ok(res, PGRES_COMMAND_OK))
		return q_fail(q, res, err, errlen, "cannot retry the failed jobs");
	*n = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int queue_follow_checkpoint(struct queue *q, const char *feed, char **seq, char *err, size_t errlen)
{
	const char *v[1] = {feed};
	PGresult *res = run(q, "SELECT seq FROM follow_state WHERE feed = $1", 1, v);

	*seq = NULL;
	if (!ok(res, PGRES_TUPLES_OK))
		return q_fail(q, res, err, errlen, "cannot read the checkpoint");
	if (PQntuples(res) == 1)
		*seq = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *seq != NULL;
}

/* A text[] literal of |n| strings: {"a","b"} with " and \ escaped. */
static char *text_array(const char *const *items, size_t n)
{
	size_t len = 3;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(items[i]) + 3;
	out = p = xmalloc(len);
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const char *c = items[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

/* One statement, so one transaction: the versions seen, their jobs and
 * the checkpoint move together. */
static const char follow_sql[] =
	"WITH v AS (INSERT INTO follow_versions (name, version)"
	"  SELECT $2, unnest($3::text[]) ON CONFLICT DO NOTHING RETURNING name, version),"
	" j AS (INSERT INTO jobs (target, priority, max_attempts)"
	"  SELECT name || '@' || version, 0, $5::integer FROM v"
	"  ON CONFLICT (target) WHERE state IN ('pending', 'running') DO NOTHING RETURNING 1),"
	" c AS (INSERT INTO follow_state (feed, seq) VALUES ($1, $4)"
	"  ON CONFLICT (feed) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now())"
	" SELECT count(*) FROM j";

int queue_follow_apply(struct queue *q, const char *feed, const char *seq, const char *name,
		       const char *const *versions, size_t n, long long *added, char *err,
		       size_t errlen)
{
	char max[16], *arr = text_array(versions, n);
	const char *v[5] = {feed, name ? name : "", arr, seq, max};
	PGresult *res;

	snprintf(max, sizeof(max), "%d", QUEUE_MAX_ATTEMPTS);
	res = run(q, follow_sql, 5, v);
	free(arr);
	if (!ok(res, PGRES_TUPLES_OK))
		return q_fail(q, res, err, errlen, "cannot record a change");
	*added = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

void queue_job_release(struct queue_job *j)
{
	if (!j)
		return;
	free(j->target);
	free(j->worker);
	memset(j, 0, sizeof(*j));
}
