/* The canary search.  A value is looked for as it would be written by
 * each encoder (plain, hex, base64 at every alignment, base32 at every
 * alignment, URL-escaped), then in what the buffer decodes to (URL
 * escapes, base64 wrapped in lines, gzip and zlib streams found at any
 * offset, base64 and hex runs), and XORed with a short repeating key,
 * which is found by known plaintext: the value itself is the plaintext, so
 * a key of length L is read off L bytes and checked on the rest, and no
 * key is ever guessed. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/canary.h"
#include "report/payload.h"
#include "util/base64.h"
#include "util/xalloc.h"

#define DEPTH_MAX 2	  /* decodings stacked (base64 of gzip of ...) */
#define RUN_MIN 16	  /* shortest base64 or hex run worth decoding */
#define RUNS_MAX 256	  /* runs decoded per buffer */
#define STREAMS_MAX 8	  /* gzip/zlib streams inflated per buffer */
#define XOR_KEY_MAX 32	  /* longest repeating XOR key */
#define XOR_CHECKED_MIN 8 /* value bytes a key must explain beyond itself */

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

static bool contains_ci(const unsigned char *buf, size_t len, const char *needle, bool ci)
{
	size_t n = strlen(needle);
	if (n == 0 || n > len)
		return false;
	if (!ci)
		return memmem(buf, len, needle, n) != NULL;
	const unsigned char *nd = (const unsigned char *)needle;
	unsigned char first = lower(nd[0]);
	for (size_t i = 0; i + n <= len; i++) {
		if (lower(buf[i]) != first)
			continue;
		size_t j = 1;
		while (j < n && lower(buf[i + j]) == lower(nd[j]))
			j++;
		if (j == n)
			return true;
	}
	return false;
}

/* |needle| (lowered here, in place) in |low|, a buffer already lowered:
 * one memmem instead of a byte-by-byte comparison ignoring case. */
static bool contains_lower(const unsigned char *low, size_t len, char *needle)
{
	for (char *p = needle; *p; p++)
		*p = (char)lower((unsigned char)*p);
	return contains_ci(low, len, needle, false);
}

/* The base64 of |value| placed at offset 0, 1 or 2 of a 3-byte group has a
 * stable core that does not depend on its neighbours. */
static bool find_b64(const unsigned char *buf, size_t len, const char *value, bool ci)
{
	size_t n = strlen(value);
	unsigned char *tmp = xmalloc(n + 3 + 1);
	char *enc = xmalloc((n + 3) / 3 * 4 + 8);
	bool found = false;

	for (size_t shift = 0; shift < 3 && !found; shift++) {
		memset(tmp, 0, shift);
		memcpy(tmp + shift, value, n + 1); /* the NUL is not encoded */
		size_t total = base64_encode_to(enc, tmp, n + shift);
		size_t skip = shift ? (shift * 4 + 2) / 3 + 1 : 0;
		size_t tail = 4; /* the last group depends on what follows */
		if (total <= skip + tail + 8)
			continue;
		enc[total - tail] = '\0';
		char *core = enc + skip;
		if (contains_ci(buf, len, core, ci)) {
			found = true;
			break;
		}
		/* URL alphabet */
		for (char *p = core; *p; p++)
			if (*p == '+')
				*p = '-';
			else if (*p == '/')
				*p = '_';
		found = contains_ci(buf, len, core, ci);
	}
	free(tmp);
	free(enc);
	return found;
}

/* The same for base32 (RFC 4648, either case): |value| at each of the
 * five byte offsets of a 5-byte group; the characters whose 5 bits all
 * fall inside the value are its core.  |buf| is lowered (find_direct()),
 * as for find_hex() and find_urlenc(). */
static bool find_b32(const unsigned char *buf, size_t len, const char *value)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t n = strlen(value);
	char *core = xmalloc((n + 5) * 8 / 5 + 2);
	bool found = false;

	for (size_t shift = 0; shift < 5 && !found; shift++) {
		size_t first = (shift * 8 + 4) / 5, end = (shift + n) * 8 / 5, o = 0;
		for (size_t k = first; k < end; k++) {
			unsigned v = 0;
			for (size_t b = 5 * k; b < 5 * k + 5; b++) {
				size_t byte = b / 8;
				unsigned bit = byte < shift ? 0
							    : ((unsigned char)value[byte - shift] >>
							       (7 - b % 8)) &
								      1u;
				v = v << 1 | bit;
			}
			core[o++] = alpha[v];
		}
		core[o] = '\0';
		if (o >= 12)
			found = contains_lower(buf, len, core);
	}
	free(core);
	return found;
}

