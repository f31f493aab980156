/* Unit tests for src/netsink/dns.c: query parsing, response building, type
 * names and sinkhole addresses.  Every packet is parsed from an exact-size
 * heap copy so ASan catches a read one byte past |len|. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "netsink/dns.h"

/* An A query for "x.oast.fun", id 0xbeef, RD set, one question. */
static const uint8_t a_query[] = {
	0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* header */
	0x01, 'x',  0x04, 'o',	'a',  's',  't',  0x03, 'f',  'u',  'n',  0x00, /* name */
	0x00, 0x01, 0x00, 0x01,							/* A IN */
};

/* A TXT query for "d1.exfil.example", id 0x0102, RD clear, with an EDNS OPT
 * record in the additional section (arcount 1). */
static const uint8_t txt_query[] = {
	0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 'd',  '1',
	0x05, 'e',  'x',  'f',	'i',  'l',  0x07, 'e',	'x',  'a',  'm',  'p',	'l',  'e',  0x00,
	0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Parses |len| bytes of |pkt| from an exact-size heap copy. */
static int parse(const uint8_t *pkt, size_t len, struct dns_query *q)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	r = dns_parse_query(copy, len, q);
	free(copy);
	return r;
}

static ssize_t build(const struct dns_query *q, const uint8_t *pkt, size_t len,
		     const struct dns_answer *ans, uint8_t *out, size_t outcap)
{
	uint8_t *copy = malloc(len);
	ssize_t r;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	r = dns_build_response(q, copy, len, ans, out, outcap);
	free(copy);
	return r;
}

/* Writes a one-question query for the dotted |name| into |buf|; returns its
 * length.  Labels longer than 63 bytes are written as asked, so the test
 * can produce bad length octets. */
