/* Tests for src/store (put, get, the lookup rules, damaged and foreign
 * files) and for re-scoring stored reports through the scan context, run
 * against both back ends: the SQLite file and a PostgreSQL database of a
 * throwaway cluster (tests/unit/pgtmp.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "scan/scan.h"
#include "features/features.h"
#include "model/model.h"
#include "report/report.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "pgtmp.h"
#include "tmpdir.h"

#define SHA512_A "AAAAaaaa"
#define SHA512_B "BBBBbbbb"

/* A small report that features_extract() reads: the package sends the npm
 * token somewhere. */
static const char REPORT_FMT[] =
	"{\"schema\":\"snare.report/1\","
	"\"package\":{\"name\":\"%s\",\"version\":\"%s\",\"source\":{\"type\":\"%s\",\"spec\":\"x\"},"
	"\"tarball\":{\"sha256\":\"\",\"sha512\":\"%s\",\"integrity\":null}},"
	"\"environment\":{\"home\":\"/home/alex\",\"user\":\"alex\",\"hostname\":\"alex-xps\"},"
	"\"phases\":[{\"name\":\"install\",\"status\":\"ok\",\"stdout\":{\"bytes\":5},"
	"\"steps\":[{\"start_ms\":100.0}],"
	"\"commands\":[{\"path\":\"/bin/sh\",\"argv\":[\"/bin/sh\",\"-c\",\"x\"],\"result\":0}],"
	"\"files\":[{\"path\":\"/home/alex/.npmrc\",\"flags\":[\"read\"],\"failed\":[]}],"
	"\"dns\":[],\"sockets\":[],\"sent\":[],"
	"\"canary_hits\":[{\"canary\":\"npm_token\",\"where\":\"sent\"}],"
	"\"signals\":[],\"denied\":[],\"timeline\":[]},"
	"{\"name\":\"import\",\"status\":\"ok\",\"steps\":[],\"commands\":[],\"files\":[],\"dns\":[],"
	"\"sockets\":[],\"sent\":[],\"canary_hits\":[],\"signals\":[],\"denied\":[],\"timeline\":[]}],"
	"\"verdict\":{\"label\":\"malicious\",\"probability\":0.9}}";

struct fx {
	char dir[TMPDIR_MAX];
	char db[PGTMP_URL_MAX];
	char model[128];
};

static json_t *report(const char *name, const char *version, const char *type, const char *sha)
{
	char buf[sizeof(REPORT_FMT) + 256];
	json_t *r;

	snprintf(buf, sizeof(buf), REPORT_FMT, name, version, type, sha);
	r = json_loads(buf, 0, NULL);
	assert_non_null(r);
	return r;
}

static json_t *verdict(const char *label, double p)
{
	return json_pack("{s:s, s:f, s:f, s:[]}", "label", label, "probability", p, "threshold",
			 0.5, "explanations");
}

/* The cluster of the PostgreSQL group; NULL while the SQLite group runs. */
static struct pgtmp *pg;

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_int_equal(tmpdir_make(fx->dir, "store"), 0);
	if (pg)
		assert_int_equal(pgtmp_db(pg, fx->db), 0);
	else
		snprintf(fx->db, sizeof(fx->db), "%s/results.db", fx->dir);
	snprintf(fx->model, sizeof(fx->model), "%s/model.json", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(tmpdir_remove(fx->dir), 0);
	free(fx);
	return 0;
}

