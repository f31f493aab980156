/* DNS wire format for the sinkhole responder (RFC 1035, RFC 3597). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "netsink/dns.h"

/* Strictly backward pointers already rule out cycles made of pointers
 * alone; the bound also stops a pointer that re-reads the labels before it
 * long before the name limit would. */
#define DNS_MAX_JUMPS 16
#define DNS_MAX_LABEL 63
#define DNS_LABEL_TYPE 0xc0
#define DNS_LABEL_PTR 0xc0
#define DNS_PTR_QNAME 0xc00c /* pointer to the name at offset 12 */
/* The FNV-1a parameters for 32 bits. */
#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME 16777619u

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Reads the possibly compressed name at |off| of |pkt| into |wire| in
 * uncompressed wire form (at most DNS_MAX_NAME_WIRE bytes, ending with the
 * root label).  Sets *|wire_len| and *|end|, the offset just past the name
 * where it sits in |pkt| (past the first pointer if any).  Returns 0 or
 * -EINVAL. */
static int dns_read_name(const uint8_t *pkt, size_t len, size_t off,
			 uint8_t wire[DNS_MAX_NAME_WIRE], size_t *wire_len, size_t *end)
{
	size_t pos = off;
	size_t w = 0;
	unsigned int jumps = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -EINVAL;
		c = pkt[pos];
		if ((c & DNS_LABEL_TYPE) == DNS_LABEL_PTR) {
			size_t target;

			if (len - pos < 2)
				return -EINVAL;
			target = (size_t)(get16(pkt + pos) & 0x3fff);
			/* Names live after the header; a pointer must go back. */
			if (target < DNS_HEADER_LEN || target >= pos)
				return -EINVAL;
			if (++jumps > DNS_MAX_JUMPS)
				return -EINVAL;
			if (!jumped) {
				*end = pos + 2;
				jumped = true;
			}
			pos = target;
			continue;
		}
		/* 01 (RFC 2673 extended labels, withdrawn) and 10 are reserved. */
		if (c & DNS_LABEL_TYPE)
			return -EINVAL;
		if (w + 1 + c > DNS_MAX_NAME_WIRE)
			return -EINVAL;
		if (c == 0) {
			wire[w++] = 0;
			if (!jumped)
				*end = pos + 1;
			*wire_len = w;
			return 0;
		}
		if (c > len - pos - 1)
			return -EINVAL;
		/* A NUL would silently cut the dotted name short in every log. */
		if (memchr(pkt + pos + 1, '\0', c))
			return -EINVAL;
		memcpy(wire + w, pkt + pos, (size_t)c + 1);
		w += (size_t)c + 1;
		pos += (size_t)c + 1;
	}
}

/* Writes the dotted form of the uncompressed |wire| name into |out|, which
 * holds 256 bytes: a 255-byte wire name is at most 253 characters. */
static void dns_wire_to_dotted(const uint8_t *wire, char *out)
{
	size_t o = 0;

	for (const uint8_t *p = wire; *p; p += *p + 1) {
		if (o)
			out[o++] = '.';
		memcpy(out + o, p + 1, *p);
		o += *p;
	}
	out[o] = '\0';
}

int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q)
{
	uint8_t wire[DNS_MAX_NAME_WIRE];
	size_t wire_len, end;
	uint16_t flags;
	int r;

	memset(q, 0, sizeof(*q));
	if (!pkt || len < DNS_HEADER_LEN)
		return -EINVAL;
	flags = get16(pkt + 2);
	if (flags & DNS_FLAG_QR)
		return -EINVAL;
	if (get16(pkt + 4) == 0)
		return -EINVAL;
	r = dns_read_name(pkt, len, DNS_HEADER_LEN, wire, &wire_len, &end);
	if (r < 0)
		return r;
	if (len - end < 4)
		return -EINVAL;

	q->id = get16(pkt);
	q->flags = flags;
	dns_wire_to_dotted(wire, q->name);
	q->qtype = get16(pkt + end);
	q->qclass = get16(pkt + end + 2);
	q->question_end = end + 4;
	return 0;
}

/* Returns the RDATA length of the TXT record for |txt|: one length octet
 * per 255-byte string, and at least one (possibly empty) string. */
static size_t dns_txt_rdlen(size_t txt_len)
{
	size_t strings = txt_len ? (txt_len + 254) / 255 : 1;

	return txt_len + strings;
}

static uint8_t *dns_put_txt(uint8_t *p, const char *txt, size_t txt_len)
{
	do {
		size_t n = txt_len < 255 ? txt_len : 255;

		*p++ = (uint8_t)n;
		memcpy(p, txt, n);
		p += n;
		txt += n;
		txt_len -= n;
	} while (txt_len);
	return p;
}

