/* Whose events they are: the target's own code, a dependency's install
 * script, or a known tool (npm, git, node-gyp) doing what it always does.
 * A phase's features count only the target's own events (docs/features.md,
 * "Whose events count"). */
#ifndef SNARE_FEATURES_OWN_H
#define SNARE_FEATURES_OWN_H

#include <stdbool.h>
#include <jansson.h>

/* The phase |ph| of |report| with only the target's own events: its
 * commands, files, sockets, dns, sent, canary_hits, signals, denied,
 * processes and timeline filtered; everything else as is.  A new
 * reference. */
json_t *own_phase(const json_t *report, const json_t *ph);

/* The dependencies' install steps of |ph| that used the network (looked a
 * name up, connected or sent), as an array of {package, script, command,
 * hosts[]}: evidence, never the target's.  A new reference. */
json_t *own_dep_network(const json_t *report, const json_t *ph);

#endif
