/* A small YAML reader for lockfiles (see yaml.h for the subset).  The text
 * is split into lines first; the block structure is then read by
 * indentation, one line at a time, and a line's value by a small flow
 * parser.  Nesting is bounded, so hostile input cannot exhaust the stack. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockfile/yaml.h"
#include "util/errbuf.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct yline {
	const char *raw; /* the line, without its '\n' (and '\r') */
	size_t rawlen;
	unsigned indent; /* leading spaces */
	const char *s;	 /* content after the indentation */
	size_t len;	 /* content without comment and trailing blanks; 0: blank */
	unsigned no;	 /* 1-based */
	bool doc_mark;	 /* "---" or "..." */
};

struct yparser {
	struct yline *l;
	size_t i, end;
	char *err;
	size_t errlen;
	bool failed;
};

static json_t *fail(struct yparser *p, unsigned no, const char *what)
{
	if (!p->failed)
		errbuf_set(p->err, p->errlen, "line %u: %s", no, what);
	p->failed = true;
	return NULL;
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of |s| (|len| bytes) before a comment and trailing blanks.  A '#'
 * starts a comment at the start or after a blank, outside quotes. */
static size_t content_len(const char *s, size_t len)
{
	char quote = 0;
	size_t end = len;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (quote) {
			if (c == '\\' && quote == '"' && i + 1 < len)
				i++;
			else if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			/* Only a quote that starts a scalar opens one ("it's" does not). */
			if (i == 0 || strchr(" \t:,[{-?", s[i - 1]))
				quote = c;
		} else if (c == '#' && (i == 0 || is_blank_char(s[i - 1]))) {
			end = i;
			break;
		}
	}
	while (end > 0 && is_blank_char(s[end - 1]))
		end--;
	return end;
}

static void skip_blank_lines(struct yparser *p)
{
	while (p->i < p->end && p->l[p->i].len == 0)
		p->i++;
}

static bool is_seq_item(const struct yline *l)
{
	return l->len > 0 && l->s[0] == '-' && (l->len == 1 || l->s[1] == ' ');
}

static const char *skip_ws(const char *s, const char *e)
{
	while (s < e && is_blank_char(*s))
		s++;
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/* A double-quoted escape at |*sp| (after the backslash); false when invalid. */
static bool unescape(const char **sp, const char *e, struct strbuf *sb)
{
	static const char simple[] = "\\\\\"\"//n\nt\tr\r0\0b\bf\fa\av\ve\033  ";
	const char *s = *sp;
	int digits = 0;
	uint32_t cp = 0;

	if (s >= e)
		return false;
	for (size_t k = 0; k + 1 < sizeof(simple); k += 2) {
		if (*s == simple[k]) {
			if (simple[k + 1] == '\0')
				return false; /* "\0": no NUL inside a string */
			strbuf_add(sb, &simple[k + 1], 1);
			*sp = s + 1;
			return true;
		}
	}
	if (*s == 'x')
		digits = 2;
	else if (*s == 'u')
		digits = 4;
	else if (*s == 'U')
		digits = 8;
	else
		return false;
	s++;
	for (int k = 0; k < digits; k++, s++) {
		int v = s < e ? hexval(*s) : -1;

		if (v < 0)
			return false;
		cp = cp << 4 | (uint32_t)v;
	}
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	add_utf8(sb, cp);
	*sp = s;
	return true;
}

/* A quoted scalar at |*sp| (on its opening quote); advances past it. */
static char *quoted(struct yparser *p, unsigned no, const char **sp, const char *e)
{
	const char *s = *sp;
	char q = *s++;
	struct strbuf sb;

	strbuf_init(&sb, 0);
	for (;;) {
		if (s >= e) {
			strbuf_release(&sb);
			fail(p, no, "unterminated quoted string");
			return NULL;
		}
		if (*s == q) {
			if (q == '\'' && s + 1 < e && s[1] == '\'') {
				strbuf_add(&sb, "'", 1);
				s += 2;
				continue;
			}
			s++;
			break;
		}
		if (q == '"' && *s == '\\') {
			s++;
			if (!unescape(&s, e, &sb)) {
				strbuf_release(&sb);
				fail(p, no, "invalid escape in double-quoted string");
				return NULL;
			}
			continue;
		}
		strbuf_add(&sb, s++, 1);
	}
	*sp = s;
	return strbuf_detach(&sb, NULL);
}

static json_t *flow_value(struct yparser *p, unsigned no, const char **sp, const char *e,
			  const char *stops, unsigned depth);

/* One "key: value" (or "key") of a flow mapping at |*sp|, added to |map|;
 * false after a failure. */
// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static bool flow_map_entry(struct yparser *p, unsigned no, const char **sp, const char *e,
			   json_t *map, unsigned depth)
{
	const char *s = *sp;
	json_t *k = flow_value(p, no, &s, e, ":,}", depth + 1);
	json_t *v;

	if (!k)
		return false;
	if (!json_is_string(k)) {
		json_decref(k);
		fail(p, no, "flow mapping key is not a scalar");
		return false;
	}
	s = skip_ws(s, e);
	if (s < e && *s == ':') {
		s++;
		v = flow_value(p, no, &s, e, ",}", depth + 1);
	} else {
		v = json_null();
	}
	if (!v) {
		json_decref(k);
		return false;
	}
	json_object_set_new(map, json_string_value(k), v);
	json_decref(k);
	*sp = s;
	return true;
}