ssize_t dns_build_response(const struct dns_query *q, const uint8_t *pkt, size_t len,
			   const struct dns_answer *ans, uint8_t *out, size_t outcap)
{
	uint8_t wire[DNS_MAX_NAME_WIRE];
	size_t wire_len, end, need, rdlen = 0, txt_len = 0;
	bool answer = false;
	uint16_t flags, aclass;
	uint8_t *p;
	int r;

	if (!q || !pkt || !out || len < DNS_HEADER_LEN)
		return -EINVAL;
	r = dns_read_name(pkt, len, DNS_HEADER_LEN, wire, &wire_len, &end);
	if (r < 0)
		return r;

	if (ans && ans->rcode) {
		answer = false;
	} else if (ans && q->qtype == DNS_TYPE_A) {
		answer = true;
		rdlen = 4;
	} else if (ans && ans->txt && q->qtype == DNS_TYPE_TXT) {
		txt_len = strlen(ans->txt);
		rdlen = dns_txt_rdlen(txt_len);
		if (rdlen > UINT16_MAX)
			return -EMSGSIZE;
		answer = true;
	}

	need = DNS_HEADER_LEN + wire_len + 4;
	if (answer)
		need += 2 + 2 + 2 + 4 + 2 + rdlen;
	if (need > outcap)
		return -EMSGSIZE;

	flags = (uint16_t)(DNS_FLAG_QR | (q->flags & (DNS_FLAG_OPCODE | DNS_FLAG_RD)) |
			   DNS_FLAG_RA | (ans ? (ans->rcode & DNS_FLAG_RCODE) : 0));
	p = put16(out, q->id);
	p = put16(p, flags);
	p = put16(p, 1);
	p = put16(p, answer ? 1 : 0);
	p = put16(p, 0);
	p = put16(p, 0);
	memcpy(p, wire, wire_len);
	p += wire_len;
	p = put16(p, q->qtype);
	p = put16(p, q->qclass);
	if (answer) {
		aclass = q->qclass == DNS_CLASS_ANY ? DNS_CLASS_IN : q->qclass;
		p = put16(p, DNS_PTR_QNAME);
		p = put16(p, q->qtype);
		p = put16(p, aclass);
		p = put32(p, ans->ttl);
		p = put16(p, (uint16_t)rdlen);
		if (q->qtype == DNS_TYPE_A) {
			memcpy(p, &ans->addr4, 4);
			p += 4;
		} else {
			p = dns_put_txt(p, ans->txt, txt_len);
		}
	}
	return (ssize_t)(p - out);
}

static const struct {
	uint16_t type;
	const char *name;
} dns_types[] = {
	{1, "A"},	{2, "NS"},	  {3, "MD"},	      {4, "MF"},	  {5, "CNAME"},
	{6, "SOA"},	{7, "MB"},	  {8, "MG"},	      {9, "MR"},	  {10, "NULL"},
	{11, "WKS"},	{12, "PTR"},	  {13, "HINFO"},      {14, "MINFO"},	  {15, "MX"},
	{16, "TXT"},	{17, "RP"},	  {18, "AFSDB"},      {24, "SIG"},	  {25, "KEY"},
	{28, "AAAA"},	{29, "LOC"},	  {33, "SRV"},	      {35, "NAPTR"},	  {36, "KX"},
	{37, "CERT"},	{39, "DNAME"},	  {41, "OPT"},	      {42, "APL"},	  {43, "DS"},
	{44, "SSHFP"},	{45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},	  {48, "DNSKEY"},
	{49, "DHCID"},	{50, "NSEC3"},	  {51, "NSEC3PARAM"}, {52, "TLSA"},	  {53, "SMIMEA"},
	{55, "HIP"},	{59, "CDS"},	  {60, "CDNSKEY"},    {61, "OPENPGPKEY"}, {62, "CSYNC"},
	{63, "ZONEMD"}, {64, "SVCB"},	  {65, "HTTPS"},      {99, "SPF"},	  {108, "EUI48"},
	{109, "EUI64"}, {249, "TKEY"},	  {250, "TSIG"},      {251, "IXFR"},	  {252, "AXFR"},
	{253, "MAILB"}, {254, "MAILA"},	  {255, "ANY"},	      {256, "URI"},	  {257, "CAA"},
	{32768, "TA"},	{32769, "DLV"},
};

const char *dns_type_name(uint16_t qtype, char *buf, size_t buflen)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (dns_types[i].type == qtype)
			return dns_types[i].name;
	}
	if (!buf || buflen == 0)
		return "";
	snprintf(buf, buflen, "TYPE%u", (unsigned int)qtype);
	return buf;
}

