/* The canary search past the capture window: the sink stores the first
 * NETSINK_CAPTURE_MAX bytes of a stream, and looks for the run's canaries
 * in the rest as it goes by, written plain, as hex, as base64 (at each
 * alignment, either alphabet) or URL-escaped.  What it finds travels with
 * the capture as bits (needle_bit()). */
#ifndef SNARE_NETSINK_NEEDLE_H
#define SNARE_NETSINK_NEEDLE_H

#include <stddef.h>
#include <stdint.h>

enum needle_enc { NEEDLE_PLAIN, NEEDLE_HEX, NEEDLE_BASE64, NEEDLE_URLENC, NEEDLE_ENCS };
#define NEEDLE_VALUES_MAX 16 /* 16 values x 4 encodings: one uint64_t */
#define NEEDLE_CARRY 512     /* stream bytes kept between chunks */

struct needles;

/* The patterns of |n| values (at most NEEDLE_VALUES_MAX; values shorter
 * than 8 bytes are skipped). */
struct needles *needles_new(const char *const *values, size_t n);
void needles_free(struct needles *nd);

/* The bit of value |k| found under |enc|. */
static inline uint64_t needle_bit(size_t k, enum needle_enc enc)
{
	return (uint64_t)1 << (k * NEEDLE_ENCS + enc);
}

/* The encoding's name, as the report's canary search names it. */
const char *needle_enc_name(enum needle_enc enc);

/* A stream's state: the last bytes seen, so a value cut by two reads is
 * found. */
struct needle_scan {
	uint8_t carry[NEEDLE_CARRY];
	size_t carrylen;
};

/* Searches |n| more bytes of a stream; returns the bits of what they (with
 * the carry) hold. */
uint64_t needles_scan(const struct needles *nd, struct needle_scan *st, const uint8_t *p, size_t n);

#endif
