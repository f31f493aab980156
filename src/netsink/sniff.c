/* First-bytes classification for the TCP sink: HTTP/1.x heads and TLS
 * ClientHellos (RFC 9112, RFC 8446). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "netsink/sniff.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define HTTP_METHOD_MAX 16

/* --- HTTP ---------------------------------------------------------------- */

static bool http_is_method_char(uint8_t c, size_t i)
{
	if (c >= 'A' && c <= 'Z')
		return true;
	return i > 0 && (c == '-' || c == '_');
}

/* RFC 9110 5.6.2 tchar. */
static bool http_is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static bool http_is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

struct http_line {
	size_t method_len;
	size_t target_off;
	size_t target_len;
	size_t end; /* just past the '\n' */
};

/* Checks the request line at the start of |buf| as far as |len| goes.
 * Returns 1 and fills |rl| when it is complete, 0 when it is a valid prefix,
 * -EINVAL when it cannot be one. */
static int http_request_line(const uint8_t *buf, size_t len, struct http_line *rl)
{
	static const char version[] = "HTTP/1.";
	size_t i;

	for (i = 0; i < len && buf[i] != ' '; i++) {
		if (i >= HTTP_METHOD_MAX || !http_is_method_char(buf[i], i))
			return -EINVAL;
	}
	if (i == len)
		return 0;
	if (i == 0)
		return -EINVAL;
	rl->method_len = i++;

	rl->target_off = i;
	for (; i < len && buf[i] != ' '; i++) {
		if (buf[i] < 0x21 || buf[i] == 0x7f)
			return -EINVAL;
	}
	if (i == len)
		return 0;
	if (i == rl->target_off)
		return -EINVAL;
	rl->target_len = i - rl->target_off;
	i++;

	for (size_t k = 0; k < sizeof(version) - 1; k++, i++) {
		if (i == len)
			return 0;
		if (buf[i] != (uint8_t)version[k])
			return -EINVAL;
	}
	if (i == len)
		return 0;
	if (buf[i] < '0' || buf[i] > '9')
		return -EINVAL;
	if (++i == len)
		return 0;
	if (buf[i] == '\r' && ++i == len)
		return 0;
	if (buf[i] != '\n')
		return -EINVAL;
	rl->end = i + 1;
	return 1;
}

/* Finds the line starting at |off|: sets *|line_len| (without CR LF or LF)
 * and *|next|.  Returns false when no '\n' ends it within |len|. */
static bool http_next_line(const uint8_t *buf, size_t len, size_t off, size_t *line_len,
			   size_t *next)
{
	const uint8_t *nl = memchr(buf + off, '\n', len - off);
	size_t e;

	if (!nl)
		return false;
	e = (size_t)(nl - buf);
	*next = e + 1;
	if (e > off && buf[e - 1] == '\r')
		e--;
	*line_len = e - off;
	return true;
}

static bool http_name_is(const uint8_t *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp((const char *)name, want, n) == 0;
}

/* Returns true when the comma-separated list |v| holds |token|, compared
 * without case; "token/version" counts (Upgrade: websocket/13). */
static bool http_list_has(const uint8_t *v, size_t n, const char *token)
{
	size_t tlen = strlen(token);
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (http_is_ows(v[i]) || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && http_is_ows(v[e - 1]))
			e--;
		if (e - s >= tlen && strncasecmp((const char *)v + s, token, tlen) == 0 &&
		    (e - s == tlen || v[s + tlen] == '/'))
			return true;
	}
	return false;
}

/* Returns the value of a Content-Length field, or -1 unless it is 1 or more
 * digits that fit in a long. */
static long http_parse_length(const uint8_t *v, size_t n)
{
	long r = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (r > (LONG_MAX - (v[i] - '0')) / 10)
			return -1;
		r = r * 10 + (v[i] - '0');
	}
	return r;
}

struct http_length {
	long value;
	bool seen;
	bool bad;
};

static void http_set_str(char **field, const uint8_t *v, size_t n)
{
	if (!*field)
		*field = xstrndup((const char *)v, n);
}

