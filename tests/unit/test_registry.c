/* Tests for src/fetch/registry.c.  No internet: packuments are JSON strings,
 * and the HTTP paths run against a small server thread on 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "fetch/registry.h"
#include "util/xalloc.h"
#include "tmpdir.h"

#define TB "https://registry.npmjs.org/left-pad/-/left-pad-"
/* SRI and shasum of the 3 bytes "abc", the "tarball" the test server serves. */
#define ABC_SHA512                                                                                 \
	"sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
#define ABC_SHASUM "a9993e364706816aba3e25717850c26c9cd0d89d"
#define HELLO_SHA512                                                                               \
	"sha512-58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ=="

static const char left_pad[] =
	"{\"name\":\"left-pad\","
	" \"dist-tags\":{\"latest\":\"1.3.0\",\"next\":\"2.0.0-beta.1\",\"broken\":\"7.0.0\"},"
	" \"versions\":{"
	"  \"0.0.3\":{\"dist\":{\"tarball\":\"" TB "0.0.3.tgz\"}},"
	"  \"0.1.5\":{\"dist\":{\"tarball\":\"" TB "0.1.5.tgz\"}},"
	"  \"1.0.0\":{\"dist\":{\"tarball\":\"" TB "1.0.0.tgz\",\"shasum\":\"" ABC_SHASUM "\"}},"
	"  \"1.1.0\":{\"dist\":{\"tarball\":\"" TB "1.1.0.tgz\"}},"
	"  \"1.1.3\":{\"dist\":{\"tarball\":\"" TB "1.1.3.tgz\"}},"
	"  \"1.3.0\":{\"dist\":{\"tarball\":\"" TB "1.3.0.tgz\",\"integrity\":\"" ABC_SHA512
	"\",\"shasum\":\"" ABC_SHASUM "\"}},"
	"  \"1.4.0\":{\"dist\":{\"tarball\":\"" TB "1.4.0.tgz\"}},"
	"  \"2.0.0-beta.1\":{\"dist\":{\"tarball\":\"" TB "2.0.0-beta.1.tgz\"}},"
	"  \"10.0.0\":{\"dist\":{\"tarball\":\"" TB "10.0.0.tgz\"}},"
	"  \"11.0.0-rc.1\":{\"dist\":{\"tarball\":\"" TB "11.0.0-rc.1.tgz\"}},"
	"  \"12.0.0\":{\"name\":\"left-pad\"},"
	"  \"13.0.0\":{\"dist\":{\"shasum\":\"" ABC_SHASUM "\"}},"
	"  \"14.0.0\":{\"dist\":{\"tarball\":\"file:///etc/passwd\"}}"
	" }}";

/*
 * pkgspec_parse
 */

