/* A throwaway PostgreSQL cluster for a unit test binary (one per binary,
 * not per case: initdb takes seconds), through tests/helpers/pgtmp.sh:
 * Unix socket only, owned by a non-root user when the test runs as root,
 * stopped by its pid at the end.  Each case takes a fresh database of its
 * own (pgtmp_db).  Header-only, like tmpdir.h. */
#ifndef SNARE_TEST_PGTMP_H
#define SNARE_TEST_PGTMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tmpdir.h"

#define PGTMP_SCRIPT "tests/helpers/pgtmp.sh"
#define PGTMP_URL_MAX 256

struct pgtmp {
	char dir[TMPDIR_MAX];
	int ndb;
};

static inline int pgtmp_run(const char *cmd, const char *dir)
{
	char *line = xasprintf("sh %s %s %s >/dev/null", PGTMP_SCRIPT, cmd, dir);
	int rc = system(line);

	free(line);
	return rc == 0 ? 0 : -1;
}

/* Starts a cluster in a new temporary directory.  0, or -1 after the
 * helper's one line on stderr (no server installed, initdb failed). */
static inline int pgtmp_start(struct pgtmp *p)
{
	memset(p, 0, sizeof(*p));
	if (tmpdir_make(p->dir, "pg") < 0)
		return -1;
	if (pgtmp_run("start", p->dir) < 0) {
		pgtmp_run("stop", p->dir);
		tmpdir_remove(p->dir);
		return -1;
	}
	return 0;
}

/* Stops the server, waits for it and removes the directory. */
static inline void pgtmp_stop(struct pgtmp *p)
{
	pgtmp_run("stop", p->dir);
	tmpdir_remove(p->dir);
}

/* Restarts the server (its clients lose their connections). */
static inline int pgtmp_restart(struct pgtmp *p)
{
	return pgtmp_run("restart", p->dir);
}

/* The URL of database |db| of the cluster into |url| (PGTMP_URL_MAX). */
static inline void pgtmp_url(const struct pgtmp *p, const char *db, char *url)
{
	snprintf(url, PGTMP_URL_MAX, "postgresql:///%s?host=%s&user=snare", db, p->dir);
}

/* Runs |sql| in the database of |url|.  0, or -1 with the error on
 * stderr. */
static inline int pgtmp_sql(const char *url, const char *sql)
{
	PGconn *c;
	PGresult *r;
	int rc = -1;

	c = PQconnectdb(url);
	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
			     ? 0
			     : -1;
		PQclear(r);
	}
	if (rc < 0)
		fprintf(stderr, "pgtmp: %s: %s", sql, PQerrorMessage(c));
	PQfinish(c);
	return rc;
}

/* Creates a new empty database and puts its URL into |url|. */
static inline int pgtmp_db(struct pgtmp *p, char *url)
{
	char name[32], sql[64], admin[PGTMP_URL_MAX];

	snprintf(name, sizeof(name), "t%d", ++p->ndb);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	pgtmp_url(p, "postgres", admin);
	if (pgtmp_sql(admin, sql) < 0)
		return -1;
	pgtmp_url(p, name, url);
	return 0;
}

#endif
