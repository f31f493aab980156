#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/errbuf.h"
#include "fetch/hash.h"
#include "util/base64.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* Digests |path| with each of |mds| in one pass.  Returns 0 or -errno. */
static int digest_file(const char *path, const EVP_MD *const *mds, size_t n,
		       unsigned char (*out)[EVP_MAX_MD_SIZE], unsigned int *outlen)
{
	EVP_MD_CTX *ctx[4] = {NULL};
	unsigned char buf[65536];
	int ret = -EIO;
	cleanup_fd int fd = -1;

	if (n > 4)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		ctx[i] = EVP_MD_CTX_new();
		if (!ctx[i] || !EVP_DigestInit_ex(ctx[i], mds[i], NULL))
			goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (!EVP_DigestUpdate(ctx[i], buf, (size_t)r))
				goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!EVP_DigestFinal_ex(ctx[i], out[i], &outlen[i]))
			goto out;
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		EVP_MD_CTX_free(ctx[i]);
	return ret;
}

static void to_hex(const unsigned char *d, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * len] = '\0';
}

int hash_file(const char *path, char sha256_hex[65], char sha512_b64[89], char sha1_hex[41])
{
	const EVP_MD *mds[3] = {EVP_sha256(), EVP_sha512(), EVP_sha1()};
	unsigned char d[3][EVP_MAX_MD_SIZE] = {{0}};
	unsigned int len[3] = {0};
	int r = digest_file(path, mds, 3, d, len);

	if (r < 0)
		return r;
	if (sha256_hex)
		to_hex(d[0], len[0], sha256_hex);
	if (sha512_b64)
		base64_encode_to(sha512_b64, d[1], len[1]);
	if (sha1_hex)
		to_hex(d[2], len[2], sha1_hex);
	return 0;
}

/* The SRI algorithms we know, weakest first; the index is the strength. */
static const char *const sri_algos[] = {"sha1", "sha256", "sha384", "sha512"};

static const EVP_MD *sri_md(int strength)
{
	switch (strength) {
	case 0:
		return EVP_sha1();
	case 1:
		return EVP_sha256();
	case 2:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}

/* One "<algo>-<base64>[?opts]" token of an SRI string. */
struct sri_token {
	int strength; /* index in sri_algos, -1 when unknown */
	const char *tok;
	size_t toklen;	 /* the whole token, options included */
	const char *b64; /* digest, without options */
	size_t b64len;	 /* without trailing '=' padding */
};

/* Parses the token at |*p| and advances |*p| past it; false at the end. */
static bool sri_next(const char **p, struct sri_token *t)
{
	const char *s = *p;
	const char *end, *dash, *q;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (!*s)
		return false;
	end = s + strcspn(s, " \t\n\r");
	*p = end;
	t->strength = -1;
	t->tok = s;
	t->toklen = (size_t)(end - s);
	dash = memchr(s, '-', t->toklen);
	if (!dash)
		return true;
	for (int i = 0; i < (int)(sizeof(sri_algos) / sizeof(sri_algos[0])); i++)
		if (strlen(sri_algos[i]) == (size_t)(dash - s) &&
		    !strncmp(s, sri_algos[i], (size_t)(dash - s)))
			t->strength = i;
	t->b64 = dash + 1;
	q = memchr(t->b64, '?', (size_t)(end - t->b64));
	t->b64len = (size_t)((q ? q : end) - t->b64);
	while (t->b64len && t->b64[t->b64len - 1] == '=')
		t->b64len--;
	return true;
}

int integrity_check_as(const char *path, const char *what, const char *sri, char *err,
		       size_t errlen)
{
	const EVP_MD *md[1];
	unsigned char d[1][EVP_MAX_MD_SIZE] = {{0}};
	unsigned int dlen[1] = {0};
	char got[EVP_MAX_MD_SIZE * 2];
	size_t gotlen;
	struct sri_token t;
	struct strbuf want;
	const char *p;
	int best = -1;
	int r;

	p = sri ? sri : "";
	while (sri_next(&p, &t))
		if (t.strength > best)
			best = t.strength;
	if (best < 0) {
		errbuf_set(err, errlen, "cannot verify '%s': no supported hash in integrity '%s'",
			   what, sri ? sri : "");
		return -1;
	}
	md[0] = sri_md(best);
	r = digest_file(path, md, 1, d, dlen);
	if (r < 0) {
		errbuf_set(err, errlen, "cannot read '%s': %s", what, strerror(-r));
		return -1;
	}
	base64_encode_to(got, d[0], dlen[0]);
	gotlen = strlen(got);
	while (gotlen && got[gotlen - 1] == '=')
		gotlen--;

	strbuf_init(&want, 0);
	p = sri;
	while (sri_next(&p, &t)) {
		if (t.strength != best)
			continue;
		if (t.b64len == gotlen && !memcmp(t.b64, got, gotlen)) {
			strbuf_release(&want);
			return 0;
		}
		strbuf_addf(&want, "%s%.*s", want.len ? " or " : "", (int)t.toklen, t.tok);
	}
	errbuf_set(err, errlen, "integrity mismatch for '%s': expected %s, got %s-%s", what,
		   want.buf, sri_algos[best], got);
	strbuf_release(&want);
	return -1;
}

int integrity_check(const char *path, const char *sri, char *err, size_t errlen)
{
	return integrity_check_as(path, path, sri, err, errlen);
}