/* |value| XORed with a repeating key of 1 to XOR_KEY_MAX bytes, at any
 * offset and key phase.  The key is what the first L bytes give; the rest
 * of the value must agree with it. */
static bool find_xor(const unsigned char *buf, size_t len, const char *value)
{
	const unsigned char *v = (const unsigned char *)value;
	size_t n = strlen(value);

	if (n > len || n < 1 + XOR_CHECKED_MIN)
		return false;
	/* For a key of length L, buf[i + j] ^ buf[i + j - L] is key-free and
	 * must equal v[j] ^ v[j - L]: the first such byte filters. */
	size_t starts = len - n + 1;
	unsigned char *d = xmalloc(starts);
	bool found = false;
	for (size_t l = 1; l <= XOR_KEY_MAX && l + XOR_CHECKED_MIN <= n && !found; l++) {
		unsigned char d0 = v[l] ^ v[0];
		size_t i = 0;
		for (; i + 8 <= starts; i += 8) { /* eight bytes at a time */
			uint64_t a, b;
			memcpy(&a, buf + i, 8);
			memcpy(&b, buf + i + l, 8);
			a ^= b;
			memcpy(d + i, &a, 8);
		}
		for (; i < starts; i++)
			d[i] = buf[i + l] ^ buf[i];
		const unsigned char *c = d;
		while (!found && (c = memchr(c, d0, starts - (size_t)(c - d)))) {
			size_t at = (size_t)(c - d), j = l + 1;
			c++;
			while (j < n && (buf[at + j] ^ v[j]) == (buf[at + j - l] ^ v[j - l]))
				j++;
			if (j < n)
				continue;
			for (j = 0; j < l && !found; j++)
				found = buf[at + j] != v[j]; /* a key that is not all zero */
		}
	}
	free(d);
	return found;
}

static bool find_hex(const unsigned char *buf, size_t len, const char *value)
{
	size_t n = strlen(value);
	char *hex = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		static const char d[] = "0123456789abcdef";
		hex[2 * i] = d[(unsigned char)value[i] >> 4];
		hex[2 * i + 1] = d[(unsigned char)value[i] & 15];
	}
	hex[2 * n] = '\0';
	bool h = contains_lower(buf, len, hex);
	free(hex);
	return h;
}

/* URL-encoding only changes reserved characters; a canary made of them
 * shows up with %XX escapes. */
static bool find_urlenc(const unsigned char *buf, size_t len, const char *value)
{
	size_t n = strlen(value), o = 0;
	char *u = xmalloc(3 * n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		if (isalnum(c) || strchr("-_.~", c)) {
			u[o++] = (char)c;
		} else {
			static const char d[] = "0123456789ABCDEF";
			u[o++] = '%';
			u[o++] = d[c >> 4];
			u[o++] = d[c & 15];
		}
	}
	u[o] = '\0';
	bool ue = strcmp(u, value) != 0 && contains_lower(buf, len, u);
	free(u);
	return ue;
}

/* The encodings a value is written in directly. */
static const char *find_direct(const unsigned char *buf, size_t len, const char *value)
{
	const char *r = NULL;

	if (contains_ci(buf, len, value, false))
		return "plain";
	if (find_b64(buf, len, value, false))
		return "base64";
	/* the encodings written in either case, searched in a lowered copy */
	unsigned char *low = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++)
		low[i] = lower(buf[i]);
	if (find_hex(low, len, value))
		r = "hex";
	else if (find_b32(low, len, value))
		r = "base32";
	else if (find_urlenc(low, len, value))
		r = "urlencoded";
	free(low);
	if (!r && find_xor(buf, len, value))
		r = "xor";
	return r;
}

/* "outer+inner" for a value found inside a decoding, in one of a few
 * static buffers (results of nested searches stay valid). */