static size_t make_query(uint8_t *buf, uint16_t id, uint16_t flags, const char *name,
			 uint16_t qtype)
{
	size_t n = 0;
	const char *p = name;

	buf[n++] = (uint8_t)(id >> 8);
	buf[n++] = (uint8_t)id;
	buf[n++] = (uint8_t)(flags >> 8);
	buf[n++] = (uint8_t)flags;
	memcpy(buf + n, "\0\1\0\0\0\0\0\0", 8);
	n += 8;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		buf[n++] = (uint8_t)l;
		memcpy(buf + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	buf[n++] = 0;
	buf[n++] = (uint8_t)(qtype >> 8);
	buf[n++] = (uint8_t)qtype;
	buf[n++] = 0;
	buf[n++] = 1;
	return n;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_parse_a_query(void **state)
{
	struct dns_query q;

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	assert_int_equal(q.id, 0xbeef);
	assert_int_equal(q.flags, 0x0100);
	assert_string_equal(q.name, "x.oast.fun");
	assert_int_equal(q.qtype, DNS_TYPE_A);
	assert_int_equal(q.qclass, DNS_CLASS_IN);
	assert_int_equal(q.question_end, 28);
}

static void test_parse_txt_query(void **state)
{
	struct dns_query q;

	(void)state;
	assert_int_equal(parse(txt_query, sizeof(txt_query), &q), 0);
	assert_int_equal(q.id, 0x0102);
	assert_int_equal(q.flags, 0);
	assert_string_equal(q.name, "d1.exfil.example");
	assert_int_equal(q.qtype, DNS_TYPE_TXT);
	assert_int_equal(q.qclass, DNS_CLASS_IN);
	assert_int_equal(q.question_end, 34);
}

static void test_parse_keeps_case(void **state)
{
	uint8_t pkt[64];
	struct dns_query q;
	size_t n = make_query(pkt, 7, 0, "WwW.ExAmple.COM", DNS_TYPE_AAAA);

	(void)state;
	assert_int_equal(parse(pkt, n, &q), 0);
	assert_string_equal(q.name, "WwW.ExAmple.COM");
	assert_int_equal(q.qtype, DNS_TYPE_AAAA);
}

static void test_parse_root(void **state)
{
	static const uint8_t pkt[] = {0, 1, 0, 0,    0,	   1,	 0,    0,   0,
				      0, 0, 0, 0x00, 0x00, 0x02, 0x00, 0x01};
	struct dns_query q;

	(void)state;
	assert_int_equal(parse(pkt, sizeof(pkt), &q), 0);
	assert_string_equal(q.name, "");
	assert_int_equal(q.qtype, DNS_TYPE_NS);
	assert_int_equal(q.question_end, 17);
}

static void test_response_a(void **state)
{
	struct dns_query q;
	struct dns_answer ans = {.addr4 = htonl(0xc6120709), .ttl = 300};
	uint8_t out[512];
	ssize_t n;

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	n = build(&q, a_query, sizeof(a_query), &ans, out, sizeof(out));
	assert_int_equal(n, 28 + 16);

	assert_int_equal(rd16(out), 0xbeef);	 /* id */
	assert_int_equal(rd16(out + 2), 0x8180); /* QR RD RA, NOERROR */
	assert_int_equal(rd16(out + 4), 1);	 /* qdcount */
	assert_int_equal(rd16(out + 6), 1);	 /* ancount */
	assert_int_equal(rd16(out + 8), 0);	 /* nscount */
	assert_int_equal(rd16(out + 10), 0);	 /* arcount */
	assert_memory_equal(out + 12, a_query + 12, 16);

	assert_int_equal(rd16(out + 28), 0xc00c);	      /* name: pointer to the question */
	assert_int_equal(rd16(out + 30), DNS_TYPE_A);	      /* type */
	assert_int_equal(rd16(out + 32), DNS_CLASS_IN);	      /* class */
	assert_memory_equal(out + 34, "\x00\x00\x01\x2c", 4); /* TTL 300 */
	assert_int_equal(rd16(out + 38), 4);		      /* rdlength */
	assert_memory_equal(out + 40, "\xc6\x12\x07\x09", 4); /* 198.18.7.9 */
}

static void test_response_nxdomain(void **state)
{
	struct dns_query q;
	struct dns_answer ans = {.rcode = DNS_RCODE_NXDOMAIN, .addr4 = 1, .ttl = 300};
	uint8_t out[512];
	ssize_t n;

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	n = build(&q, a_query, sizeof(a_query), &ans, out, sizeof(out));
	assert_int_equal(n, 28);
	assert_int_equal(rd16(out + 2), 0x8183); /* QR RD RA, NXDOMAIN */
	assert_int_equal(rd16(out + 6), 0);	 /* no answer */
}

/* Made-up names get NXDOMAIN; chosen names, and random labels under a
 * chosen domain (data leaving by DNS), are answered. */
static void test_probe_names(void **state)
{
	static const char *const probes[] = {"q7xk2m9vzp4wtb.com",	"xkqzjwpqvrt.net",
					     "a1b2c3d4e5.org",		"kq8x7m2p.google.com",
					     "zx81nvq0e.microsoft.com", "b0c9x7q2z.co.uk",
					     "x1y2z3w4v5.example.com."};
	static const char *const names[] = {"registry.npmjs.org",
					    "www.google.com",
					    "api.ipify.org",
					    "discord.com",
					    "jsdelivr.net",
					    "googleapis.com",
					    "4d4b49413132.x.exfil.test",
					    "x.oast.fun",
					    "0123456789abcdef0123.burpcollaborator.net",
					    "s3-us-west-2.amazonaws.com",
					    "xn--80ak6aa92e.com",
					    "mycompanyapi.io",
					    "localhost",
					    "",
					    "cloudflare-dns.com",
					    "stackoverflow.com"};
	struct dns_answer a;

	(void)state;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (!dns_name_is_probe(probes[i]))
			fail_msg("%s: not a probe", probes[i]);
		dns_sink_answer(probes[i], &a);
		assert_int_equal(a.rcode, DNS_RCODE_NXDOMAIN);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (dns_name_is_probe(names[i]))
			fail_msg("%s: a probe", names[i]);
		dns_sink_answer(names[i], &a);
		assert_int_equal(a.rcode, 0);
		assert_int_equal(a.addr4, dns_sinkhole_addr(names[i]));
		assert_string_equal(a.txt, "v=spf1 -all");
	}
}

/* The detector over many names: random labels of 12 characters are told
 * apart nearly always, popular domain names almost never flagged. */
static void test_probe_rates(void **state)
{
	static const char *const popular[] = {
		"facebook",	 "microsoft",	"cloudflare", "jsdelivr",      "stackoverflow",
		"wikipedia",	 "instagram",	"bitbucket",  "herokuapp",     "digitalocean",
		"kubernetes",	 "atlassian",	"jetbrains",  "salesforce",    "mailchimp",
		"bootstrapcdn",	 "fontawesome", "cloudfront", "windowsupdate", "letsencrypt",
		"namecheap",	 "coinbase",	"etherscan",  "uniswap",       "huggingface",
		"tensorflow",	 "matplotlib",	"streamlit",  "chocolatey",    "snapcraft",
		"bankofamerica", "wellsfargo",	"requestbin", "pipedream",     "interactsh",
		"canarytokens",	 "localtunnel", "tailscale",  "protonvpn",     "discordapp",
		"telegram",	 "whatsapp"};
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned long long x = 88172645463325252ULL;
	int caught = 0;
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(popular) / sizeof(popular[0]); i++) {
		snprintf(name, sizeof(name), "%s.com", popular[i]);
		if (dns_name_is_probe(name))
			fail_msg("%s: a probe", name);
	}
	for (int i = 0; i < 2000; i++) {
		for (int k = 0; k < 12; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			name[k] = alnum[x % 36];
		}
		snprintf(name + 12, sizeof(name) - 12, ".com");
		caught += dns_name_is_probe(name);
	}
	assert_true(caught >= 1980);
}