static void http_header(const uint8_t *line, size_t n, struct http_req *req, struct http_length *cl)
{
	const uint8_t *colon = memchr(line, ':', n);
	const uint8_t *v;
	size_t name_len, vlen;
	long l;

	if (!colon || colon == line)
		return;
	name_len = (size_t)(colon - line);
	for (size_t i = 0; i < name_len; i++) {
		if (!http_is_tchar(line[i]))
			return;
	}
	v = colon + 1;
	vlen = n - name_len - 1;
	while (vlen && http_is_ows(*v)) {
		v++;
		vlen--;
	}
	while (vlen && http_is_ows(v[vlen - 1]))
		vlen--;

	if (http_name_is(line, name_len, "host")) {
		http_set_str(&req->host, v, vlen);
	} else if (http_name_is(line, name_len, "content-type")) {
		http_set_str(&req->content_type, v, vlen);
	} else if (http_name_is(line, name_len, "user-agent")) {
		http_set_str(&req->user_agent, v, vlen);
	} else if (http_name_is(line, name_len, "accept")) {
		http_set_str(&req->accept, v, vlen);
	} else if (http_name_is(line, name_len, "content-encoding")) {
		http_set_str(&req->content_encoding, v, vlen);
	} else if (http_name_is(line, name_len, "sec-websocket-key")) {
		http_set_str(&req->ws_key, v, vlen);
	} else if (http_name_is(line, name_len, "content-length")) {
		/* Disagreeing copies are a smuggling attempt, not a length. */
		l = http_parse_length(v, vlen);
		if (l < 0 || (cl->seen && l != cl->value))
			cl->bad = true;
		cl->value = l;
		cl->seen = true;
	} else if (http_name_is(line, name_len, "transfer-encoding")) {
		req->chunked |= http_list_has(v, vlen, "chunked");
	} else if (http_name_is(line, name_len, "upgrade")) {
		req->upgrade_websocket |= http_list_has(v, vlen, "websocket");
	}
}

int sniff_http(const uint8_t *buf, size_t len, struct http_req *req)
{
	struct http_line rl;
	struct http_length cl = {-1, false, false};
	size_t off, line_len, next, head_end;
	int r;

	memset(req, 0, sizeof(*req));
	if (!buf)
		return len ? -EINVAL : 0;
	r = http_request_line(buf, len, &rl);
	if (r <= 0)
		return r;

	/* Find the blank line first, so nothing is allocated for a partial head. */
	off = rl.end;
	for (;;) {
		if (!http_next_line(buf, len, off, &line_len, &next))
			return 0;
		if (line_len == 0)
			break;
		off = next;
	}
	head_end = next;

	req->method = xstrndup((const char *)buf, rl.method_len);
	req->target = xstrndup((const char *)buf + rl.target_off, rl.target_len);
	for (off = rl.end; http_next_line(buf, head_end, off, &line_len, &next) && line_len;
	     off = next)
		http_header(buf + off, line_len, req, &cl);
	req->content_length = cl.bad ? -1 : cl.value;
	req->header_len = head_end;
	return 1;
}

void http_req_release(struct http_req *req)
{
	if (!req)
		return;
	free(req->method);
	free(req->target);
	free(req->host);
	free(req->content_type);
	free(req->user_agent);
	free(req->accept);
	free(req->content_encoding);
	free(req->ws_key);
	memset(req, 0, sizeof(*req));
}

/* The size of a chunked body from |buf| (after the head): 1 with |*used|
 * set once the last chunk and the trailers are in, 0 for more, -EINVAL. */
/* The size on a chunk-size line (|p|, |line_len| bytes), or -EINVAL. */
static int chunk_size(const uint8_t *p, size_t line_len, size_t *size)
{
	size_t i = 0;

	*size = 0;
	for (; i < line_len && isxdigit(p[i]); i++) {
		if (*size > (SIZE_MAX >> 4))
			return -EINVAL;
		*size = *size * 16 +
			(size_t)(isdigit(p[i]) ? p[i] - '0' : (tolower(p[i]) - 'a' + 10));
	}
	if (i == 0 || (i < line_len && p[i] != ';' && !http_is_ows(p[i])))
		return -EINVAL;
	return 0;
}

static int chunked_extent(const uint8_t *buf, size_t len, size_t *used)
{
	size_t off = 0;

	for (;;) {
		size_t line_len, next, size;
		if (!http_next_line(buf, len, off, &line_len, &next))
			return 0;
		if (chunk_size(buf + off, line_len, &size) < 0)
			return -EINVAL;
		off = next;
		if (size == 0)
			break;
		if (size > len - off)
			return 0;
		off += size;
		if (!http_next_line(buf, len, off, &line_len, &next))
			return 0;
		if (line_len != 0)
			return -EINVAL;
		off = next;
	}
	for (;;) { /* trailers, then the blank line */
		size_t line_len, next;
		if (!http_next_line(buf, len, off, &line_len, &next))
			return 0;
		off = next;
		if (line_len == 0)
			break;
	}
	*used = off;
	return 1;
}