static const char *compose(const char *outer, const char *inner)
{
	static char ring[8][64];
	static unsigned next;

	if (!inner)
		return NULL;
	char *s = ring[next++ % 8];
	snprintf(s, sizeof(ring[0]), "%s+%s", outer, inner);
	return s;
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by DEPTH_MAX
static const char *find_depth(const unsigned char *buf, size_t len, const char *value, int depth);

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decodes |buf| ('+' is a space, as in forms); NULL when it holds
 * no escape. */
static unsigned char *url_decode(const unsigned char *buf, size_t len, size_t *outlen)
{
	if (!memchr(buf, '%', len))
		return NULL;
	unsigned char *o = xmalloc(len + 1);
	size_t k = 0;
	bool any = false;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (buf[i] == '%' && i + 2 < len && (hi = hexval(buf[i + 1])) >= 0 &&
		    (lo = hexval(buf[i + 2])) >= 0) {
			o[k++] = (unsigned char)(hi << 4 | lo);
			i += 2;
			any = true;
		} else {
			o[k++] = buf[i] == '+' ? ' ' : buf[i];
		}
	}
	if (!any) {
		free(o);
		return NULL;
	}
	*outlen = k;
	return o;
}

/* |buf| without CR and LF (base64 wrapped at 76 columns, as MIME and PEM
 * write it); NULL when there is no line break. */
static unsigned char *unwrap(const unsigned char *buf, size_t len, size_t *outlen)
{
	if (!memchr(buf, '\n', len))
		return NULL;
	unsigned char *o = xmalloc(len);
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\n' && buf[i] != '\r')
			o[k++] = buf[i];
	*outlen = k;
	return o;
}

/* gzip and zlib streams starting anywhere in |buf|. */
// NOLINTNEXTLINE(misc-no-recursion): depth bounded by DEPTH_MAX
static const char *find_streams(const unsigned char *buf, size_t len, const char *value, int depth)
{
	int tries = 0;

	for (size_t i = 0; i + 2 <= len && tries < STREAMS_MAX; i++) {
		const char *how = NULL;
		if (buf[i] == 0x1f && buf[i + 1] == 0x8b)
			how = "gzip";
		else if ((buf[i] & 0x0f) == 8 && (buf[i] >> 4) <= 7 &&
			 ((buf[i] << 8) | buf[i + 1]) % 31 == 0)
			how = "deflate";
		if (!how)
			continue;
		unsigned char *z;
		size_t zl = payload_inflate(buf + i, len - i, 0, &z);
		if (!zl)
			continue;
		tries++;
		const char *r = find_depth(z, zl, value, depth + 1);
		free(z);
		if (r)
			return compose(how, r);
	}
	return NULL;
}

static bool is_b64(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_' || c == '=';
}

/* Runs of base64 (or hex, a subset of it) of RUN_MIN characters or more,
 * decoded and searched: what was encrypted, compressed or cut into a
 * non-aligned frame before it was encoded. */
