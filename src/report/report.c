/* Building the report from a run: events are grouped by phase (the phase
 * of the step that caused them, or the phase running at that time), then
 * summarised per kind (commands, files, sockets, dns, sent data, canary
 * hits, denied syscalls, processes) with the full timeline kept. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "netsink/dns.h"
#include "netsink/needle.h"
#include "netsink/sniff.h"
#include "report/canary.h"
#include "report/payload.h"
#include "report/report.h"
#include "util/base64.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define PREVIEW_MAX 2048
#define TIMELINE_MAX 20000

static double ms(uint64_t us)
{
	return (double)(us - us % 100) / 1000.0; /* cut to 0.1 ms */
}

static json_t *result_json(long ret)
{
	if (ret >= 0)
		return json_integer(ret);
	const char *name = strerrorname_np((int)-ret);
	return json_string(name ? name : "error");
}

static json_t *argv_json(char **argv)
{
	json_t *a = json_array();
	for (size_t i = 0; argv && argv[i]; i++)
		json_array_append_new(a, json_string(argv[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Printable preview: bytes outside 0x20-0x7e become \xNN (\r \n \t kept). */
static char *preview(const unsigned char *d, size_t n)
{
	struct strbuf sb;
	strbuf_init(&sb, PREVIEW_MAX);
	for (size_t i = 0; i < n && !sb.truncated; i++) {
		unsigned char c = d[i];
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t')
			strbuf_add(&sb, &c, 1);
		else
			strbuf_addf(&sb, "\\x%02x", c);
	}
	return strbuf_detach(&sb, NULL);
}

static int event_phase(const struct run_result *res, const struct event *e)
{
	if (e->step >= 0 && (size_t)e->step < res->nsteps)
		return (int)res->steps[e->step].phase;
	for (int p = PHASE_COUNT; p-- > 0;)
		if (res->phases[p].t_start && e->t_us >= res->phases[p].t_start)
			return p;
	return PHASE_INSTALL;
}

/* The name a sinkhole address was handed out for. */
static const char *host_for_addr(const struct run_result *res, const char *addr)
{
	for (size_t i = 0; i < res->log.n; i++) {
		const struct event *e = &res->log.v[i];
		if (e->type == EV_DNS && e->addr[0] && !strcmp(e->addr, addr))
			return e->host;
	}
	return NULL;
}

/* The harness call that caused |e| ("Wallet.fromSecret()"), or NULL. */
static const char *event_call(const struct run_result *res, const struct event *e)
{
	return e->call > 0 && (size_t)e->call <= res->ncalls ? res->calls[e->call - 1].path : NULL;
}

static void attr(json_t *o, const struct run_result *res, const struct event *e)
{
	const char *call = event_call(res, e);

	json_object_set_new(o, "pid", json_integer(e->pid));
	json_object_set_new(o, "ppid", json_integer(e->ppid));
	if (e->step >= 0 && (size_t)e->step < res->nsteps) {
		json_object_set_new(o, "package", json_string(res->steps[e->step].package));
		json_object_set_new(o, "script", json_string(res->steps[e->step].script));
	}
	if (call)
		json_object_set_new(o, "call", json_string(call));
}

static json_t *find_by(json_t *arr, const char *key, const char *val)
{
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(json_object_get(v, key));
		if (s && !strcmp(s, val))
			return v;
	}
	return NULL;
}

static void add_flag(json_t *flags, const char *f)
{
	size_t i;
	json_t *v;
	json_array_foreach (flags, i, v)
		if (!strcmp(json_string_value(v), f))
			return;
	json_array_append_new(flags, json_string(f));
}

/* Adds |call| (may be NULL) to the entry's "calls", once. */
static void add_call(json_t *entry, const char *call)
{
	json_t *calls = json_object_get(entry, "calls");

	if (!call)
		return;
	if (!calls) {
		calls = json_array();
		json_object_set_new(entry, "calls", calls);
	}
	add_flag(calls, call);
}

static json_t *file_entry(json_t *files, const char *path, unsigned fflags, long ret)
{
	static const char *const names[] = {"read",   "write", "create",   "delete",
					    "exec",   "chmod", "chown",	   "mkdir",
					    "rename", "link",  "truncate", "dir"};
	json_t *f = find_by(files, "path", path);
	if (!f) {
		f = json_pack("{s:s, s:[], s:[], s:i}", "path", path, "flags", "failed", "count",
			      0);
		json_array_append_new(files, f);
	}
	json_t *fl = json_object_get(f, ret >= 0 ? "flags" : "failed");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fflags & (1u << i))
			add_flag(fl, names[i]);
	json_object_set_new(f, "count",
			    json_integer(json_integer_value(json_object_get(f, "count")) + 1));
	return f;
}

static json_t *http_json(const struct http_req *req, size_t body_bytes)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:I}", "method", req->method, "target",
			 req->target, "host", str_or_null(req->host), "content_type",
			 str_or_null(req->content_type), "content_encoding",
			 str_or_null(req->content_encoding), "user_agent",
			 str_or_null(req->user_agent), "body_bytes", (json_int_t)body_bytes);
}

