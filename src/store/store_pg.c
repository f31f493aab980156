/* The results store in a PostgreSQL database (libpq), shared by many
 * snares: the same table as the SQLite file, plus snare_meta, which holds
 * the format.  Every statement is one round trip with parameters; a
 * connection lost outside a transaction is re-established once per call. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/backend.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

struct pg {
	PGconn *conn;
	bool in_tx;
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS snare_meta (key TEXT PRIMARY KEY, format INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS results ("
	" name TEXT NOT NULL,"
	" version TEXT NOT NULL,"
	" integrity TEXT NOT NULL,"
	" model TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" registry TEXT,"
	" features_schema INTEGER NOT NULL,"
	" report_schema TEXT NOT NULL,"
	" label TEXT NOT NULL,"
	" probability DOUBLE PRECISION NOT NULL,"
	" verdict TEXT NOT NULL,"
	" report BYTEA NOT NULL,"
	" report_size BIGINT NOT NULL,"
	" scanned_at BIGINT NOT NULL,"
	" scored_at BIGINT NOT NULL,"
	" PRIMARY KEY (name, version, integrity, model));"
	"INSERT INTO snare_meta VALUES ('results', 1) ON CONFLICT DO NOTHING;";

static const char get_sql[] =
	"SELECT name, version, integrity, model, source, registry, features_schema,"
	" report_schema, label, probability, verdict, scanned_at, scored_at,"
	" CASE WHEN $8::boolean THEN report END, CASE WHEN $8::boolean THEN report_size END"
	" FROM results WHERE name = $1 AND version = $2"
	" AND ($3::text IS NULL OR integrity = $3)"
	" AND ($3::text IS NOT NULL OR $4::text IS NULL"
	"  OR (source = 'registry' AND registry = $4))"
	" AND ($5::text IS NULL OR model = $5)"
	" AND ($5::text IS NOT NULL OR $6::integer = 0 OR features_schema = $6)"
	" AND ($5::text IS NOT NULL OR $7::text IS NULL OR report_schema = $7)"
	" ORDER BY source = 'registry' DESC, scored_at DESC LIMIT 1";

static const char put_sql[] =
	"INSERT INTO results (name, version, integrity, model, source, registry,"
	" features_schema, report_schema, label, probability, verdict, report, report_size,"
	" scanned_at, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	" $13, $14, $15) ON CONFLICT (name, version, integrity, model) DO UPDATE SET"
	" source = EXCLUDED.source, registry = EXCLUDED.registry,"
	" features_schema = EXCLUDED.features_schema, report_schema = EXCLUDED.report_schema,"
	" label = EXCLUDED.label, probability = EXCLUDED.probability,"
	" verdict = EXCLUDED.verdict, report = EXCLUDED.report,"
	" report_size = EXCLUDED.report_size, scanned_at = EXCLUDED.scanned_at,"
	" scored_at = EXCLUDED.scored_at";

/* The first line of libpq's message, without its "connection to server
 * ... failed: " preamble. */
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

static int pg_fail(struct store *s, PGresult *res, char *err, size_t errlen, const char *what)
{
	struct pg *g = s->impl;
	char msg[512];

	pg_message(res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res)
						       : PQerrorMessage(g->conn),
		   msg, sizeof(msg));
	errbuf_set(err, errlen, "results store '%s': %s: %s", s->path, what, msg);
	PQclear(res);
	return -1;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* PQexecParams, again on a new connection when the old one was lost
 * outside a transaction (a restarted server). */
static PGresult *pg_exec(struct store *s, const char *sql, int n, const char *const *values,
			 const int *lengths, const int *formats)
{
	struct pg *g = s->impl;
	PGresult *res = PQexecParams(g->conn, sql, n, NULL, values, lengths, formats, 0);

	if (PQstatus(g->conn) == CONNECTION_BAD && !g->in_tx) {
		PQclear(res);
		PQreset(g->conn);
		if (PQstatus(g->conn) != CONNECTION_OK)
			return NULL;
		PQsetNoticeProcessor(g->conn, quiet, NULL);
		res = PQexecParams(g->conn, sql, n, NULL, values, lengths, formats, 0);
	}
	return res;
}

