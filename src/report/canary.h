/* Finding canary values in what a package sent, looked up or ran: plain,
 * hex, base64 and base32 (any alignment; base64 in the standard or URL
 * alphabet, wrapped in lines or not), URL-encoded, XORed with a repeating
 * key of up to 32 bytes, inside gzip or zlib streams and base64 or hex
 * runs (two decodings deep), and inside DNS names whose labels carry hex,
 * base32 or base64url data, per label or across labels, in one name or
 * spread over many. */
#ifndef SNARE_CANARY_H
#define SNARE_CANARY_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the encoding under which |value| occurs in |buf| ("plain", "hex",
 * "base64", "base32", "urlencoded", "xor"; a value found inside a decoding
 * as "OUTER+INNER", e.g. "gzip+plain", "base64+xor", "urlencoded+base64";
 * "partial" when only the middle 20 characters of a value of 32 or more
 * occur, as is: a token cut by the stealer), or NULL.  A composed name
 * lives in a static buffer until eight more have been made. */
const char *canary_find(const unsigned char *buf, size_t len, const char *value);
/* The same for a DNS name: labels joined and decoded first ("dns-hex",
 * "dns-base32", "dns-base64", or "plain" for a value in a label as is). */
const char *canary_find_dns(const char *name, const char *value);

/* The data a sequence of DNS names carries to one zone: the labels left of
 * the zone, query after query, joined with dots (repeats dropped: a name
 * asked for A and AAAA is one chunk; a numeric first or last label is a
 * sequence number: the chunks are put in its order and it is dropped). */
struct dns_stream {
	char *zone;	/* e.g. "x.exfil.test", as first seen */
	char *data;	/* the chunks, dotted: search it with canary_find_dns() */
	size_t queries; /* chunks joined */
};

/* Splits the names of |n| queries (in the order they were sent) into one
 * stream per zone that two distinct names or more share (every suffix of
 * two labels or more is a zone), the longest zones first.  Returns how
 * many, with *out owned by the caller (canary_dns_streams_release()). */
size_t canary_dns_streams(const char *const *names, size_t n, struct dns_stream **out);
void canary_dns_streams_release(struct dns_stream *s, size_t n);

#endif