static void test_response_reparses_as_question(void **state)
{
	struct dns_query q, r;
	struct dns_answer ans = {.addr4 = htonl(0xc6120709), .ttl = 60};
	uint8_t out[512];
	ssize_t n;

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	n = build(&q, a_query, sizeof(a_query), &ans, out, sizeof(out));
	assert_true(n > 0);
	/* The parser refuses responses... */
	assert_int_equal(parse(out, (size_t)n, &r), -EINVAL);
	/* ...but with QR cleared the echoed question reads back the same. */
	out[2] &= 0x7f;
	assert_int_equal(parse(out, (size_t)n, &r), 0);
	assert_string_equal(r.name, "x.oast.fun");
	assert_int_equal(r.qtype, DNS_TYPE_A);
	assert_int_equal(r.question_end, 28);
}

static void test_response_txt(void **state)
{
	struct dns_query q;
	struct dns_answer ans = {.txt = "hello", .ttl = 0x01020304};
	uint8_t out[512];
	ssize_t n;

	(void)state;
	assert_int_equal(parse(txt_query, sizeof(txt_query), &q), 0);
	n = build(&q, txt_query, sizeof(txt_query), &ans, out, sizeof(out));
	assert_int_equal(n, 34 + 12 + 6);
	assert_int_equal(rd16(out), 0x0102);
	assert_int_equal(rd16(out + 2), 0x8080); /* RD not set in the query */
	assert_int_equal(rd16(out + 6), 1);
	assert_int_equal(rd16(out + 10), 0); /* the OPT record is not echoed */
	assert_memory_equal(out + 12, txt_query + 12, 22);
	assert_int_equal(rd16(out + 34), 0xc00c);
	assert_int_equal(rd16(out + 36), DNS_TYPE_TXT);
	assert_int_equal(rd16(out + 38), DNS_CLASS_IN);
	assert_memory_equal(out + 40, "\x01\x02\x03\x04", 4);
	assert_int_equal(rd16(out + 44), 6);
	assert_memory_equal(out + 46, "\x05hello", 6);
}

static void test_response_txt_split(void **state)
{
	struct dns_query q;
	char txt[301];
	struct dns_answer ans = {.txt = txt, .ttl = 1};
	uint8_t out[1024];
	ssize_t n;

	(void)state;
	for (size_t i = 0; i < 300; i++)
		txt[i] = (char)('a' + i % 26);
	txt[300] = '\0';
	assert_int_equal(parse(txt_query, sizeof(txt_query), &q), 0);
	n = build(&q, txt_query, sizeof(txt_query), &ans, out, sizeof(out));
	assert_int_equal(n, 34 + 12 + 302);
	assert_int_equal(rd16(out + 44), 302);
	assert_int_equal(out[46], 255);
	assert_memory_equal(out + 47, txt, 255);
	assert_int_equal(out[47 + 255], 45);
	assert_memory_equal(out + 48 + 255, txt + 255, 45);
}

