/* TLS interception for the netsink: a certificate authority made for one
 * run, leaf certificates minted on the fly for the names clients ask for,
 * and the server context the sink terminates TLS with.
 *
 *   struct mitm *m = mitm_new(err, sizeof(err));     CA and keys, per run
 *   mitm_ca_pem(m)                                    trusted in the sandbox
 *   SSL *ssl = SSL_new(mitm_server_ctx(m));
 *   mitm_set_fallback_name(ssl, "198.18.0.7");        used without SNI
 *   ...                                               leaf chosen at SNI time
 *   mitm_free(m);
 *
 * Keys are P-256.  The CA's names are plausible, picked from the run's
 * seed, never the project's own.  Leaves carry the name as a subjectAltName
 * (DNS, or IP for an address literal), serverAuth, and a validity around
 * now, and are cached per name.  ALPN: http/1.1 is chosen when offered
 * (the sink speaks HTTP/1.1); a client offering only h2 gets no ALPN. */
#ifndef SNARE_TLS_MITM_H
#define SNARE_TLS_MITM_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

struct mitm;

/* Makes the CA (key, self-signed certificate) and the leaf key; |seed|
 * picks the CA's names.  NULL with one line in |err| on failure. */
struct mitm *mitm_new(uint64_t seed, char *err, size_t errlen);

/* The CA certificate, PEM, NUL-terminated; owned by |m|. */
const char *mitm_ca_pem(const struct mitm *m);

/* The leaf for |name| (a DNS name or an IPv4/IPv6 literal), minted and
 * cached on first use; owned by |m|.  NULL if |name| is empty or too long
 * (over 253 bytes) or signing fails. */
X509 *mitm_leaf(struct mitm *m, const char *name);

/* The leaves' private key; owned by |m|. */
EVP_PKEY *mitm_leaf_key(const struct mitm *m);

/* The server context: TLS 1.2 and 1.3, a leaf per SNI, ALPN as above;
 * owned by |m|. */
SSL_CTX *mitm_server_ctx(struct mitm *m);

/* The name to mint for when |ssl|'s client sends no SNI (the address it
 * connected to).  Copies |name|. */
void mitm_set_fallback_name(SSL *ssl, const char *name);

/* NULL ok. */
void mitm_free(struct mitm *m);

#endif