/* Every HTTP request in a client's stream (keep-alive, pipelining), and
 * whether it became a WebSocket. */
static json_t *http_requests(const unsigned char *d, size_t n, bool *websocket)
{
	json_t *arr = json_array();
	size_t off = 0, used;
	struct http_req req;

	*websocket = false;
	while (!*websocket && json_array_size(arr) < 64 &&
	       http_next_request(d, n, &off, &req, &used) == 1) {
		json_array_append_new(arr, http_json(&req, used - req.header_len));
		*websocket = req.upgrade_websocket;
		http_req_release(&req);
	}
	return arr;
}

static void capture_json(json_t *o, const struct event *e)
{
	char sni[256], alpn[64];
	bool ws = false;

	if (e->socktype != SOCK_STREAM) {
		json_object_set_new(o, "kind",
				    json_string(e->socktype == SOCK_RAW ? "icmp-echo" : "udp"));
		return;
	}
	if (e->tls != EV_TLS_NONE)
		json_object_set_new(o, "tls",
				    json_pack("{s:s, s:s, s:b, s:o}", "sni", e->sni ? e->sni : "",
					      "alpn", e->alpn ? e->alpn : "", "intercepted",
					      e->tls == EV_TLS_DECRYPTED, "error",
					      str_or_null(e->tls_error)));
	json_t *reqs =
		e->tls == EV_TLS_REFUSED ? json_array() : http_requests(e->data, e->data_len, &ws);
	if (json_array_size(reqs)) {
		json_object_set_new(o, "kind",
				    json_string(e->tls == EV_TLS_DECRYPTED ? "https" : "http"));
		json_object_set(o, "http", json_array_get(reqs, 0));
		json_object_set(o, "requests", reqs);
		if (ws)
			json_object_set_new(o, "websocket", json_true());
	} else if (e->data_len >= 24 && !memcmp(e->data, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24)) {
		json_object_set_new(o, "kind", json_string("http2"));
	} else if (e->tls == EV_TLS_DECRYPTED) {
		json_object_set_new(o, "kind", json_string(e->data_len ? "tls-raw" : "tls-empty"));
	} else if (e->tls == EV_TLS_REFUSED ||
		   sniff_tls_client_hello(e->data, e->data_len, sni, sizeof(sni), alpn,
					  sizeof(alpn)) == 1) {
		json_object_set_new(o, "kind", json_string("tls"));
		if (e->tls == EV_TLS_NONE)
			json_object_set_new(o, "tls",
					    json_pack("{s:s, s:s, s:b, s:n}", "sni", sni, "alpn",
						      alpn, "intercepted", 0, "error"));
	} else {
		json_object_set_new(o, "kind", json_string(e->data_len ? "raw" : "empty"));
	}
	json_decref(reqs);
}

/* One hit per canary, channel and destination: a name looked up for A
 * and AAAA, or a beacon repeated, is one leak. */
static bool hit_seen(json_t *hits, json_t *h)
{
	static const char *const keys[] = {"canary",  "where", "hostname",
					   "address", "port",  "command"};
	size_t i;
	json_t *o;

	json_array_foreach (hits, i, o) {
		bool same = true;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && same; k++)
			same = json_equal(json_object_get(o, keys[k]),
					  json_object_get(h, keys[k])) ||
			       (!json_object_get(o, keys[k]) && !json_object_get(h, keys[k]));
		if (same)
			return true;
	}
	return false;
}

/* Decoded forms of a TCP capture (see payload.h). */
static size_t event_views(const struct event *e, struct payload_view *v)
{
	if (e->type != EV_CAPTURE || e->socktype != SOCK_STREAM || !e->data_len ||
	    e->tls == EV_TLS_REFUSED)
		return 0;
	return payload_views(e->data, e->data_len, v, PAYLOAD_VIEWS_MAX);
}

/* |views|: the decoded forms of a capture (event_views()), searched too. */
/* The hit of canary |c| in the captured bytes of |e| or in one of their
 * decoded |views|, or NULL. */