static void test_response_txt_empty_and_null(void **state)
{
	struct dns_query q;
	struct dns_answer ans = {.txt = "", .ttl = 1};
	uint8_t out[512];
	ssize_t n;

	(void)state;
	assert_int_equal(parse(txt_query, sizeof(txt_query), &q), 0);
	n = build(&q, txt_query, sizeof(txt_query), &ans, out, sizeof(out));
	/* TXT RDATA holds at least one character-string, here an empty one. */
	assert_int_equal(n, 34 + 12 + 1);
	assert_int_equal(rd16(out + 44), 1);
	assert_int_equal(out[46], 0);

	ans.txt = NULL;
	n = build(&q, txt_query, sizeof(txt_query), &ans, out, sizeof(out));
	assert_int_equal(n, 34);
	assert_int_equal(rd16(out + 6), 0);
}

static void test_response_aaaa_nodata(void **state)
{
	uint8_t pkt[64], out[512];
	struct dns_query q;
	struct dns_answer ans = {.addr4 = htonl(0xc6120001), .ttl = 5};
	size_t len = make_query(pkt, 0x4242, 0x0100, "x.oast.fun", DNS_TYPE_AAAA);
	ssize_t n;

	(void)state;
	assert_int_equal(parse(pkt, len, &q), 0);
	n = build(&q, pkt, len, &ans, out, sizeof(out));
	assert_int_equal(n, 28);
	assert_int_equal(rd16(out), 0x4242);
	assert_int_equal(rd16(out + 2), 0x8180);
	assert_int_equal(rd16(out + 4), 1);
	assert_int_equal(rd16(out + 6), 0);
	assert_int_equal(rd16(out + 24), DNS_TYPE_AAAA);
}

static void test_response_other_types_nodata(void **state)
{
	static const uint16_t types[] = {DNS_TYPE_MX,  DNS_TYPE_NS,  DNS_TYPE_HTTPS,
					 DNS_TYPE_ANY, DNS_TYPE_SRV, DNS_TYPE_CNAME};
	uint8_t pkt[64], out[512];
	struct dns_query q;
	struct dns_answer ans = {.addr4 = htonl(0xc6120001), .txt = "t", .ttl = 5};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t len = make_query(pkt, 1, 0x0100, "a.b", types[i]);

		assert_int_equal(parse(pkt, len, &q), 0);
		assert_int_equal(build(&q, pkt, len, &ans, out, sizeof(out)), (ssize_t)len);
		assert_int_equal(rd16(out + 6), 0);
	}
	/* An A query with no answer given is NODATA as well. */
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	assert_int_equal(build(&q, a_query, sizeof(a_query), NULL, out, sizeof(out)), 28);
	assert_int_equal(rd16(out + 6), 0);
}

static void test_response_copies_opcode_and_class(void **state)
{
	uint8_t pkt[64], out[512];
	struct dns_query q;
	struct dns_answer ans = {.txt = "v", .ttl = 0};
	/* opcode 2 (STATUS), class CH (3) */
	size_t len = make_query(pkt, 9, 0x1100, "version.bind", DNS_TYPE_TXT);
	ssize_t n;

	(void)state;
	pkt[len - 1] = 3;
	assert_int_equal(parse(pkt, len, &q), 0);
	assert_int_equal(q.qclass, 3);
	n = build(&q, pkt, len, &ans, out, sizeof(out));
	assert_int_equal(n, (ssize_t)len + 12 + 2);
	assert_int_equal(rd16(out + 2), 0x9180);
	assert_int_equal(rd16(out + len + 4), 3);

	/* QCLASS ANY is answered as IN. */
	pkt[len - 1] = 255;
	assert_int_equal(parse(pkt, len, &q), 0);
	n = build(&q, pkt, len, &ans, out, sizeof(out));
	assert_int_equal(rd16(out + len - 2), 255);
	assert_int_equal(rd16(out + len + 4), DNS_CLASS_IN);
}

