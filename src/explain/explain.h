/* Verdicts in plain words: which behaviours pushed the score, each with the
 * events from the report that prove it. */
#ifndef SNARE_EXPLAIN_H
#define SNARE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* A sentence with evidence for |feature| (a schema name such as
 * "install.canary_cred") of |report|, e.g. "sends npm_token (plain) to
 * x.oast.fun:443 [install]".  malloc'd. */
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