/* A flow mapping or sequence at |*sp| (on '{' or '['). */
// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *flow_collection(struct yparser *p, unsigned no, const char **sp, const char *e,
			       unsigned depth)
{
	bool map = **sp == '{';
	char close = map ? '}' : ']';
	const char *s = *sp + 1;
	json_t *c = map ? json_object() : json_array();

	if (depth >= YAML_MAX_DEPTH) {
		json_decref(c);
		return fail(p, no, "nested too deeply");
	}
	for (;;) {
		s = skip_ws(s, e);
		if (s >= e)
			goto unterminated;
		if (*s == close) {
			s++;
			break;
		}
		if (map) {
			if (!flow_map_entry(p, no, &s, e, c, depth))
				goto err;
		} else {
			json_t *v = flow_value(p, no, &s, e, ",]", depth + 1);

			if (!v)
				goto err;
			json_array_append_new(c, v);
		}
		s = skip_ws(s, e);
		if (s >= e)
			goto unterminated;
		if (*s == ',') {
			s++;
		} else if (*s != close) {
			fail(p, no,
			     map ? "expected ',' or '}' in flow mapping"
				 : "expected ',' or ']' in flow sequence");
			goto err;
		}
	}
	*sp = s;
	return c;
unterminated:
	fail(p, no, map ? "unterminated flow mapping" : "unterminated flow sequence");
err:
	json_decref(c);
	return NULL;
}

/* A value inside a flow collection: ends at one of |stops| (a ':' only
 * when a blank or the end follows it). */
// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *flow_value(struct yparser *p, unsigned no, const char **sp, const char *e,
			  const char *stops, unsigned depth)
{
	const char *s = skip_ws(*sp, e), *start, *end;

	if (s < e && (*s == '{' || *s == '[')) {
		*sp = s;
		return flow_collection(p, no, sp, e, depth);
	}
	if (s < e && (*s == '"' || *s == '\'')) {
		char *q = quoted(p, no, &s, e);
		json_t *v;

		if (!q)
			return NULL;
		v = json_string(q);
		free(q);
		if (!v)
			return fail(p, no, "invalid UTF-8");
		*sp = s;
		return v;
	}
	if (s < e && strchr("&*!", *s))
		return fail(p, no, "anchors, aliases and tags are not supported");
	start = s;
	while (s < e && !strchr(stops, *s))
		s++;
	while (s < e && *s == ':' && strchr(stops, ':') && s + 1 < e && !is_blank_char(s[1]) &&
	       !strchr(",]}", s[1])) {
		/* "a:b" in a plain scalar; only ": " ends a key */
		s++;
		while (s < e && !strchr(stops, *s))
			s++;
	}
	end = s;
	while (end > start && is_blank_char(end[-1]))
		end--;
	*sp = s;
	if (end == start)
		return json_null();
	json_t *v = json_stringn(start, (size_t)(end - start));
	return v ? v : fail(p, no, "invalid UTF-8");
}

