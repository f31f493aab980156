/* Fixed patterns per canary, searched with memmem over the carry and each
 * new chunk.  Hex is searched in both cases; base64 by the core that does
 * not depend on the neighbours (as in the report's search). */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "netsink/needle.h"
#include "util/base64.h"
#include "util/xalloc.h"

#define PATS_PER_VALUE 10

struct pat {
	char *s;
	size_t len;
	size_t value;
	enum needle_enc enc;
};

struct needles {
	struct pat *p;
	size_t n;
};

static void add(struct needles *nd, char *s, size_t value, enum needle_enc enc)
{
	size_t l = strlen(s);
	if (l < 8 || l >= NEEDLE_CARRY) {
		free(s);
		return;
	}
	nd->p[nd->n++] = (struct pat){s, l, value, enc};
}

static char *hex(const char *v, bool upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = strlen(v);
	char *h = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = d[(unsigned char)v[i] >> 4];
		h[2 * i + 1] = d[(unsigned char)v[i] & 15];
	}
	h[2 * n] = '\0';
	return h;
}

static char *urlenc(const char *v)
{
	size_t n = strlen(v), o = 0;
	char *u = xmalloc(3 * n + 1);
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (isalnum(c) || strchr("-_.~", c)) {
			u[o++] = (char)c;
		} else {
			static const char d[] = "0123456789ABCDEF";
			u[o++] = '%';
			u[o++] = d[c >> 4];
			u[o++] = d[c & 15];
			changed = true;
		}
	}
	u[o] = '\0';
	if (!changed) {
		free(u);
		return xstrdup("");
	}
	return u;
}

static void add_b64(struct needles *nd, const char *v, size_t k)
{
	size_t n = strlen(v);
	unsigned char *tmp = xmalloc(n + 3);
	char *enc = xmalloc(BASE64_LEN(n + 3) + 1);

	for (size_t shift = 0; shift < 3; shift++) {
		memset(tmp, 0, shift);
		memcpy(tmp + shift, v, n + 1); /* the NUL is not encoded */
		size_t total = base64_encode_to(enc, tmp, n + shift);
		size_t skip = shift ? (shift * 4 + 2) / 3 + 1 : 0;
		if (total <= skip + 4 + 8)
			continue;
		enc[total - 4] = '\0';
		char *std = xstrdup(enc + skip), *url = xstrdup(enc + skip);
		bool differs = false;
		for (char *p = url; *p; p++)
			if (*p == '+' || *p == '/') {
				*p = *p == '+' ? '-' : '_';
				differs = true;
			}
		add(nd, std, k, NEEDLE_BASE64);
		if (differs)
			add(nd, url, k, NEEDLE_BASE64);
		else
			free(url);
	}
	free(tmp);
	free(enc);
}

struct needles *needles_new(const char *const *values, size_t n)
{
	struct needles *nd = xcalloc(1, sizeof(*nd));

	if (n > NEEDLE_VALUES_MAX)
		n = NEEDLE_VALUES_MAX;
	nd->p = xcalloc(n * PATS_PER_VALUE + 1, sizeof(*nd->p));
	for (size_t k = 0; k < n; k++) {
		if (!values[k] || strlen(values[k]) < 8)
			continue;
		add(nd, xstrdup(values[k]), k, NEEDLE_PLAIN);
		add(nd, hex(values[k], false), k, NEEDLE_HEX);
		add(nd, hex(values[k], true), k, NEEDLE_HEX);
		add_b64(nd, values[k], k);
		add(nd, urlenc(values[k]), k, NEEDLE_URLENC);
	}
	return nd;
}

void needles_free(struct needles *nd)
{
	if (!nd)
		return;
	for (size_t i = 0; i < nd->n; i++)
		free(nd->p[i].s);
	free(nd->p);
	free(nd);
}

const char *needle_enc_name(enum needle_enc enc)
{
	static const char *const names[] = {"plain", "hex", "base64", "urlencoded"};
	return enc < NEEDLE_ENCS ? names[enc] : "";
}

uint64_t needles_scan(const struct needles *nd, struct needle_scan *st, const uint8_t *p, size_t n)
{
	uint64_t bits = 0;

	if (!nd || !n)
		return 0;
	/* the carry and the head of the chunk: values cut by the boundary */
	uint8_t joint[2 * NEEDLE_CARRY];
	size_t head = n < NEEDLE_CARRY ? n : NEEDLE_CARRY;
	memcpy(joint, st->carry, st->carrylen);
	memcpy(joint + st->carrylen, p, head);
	for (size_t i = 0; i < nd->n; i++) {
		const struct pat *t = &nd->p[i];
		if (memmem(joint, st->carrylen + head, t->s, t->len) || memmem(p, n, t->s, t->len))
			bits |= needle_bit(t->value, t->enc);
	}
	/* keep the last bytes */
	if (n >= NEEDLE_CARRY) {
		memcpy(st->carry, p + n - NEEDLE_CARRY, NEEDLE_CARRY);
		st->carrylen = NEEDLE_CARRY;
	} else {
		size_t keep = st->carrylen + n > NEEDLE_CARRY ? NEEDLE_CARRY - n : st->carrylen;
		memmove(st->carry, st->carry + st->carrylen - keep, keep);
		memcpy(st->carry + keep, p, n);
		st->carrylen = keep + n;
	}
	return bits;
}