/* Address blocks the answers are drawn from: real networks of the hosts
 * asked for, else of the large hosting providers where most names live.
 * (An address from a benchmarking or documentation range would tell a
 * package its resolver is fake.) */
struct addr_block {
	const char *suffix; /* the name or its parent domain; NULL: any name */
	uint32_t base;	    /* host order */
	unsigned plen;	    /* prefix length, 8..32 */
};

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const struct addr_block exact_blocks[] = {
	{"dns.google", IP4(8, 8, 8, 8), 32},
	{"one.one.one.one", IP4(1, 1, 1, 1), 32},
	{"cloudflare-dns.com", IP4(104, 16, 248, 249), 32},
	{"dns.quad9.net", IP4(9, 9, 9, 9), 32},
};

static const struct addr_block owner_blocks[] = {
	{"google.com", IP4(142, 250, 0, 0), 15},
	{"googleapis.com", IP4(142, 250, 0, 0), 15},
	{"gstatic.com", IP4(142, 250, 0, 0), 15},
	{"youtube.com", IP4(142, 250, 0, 0), 15},
	{"github.com", IP4(140, 82, 112, 0), 20},
	{"githubusercontent.com", IP4(185, 199, 108, 0), 22},
	{"npmjs.org", IP4(104, 16, 0, 0), 13},
	{"npmjs.com", IP4(104, 16, 0, 0), 13},
	{"yarnpkg.com", IP4(104, 16, 0, 0), 13},
	{"cloudflare.com", IP4(104, 16, 0, 0), 13},
	{"amazonaws.com", IP4(52, 0, 0, 0), 11},
	{"amazon.com", IP4(52, 0, 0, 0), 11},
	{"microsoft.com", IP4(20, 0, 0, 0), 11},
	{"azure.com", IP4(20, 0, 0, 0), 11},
	{"windows.net", IP4(20, 0, 0, 0), 11},
	{"discord.com", IP4(162, 159, 128, 0), 17},
	{"telegram.org", IP4(149, 154, 160, 0), 20},
};

static const struct addr_block hosting_blocks[] = {
	{NULL, IP4(104, 16, 0, 0), 13},	 /* Cloudflare */
	{NULL, IP4(172, 64, 0, 0), 13},	 /* Cloudflare */
	{NULL, IP4(52, 0, 0, 0), 11},	 /* AWS */
	{NULL, IP4(54, 144, 0, 0), 12},	 /* AWS */
	{NULL, IP4(3, 208, 0, 0), 12},	 /* AWS */
	{NULL, IP4(34, 64, 0, 0), 10},	 /* Google Cloud */
	{NULL, IP4(35, 184, 0, 0), 13},	 /* Google Cloud */
	{NULL, IP4(151, 101, 0, 0), 16}, /* Fastly */
	{NULL, IP4(23, 192, 0, 0), 11},	 /* Akamai */
	{NULL, IP4(20, 0, 0, 0), 11},	 /* Azure */
	{NULL, IP4(104, 131, 0, 0), 16}, /* DigitalOcean */
	{NULL, IP4(159, 89, 0, 0), 16},	 /* DigitalOcean */
};

static bool name_under(const char *name, size_t n, const char *dom, bool exact)
{
	size_t d = strlen(dom);
	if (n == d)
		return !strncasecmp(name, dom, d);
	return !exact && n > d && name[n - d - 1] == '.' && !strncasecmp(name + n - d, dom, d);
}

/* An address of |b| for hash |h|: never a .0 or a .255. */
static uint32_t block_addr(const struct addr_block *b, uint32_t h)
{
	if (b->plen >= 32)
		return htonl(b->base);
	uint32_t n24 = b->plen >= 24 ? 1u : 1u << (24 - b->plen);
	uint32_t idx = h % (n24 * 254u);
	return htonl(b->base + (idx / 254u) * 256u + 1u + idx % 254u);
}

uint32_t dns_sinkhole_addr(const char *name)
{
	uint32_t h = FNV32_OFFSET;
	size_t n;

	if (!name)
		name = "";
	n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)name[i];

		/* ASCII only: the locale must not change where a name goes. */
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		h ^= c;
		h *= FNV32_PRIME;
	}
	for (size_t i = 0; i < sizeof(exact_blocks) / sizeof(exact_blocks[0]); i++)
		if (name_under(name, n, exact_blocks[i].suffix, true))
			return block_addr(&exact_blocks[i], h);
	for (size_t i = 0; i < sizeof(owner_blocks) / sizeof(owner_blocks[0]); i++)
		if (name_under(name, n, owner_blocks[i].suffix, false))
			return block_addr(&owner_blocks[i], h);
	/* the block from the high bits, the address from the rest */
	const size_t nb = sizeof(hosting_blocks) / sizeof(hosting_blocks[0]);
	return block_addr(&hosting_blocks[(h >> 24) % nb], h);
}