/* The value that fills the rest of a line, |s| to |e|. */
static json_t *inline_value(struct yparser *p, unsigned no, const char *s, const char *e)
{
	json_t *v;

	if (*s == '{' || *s == '[') {
		v = flow_collection(p, no, &s, e, 0);
		if (v && skip_ws(s, e) != e) {
			json_decref(v);
			return fail(p, no, "unexpected text after a flow collection");
		}
		return v;
	}
	if (*s == '"' || *s == '\'') {
		char *q = quoted(p, no, &s, e);

		if (!q)
			return NULL;
		if (skip_ws(s, e) != e) {
			free(q);
			return fail(p, no, "unexpected text after a quoted string");
		}
		v = json_string(q);
		free(q);
		return v ? v : fail(p, no, "invalid UTF-8");
	}
	if (strchr("&*!", *s))
		return fail(p, no, "anchors, aliases and tags are not supported");
	v = json_stringn(s, (size_t)(e - s));
	return v ? v : fail(p, no, "invalid UTF-8");
}

/* Offset of the ':' that ends a mapping key at the start of |s|, or -1
 * when the line is not "key: ..." or "key:".  A quoted key is skipped
 * whole. */
static long key_colon(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || *s == '{' || *s == '[' || *s == '#')
		return -1;
	if (*s == '"' || *s == '\'') {
		char q = *s;

		for (i = 1; i < len; i++) {
			/* a backslash escape, or '' inside single quotes */
			bool pair = (q == '"' && s[i] == '\\') ||
				    (q == '\'' && s[i] == q && i + 1 < len && s[i + 1] == q);

			if (pair)
				i++;
			else if (s[i] == q)
				break;
		}
		if (i >= len)
			return -1;
		i++;
		while (i < len && is_blank_char(s[i]))
			i++;
		return i < len && s[i] == ':' && (i + 1 == len || is_blank_char(s[i + 1])) ? (long)i
											   : -1;
	}
	for (; i < len; i++)
		if (s[i] == ':' && (i + 1 == len || is_blank_char(s[i + 1])))
			return (long)i;
	return -1;
}

/* What goes between two lines of a block scalar separated by |trailing|
 * blank lines (before the first line: |started| false). */
static void join_lines(struct strbuf *sb, bool started, bool folded, size_t trailing)
{
	/* literal: each line break kept; folded: a break becomes a space, a
	 * blank line a newline */
	size_t breaks = !started ? trailing : folded ? trailing : trailing + 1;

	if (started && !breaks)
		strbuf_add(sb, " ", 1);
	for (size_t t = 0; t < breaks; t++)
		strbuf_add(sb, "\n", 1);
}

/* A block scalar ("|", ">", with chomping "-"/"+") whose header is |hdr|,
 * belonging to a key at |indent|: the more indented lines that follow. */
