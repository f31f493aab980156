#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <zlib.h>

#include "store/store.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define BUSY_TIMEOUT_MS 10000

struct store {
	sqlite3 *db;
	char *path;
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
	errbuf_set(err, errlen, "results store '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
	return -1;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->get);
	sqlite3_finalize(s->put);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* Reads the format; creates the table in a new file. */
static int check_format(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int version = -1, tables = -1, rc;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT (SELECT user_version FROM pragma_user_version),"
				" (SELECT count(*) FROM sqlite_master)",
				-1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		version = sqlite3_column_int(st, 0);
		tables = sqlite3_column_int(st, 1);
	}
	if (version < 0) {
		errbuf_set(err, errlen, "cannot open results store '%s': %s", s->path,
			   sqlite3_errmsg(s->db));
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
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(s, err, errlen, "cannot create the table");
		sqlite3_stmt *chk = NULL;
		bool exists = false;
		if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE name = 'results'",
				       -1, &chk, NULL) == SQLITE_OK)
			exists = sqlite3_step(chk) == SQLITE_ROW;
		sqlite3_finalize(chk);
		if (!exists && sqlite3_exec(s->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
			db_fail(s, err, errlen, "cannot create the table");
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
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

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot open results store '%s': %s", path,
			   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	if (check_format(s, err, errlen) < 0) {
		store_close(s);
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, get_sql, -1, &s->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, put_sql, -1, &s->put, NULL) != SQLITE_OK) {
		/* a table of the right format but the wrong shape */
		errbuf_set(err, errlen, "results store '%s' is damaged: %s", path,
			   sqlite3_errmsg(s->db));
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_begin(struct store *s, char *err, size_t errlen)
{
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, errlen, "cannot start a transaction");
	return 0;
}

int store_commit(struct store *s, char *err, size_t errlen)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, errlen, "cannot commit");
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static json_t *inflate_report(const void *blob, size_t n, long long size)
{
	uLongf len = (uLongf)size;
	char *buf;
	json_t *r;

	if (size <= 0 || (unsigned long long)size > STORE_MAX_REPORT_BYTES)
		return NULL;
	buf = xmalloc((size_t)size);
	if (uncompress((Bytef *)buf, &len, blob, (uLong)n) != Z_OK || len != (uLongf)size) {
		free(buf);
		return NULL;
	}
	r = json_loadb(buf, len, 0, NULL);
	free(buf);
	return json_is_object(r) ? r : (json_decref(r), NULL);
}

int store_get(struct store *s, const struct store_query *q, struct store_entry *e, char *err,
	      size_t errlen)
{
	sqlite3_stmt *st = s->get;
	int rc, ret = -1;

	memset(e, 0, sizeof(*e));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, q->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->version, -1, SQLITE_STATIC);
	if (q->integrity)
		sqlite3_bind_text(st, 3, q->integrity, -1, SQLITE_STATIC);
	if (q->registry)
		sqlite3_bind_text(st, 4, q->registry, -1, SQLITE_STATIC);
	if (q->model)
		sqlite3_bind_text(st, 5, q->model, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, q->features_schema);
	if (q->report_schema)
		sqlite3_bind_text(st, 7, q->report_schema, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, q->with_report);
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
	e->verdict = json_loads((const char *)sqlite3_column_text(st, 10), 0, NULL);
	e->scanned_at = sqlite3_column_int64(st, 11);
	e->scored_at = sqlite3_column_int64(st, 12);
	if (!e->verdict || !e->label || !e->name || !e->version) {
		errbuf_set(err, errlen, "results store '%s': the row of '%s@%s' is damaged",
			   s->path, q->name, q->version);
		store_entry_release(e);
		goto out;
	}
	if (q->with_report) {
		e->report = inflate_report(sqlite3_column_blob(st, 13),
					   (size_t)sqlite3_column_bytes(st, 13),
					   sqlite3_column_int64(st, 14));
		if (!e->report) {
			errbuf_set(err, errlen,
				   "results store '%s': the stored report of '%s@%s' is damaged",
				   s->path, q->name, q->version);
			store_entry_release(e);
			goto out;
		}
	}
	ret = 1;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

