/* Classify the first bytes a client sends on a TCP connection to the sink:
 * an HTTP/1.x request head or a TLS ClientHello.
 *
 * Both parsers take bytes from the sandboxed package, bound every read by
 * the buffer length, and say "need more bytes" (0) apart from "not this
 * protocol" (-EINVAL) so the caller can keep reading or try the next one.
 * Neither caps the head itself: a caller whose buffer is full while the
 * answer is still 0 decides what to do with it. */
#ifndef SNARE_NETSINK_SNIFF_H
#define SNARE_NETSINK_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_req {
	char *method;		/* owned; e.g. "POST" */
	char *target;		/* owned; request-target as sent, e.g. "/api?x=1" or "http://h/p" */
	char *host;		/* owned; first Host header value or NULL */
	char *content_type;	/* owned; first Content-Type value or NULL */
	char *user_agent;	/* owned; first User-Agent value or NULL */
	char *accept;		/* owned; first Accept value or NULL */
	char *content_encoding; /* owned; first Content-Encoding value or NULL */
	char *ws_key;		/* owned; first Sec-WebSocket-Key value or NULL */
	long content_length;	/* -1 if absent or invalid: not all digits, overflow, conflicting */
	bool chunked;		/* Transfer-Encoding lists "chunked" */
	bool upgrade_websocket; /* Upgrade lists "websocket" */
	size_t header_len;	/* bytes up to and including the blank line */
};

/* Parses an HTTP/1.x request head from |buf| (|len| bytes, need not be
 * NUL-terminated).  Returns 1 when a complete head was parsed and the fields
 * of |req| filled (the caller then owes http_req_release()), 0 when what is
 * there looks like HTTP but the head is incomplete (including |len| 0), and
 * -EINVAL when it is not an HTTP request: the method must be 1 to 16 of
 * A-Z, '-', '_' (starting with a letter) followed by one space, the target
 * a run of visible bytes, and the request line must end with " HTTP/1.<digit>"
 * and CRLF or a bare LF.  Header names are matched case-insensitively, values
 * are trimmed of spaces and tabs, bare LF line endings are accepted, and a
 * header line that is not "name: value" (obs-fold, no colon, bad name) is
 * skipped.  |req| is overwritten, not released; on a return other than 1 it
 * is left zeroed with nothing allocated. */
int sniff_http(const uint8_t *buf, size_t len, struct http_req *req);

/* Frees the strings of |req| (any may be NULL) and leaves |req| zeroed;
 * |req| itself may be NULL. */
void http_req_release(struct http_req *req);

/* How many bytes of |buf| the request whose head |req| describes takes,
 * its body included (Content-Length, or chunked up to the last chunk and
 * the trailers): 1 with |*used| set, 0 when the body is not all there yet,
 * -EINVAL for a malformed chunked body. */
int http_request_extent(const uint8_t *buf, size_t len, const struct http_req *req, size_t *used);

/* Walks the requests of a client's stream (keep-alive, pipelining): parses
 * the one at |*off| into |req| and sets |*used| to its bytes, body
 * included (the rest of the stream when the body is cut short or
 * malformed), then moves |*off| past it.  Returns 1 (the caller owes
 * http_req_release()), or 0 at the end of |buf| or at bytes that are not
 * a complete request head (|req| zeroed, |*off| unchanged). */
int http_next_request(const uint8_t *buf, size_t len, size_t *off, struct http_req *req,
		      size_t *used);

/* Parses a TLS ClientHello (RFC 8446 4.1.2) from the records at the start
 * of |buf|.  Returns 1 when a ClientHello was parsed, writing the first
 * host_name of the server_name extension into |sni| and the first protocol
 * of the ALPN extension into |alpn| (each NUL-terminated, "" if absent, cut
 * to |snilen|-1 / |alpnlen|-1 bytes; nothing is written when a length is 0).
 * Returns 0 when the bytes look like TLS (content type 22, version 3.x, a
 * handshake of type ClientHello as far as they go) but the message is
 * incomplete, -EINVAL otherwise.  Every length is checked against the one
 * that encloses it, and the extensions must end exactly where the
 * ClientHello does.  A ClientHello fragmented over several handshake
 * records is reassembled (up to 64 KiB). */
int sniff_tls_client_hello(const uint8_t *buf, size_t len, char *sni, size_t snilen, char *alpn,
			   size_t alpnlen);

#endif
