/* Behaviour features: a documented, versioned vector of named numbers
 * computed from a report (docs/features.md lists each with its meaning).
 * The model is trained on, and only accepts, vectors of the same schema
 * version. */
#ifndef SNARE_FEATURES_H
#define SNARE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define FEATURES_SCHEMA 2

/* The number of features and their names, in vector order. */
size_t features_count(void);
const char *features_name(size_t i);
/* Index of |name|, or -1. */
int features_index(const char *name);

/* Whether the model uses feature |i|.  Counts of how much a package does
 * (commands, names, addresses, connections, bytes, code size, "has an
 * install script") stay in the table and the baseline but not in the
 * model: they separate the training corpora, not malice from benign. */
bool features_for_model(size_t i);

/* Fills |out| (features_count() floats) from |report|; every value is
 * finite (an overflow becomes +-FLT_MAX, a NaN 0).  Returns 0, or -1
 * with one line in |err| for a report that is not a snare report. */
int features_extract(const json_t *report, float *out, char *err, size_t errlen);

#endif