char *store_report_integrity(const json_t *report)
{
	const char *sha512 = json_string_value(json_object_get(
		json_object_get(json_object_get(report, "package"), "tarball"), "sha512"));

	return sha512 && sha512[0] ? xasprintf("sha512-%s", sha512) : NULL;
}

int store_put(struct store *s, const struct store_record *r, char *err, size_t errlen)
{
	const json_t *pkg = json_object_get(r->report, "package");
	const char *name = json_string_value(json_object_get(pkg, "name"));
	const char *version = json_string_value(json_object_get(pkg, "version"));
	const char *type =
		json_string_value(json_object_get(json_object_get(pkg, "source"), "type"));
	const char *rschema = json_string_value(json_object_get(r->report, "schema"));
	const char *label = json_string_value(json_object_get(r->verdict, "label"));
	json_t *prob = json_object_get(r->verdict, "probability");
	char *integrity = NULL, *text = NULL, *vtext = NULL;
	unsigned char *z = NULL;
	json_t *copy = NULL;
	uLongf zlen;
	size_t tlen;
	bool registry;
	int ret = -1;

	if (!name || !version || !rschema) {
		errbuf_set(err, errlen, "cannot store a report that names no package");
		return -1;
	}
	if (!label || !json_is_number(prob) || !r->model) {
		errbuf_set(err, errlen, "cannot store the report of '%s@%s': it has no verdict",
			   name, version);
		return -1;
	}
	integrity = store_report_integrity(r->report);
	registry = type && !strcmp(type, "registry");
	if (!integrity || !type || (!registry && strcmp(type, "tarball") != 0)) {
		errbuf_set(err, errlen,
			   "cannot store the report of '%s@%s': it has no tarball digest", name,
			   version);
		goto out;
	}
	/* the report without its verdict, which has a column of its own */
	copy = json_copy((json_t *)r->report);
	json_object_del(copy, "verdict");
	text = json_dumps(copy, JSON_COMPACT);
	vtext = json_dumps(r->verdict, JSON_COMPACT);
	if (!text || !vtext) {
		errbuf_set(err, errlen, "cannot store the report of '%s@%s': cannot encode it",
			   name, version);
		goto out;
	}
	tlen = strlen(text);
	if (tlen > STORE_MAX_REPORT_BYTES) {
		errbuf_set(err, errlen, "cannot store the report of '%s@%s': larger than %llu MiB",
			   name, version, STORE_MAX_REPORT_BYTES >> 20);
		goto out;
	}
	zlen = compressBound((uLong)tlen);
	z = xmalloc(zlen);
	if (compress2(z, &zlen, (const Bytef *)text, (uLong)tlen, 6) != Z_OK) {
		errbuf_set(err, errlen, "cannot store the report of '%s@%s': compression failed",
			   name, version);
		goto out;
	}
	sqlite3_stmt *st = s->put;
	long long now = (long long)time(NULL);

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, integrity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
	if (registry && r->registry)
		sqlite3_bind_text(st, 6, r->registry, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, r->features_schema);
	sqlite3_bind_text(st, 8, rschema, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, label, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, json_number_value(prob));
	sqlite3_bind_text(st, 11, vtext, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, z, (int)zlen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)tlen);
	sqlite3_bind_int64(st, 14, r->scanned_at ? r->scanned_at : now);
	sqlite3_bind_int64(st, 15, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(s, err, errlen, "cannot write");
	else
		ret = 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
out:
	free(z);
	free(text);
	free(vtext);
	free(integrity);
	json_decref(copy);
	return ret;
}

int store_cache_path(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	/* XDG: a relative XDG_CACHE_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/snare/%s", xdg, name);
	else if (home && home[0])
		snprintf(buf, len, "%s/.cache/snare/%s", home, name);
	else {
		errbuf_set(err, errlen, "no cache directory: set XDG_CACHE_HOME or HOME");
		return -1;
	}
	return 0;
}

void store_entry_release(struct store_entry *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->version);
	free(e->integrity);
	free(e->model);
	free(e->source);
	free(e->registry);
	free(e->report_schema);
	free(e->label);
	json_decref(e->verdict);
	json_decref(e->report);
	memset(e, 0, sizeof(*e));
}
