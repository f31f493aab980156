/* Decoding request bodies and WebSocket frames for the canary search. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nghttp2/nghttp2.h>
#include <zlib.h>

#include "netsink/sniff.h"
#include "report/payload.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

size_t payload_inflate(const unsigned char *d, size_t n, int raw, unsigned char **out)
{
	z_stream z;
	unsigned char *buf;
	size_t cap = (size_t)64 * 1024, len = 0;
	int r;

	*out = NULL;
	if (!n || n > UINT32_MAX)
		return 0;
	memset(&z, 0, sizeof(z));
	/* 15 + 32: gzip or zlib, told by the header; -15: raw deflate. */
	if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK)
		return 0;
	buf = xmalloc(cap);
	z.next_in = (unsigned char *)d;
	z.avail_in = (uInt)n;
	do {
		if (len == cap) {
			if (cap >= PAYLOAD_VIEW_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		z.next_out = buf + len;
		z.avail_out = (uInt)(cap - len);
		r = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (r == Z_STREAM_END && z.avail_in > 0 && !raw) {
			/* concatenated gzip members */
			if (inflateReset(&z) != Z_OK)
				break;
			r = Z_OK;
		}
	} while (r == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
	inflateEnd(&z);
	if (len == 0) {
		free(buf);
		return 0;
	}
	*out = buf;
	return len;
}

/* De-chunks a chunked body (as far as it goes). */
static size_t dechunk(const unsigned char *d, size_t n, unsigned char **out)
{
	struct strbuf sb;
	size_t off = 0;

	strbuf_init(&sb, PAYLOAD_VIEW_MAX);
	while (off < n) {
		size_t size = 0, i = off;
		while (i < n && i - off < 16 &&
		       ((d[i] >= '0' && d[i] <= '9') ||
			((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'f'))) {
			unsigned c = d[i] | 0x20;
			size = size * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
			i++;
		}
		if (i == off)
			break;
		const unsigned char *nl = memchr(d + i, '\n', n - i);
		if (!nl || size == 0)
			break;
		off = (size_t)(nl - d) + 1;
		size_t take = size < n - off ? size : n - off;
		strbuf_add(&sb, d + off, take);
		off += take;
		if (off < n && d[off] == '\r')
			off++;
		if (off < n && d[off] == '\n')
			off++;
	}
	if (!sb.len) {
		strbuf_release(&sb);
		*out = NULL;
		return 0;
	}
	size_t len;
	*out = (unsigned char *)strbuf_detach(&sb, &len);
	return len;
}

/* Adds the |take| bytes of one data frame's payload at |d|, unmasked and,
 * when |deflated| (RSV1: permessage-deflate), inflated, and a newline. */
static void ws_data(struct strbuf *sb, const unsigned char *d, size_t take,
		    const unsigned char *mask, bool deflated)
{
	/* room for the deflate tail below */
	unsigned char *p = xmalloc(take + 4);

	for (size_t i = 0; i < take; i++)
		p[i] = mask ? d[i] ^ mask[i & 3] : d[i];
	if (deflated) {
		unsigned char *z;
		p[take] = 0x00;
		p[take + 1] = 0x00;
		p[take + 2] = 0xff;
		p[take + 3] = 0xff;
		size_t zl = payload_inflate(p, take + 4, 1, &z);
		if (zl)
			strbuf_add(sb, z, zl);
		free(z);
	} else {
		strbuf_add(sb, p, take);
	}
	strbuf_addstr(sb, "\n");
	free(p);
}

size_t payload_websocket(const unsigned char *d, size_t n, unsigned char **out)
{
	struct strbuf sb;
	size_t off = 0;

	strbuf_init(&sb, PAYLOAD_VIEW_MAX);
	while (n - off >= 2) {
		unsigned char b0 = d[off], b1 = d[off + 1];
		uint64_t plen = b1 & 0x7f;
		size_t h = 2;
		if (plen == 126) {
			if (n - off < 4)
				break;
			plen = (uint64_t)d[off + 2] << 8 | d[off + 3];
			h = 4;
		} else if (plen == 127) {
			if (n - off < 10)
				break;
			plen = 0;
			for (int i = 0; i < 8; i++)
				plen = plen << 8 | d[off + 2 + i];
			h = 10;
		}
		const unsigned char *mask = NULL;
		if (b1 & 0x80) {
			if (n - off < h + 4)
				break;
			mask = d + off + h;
			h += 4;
		}
		off += h;
		size_t take = plen < n - off ? (size_t)plen : n - off;
		unsigned op = b0 & 0x0f;
		if (op <= 2) /* continuation, text, binary */
			ws_data(&sb, d + off, take, mask, b0 & 0x40);
		off += take;
	}
	if (!sb.len) {
		strbuf_release(&sb);
		*out = NULL;
		return 0;
	}
	size_t len;
	*out = (unsigned char *)strbuf_detach(&sb, &len);
	return len;
}

static bool add_view(struct payload_view *out, size_t *k, size_t max, const char *how,
		     unsigned char *data, size_t len)
{
	if (!data || !len || *k >= max) {
		free(data);
		return false;
	}
	out[(*k)++] = (struct payload_view){how, data, len};
	return true;
}

/* One header block, inflated into "name: value" lines. */
static bool h2_block(nghttp2_hd_inflater *inf, const unsigned char *in, size_t len,
		     struct strbuf *sb)
{
	for (;;) {
		nghttp2_nv nv;
		int flags = 0;
		ssize_t r = nghttp2_hd_inflate_hd2(inf, &nv, &flags, in, len, 1);
		if (r < 0)
			return false;
		in += r;
		len -= (size_t)r;
		if (flags & NGHTTP2_HD_INFLATE_EMIT) {
			strbuf_add(sb, nv.name, nv.namelen);
			strbuf_addstr(sb, ": ");
			strbuf_add(sb, nv.value, nv.valuelen);
			strbuf_addstr(sb, "\n");
		}
		if (flags & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(inf);
			return true;
		}
		if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && len == 0)
			return true;
	}
}

size_t payload_http2(const unsigned char *d, size_t n, unsigned char **out)
{
	static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	nghttp2_hd_inflater *inf = NULL;
	struct strbuf sb, block;
	size_t off = sizeof(preface) - 1;

	*out = NULL;
	if (n < off || memcmp(d, preface, off) != 0 || nghttp2_hd_inflate_new(&inf) != 0)
		return 0;
	strbuf_init(&sb, PAYLOAD_VIEW_MAX);
	strbuf_init(&block, PAYLOAD_VIEW_MAX);
	bool ok = true;
	while (ok && n - off >= 9) {
		size_t len = (size_t)d[off] << 16 | (size_t)d[off + 1] << 8 | d[off + 2];
		unsigned type = d[off + 3], flags = d[off + 4];
		const unsigned char *p = d + off + 9;
		size_t avail = n - off - 9, plen = len < avail ? len : avail;
		off += 9 + plen;
		size_t pad = 0, skip = 0;
		if ((type == 0 || type == 1) && (flags & 0x8) && plen) { /* PADDED */
			pad = p[0];
			skip = 1;
		}
		if (type == 1 && (flags & 0x20)) /* PRIORITY */
			skip += 5;
		if (skip + pad > plen)
			continue;
		p += skip;
		plen -= skip + pad;
		if (type == 0) {
			strbuf_add(&sb, p, plen);
			if (flags & 0x1)
				strbuf_addstr(&sb, "\n");
		} else if (type == 1 || type == 9) {
			strbuf_add(&block, p, plen);
			if (flags & 0x4) { /* END_HEADERS */
				ok = h2_block(inf, (const unsigned char *)block.buf, block.len,
					      &sb);
				strbuf_release(&block);
				strbuf_init(&block, PAYLOAD_VIEW_MAX);
			}
		}
	}
	nghttp2_hd_inflate_del(inf);
	strbuf_release(&block);
	if (!sb.len) {
		strbuf_release(&sb);
		return 0;
	}
	size_t len;
	*out = (unsigned char *)strbuf_detach(&sb, &len);
	return len;
}

size_t payload_views(const unsigned char *d, size_t n, struct payload_view *out, size_t max)
{
	size_t off = 0, k = 0, used;
	struct http_req req;
	unsigned char *h2;
	size_t h2len = payload_http2(d, n, &h2);

	if (h2len) {
		add_view(out, &k, max, "http2", h2, h2len);
		return k;
	}

	while (k < max) {
		const unsigned char *head = d + off;
		if (http_next_request(d, n, &off, &req, &used) != 1)
			break;
		const unsigned char *body = head + req.header_len;
		size_t blen = used - req.header_len;
		unsigned char *plain = NULL;
		if (req.upgrade_websocket) {
			unsigned char *ws;
			size_t wl = payload_websocket(d + off, n - off, &ws);
			add_view(out, &k, max, "websocket", ws, wl);
			http_req_release(&req);
			break;
		}
		if (req.chunked && blen) {
			size_t pl = dechunk(body, blen, &plain);
			if (pl) {
				body = plain;
				blen = pl;
			}
		}
		const char *enc = req.content_encoding;
		bool gz = blen >= 2 && body[0] == 0x1f && body[1] == 0x8b;
		bool zlib_hdr =
			blen >= 2 && (body[0] & 0x0f) == 8 && ((body[0] << 8) | body[1]) % 31 == 0;
		unsigned char *z = NULL;
		size_t zl = 0;
		const char *how = NULL;
		if (gz || (enc && strcasestr(enc, "gzip"))) {
			zl = payload_inflate(body, blen, 0, &z);
			how = "gzip";
		} else if (enc && strcasestr(enc, "deflate")) {
			zl = payload_inflate(body, blen, !zlib_hdr, &z);
			how = "deflate";
		}
		if (zl) {
			add_view(out, &k, max, how, z, zl);
			free(plain);
		} else if (plain) {
			add_view(out, &k, max, "chunked", plain, blen);
		}
		http_req_release(&req);
	}
	return k;
}

void payload_views_release(struct payload_view *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].data);
		v[i].data = NULL;
	}
}
