/* The results store in one SQLite file (the default). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/backend.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define BUSY_TIMEOUT_MS 10000

struct sq {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
};

static const char schema_sql[] = "CREATE TABLE results ("
				 " name TEXT NOT NULL,"
				 " version TEXT NOT NULL,"
				 " integrity TEXT NOT NULL,"
				 " model TEXT NOT NULL,"
				 " source TEXT NOT NULL,"
				 " registry TEXT,"
				 " features_schema INTEGER NOT NULL,"
				 " report_schema TEXT NOT NULL,"
				 " label TEXT NOT NULL,"
				 " probability REAL NOT NULL,"
				 " verdict TEXT NOT NULL,"
				 " report BLOB NOT NULL,"
				 " report_size INTEGER NOT NULL,"
				 " scanned_at INTEGER NOT NULL,"
				 " scored_at INTEGER NOT NULL,"
				 " PRIMARY KEY (name, version, integrity, model)"
				 ") WITHOUT ROWID;"
				 "PRAGMA user_version = 1;";

/* ?1 name ?2 version ?3 integrity ?4 registry ?5 model ?6 features_schema
 * ?7 report_schema; NULLs widen the match (see store_query). */
static const char get_sql[] =
	"SELECT name, version, integrity, model, source, registry, features_schema,"
	" report_schema, label, probability, verdict, scanned_at, scored_at,"
	" CASE WHEN ?8 THEN report END, CASE WHEN ?8 THEN report_size END"
	" FROM results WHERE name = ?1 AND version = ?2"
	" AND (?3 IS NULL OR integrity = ?3)"
	" AND (?3 IS NOT NULL OR ?4 IS NULL OR (source = 'registry' AND registry = ?4))"
	" AND (?5 IS NULL OR model = ?5)"
	" AND (?5 IS NOT NULL OR ?6 = 0 OR features_schema = ?6)"
	" AND (?5 IS NOT NULL OR ?7 IS NULL OR report_schema = ?7)"
	" ORDER BY source = 'registry' DESC, scored_at DESC LIMIT 1";

static const char put_sql[] =
	"INSERT OR REPLACE INTO results (name, version, integrity, model, source, registry,"
	" features_schema, report_schema, label, probability, verdict, report, report_size,"
	" scanned_at, scored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	" ?13, ?14, ?15)";

static int db_fail(struct store *s, char *err, size_t errlen, const char *what)
{
	struct sq *q = s->impl;

	errbuf_set(err, errlen, "results store '%s': %s: %s", s->path, what, sqlite3_errmsg(q->db));
	return -1;
}

static void sq_close(struct store *s)
{
	struct sq *q = s->impl;

	if (!q)
		return;
	sqlite3_finalize(q->get);
	sqlite3_finalize(q->put);
	sqlite3_close(q->db);
	free(q);
	s->impl = NULL;
}

/* Reads the format; creates the table in a new file. */
static int check_format(struct store *s, char *err, size_t errlen)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	int version = -1, tables = -1, rc;

	rc = sqlite3_prepare_v2(q->db,
				"SELECT (SELECT user_version FROM pragma_user_version),"
				" (SELECT count(*) FROM sqlite_master)",
				-1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		version = sqlite3_column_int(st, 0);
		tables = sqlite3_column_int(st, 1);
	}
	if (version < 0) {
		errbuf_set(err, errlen, "cannot open results store '%s': %s", s->path,
			   sqlite3_errmsg(q->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (version == 0 && tables > 0) {
		errbuf_set(err, errlen, "'%s' is not a snare results store", s->path);
		return -1;
	}
	if (version == 0) {
		/* two snares creating the same file: the second one waits, then
		 * finds the table */
		if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(s, err, errlen, "cannot create the table");
		sqlite3_stmt *chk = NULL;
		bool exists = false;
		if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM sqlite_master WHERE name = 'results'",
				       -1, &chk, NULL) == SQLITE_OK)
			exists = sqlite3_step(chk) == SQLITE_ROW;
		sqlite3_finalize(chk);
		if (!exists && sqlite3_exec(q->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
			db_fail(s, err, errlen, "cannot create the table");
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(s, err, errlen, "cannot create the table");
		return 0;
	}
	if (version != STORE_FORMAT) {
		errbuf_set(err, errlen,
			   "results store '%s' has format %d; this snare reads format %d", s->path,
			   version, STORE_FORMAT);
		return -1;
	}
	return 0;
}

static int sq_begin(struct store *s, char *err, size_t errlen)
{
	struct sq *q = s->impl;

	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, errlen, "cannot start a transaction");
	return 0;
}

static int sq_commit(struct store *s, char *err, size_t errlen)
{
	struct sq *q = s->impl;

	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, errlen, "cannot commit");
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int sq_get(struct store *s, const struct store_query *qu, struct store_entry *e,
		  struct store_blob *b, char *err, size_t errlen)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = q->get;
	int rc, ret = -1;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, qu->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, qu->version, -1, SQLITE_STATIC);
	if (qu->integrity)
		sqlite3_bind_text(st, 3, qu->integrity, -1, SQLITE_STATIC);
	if (qu->registry)
		sqlite3_bind_text(st, 4, qu->registry, -1, SQLITE_STATIC);
	if (qu->model)
		sqlite3_bind_text(st, 5, qu->model, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, qu->features_schema);
	if (qu->report_schema)
		sqlite3_bind_text(st, 7, qu->report_schema, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, qu->with_report);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		db_fail(s, err, errlen, "cannot read");
		goto out;
	}
	e->name = col_dup(st, 0);
	e->version = col_dup(st, 1);
	e->integrity = col_dup(st, 2);
	e->model = col_dup(st, 3);
	e->source = col_dup(st, 4);
	e->registry = col_dup(st, 5);
	e->features_schema = sqlite3_column_int(st, 6);
	e->report_schema = col_dup(st, 7);
	e->label = col_dup(st, 8);
	e->probability = sqlite3_column_double(st, 9);
	const char *v = (const char *)sqlite3_column_text(st, 10);
	e->verdict = v ? json_loads(v, 0, NULL) : NULL;
	e->scanned_at = sqlite3_column_int64(st, 11);
	e->scored_at = sqlite3_column_int64(st, 12);
	if (qu->with_report) {
		const void *blob = sqlite3_column_blob(st, 13);
		b->len = (size_t)sqlite3_column_bytes(st, 13);
		b->data = xmalloc(b->len ? b->len : 1);
		if (blob && b->len)
			memcpy(b->data, blob, b->len);
		b->size = sqlite3_column_int64(st, 14);
	}
	ret = 1;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

