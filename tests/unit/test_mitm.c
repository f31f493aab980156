/* The interception CA: leaves that verify for the name asked, a server
 * context a strict client completes a handshake with, ALPN choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls/mitm.h"

static X509 *ca_of(const struct mitm *m)
{
	BIO *b = BIO_new_mem_buf(mitm_ca_pem(m), -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static int verify(const struct mitm *m, X509 *leaf, const char *host, const char *ip)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *ca = ca_of(m);
	int ok;

	X509_STORE_add_cert(st, ca);
	X509_STORE_CTX_init(ctx, st, leaf, NULL);
	X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_SSL_SERVER);
	if (host)
		X509_VERIFY_PARAM_set1_host(p, host, 0);
	if (ip)
		X509_VERIFY_PARAM_set1_ip_asc(p, ip);
	ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	X509_free(ca);
	return ok;
}

static void test_ca_pem_is_a_ca(void **state)
{
	(void)state;
	struct mitm *m = mitm_new(7, NULL, 0);
	assert_non_null(m);
	X509 *ca = ca_of(m);
	assert_non_null(ca);
	assert_int_equal(X509_check_ca(ca), 1);
	char cn[256];
	X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_commonName, cn, sizeof(cn));
	assert_null(strstr(cn, "snare"));
	assert_non_null(strstr(cn, " CA"));
	/* Same seed, same names; the key differs per run. */
	struct mitm *m2 = mitm_new(7, NULL, 0);
	X509 *ca2 = ca_of(m2);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(ca), X509_get_subject_name(ca2)), 0);
	assert_string_not_equal(mitm_ca_pem(m), mitm_ca_pem(m2));
	X509_free(ca);
	X509_free(ca2);
	mitm_free(m);
	mitm_free(m2);
}

static void test_leaf_verifies_for_its_name_only(void **state)
{
	(void)state;
	struct mitm *m = mitm_new(1, NULL, 0);
	X509 *leaf = mitm_leaf(m, "hooks.example-collector.net");
	assert_non_null(leaf);
	assert_int_equal(verify(m, leaf, "hooks.example-collector.net", NULL), 1);
	assert_int_equal(verify(m, leaf, "other.example.net", NULL), 0);
	/* cached */
	assert_ptr_equal(mitm_leaf(m, "HOOKS.example-collector.net"), leaf);
	/* the extensions a public CA's leaf carries, not only the ones TLS needs */
	static const int nids[] = {NID_subject_alt_name,	 NID_subject_key_identifier,
				   NID_authority_key_identifier, NID_info_access,
				   NID_certificate_policies,	 NID_ext_key_usage};
	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		assert_true(X509_get_ext_by_NID(leaf, nids[i], -1) >= 0);
	X509 *ipleaf = mitm_leaf(m, "198.18.0.9");
	assert_non_null(ipleaf);
	assert_int_equal(verify(m, ipleaf, NULL, "198.18.0.9"), 1);
	assert_int_equal(verify(m, ipleaf, NULL, "198.18.0.10"), 0);
	assert_non_null(mitm_leaf(m, "2001:db8::1"));
	/* names a certificate cannot carry */
	assert_null(mitm_leaf(m, ""));
	assert_null(mitm_leaf(m, "a b"));
	assert_null(mitm_leaf(m, "x,DNS:evil"));
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(mitm_leaf(m, big));
	mitm_free(m);
}

/* Drives a client and the server over memory BIOs until both finish. */
static int handshake(SSL *cl, SSL *sv)
{
	for (int i = 0; i < 50; i++) {
		int a = SSL_do_handshake(cl), b = SSL_do_handshake(sv);
		if (a == 1 && b == 1)
			return 1;
		if (a <= 0 && SSL_get_error(cl, a) != SSL_ERROR_WANT_READ)
			return -1;
		if (b <= 0 && SSL_get_error(sv, b) != SSL_ERROR_WANT_READ)
			return -2;
	}
	return 0;
}

/* A client trusting |trusted|'s CA connects to |m|'s server context. */
static void run_client(struct mitm *m, struct mitm *trusted, const char *sni,
		       const unsigned char *alpn, unsigned alpnlen, const char *want_alpn, int want,
		       long want_verify)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	X509 *ca = ca_of(trusted);
	X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx), ca);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
	SSL *cl = SSL_new(cctx), *sv = SSL_new(mitm_server_ctx(m));
	BIO *a, *b;
	BIO_new_bio_pair(&a, 0, &b, 0);
	SSL_set_bio(cl, a, a);
	SSL_set_bio(sv, b, b);
	SSL_set_connect_state(cl);
	SSL_set_accept_state(sv);
	mitm_set_fallback_name(sv, "198.18.0.5");
	if (sni) {
		SSL_set_tlsext_host_name(cl, sni);
		SSL_set1_host(cl, sni);
	} else {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(cl), "198.18.0.5");
	}
	if (alpn)
		SSL_set_alpn_protos(cl, alpn, alpnlen);
	assert_int_equal(handshake(cl, sv), want);
	assert_int_equal(SSL_get_verify_result(cl), want_verify);
	if (want == 1) {
		const unsigned char *sel;
		unsigned sl;
		SSL_get0_alpn_selected(cl, &sel, &sl);
		assert_int_equal(sl, strlen(want_alpn));
		assert_memory_equal(sel, want_alpn, sl);
	}
	SSL_free(cl);
	SSL_free(sv);
	SSL_CTX_free(cctx);
	X509_free(ca);
	ERR_clear_error();
}

static void test_strict_client_completes_handshake(void **state)
{
	(void)state;
	struct mitm *m = mitm_new(3, NULL, 0);
	static const unsigned char both[] = "\x02h2\x08http/1.1";
	static const unsigned char h2[] = "\x02h2";
	run_client(m, m, "api.example-exfil.net", both, sizeof(both) - 1, "http/1.1", 1, X509_V_OK);
	/* a client that speaks HTTP/2 only gets it: the sink answers HTTP/2 */
	run_client(m, m, "api.example-exfil.net", h2, sizeof(h2) - 1, "h2", 1, X509_V_OK);
	run_client(m, m, "api.example-exfil.net", NULL, 0, "", 1, X509_V_OK);
	run_client(m, m, NULL, NULL, 0, "", 1, X509_V_OK); /* no SNI: the address's leaf */
	mitm_free(m);
}

static void test_client_without_the_ca_fails(void **state)
{
	(void)state;
	struct mitm *m = mitm_new(3, NULL, 0), *other = mitm_new(4, NULL, 0);
	/* A client that trusts another CA (pinning) refuses the leaf. */
	run_client(m, other, "pinned.example.net", NULL, 0, "", -1,
		   X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	mitm_free(m);
	mitm_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ca_pem_is_a_ca),
		cmocka_unit_test(test_leaf_verifies_for_its_name_only),
		cmocka_unit_test(test_strict_client_completes_handshake),
		cmocka_unit_test(test_client_without_the_ca_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
