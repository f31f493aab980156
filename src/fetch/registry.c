#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "util/base64.h"
#include "util/errbuf.h"
#include "fetch/hash.h"
#include "fetch/pkgjson.h"
#include "fetch/registry.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define HTTP_RETRIES 3
#define HTTP_BACKOFF_MS 250
#define USER_AGENT "snare (npm package sandbox)"
/* Version numbers longer than this are refused rather than overflowing. */
#define SEMVER_MAX_DIGITS 15

void pkg_ref_release(struct pkg_ref *ref)
{
	if (!ref)
		return;
	free(ref->name);
	free(ref->version);
	free(ref->tarball_url);
	free(ref->integrity);
	free(ref->shasum);
	memset(ref, 0, sizeof(*ref));
}

int pkgspec_parse(const char *spec, char **name, char **version_or_tag, char *err, size_t errlen)
{
	cleanup_free char *n = NULL;
	const char *at, *why;

	*name = NULL;
	*version_or_tag = NULL;
	if (!spec || !spec[0]) {
		errbuf_set(err, errlen, "invalid package spec '': name cannot be empty");
		return -1;
	}
	/* The '@' of a scope is part of the name. */
	at = strchr(spec + (spec[0] == '@'), '@');
	n = at ? xstrndup(spec, (size_t)(at - spec)) : xstrdup(spec);
	why = pkgjson_name_problem(n);
	if (why) {
		errbuf_set(err, errlen, "invalid package spec '%s': %s", spec, why);
		return -1;
	}
	for (const char *p = at ? at + 1 : ""; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			errbuf_set(err, errlen,
				   "invalid package spec '%s': control character in version", spec);
			return -1;
		}
	}
	*version_or_tag = xstrdup(at && at[1] ? at + 1 : "latest");
	*name = steal_pointer(&n);
	return 0;
}

/*
 * Semver, enough for what package.json dependency specs say.  Only versions
 * without a prerelease tag are candidates for a range (as npm does by
 * default), which keeps comparisons simple.
 */

struct semver {
	long long v[3];
	bool pre; /* has a -prerelease part */
};

/* Parses up to three dot-separated numbers or wildcards (x, X, *) after an
 * optional "v" or "=", then an optional -prerelease and +build.  |*nparts|
 * is how many leading numbers were given (a wildcard ends them).  Returns the
 * end of what was parsed, or NULL. */