int http_request_extent(const uint8_t *buf, size_t len, const struct http_req *req, size_t *used)
{
	size_t body = 0;
	int r;

	if (req->header_len > len)
		return -EINVAL;
	if (req->chunked) {
		r = chunked_extent(buf + req->header_len, len - req->header_len, &body);
		if (r <= 0)
			return r;
	} else if (req->content_length > 0) {
		if ((uint64_t)req->content_length > len - req->header_len)
			return 0;
		body = (size_t)req->content_length;
	}
	*used = req->header_len + body;
	return 1;
}

int http_next_request(const uint8_t *buf, size_t len, size_t *off, struct http_req *req,
		      size_t *used)
{
	if (*off >= len) {
		memset(req, 0, sizeof(*req));
		return 0;
	}
	if (sniff_http(buf + *off, len - *off, req) != 1)
		return 0;
	if (http_request_extent(buf + *off, len - *off, req, used) != 1)
		*used = len - *off;
	*off += *used;
	return 1;
}

/* --- TLS ----------------------------------------------------------------- */

#define TLS_CT_HANDSHAKE 22
#define TLS_HS_CLIENT_HELLO 1
#define TLS_RECORD_HDR 5
#define TLS_HS_HDR 4
#define TLS_RECORD_MAX 16384 /* TLSPlaintext.length limit, 2^14 */
#define TLS_HELLO_MAX 65536  /* reassembly cap; real hellos are a few KiB */
#define TLS_EXT_SERVER_NAME 0
#define TLS_EXT_ALPN 16
#define TLS_SNI_HOST_NAME 0

/* A bounded reader: every take is checked against what is left. */
struct tls_cur {
	const uint8_t *p;
	size_t n;
};

static bool tls_u8(struct tls_cur *c, size_t *v)
{
	if (c->n < 1)
		return false;
	*v = c->p[0];
	c->p++;
	c->n--;
	return true;
}

static bool tls_u16(struct tls_cur *c, size_t *v)
{
	if (c->n < 2)
		return false;
	*v = (size_t)c->p[0] << 8 | c->p[1];
	c->p += 2;
	c->n -= 2;
	return true;
}

/* Moves the next |n| bytes of |c| into |sub|. */
static bool tls_sub(struct tls_cur *c, size_t n, struct tls_cur *sub)
{
	if (c->n < n)
		return false;
	sub->p = c->p;
	sub->n = n;
	c->p += n;
	c->n -= n;
	return true;
}

/* Reads a vector with a |width|-byte length prefix into |sub|. */
static bool tls_vec(struct tls_cur *c, int width, struct tls_cur *sub)
{
	size_t n;

	if (!(width == 1 ? tls_u8(c, &n) : tls_u16(c, &n)))
		return false;
	return tls_sub(c, n, sub);
}

struct tls_out {
	char *sni;
	size_t snilen;
	char *alpn;
	size_t alpnlen;
	bool have_sni;
	bool have_alpn;
};

