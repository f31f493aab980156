/* HTTP/2 frames the sink answers with; see h2.h. */
#include <string.h>

#include "netsink/h2.h"

enum { F_DATA = 0, F_HEADERS = 1, F_SETTINGS = 4, F_PING = 6, F_CONTINUATION = 9 };
enum { END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4 };

static size_t frame(uint8_t *out, size_t cap, uint32_t len, uint8_t type, uint8_t flags,
		    uint32_t stream, const uint8_t *payload)
{
	if (cap < 9 + (size_t)len)
		return 0;
	out[0] = (uint8_t)(len >> 16);
	out[1] = (uint8_t)(len >> 8);
	out[2] = (uint8_t)len;
	out[3] = type;
	out[4] = flags;
	out[5] = (uint8_t)(stream >> 24 & 0x7f);
	out[6] = (uint8_t)(stream >> 16);
	out[7] = (uint8_t)(stream >> 8);
	out[8] = (uint8_t)stream;
	if (len)
		memcpy(out + 9, payload, len);
	return 9 + (size_t)len;
}

static size_t window_update(uint8_t *out, size_t cap, uint32_t stream, uint32_t inc)
{
	uint8_t b[4] = {(uint8_t)(inc >> 24 & 0x7f), (uint8_t)(inc >> 16), (uint8_t)(inc >> 8),
			(uint8_t)inc};
	return frame(out, cap, 4, 8, 0, stream, b);
}

/* The frame whose header is in h->head has arrived whole (its payload
 * skipped, a PING's kept). */
static size_t frame_done(struct h2 *h, uint8_t *out, size_t cap)
{
	static const uint8_t status200 = 0x88; /* HPACK static index 8 */
	size_t o = 0;

	if (h->type == F_SETTINGS && !(h->flags & ACK))
		o += frame(out, cap, 0, F_SETTINGS, ACK, 0, NULL);
	else if (h->type == F_PING && !(h->flags & ACK) && h->pinglen == 8)
		o += frame(out, cap, 8, F_PING, ACK, 0, h->ping);
	if ((h->type == F_HEADERS || h->type == F_CONTINUATION || h->type == F_DATA) &&
	    (h->flags & END_STREAM) && h->stream)
		o += frame(out + o, cap - o, 1, F_HEADERS, END_STREAM | END_HEADERS, h->stream,
			   &status200);
	return o;
}

size_t h2_feed(struct h2 *h, const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0, i = 0;

	while (i < n && h->preface < H2_PREFACE_LEN) {
		if (p[i] != (uint8_t)H2_PREFACE[h->preface])
			return 0; /* not HTTP/2: nothing to answer */
		h->preface++;
		i++;
		if (h->preface == H2_PREFACE_LEN) /* our SETTINGS, empty */
			o += frame(out + o, cap - o, 0, F_SETTINGS, 0, 0, NULL);
	}
	while (i < n) {
		if (h->headlen < 9) {
			h->head[h->headlen++] = p[i++];
			if (h->headlen < 9)
				continue;
			h->left =
				(uint32_t)h->head[0] << 16 | (uint32_t)h->head[1] << 8 | h->head[2];
			h->type = h->head[3];
			h->flags = h->head[4];
			h->stream = ((uint32_t)h->head[5] << 24 | (uint32_t)h->head[6] << 16 |
				     (uint32_t)h->head[7] << 8 | h->head[8]) &
				    0x7fffffff;
			h->pinglen = 0;
			if (h->type == F_DATA && h->left) {
				/* credit for what it sends, so a long body is not held */
				o += window_update(out + o, cap - o, 0, h->left);
				o += window_update(out + o, cap - o, h->stream, h->left);
			}
		} else {
			size_t take = n - i < h->left ? n - i : h->left;
			if (h->type == F_PING)
				for (size_t k = 0; k < take && h->pinglen < 8; k++)
					h->ping[h->pinglen++] = p[i + k];
			i += take;
			h->left -= (uint32_t)take;
		}
		if (h->headlen == 9 && h->left == 0) {
			o += frame_done(h, out + o, cap - o);
			h->headlen = 0;
		}
	}
	return o;
}