static const char *partial_parse(const char *s, struct semver *p, int *nparts)
{
	bool wild = false;

	memset(p, 0, sizeof(*p));
	*nparts = 0;
	while (*s == 'v' || *s == '=')
		s++;
	for (int i = 0; i < 3; i++) {
		if (*s == 'x' || *s == 'X' || *s == '*') {
			wild = true;
			s++;
		} else if (*s >= '0' && *s <= '9') {
			int digits = 0;

			if (wild)
				return NULL;
			while (*s >= '0' && *s <= '9') {
				if (++digits > SEMVER_MAX_DIGITS)
					return NULL;
				p->v[i] = p->v[i] * 10 + (*s++ - '0');
			}
			*nparts = i + 1;
		} else {
			return NULL;
		}
		if (*s != '.')
			break;
		s++;
	}
	if (*s == '-') {
		if (*nparts < 3)
			return NULL;
		p->pre = true;
		s++;
		if (!*s ||
		    !strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", *s))
			return NULL;
		s += strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.");
	}
	if (*s == '+') {
		s++;
		s += strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.");
	}
	return s;
}

/* A complete version "1.2.3[-pre][+build]", nothing else. */
static bool semver_parse(const char *s, struct semver *v)
{
	int n;
	const char *end = partial_parse(s, v, &n);

	return end && !*end && n == 3;
}

bool pkgspec_version_valid(const char *v)
{
	struct semver sv;

	return v && v[0] >= '0' && v[0] <= '9' && semver_parse(v, &sv);
}

/* Compares the release |a| with |b|, which may be a prerelease: a release
 * sorts after the prereleases of the same numbers. */
static int semver_cmp(const struct semver *a, const struct semver *b)
{
	for (int i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	if (a->pre != b->pre)
		return a->pre ? -1 : 1;
	return 0;
}

/* The version just above everything matching the first |n| parts of |p|:
 * 1.2 -> 1.3.0, 1 -> 2.0.0. */
static struct semver bump(const struct semver *p, int n)
{
	struct semver r = {{0, 0, 0}, false};

	for (int i = 0; i < n - 1; i++)
		r.v[i] = p->v[i];
	r.v[n - 1] = p->v[n - 1] + 1;
	return r;
}

/* Whether release |v| satisfies one comparator "<op><partial>".  Returns 1,
 * 0, or -1 when |tok| is not a comparator. */
static int comparator_match(const char *tok, const struct semver *v)
{
	static const char *const ops[] = {">=", "<=", "~>", ">", "<", "^", "~", "="};
	const char *op = "";
	struct semver p, hi;
	const char *end;
	int n, lo_cmp;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strncmp(tok, ops[i], strlen(ops[i]))) {
			op = ops[i];
			tok += strlen(op);
			break;
		}
	}
	if (!*tok && *op)
		return -1;
	if (*tok) {
		end = partial_parse(tok, &p, &n);
		if (!end || *end)
			return -1;
	} else {
		memset(&p, 0, sizeof(p));
		n = 0;
	}
	lo_cmp = semver_cmp(v, &p); /* |p| with missing parts as 0 */
	if (!strcmp(op, ">"))
		return n == 0	? 0
		       : n == 3 ? lo_cmp > 0
				: semver_cmp(v, (hi = bump(&p, n), &hi)) >= 0;
	if (!strcmp(op, "<"))
		return n == 0 ? 0 : lo_cmp < 0;
	if (!strcmp(op, ">="))
		return lo_cmp >= 0;
	if (!strcmp(op, "<="))
		return n == 0 ||
		       (n == 3 ? lo_cmp <= 0 : semver_cmp(v, (hi = bump(&p, n), &hi)) < 0);
	if (n == 0)
		return 1;
	if (!strcmp(op, "^")) {
		/* Up to the first non-zero part given: ^1.2.3 <2, ^0.2.3 <0.3, ^0.0.3 <0.0.4. */
		int k = 1;

		while (k < n && p.v[k - 1] == 0)
			k++;
		hi = bump(&p, k);
		return lo_cmp >= 0 && semver_cmp(v, &hi) < 0;
	}
	if (!strcmp(op, "~") || !strcmp(op, "~>")) {
		hi = bump(&p, n == 1 ? 1 : 2);
		return lo_cmp >= 0 && semver_cmp(v, &hi) < 0;
	}
	/* "=" or none: the given parts must be equal. */
	if (n == 3)
		return lo_cmp == 0;
	hi = bump(&p, n);
	return lo_cmp >= 0 && semver_cmp(v, &hi) < 0;
}

/* "A - B" with partial A and B. */
static int hyphen_match(const char *a, const char *b, const struct semver *v)
{
	struct semver lo, hi;
	const char *end;
	int n;

	end = partial_parse(a, &lo, &n);
	if (!end || *end)
		return -1;
	end = partial_parse(b, &hi, &n);
	if (!end || *end)
		return -1;
	if (semver_cmp(v, &lo) < 0)
		return 0;
	if (n == 0)
		return 1;
	if (n == 3)
		return semver_cmp(v, &hi) <= 0;
	hi = bump(&hi, n);
	return semver_cmp(v, &hi) < 0;
}

/* Whether |v| satisfies the range |range|: comparator sets joined by "||",
 * each a space-separated list of comparators that must all match (an
 * operator may stand apart from its version: ">= 1.2").  Returns 1, 0, or
 * -1 when |range| is not a range. */