static json_t *sent_hit(const struct run_result *res, const struct event *e, const struct canary *c,
			const struct payload_view *views, size_t nviews)
{
	char encbuf[64];
	const char *enc = canary_find(e->data, e->data_len, c->value);
	json_t *h;

	/* A key the protocol applied (a WebSocket mask) is found as XOR in
	 * the raw bytes; the decoded view names it better. */
	bool xored = enc && strstr(enc, "xor");
	for (size_t v = 0; (!enc || xored) && v < nviews; v++) {
		const char *venc = canary_find(views[v].data, views[v].len, c->value);
		if (venc) {
			snprintf(encbuf, sizeof(encbuf), "%s+%s", views[v].how, venc);
			enc = encbuf;
			xored = false;
		}
	}
	bool beyond = false;
	size_t k = (size_t)(c - res->id.canaries);
	for (int b = 0; !enc && b < NEEDLE_ENCS && k < NEEDLE_VALUES_MAX; b++) {
		if (e->stream_hits & needle_bit(k, b)) {
			enc = needle_enc_name(b);
			beyond = true;
		} else if (e->inflated_hits & needle_bit(k, b)) {
			snprintf(encbuf, sizeof(encbuf), "gzip+%s", needle_enc_name(b));
			enc = encbuf;
			beyond = true;
		}
	}
	if (!enc)
		return NULL;
	const char *host = host_for_addr(res, e->addr);
	h = json_pack("{s:s, s:s, s:s, s:s, s:i}", "canary", c->name, "where", "sent", "encoding",
		      enc, "address", e->addr, "port", e->port);
	if (host)
		json_object_set_new(h, "hostname", json_string(host));
	if (e->tls == EV_TLS_DECRYPTED)
		json_object_set_new(h, "tls", json_true());
	if (beyond) /* found as the stream went by, past what was kept */
		json_object_set_new(h, "past_capture", json_true());
	return h;
}

static void canary_hits(const struct run_result *res, const struct event *e,
			const struct payload_view *views, size_t nviews, json_t *hits)
{

	for (int k = 0; k < CANARY_COUNT; k++) {
		const struct canary *c = &res->id.canaries[k];
		const char *enc = NULL;
		json_t *h = NULL;
		if (e->type == EV_CAPTURE && e->data_len) {
			h = sent_hit(res, e, c, views, nviews);
		} else if (e->type == EV_DNS && e->host) {
			enc = canary_find_dns(e->host, c->value);
			if (enc)
				h = json_pack("{s:s, s:s, s:s, s:s}", "canary", c->name, "where",
					      "dns", "encoding", enc, "hostname", e->host);
		} else if (e->type == EV_EXEC && e->argv) {
			struct strbuf sb;
			strbuf_init(&sb, 1 << 20);
			for (char **a = e->argv; *a; a++) {
				strbuf_addstr(&sb, *a);
				strbuf_addstr(&sb, " ");
			}
			enc = canary_find((unsigned char *)sb.buf, sb.len, c->value);
			if (enc)
				h = json_pack("{s:s, s:s, s:s, s:s}", "canary", c->name, "where",
					      "command", "encoding", enc, "command",
					      e->path ? e->path : "");
			strbuf_release(&sb);
		}
		if (h && hit_seen(hits, h)) {
			json_decref(h);
			h = NULL;
		}
		if (h) {
			json_object_set_new(h, "t_ms", json_real(ms(e->t_us)));
			json_object_set_new(h, "pid", json_integer(e->pid));
			if (event_call(res, e))
				json_object_set_new(h, "call", json_string(event_call(res, e)));
			json_array_append_new(hits, h);
		}
	}
}

static bool has_dns_hit(json_t *hits, const char *canary)
{
	size_t i;
	json_t *o;

	json_array_foreach (hits, i, o)
		if (!strcmp(json_string_value(json_object_get(o, "where")), "dns") &&
		    !strcmp(json_string_value(json_object_get(o, "canary")), canary))
			return true;
	return false;
}

/* A secret cut over many names: the names of phase |ph| are joined per
 * zone, in the order they were asked (see canary_dns_streams()), and
 * searched as one.  A canary one name already gave away is not searched
 * again. */
static void dns_stream_hits(const struct run_result *res, int ph, json_t *hits)
{
	const char **names = xcalloc(res->log.n + 1, sizeof(*names));
	const struct event **first = xcalloc(res->log.n + 1, sizeof(const struct event *));
	struct dns_stream *st;
	size_t n = 0;

	for (size_t i = 0; i < res->log.n; i++) {
		const struct event *e = &res->log.v[i];
		if (e->type == EV_DNS && e->host && event_phase(res, e) == ph) {
			first[n] = e;
			names[n++] = e->host;
		}
	}
	size_t ns = n > 1 ? canary_dns_streams(names, n, &st) : 0;
	for (int k = 0; k < CANARY_COUNT; k++) {
		const struct canary *c = &res->id.canaries[k];
		if (has_dns_hit(hits, c->name))
			continue;
		for (size_t j = 0; j < ns; j++) {
			const char *enc = canary_find_dns(st[j].data, c->value);
			if (!enc)
				continue;
			json_t *h =
				json_pack("{s:s, s:s, s:s, s:s, s:I, s:b}", "canary", c->name,
					  "where", "dns", "encoding", enc, "hostname", st[j].zone,
					  "queries", (json_int_t)st[j].queries, "reassembled", 1);
			const struct event *e = first[0];
			for (size_t i = 0; i < n; i++) {
				size_t nl = strlen(names[i]), zl = strlen(st[j].zone);
				if (nl > zl && !strcasecmp(names[i] + nl - zl, st[j].zone)) {
					e = first[i];
					break;
				}
			}
			json_object_set_new(h, "t_ms", json_real(ms(e->t_us)));
			json_object_set_new(h, "pid", json_integer(e->pid));
			json_array_append_new(hits, h);
			break;
		}
	}
	if (ns)
		canary_dns_streams_release(st, ns);
	free(names);
	free(first);
}