static int sq_put(struct store *s, const struct store_row *r, char *err, size_t errlen)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = q->put;
	int ret = 0;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->integrity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->source, -1, SQLITE_STATIC);
	if (r->registry)
		sqlite3_bind_text(st, 6, r->registry, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, r->features_schema);
	sqlite3_bind_text(st, 8, r->report_schema, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->label, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, r->probability);
	sqlite3_bind_text(st, 11, r->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, r->report, (int)r->report_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)r->report_size);
	sqlite3_bind_int64(st, 14, r->scanned_at);
	sqlite3_bind_int64(st, 15, r->scored_at);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = db_fail(s, err, errlen, "cannot write");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* Claims live in their own table, made by the first claim: a store of
 * format 1 without it is still format 1 (an older snare ignores it). */
static const char claims_sql[] = "CREATE TABLE IF NOT EXISTS claims ("
				 " name TEXT NOT NULL,"
				 " version TEXT NOT NULL,"
				 " host TEXT NOT NULL,"
				 " pid INTEGER NOT NULL,"
				 " since INTEGER NOT NULL,"
				 " PRIMARY KEY (name, version)"
				 ") WITHOUT ROWID";

static int sq_claim(struct store *s, const char *name, const char *version,
		    const struct store_claim *want, struct store_claim *held,
		    bool (*take)(const struct store_claim *, const struct store_claim *), char *err,
		    size_t errlen)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	/* IMMEDIATE: the read and the write are one step for every snare */
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, errlen, "cannot claim");
	if (sqlite3_exec(q->db, claims_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    q->db, "SELECT host, pid, since FROM claims WHERE name = ?1 AND version = ?2",
		    -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(st, 0);

		snprintf(held->host, sizeof(held->host), "%s", h ? (const char *)h : "");
		held->pid = sqlite3_column_int64(st, 1);
		held->since = sqlite3_column_int64(st, 2);
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	ret = rc == SQLITE_DONE || take(held, want);
	if (ret == 1) {
		if (sqlite3_prepare_v2(
			    q->db,
			    "INSERT OR REPLACE INTO claims (name, version, host, pid, since)"
			    " VALUES (?1, ?2, ?3, ?4, ?5)",
			    -1, &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, want->host, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, want->pid);
		sqlite3_bind_int64(st, 5, want->since);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return ret;
fail:
	db_fail(s, err, errlen, "cannot claim");
	sqlite3_finalize(st);
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_unclaim(struct store *s, const char *name, const char *version,
		      const struct store_claim *mine, char *err, size_t errlen)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(q->db,
				"DELETE FROM claims WHERE name = ?1 AND version = ?2 AND host = ?3"
				" AND pid = ?4",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		/* no claims table: nothing was ever claimed */
		if (strstr(sqlite3_errmsg(q->db), "no such table"))
			return 0;
		return db_fail(s, err, errlen, "cannot drop a claim");
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mine->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, mine->pid);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, err, errlen, "cannot drop a claim");
	return 0;
}

static const struct store_ops sqlite_ops = {
	.get = sq_get,
	.put = sq_put,
	.begin = sq_begin,
	.commit = sq_commit,
	.close = sq_close,
	.claim = sq_claim,
	.unclaim = sq_unclaim,
};

int store_sqlite_open(struct store *s, const char *path, char *err, size_t errlen)
{
	struct sq *q = xcalloc(1, sizeof(*q));
	int rc;

	s->impl = q;
	s->ops = &sqlite_ops;
	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot open results store '%s': %s", path,
			   q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(q->db, 1);
	if (check_format(s, err, errlen) < 0)
		return -1;
	if (sqlite3_prepare_v2(q->db, get_sql, -1, &q->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, put_sql, -1, &q->put, NULL) != SQLITE_OK) {
		/* a table of the right format but the wrong shape */
		errbuf_set(err, errlen, "results store '%s' is damaged: %s", path,
			   sqlite3_errmsg(q->db));
		return -1;
	}
	return 0;
}
