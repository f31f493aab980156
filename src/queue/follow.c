/* snare follow: the registry's changes feed into the job queue (see
 * queue.h).  CouchDB's _changes replication protocol: each read returns
 * {"results": [{"seq", "id", "deleted"?}, ...], "last_seq"}; every change
 * names a package whose packument is then read for its versions. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "queue/queue.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/xalloc.h"

/* Largest feed page or packument read. */
#define FOLLOW_MAX_BYTES (64u << 20)
#define BACKOFF_MAX_MS 30000

struct buf {
	char *data;
	size_t len;
	bool toobig;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t k = size * n;

	if (b->len + k > FOLLOW_MAX_BYTES) {
		b->toobig = true;
		return 0;
	}
	b->data = xrealloc(b->data, b->len + k + 1);
	memcpy(b->data + b->len, p, k);
	b->len += k;
	b->data[b->len] = '\0';
	return k;
}

/* GET |url| as JSON.  1 and |*out|, 0 for a 404, -1 with |err|. */
static int get_json(const char *url, json_t **out, char *err, size_t errlen)
{
	struct buf b = {0};
	CURL *c = curl_easy_init();
	CURLcode rc;
	long status = 0;
	json_error_t je;

	*out = NULL;
	if (!c) {
		errbuf_set(err, errlen, "cannot read '%s': out of memory", url);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "snare-follow");
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		errbuf_set(err, errlen, "cannot read '%s': %s", url,
			   b.toobig ? "larger than 64 MiB" : curl_easy_strerror(rc));
		free(b.data);
		return -1;
	}
	if (status == 404) {
		free(b.data);
		return 0;
	}
	if (status != 200) {
		errbuf_set(err, errlen, "cannot read '%s': HTTP %ld", url, status);
		free(b.data);
		return -1;
	}
	*out = json_loadb(b.data ? b.data : "", b.len, 0, &je);
	free(b.data);
	if (!*out) {
		errbuf_set(err, errlen, "'%s' is not JSON: %s", url, je.text);
		return -1;
	}
	return 1;
}

/* A seq as text: CouchDB 1 numbers, CouchDB 2+ opaque strings. */
static char *seq_text(const json_t *s)
{
	if (json_is_integer(s))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(s));
	if (json_is_string(s) && json_string_length(s) > 0)
		return xstrdup(json_string_value(s));
	return NULL;
}

struct follower {
	const struct follow_opts *o;
	struct queue *q;
	const char *feed;
	sigset_t sigs;
	bool stop;
	long long changes, queued;
};

/* Sleeps |ms| unless SIGTERM or SIGINT arrives first. */
static void nap(struct follower *f, unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	int sig = sigtimedwait(&f->sigs, NULL, &ts);

	if (sig == SIGTERM || sig == SIGINT)
		f->stop = true;
}

static void poll_signals(struct follower *f)
{
	nap(f, 0);
}

/* Records one change (retrying a lost database).  0, or -1 with |err|
 * when the database refuses it. */
static int apply(struct follower *f, const char *seq, const char *name, const char *const *versions,
		 size_t n, char *err, size_t errlen)
{
	unsigned backoff = 1000;
	long long added = 0;

	while (queue_follow_apply(f->q, f->feed, seq, name, versions, n, &added, err, errlen) < 0) {
		if (!queue_lost(f->q))
			return -1;
		log_warn("%s; reconnecting", err);
		while (queue_reconnect(f->q, err, errlen) < 0 && !f->stop) {
			nap(f, backoff);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
		}
		if (f->stop)
			return 0;
	}
	f->queued += added;
	if (added)
		log_info("%s: %lld new version%s queued (seq %s)", name, added,
			 added == 1 ? "" : "s", seq);
	return 0;
}

/* The versions of the packument of |name| into |*out| (borrowed from
 * |*doc|).  1, 0 when the registry does not know it, -1 with |err|. */
static int versions_of(struct follower *f, const char *name, json_t **doc, const char ***out,
		       size_t *n, char *err, size_t errlen)
{
	char *esc = xstrdup(name), *slash = strchr(esc, '/');
	char *url;
	int r;

	if (slash) {
		*slash = '\0';
		url = xasprintf("%s/%s%%2f%s", f->o->registry, esc, slash + 1);
	} else {
		url = xasprintf("%s/%s", f->o->registry, esc);
	}
	free(esc);
	r = get_json(url, doc, err, errlen);
	free(url);
	*out = NULL;
	*n = 0;
	if (r <= 0)
		return r;
	json_t *vs = json_object_get(*doc, "versions");
	const char *k;
	json_t *v;
	*out = xcalloc(json_object_size(vs) + 1, sizeof(**out));
	json_object_foreach (vs, k, v) {
		if (json_is_object(v))
			(*out)[(*n)++] = k;
	}
	return 1;
}