static void put(struct store *s, json_t *r, const char *label, const char *model,
		const char *registry)
{
	char err[512] = "";
	json_t *v = verdict(label, !strcmp(label, "malicious") ? 0.9 : 0.1);
	struct store_record rec = {.report = r,
				   .verdict = v,
				   .model = model,
				   .features_schema = FEATURES_SCHEMA,
				   .registry = registry,
				   .scanned_at = 1000};

	assert_int_equal(store_put(s, &rec, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	json_decref(v);
}

static void test_put_get(void **state)
{
	struct fx *fx = *state;
	struct store *s;
	struct store_entry e;
	char err[512] = "";
	json_t *r = report("evil", "1.0.0", "registry", SHA512_A);

	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, r, "malicious", "m1", "https://registry.example");

	/* the exact key, with the report (stored without its verdict) */
	struct store_query q = {.name = "evil",
				.version = "1.0.0",
				.integrity = "sha512-" SHA512_A,
				.model = "m1",
				.with_report = true};
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.name, "evil");
	assert_string_equal(e.version, "1.0.0");
	assert_string_equal(e.integrity, "sha512-" SHA512_A);
	assert_string_equal(e.model, "m1");
	assert_string_equal(e.source, "registry");
	assert_string_equal(e.registry, "https://registry.example");
	assert_string_equal(e.label, "malicious");
	assert_string_equal(e.report_schema, REPORT_SCHEMA);
	assert_int_equal(e.features_schema, FEATURES_SCHEMA);
	assert_true(e.probability > 0.89 && e.probability < 0.91);
	assert_int_equal(e.scanned_at, 1000);
	assert_true(e.scored_at > 1000);
	assert_string_equal(json_string_value(json_object_get(e.verdict, "label")), "malicious");
	assert_non_null(e.report);
	assert_null(json_object_get(e.report, "verdict"));
	json_object_del(r, "verdict");
	assert_true(json_equal(e.report, r));
	store_entry_release(&e);

	/* without the report */
	q.with_report = false;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_null(e.report);
	store_entry_release(&e);

	/* another tarball, another model: nothing */
	q.integrity = "sha512-" SHA512_B;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	assert_null(e.name);
	q.integrity = "sha512-" SHA512_A;
	q.model = "m2";
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	q.version = "1.0.1";
	q.model = "m1";
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	store_close(s);
	json_decref(r);

	/* it is on disk */
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	q.version = "1.0.0";
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	store_entry_release(&e);
	store_close(s);
}

static void test_lookup_rules(void **state)
{
	struct fx *fx = *state;
	struct store *s;
	struct store_entry e;
	char err[512] = "";
	json_t *reg = report("pad", "1.0.0", "registry", SHA512_A);
	json_t *tgz = report("pad", "1.0.0", "tarball", SHA512_B);

	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, tgz, "malicious", "m1", "https://registry.example");
	put(s, reg, "benign", "m1", "https://registry.example");

	/* no integrity: only rows fetched from the given registry... */
	struct store_query q = {.name = "pad",
				.version = "1.0.0",
				.registry = "https://registry.example",
				.model = "m1"};
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.source, "registry");
	assert_string_equal(e.label, "benign");
	store_entry_release(&e);
	q.registry = "http://127.0.0.1:4873";
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	/* ...a local tarball never answers for the registry's package */
	q.registry = NULL;
	q.integrity = "sha512-" SHA512_B;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.source, "tarball");
	assert_null(e.registry);
	store_entry_release(&e);
	/* neither: any row, the registry's first */
	q.integrity = NULL;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.source, "registry");
	store_entry_release(&e);
	/* any model of the same schemas */
	q.model = NULL;
	q.features_schema = FEATURES_SCHEMA;
	q.report_schema = REPORT_SCHEMA;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	store_entry_release(&e);
	q.features_schema = FEATURES_SCHEMA + 1;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	q.features_schema = FEATURES_SCHEMA;
	q.report_schema = "snare.report/0";
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 0);
	store_close(s);
	json_decref(reg);
	json_decref(tgz);
}