static int range_match(const char *range, const struct semver *v)
{
	cleanup_free char *copy = xstrdup(range);
	char *set = copy;
	int any = 0;

	for (;;) {
		char *bar = strstr(set, "||");
		char *tok[64];
		int ntok = 0, all = 1;
		char *save = NULL;

		if (bar)
			*bar = '\0';
		for (char *t = strtok_r(set, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			if (ntok == (int)(sizeof(tok) / sizeof(tok[0])))
				return -1;
			tok[ntok++] = t;
		}
		for (int i = 0; i < ntok; i++) {
			int m;

			if (i + 2 < ntok && !strcmp(tok[i + 1], "-")) {
				m = hyphen_match(tok[i], tok[i + 2], v);
				i += 2;
			} else if (strspn(tok[i], "<>=~^") == strlen(tok[i]) && i + 1 < ntok) {
				/* ">= 1.2": glue the operator to its version. */
				char glued[128];

				if (snprintf(glued, sizeof(glued), "%s%s", tok[i], tok[i + 1]) >=
				    (int)sizeof(glued))
					return -1;
				m = comparator_match(glued, v);
				i++;
			} else {
				m = comparator_match(tok[i], v);
			}
			if (m < 0)
				return -1;
			all &= m;
		}
		any |= all; /* an empty set is "*" */
		if (!bar)
			break;
		set = bar + 2;
	}
	return any;
}

/* The version |want| picks among the keys of |versions|, or NULL. */
static const char *pick_range(json_t *versions, json_t *tags, const char *want)
{
	const char *latest = json_string_value(json_object_get(tags, "latest"));
	const char *best = NULL, *key;
	struct semver v, bestv = {{0, 0, 0}, false};
	json_t *val;

	/* npm prefers the "latest" tag whenever it satisfies the range. */
	if (latest && json_object_get(versions, latest) && semver_parse(latest, &v) && !v.pre &&
	    range_match(want, &v) == 1)
		return latest;
	json_object_foreach (versions, key, val) {
		if (!semver_parse(key, &v) || v.pre || range_match(want, &v) != 1)
			continue;
		if (!best || semver_cmp(&v, &bestv) > 0) {
			best = key;
			bestv = v;
		}
	}
	return best;
}

int registry_satisfies(const json_t *packument, const char *version, const char *want)
{
	const char *tagged;
	struct semver v, w;

	if (!want || !want[0])
		want = "latest";
	if (!strcmp(version, want))
		return 1;
	tagged = json_string_value(json_object_get(json_object_get(packument, "dist-tags"), want));
	if (tagged)
		return !strcmp(tagged, version);
	if (semver_parse(want, &w))
		return !strcmp(want + strspn(want, "v="), version);
	if (range_match(want, &(struct semver){{0, 0, 0}, false}) < 0)
		return -1;
	if (!semver_parse(version, &v) || v.pre)
		return 0;
	return range_match(want, &v) == 1;
}

static int fill_ref(json_t *versions, const char *name, const char *version, struct pkg_ref *ref,
		    char *err, size_t errlen)
{
	json_t *dist = json_object_get(json_object_get(versions, version), "dist");
	const char *tarball = json_string_value(json_object_get(dist, "tarball"));
	const char *integrity = json_string_value(json_object_get(dist, "integrity"));
	const char *shasum = json_string_value(json_object_get(dist, "shasum"));

	if (!json_is_object(dist)) {
		errbuf_set(err, errlen, "version '%s' of '%s' has no dist", version, name);
		return -1;
	}
	if (!tarball || !tarball[0]) {
		errbuf_set(err, errlen, "version '%s' of '%s' has no tarball URL", version, name);
		return -1;
	}
	/* libcurl would also read file:// and others. */
	if (strncmp(tarball, "https://", 8) != 0 && strncmp(tarball, "http://", 7) != 0) {
		errbuf_set(err, errlen,
			   "version '%s' of '%s' has a tarball URL that is not http(s): '%s'",
			   version, name, tarball);
		return -1;
	}
	ref->name = xstrdup(name);
	ref->version = xstrdup(version);
	ref->tarball_url = xstrdup(tarball);
	ref->integrity = integrity && integrity[0] ? xstrdup(integrity) : NULL;
	ref->shasum = shasum && shasum[0] ? xstrdup(shasum) : NULL;
	return 0;
}

int registry_pick(json_t *packument, const char *name, const char *want, struct pkg_ref *ref,
		  char *err, size_t errlen)
{
	json_t *versions = json_object_get(packument, "versions");
	json_t *tags = json_object_get(packument, "dist-tags");
	const char *tagged, *version = NULL;
	struct semver v;
	int r;

	memset(ref, 0, sizeof(*ref));
	if (!want || !want[0])
		want = "latest";
	if (!json_is_object(versions)) {
		errbuf_set(err, errlen, "registry entry for '%s' has no versions", name);
		return -1;
	}
	if (json_object_get(versions, want)) {
		version = want;
	} else if ((tagged = json_string_value(json_object_get(tags, want)))) {
		if (!json_object_get(versions, tagged)) {
			errbuf_set(err, errlen,
				   "dist-tag '%s' of '%s' points to the unknown version '%s'", want,
				   name, tagged);
			return -1;
		}
		version = tagged;
	} else if (semver_parse(want, &v)) {
		/* "v1.2.3" or "=1.2.3" names the key "1.2.3". */
		const char *bare = want + strspn(want, "v=");

		if (!json_object_get(versions, bare)) {
			errbuf_set(err, errlen, "unknown version '%s' of '%s'", want, name);
			return -1;
		}
		version = bare;
	} else {
		r = range_match(want, &(struct semver){{0, 0, 0}, false});
		if (r < 0) {
			errbuf_set(err, errlen, "unknown version or tag '%s' of '%s'", want, name);
			return -1;
		}
		version = pick_range(versions, tags, want);
		if (!version) {
			errbuf_set(err, errlen, "no version of '%s' matches '%s'", name, want);
			return -1;
		}
	}
	if (fill_ref(versions, name, version, ref, err, errlen) < 0) {
		pkg_ref_release(ref);
		return -1;
	}
	return 0;
}

/*
 * HTTP with libcurl.
 */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The concurrency limit: a counting semaphore of transfers. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_free = PTHREAD_COND_INITIALIZER;
static unsigned slots_max, slots_used;

void registry_set_concurrency(unsigned n)
{
	pthread_mutex_lock(&slots_lock);
	slots_max = n;
	pthread_cond_broadcast(&slots_free);
	pthread_mutex_unlock(&slots_lock);
}

static void slot_take(void)
{
	pthread_mutex_lock(&slots_lock);
	while (slots_max && slots_used >= slots_max)
		pthread_cond_wait(&slots_free, &slots_lock);
	slots_used++;
	pthread_mutex_unlock(&slots_lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&slots_lock);
	slots_used--;
	pthread_cond_signal(&slots_free);
	pthread_mutex_unlock(&slots_lock);
}

/* Where a response body goes: memory or a file, never past |cap|. */
struct sink {
	struct strbuf *mem;
	int fd;
	uint64_t cap;
	uint64_t got;
	bool toobig;
	int werrno;
};

static size_t sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t len = size * nmemb;

	if (s->got + len > s->cap) {
		s->toobig = true;
		return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	s->got += len;
	if (s->mem) {
		strbuf_add(s->mem, data, len);
		return len;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(s->fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			s->werrno = errno;
			return 0;
		}
		off += (size_t)w;
	}
	return len;
}

static int sink_reset(struct sink *s)
{
	s->got = 0;
	s->toobig = false;
	s->werrno = 0;
	if (s->mem) {
		strbuf_reset(s->mem);
		return 0;
	}
	if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0) {
		s->werrno = errno;
		return -1;
	}
	return 0;
}