static void test_response_emsgsize(void **state)
{
	struct dns_query q;
	struct dns_answer ans = {.addr4 = htonl(0xc6120709), .ttl = 300};
	uint8_t out[64];

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	assert_int_equal(build(&q, a_query, sizeof(a_query), &ans, out, 0), -EMSGSIZE);
	assert_int_equal(build(&q, a_query, sizeof(a_query), &ans, out, 11), -EMSGSIZE);
	assert_int_equal(build(&q, a_query, sizeof(a_query), &ans, out, 28), -EMSGSIZE);
	assert_int_equal(build(&q, a_query, sizeof(a_query), &ans, out, 43), -EMSGSIZE);
	assert_int_equal(build(&q, a_query, sizeof(a_query), &ans, out, 44), 44);
}

static void test_response_txt_too_long(void **state)
{
	struct dns_query q;
	size_t big = 65535;
	char *txt = malloc(big + 1);
	struct dns_answer ans = {.ttl = 1};
	uint8_t out[16];

	(void)state;
	assert_non_null(txt);
	memset(txt, 'x', big);
	txt[big] = '\0';
	ans.txt = txt;
	assert_int_equal(parse(txt_query, sizeof(txt_query), &q), 0);
	assert_int_equal(build(&q, txt_query, sizeof(txt_query), &ans, out, sizeof(out)),
			 -EMSGSIZE);
	free(txt);
}

static void test_response_bad_packet(void **state)
{
	struct dns_query q;
	uint8_t out[512];

	(void)state;
	assert_int_equal(parse(a_query, sizeof(a_query), &q), 0);
	assert_int_equal(build(&q, a_query, 11, NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(build(&q, a_query, 20, NULL, out, sizeof(out)), -EINVAL);
}

static void test_malformed(void **state)
{
	struct dns_query q;
	uint8_t pkt[600];
	size_t n;

	(void)state;
	/* truncated header */
	assert_int_equal(parse(a_query, 11, &q), -EINVAL);
	assert_int_equal(parse(a_query, 0, &q), -EINVAL);
	assert_int_equal(dns_parse_query(NULL, 0, &q), -EINVAL);

	/* every cut inside the question */
	for (n = 12; n < sizeof(a_query); n++)
		assert_int_equal(parse(a_query, n, &q), -EINVAL);

	/* QR bit set */
	memcpy(pkt, a_query, sizeof(a_query));
	pkt[2] |= 0x80;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);

	/* qdcount 0 */
	memcpy(pkt, a_query, sizeof(a_query));
	pkt[5] = 0;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);

	/* label running past the end: "oast" claims 40 bytes */
	memcpy(pkt, a_query, sizeof(a_query));
	pkt[14] = 40;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);

	/* label types 01 and 10 */
	memcpy(pkt, a_query, sizeof(a_query));
	pkt[14] = 0x44;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);
	pkt[14] = 0x84;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);

	/* NUL inside a label */
	memcpy(pkt, a_query, sizeof(a_query));
	pkt[16] = 0;
	assert_int_equal(parse(pkt, sizeof(a_query), &q), -EINVAL);
	/* and the failure leaves *q zeroed */
	assert_string_equal(q.name, "");
	assert_int_equal(q.id, 0);
}

static void test_malformed_pointers(void **state)
{
	/* pointer to itself at offset 12 */
	static const uint8_t self[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1};
	/* "a" then a pointer back to 12: a loop that re-reads "a" forever */
	static const uint8_t loop[] = {0, 1, 0, 0,   0,	   1,	 0, 0, 0, 0,
				       0, 0, 1, 'a', 0xc0, 0x0c, 0, 1, 0, 1};
	/* pointer forward to a valid name at 16 */
	static const uint8_t fwd[] = {0,    1,	  0, 0, 0, 1,	0, 0, 0, 0, 0, 0,
				      0xc0, 0x10, 0, 1, 1, 'a', 0, 0, 1, 0, 1};
	/* two pointers pointing at each other */
	static const uint8_t pair[] = {0, 1, 0,	   0,	 0,    1,    0, 0, 0, 0,
				       0, 0, 0xc0, 0x0e, 0xc0, 0x0c, 0, 1, 0, 1};
	/* pointer into the header */
	static const uint8_t hdr[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x04, 0, 1, 0, 1};
	/* pointer cut after its first byte */
	static const uint8_t cut[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0};
	struct dns_query q;

	(void)state;
	assert_int_equal(parse(self, sizeof(self), &q), -EINVAL);
	assert_int_equal(parse(loop, sizeof(loop), &q), -EINVAL);
	assert_int_equal(parse(fwd, sizeof(fwd), &q), -EINVAL);
	assert_int_equal(parse(pair, sizeof(pair), &q), -EINVAL);
	assert_int_equal(parse(hdr, sizeof(hdr), &q), -EINVAL);
	assert_int_equal(parse(cut, sizeof(cut), &q), -EINVAL);
}