static bool ok(const PGresult *res, ExecStatusType want)
{
	return res && PQresultStatus(res) == want;
}

static void pg_close(struct store *s)
{
	struct pg *g = s->impl;

	if (!g)
		return;
	PQfinish(g->conn);
	free(g);
	s->impl = NULL;
}

static int pg_begin(struct store *s, char *err, size_t errlen)
{
	struct pg *g = s->impl;
	PGresult *res = pg_exec(s, "BEGIN", 0, NULL, NULL, NULL);

	if (!ok(res, PGRES_COMMAND_OK))
		return pg_fail(s, res, err, errlen, "cannot start a transaction");
	PQclear(res);
	g->in_tx = true;
	return 0;
}

static int pg_commit(struct store *s, char *err, size_t errlen)
{
	struct pg *g = s->impl;
	PGresult *res = PQexec(g->conn, "COMMIT");

	g->in_tx = false;
	if (!ok(res, PGRES_COMMAND_OK))
		return pg_fail(s, res, err, errlen, "cannot commit");
	PQclear(res);
	return 0;
}

static char *field(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : xstrdup(PQgetvalue(res, 0, col));
}

static int pg_get(struct store *s, const struct store_query *q, struct store_entry *e,
		  struct store_blob *b, char *err, size_t errlen)
{
	char fs[16];
	const char *v[8];
	PGresult *res;

	snprintf(fs, sizeof(fs), "%d", q->features_schema);
	v[0] = q->name;
	v[1] = q->version;
	v[2] = q->integrity;
	v[3] = q->registry;
	v[4] = q->model;
	v[5] = fs;
	v[6] = q->report_schema;
	v[7] = q->with_report ? "true" : "false";
	res = pg_exec(s, get_sql, 8, v, NULL, NULL);
	if (!ok(res, PGRES_TUPLES_OK))
		return pg_fail(s, res, err, errlen, "cannot read");
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	e->name = field(res, 0);
	e->version = field(res, 1);
	e->integrity = field(res, 2);
	e->model = field(res, 3);
	e->source = field(res, 4);
	e->registry = field(res, 5);
	e->features_schema = atoi(PQgetvalue(res, 0, 6));
	e->report_schema = field(res, 7);
	e->label = field(res, 8);
	e->probability = strtod(PQgetvalue(res, 0, 9), NULL);
	e->verdict = json_loads(PQgetvalue(res, 0, 10), 0, NULL);
	e->scanned_at = strtoll(PQgetvalue(res, 0, 11), NULL, 10);
	e->scored_at = strtoll(PQgetvalue(res, 0, 12), NULL, 10);
	if (q->with_report && !PQgetisnull(res, 0, 13)) {
		size_t n = 0;
		unsigned char *u =
			PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 13), &n);
		if (u) {
			b->data = xmalloc(n ? n : 1);
			memcpy(b->data, u, n);
			b->len = n;
			PQfreemem(u);
		}
		b->size = strtoll(PQgetvalue(res, 0, 14), NULL, 10);
	}
	PQclear(res);
	return 1;
}

