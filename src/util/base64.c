#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/base64.h"
#include "util/xalloc.h"

/* EVP_EncodeBlock and EVP_DecodeBlock count in int: work in chunks. */
#define ENC_CHUNK ((size_t)3 << 20)
#define DEC_CHUNK ((size_t)4 << 20)

size_t base64_encode_to(char *out, const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t o = 0;

	for (size_t i = 0; i < n; i += ENC_CHUNK) {
		size_t k = n - i < ENC_CHUNK ? n - i : ENC_CHUNK;
		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, p + i, (int)k);
	}
	out[o] = '\0';
	return o;
}

char *base64_encode(const void *in, size_t n)
{
	char *out = xmalloc(BASE64_LEN(n) + 1);
	base64_encode_to(out, in, n);
	return out;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Copies the base64 characters of |in| to |norm| in the standard alphabet,
 * padded to a multiple of 4.  Returns the length, -1 when |in| is not
 * base64; |*pads| gets the number of '=' at the end. */
static ssize_t normalise(const char *in, size_t len, char *norm, size_t *pads)
{
	size_t m = 0, eq = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (is_space(c))
			continue;
		if (c == '=') {
			eq++;
			continue;
		}
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		if (eq || !is_b64(c))
			return -1; /* data after padding, or not the alphabet */
		norm[m++] = c;
	}
	if (m % 4 == 1 || eq > 2 || (eq && (m + eq) % 4))
		return -1;
	*pads = (4 - m % 4) % 4;
	while (m % 4)
		norm[m++] = '=';
	return (ssize_t)m;
}

ssize_t base64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	char *norm = xmalloc(len + 4);
	size_t pads = 0, total = 0;
	ssize_t m = normalise(in, len, norm, &pads);
	unsigned char *bin = m > 0 ? xmalloc((size_t)m / 4 * 3) : NULL;

	for (size_t i = 0; m > 0 && i < (size_t)m; i += DEC_CHUNK) {
		size_t k = (size_t)m - i < DEC_CHUNK ? (size_t)m - i : DEC_CHUNK;
		int r = EVP_DecodeBlock(bin + total, (const unsigned char *)norm + i, (int)k);
		if (r < 0) {
			m = -1;
			break;
		}
		total += (size_t)r;
	}
	if (m > 0) {
		total -= pads;
		if (cap)
			memcpy(out, bin, total < cap ? total : cap);
	}
	free(bin);
	free(norm);
	return m < 0 ? -1 : (ssize_t)total;
}