static bool retryable(CURLcode code, long status)
{
	switch (code) {
	case CURLE_OK:
		return status >= 500 || status == 429;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static int (*stop_fn)(void);

void registry_set_stop(int (*stop)(void))
{
	stop_fn = stop;
}

static int stop_check(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		      curl_off_t ulnow)
{
	(void)arg;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return stop_fn && stop_fn() ? 1 : 0;
}

/* GETs |url| into |s|, retrying network errors and 5xx answers.  A total
 * |timeout| of 0 means a low-speed limit instead (for big downloads).  Sets
 * |*status| to the last HTTP status (0 when none) and returns the last
 * libcurl result. */
static CURLcode http_get(const char *url, const char *accept, long timeout, struct sink *s,
			 long *status)
{
	struct curl_slist *headers = NULL;
	cleanup_free char *accept_hdr = xasprintf("Accept: %s", accept);
	CURLcode code = CURLE_FAILED_INIT;
	long backoff_ms;
	CURL *c;

	*status = 0;
	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK)
		return curl_init_result;
	c = curl_easy_init();
	if (!c)
		return CURLE_FAILED_INIT;
	headers = curl_slist_append(headers, accept_hdr);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	if (timeout) {
		curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	} else {
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
	}
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->cap);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, stop_check);

	for (int attempt = 0;; attempt++) {
		if (sink_reset(s) < 0) {
			code = CURLE_WRITE_ERROR;
			break;
		}
		*status = 0;
		slot_take();
		code = curl_easy_perform(c);
		slot_give();
		if (code == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (attempt == HTTP_RETRIES || !retryable(code, *status) || (stop_fn && stop_fn()))
			break;
		log_debug("GET %s: %s (HTTP %ld), retrying", url, curl_easy_strerror(code),
			  *status);
		backoff_ms = (long)HTTP_BACKOFF_MS << attempt;
		nanosleep(&(struct timespec){backoff_ms / 1000, backoff_ms % 1000 * 1000000L},
			  NULL);
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return code;
}

#define ACCEPT_ABBREVIATED "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
#define ACCEPT_FULL "application/json"

/* The packument of |name| at |registry| (NULL: the default), abbreviated
 * or |full|: a new reference, or NULL with |err|. */
static json_t *get_packument(const char *registry, const char *name, bool full, char *err,
			     size_t errlen)
{
	cleanup_free char *base = xstrdup(registry ? registry : REGISTRY_DEFAULT);
	cleanup_free char *url = NULL;
	struct sink s = {.fd = -1, .cap = REGISTRY_MAX_PACKUMENT_BYTES};
	struct strbuf body;
	json_error_t jerr;
	json_t *packument = NULL;
	const char *slash;
	CURLcode code;
	long status;

	for (size_t n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';
	/* Valid names are URL-safe but for the scope's '/'. */
	slash = strchr(name, '/');
	if (slash)
		url = xasprintf("%s/%.*s%%2f%s", base, (int)(slash - name), name, slash + 1);
	else
		url = xasprintf("%s/%s", base, name);

	strbuf_init(&body, 0);
	s.mem = &body;
	code = http_get(url, full ? ACCEPT_FULL : ACCEPT_ABBREVIATED, 60L, &s, &status);
	if (s.toobig || code == CURLE_FILESIZE_EXCEEDED)
		errbuf_set(err, errlen, "registry entry for '%s' is larger than %llu MiB", name,
			   REGISTRY_MAX_PACKUMENT_BYTES >> 20);
	else if (code != CURLE_OK)
		errbuf_set(err, errlen, "cannot reach registry '%s': %s", base,
			   curl_easy_strerror(code));
	else if (status == 404)
		errbuf_set(err, errlen, "unknown package '%s'", name);
	else if (status != 200)
		errbuf_set(err, errlen, "registry '%s' answered HTTP %ld for '%s'", base, status,
			   name);
	else if (!(packument = json_loadb(body.buf, body.len, 0, &jerr)))
		errbuf_set(err, errlen, "registry '%s' sent invalid JSON for '%s': line %d: %s",
			   base, name, jerr.line, jerr.text);
	strbuf_release(&body);
	return packument;
}

json_t *registry_packument(const char *registry, const char *name, char *err, size_t errlen)
{
	return get_packument(registry, name, false, err, errlen);
}

int registry_resolve(const char *registry, const char *spec, struct pkg_ref *ref, char *err,
		     size_t errlen)
{
	cleanup_free char *name = NULL;
	cleanup_free char *want = NULL;
	json_t *packument;
	int ret;

	memset(ref, 0, sizeof(*ref));
	if (pkgspec_parse(spec, &name, &want, err, errlen) < 0)
		return -1;
	packument = get_packument(registry, name, false, err, errlen);
	if (!packument)
		return -1;
	ret = registry_pick(packument, name, want, ref, err, errlen);
	json_decref(packument);
	return ret;
}

int registry_time_parse(const char *iso, time_t *when)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!end)
		return -1;
	if (*end == '.') /* fractions of a second */
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (strcmp(end, "Z") != 0)
		return -1;
	*when = timegm(&tm);
	return *when == (time_t)-1 ? -1 : 0;
}