static const char *family_name(int f)
{
	switch (f) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	case AF_UNIX:
		return "unix";
	case AF_NETLINK:
		return "netlink";
	case AF_PACKET:
		return "packet";
	default:
		return "other";
	}
}

static const char *socktype_name(int t)
{
	return t == SOCK_STREAM ? "tcp" : t == SOCK_DGRAM ? "udp" : t == SOCK_RAW ? "raw" : "other";
}

static json_t *timeline_entry(const struct run_result *res, const struct event *e)
{
	char fl[128];
	json_t *o = json_pack("{s:f, s:s, s:s}", "t_ms", ms(e->t_us), "type", ev_type_name(e->type),
			      "syscall", e->syscall ? e->syscall : "");
	attr(o, res, e);
	json_object_set_new(o, "result", result_json(e->ret));
	if (e->path)
		json_object_set_new(o, "path", json_string(e->path));
	if (e->path2)
		json_object_set_new(o, "path2", json_string(e->path2));
	if (e->type == EV_EXEC)
		json_object_set_new(o, "argv", argv_json(e->argv));
	if (e->type == EV_FILE)
		json_object_set_new(o, "flags",
				    json_string(file_flags_str(e->fflags, fl, sizeof(fl))));
	if (e->type == EV_SOCKET) {
		json_object_set_new(o, "family", json_string(family_name(e->family)));
		json_object_set_new(o, "protocol", json_string(socktype_name(e->socktype)));
	}
	if (e->addr[0]) {
		json_object_set_new(o, "address", json_string(e->addr));
		json_object_set_new(o, "port", json_integer(e->port));
	}
	if (e->host)
		json_object_set_new(o, "hostname", json_string(e->host));
	if (e->type == EV_CAPTURE || e->type == EV_SEND)
		json_object_set_new(o, "size", json_integer((json_int_t)e->len));
	if (e->type == EV_PROC || e->type == EV_DENIED)
		json_object_set_new(o, "arg", json_integer(e->arg));
	return o;
}

/* The steps of phase |ph|; |*exit_code| gets the first failing status. */
static json_t *steps_json(const struct run_result *res, int ph, int *exit_code)
{
	json_t *steps = json_array();

	*exit_code = 0;
	for (size_t k = 0; k < res->nsteps; k++) {
		const struct run_step *s = &res->steps[k];
		if ((int)s->phase != ph || (s->resume && s->state == STEP_NOT_RUN))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:i, s:f, s:f}", "package",
				      s->package, "version", s->version, "script", s->script,
				      "command", s->command, "target", s->target, "status",
				      step_state_name(s->state), "exit_code", s->status, "start_ms",
				      ms(s->t_start), "duration_ms",
				      ms(s->t_end > s->t_start ? s->t_end - s->t_start : 0));
		/* npm runs these only when it installs from git or a directory */
		if (s->phase == PHASE_PREPARE)
			json_object_set_new(o, "runs_on", json_string("git or local install"));
		json_array_append_new(steps, o);
		if (s->state != STEP_NOT_RUN && s->status != 0 && *exit_code == 0)
			*exit_code = s->status;
	}
	return steps;
}

/* The per-event lists of a phase. */
struct phase_lists {
	json_t *commands, *files, *sockets, *dns, *sent, *denied, *signals;
};

static void exec_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	json_t *c = json_pack("{s:f, s:o, s:o, s:o, s:o}", "t_ms", ms(e->t_us), "path",
			      str_or_null(e->path), "argv", argv_json(e->argv), "cwd",
			      str_or_null(e->cwd), "result", result_json(e->ret));
	attr(c, res, e);
	json_array_append_new(l->commands, c);
	if (e->path)
		add_call(file_entry(l->files, e->path, FF_EXEC, e->ret), event_call(res, e));
}

static void file_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	const char *call = event_call(res, e);

	if (!e->path)
		return;
	if (!(e->fflags & (FF_RENAME | FF_LINK))) {
		add_call(file_entry(l->files, e->path, e->fflags, e->ret), call);
		return;
	}
	add_call(file_entry(l->files, e->path,
			    e->fflags & FF_RENAME ? FF_RENAME | FF_DELETE : e->fflags, e->ret),
		 call);
	if (e->path2 && (e->fflags & FF_RENAME))
		add_call(file_entry(l->files, e->path2, FF_RENAME | FF_WRITE | FF_CREATE, e->ret),
			 call);
}

