/* Finding canary values in what a package sent, looked up or ran: plain,
 * hex, base64 (any alignment, standard or URL alphabet), URL-encoded, and
 * inside DNS names whose labels carry hex, base32 or base64url data. */
#ifndef SNARE_CANARY_H
#define SNARE_CANARY_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the encoding under which |value| occurs in |buf| ("plain", "hex",
 * "base64", "urlencoded"; "partial" when only the middle 20 characters of
 * a value of 32 or more occur, as is: a token cut by the stealer), or NULL. */
const char *canary_find(const unsigned char *buf, size_t len, const char *value);
/* The same for a DNS name: labels joined and decoded first ("dns-hex",
 * "dns-base32", "dns-base64", or "plain" for a value in a label as is). */
const char *canary_find_dns(const char *name, const char *value);

#endif