static int pg_put(struct store *s, const struct store_row *r, char *err, size_t errlen)
{
	char fs[16], prob[32], size[24], scanned[24], scored[24];
	const char *v[15];
	int len[15] = {0}, fmt[15] = {0};
	PGresult *res;

	snprintf(fs, sizeof(fs), "%d", r->features_schema);
	snprintf(prob, sizeof(prob), "%.17g", r->probability);
	snprintf(size, sizeof(size), "%lld", r->report_size);
	snprintf(scanned, sizeof(scanned), "%lld", r->scanned_at);
	snprintf(scored, sizeof(scored), "%lld", r->scored_at);
	v[0] = r->name;
	v[1] = r->version;
	v[2] = r->integrity;
	v[3] = r->model;
	v[4] = r->source;
	v[5] = r->registry;
	v[6] = fs;
	v[7] = r->report_schema;
	v[8] = r->label;
	v[9] = prob;
	v[10] = r->verdict;
	v[11] = (const char *)r->report;
	len[11] = (int)r->report_len;
	fmt[11] = 1; /* bytea, binary */
	v[12] = size;
	v[13] = scanned;
	v[14] = scored;
	res = pg_exec(s, put_sql, 15, v, len, fmt);
	if (!ok(res, PGRES_COMMAND_OK))
		return pg_fail(s, res, err, errlen, "cannot write");
	PQclear(res);
	return 0;
}

/* Reads the format; creates the tables in a database that has none. */
static int check_format(struct store *s, char *err, size_t errlen)
{
	struct pg *g = s->impl;
	PGresult *res;
	int format = -1;

	for (int pass = 0; pass < 2; pass++) {
		res = PQexec(g->conn, "SELECT to_regclass('snare_meta') IS NOT NULL,"
				      " to_regclass('results') IS NOT NULL");
		if (!ok(res, PGRES_TUPLES_OK))
			return pg_fail(s, res, err, errlen, "cannot read the format");
		bool meta = PQgetvalue(res, 0, 0)[0] == 't';
		bool results = PQgetvalue(res, 0, 1)[0] == 't';
		PQclear(res);
		if (meta) {
			res = PQexec(g->conn,
				     "SELECT format FROM snare_meta WHERE key = 'results'");
			if (!ok(res, PGRES_TUPLES_OK))
				return pg_fail(s, res, err, errlen, "cannot read the format");
			if (PQntuples(res) == 1)
				format = atoi(PQgetvalue(res, 0, 0));
			PQclear(res);
		}
		if (format < 0 && results) {
			errbuf_set(err, errlen, "'%s' is not a snare results store", s->path);
			return -1;
		}
		if (format >= 0 || pass == 1)
			break;
		/* two snares creating the tables: the lock makes the second
		 * one wait, then IF NOT EXISTS finds them */
		res = PQexec(g->conn, "BEGIN; SELECT pg_advisory_xact_lock(7262, 1);");
		PQclear(res);
		res = PQexec(g->conn, schema_sql);
		if (!ok(res, PGRES_COMMAND_OK)) {
			pg_fail(s, res, err, errlen, "cannot create the tables");
			PQclear(PQexec(g->conn, "ROLLBACK"));
			return -1;
		}
		PQclear(res);
		res = PQexec(g->conn, "COMMIT");
		if (!ok(res, PGRES_COMMAND_OK))
			return pg_fail(s, res, err, errlen, "cannot create the tables");
		PQclear(res);
	}
	if (format != STORE_FORMAT) {
		errbuf_set(err, errlen,
			   "results store '%s' has format %d; this snare reads format %d", s->path,
			   format, STORE_FORMAT);
		return -1;
	}
	return 0;
}

/* Claims live in their own table, made by the first claim under an
 * advisory lock that also makes each claim's read and write one step. */
static const char claims_sql[] = "CREATE TABLE IF NOT EXISTS snare_claims ("
				 " name TEXT NOT NULL,"
				 " version TEXT NOT NULL,"
				 " host TEXT NOT NULL,"
				 " pid BIGINT NOT NULL,"
				 " since BIGINT NOT NULL,"
				 " PRIMARY KEY (name, version))";