/* Reads the versions of one change's package and records them.  0, or
 * -1 with |err| when the database refuses it. */
static int change(struct follower *f, const json_t *ch, const char *id, const char *s, char *err,
		  size_t errlen)
{
	unsigned backoff = 1000;
	json_t *doc = NULL;
	const char **vs = NULL;
	size_t n = 0;
	int known = 0, r = 0;

	if (!json_is_true(json_object_get(ch, "deleted")) && strncmp(id, "_design/", 8) != 0) {
		while ((known = versions_of(f, id, &doc, &vs, &n, err, errlen)) < 0 && !f->stop) {
			log_warn("%s; again in %u s", err, backoff / 1000);
			nap(f, backoff);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
		}
	}
	if (!f->stop)
		r = apply(f, s, id, vs, known > 0 ? n : 0, err, errlen);
	free(vs);
	json_decref(doc);
	return r;
}

/* One page of the feed.  The number of changes read, or -1 with |err|
 * (the page is malformed or the database refused a change). */
static int read_page(struct follower *f, char **seq, char *err, size_t errlen)
{
	char *url = xasprintf("%s/_changes?since=%s&limit=%u", f->feed, *seq, f->o->limit);
	json_t *page = NULL;
	int r, count = 0;
	unsigned backoff = 1000;

	while ((r = get_json(url, &page, err, errlen)) < 0 && !f->stop) {
		/* a registry that does not answer now may later */
		log_warn("%s; again in %u s", err, backoff / 1000);
		nap(f, backoff);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	if (f->stop) {
		free(url);
		json_decref(page);
		return 0;
	}
	json_t *results = json_object_get(page, "results");
	if (r == 0 || !json_is_array(results)) {
		errbuf_set(err, errlen, "malformed changes feed '%s': %s", url,
			   r == 0 ? "not found" : "no \"results\" array");
		free(url);
		json_decref(page);
		return -1;
	}
	size_t i;
	json_t *ch;
	json_array_foreach (results, i, ch) {
		const char *id = json_string_value(json_object_get(ch, "id"));
		char *s = seq_text(json_object_get(ch, "seq"));
		if (!id || !id[0] || !s) {
			errbuf_set(err, errlen, "malformed changes feed '%s': change %zu has no %s",
				   url, i, s ? "id" : "seq");
			free(s);
			count = -1;
			break;
		}
		if (f->stop) {
			free(s);
			break;
		}
		if (change(f, ch, id, s, err, errlen) < 0)
			count = -1;
		if (count < 0) {
			free(s);
			break;
		}
		free(*seq);
		*seq = s;
		count++;
		f->changes++;
		poll_signals(f);
	}
	/* nothing new: CouchDB's last_seq replaces a "now" (kept in memory;
	 * the checkpoint moves with the next change) */
	char *last = count == 0 ? seq_text(json_object_get(page, "last_seq")) : NULL;
	if (last) {
		free(*seq);
		*seq = last;
	}
	free(url);
	json_decref(page);
	return count;
}

int follow_run(const struct follow_opts *o, char *err, size_t errlen)
{
	struct follower f = {.o = o, .feed = o->feed ? o->feed : o->registry};
	sigset_t old;
	char *seq = NULL;
	int r, rc = 0;

	if (queue_open(o->url, &f.q, err, errlen) < 0)
		return -1;
	r = queue_follow_checkpoint(f.q, f.feed, &seq, err, errlen);
	if (r < 0) {
		queue_close(f.q);
		return -1;
	}
	if (r == 0)
		seq = xstrdup(o->since ? o->since : "now");
	else if (o->since)
		log_info("resuming at the checkpoint %s (--since %s is for a new follower)", seq,
			 o->since);
	sigemptyset(&f.sigs);
	sigaddset(&f.sigs, SIGTERM);
	sigaddset(&f.sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &f.sigs, &old);
	log_info("following '%s' from seq %s", f.feed, seq);
	while (!f.stop) {
		r = read_page(&f, &seq, err, errlen);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0) {
			if (o->once)
				break;
			nap(&f, o->poll_ms);
		}
	}
	if (rc == 0)
		log_info("%lld change%s read, %lld version%s queued; at seq %s", f.changes,
			 f.changes == 1 ? "" : "s", f.queued, f.queued == 1 ? "" : "s", seq);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(seq);
	queue_close(f.q);
	return rc;
}