static void socket_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	/* Sockets: only the unusual ones: raw, packet, netlink, or refused. */
	if (e->type == EV_SOCKET && e->ret >= 0 && e->socktype != SOCK_RAW &&
	    (e->family == AF_INET || e->family == AF_INET6 || e->family == AF_UNIX))
		return;
	if (e->type == EV_SEND && !e->addr[0])
		return; /* data on a connected socket: see "sent" */
	json_t *s = json_pack("{s:f, s:s, s:s, s:s, s:o}", "t_ms", ms(e->t_us), "syscall",
			      e->syscall, "family", family_name(e->family), "protocol",
			      socktype_name(e->socktype), "result", result_json(e->ret));
	if (e->addr[0]) {
		json_object_set_new(s, "address", json_string(e->addr));
		json_object_set_new(s, "port", json_integer(e->port));
		const char *h = host_for_addr(res, e->addr);
		json_object_set_new(s, "hostnames", h ? json_pack("[s]", h) : json_array());
	}
	if (e->path)
		json_object_set_new(s, "path", json_string(e->path));
	attr(s, res, e);
	json_array_append_new(l->sockets, s);
}

static void dns_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	char tb[16];
	json_t *d = find_by(l->dns, "hostname", e->host);

	if (!d) {
		d = json_pack("{s:s, s:[], s:i, s:f}", "hostname", e->host, "types", "count", 0,
			      "t_ms", ms(e->t_us));
		attr(d, res, e);
		json_array_append_new(l->dns, d);
	}
	add_flag(json_object_get(d, "types"), dns_type_name((uint16_t)e->arg, tb, sizeof(tb)));
	if (e->ret == DNS_RCODE_NXDOMAIN) /* a name made up to test the resolver */
		json_object_set_new(d, "nxdomain", json_true());
	json_object_set_new(d, "count",
			    json_integer(json_integer_value(json_object_get(d, "count")) + 1));
}

/* The decoded |views| of captured bytes, each cut to 64 KiB. */
static json_t *views_json(const struct payload_view *views, size_t nv)
{
	json_t *dec = json_array();

	for (size_t v = 0; v < nv; v++) {
		size_t cut = views[v].len < 65536 ? views[v].len : 65536;
		char *vp = preview(views[v].data, cut), *vb = base64_encode(views[v].data, cut);
		json_array_append_new(dec, json_pack("{s:s, s:I, s:b, s:s, s:s}", "how",
						     views[v].how, "size", (json_int_t)views[v].len,
						     "truncated", cut < views[v].len, "preview", vp,
						     "data_base64", vb));
		free(vp);
		free(vb);
	}
	return dec;
}

static void capture_event(const struct run_result *res, const struct event *e,
			  const struct payload_view *views, size_t nv, struct phase_lists *l)
{
	char *pv = preview(e->data, e->data_len), *raw = base64_encode(e->data, e->data_len);
	const char *h = host_for_addr(res, e->addr);
	json_t *c = json_pack("{s:f, s:s, s:s, s:i, s:o, s:I, s:I, s:b, s:s, s:s}", "t_ms",
			      ms(e->t_us), "protocol", e->proto ? e->proto : "", "address", e->addr,
			      "port", e->port, "hostname", str_or_null(h), "size",
			      (json_int_t)e->len, "captured", (json_int_t)e->data_len, "truncated",
			      e->truncated, "preview", pv, "data_base64", raw);
	capture_json(c, e);
	if (nv)
		json_object_set_new(c, "decoded", views_json(views, nv));
	attr(c, res, e);
	json_array_append_new(l->sent, c);
	free(pv);
	free(raw);
}

static void denied_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	json_t *d = json_pack("{s:f, s:s, s:I}", "t_ms", ms(e->t_us), "syscall", e->syscall, "arg",
			      (json_int_t)e->arg);
	attr(d, res, e);
	json_array_append_new(l->denied, d);
}

static void proc_event(const struct run_result *res, const struct event *e, struct phase_lists *l)
{
	json_t *d = json_pack("{s:f, s:s, s:I, s:o}", "t_ms", ms(e->t_us), "syscall", e->syscall,
			      "arg", (json_int_t)e->arg, "result", result_json(e->ret));
	if (e->path)
		json_object_set_new(d, "name", json_string(e->path));
	attr(d, res, e);
	json_array_append_new(l->signals, d);
}

/* Files |e| into the list its type belongs to. */
static void phase_event(const struct run_result *res, const struct event *e,
			const struct payload_view *views, size_t nv, struct phase_lists *l)
{
	switch (e->type) {
	case EV_EXEC:
		exec_event(res, e, l);
		break;
	case EV_FILE:
		file_event(res, e, l);
		break;
	case EV_SOCKET:
	case EV_CONNECT:
	case EV_BIND:
	case EV_LISTEN:
	case EV_SEND:
		socket_event(res, e, l);
		break;
	case EV_DNS:
		dns_event(res, e, l);
		break;
	case EV_CAPTURE:
		capture_event(res, e, views, nv, l);
		break;
	case EV_DENIED:
		denied_event(res, e, l);
		break;
	case EV_PROC:
		proc_event(res, e, l);
		break;
	default:
		break;
	}
}