static void test_put_refuses(void **state)
{
	struct fx *fx = *state;
	struct store *s;
	char err[512] = "";
	json_t *dir = report("local", "0.1.0", "directory", "");
	json_t *v = verdict("benign", 0.1);
	struct store_record rec = {.report = dir, .verdict = v, .model = "m1"};

	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	assert_int_equal(store_put(s, &rec, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "cannot store the report of 'local@0.1.0': it has no tarball digest");
	rec.verdict = NULL;
	assert_int_equal(store_put(s, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot store the report of 'local@0.1.0': it has no verdict");
	json_object_del(dir, "package");
	rec.verdict = v;
	assert_int_equal(store_put(s, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot store a report that names no package");
	store_close(s);
	json_decref(dir);
	json_decref(v);
}

static void sql(const char *path, const char *stmt)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_bad_files(void **state)
{
	struct fx *fx = *state;
	struct store *s = (struct store *)1;
	struct store_entry e;
	char err[512], want[512], path[160];
	FILE *f;

	/* not SQLite */
	snprintf(path, sizeof(path), "%s/garbage.db", fx->dir);
	f = fopen(path, "w");
	fputs("this is not a database, it is a text file of sixty-odd bytes....\n", f);
	fclose(f);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), -1);
	assert_null(s);
	snprintf(want, sizeof(want), "cannot open results store '%s': file is not a database",
		 path);
	assert_string_equal(err, want);

	/* somebody else's database */
	snprintf(path, sizeof(path), "%s/other.db", fx->dir);
	sql(path, "CREATE TABLE notes (t TEXT)");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "'%s' is not a snare results store", path);
	assert_string_equal(err, want);

	/* a newer format */
	snprintf(path, sizeof(path), "%s/newer.db", fx->dir);
	sql(path, "CREATE TABLE results (x); PRAGMA user_version = 7");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "results store '%s' has format 7; this snare reads format 1",
		 path);
	assert_string_equal(err, want);

	/* a directory that does not exist */
	snprintf(path, sizeof(path), "%s/no/such/dir/results.db", fx->dir);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot open results store '%s': unable to open database file",
		 path);
	assert_string_equal(err, want);

	/* a damaged report */
	json_t *r = report("evil", "1.0.0", "registry", SHA512_A);
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, r, "malicious", "m1", "https://registry.example");
	store_close(s);
	json_decref(r);
	sql(fx->db, "UPDATE results SET report = x'789c0b'");
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	struct store_query q = {.name = "evil",
				.version = "1.0.0",
				.integrity = "sha512-" SHA512_A,
				.model = "m1",
				.with_report = true};
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "results store '%s': the stored report of 'evil@1.0.0' is damaged", fx->db);
	assert_string_equal(err, want);
	assert_null(e.name);
	/* the verdict alone is still readable */
	q.with_report = false;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	store_entry_release(&e);
	store_close(s);
}

