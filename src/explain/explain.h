/* Verdicts in plain words: which behaviours pushed the score, each with the
 * events from the report that prove it. */
#ifndef SNARE_EXPLAIN_H
#define SNARE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Numbers for people.  A count: "1,234", "12.5" (one decimal when it is
 * not whole). */
void explain_count(char *buf, size_t len, double v);
/* A size: "512 bytes", "1 byte", "1.5 KiB", "12 MiB". */
void explain_bytes(char *buf, size_t len, double bytes);
/* A probability: "0.970"; near 0 or 1 with up to four decimals, never
 * rounded to 0 or 1 ("0.9997", ">0.9999", "<0.0001"). */
void explain_probability(char *buf, size_t len, double p);

/* The sentence of feature |i| (features.def) for |value|, placeholders
 * filled in: "makes 4 HTTPS requests".  malloc'd. */
char *explain_sentence(size_t i, float value);

/* A sentence with evidence for |feature| (a schema name such as
 * "install.canary_cred") of |report|: its sentence, then what the report
 * shows after ": ", then where: "leaks 1 planted credential: npm_token
 * (plain) to x.oast.fun:443 [install]".  Command lines and other long
 * items are cut with an ellipsis.  malloc'd. */
char *explain_feature(const json_t *report, const char *feature, float value);

/* The verdict's first line.  Malicious: the decisive chain, what was
 * taken and where it went ("reads ~/.npmrc, then sends its npm_token
 * (base64) to x.oast.fun:443 [install, postinstall.js]"); benign: why the
 * package's network activity is benign ("downloads a binary from
 * github.com, related to the package's homepage or repository; nothing
 * identifying sent"), and what its dependencies' install steps contact.
 * NULL when there is no chain, or nothing notable.  malloc'd. */
char *explain_summary(const json_t *report, bool malicious);

/* The verdict object: {label, probability, threshold, explanations[],
 * summary (when explain_summary() has one)},
 * with the |top| strongest contributions in the verdict's direction.
 * |contribs| has features_count() + 1 entries (bias last). */
json_t *explain_verdict(const json_t *report, const float *x, const float *contribs, float prob,
			double threshold, size_t top);

#endif