static json_t *block_scalar(struct yparser *p, unsigned no, unsigned indent, const char *hdr,
			    const char *e)
{
	bool folded = *hdr == '>';
	char chomp = 0;
	unsigned bindent = 0;
	struct strbuf sb;
	size_t trailing = 0;
	bool started = false;

	for (const char *h = hdr + 1; h < e; h++) {
		if ((*h == '-' || *h == '+') && !chomp)
			chomp = *h;
		else if (*h >= '1' && *h <= '9' && !bindent)
			bindent = indent + (unsigned)(*h - '0');
		else
			return fail(p, no, "invalid block scalar header");
	}
	strbuf_init(&sb, 0);
	while (p->i < p->end) {
		const struct yline *l = &p->l[p->i];
		size_t k = 0;

		while (k < l->rawlen && l->raw[k] == ' ')
			k++;
		if (k == l->rawlen) {
			/* blank line: part of the scalar if more content follows */
			trailing++;
			p->i++;
			continue;
		}
		if (k <= indent || l->doc_mark)
			break;
		if (!bindent)
			bindent = (unsigned)k;
		if (k < bindent) {
			strbuf_release(&sb);
			return fail(p, l->no, "bad indentation in block scalar");
		}
		join_lines(&sb, started, folded, trailing);
		started = true;
		trailing = 0;
		strbuf_add(&sb, l->raw + bindent, l->rawlen - bindent);
		p->i++;
	}
	if (chomp != '-' && sb.len)
		strbuf_add(&sb, "\n", 1);
	if (chomp == '+')
		for (size_t t = 0; t < trailing; t++)
			strbuf_add(&sb, "\n", 1);
	json_t *v = json_stringn(sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return v ? v : fail(p, no, "invalid UTF-8");
}

static json_t *block_map(struct yparser *p, unsigned indent, unsigned depth);
static json_t *block_seq(struct yparser *p, unsigned indent, unsigned depth);

/* The block node whose first line is the current one. */
// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *block_node(struct yparser *p, unsigned depth)
{
	const struct yline *l = &p->l[p->i];

	if (depth >= YAML_MAX_DEPTH)
		return fail(p, l->no, "nested too deeply");
	return is_seq_item(l) ? block_seq(p, l->indent, depth) : block_map(p, l->indent, depth);
}

/* The value after "key:" on line |l| (rest |s|..|e|), the key at |indent|. */
// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *block_value(struct yparser *p, const struct yline *l, unsigned indent, const char *s,
			   const char *e, unsigned depth)
{
	unsigned no = l->no;

	s = skip_ws(s, e);
	if (s == e) {
		skip_blank_lines(p);
		if (p->i < p->end && !p->l[p->i].doc_mark &&
		    (p->l[p->i].indent > indent ||
		     (p->l[p->i].indent == indent && is_seq_item(&p->l[p->i]))))
			return block_node(p, depth + 1);
		return json_null();
	}
	if (*s == '|' || *s == '>')
		return block_scalar(p, no, indent, s, e);
	return inline_value(p, no, s, e);
}

/* The key of the mapping line |l| whose ':' is at |colon|, newly allocated;
 * NULL after a failure. */
static char *map_key(struct yparser *p, const struct yline *l, long colon)
{
	const char *s = l->s, *e = l->s + l->len;

	if (*s == '"' || *s == '\'')
		return quoted(p, l->no, &s, e);
	const char *ke = l->s + colon;

	while (ke > s && is_blank_char(ke[-1]))
		ke--;
	if (strchr("&*!", *s)) {
		fail(p, l->no, "anchors, aliases and tags are not supported");
		return NULL;
	}
	return xstrndup(s, (size_t)(ke - s));
}

// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *block_map(struct yparser *p, unsigned indent, unsigned depth)
{
	json_t *obj = json_object();

	for (;;) {
		skip_blank_lines(p);
		if (p->i >= p->end)
			break;
		struct yline *l = &p->l[p->i];
		const char *s = l->s, *e = l->s + l->len;
		char *key;
		json_t *v;
		long colon;

		if (l->doc_mark || l->indent < indent)
			break;
		if (l->indent > indent) {
			fail(p, l->no, "unexpected indentation");
			goto err;
		}
		if (is_seq_item(l))
			break; /* the caller decides whether a sequence may follow */
		if (*s == '?') {
			fail(p, l->no, "complex mapping keys are not supported");
			goto err;
		}
		colon = key_colon(s, l->len);
		if (colon < 0) {
			fail(p, l->no, "expected 'key: value'");
			goto err;
		}
		key = map_key(p, l, colon);
		if (!key)
			goto err;
		p->i++;
		v = block_value(p, l, indent, l->s + colon + 1, e, depth);
		if (!v) {
			free(key);
			goto err;
		}
		if (json_object_get(obj, key)) {
			char msg[160];

			snprintf(msg, sizeof(msg), "duplicate key '%.100s'", key);
			free(key);
			json_decref(v);
			fail(p, l->no, msg);
			goto err;
		}
		if (json_object_set_new(obj, key, v) < 0) {
			free(key);
			fail(p, l->no, "invalid UTF-8 in key");
			goto err;
		}
		free(key);
	}
	return obj;
err:
	json_decref(obj);
	return NULL;
}