static int pg_claim(struct store *s, const char *name, const char *version,
		    const struct store_claim *want, struct store_claim *held,
		    bool (*take)(const struct store_claim *, const struct store_claim *), char *err,
		    size_t errlen)
{
	struct pg *g = s->impl;
	const char *key[2] = {name, version};
	char pid[32], since[32];
	PGresult *res;
	int ret;

	res = pg_exec(s, "BEGIN", 0, NULL, NULL, NULL);
	if (!ok(res, PGRES_COMMAND_OK))
		return pg_fail(s, res, err, errlen, "cannot claim");
	PQclear(res);
	g->in_tx = true;
	res = PQexec(g->conn, "SELECT pg_advisory_xact_lock(7262, 2)");
	if (!ok(res, PGRES_TUPLES_OK))
		goto fail;
	PQclear(res);
	res = PQexec(g->conn, claims_sql);
	if (!ok(res, PGRES_COMMAND_OK))
		goto fail;
	PQclear(res);
	res = PQexecParams(
		g->conn,
		"SELECT host, pid, since FROM snare_claims WHERE name = $1 AND version = $2", 2,
		NULL, key, NULL, NULL, 0);
	if (!ok(res, PGRES_TUPLES_OK))
		goto fail;
	if (PQntuples(res) == 1) {
		snprintf(held->host, sizeof(held->host), "%s", PQgetvalue(res, 0, 0));
		held->pid = atoll(PQgetvalue(res, 0, 1));
		held->since = atoll(PQgetvalue(res, 0, 2));
	}
	ret = PQntuples(res) == 0 || take(held, want);
	PQclear(res);
	if (ret == 1) {
		snprintf(pid, sizeof(pid), "%lld", want->pid);
		snprintf(since, sizeof(since), "%lld", want->since);
		const char *v[5] = {name, version, want->host, pid, since};
		res = PQexecParams(
			g->conn,
			"INSERT INTO snare_claims (name, version, host, pid, since)"
			" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name, version) DO UPDATE"
			" SET host = EXCLUDED.host, pid = EXCLUDED.pid,"
			" since = EXCLUDED.since",
			5, NULL, v, NULL, NULL, 0);
		if (!ok(res, PGRES_COMMAND_OK))
			goto fail;
		PQclear(res);
	}
	if (pg_commit(s, err, errlen) < 0)
		return -1;
	return ret;
fail:
	pg_fail(s, res, err, errlen, "cannot claim");
	PQclear(PQexec(g->conn, "ROLLBACK"));
	g->in_tx = false;
	return -1;
}

static int pg_unclaim(struct store *s, const char *name, const char *version,
		      const struct store_claim *mine, char *err, size_t errlen)
{
	char pid[32];
	PGresult *res;

	snprintf(pid, sizeof(pid), "%lld", mine->pid);
	const char *v[4] = {name, version, mine->host, pid};
	res = pg_exec(s,
		      "DELETE FROM snare_claims WHERE name = $1 AND version = $2 AND host = $3"
		      " AND pid = $4",
		      4, v, NULL, NULL);
	if (res && PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    !strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE) ?: "", "42P01")) {
		PQclear(res); /* no claims table: nothing was ever claimed */
		return 0;
	}
	if (!ok(res, PGRES_COMMAND_OK))
		return pg_fail(s, res, err, errlen, "cannot drop a claim");
	PQclear(res);
	return 0;
}

static const struct store_ops pg_ops = {
	.get = pg_get,
	.put = pg_put,
	.begin = pg_begin,
	.commit = pg_commit,
	.close = pg_close,
	.claim = pg_claim,
	.unclaim = pg_unclaim,
};

int store_pg_open(struct store *s, const char *url, char *err, size_t errlen)
{
	struct pg *g = xcalloc(1, sizeof(*g));
	char msg[512];

	s->impl = g;
	s->ops = &pg_ops;
	g->conn = PQconnectdb(url);
	if (!g->conn) {
		errbuf_set(err, errlen, "cannot open results store '%s': out of memory", s->path);
		return -1;
	}
	if (PQstatus(g->conn) != CONNECTION_OK) {
		pg_message(PQerrorMessage(g->conn), msg, sizeof(msg));
		errbuf_set(err, errlen, "cannot open results store '%s': %s", s->path, msg);
		return -1;
	}
	PQsetNoticeProcessor(g->conn, quiet, NULL);
	return check_format(s, err, errlen);
}