/* A model that calls a package malicious when it leaks a canary. */
static void train_model(const char *path)
{
	size_t rows = 100, ncols = features_count();
	int k = features_index("install.canary_hits");
	float *X = calloc(rows * ncols, sizeof(float)), *y = calloc(rows, sizeof(float));
	struct train_params p;
	struct model *m;
	char err[256];

	assert_true(k >= 0);
	for (size_t i = 0; i < rows; i++) {
		y[i] = (float)(i % 2);
		X[i * ncols + (size_t)k] = y[i];
	}
	train_params_default(&p);
	p.rounds = 10;
	p.nthread = 1;
	m = model_train(X, y, rows, ncols, &p, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(model_save(m, path, err, sizeof(err)), 0);
	model_free(m);
	free(X);
	free(y);
}

static void test_rescore(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	struct store *s;
	struct store_entry e;
	char err[512] = "";
	json_t *v, *rep;
	enum pkg_origin origin;
	json_t *r = report("evil", "1.0.0", "registry", SHA512_A);
	json_t *r2 = report("older", "2.0.0", "registry", SHA512_B);

	train_model(fx->model);
	/* scored by another model; one of an older feature schema */
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, r, "benign", "0123456789abcdef", "https://registry.example");
	json_t *vb = verdict("benign", 0.1);
	struct store_record old = {.report = r2,
				   .verdict = vb,
				   .model = "0123456789abcdef",
				   .features_schema = FEATURES_SCHEMA - 1,
				   .registry = "https://registry.example",
				   .scanned_at = 1000};
	assert_int_equal(store_put(s, &old, err, sizeof(err)), 0);
	json_decref(vb);
	store_close(s);

	assert_int_equal(scan_ctx_init(&c, fx->model, fx->db, false, "https://registry.example/",
				       err, sizeof(err)),
			 0);
	assert_string_equal(c.registry, "https://registry.example");
	assert_int_equal(strlen(c.model_version), 16);
	assert_null(c.model); /* loaded only when needed */

	/* the current model re-scores the stored report: now malicious */
	assert_int_equal(scan_ctx_lookup(&c, "evil", "1.0.0", "sha1-xx sha512-" SHA512_A, false, &v,
					 &rep, &origin, err, sizeof(err)),
			 1);
	assert_int_equal(origin, ORIGIN_RESCORED);
	assert_string_equal(json_string_value(json_object_get(v, "label")), "malicious");
	assert_non_null(rep);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(rep, "package"), "name")),
		"evil");
	assert_non_null(c.model);
	json_decref(v);
	json_decref(rep);

	/* and stores it: the next lookup is a plain hit */
	assert_int_equal(scan_ctx_lookup(&c, "evil", "1.0.0", NULL, false, &v, NULL, &origin, err,
					 sizeof(err)),
			 1);
	assert_int_equal(origin, ORIGIN_STORE);
	json_decref(v);

	/* another feature schema: the package must be detonated again */
	assert_int_equal(scan_ctx_lookup(&c, "older", "2.0.0", NULL, false, &v, NULL, &origin, err,
					 sizeof(err)),
			 0);
	assert_null(v);
	/* another registry: nothing */
	free(c.registry);
	c.registry = strdup("http://127.0.0.1:1");
	assert_int_equal(scan_ctx_lookup(&c, "evil", "1.0.0", NULL, false, &v, NULL, &origin, err,
					 sizeof(err)),
			 0);
	/* a directory scan is not recorded */
	json_t *d = report("local", "0.1.0", "directory", "");
	assert_int_equal(scan_ctx_record(&c, d, err, sizeof(err)), 0);
	assert_int_equal(scan_ctx_lookup(&c, "local", "0.1.0", NULL, true, &v, NULL, &origin, err,
					 sizeof(err)),
			 0);
	json_decref(d);
	/* a tarball scan is */
	json_t *t = report("packed", "0.2.0", "tarball", SHA512_B);
	assert_int_equal(scan_ctx_record(&c, t, err, sizeof(err)), 0);
	assert_int_equal(scan_ctx_lookup(&c, "packed", "0.2.0", "sha512-" SHA512_B, false, &v, NULL,
					 &origin, err, sizeof(err)),
			 1);
	assert_int_equal(origin, ORIGIN_STORE);
	json_decref(v);
	json_decref(t);
	scan_ctx_release(&c);

	/* both verdicts of evil@1.0.0 are kept */
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	struct store_query q = {.name = "evil",
				.version = "1.0.0",
				.integrity = "sha512-" SHA512_A,
				.model = "0123456789abcdef"};
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.label, "benign");
	store_entry_release(&e);
	store_close(s);
	json_decref(r);
	json_decref(r2);
}

