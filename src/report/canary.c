#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/canary.h"
#include "util/base64.h"
#include "util/xalloc.h"

static bool match_at(const unsigned char *p, const char *needle, size_t n, bool ci)
{
	for (size_t j = 0; j < n; j++) {
		int a = p[j], b = (unsigned char)needle[j];
		if (ci ? (tolower)(a) != (tolower)(b)
		       : a != b) /* the function, not glibc's macro */
			return false;
	}
	return true;
}

static bool contains_ci(const unsigned char *buf, size_t len, const char *needle, bool ci)
{
	size_t n = strlen(needle);
	if (n == 0 || n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++)
		if (match_at(buf + i, needle, n, ci))
			return true;
	return false;
}

/* The base64 of |value| placed at offset 0, 1 or 2 of a 3-byte group has a
 * stable core that does not depend on its neighbours. */
static bool find_b64(const unsigned char *buf, size_t len, const char *value)
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
		if (contains_ci(buf, len, core, false)) {
			found = true;
			break;
		}
		/* URL alphabet */
		for (char *p = core; *p; p++)
			if (*p == '+')
				*p = '-';
			else if (*p == '/')
				*p = '_';
		found = contains_ci(buf, len, core, false);
	}
	free(tmp);
	free(enc);
	return found;
}

const char *canary_find(const unsigned char *buf, size_t len, const char *value)
{
	size_t n = strlen(value);

	if (!buf || n < 8)
		return NULL;
	if (contains_ci(buf, len, value, false))
		return "plain";
	char *hex = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		static const char d[] = "0123456789abcdef";
		hex[2 * i] = d[(unsigned char)value[i] >> 4];
		hex[2 * i + 1] = d[(unsigned char)value[i] & 15];
	}
	hex[2 * n] = '\0';
	bool h = contains_ci(buf, len, hex, true);
	free(hex);
	if (h)
		return "hex";
	if (find_b64(buf, len, value))
		return "base64";
	/* URL-encoding only changes reserved characters; a canary made of
	 * them shows up with %XX escapes. */
	char *u = xmalloc(3 * n + 1);
	size_t o = 0;
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
	bool ue = strcmp(u, value) != 0 && contains_ci(buf, len, u, true);
	free(u);
	if (ue)
		return "urlencoded";
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

const char *canary_find_dns(const char *name, const char *value)
{
	size_t n = strlen(name), o = 0;
	char *joined = xmalloc(n + 1);
	unsigned char *dec = xmalloc(n + 1);
	const char *r = NULL;

	if ((r = canary_find((const unsigned char *)name, n, value))) {
		r = !strcmp(r, "hex") ? "dns-hex" : !strcmp(r, "base64") ? "dns-base64" : r;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (name[i] != '.')
			joined[o++] = name[i];
	joined[o] = '\0';
	if ((r = canary_find((const unsigned char *)joined, o, value))) {
		r = !strcmp(r, "hex") ? "dns-hex" : !strcmp(r, "base64") ? "dns-base64" : r;
		goto out;
	}
	/* hex, from every start offset parity */
	for (size_t start = 0; start < 2 && !r; start++) {
		size_t d = 0;
		for (size_t i = start; i + 1 < o; i += 2) {
			if (!isxdigit((unsigned char)joined[i]) ||
			    !isxdigit((unsigned char)joined[i + 1]))
				continue;
			char hx[3] = {joined[i], joined[i + 1], 0};
			dec[d++] = (unsigned char)strtoul(hx, NULL, 16);
		}
		if (canary_find(dec, d, value))
			r = "dns-hex";
	}
	if (!r) {
		/* base32 */
		uint64_t acc = 0;
		int bits = 0;
		size_t d = 0;
		for (size_t i = 0; i < o; i++) {
			int v = b32val(joined[i]);
			if (v < 0)
				continue;
			acc = (acc << 5) | (unsigned)v;
			bits += 5;
			if (bits >= 8) {
				dec[d++] = (unsigned char)(acc >> (bits - 8));
				bits -= 8;
			}
		}
		if (canary_find(dec, d, value))
			r = "dns-base32";
	}
out:
	free(joined);
	free(dec);
	return r;
}