/* The processes that ran in phase |ph| (not snare's own launchers). */
static json_t *procs_json(const struct run_result *res, int ph)
{
	json_t *procs = json_array();

	for (size_t i = 0; i < res->nprocs; i++) {
		const struct tproc *p = &res->procs[i];
		if (p->hidden || p->step < 0 || (size_t)p->step >= res->nsteps ||
		    (int)res->steps[p->step].phase != ph)
			continue;
		json_t *o = json_pack("{s:i, s:i, s:o, s:o, s:f, s:o}", "pid", p->pid, "ppid",
				      p->ppid, "exe", str_or_null(p->exe), "argv",
				      argv_json(p->argv), "start_ms", ms(p->t_start), "end_ms",
				      p->exited ? json_real(ms(p->t_end)) : json_null());
		json_object_set_new(o, "exit",
				    p->exited && !p->status_lost ? json_integer(p->status)
								 : json_null());
		json_object_set_new(o, "package", json_string(res->steps[p->step].package));
		json_object_set_new(o, "script", json_string(res->steps[p->step].script));
		json_array_append_new(procs, o);
	}
	return procs;
}

static const char *phase_status(const struct phase_result *pr)
{
	switch (pr->state) {
	case STEP_NOT_RUN:
		return "skipped";
	case STEP_OK:
		return "ok";
	case STEP_FAILED:
		return "failed";
	case STEP_TIMEOUT:
		return "timeout";
	default:
		return "error";
	}
}

/* The harness's calls in phase |ph|, in the order made. */
static json_t *calls_json(const struct run_result *res, int ph)
{
	json_t *calls = json_array();

	for (size_t i = 0; i < res->ncalls; i++) {
		const struct harness_call *c = &res->calls[i];
		if ((int)res->steps[c->step].phase != ph)
			continue;
		json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:s, s:f, s:f}", "call", c->path,
				      "entry", str_or_null(c->entry), "args", str_or_null(c->args),
				      "outcome", call_outcome_name(c->outcome), "script",
				      res->steps[c->step].script, "start_ms", ms(c->t_start),
				      "duration_ms",
				      ms(c->t_end > c->t_start ? c->t_end - c->t_start : 0));
		if (c->error)
			json_object_set_new(o, "error", json_string(c->error));
		json_array_append_new(calls, o);
	}
	return calls;
}

/* What else the harness said in phase |ph|: its messages as sent, with
 * "t_ms" (run clock) in place of its own clock. */
/* The browser phase's page (src/run/harness/browser.js) reports facts as
 * notes: "ev" -> the list of the phase's "browser" section it goes in. */
static const char *const page_facts[][2] = {
	{"hook", "hooks"},
	{"listener", "listeners"},
	{"field_read", "field_reads"},
	{"storage_read", "storage_reads"},
	{"request", "requests"},
	{"rewrite", "rewrites"},
	{"clipboard", "clipboard"},
	{"page_error", "errors"},
};
#define NPAGE_FACTS (sizeof(page_facts) / sizeof(page_facts[0]))

/* The list of "browser" a note of the browser phase goes in; "" for the
 * entry; NULL: not a fact of the page. */
static const char *page_fact(const json_t *msg)
{
	const char *ev = json_string_value(json_object_get(msg, "ev"));

	if (!ev)
		return NULL;
	if (!strcmp(ev, "entry"))
		return "";
	for (size_t k = 0; k < NPAGE_FACTS; k++)
		if (!strcmp(ev, page_facts[k][0]))
			return page_facts[k][1];
	return NULL;
}

/* The browser phase's "browser": the entry the page loaded ("entry",
 * "esm") and its facts, each list in the order reported, with "t_ms". */
static json_t *browser_json(const struct run_result *res, int ph)
{
	json_t *b = json_pack("{s:n, s:b}", "entry", "esm", 0);

	for (size_t k = 0; k < NPAGE_FACTS; k++)
		json_object_set_new(b, page_facts[k][1], json_array());
	for (size_t i = 0; i < res->nnotes; i++) {
		const struct harness_note *n = &res->notes[i];
		const char *list = page_fact(n->msg);
		if ((int)res->steps[n->step].phase != ph || !list)
			continue;
		if (!*list) {
			json_object_set(b, "entry", json_object_get(n->msg, "file"));
			json_object_set(b, "esm", json_object_get(n->msg, "esm"));
			continue;
		}
		json_t *o = json_deep_copy(n->msg);
		json_object_del(o, "ev");
		json_object_del(o, "t");
		json_object_set_new(o, "t_ms", json_real(ms(n->t_us)));
		json_array_append_new(json_object_get(b, list), o);
	}
	return b;
}

static json_t *notes_json(const struct run_result *res, int ph)
{
	json_t *notes = json_array();

	for (size_t i = 0; i < res->nnotes; i++) {
		const struct harness_note *n = &res->notes[i];
		if ((int)res->steps[n->step].phase != ph)
			continue;
		if (ph == PHASE_BROWSER && page_fact(n->msg))
			continue; /* in "browser" */
		json_t *o = json_deep_copy(n->msg);
		json_object_del(o, "t");
		json_object_set_new(o, "t_ms", json_real(ms(n->t_us)));
		json_array_append_new(notes, o);
	}
	return notes;
}