static void test_name_length_limits(void **state)
{
	char name[400];
	uint8_t pkt[600];
	struct dns_query q;
	size_t n;

	(void)state;
	/* 4 x 63-byte labels = 4 * 64 + 1 = 257 wire bytes: too long */
	memset(name, 0, sizeof(name));
	for (int i = 0; i < 4; i++) {
		memset(name + i * 64, 'a' + i, 63);
		if (i < 3)
			name[i * 64 + 63] = '.';
	}
	n = make_query(pkt, 1, 0, name, DNS_TYPE_A);
	assert_int_equal(parse(pkt, n, &q), -EINVAL);

	/* 253 dotted characters = 255 wire bytes: the longest legal name */
	memset(name, 0, sizeof(name));
	for (int i = 0; i < 3; i++) {
		memset(name + i * 64, 'a' + i, 63);
		name[i * 64 + 63] = '.';
	}
	memset(name + 192, 'd', 61);
	assert_int_equal(strlen(name), 253);
	n = make_query(pkt, 1, 0, name, DNS_TYPE_A);
	assert_int_equal(parse(pkt, n, &q), 0);
	assert_string_equal(q.name, name);
	assert_int_equal(q.question_end, 12 + 255 + 4);

	/* one more character: 256 wire bytes */
	name[253] = 'd';
	n = make_query(pkt, 1, 0, name, DNS_TYPE_A);
	assert_int_equal(parse(pkt, n, &q), -EINVAL);
}

static void test_hex_label_round_trip(void **state)
{
	char name[128];
	uint8_t pkt[128], out[256];
	struct dns_query q;
	struct dns_answer ans = {.addr4 = htonl(0xc6130101), .ttl = 1};
	size_t n;
	ssize_t r;

	(void)state;
	for (int i = 0; i < 63; i++)
		name[i] = "0123456789abcdef"[(i * 7) % 16];
	memcpy(name + 63, ".oast.fun", sizeof(".oast.fun"));
	n = make_query(pkt, 0x0a0b, 0x0100, name, DNS_TYPE_A);
	assert_int_equal(pkt[12], 63);
	assert_int_equal(parse(pkt, n, &q), 0);
	assert_string_equal(q.name, name);
	assert_int_equal(strlen(q.name), 72);

	r = build(&q, pkt, n, &ans, out, sizeof(out));
	assert_int_equal(r, (ssize_t)n + 16);
	assert_memory_equal(out + 12, pkt + 12, n - 12);
	out[2] &= 0x7f;
	assert_int_equal(parse(out, (size_t)r, &q), 0);
	assert_string_equal(q.name, name);

	/* a 64-byte label's length octet is 0x40, a reserved label type */
	name[63] = 'f';
	name[64] = '\0';
	n = make_query(pkt, 1, 0, name, DNS_TYPE_A);
	assert_int_equal(pkt[12], 64);
	assert_int_equal(parse(pkt, n, &q), -EINVAL);
}

