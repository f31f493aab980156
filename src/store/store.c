#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "store/backend.h"
#include "store/store.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/xalloc.h"

bool store_is_url(const char *path)
{
	return path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11));
}

/* |url| without the password of its user ("postgresql://u:***@h/db"). */
static char *shown_path(const char *path)
{
	const char *p = strstr(path, "://"), *at, *colon, *slash;

	if (!store_is_url(path) || !p)
		return xstrdup(path);
	p += 3;
	at = strchr(p, '@');
	colon = strchr(p, ':');
	slash = strchr(p, '/');
	if (!at || !colon || colon > at || (slash && slash < at))
		return xstrdup(path);
	return xasprintf("%.*s***%s", (int)(colon + 1 - path), path, at);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->ops)
		s->ops->close(s);
	free(s->path);
	free(s);
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int r;

	*out = NULL;
	s->path = shown_path(path);
	if (store_is_url(path))
		r = store_pg_open(s, path, err, errlen);
	else
		r = store_sqlite_open(s, path, err, errlen);
	if (r < 0) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_begin(struct store *s, char *err, size_t errlen)
{
	return s->ops->begin(s, err, errlen);
}

int store_commit(struct store *s, char *err, size_t errlen)
{
	return s->ops->commit(s, err, errlen);
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
	struct store_blob b = {0};
	int r;

	memset(e, 0, sizeof(*e));
	r = s->ops->get(s, q, e, &b, err, errlen);
	if (r <= 0) {
		store_entry_release(e);
		free(b.data);
		return r;
	}
	if (!e->verdict || !e->label || !e->name || !e->version) {
		errbuf_set(err, errlen, "results store '%s': the row of '%s@%s' is damaged",
			   s->path, q->name, q->version);
		store_entry_release(e);
		free(b.data);
		return -1;
	}
	if (q->with_report) {
		e->report = b.data ? inflate_report(b.data, b.len, b.size) : NULL;
		free(b.data);
		if (!e->report) {
			errbuf_set(err, errlen,
				   "results store '%s': the stored report of '%s@%s' is damaged",
				   s->path, q->name, q->version);
			store_entry_release(e);
			return -1;
		}
	}
	return 1;
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
	long long now = (long long)time(NULL);
	struct store_row row = {
		.name = name,
		.version = version,
		.integrity = integrity,
		.model = r->model,
		.source = type,
		.registry = registry ? r->registry : NULL,
		.features_schema = r->features_schema,
		.report_schema = rschema,
		.label = label,
		.probability = json_number_value(prob),
		.verdict = vtext,
		.report = z,
		.report_len = zlen,
		.report_size = (long long)tlen,
		.scanned_at = r->scanned_at ? r->scanned_at : now,
		.scored_at = now,
	};
	ret = s->ops->put(s, &row, err, errlen);
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

bool store_claim_stale(const struct store_claim *c, long long now)
{
	char host[sizeof(c->host)] = "";

	if (now - c->since > STORE_CLAIM_STALE_SECS || now < c->since - 60)
		return true;
	gethostname(host, sizeof(host) - 1);
	/* EPERM: alive, another user's */
	return !strcmp(c->host, host) &&
	       (c->pid <= 0 || (kill((pid_t)c->pid, 0) < 0 && errno == ESRCH));
}

/* The claim this process makes. */
static void own_claim(struct store_claim *c)
{
	memset(c, 0, sizeof(*c));
	gethostname(c->host, sizeof(c->host) - 1);
	c->pid = getpid();
	c->since = (long long)time(NULL);
}

static bool may_take(const struct store_claim *held, const struct store_claim *want)
{
	if (!strcmp(held->host, want->host) && held->pid == want->pid)
		return true; /* already ours */
	if (!store_claim_stale(held, want->since))
		return false;
	log_info("taking over the claim of pid %lld on %s (since %lld): stale", held->pid,
		 held->host, held->since);
	return true;
}

int store_claim(struct store *s, const char *name, const char *version, struct store_claim *holder,
		char *err, size_t errlen)
{
	struct store_claim want, held;
	int r;

	own_claim(&want);
	memset(&held, 0, sizeof(held));
	r = s->ops->claim(s, name, version, &want, &held, may_take, err, errlen);
	if (r == 0 && holder)
		*holder = held;
	return r;
}

int store_unclaim(struct store *s, const char *name, const char *version, char *err, size_t errlen)
{
	struct store_claim mine;

	own_claim(&mine);
	return s->ops->unclaim(s, name, version, &mine, err, errlen);
}