int registry_publish_time(const json_t *packument, const char *name, const char *version,
			  time_t *when, char *err, size_t errlen)
{
	const json_t *t = json_object_get(json_object_get(packument, "time"), version);

	if (!t) {
		errbuf_set(err, errlen, "the registry gives no publish date for '%s@%s'", name,
			   version);
		return -1;
	}
	if (registry_time_parse(json_string_value(t), when) < 0) {
		errbuf_set(err, errlen, "the registry's publish date of '%s@%s' is not a date",
			   name, version);
		return -1;
	}
	return 0;
}

int registry_published(const char *registry, const char *name, const char *version, time_t *when,
		       char *err, size_t errlen)
{
	json_t *packument = get_packument(registry, name, true, err, errlen);
	int ret;

	if (!packument)
		return -1;
	ret = registry_publish_time(packument, name, version, when, err, errlen);
	json_decref(packument);
	return ret;
}

/* "sha1-<base64>" from a hex SHA-1, or NULL when |hex| is not one. */
static char *shasum_sri(const char *hex)
{
	unsigned char bin[20];
	char b64[32];

	if (strlen(hex) != 40)
		return NULL;
	for (size_t i = 0; i < 20; i++) {
		unsigned int byte;

		if (!strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return NULL;
		bin[i] = (unsigned char)byte;
	}
	base64_encode_to(b64, bin, sizeof(bin));
	return xasprintf("sha1-%s", b64);
}

int registry_download(const struct pkg_ref *ref, const char *path, char *err, size_t errlen)
{
	cleanup_free char *sri = NULL;
	cleanup_free char *tmp = NULL;
	cleanup_fd int fd = -1;
	struct sink s = {.cap = REGISTRY_MAX_TARBALL_BYTES};
	CURLcode code;
	long status;

	if (!ref->tarball_url) {
		errbuf_set(err, errlen, "no tarball URL for '%s@%s'", ref->name ? ref->name : "",
			   ref->version ? ref->version : "");
		return -1;
	}
	if (ref->integrity)
		sri = xstrdup(ref->integrity);
	else if (ref->shasum && !(sri = shasum_sri(ref->shasum))) {
		errbuf_set(err, errlen, "invalid shasum '%s' for '%s'", ref->shasum,
			   ref->tarball_url);
		return -1;
	}
	if (!sri) {
		/* Fail closed: an unverifiable tarball is not analysed. */
		errbuf_set(err, errlen, "no integrity or shasum for '%s'", ref->tarball_url);
		return -1;
	}
	/* one .part per process: two scans may fetch into the same cache */
	tmp = xasprintf("%s.%ld.part", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		errbuf_set(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		return -1;
	}
	s.fd = fd;
	code = http_get(ref->tarball_url, "*/*", 0L, &s, &status);
	if (s.toobig || code == CURLE_FILESIZE_EXCEEDED)
		errbuf_set(err, errlen, "tarball '%s' is larger than %llu MiB", ref->tarball_url,
			   REGISTRY_MAX_TARBALL_BYTES >> 20);
	else if (s.werrno)
		errbuf_set(err, errlen, "cannot write '%s': %s", tmp, strerror(s.werrno));
	else if (code != CURLE_OK)
		errbuf_set(err, errlen, "cannot download '%s': %s", ref->tarball_url,
			   curl_easy_strerror(code));
	else if (status != 200)
		errbuf_set(err, errlen, "cannot download '%s': HTTP %ld", ref->tarball_url, status);
	else if (close(steal_fd(&fd)) < 0)
		errbuf_set(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
	else if (integrity_check_as(tmp, path, sri, err, errlen) == 0) {
		if (rename(tmp, path) == 0)
			return 0;
		errbuf_set(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path,
			   strerror(errno));
	}
	unlink(tmp);
	return -1;
}