/* Second-level labels of public suffixes of two labels (co.uk, com.au ...). */
static const char *const two_label_suffixes[] = {"co.uk", "org.uk", "ac.uk",  "com.au", "net.au",
						 "co.jp", "co.nz",  "com.br", "com.cn", "co.in",
						 "co.kr", "com.tr", "com.mx", NULL};
/* Domains whose subdomains are known: a random one under them is a probe. */
static const char *const known_domains[] = {
	"google.com",	  "googleapis.com", "gstatic.com",   "microsoft.com", "windows.com",
	"azure.com",	  "amazon.com",	    "amazonaws.com", "apple.com",     "icloud.com",
	"cloudflare.com", "github.com",	    "npmjs.org",     "npmjs.com",     "facebook.com",
	"youtube.com",	  "wikipedia.org",  "yahoo.com",     "bing.com",      "baidu.com",
	"example.com",	  "live.com",	    "office.com",    "msn.com",	      NULL};

/* Bit b of row a: the bigram "ab" is common in English words and domain
 * names (the pairs that make up 98.5% of those in a corpus of prose and
 * popular domain names). */
static const uint32_t common_bigrams[26] = {
	0x1febd6e, 0x1144911, 0x11eddd5, 0x116691b, 0x1eff9ff, 0x01a4931, 0x0266191,
	0x01a4111, 0x2aef87f, 0x0040010, 0x0140171, 0x13c4979, 0x004d91b, 0x03cfd7d,
	0x0fefe3f, 0x11efd91, 0x0100000, 0x13efd7f, 0x17eed95, 0x15ef9bd, 0x20eb95e,
	0x0000111, 0x0066191, 0x0080111, 0x00c8001, 0x2000110};

static int letter(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	return c >= 'a' && c <= 'z' ? c - 'a' : -1;
}

/* A label a person would not have chosen (see dns_name_is_probe()): 30% or
 * more of its bigrams rare in words, or few vowels, a run of five
 * consonants, letters and digits interleaved three times. */
static bool label_random(const char *l, size_t n)
{
	size_t vowels = 0, letters = 0, run = 0, max_run = 0, switches = 0, rare = 0;
	int last = 0; /* 1 letter, 2 digit */

	if (n < 8 || (n >= 4 && !strncasecmp(l, "xn--", 4)))
		return false;
	for (size_t i = 0; i < n; i++) {
		int a = letter(l[i]);
		int kind = a >= 0 ? 1 : l[i] >= '0' && l[i] <= '9' ? 2 : 0;
		if (!kind)
			return false; /* a hyphen or an underscore: chosen */
		if (i + 1 < n) {
			int b = letter(l[i + 1]);
			rare += a < 0 || b < 0 || !(common_bigrams[a] >> b & 1);
		}
		if (last && kind != last)
			switches++;
		last = kind;
		if (kind == 1) {
			letters++;
			if (strchr("aeiouy", 'a' + a)) {
				vowels++;
				run = 0;
			} else if (++run > max_run) {
				max_run = run;
			}
		} else {
			run = 0;
		}
	}
	return rare * 100 >= (n - 1) * 30 || switches >= 3 || max_run >= 5 ||
	       (letters >= 6 && vowels * 100 < letters * 22);
}

static bool ends_with_domain(const char *name, size_t n, const char *dom)
{
	size_t d = strlen(dom);
	return n > d && name[n - d - 1] == '.' && !strncasecmp(name + n - d, dom, d);
}

bool dns_name_is_probe(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	const char *labels[64];
	size_t lens[64], k = 0;

	if (n && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n && k < 64;) {
		size_t j = i;
		while (j < n && name[j] != '.')
			j++;
		labels[k] = name + i;
		lens[k++] = j - i;
		i = j + 1;
	}
	if (k < 2)
		return false;
	for (const char *const *d = known_domains; *d; d++)
		if (ends_with_domain(name, n, *d))
			return label_random(labels[0], lens[0]);
	size_t sld = k - 2;
	for (const char *const *s = two_label_suffixes; *s; s++)
		if (k >= 3 && ends_with_domain(name, n, *s))
			sld = k - 3;
	return label_random(labels[sld], lens[sld]);
}

void dns_sink_answer(const char *name, struct dns_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	if (dns_name_is_probe(name)) {
		ans->rcode = DNS_RCODE_NXDOMAIN;
		return;
	}
	ans->addr4 = dns_sinkhole_addr(name);
	ans->txt = "v=spf1 -all";
	ans->ttl = 300;
}