static void test_no_store_and_errors(void **state)
{
	struct fx *fx = *state;
	struct scan_ctx c;
	char err[512], want[512], missing[160];
	json_t *v;
	enum pkg_origin origin;

	train_model(fx->model);
	assert_int_equal(scan_ctx_init(&c, fx->model, NULL, true, NULL, err, sizeof(err)), 0);
	assert_null(c.store);
	assert_string_equal(c.registry, "https://registry.npmjs.org");
	assert_int_equal(scan_ctx_lookup(&c, "evil", "1.0.0", NULL, false, &v, NULL, &origin, err,
					 sizeof(err)),
			 0);
	scan_ctx_release(&c);

	snprintf(missing, sizeof(missing), "%s/none.json", fx->dir);
	assert_int_equal(scan_ctx_init(&c, missing, NULL, true, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot read model '%s': No such file or directory", missing);
	assert_string_equal(err, want);
}

static void test_cache_path(void **state)
{
	char buf[256], err[256];
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	(void)state;
	setenv("XDG_CACHE_HOME", "/var/cache/u", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(store_cache_path("results.db", buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "/var/cache/u/snare/results.db");
	setenv("XDG_CACHE_HOME", "relative", 1);
	assert_int_equal(store_cache_path("tarballs", buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "/home/u/.cache/snare/tarballs");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_int_equal(store_cache_path("results.db", buf, sizeof(buf), err, sizeof(err)), -1);
	assert_string_equal(err, "no cache directory: set XDG_CACHE_HOME or HOME");
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

/* The PostgreSQL side of test_bad_files: a database that is not a store,
 * another format, a server that is not there, an unknown user, a damaged
 * report; a URL's password never shows. */
static void test_pg_bad(void **state)
{
	struct fx *fx = *state;
	struct store *s = (struct store *)1;
	struct store_entry e;
	char err[512], want[600], url[PGTMP_URL_MAX];

	/* somebody else's database */
	assert_int_equal(pgtmp_db(pg, url), 0);
	assert_int_equal(pgtmp_sql(url, "CREATE TABLE results (t TEXT)"), 0);
	assert_int_equal(store_open(url, &s, err, sizeof(err)), -1);
	assert_null(s);
	snprintf(want, sizeof(want), "'%s' is not a snare results store", url);
	assert_string_equal(err, want);

	/* a newer format */
	assert_int_equal(pgtmp_db(pg, url), 0);
	assert_int_equal(pgtmp_sql(url, "CREATE TABLE snare_meta (key TEXT PRIMARY KEY, format "
					"INTEGER); INSERT INTO snare_meta VALUES ('results', 7)"),
			 0);
	assert_int_equal(store_open(url, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "results store '%s' has format 7; this snare reads format 1",
		 url);
	assert_string_equal(err, want);

	/* no server */
	assert_int_equal(store_open("postgresql:///snare?host=/nonexistent", &s, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cannot open results store 'postgresql:///snare?host=/"
				    "nonexistent': "));
	assert_null(strchr(err, '\n'));
	/* an unknown user, with a password that must not show */
	snprintf(url, sizeof(url), "postgresql://intruder:hunter2@/snare?host=%s", pg->dir);
	assert_int_equal(store_open(url, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "cannot open results store 'postgresql://intruder:***@/snare?host=%s': "
		 "role \"intruder\" does not exist",
		 pg->dir);
	assert_string_equal(err, want);

	/* a damaged report */
	json_t *r = report("evil", "1.0.0", "registry", SHA512_A);
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, r, "malicious", "m1", "https://registry.example");
	store_close(s);
	json_decref(r);
	assert_int_equal(pgtmp_sql(fx->db, "UPDATE results SET report = '\\x789c0b'::bytea"), 0);
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	struct store_query q = {.name = "evil",
				.version = "1.0.0",
				.integrity = "sha512-" SHA512_A,
				.model = "m1",
				.with_report = true};
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "results store '%s': the stored report of 'evil@1.0.0' is damaged", fx->db);
	assert_string_equal(err, want);
	q.with_report = false;
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	store_entry_release(&e);
	store_close(s);
}

/* A server restarted between two calls: the store reconnects. */
/* Writes a claim on x@1.0.0 as another process would: |host|, |pid|,
 * |since| (through SQL, in either back end). */
static void claim_as(const struct fx *fx, const char *host, long long pid, long long since)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "UPDATE %s SET host = '%s', pid = %lld, since = %lld"
		 " WHERE name = 'x' AND version = '1.0.0'",
		 pg ? "snare_claims" : "claims", host, pid, since);
	if (pg) {
		assert_int_equal(pgtmp_sql(fx->db, sql), 0);
	} else {
		sqlite3 *db;

		assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_changes(db), 1);
		sqlite3_close(db);
	}
}

/* Concurrent batches claim a package before detonating it: a live
 * holder's claim holds, a dead one's or an old one's is taken over, and
 * only the holder drops it. */
static void test_claims(void **state)
{
	struct fx *fx = *state;
	struct store *s;
	struct store_claim h;
	char err[512] = "", host[256] = "";
	long long now = (long long)time(NULL);
	pid_t dead;

	gethostname(host, sizeof(host) - 1);
	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	/* nothing claimed yet, no table: dropping is nothing */
	assert_int_equal(store_unclaim(s, "x", "1.0.0", err, sizeof(err)), 0);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 1);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 1); /* ours */
	/* a live process on this host (pid 1) holds it */
	claim_as(fx, host, 1, now);
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 0);
	assert_string_equal(h.host, host);
	assert_int_equal(h.pid, 1);
	assert_int_equal(h.since, now);
	/* not ours: dropping leaves it */
	assert_int_equal(store_unclaim(s, "x", "1.0.0", err, sizeof(err)), 0);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 0);
	/* its process is gone: taken over */
	dead = fork();
	if (dead == 0)
		_exit(0);
	assert_true(dead > 0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	claim_as(fx, host, dead, now);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 1);
	/* another host's: held while recent, taken over when stale */
	claim_as(fx, "elsewhere.test", 4242, now - 60);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 0);
	assert_string_equal(h.host, "elsewhere.test");
	claim_as(fx, "elsewhere.test", 4242, now - STORE_CLAIM_STALE_SECS - 1);
	assert_int_equal(store_claim(s, "x", "1.0.0", &h, err, sizeof(err)), 1);
	/* ours dropped: free for anyone */
	assert_int_equal(store_unclaim(s, "x", "1.0.0", err, sizeof(err)), 0);
	/* another package is another claim */
	assert_int_equal(store_claim(s, "y", "1.0.0", &h, err, sizeof(err)), 1);
	assert_string_equal(err, "");
	store_close(s);
}

