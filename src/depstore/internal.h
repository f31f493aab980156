/* Shared between the files of src/depstore; not part of its interface. */
#ifndef SNARE_DEPSTORE_INTERNAL_H
#define SNARE_DEPSTORE_INTERNAL_H

#include <stdbool.h>

#include "depstore/depstore.h"
#include "util/strbuf.h"

/* A placed package: |parent| is the node whose node_modules holds it (the
 * root: the project's node_modules). */
struct dnode {
	char *name, *version;
	json_t *meta; /* its packument version */
	struct dnode *parent;
	struct dnode **kids;
	size_t nkids;
	bool reserved; /* the target itself, already there */
	bool walked;   /* its edges are resolved */
	char *entry;   /* its store entry, once filled */
};

struct depstore_tree {
	struct dnode *root;
	struct dnode **all; /* in the order placed (breadth first) */
	size_t nall, npackages;
	json_t *packuments; /* name -> packument (null: failed) */
};

/* Whether a packument version's os, cpu and libc allow this machine. */
bool depstore_platform_ok(const json_t *meta);
/* "node_modules/a/node_modules/b" of |n| appended to |out|. */
void depstore_node_path(const struct dnode *n, struct strbuf *out);

#endif
