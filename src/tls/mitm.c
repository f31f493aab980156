/* A per-run certificate authority and the leaves it signs (OpenSSL 3). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "tls/mitm.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define LEAF_CACHE_MAX 4096

struct leaf {
	char *name;
	X509 *cert;
};

struct mitm {
	EVP_PKEY *ca_key, *leaf_key;
	X509 *ca;
	X509_NAME *ca_name;
	char *ca_pem;
	char aia[256]; /* the leaves' authorityInfoAccess, on the CA's domain */
	SSL_CTX *ctx;
	struct leaf *leaves;
	size_t nleaves, alloc;
};

static const char *const ca_orgs[] = {
	"Meridian Data Services", "Halvorsen Networks",	       "Brightline Infrastructure",
	"Kestrel Labs",		  "Oakridge Consulting Group", "Bluepeak Software",
	"Northgate Solutions",	  "Tessaract Engineering",
};
static const char *const ca_kinds[] = {"Root CA", "Internal Root CA", "Proxy CA", "Root CA G2"};

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* certificatePolicies: the CA/Browser Forum's domain-validated policy, as
 * public CAs' leaves carry. */
static int add_dv_policy(X509 *cert)
{
	CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
	POLICYINFO *pi = POLICYINFO_new();
	int ok = 0;

	if (pols && pi && (pi->policyid = OBJ_txt2obj("2.23.140.1.2.1", 1)) != NULL &&
	    sk_POLICYINFO_push(pols, pi) > 0) {
		pi = NULL;
		ok = X509_add1_ext_i2d(cert, NID_certificate_policies, pols, 0, 0) == 1;
	}
	POLICYINFO_free(pi);
	CERTIFICATEPOLICIES_free(pols);
	return ok ? 0 : -1;
}

static int random_serial(X509 *cert)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[0] &= 0x7f; /* positive */
	b[0] |= 0x10; /* and of full length */
	bn = BN_bin2bn(b, sizeof(b), NULL);
	if (!bn)
		return -1;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* |not_before| and |not_after| are offsets from now, in seconds. */
static X509 *cert_new(EVP_PKEY *pub, const X509_NAME *subject, long not_before, long not_after)
{
	X509 *x = X509_new();

	if (!x || !X509_set_version(x, 2) || random_serial(x) < 0 ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), not_before) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), not_after) ||
	    !X509_set_subject_name(x, subject) || !X509_set_pubkey(x, pub)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static char *pem_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (b && PEM_write_bio_X509(b, x) == 1) {
		n = BIO_get_mem_data(b, &data);
		if (n > 0)
			out = xstrndup(data, (size_t)n);
	}
	BIO_free(b);
	return out;
}