// NOLINTNEXTLINE(misc-no-recursion): recursive descent, depth bounded by YAML_MAX_DEPTH
static json_t *block_seq(struct yparser *p, unsigned indent, unsigned depth)
{
	json_t *arr = json_array();

	for (;;) {
		skip_blank_lines(p);
		if (p->i >= p->end)
			break;
		struct yline *l = &p->l[p->i];
		json_t *v;
		size_t off = 1;

		if (l->doc_mark || l->indent < indent || !is_seq_item(l))
			break;
		if (l->indent > indent) {
			fail(p, l->no, "unexpected indentation");
			goto err;
		}
		while (off < l->len && l->s[off] == ' ')
			off++;
		if (off >= l->len) {
			/* "-" alone: the item is the more indented block below, if any */
			p->i++;
			skip_blank_lines(p);
			if (p->i < p->end && !p->l[p->i].doc_mark && p->l[p->i].indent > indent)
				v = block_node(p, depth + 1);
			else
				v = json_null();
		} else if (key_colon(l->s + off, l->len - off) >= 0 ||
			   is_seq_item(&(struct yline){.s = l->s + off, .len = l->len - off})) {
			/* "- key: value" or "- - x": a node that starts inside the line */
			l->indent += (unsigned)off;
			l->s += off;
			l->len -= off;
			v = block_node(p, depth + 1);
		} else {
			p->i++;
			v = inline_value(p, l->no, l->s + off, l->s + l->len);
		}
		if (!v)
			goto err;
		json_array_append_new(arr, v);
	}
	return arr;
err:
	json_decref(arr);
	return NULL;
}

/* Splits |text| into lines; NULL with |p|'s error on a tab indentation. */
static struct yline *split_lines(struct yparser *p, const char *text, size_t len, size_t *n)
{
	size_t cap = 1, k = 0;
	struct yline *l;

	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	l = xcalloc(cap, sizeof(*l));
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t rl = nl ? (size_t)(nl - (text + i)) : len - i;
		struct yline *y = &l[k];

		y->raw = text + i;
		y->rawlen = rl;
		if (rl && y->raw[rl - 1] == '\r')
			y->rawlen--;
		y->no = (unsigned)(k + 1);
		while (y->indent < y->rawlen && y->raw[y->indent] == ' ')
			y->indent++;
		y->s = y->raw + y->indent;
		y->len = content_len(y->s, y->rawlen - y->indent);
		if (y->len && y->s[0] == '\t') {
			fail(p, y->no, "tab in indentation");
			free(l);
			return NULL;
		}
		if (y->indent == 0 && y->len >= 3 &&
		    (!strncmp(y->s, "---", 3) || !strncmp(y->s, "...", 3)) &&
		    (y->len == 3 || is_blank_char(y->s[3]))) {
			if (y->len > 3 && skip_ws(y->s + 3, y->s + y->len) != y->s + y->len) {
				fail(p, y->no, "content after a document marker is not supported");
				free(l);
				return NULL;
			}
			y->doc_mark = true;
		} else if (y->indent == 0 && y->len && y->s[0] == '%') {
			y->len = 0; /* a directive such as %YAML 1.2 */
		}
		k++;
		i += rl + 1;
	}
	*n = k;
	return l;
}

json_t *yaml_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct yparser p = {.err = err, .errlen = errlen};
	json_t *last = json_null();
	size_t n;

	p.l = split_lines(&p, text, len, &n);
	if (!p.l) {
		json_decref(last);
		return NULL;
	}
	for (size_t start = 0; start <= n;) {
		size_t end = start;
		json_t *doc;

		while (end < n && !p.l[end].doc_mark)
			end++;
		p.i = start;
		p.end = end;
		skip_blank_lines(&p);
		if (p.i < p.end) {
			doc = block_node(&p, 0);
			if (doc) {
				skip_blank_lines(&p);
				if (p.i < p.end) {
					json_decref(doc);
					doc = fail(
						&p, p.l[p.i].no,
						is_seq_item(&p.l[p.i])
							? "sequence item where a mapping key was expected"
							: "bad indentation");
				}
			}
			if (!doc) {
				json_decref(last);
				free(p.l);
				return NULL;
			}
			json_decref(last);
			last = doc;
		}
		start = end + 1;
	}
	free(p.l);
	return last;
}
