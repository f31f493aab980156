/* Harness for what the channels added reads from the sandboxed package:
 * the servers that speak first (src/netsink/greet.h), the sink's HTTP/2
 * frame reader (src/netsink/h2.h), the HTTP/2 view of a capture
 * (payload_http2()) and the canary search (src/report/canary.h).
 *
 * Input: a client stream.  It is fed to every greet.def protocol and to
 * the HTTP/2 reader whole and split at a point the input's first byte
 * chooses: the replies must be the same either way (a line or a frame cut
 * by two reads is one line or frame).  The stream, with the HTTP/2 preface
 * put in front, is decoded into a view.  The canary search runs on the
 * stream, on its lines as DNS names and on the names joined into streams;
 * with a canary put in the middle, the search finds it. */
#include <string.h>

#include "fuzz.h"
#include "netsink/greet.h"
#include "netsink/h2.h"
#include "report/canary.h"
#include "report/payload.h"
#include "util/xalloc.h"

#define CHAN_FUZZ_OUT 65536
#define CHAN_FUZZ_CANARY "npm_Q2x8Rk3mZp7TtY1wLc9VbN4sHj6Ge0Ua5XdF"

static void chan_fuzz_greet(int port, const uint8_t *d, size_t n, size_t cut)
{
	struct greet a, b;
	char *oa = xmalloc(CHAN_FUZZ_OUT), *ob = xmalloc(CHAN_FUZZ_OUT);

	greet_init(&a, port, "198.18.0.1", 40123);
	greet_init(&b, port, "198.18.0.1", 40123);
	/* one feed at a time, each into a buffer as the sink gives (4 KiB) */
	size_t la = 0, lb = 0;
	for (size_t off = 0; off < n; off += 512) {
		size_t k = n - off < 512 ? n - off : 512;
		la += greet_feed(&a, (const char *)d + off, k, oa + la, CHAN_FUZZ_OUT - la);
		FUZZ_CHECK(la < CHAN_FUZZ_OUT);
	}
	lb = greet_feed(&b, (const char *)d, cut, ob, CHAN_FUZZ_OUT);
	for (size_t off = cut; off < n; off += 512) {
		size_t k = n - off < 512 ? n - off : 512;
		lb += greet_feed(&b, (const char *)d + off, k, ob + lb, CHAN_FUZZ_OUT - lb);
	}
	FUZZ_CHECK(la == lb && memcmp(oa, ob, la) == 0);
	FUZZ_CHECK(a.closing == b.closing);
	free(oa);
	free(ob);
}

static void chan_fuzz_h2(const uint8_t *d, size_t n, size_t cut)
{
	struct h2 a = {0}, b = {0};
	uint8_t *oa = xmalloc(CHAN_FUZZ_OUT), *ob = xmalloc(CHAN_FUZZ_OUT);
	uint8_t *s = xmalloc(n + H2_PREFACE_LEN);

	memcpy(s, H2_PREFACE, H2_PREFACE_LEN);
	memcpy(s + H2_PREFACE_LEN, d, n);
	size_t la = h2_feed(&a, s, n + H2_PREFACE_LEN, oa, CHAN_FUZZ_OUT);
	cut += H2_PREFACE_LEN;
	size_t lb = h2_feed(&b, s, cut, ob, CHAN_FUZZ_OUT);
	lb += h2_feed(&b, s + cut, n + H2_PREFACE_LEN - cut, ob + lb, CHAN_FUZZ_OUT - lb);
	FUZZ_CHECK(la <= CHAN_FUZZ_OUT && lb <= CHAN_FUZZ_OUT);
	if (la < CHAN_FUZZ_OUT - 64 && lb < CHAN_FUZZ_OUT - 64) /* nothing dropped */
		FUZZ_CHECK(la == lb && memcmp(oa, ob, la) == 0);

	unsigned char *view;
	size_t vl = payload_http2(s, n + H2_PREFACE_LEN, &view);
	FUZZ_CHECK(vl <= PAYLOAD_VIEW_MAX && (vl == 0) == (view == NULL));
	free(view);
	free(s);
	free(oa);
	free(ob);
}

static void chan_fuzz_canary(const uint8_t *d, size_t n)
{
	size_t cl = strlen(CHAN_FUZZ_CANARY);
	uint8_t *with = xmalloc(n + cl);

	(void)canary_find(d, n, CHAN_FUZZ_CANARY);
	memcpy(with, d, n / 2);
	memcpy(with + n / 2, CHAN_FUZZ_CANARY, cl);
	memcpy(with + n / 2 + cl, d + n / 2, n - n / 2);
	FUZZ_CHECK(canary_find(with, n + cl, CHAN_FUZZ_CANARY) != NULL);
	free(with);

	/* lines as DNS names (NUL ends one) */
	char *text = xmalloc(n + 1);
	const char *names[64];
	size_t nn = 0;
	memcpy(text, d, n);
	text[n] = '\0';
	for (char *p = text; *p && nn < 64;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		names[nn++] = p;
		(void)canary_find_dns(p, CHAN_FUZZ_CANARY);
		if (!nl)
			break;
		p = nl + 1;
	}
	struct dns_stream *st;
	size_t ns = canary_dns_streams(names, nn, &st);
	for (size_t i = 0; i < ns; i++) {
		FUZZ_CHECK(st[i].queries >= 2 && st[i].zone && st[i].data);
		(void)canary_find_dns(st[i].data, CHAN_FUZZ_CANARY);
	}
	canary_dns_streams_release(st, ns);
	free(text);
}

int fuzz_channels(const uint8_t *data, size_t size)
{
	static const int ports[] = {25, 21, 6667, 6379};
	size_t cut = size ? data[0] % (size + 1) : 0;

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		chan_fuzz_greet(ports[i], data, size, cut);
	chan_fuzz_h2(data, size, cut);
	chan_fuzz_canary(data, size);
	return 0;
}

FUZZ_MAIN(channels)