static int on_servername(SSL *ssl, int *alert, void *arg)
{
	struct mitm *m = arg;
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	X509 *leaf;

	(void)alert;
	if (!name || !*name)
		return SSL_TLSEXT_ERR_NOACK; /* the fallback leaf stays */
	leaf = mitm_leaf(m, name);
	if (!leaf || SSL_use_certificate(ssl, leaf) != 1 ||
	    SSL_use_PrivateKey(ssl, m->leaf_key) != 1)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

static int on_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		   const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	(void)arg;
	/* HTTP/1.1 when offered; HTTP/2 only for a client that offers nothing
	 * else (node's http2.connect): the sink answers it (netsink/h2.h). */
	const unsigned char *h2 = NULL;
	bool other = false;
	for (unsigned i = 0; i < inlen; i += 1 + in[i]) {
		if (i + 1 + in[i] > inlen)
			break;
		if (in[i] == 2 && !memcmp(in + i + 1, "h2", 2))
			h2 = in + i + 1;
		else
			other = true;
	}
	if (h2 && !other) {
		*out = h2;
		*outlen = 2;
		return SSL_TLSEXT_ERR_OK;
	}
	for (unsigned i = 0; i < inlen;) {
		unsigned n = in[i];
		if (i + 1 + n > inlen)
			break;
		if (n == 8 && !memcmp(in + i + 1, "http/1.1", 8)) {
			*out = in + i + 1;
			*outlen = (unsigned char)n;
			return SSL_TLSEXT_ERR_OK;
		}
		i += 1 + n;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

static const char *reason_or(unsigned long e)
{
	const char *r = ERR_reason_error_string(e);
	return r ? r : "unknown error";
}

struct mitm *mitm_new(uint64_t seed, char *err, size_t errlen)
{
	struct mitm *m = xcalloc(1, sizeof(*m));
	const char *org = ca_orgs[seed % (sizeof(ca_orgs) / sizeof(ca_orgs[0]))];
	const char *kind = ca_kinds[(seed >> 8) % (sizeof(ca_kinds) / sizeof(ca_kinds[0]))];
	char cn[128];
	/* Issued a year or two ago, valid for twenty: an established CA. */
	long age = 86400L * (400 + (long)((seed >> 16) % 300));

	snprintf(cn, sizeof(cn), "%s %s", org, kind);
	{
		/* "Kestrel Labs" -> kestrellabs.com */
		char dom[64];
		size_t n = 0;
		for (const char *p = org; *p && n + 1 < sizeof(dom); p++)
			if (*p != ' ')
				dom[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		dom[n] = '\0';
		snprintf(m->aia, sizeof(m->aia),
			 "OCSP;URI:http://ocsp.%s,caIssuers;URI:http://pki.%s/ca.crt", dom, dom);
	}
	m->ca_key = EVP_EC_gen("P-256");
	m->leaf_key = EVP_EC_gen("P-256");
	m->ca_name = X509_NAME_new();
	if (!m->ca_key || !m->leaf_key || !m->ca_name ||
	    !X509_NAME_add_entry_by_txt(m->ca_name, "C", MBSTRING_ASC, (const unsigned char *)"US",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(m->ca_name, "O", MBSTRING_ASC, (const unsigned char *)org,
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(m->ca_name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
					-1, -1, 0))
		goto fail;
	m->ca = cert_new(m->ca_key, m->ca_name, -age, 20L * 365 * 86400 - age);
	if (!m->ca || !X509_set_issuer_name(m->ca, m->ca_name) ||
	    add_ext(m->ca, m->ca, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    add_ext(m->ca, m->ca, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") <
		    0 ||
	    add_ext(m->ca, m->ca, NID_subject_key_identifier, "hash") < 0 ||
	    !X509_sign(m->ca, m->ca_key, EVP_sha256()))
		goto fail;
	m->ca_pem = pem_of(m->ca);
	if (!m->ca_pem)
		goto fail;

	m->ctx = SSL_CTX_new(TLS_server_method());
	if (!m->ctx || !SSL_CTX_set_min_proto_version(m->ctx, TLS1_VERSION))
		goto fail;
	/* Old clients too: whatever the package's runtime speaks. */
	SSL_CTX_set_security_level(m->ctx, 0);
	SSL_CTX_set_options(m->ctx, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_tlsext_servername_callback(m->ctx, on_servername);
	SSL_CTX_set_tlsext_servername_arg(m->ctx, m);
	SSL_CTX_set_app_data(m->ctx, m);
	SSL_CTX_set_alpn_select_cb(m->ctx, on_alpn, m);
	return m;
fail:
	errbuf_set(err, errlen, "cannot create the TLS interception authority: %s",
		   reason_or(ERR_get_error()));
	mitm_free(m);
	return NULL;
}

const char *mitm_ca_pem(const struct mitm *m)
{
	return m->ca_pem;
}

EVP_PKEY *mitm_leaf_key(const struct mitm *m)
{
	return m->leaf_key;
}

SSL_CTX *mitm_server_ctx(struct mitm *m)
{
	return m->ctx;
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch <= ' ' || ch >= 0x7f || ch == ',')
			return false;
	}
	return true;
}

static X509 *mint(struct mitm *m, const char *name)
{
	unsigned char ip[16];
	char san[300];
	X509_NAME *subj = X509_NAME_new();
	X509 *x = NULL;
	bool is_ip = inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1;

	snprintf(san, sizeof(san), "%s:%s", is_ip ? "IP" : "DNS", name);
	/* CN is at most 64 characters; the SAN carries the name anyway. */
	if (!subj ||
	    !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC, (const unsigned char *)name,
					strlen(name) > 64 ? 64 : -1, -1, 0))
		goto out;
	x = cert_new(m->leaf_key, subj, -86400L * 30, 86400L * 335);
	if (!x || !X509_set_issuer_name(x, m->ca_name) ||
	    add_ext(x, m->ca, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(x, m->ca, NID_key_usage, "critical,digitalSignature,keyAgreement") < 0 ||
	    add_ext(x, m->ca, NID_ext_key_usage, "serverAuth") < 0 ||
	    add_ext(x, m->ca, NID_subject_alt_name, san) < 0 ||
	    add_ext(x, m->ca, NID_subject_key_identifier, "hash") < 0 ||
	    add_ext(x, m->ca, NID_authority_key_identifier, "keyid") < 0 ||
	    add_ext(x, m->ca, NID_info_access, m->aia) < 0 || add_dv_policy(x) < 0 ||
	    !X509_sign(x, m->ca_key, EVP_sha256())) {
		X509_free(x);
		x = NULL;
	}
out:
	X509_NAME_free(subj);
	return x;
}

X509 *mitm_leaf(struct mitm *m, const char *name)
{
	X509 *x;

	if (!valid_name(name))
		return NULL;
	for (size_t i = 0; i < m->nleaves; i++)
		if (!strcasecmp(m->leaves[i].name, name))
			return m->leaves[i].cert;
	x = mint(m, name);
	if (!x)
		return NULL;
	if (m->nleaves == LEAF_CACHE_MAX) {
		/* A package asking for thousands of names: recycle the oldest. */
		free(m->leaves[0].name);
		X509_free(m->leaves[0].cert);
		memmove(m->leaves, m->leaves + 1, (m->nleaves - 1) * sizeof(*m->leaves));
		m->nleaves--;
	}
	xgrow(&m->leaves, &m->alloc, m->nleaves + 1, sizeof(*m->leaves));
	m->leaves[m->nleaves++] = (struct leaf){xstrdup(name), x};
	return x;
}

void mitm_set_fallback_name(SSL *ssl, const char *name)
{
	SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
	struct mitm *m = SSL_CTX_get_app_data(ctx);
	X509 *leaf;

	if (!m)
		return;
	leaf = mitm_leaf(m, name);
	if (leaf && SSL_use_certificate(ssl, leaf) == 1)
		SSL_use_PrivateKey(ssl, m->leaf_key);
}

void mitm_free(struct mitm *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nleaves; i++) {
		free(m->leaves[i].name);
		X509_free(m->leaves[i].cert);
	}
	free(m->leaves);
	SSL_CTX_free(m->ctx);
	X509_free(m->ca);
	X509_NAME_free(m->ca_name);
	EVP_PKEY_free(m->ca_key);
	EVP_PKEY_free(m->leaf_key);
	free(m->ca_pem);
	free(m);
}
