/* The subset of YAML that pnpm-lock.yaml and Yarn 2+ yarn.lock are written
 * in: block mappings and sequences by indentation, plain and quoted
 * scalars, one-line flow mappings and sequences ({a: b}, [a, b]), block
 * scalars (| and >), comments and "---" document markers.  Anchors,
 * aliases, tags and multi-line flow collections are refused. */
#ifndef SNARE_LOCKFILE_YAML_H
#define SNARE_LOCKFILE_YAML_H

#include <stddef.h>
#include <jansson.h>

/* Nesting deeper than this is refused (lockfiles use about 5 levels). */
#define YAML_MAX_DEPTH 64

/* Parses |len| bytes of |text|.  Mappings become objects, sequences arrays,
 * scalars strings (no type conversion: "true" stays a string); a key with
 * no value is JSON null.  Of several documents, the last non-empty one is
 * returned.  Returns a new reference (JSON null for an empty text), or NULL
 * with one line in |err|, e.g. "line 7: unterminated quoted string". */
json_t *yaml_parse(const char *text, size_t len, char *err, size_t errlen);

#endif
