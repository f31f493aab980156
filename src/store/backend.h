/* Inside src/store: what the SQLite file and the PostgreSQL database each
 * implement behind store.h.  store.c checks and encodes a record once
 * (store_row) and decodes a row's report once; a back end only moves rows.
 * Not part of the module's interface. */
#ifndef SNARE_STORE_BACKEND_H
#define SNARE_STORE_BACKEND_H

#include <stddef.h>

#include "store/store.h"

/* A checked, encoded record: every field set except |registry|. */
struct store_row {
	const char *name, *version, *integrity, *model, *source, *registry;
	int features_schema;
	const char *report_schema, *label;
	double probability;
	const char *verdict; /* JSON text */
	const unsigned char *report;
	size_t report_len;     /* compressed bytes */
	long long report_size; /* uncompressed */
	long long scanned_at, scored_at;
};

/* A row's compressed report as read back (owned). */
struct store_blob {
	unsigned char *data;
	size_t len;
	long long size; /* uncompressed, as recorded */
};

struct store_ops {
	/* fills every field of |e| but report, and |b| when q->with_report;
	 * 1, 0 (none), -1 with |err| */
	int (*get)(struct store *s, const struct store_query *q, struct store_entry *e,
		   struct store_blob *b, char *err, size_t errlen);
	int (*put)(struct store *s, const struct store_row *r, char *err, size_t errlen);
	int (*begin)(struct store *s, char *err, size_t errlen);
	int (*commit)(struct store *s, char *err, size_t errlen);
	void (*close)(struct store *s);
	/* in one transaction: reads the claim on name@version into |held|;
	 * when there is none, or |take| says it may be taken over, writes
	 * |want| in its place and returns 1; else 0; -1 with |err| */
	int (*claim)(struct store *s, const char *name, const char *version,
		     const struct store_claim *want, struct store_claim *held,
		     bool (*take)(const struct store_claim *held, const struct store_claim *want),
		     char *err, size_t errlen);
	/* deletes the claim if it is |mine| */
	int (*unclaim)(struct store *s, const char *name, const char *version,
		       const struct store_claim *mine, char *err, size_t errlen);
};

struct store {
	const struct store_ops *ops;
	char *path; /* as shown in messages: a URL without its password */
	void *impl;
};

/* 0, or -1 with |err|; on success s->ops and s->impl are set. */
int store_sqlite_open(struct store *s, const char *path, char *err, size_t errlen);
int store_pg_open(struct store *s, const char *url, char *err, size_t errlen);

#endif
