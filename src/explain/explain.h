/* Verdicts in plain words: which behaviours pushed the score, each with the
 * events from the report that prove it. */
#ifndef SNARE_EXPLAIN_H
#define SNARE_EXPLAIN_H

#include <stddef.h>
#include <jansson.h>

/* A sentence with evidence for |feature| (a schema name such as
 * "install.canary_cred") of |report|, e.g. "sends npm_token (plain) to
 * x.oast.fun:443 [install]".  malloc'd. */
char *explain_feature(const json_t *report, const char *feature, float value);

/* The verdict object: {label, probability, threshold, explanations[]},
 * with the |top| strongest contributions in the verdict's direction.
 * |contribs| has features_count() + 1 entries (bias last). */
json_t *explain_verdict(const json_t *report, const float *x, const float *contribs, float prob,
			double threshold, size_t top);

#endif