static void assert_spec(const char *spec, const char *name, const char *version)
{
	char *n = NULL, *v = NULL;
	char err[256] = "";

	assert_int_equal(pkgspec_parse(spec, &n, &v, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(n, name);
	assert_string_equal(v, version);
	free(n);
	free(v);
}

static void assert_bad_spec(const char *spec, const char *msg)
{
	char *n = (char *)"junk", *v = (char *)"junk";
	char err[256];

	assert_int_equal(pkgspec_parse(spec, &n, &v, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_null(n);
	assert_null(v);
}

static void test_pkgspec_parse(void **state)
{
	(void)state;
	assert_spec("left-pad", "left-pad", "latest");
	assert_spec("left-pad@1.3.0", "left-pad", "1.3.0");
	assert_spec("left-pad@", "left-pad", "latest");
	assert_spec("left-pad@^1.2.0", "left-pad", "^1.2.0");
	assert_spec("left-pad@>=1.0.0 <2", "left-pad", ">=1.0.0 <2");
	assert_spec("@scope/name", "@scope/name", "latest");
	assert_spec("@scope/name@next", "@scope/name", "next");
	assert_spec("@types/node@20.1.0", "@types/node", "20.1.0");
	assert_spec("JSONStream@1.3.5", "JSONStream", "1.3.5");
}

static void test_pkgspec_parse_errors(void **state)
{
	(void)state;
	assert_bad_spec("", "invalid package spec '': name cannot be empty");
	assert_bad_spec(NULL, "invalid package spec '': name cannot be empty");
	assert_bad_spec("@1.0.0",
			"invalid package spec '@1.0.0': scoped name must look like '@scope/name'");
	assert_bad_spec("@scope",
			"invalid package spec '@scope': scoped name must look like '@scope/name'");
	assert_bad_spec(
		"@scope/@1",
		"invalid package spec '@scope/@1': scoped name must look like '@scope/name'");
	assert_bad_spec("left pad@1",
			"invalid package spec 'left pad@1': name cannot contain spaces");
	assert_bad_spec(
		"github:user/repo",
		"invalid package spec 'github:user/repo': name can only contain URL-friendly characters");
	assert_bad_spec("x@1\n2", "invalid package spec 'x@1?2': control character in version");
}

/*
 * registry_pick
 */

struct fixture {
	json_t *packument;
	struct pkg_ref ref;
	char err[512];
};

static int pick_setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	json_error_t jerr;

	fx->packument = json_loads(left_pad, 0, &jerr);
	if (!fx->packument) {
		fprintf(stderr, "packument: line %d: %s\n", jerr.line, jerr.text);
		return -1;
	}
	*state = fx;
	return 0;
}

static int pick_teardown(void **state)
{
	struct fixture *fx = *state;

	pkg_ref_release(&fx->ref);
	json_decref(fx->packument);
	free(fx);
	return 0;
}

static void assert_picks(struct fixture *fx, const char *want, const char *version)
{
	char *url = xasprintf(TB "%s.tgz", version);

	pkg_ref_release(&fx->ref);
	fx->err[0] = '\0';
	assert_int_equal(
		registry_pick(fx->packument, "left-pad", want, &fx->ref, fx->err, sizeof(fx->err)),
		0);
	assert_string_equal(fx->err, "");
	assert_string_equal(fx->ref.name, "left-pad");
	assert_string_equal(fx->ref.version, version);
	assert_string_equal(fx->ref.tarball_url, url);
	free(url);
}

static void assert_pick_fails(struct fixture *fx, const char *want, const char *msg)
{
	pkg_ref_release(&fx->ref);
	assert_int_equal(
		registry_pick(fx->packument, "left-pad", want, &fx->ref, fx->err, sizeof(fx->err)),
		-1);
	assert_string_equal(fx->err, msg);
	assert_null(fx->ref.name);
	assert_null(fx->ref.tarball_url);
}

static void test_version_valid(void **state)
{
	(void)state;
	assert_true(pkgspec_version_valid("1.2.3"));
	assert_true(pkgspec_version_valid("0.0.0-use.local"));
	assert_true(pkgspec_version_valid("1.2.3-rc.1+build.5"));
	assert_false(pkgspec_version_valid(NULL));
	assert_false(pkgspec_version_valid(""));
	assert_false(pkgspec_version_valid("v1.2.3"));
	assert_false(pkgspec_version_valid("=1.2.3"));
	assert_false(pkgspec_version_valid("^1.2.3"));
	assert_false(pkgspec_version_valid("1.2"));
	assert_false(pkgspec_version_valid("1.2.x"));
	assert_false(pkgspec_version_valid("1.2.3 || 2"));
	assert_false(pkgspec_version_valid("--help"));
}

static void test_pick_exact(void **state)
{
	struct fixture *fx = *state;

	assert_picks(fx, "1.0.0", "1.0.0");
	assert_null(fx->ref.integrity);
	assert_string_equal(fx->ref.shasum, ABC_SHASUM);
	assert_picks(fx, "v1.1.0", "1.1.0");
	assert_null(fx->ref.shasum);
	assert_picks(fx, "=1.4.0", "1.4.0");
	assert_picks(fx, "2.0.0-beta.1", "2.0.0-beta.1");
}

static void test_pick_tags(void **state)
{
	struct fixture *fx = *state;

	assert_picks(fx, "latest", "1.3.0");
	assert_string_equal(fx->ref.integrity, ABC_SHA512);
	assert_string_equal(fx->ref.shasum, ABC_SHASUM);
	assert_picks(fx, "", "1.3.0");
	assert_picks(fx, NULL, "1.3.0");
	assert_picks(fx, "next", "2.0.0-beta.1");
}

static void test_pick_ranges(void **state)
{
	struct fixture *fx = *state;

	/* "latest" wins whenever it satisfies the range ... */
	assert_picks(fx, "^1.0.0", "1.3.0");
	assert_picks(fx, "1.x", "1.3.0");
	assert_picks(fx, "*", "1.3.0");
	/* ... else the highest match, never a prerelease. */
	assert_picks(fx, "^1.3.1", "1.4.0");
	assert_picks(fx, ">=1.3.1 <12", "10.0.0");
	assert_picks(fx, ">1.4 <=10", "10.0.0");
	assert_picks(fx, ">= 2.0.0-alpha <11", "10.0.0");
	assert_picks(fx, "~1.1", "1.1.3");
	assert_picks(fx, "~1.1.0", "1.1.3");
	assert_picks(fx, "1.1", "1.1.3");
	assert_picks(fx, "^0.1.0", "0.1.5");
	assert_picks(fx, "^0.0.3", "0.0.3");
	assert_picks(fx, "<1.0.0", "0.1.5");
	assert_picks(fx, "<=1.1", "1.1.3");
	assert_picks(fx, ">1.1 <1.4", "1.3.0");
	assert_picks(fx, ">=1.1.0 <1.3.0", "1.1.3");
	assert_picks(fx, "1.0.0 - 1.1", "1.1.3");
	assert_picks(fx, "1.0.0 - 1.1.0", "1.1.0");
	assert_picks(fx, "^5 || ~0.0.3", "0.0.3");
	assert_picks(fx, "^10.0.0-beta", "10.0.0");
	assert_picks(fx, ">1.3.0-rc.1 <1.4", "1.3.0");
}

static void test_pick_errors(void **state)
{
	struct fixture *fx = *state;

	assert_pick_fails(fx, "9.9.9", "unknown version '9.9.9' of 'left-pad'");
	assert_pick_fails(fx, "v9.9.9", "unknown version 'v9.9.9' of 'left-pad'");
	assert_pick_fails(fx, "beta", "unknown version or tag 'beta' of 'left-pad'");
	assert_pick_fails(fx, "^9.0.0", "no version of 'left-pad' matches '^9.0.0'");
	assert_pick_fails(fx, "^11", "no version of 'left-pad' matches '^11'");
	assert_pick_fails(fx, "broken",
			  "dist-tag 'broken' of 'left-pad' points to the unknown version '7.0.0'");
	assert_pick_fails(fx, "12.0.0", "version '12.0.0' of 'left-pad' has no dist");
	assert_pick_fails(fx, "13.0.0", "version '13.0.0' of 'left-pad' has no tarball URL");
	assert_pick_fails(
		fx, "14.0.0",
		"version '14.0.0' of 'left-pad' has a tarball URL that is not http(s): 'file:///etc/passwd'");
}

static void test_pick_no_versions(void **state)
{
	struct pkg_ref ref;
	char err[256];
	json_t *p = json_loads("{\"name\":\"x\",\"dist-tags\":{\"latest\":\"1.0.0\"}}", 0, NULL);

	(void)state;
	assert_int_equal(registry_pick(p, "x", "latest", &ref, err, sizeof(err)), -1);
	assert_string_equal(err, "registry entry for 'x' has no versions");
	json_decref(p);
	/* No "latest" tag: the word is neither a version nor a range. */
	p = json_loads("{\"versions\":{\"1.0.0\":{}}}", 0, NULL);
	assert_int_equal(registry_pick(p, "x", "latest", &ref, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown version or tag 'latest' of 'x'");
	json_decref(p);
}

static void test_time_parse(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(registry_time_parse("2020-01-01T00:00:00.000Z", &t), 0);
	assert_int_equal(t, 1577836800);
	assert_int_equal(registry_time_parse("2020-01-02T00:00:01Z", &t), 0);
	assert_int_equal(t, 1577836800 + 86401);
	assert_int_equal(registry_time_parse("2020-01-01T00:00:00.000+02:00", &t), -1);
	assert_int_equal(registry_time_parse("2020-01-01", &t), -1);
	assert_int_equal(registry_time_parse("yesterday", &t), -1);
	assert_int_equal(registry_time_parse(NULL, &t), -1);
}

static void test_publish_time(void **state)
{
	json_t *p = json_loads("{\"time\": {\"1.0.0\": \"2021-06-01T12:00:00.123Z\", "
			       "\"2.0.0\": 7, \"modified\": \"2022-01-01T00:00:00Z\"}}",
			       0, NULL);
	char err[256];
	time_t t = 0;

	(void)state;
	assert_int_equal(registry_publish_time(p, "x", "1.0.0", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1622548800);
	assert_int_equal(registry_publish_time(p, "x", "2.0.0", &t, err, sizeof(err)), -1);
	assert_string_equal(err, "the registry's publish date of 'x@2.0.0' is not a date");
	assert_int_equal(registry_publish_time(p, "x", "3.0.0", &t, err, sizeof(err)), -1);
	assert_string_equal(err, "the registry gives no publish date for 'x@3.0.0'");
	json_decref(p);
}

/*
 * HTTP, against a server thread on 127.0.0.1.
 */

struct route {
	const char *path;
	int status;
	const char *body;
	int fail_first; /* answer 503 this many times first */
};

struct server {
	int lfd;
	int port;
	struct route *routes;
	size_t nroutes;
	int requests;
	char last_request[2048];
	bool stop;
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct server *s = arg;

	for (;;) {
		int fd = accept(s->lfd, NULL, NULL);
		char req[2048], path[512], *hdr;
		size_t len = 0;
		const struct route *r = NULL;
		int status = 404;
		const char *body = "{\"error\":\"Not found\"}";

		if (fd < 0)
			continue;
		if (s->stop) {
			close(fd);
			return NULL;
		}
		while (len < sizeof(req) - 1) {
			ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

			if (n <= 0)
				break;
			len += (size_t)n;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[len] = '\0';
		s->requests++;
		memcpy(s->last_request, req, len + 1);
		if (sscanf(req, "GET %511s", path) == 1) {
			for (size_t i = 0; i < s->nroutes; i++)
				if (!strcmp(s->routes[i].path, path))
					r = &s->routes[i];
		}
		if (r && r->fail_first > 0) {
			s->routes[r - s->routes].fail_first--;
			status = 503;
			body = "busy";
		} else if (r) {
			status = r->status;
			body = r->body;
		}
		hdr = xasprintf("HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
				status, strlen(body));
		if (write(fd, hdr, strlen(hdr)) < 0 || write(fd, body, strlen(body)) < 0)
			perror("test server write");
		free(hdr);
		close(fd);
	}
}

static void server_start(struct server *s, struct route *routes, size_t nroutes)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t salen = sizeof(sa);

	memset(s, 0, sizeof(*s));
	s->routes = routes;
	s->nroutes = nroutes;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &salen), 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->stop = true;
	/* Wakes the accept() up. */
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pthread_join(s->thread, NULL);
	close(fd);
	close(s->lfd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_resolve_unreachable(void **state)
{
	struct pkg_ref ref;
	char err[512];
	double t0 = now();

	(void)state;
	assert_int_equal(
		registry_resolve("http://127.0.0.1:1/", "left-pad", &ref, err, sizeof(err)), -1);
	assert_string_equal(
		err, "cannot reach registry 'http://127.0.0.1:1': Couldn't connect to server");
	assert_null(ref.name);
	/* Three quick retries, not a 60 s timeout. */
	assert_true(now() - t0 < 5.0);
}

static void test_resolve_bad_spec_needs_no_network(void **state)
{
	struct pkg_ref ref;
	char err[512];

	(void)state;
	assert_int_equal(registry_resolve("http://127.0.0.1:1", "Bad Name", &ref, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "invalid package spec 'Bad Name': name cannot contain spaces");
}

struct http_fixture {
	struct server srv;
	struct route routes[8];
	char *registry;
	char *packument;
	char dir[TMPDIR_MAX];
	char *path;
	char err[512];
	struct pkg_ref ref;
};

static int http_setup(void **state)
{
	struct http_fixture *fx = xcalloc(1, sizeof(*fx));

	if (tmpdir_make(fx->dir, "registry") < 0)
		return -1;
	fx->path = xasprintf("%s/pkg.tgz", fx->dir);
	fx->routes[0] = (struct route){"/@acme%2fwidget", 200, NULL, 0};
	fx->routes[1] = (struct route){"/t/widget-1.0.0.tgz", 200, "abc", 0};
	fx->routes[2] = (struct route){"/flaky", 200, NULL, 2};
	fx->routes[3] = (struct route){"/down", 200, "{}", 99};
	fx->routes[4] = (struct route){"/bad", 200, "{\"versions\": nope}", 0};
	fx->routes[5] = (struct route){"/private", 403, "{}", 0};
	server_start(&fx->srv, fx->routes, 6);
	fx->registry = xasprintf("http://127.0.0.1:%d", fx->srv.port);
	fx->packument = xasprintf("{\"name\":\"@acme/widget\",\"dist-tags\":{\"latest\":\"1.0.0\"},"
				  "\"versions\":{\"1.0.0\":{\"dist\":{"
				  "\"tarball\":\"%s/t/widget-1.0.0.tgz\","
				  "\"integrity\":\"" ABC_SHA512 "\"}}}}",
				  fx->registry);
	fx->routes[0].body = fx->packument;
	fx->routes[2].body = fx->packument;
	*state = fx;
	return 0;
}

static int http_teardown(void **state)
{
	struct http_fixture *fx = *state;
	server_stop(&fx->srv);
	pkg_ref_release(&fx->ref);
	tmpdir_remove(fx->dir);
	free(fx->path);
	free(fx->registry);
	free(fx->packument);
	free(fx);
	return 0;
}

static void test_resolve_and_download(void **state)
{
	struct http_fixture *fx = *state;
	char *url = xasprintf("%s/t/widget-1.0.0.tgz", fx->registry);
	char buf[16] = "";
	FILE *f;

	assert_int_equal(registry_resolve(fx->registry, "@acme/widget@^1.0.0", &fx->ref, fx->err,
					  sizeof(fx->err)),
			 0);
	/* The scope's '/' is sent as %2f, with npm's abbreviated-packument Accept. */
	assert_non_null(strstr(fx->srv.last_request, "GET /@acme%2fwidget HTTP/1.1\r\n"));
	assert_non_null(strstr(fx->srv.last_request,
			       "\r\nAccept: application/vnd.npm.install-v1+json; q=1.0, "
			       "application/json; q=0.8\r\n"));
	assert_string_equal(fx->ref.name, "@acme/widget");
	assert_string_equal(fx->ref.version, "1.0.0");
	assert_string_equal(fx->ref.tarball_url, url);
	assert_string_equal(fx->ref.integrity, ABC_SHA512);
	assert_null(fx->ref.shasum);

	assert_int_equal(registry_download(&fx->ref, fx->path, fx->err, sizeof(fx->err)), 0);
	f = fopen(fx->path, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 3);
	fclose(f);
	assert_string_equal(buf, "abc");
	free(url);
}

static void test_published_http(void **state)
{
	struct http_fixture *fx = *state;
	time_t t = 0;

	assert_int_equal(registry_published(fx->registry, "@acme/widget", "1.0.0", &t, fx->err,
					    sizeof(fx->err)),
			 -1);
	assert_string_equal(fx->err, "the registry gives no publish date for '@acme/widget@1.0.0'");
	/* the full packument: npm's abbreviated one has no "time" */
	assert_non_null(strstr(fx->srv.last_request, "GET /@acme%2fwidget HTTP/1.1\r\n"));
	assert_non_null(strstr(fx->srv.last_request, "\r\nAccept: application/json\r\n"));
	assert_int_equal(
		registry_published(fx->registry, "nope", "1.0.0", &t, fx->err, sizeof(fx->err)),
		-1);
	assert_string_equal(fx->err, "unknown package 'nope'");
}

static void test_download_shasum_only(void **state)
{
	struct http_fixture *fx = *state;
	struct pkg_ref ref = {
		.name = (char *)"w", .version = (char *)"1.0.0", .shasum = (char *)ABC_SHASUM};
	struct stat st;

	ref.tarball_url = xasprintf("%s/t/widget-1.0.0.tgz", fx->registry);
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_size, 3);
	free(ref.tarball_url);
}

static void assert_no_files(struct http_fixture *fx)
{
	char *part = xasprintf("%s.%ld.part", fx->path, (long)getpid());
	struct stat st;

	assert_int_equal(stat(fx->path, &st), -1);
	assert_int_equal(stat(part, &st), -1);
	free(part);
}

static void test_download_integrity_mismatch(void **state)
{
	struct http_fixture *fx = *state;
	struct pkg_ref ref = {.integrity = (char *)HELLO_SHA512};
	char *want =
		xasprintf("integrity mismatch for '%s': expected " HELLO_SHA512 ", got " ABC_SHA512,
			  fx->path);

	ref.tarball_url = xasprintf("%s/t/widget-1.0.0.tgz", fx->registry);
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	assert_no_files(fx);
	free(ref.tarball_url);
	free(want);
}

static void test_download_errors(void **state)
{
	struct http_fixture *fx = *state;
	struct pkg_ref ref = {.integrity = (char *)ABC_SHA512};
	char *want;

	ref.tarball_url = xasprintf("%s/t/missing.tgz", fx->registry);
	want = xasprintf("cannot download '%s': HTTP 404", ref.tarball_url);
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	assert_no_files(fx);
	free(want);

	ref.integrity = NULL;
	want = xasprintf("no integrity or shasum for '%s'", ref.tarball_url);
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	assert_no_files(fx);
	free(want);

	ref.shasum = (char *)"xyz";
	want = xasprintf("invalid shasum 'xyz' for '%s'", ref.tarball_url);
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	free(want);
	free(ref.tarball_url);

	ref.tarball_url = (char *)"http://127.0.0.1:1/x.tgz";
	ref.shasum = (char *)ABC_SHASUM;
	assert_int_equal(registry_download(&ref, fx->path, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(
		fx->err, "cannot download 'http://127.0.0.1:1/x.tgz': Couldn't connect to server");
	assert_no_files(fx);
}

static void test_resolve_http_errors(void **state)
{
	struct http_fixture *fx = *state;
	char *want;

	assert_int_equal(registry_resolve(fx->registry, "nope", &fx->ref, fx->err, sizeof(fx->err)),
			 -1);
	assert_string_equal(fx->err, "unknown package 'nope'");

	want = xasprintf("registry '%s' answered HTTP 403 for 'private'", fx->registry);
	assert_int_equal(
		registry_resolve(fx->registry, "private", &fx->ref, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, want);
	free(want);

	want = xasprintf(
		"registry '%s' sent invalid JSON for 'bad': line 1: invalid token near 'nope'",
		fx->registry);
	assert_int_equal(registry_resolve(fx->registry, "bad", &fx->ref, fx->err, sizeof(fx->err)),
			 -1);
	assert_string_equal(fx->err, want);
	free(want);
}

static void test_resolve_retries_5xx(void **state)
{
	struct http_fixture *fx = *state;
	char *want;

	/* Two 503s, then the packument: the third attempt succeeds. */
	assert_int_equal(
		registry_resolve(fx->registry, "flaky@latest", &fx->ref, fx->err, sizeof(fx->err)),
		0);
	assert_string_equal(fx->ref.name, "flaky");
	assert_string_equal(fx->ref.version, "1.0.0");
	assert_int_equal(fx->srv.requests, 3);

	pkg_ref_release(&fx->ref);
	/* Always 503: one try and three retries, then the status is reported. */
	want = xasprintf("registry '%s' answered HTTP 503 for 'down'", fx->registry);
	assert_int_equal(registry_resolve(fx->registry, "down", &fx->ref, fx->err, sizeof(fx->err)),
			 -1);
	assert_string_equal(fx->err, want);
	assert_int_equal(fx->srv.requests, 3 + 4);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkgspec_parse),
		cmocka_unit_test(test_pkgspec_parse_errors),
		cmocka_unit_test(test_version_valid),
		cmocka_unit_test_setup_teardown(test_pick_exact, pick_setup, pick_teardown),
		cmocka_unit_test_setup_teardown(test_pick_tags, pick_setup, pick_teardown),
		cmocka_unit_test_setup_teardown(test_pick_ranges, pick_setup, pick_teardown),
		cmocka_unit_test_setup_teardown(test_pick_errors, pick_setup, pick_teardown),
		cmocka_unit_test(test_pick_no_versions),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_publish_time),
		cmocka_unit_test_setup_teardown(test_published_http, http_setup, http_teardown),
		cmocka_unit_test(test_resolve_unreachable),
		cmocka_unit_test(test_resolve_bad_spec_needs_no_network),
		cmocka_unit_test_setup_teardown(test_resolve_and_download, http_setup,
						http_teardown),
		cmocka_unit_test_setup_teardown(test_download_shasum_only, http_setup,
						http_teardown),
		cmocka_unit_test_setup_teardown(test_download_integrity_mismatch, http_setup,
						http_teardown),
		cmocka_unit_test_setup_teardown(test_download_errors, http_setup, http_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_http_errors, http_setup,
						http_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_retries_5xx, http_setup,
						http_teardown),
	};

	/* Everything here talks to 127.0.0.1 directly. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
