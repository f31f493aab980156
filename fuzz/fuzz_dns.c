/* Harness for the DNS responder's wire format (src/netsink/dns.h).
 *
 * Input: one UDP datagram as the sandboxed package would send it.  It goes
 * through dns_parse_query(); a parsed query is answered with
 * dns_build_response() as an A, a TXT (the input itself as the text, so
 * long texts are split) and its own type, each into a buffer of exactly
 * the size it needs and then one byte less.  Every response must parse
 * back (QR cleared) to the same question. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "fuzz.h"
#include "netsink/dns.h"
#include "util/xalloc.h"

/* Room for the longest response: header, question, answer with 64 KiB of TXT. */
#define DNS_FUZZ_OUT_MAX (DNS_HEADER_LEN + DNS_MAX_NAME_WIRE + 4 + 12 + 65535)

static uint16_t dns_fuzz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void dns_fuzz_answer(const struct dns_query *q, const uint8_t *pkt, size_t len,
			    const struct dns_answer *ans)
{
	uint8_t *big = xmalloc(DNS_FUZZ_OUT_MAX);
	ssize_t n = dns_build_response(q, pkt, len, ans, big, DNS_FUZZ_OUT_MAX);
	struct dns_query back;
	uint8_t *exact;
	ssize_t m;
	bool answered;

	if (n == -EMSGSIZE) {
		/* Only a TXT answer over 65535 bytes of RDATA is too big here. */
		FUZZ_CHECK(ans && ans->txt && q->qtype == DNS_TYPE_TXT &&
			   strlen(ans->txt) > 65535 - 256);
		free(big);
		return;
	}
	FUZZ_CHECK(n >= DNS_HEADER_LEN + 5 && n <= DNS_FUZZ_OUT_MAX);

	/* The header and the echoed question. */
	answered = ans && (q->qtype == DNS_TYPE_A || (q->qtype == DNS_TYPE_TXT && ans->txt));
	FUZZ_CHECK(dns_fuzz_get16(big) == q->id);
	FUZZ_CHECK(dns_fuzz_get16(big + 2) & DNS_FLAG_QR);
	FUZZ_CHECK((dns_fuzz_get16(big + 2) & DNS_FLAG_RCODE) == 0);
	FUZZ_CHECK(dns_fuzz_get16(big + 2) & DNS_FLAG_RA);
	FUZZ_CHECK((dns_fuzz_get16(big + 2) & (DNS_FLAG_OPCODE | DNS_FLAG_RD)) ==
		   (q->flags & (DNS_FLAG_OPCODE | DNS_FLAG_RD)));
	FUZZ_CHECK(dns_fuzz_get16(big + 4) == 1);
	FUZZ_CHECK(dns_fuzz_get16(big + 6) == (answered ? 1 : 0));
	big[2] &= (uint8_t) ~(DNS_FLAG_QR >> 8);
	FUZZ_CHECK(dns_parse_query(big, (size_t)n, &back) == 0);
	FUZZ_CHECK(strcmp(back.name, q->name) == 0);
	FUZZ_CHECK(back.qtype == q->qtype && back.qclass == q->qclass && back.id == q->id);
	big[2] |= (uint8_t)(DNS_FLAG_QR >> 8);
	if (answered) {
		const uint8_t *a = big + back.question_end;
		size_t rdlen;

		FUZZ_CHECK((size_t)n >= back.question_end + 12);
		FUZZ_CHECK(dns_fuzz_get16(a) == 0xc00c && dns_fuzz_get16(a + 2) == q->qtype);
		FUZZ_CHECK(dns_fuzz_get16(a + 4) ==
			   (q->qclass == DNS_CLASS_ANY ? DNS_CLASS_IN : q->qclass));
		rdlen = dns_fuzz_get16(a + 10);
		FUZZ_CHECK(back.question_end + 12 + rdlen == (size_t)n);
		if (q->qtype == DNS_TYPE_A) {
			FUZZ_CHECK(rdlen == 4 && memcmp(a + 12, &ans->addr4, 4) == 0);
		} else {
			/* The character strings spell out the text again. */
			const uint8_t *p = a + 12, *end = a + 12 + rdlen;
			const char *t = ans->txt;

			while (p < end) {
				FUZZ_CHECK(p + 1 + *p <= end);
				FUZZ_CHECK(memcmp(p + 1, t, *p) == 0);
				t += *p;
				p += 1 + *p;
			}
			FUZZ_CHECK(*t == '\0');
		}
	} else {
		FUZZ_CHECK(back.question_end == (size_t)n);
	}

	/* The same bytes into a buffer of exactly that size; one byte less fails. */
	exact = xmalloc((size_t)n);
	m = dns_build_response(q, pkt, len, ans, exact, (size_t)n);
	FUZZ_CHECK(m == n && memcmp(exact, big, (size_t)n) == 0);
	free(exact);
	exact = xmalloc((size_t)n - 1);
	FUZZ_CHECK(dns_build_response(q, pkt, len, ans, exact, (size_t)n - 1) == -EMSGSIZE);
	free(exact);
	free(big);
}

int fuzz_dns(const uint8_t *data, size_t size)
{
	struct dns_query q, forced;
	struct dns_answer ans = {0};
	char tbuf[12];
	const char *tname;
	char *txt;
	uint32_t addr;
	int r;

	r = dns_parse_query(data, size, &q);
	if (r < 0) {
		static const struct dns_query zero;

		FUZZ_CHECK(r == -EINVAL);
		FUZZ_CHECK(memcmp(&q, &zero, sizeof(q)) == 0);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(q.question_end >= DNS_HEADER_LEN + 5 && q.question_end <= size);
	FUZZ_CHECK(memchr(q.name, '\0', sizeof(q.name)) && strlen(q.name) <= 253);
	FUZZ_CHECK(!(q.flags & DNS_FLAG_QR));

	tname = dns_type_name(q.qtype, tbuf, sizeof(tbuf));
	FUZZ_CHECK(tname && tname[0] && strlen(tname) < sizeof(tbuf) + 8);
	addr = ntohl(dns_sinkhole_addr(q.name));
	FUZZ_CHECK(addr == ntohl(dns_sinkhole_addr(q.name)));
	FUZZ_CHECK((addr >> 24) != 10 && (addr >> 24) != 127 && (addr >> 24) != 0);
	FUZZ_CHECK((addr & 0xff) != 0 && (addr & 0xff) != 255);

	/* The text of a TXT answer: the bytes of the input that are not NUL. */
	txt = xmalloc(size + 1);
	for (size_t i = 0, j = 0; i <= size; i++)
		if (i == size || data[i])
			txt[j++] = i < size ? (char)data[i] : '\0';
	ans.addr4 = htonl(addr);
	ans.txt = txt;
	ans.ttl = 60;

	dns_fuzz_answer(&q, data, size, &ans);
	dns_fuzz_answer(&q, data, size, NULL);
	forced = q;
	forced.qtype = DNS_TYPE_A;
	dns_fuzz_answer(&forced, data, size, &ans);
	forced.qtype = DNS_TYPE_TXT;
	dns_fuzz_answer(&forced, data, size, &ans);
	ans.txt = NULL;
	dns_fuzz_answer(&forced, data, size, &ans);
	free(txt);
	return 0;
}

FUZZ_MAIN(dns)