static void test_type_name(void **state)
{
	char buf[12];

	(void)state;
	assert_string_equal(dns_type_name(1, buf, sizeof(buf)), "A");
	assert_string_equal(dns_type_name(2, buf, sizeof(buf)), "NS");
	assert_string_equal(dns_type_name(5, buf, sizeof(buf)), "CNAME");
	assert_string_equal(dns_type_name(6, buf, sizeof(buf)), "SOA");
	assert_string_equal(dns_type_name(12, buf, sizeof(buf)), "PTR");
	assert_string_equal(dns_type_name(15, buf, sizeof(buf)), "MX");
	assert_string_equal(dns_type_name(16, buf, sizeof(buf)), "TXT");
	assert_string_equal(dns_type_name(28, buf, sizeof(buf)), "AAAA");
	assert_string_equal(dns_type_name(33, buf, sizeof(buf)), "SRV");
	assert_string_equal(dns_type_name(64, buf, sizeof(buf)), "SVCB");
	assert_string_equal(dns_type_name(65, buf, sizeof(buf)), "HTTPS");
	assert_string_equal(dns_type_name(255, buf, sizeof(buf)), "ANY");
	assert_string_equal(dns_type_name(257, buf, sizeof(buf)), "CAA");

	assert_ptr_equal(dns_type_name(65280, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "TYPE65280");
	assert_string_equal(dns_type_name(65535, buf, sizeof(buf)), "TYPE65535");
	assert_string_equal(dns_type_name(0, buf, sizeof(buf)), "TYPE0");
	assert_string_equal(dns_type_name(54, buf, sizeof(buf)), "TYPE54");
	/* short buffers are cut, never overrun */
	assert_string_equal(dns_type_name(1234, buf, 5), "TYPE");
	assert_string_equal(dns_type_name(1234, NULL, 0), "");
}

static void test_sinkhole_addr(void **state)
{
	uint32_t a;
	uint8_t b[4];

	(void)state;
	a = dns_sinkhole_addr("x.oast.fun");
	assert_int_equal(dns_sinkhole_addr("x.oast.fun"), a);
	assert_int_equal(dns_sinkhole_addr("X.OAST.FUN"), a);
	assert_int_equal(dns_sinkhole_addr("x.Oast.fUn"), a);
	assert_int_equal(dns_sinkhole_addr("x.oast.fun."), a);
	assert_int_not_equal(dns_sinkhole_addr("y.oast.fun"), a);
	assert_int_equal(dns_sinkhole_addr(NULL), dns_sinkhole_addr(""));

	/* well-known names: their real address, or their owner's network */
	a = dns_sinkhole_addr("dns.google");
	assert_memory_equal(&a, "\x08\x08\x08\x08", 4);
	a = dns_sinkhole_addr("one.one.one.one.");
	assert_memory_equal(&a, "\x01\x01\x01\x01", 4);
	a = dns_sinkhole_addr("www.google.com");
	memcpy(b, &a, 4);
	assert_true(b[0] == 142 && (b[1] & 0xfe) == 250);
	a = dns_sinkhole_addr("registry.npmjs.org");
	memcpy(b, &a, 4);
	assert_true(b[0] == 104 && (b[1] & 0xf8) == 16);

	/* anything else: a public hosting address, never a benchmarking,
	 * documentation or private one, never .0 or .255 */
	for (unsigned int i = 0; i < 20000; i++) {
		char name[32];
		uint32_t h;

		snprintf(name, sizeof(name), "host%u.example", i);
		h = ntohl(dns_sinkhole_addr(name));
		assert_int_not_equal(h & 0xfffe0000u, 0xc6120000u); /* 198.18/15 */
		assert_int_not_equal(h >> 24, 10);
		assert_int_not_equal(h >> 24, 127);
		assert_int_not_equal(h >> 16, 0xc0a8);
		assert_int_not_equal(h & 0xff, 0);
		assert_int_not_equal(h & 0xff, 255);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_a_query),
		cmocka_unit_test(test_parse_txt_query),
		cmocka_unit_test(test_parse_keeps_case),
		cmocka_unit_test(test_parse_root),
		cmocka_unit_test(test_response_a),
		cmocka_unit_test(test_response_nxdomain),
		cmocka_unit_test(test_probe_names),
		cmocka_unit_test(test_probe_rates),
		cmocka_unit_test(test_response_reparses_as_question),
		cmocka_unit_test(test_response_txt),
		cmocka_unit_test(test_response_txt_split),
		cmocka_unit_test(test_response_txt_empty_and_null),
		cmocka_unit_test(test_response_aaaa_nodata),
		cmocka_unit_test(test_response_other_types_nodata),
		cmocka_unit_test(test_response_copies_opcode_and_class),
		cmocka_unit_test(test_response_emsgsize),
		cmocka_unit_test(test_response_txt_too_long),
		cmocka_unit_test(test_response_bad_packet),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_pointers),
		cmocka_unit_test(test_name_length_limits),
		cmocka_unit_test(test_hex_label_round_trip),
		cmocka_unit_test(test_type_name),
		cmocka_unit_test(test_sinkhole_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