static json_t *phase_json(const struct run_result *res, int ph)
{
	const struct phase_result *pr = &res->phases[ph];
	struct phase_lists l = {json_array(), json_array(), json_array(), json_array(),
				json_array(), json_array(), json_array()};
	json_t *hits = json_array(), *timeline = json_array();
	int exit_code;
	json_t *steps = steps_json(res, ph, &exit_code);
	size_t ntimeline = 0;

	for (size_t i = 0; i < res->log.n; i++) {
		const struct event *e = &res->log.v[i];
		if (event_phase(res, e) != ph)
			continue;
		if (ntimeline++ < TIMELINE_MAX)
			json_array_append_new(timeline, timeline_entry(res, e));
		struct payload_view views[PAYLOAD_VIEWS_MAX];
		size_t nv = event_views(e, views);
		canary_hits(res, e, views, nv, hits);
		phase_event(res, e, views, nv, &l);
		payload_views_release(views, nv);
	}
	dns_stream_hits(res, ph, hits);
	/* The process output is a write to /dev/stdout and /dev/stderr. */
	if (pr->out_bytes)
		file_entry(l.files, "/dev/stdout", FF_WRITE, 0);
	if (pr->err_bytes)
		file_entry(l.files, "/dev/stderr", FF_WRITE, 0);
	json_t *out = json_pack("{s:s, s:s, s:i, s:f, s:i}", "name", phase_name((enum phase_id)ph),
				"status", phase_status(pr), "exit_code", exit_code, "duration_ms",
				ms(pr->t_end > pr->t_start ? pr->t_end - pr->t_start : 0),
				"timeout_ms", (int)pr->timeout_ms);
	json_object_set_new(out, "steps", steps);
	json_object_set_new(out, "stdout",
			    json_pack("{s:s%, s:I, s:b}", "data", pr->out.buf, pr->out.len, "bytes",
				      (json_int_t)pr->out_bytes, "truncated", pr->out.truncated));
	json_object_set_new(out, "stderr",
			    json_pack("{s:s%, s:I, s:b}", "data", pr->err.buf, pr->err.len, "bytes",
				      (json_int_t)pr->err_bytes, "truncated", pr->err.truncated));
	json_object_set_new(out, "commands", l.commands);
	json_object_set_new(out, "files", l.files);
	json_object_set_new(out, "sockets", l.sockets);
	json_object_set_new(out, "dns", l.dns);
	json_object_set_new(out, "sent", l.sent);
	json_object_set_new(out, "canary_hits", hits);
	json_object_set_new(out, "denied", l.denied);
	json_object_set_new(out, "signals", l.signals);
	json_object_set_new(out, "processes", procs_json(res, ph));
	if (ph == PHASE_EXECUTE || ph == PHASE_BROWSER) {
		json_object_set_new(out, "calls", calls_json(res, ph));
		json_object_set_new(out, "harness", notes_json(res, ph));
	}
	if (ph == PHASE_BROWSER)
		json_object_set_new(out, "browser", browser_json(res, ph));
	json_object_set_new(out, "timeline", timeline);
	json_object_set_new(out, "timeline_truncated", json_boolean(ntimeline > TIMELINE_MAX));
	return out;
}