// NOLINTNEXTLINE(misc-no-recursion): depth bounded by DEPTH_MAX
static const char *find_runs(const unsigned char *buf, size_t len, const char *value, int depth)
{
	int runs = 0;

	for (size_t i = 0; i < len && runs < RUNS_MAX;) {
		if (!is_b64(buf[i]) || buf[i] == '=') {
			i++;
			continue;
		}
		size_t s = i;
		bool hex = true;
		while (i < len && is_b64(buf[i]) && buf[i] != '=') {
			hex = hex && hexval(buf[i]) >= 0;
			i++;
		}
		while (i < len && buf[i] == '=') { /* padding ends a run */
			hex = false;
			i++;
		}
		size_t rl = i - s;
		if (rl < RUN_MIN)
			continue;
		runs++;
		unsigned char *d = xmalloc(rl);
		const char *r = NULL;
		if (hex) {
			size_t k = 0;
			for (size_t j = s; j + 1 < i; j += 2)
				d[k++] = (unsigned char)(hexval(buf[j]) << 4 | hexval(buf[j + 1]));
			r = compose("hex", find_depth(d, k, value, depth + 1));
		}
		ssize_t dl;
		if (!r && (dl = base64_decode((const char *)buf + s, rl, d, rl)) > 0 &&
		    (size_t)dl <= rl)
			r = compose("base64", find_depth(d, (size_t)dl, value, depth + 1));
		free(d);
		if (r)
			return r;
	}
	return NULL;
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by DEPTH_MAX
static const char *find_depth(const unsigned char *buf, size_t len, const char *value, int depth)
{
	const char *r = find_direct(buf, len, value);
	unsigned char *d;
	size_t dl = 0;

	if (r || depth >= DEPTH_MAX)
		return r;
	if ((d = url_decode(buf, len, &dl))) {
		r = find_direct(d, dl, value);
		free(d);
		if (r)
			return !strcmp(r, "plain") ? "urlencoded" : compose("urlencoded", r);
	}
	if ((d = unwrap(buf, len, &dl))) {
		r = find_direct(d, dl, value);
		free(d);
		if (r && strcmp(r, "plain") != 0)
			return r;
		r = NULL;
	}
	if ((r = find_streams(buf, len, value, depth)))
		return r;
	return find_runs(buf, len, value, depth);
}

const char *canary_find(const unsigned char *buf, size_t len, const char *value)
{
	size_t n = strlen(value);

	if (!buf || n < 8)
		return NULL;
	const char *r = find_depth(buf, len, value, 0);
	if (r)
		return r;
	/* Cut or re-framed by the stealer (a regex that takes part of the
	 * token, a line wrapped): 20 characters from the middle of a long
	 * random value are as unique as the whole. */
	if (n >= 32) {
		char mid[21];
		memcpy(mid, value + n / 2 - 10, 20);
		mid[20] = '\0';
		if (contains_ci(buf, len, mid, false))
			return "partial";
	}
	return NULL;
}

static int b32val(int c)
{
	c = toupper(c);
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Decodes |s| (|n| characters) as |how| ('h' hex, '3' base32, '6'
 * base64url) and appends to |dec|; characters outside the alphabet are
 * skipped. */
static size_t decode_into(const char *s, size_t n, int how, unsigned char *dec, size_t cap)
{
	size_t d = 0;

	if (how == 'h') {
		int hi = -1;
		for (size_t i = 0; i < n; i++) {
			int v = hexval((unsigned char)s[i]);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				dec[d++] = (unsigned char)(hi << 4 | v);
				hi = -1;
			}
		}
	} else if (how == '3') {
		uint64_t acc = 0;
		int bits = 0;
		for (size_t i = 0; i < n; i++) {
			int v = b32val((unsigned char)s[i]);
			if (v < 0)
				continue;
			acc = (acc << 5) | (unsigned)v;
			bits += 5;
			if (bits >= 8) {
				dec[d++] = (unsigned char)(acc >> (bits - 8));
				bits -= 8;
			}
		}
	} else {
		ssize_t r = base64_decode(s, n, dec, cap);
		if (r > 0 && (size_t)r <= cap)
			d = (size_t)r;
	}
	return d;
}

static const char *dns_name(const char *r)
{
	static const char *const map[][2] = {
		{"hex", "dns-hex"}, {"base64", "dns-base64"}, {"base32", "dns-base32"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(r, map[i][0]))
			return map[i][1];
	return r;
}

const char *canary_find_dns(const char *name, const char *value)
{
	size_t n = strlen(name), o = 0;
	char *joined = xmalloc(n + 1);
	unsigned char *dec = xmalloc(n + 8);
	const char *r = NULL;
	static const int hows[] = {'h', '3', '6'};
	static const char *const names[] = {"dns-hex", "dns-base32", "dns-base64"};

	if ((r = canary_find((const unsigned char *)name, n, value))) {
		r = dns_name(r);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (name[i] != '.')
			joined[o++] = name[i];
	joined[o] = '\0';
	if ((r = canary_find((const unsigned char *)joined, o, value))) {
		r = dns_name(r);
		goto out;
	}
	/* across labels: the labels joined, then decoded; hex from either
	 * start parity */
	for (size_t h = 0; h < 3 && !r; h++) {
		for (size_t start = 0; start < (hows[h] == 'h' ? 2u : 1u) && start < o && !r;
		     start++) {
			size_t d = decode_into(joined + start, o - start, hows[h], dec, n + 8);
			if (canary_find(dec, d, value))
				r = names[h];
		}
	}
	/* base64 folded to one case on the way (resolvers and DNS libraries
	 * lowercase names): the known value's encoding, matched ignoring case */
	if (!r && find_b64((const unsigned char *)joined, o, value, true))
		r = "dns-base64";
	/* per label: each label encoded on its own, the decodings joined */
	for (size_t h = 0; h < 3 && !r; h++) {
		size_t d = 0;
		for (const char *p = name; *p;) {
			const char *dot = strchr(p, '.');
			size_t l = dot ? (size_t)(dot - p) : strlen(p);
			d += decode_into(p, l, hows[h], dec + d, n + 8 - d);
			p += l + (dot ? 1 : 0);
		}
		if (canary_find(dec, d, value))
			r = names[h];
	}
out:
	free(joined);
	free(dec);
	return r;
}

#define STREAM_NAMES_MAX 4096
#define STREAM_ZONES_MAX 4096

static size_t count_labels(const char *s)
{
	size_t k = 1;
	for (; *s; s++)
		k += *s == '.';
	return k;
}

static bool seq_label(const char *s, size_t l)
{
	if (l == 0 || l > 6)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

struct chunk {
	const char *p; /* the prefix, in the name */
	size_t len;
	long seq;
	size_t order;
};

static int chunk_cmp(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The stream of |zone|, or false when fewer than two names feed it. */
static bool zone_stream(const char *const *names, size_t n, const char *zone, struct dns_stream *st)
{
	size_t zl = strlen(zone), k = 0;
	struct chunk *c = xcalloc(n, sizeof(*c));
	bool head_seq = true, tail_seq = true;

	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		if (nl < zl + 2 || names[i][nl - zl - 1] != '.' ||
		    strcasecmp(names[i] + nl - zl, zone) != 0)
			continue;
		size_t pl = nl - zl - 1;
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = c[j].len == pl && !memcmp(c[j].p, names[i], pl);
		if (dup)
			continue;
		c[k] = (struct chunk){names[i], pl, 0, k};
		const char *dot = memchr(names[i], '.', pl), *last = names[i];
		for (const char *q = names[i]; q < names[i] + pl; q++)
			if (*q == '.')
				last = q + 1;
		head_seq = head_seq && dot && seq_label(names[i], (size_t)(dot - names[i]));
		tail_seq = tail_seq && dot && seq_label(last, (size_t)(names[i] + pl - last));
		k++;
	}
	if (k < 2) {
		free(c);
		return false;
	}
	for (size_t j = 0; j < k && (head_seq || tail_seq); j++) {
		if (head_seq) {
			const char *dot = memchr(c[j].p, '.', c[j].len);
			c[j].seq = strtol(c[j].p, NULL, 10);
			c[j].len -= (size_t)(dot + 1 - c[j].p);
			c[j].p = dot + 1;
		} else {
			const char *last = c[j].p + c[j].len;
			while (last[-1] != '.')
				last--;
			c[j].seq = strtol(last, NULL, 10);
			c[j].len = (size_t)(last - 1 - c[j].p);
		}
	}
	if (head_seq || tail_seq)
		qsort(c, k, sizeof(*c), chunk_cmp);
	size_t total = 0;
	for (size_t j = 0; j < k; j++)
		total += c[j].len + 1;
	st->data = xmalloc(total + 1);
	size_t o = 0;
	for (size_t j = 0; j < k; j++) {
		memcpy(st->data + o, c[j].p, c[j].len);
		o += c[j].len;
		st->data[o++] = '.';
	}
	st->data[o ? o - 1 : 0] = '\0';
	st->zone = xstrdup(zone);
	st->queries = k;
	free(c);
	return true;
}

static int stream_cmp(const void *a, const void *b)
{
	const struct dns_stream *x = a, *y = b;
	size_t lx = count_labels(x->zone), ly = count_labels(y->zone);
	return lx != ly ? (lx > ly ? -1 : 1) : strcmp(x->zone, y->zone);
}

size_t canary_dns_streams(const char *const *names, size_t n, struct dns_stream **out)
{
	const char **zones = NULL;
	size_t nz = 0, k = 0;

	*out = NULL;
	if (n > STREAM_NAMES_MAX)
		n = STREAM_NAMES_MAX;
	zones = xcalloc(STREAM_ZONES_MAX, sizeof(*zones));
	for (size_t i = 0; i < n && nz < STREAM_ZONES_MAX; i++) {
		/* every proper suffix of two labels or more */
		for (const char *p = strchr(names[i], '.'); p && nz < STREAM_ZONES_MAX;
		     p = strchr(p + 1, '.')) {
			const char *z = p + 1;
			if (!strchr(z, '.'))
				break;
			bool seen = false;
			for (size_t j = 0; j < nz && !seen; j++)
				seen = !strcasecmp(zones[j], z);
			if (!seen)
				zones[nz++] = z;
		}
	}
	if (nz)
		*out = xcalloc(nz, sizeof(**out));
	for (size_t j = 0; j < nz; j++)
		if (zone_stream(names, n, zones[j], &(*out)[k]))
			k++;
	free(zones);
	if (k)
		qsort(*out, k, sizeof(**out), stream_cmp);
	else {
		free(*out);
		*out = NULL;
	}
	return k;
}

void canary_dns_streams_release(struct dns_stream *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].zone);
		free(s[i].data);
	}
	free(s);
}