static void tls_copy(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	if (!dst || cap == 0)
		return;
	if (n > cap - 1)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* RFC 6066 3: ServerNameList. */
static int tls_server_name(struct tls_cur ext, struct tls_out *out)
{
	struct tls_cur list, name;
	size_t type;

	if (!tls_vec(&ext, 2, &list) || ext.n || list.n == 0)
		return -EINVAL;
	while (list.n) {
		if (!tls_u8(&list, &type) || !tls_vec(&list, 2, &name))
			return -EINVAL;
		if (type == TLS_SNI_HOST_NAME && !out->have_sni) {
			tls_copy(out->sni, out->snilen, name.p, name.n);
			out->have_sni = true;
		}
	}
	return 0;
}

/* RFC 7301 3.1: ProtocolNameList, each name 1..255 bytes. */
static int tls_alpn(struct tls_cur ext, struct tls_out *out)
{
	struct tls_cur list, proto;

	if (!tls_vec(&ext, 2, &list) || ext.n || list.n == 0)
		return -EINVAL;
	while (list.n) {
		if (!tls_vec(&list, 1, &proto) || proto.n == 0)
			return -EINVAL;
		if (!out->have_alpn) {
			tls_copy(out->alpn, out->alpnlen, proto.p, proto.n);
			out->have_alpn = true;
		}
	}
	return 0;
}

/* Parses the ClientHello body (after the 4-byte handshake header). */
static int tls_client_hello_body(const uint8_t *body, size_t n, struct tls_out *out)
{
	struct tls_cur c = {body, n}, skip, exts, ext;
	size_t major, type;
	int r;

	/* legacy_version, random */
	if (!tls_u8(&c, &major) || major != 3 || !tls_sub(&c, 1 + 32, &skip))
		return -EINVAL;
	/* legacy_session_id <0..32> */
	if (!tls_vec(&c, 1, &skip) || skip.n > 32)
		return -EINVAL;
	/* cipher_suites <2..2^16-2>, two bytes each */
	if (!tls_vec(&c, 2, &skip) || skip.n == 0 || skip.n % 2)
		return -EINVAL;
	/* legacy_compression_methods <1..2^8-1> */
	if (!tls_vec(&c, 1, &skip) || skip.n == 0)
		return -EINVAL;
	/* Extensions are optional before TLS 1.3 (RFC 5246 7.4.1.2). */
	if (c.n == 0)
		return 1;
	if (!tls_vec(&c, 2, &exts) || c.n)
		return -EINVAL;
	while (exts.n) {
		if (!tls_u16(&exts, &type) || !tls_vec(&exts, 2, &ext))
			return -EINVAL;
		r = 0;
		if (type == TLS_EXT_SERVER_NAME)
			r = tls_server_name(ext, out);
		else if (type == TLS_EXT_ALPN)
			r = tls_alpn(ext, out);
		if (r < 0)
			return r;
	}
	return 1;
}

/* Checks the record header at |p| as far as |n| bytes go.  Returns 1 and
 * sets *|rlen| when it is complete and valid, 0 when it is a valid prefix,
 * -EINVAL otherwise. */
static int tls_record_header(const uint8_t *p, size_t n, size_t *rlen)
{
	if (n >= 1 && p[0] != TLS_CT_HANDSHAKE)
		return -EINVAL;
	if (n >= 2 && p[1] != 3)
		return -EINVAL;
	if (n < TLS_RECORD_HDR)
		return 0;
	*rlen = (size_t)p[3] << 8 | p[4];
	if (*rlen == 0 || *rlen > TLS_RECORD_MAX)
		return -EINVAL;
	return 1;
}

/* Gathers the |need| bytes of a handshake message spread over the records
 * of |buf| and parses it. */
static int tls_reassemble(const uint8_t *buf, size_t len, size_t need, struct tls_out *out)
{
	cleanup_free uint8_t *hs = xmalloc(need);
	size_t have = 0, off = 0, rlen, take;
	int r;

	while (have < need) {
		r = tls_record_header(buf + off, len - off, &rlen);
		if (r <= 0)
			return r;
		if (len - off - TLS_RECORD_HDR < rlen)
			return 0;
		take = rlen < need - have ? rlen : need - have;
		memcpy(hs + have, buf + off + TLS_RECORD_HDR, take);
		have += take;
		off += TLS_RECORD_HDR + rlen;
	}
	return tls_client_hello_body(hs + TLS_HS_HDR, need - TLS_HS_HDR, out);
}

int sniff_tls_client_hello(const uint8_t *buf, size_t len, char *sni, size_t snilen, char *alpn,
			   size_t alpnlen)
{
	struct tls_out out = {sni, snilen, alpn, alpnlen, false, false};
	const uint8_t *frag;
	size_t rlen, avail, hslen;
	int r;

	tls_copy(sni, snilen, NULL, 0);
	tls_copy(alpn, alpnlen, NULL, 0);
	if (!buf)
		return len ? -EINVAL : 0;
	r = tls_record_header(buf, len, &rlen);
	if (r <= 0)
		return r;
	frag = buf + TLS_RECORD_HDR;
	avail = len - TLS_RECORD_HDR < rlen ? len - TLS_RECORD_HDR : rlen;
	if (avail >= 1 && frag[0] != TLS_HS_CLIENT_HELLO)
		return -EINVAL;
	if (avail < TLS_HS_HDR) {
		/* A handshake header split over records is legal in theory only. */
		return avail == rlen ? -EINVAL : 0;
	}
	hslen = (size_t)frag[1] << 16 | (size_t)frag[2] << 8 | frag[3];
	if (hslen > TLS_HELLO_MAX)
		return -EINVAL;
	if (TLS_HS_HDR + hslen <= rlen) {
		if (avail < TLS_HS_HDR + hslen)
			return 0;
		r = tls_client_hello_body(frag + TLS_HS_HDR, hslen, &out);
	} else {
		r = tls_reassemble(buf, len, TLS_HS_HDR + hslen, &out);
	}
	if (r != 1) {
		/* A later extension may fail after the SNI was copied. */
		tls_copy(sni, snilen, NULL, 0);
		tls_copy(alpn, alpnlen, NULL, 0);
	}
	return r;
}