json_t *report_build(const struct run_result *res)
{
	json_t *r = json_object(), *phases = json_array(), *canaries = json_array();
	json_t *unres = json_array();

	json_object_set_new(r, "schema", json_string(REPORT_SCHEMA));
	json_object_set_new(r, "package",
			    json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:o}}", "name",
				      res->name, "version", res->version, "source", "type",
				      res->source_type, "spec", res->source, "tarball", "sha256",
				      res->sha256, "sha512", res->sha512, "integrity",
				      str_or_null(res->integrity)));
	for (size_t i = 0; i < res->nunresolved; i++)
		json_array_append_new(unres,
				      json_pack("{s:s, s:s, s:s}", "name", res->unresolved[i].name,
						"spec", res->unresolved[i].spec, "reason",
						res->unresolved[i].reason));
	json_t *fetched = json_array();
	for (size_t i = 0; i < res->nfetched; i++)
		json_array_append_new(
			fetched, json_pack("{s:s, s:s, s:s}", "name", res->fetched[i].name, "spec",
					   res->fetched[i].spec, "url", res->fetched[i].reason));
	json_object_set_new(r, "dependencies",
			    json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "installed",
				      (json_int_t)res->ndeps_installed, "unresolved", unres,
				      "remote_fetched", fetched, "error",
				      str_or_null(res->deps_error), "prepared_by",
				      str_or_null(res->deps_prepared_by), "store_fallback",
				      str_or_null(res->deps_fallback)));
	json_t *deg = json_array();
	for (size_t i = 0; i < res->ndegraded; i++)
		json_array_append_new(deg, json_pack("{s:s, s:s}", "kind", res->degraded[i].kind,
						     "detail", res->degraded[i].detail));
	json_object_set_new(r, "degraded", deg);
	if (res->static_info)
		json_object_set(r, "static", res->static_info);
	else
		json_object_set_new(r, "static", json_object());
	const struct sandbox_enforced *en = &res->enforced;
	json_object_set_new(
		r, "environment",
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:i, s:I, s:I, s:i, s:i, s:i}, "
			  "s:{s:s, s:b, s:b, s:b, s:b, s:b}}",
			  "node", res->node_version, "npm", res->npm_version, "user", res->id.user,
			  "hostname", res->id.hostname, "home", res->id.home, "profile",
			  res->id.profile == PROFILE_CI ? "ci" : "dev", "limits", "memory_bytes",
			  (json_int_t)res->limits.memory_bytes, "pids", (int)res->limits.pids,
			  "file_bytes", (json_int_t)res->limits.file_bytes, "tmpfs_bytes",
			  (json_int_t)res->limits.tmpfs_bytes, "nofile", (int)res->limits.nofile,
			  "install_timeout_ms", (int)res->phases[PHASE_INSTALL].timeout_ms,
			  "import_timeout_ms", (int)res->phases[PHASE_IMPORT].timeout_ms,
			  "enforced", "cgroup", en->cgroup ? en->cgroup : "none", "memory",
			  en->memory, "pids", en->pids, "rlimits", en->rlimits, "seccomp",
			  en->seccomp, "userns_root", en->userns_root));
	json_t *limits = json_object_get(json_object_get(r, "environment"), "limits");
	for (int p = 0; p < PHASE_COUNT; p++) {
		char key[64];
		snprintf(key, sizeof(key), "%s_timeout_ms", phase_name((enum phase_id)p));
		json_object_set_new(limits, key, json_integer(res->phases[p].timeout_ms));
	}
	for (int k = 0; k < CANARY_COUNT; k++)
		json_array_append_new(canaries,
				      json_pack("{s:s, s:s, s:s}", "name", res->id.canaries[k].name,
						"where", res->id.canaries[k].where, "value",
						res->id.canaries[k].value));
	json_object_set_new(r, "canaries", canaries);
	for (int p = 0; p < PHASE_COUNT; p++)
		json_array_append_new(phases, phase_json(res, p));
	json_object_set_new(r, "phases", phases);
	json_object_set_new(
		r, "stats",
		json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f}", "traced",
			  res->traced, "stops", (json_int_t)res->stats.stops, "seccomp_stops",
			  (json_int_t)res->stats.seccomp_stops, "exit_stops",
			  (json_int_t)res->stats.exit_stops, "processes",
			  (json_int_t)res->stats.processes, "threads",
			  (json_int_t)res->stats.threads, "denied", (json_int_t)res->stats.denied,
			  "prepare_ms", ms(res->t_prepare_us), "setup_ms", ms(res->t_setup_us),
			  "teardown_ms", ms(res->t_teardown_us), "cleanup_ms",
			  ms(res->t_cleanup_us), "total_ms", ms(res->t_total_us)));
	return r;
}

void report_summary(const json_t *r, FILE *f)
{
	json_t *pkg = json_object_get(r, "package");
	size_t i;
	json_t *ph;

	fprintf(f, "snare: %s@%s\n", json_string_value(json_object_get(pkg, "name")),
		json_string_value(json_object_get(pkg, "version")));
	json_array_foreach (json_object_get(r, "phases"), i, ph) {
		size_t j;
		json_t *v;
		fprintf(f,
			"  %-7s %-7s %zu commands, %zu files, %zu dns, %zu sockets, %zu sent, %zu canary hits (%.0f ms)\n",
			json_string_value(json_object_get(ph, "name")),
			json_string_value(json_object_get(ph, "status")),
			json_array_size(json_object_get(ph, "commands")),
			json_array_size(json_object_get(ph, "files")),
			json_array_size(json_object_get(ph, "dns")),
			json_array_size(json_object_get(ph, "sockets")),
			json_array_size(json_object_get(ph, "sent")),
			json_array_size(json_object_get(ph, "canary_hits")),
			json_real_value(json_object_get(ph, "duration_ms")));
		json_array_foreach (json_object_get(ph, "canary_hits"), j, v) {
			const char *dest = json_string_value(json_object_get(v, "hostname"));
			fprintf(f, "    leak: %s via %s (%s)%s%s\n",
				json_string_value(json_object_get(v, "canary")),
				json_string_value(json_object_get(v, "where")),
				json_string_value(json_object_get(v, "encoding")),
				dest ? " to " : "", dest ? dest : "");
		}
		json_array_foreach (json_object_get(ph, "dns"), j, v) {
			if (j >= 5)
				break;
			fprintf(f, "    dns: %s\n",
				json_string_value(json_object_get(v, "hostname")));
		}
		json_array_foreach (json_object_get(ph, "commands"), j, v) {
			if (j >= 8)
				break;
			json_t *argv = json_object_get(v, "argv");
			fprintf(f, "    exec: %s\n",
				json_string_value(json_array_get(argv, 0)) ?: "?");
		}
	}
}