static void test_claim_stale(void **state)
{
	struct store_claim c = {.pid = 1, .since = 1000};

	(void)state;
	gethostname(c.host, sizeof(c.host) - 1);
	assert_false(store_claim_stale(&c, 1000 + STORE_CLAIM_STALE_SECS));
	assert_true(store_claim_stale(&c, 1001 + STORE_CLAIM_STALE_SECS));
	c.pid = 0;
	assert_true(store_claim_stale(&c, 1000));
	snprintf(c.host, sizeof(c.host), "elsewhere.test");
	c.pid = 999999999;
	assert_false(store_claim_stale(&c, 1000)); /* cannot be checked: recent holds */
}

static void test_pg_restart(void **state)
{
	struct fx *fx = *state;
	struct store *s;
	struct store_entry e;
	char err[512] = "";
	json_t *r = report("evil", "1.0.0", "registry", SHA512_A);
	struct store_query q = {.name = "evil", .version = "1.0.0", .model = "m1"};

	assert_int_equal(store_open(fx->db, &s, err, sizeof(err)), 0);
	put(s, r, "malicious", "m1", "https://registry.example");
	assert_int_equal(pgtmp_restart(pg), 0);
	assert_int_equal(store_get(s, &q, &e, err, sizeof(err)), 1);
	assert_string_equal(e.label, "malicious");
	store_entry_release(&e);
	put(s, r, "benign", "m2", "https://registry.example");
	store_close(s);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rescore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_store_and_errors, setup, teardown),
		cmocka_unit_test(test_cache_path),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
		cmocka_unit_test(test_claim_stale),
	};
	/* the same semantics on the PostgreSQL back end */
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rescore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
	};
	struct pgtmp cluster;
	int failed = cmocka_run_group_tests_name("store", tests, NULL, NULL);

	if (pgtmp_start(&cluster) < 0) {
		fprintf(stderr, "store-pg: no PostgreSQL cluster for the tests\n");
		return 1;
	}
	pg = &cluster;
	failed += cmocka_run_group_tests_name("store-pg", pg_tests, NULL, NULL);
	pg = NULL;
	pgtmp_stop(&cluster);
	return failed;
}
