/* The readable forms of what a client sent on a connection, where the
 * bytes as captured hide it: HTTP request bodies de-chunked and
 * decompressed (Content-Encoding gzip or deflate, or a body that is a gzip
 * stream), and WebSocket messages unmasked (and inflated, for
 * permessage-deflate).  Canaries are searched in each of them as well as in
 * the raw bytes.
 *
 * Every input byte comes from the sandboxed package: lengths are checked
 * against what is there, and each view is capped at PAYLOAD_VIEW_MAX bytes
 * (a decompression bomb is cut, not followed). */
#ifndef SNARE_REPORT_PAYLOAD_H
#define SNARE_REPORT_PAYLOAD_H

#include <stddef.h>

#define PAYLOAD_VIEW_MAX (1u << 20)
#define PAYLOAD_VIEWS_MAX 16

struct payload_view {
	const char *how;     /* "chunked", "gzip", "deflate", "websocket", "http2" (static) */
	unsigned char *data; /* owned */
	size_t len;
};

/* Fills up to |max| views of the stream |d| (|n| bytes, as the client sent
 * it, from its first request head) and returns how many.  A request body
 * that needs no decoding gives no view: the raw bytes already show it. */
size_t payload_views(const unsigned char *d, size_t n, struct payload_view *out, size_t max);

/* Decodes a WebSocket client stream (frames after the upgrade) into one
 * buffer of message payloads.  Returns its length (0 with *out NULL if
 * there is nothing); *out is owned by the caller. */
size_t payload_websocket(const unsigned char *d, size_t n, unsigned char **out);

/* Decodes an HTTP/2 client stream (from its preface): each request's
 * header fields, HPACK-decoded (Huffman and the dynamic table, by
 * libnghttp2's inflater: a tested decoder of hostile input rather than one
 * of our own), as "name: value" lines, then its DATA.  Returns the length
 * (0 with *out NULL when the stream is not HTTP/2); *out is owned by the
 * caller. */
size_t payload_http2(const unsigned char *d, size_t n, unsigned char **out);

/* Inflates a gzip or zlib stream, or raw deflate when |raw|.  Returns the
 * bytes made (up to PAYLOAD_VIEW_MAX; what a truncated stream gave is
 * kept) with *out owned by the caller, or 0 with *out NULL when nothing
 * could be inflated. */
size_t payload_inflate(const unsigned char *d, size_t n, int raw, unsigned char **out);

void payload_views_release(struct payload_view *v, size_t n);

#endif
