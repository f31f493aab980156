/* DNS wire format for the sinkhole responder: parse the first question of a
 * query, build a NOERROR answer for it, and name record types.
 *
 * Every packet comes from the sandboxed package, so the parser trusts no
 * length: labels, compression pointers and the 255-byte name limit are all
 * checked against the packet length (RFC 1035 4.1). */
#ifndef SNARE_NETSINK_DNS_H
#define SNARE_NETSINK_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_SVCB = 64,
	DNS_TYPE_HTTPS = 65,
	DNS_TYPE_ANY = 255,
};

enum { DNS_CLASS_IN = 1, DNS_CLASS_ANY = 255 };

enum { DNS_RCODE_NOERROR = 0, DNS_RCODE_NXDOMAIN = 3 };

/* Header flag bits (RFC 1035 4.1.1). */
enum dns_flags {
	DNS_FLAG_QR = 0x8000,
	DNS_FLAG_OPCODE = 0x7800,
	DNS_FLAG_AA = 0x0400,
	DNS_FLAG_TC = 0x0200,
	DNS_FLAG_RD = 0x0100,
	DNS_FLAG_RA = 0x0080,
	DNS_FLAG_RCODE = 0x000f,
};

#define DNS_HEADER_LEN 12
/* Longest name on the wire, length octets and the root label included. */
#define DNS_MAX_NAME_WIRE 255

struct dns_query {
	uint16_t id;
	uint16_t flags; /* header flags of the query */
	/* Question name, dotted, case kept as sent, no trailing dot; "" for the
	 * root.  A label may contain any byte but NUL (a '.' inside a label is
	 * kept as is, so the dotted form is for display; the wire form is
	 * re-read from the packet when answering). */
	char name[256];
	uint16_t qtype;
	uint16_t qclass;
	size_t question_end; /* offset just past the first question in the packet */
};

/* Parses the first question of the DNS query |pkt| (|len| bytes) into |q|.
 * Returns 0, or -EINVAL for a malformed packet: short header, QR bit set,
 * qdcount 0, a label running past |len|, a name over 255 bytes on the wire,
 * a label type other than 00 or 11, a label containing NUL, a compression
 * pointer into the header or not strictly backwards (loops, self and forward
 * pointers), more than 16 pointer jumps, or a question cut short before
 * qtype/qclass.  Only the first question is read; later sections are
 * ignored.  Never reads past |len|.  On failure *|q| is zeroed. */
int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q);

struct dns_answer {
	uint8_t rcode;	/* 0 NOERROR; DNS_RCODE_NXDOMAIN: no answer records */
	uint32_t addr4; /* network byte order; used for A */
	/* Used for TXT; NUL-terminated, split into 255-byte character strings
	 * when longer; NULL means no answer (NODATA). */
	const char *txt;
	uint32_t ttl;
};

/* Builds the response to |q| into |out| (|outcap| bytes).  |pkt|/|len| is
 * the query |q| was parsed from: the question name is re-read from it and
 * echoed uncompressed at offset 12.  The header gets |q|'s id, QR=1, the
 * opcode and RD copied, RA=1, rcode NOERROR, qdcount 1, no authority or
 * additional records (an EDNS OPT in the query is not echoed).  A |ans|
 * with rcode NXDOMAIN gives that rcode and no answer.  Answers:
 * A -> one A record with |ans|->addr4; TXT -> one TXT record with
 * |ans|->txt; AAAA, any other type, a NULL |ans| or a NULL txt -> no answer
 * records (NODATA).  The answer name is the pointer 0xC00C, its class the
 * query's (IN for a QCLASS ANY query), its TTL |ans|->ttl.
 * Returns the response length, -EMSGSIZE if it does not fit in |outcap| (or
 * the TXT data exceeds 65535 bytes of RDATA), -EINVAL if |pkt| does not hold
 * a valid question. */
ssize_t dns_build_response(const struct dns_query *q, const uint8_t *pkt, size_t len,
			   const struct dns_answer *ans, uint8_t *out, size_t outcap);

/* Returns the mnemonic of |qtype| ("A", "NS", "CNAME", "SOA", "PTR", "MX",
 * "TXT", "AAAA", "SRV", "HTTPS", "SVCB", "ANY", ...) as a static string.  For
 * an unknown type writes "TYPE<n>" (RFC 3597) into |buf| (|buflen| >= 12
 * holds any) and returns |buf|; returns "" if |buf| is NULL or |buflen| 0. */
const char *dns_type_name(uint16_t qtype, char *buf, size_t buflen);

/* Returns the sinkhole address for |name| in network byte order: a public
 * address where the name could plausibly live, never a .0 or .255.  A few
 * well-known names get their real address (dns.google 8.8.8.8,
 * one.one.one.one 1.1.1.1 ...); names of a few large owners (google.com,
 * github.com, npmjs.org, amazonaws.com ...) an address in that owner's
 * network; any other an address in one of the large hosting providers'
 * networks (Cloudflare, AWS, Google Cloud, Fastly, Akamai, Azure,
 * DigitalOcean).  The choice is the 32-bit FNV-1a hash of the
 * ASCII-lowercased name with one trailing dot ignored: the same name, in
 * any case, always gets the same address.  NULL is hashed as "". */
uint32_t dns_sinkhole_addr(const char *name);

/* What the sink answers for |name|: a name that cannot exist (a probe:
 * see dns_name_is_probe()) gets NXDOMAIN, as a real resolver gives;
 * any other an A record (dns_sinkhole_addr()), a neutral TXT record (an
 * SPF policy) and a TTL of 300. */
void dns_sink_answer(const char *name, struct dns_answer *ans);

/* Whether |name| looks made up to test the resolver, the way sandbox
 * checks do: its registrable label (the one left of the public suffix)
 * looks random (8+ characters, no hyphen, and bigrams rare in words, few
 * vowels, long consonant runs or letters and digits interleaved), or a
 * label left of a
 * well-known domain (google.com, microsoft.com ...) does.  Random labels
 * under any other domain are answered: that is how data leaves by DNS. */
bool dns_name_is_probe(const char *name);

#endif
