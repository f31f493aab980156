/* The server side of HTTP/2 (RFC 9113), as much as a client needs to send
 * its requests: the sink's SETTINGS, ACKs of the client's SETTINGS and
 * PINGs, flow-control credit for what it sends, and "200" with no body for
 * each request.  It reads frame headers only: the requests themselves are
 * decoded from the capture, in the report (HPACK, payload.c). */
#ifndef SNARE_NETSINK_H2_H
#define SNARE_NETSINK_H2_H

#include <stddef.h>
#include <stdint.h>

#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN 24

struct h2 {
	size_t preface; /* preface bytes consumed */
	uint8_t head[9];
	size_t headlen;
	uint32_t left; /* payload bytes of the current frame still to come */
	uint8_t ping[8];
	size_t pinglen;
	uint8_t type, flags;
	uint32_t stream;
};

/* Feeds |n| bytes the client sent (from the first byte of the stream on,
 * preface included) and writes the sink's frames into |out| (|cap| >= 64
 * bytes per frame the input completes; what does not fit is dropped).
 * Returns the bytes written. */
size_t h2_feed(struct h2 *h, const uint8_t *p, size_t n, uint8_t *out, size_t cap);

#endif
