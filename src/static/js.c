/* A JavaScript tokenizer: enough of the lexical grammar to read a package's
 * code as tokens rather than bytes, so that a name inside a comment is not
 * a call and a string assembled from pieces can be decoded.
 *
 * Our own because nothing we can link does it: Debian 12 packages the
 * tree-sitter runtime (libtree-sitter-dev) but not its JavaScript grammar,
 * and no Debian package offers a JavaScript lexer or parser in C (the
 * packaged ones are JavaScript, Haskell, Rust or .NET code).
 *
 * It never fails: every call consumes at least one byte, anything it does
 * not know is a one-byte punctuator, and an unterminated string, template,
 * comment or regular expression ends at the end of the input (a string or
 * regular expression at the end of its line).  Regular expression versus
 * division is decided the usual way, on the previous token.  The template
 * nesting it follows is bounded (JS_MAX_TEMPLATE_DEPTH); deeper, a "${" is
 * part of the template's text. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "static/static.h"

static bool id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
	       c == '\\' || c >= 0x80;
}

static bool id_part(unsigned char c)
{
	return id_start(c) || (c >= '0' && c <= '9');
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

void js_lexer_init(struct js_lexer *lx, const char *src, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->prev = JS_END;
}

static char peek(const struct js_lexer *lx, size_t ahead)
{
	if (lx->pos + ahead >= lx->len)
		return '\0';
	return lx->src[lx->pos + ahead];
}

static void advance(struct js_lexer *lx)
{
	if (lx->src[lx->pos] == '\n')
		lx->line++;
	lx->pos++;
}

/* Whitespace and comments; a "#!" line at the very start too. */
static void skip_blank(struct js_lexer *lx)
{
	if (lx->pos == 0 && peek(lx, 0) == '#' && peek(lx, 1) == '!')
		while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
			advance(lx);
	while (lx->pos < lx->len) {
		unsigned char c = (unsigned char)lx->src[lx->pos];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			advance(lx);
		} else if (c == '/' && peek(lx, 1) == '/') {
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				advance(lx);
		} else if (c == '/' && peek(lx, 1) == '*') {
			lx->pos += 2;
			while (lx->pos < lx->len &&
			       !(lx->src[lx->pos] == '*' && peek(lx, 1) == '/'))
				advance(lx);
			lx->pos = lx->pos + 2 <= lx->len ? lx->pos + 2 : lx->len;
		} else {
			break;
		}
	}
}

/* After these words an expression starts, so "/" begins a regular
 * expression; after any other identifier it divides. */
static bool regex_after_word(const char *p, size_t n)
{
	static const char *const words[] = {"return", "typeof", "instanceof", "in",    "of",
					    "new",    "delete", "void",	      "throw", "case",
					    "do",     "else",	"yield",      "await"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], p, n))
			return true;
	return false;
}

static bool regex_allowed(const struct js_lexer *lx)
{
	switch (lx->prev) {
	case JS_END:
		return true;
	case JS_IDENT:
		return regex_after_word(lx->prev_text, strlen(lx->prev_text));
	case JS_PUNCT:
		return strcmp(lx->prev_text, ")") != 0 && strcmp(lx->prev_text, "]") != 0 &&
		       strcmp(lx->prev_text, "}") != 0 && strcmp(lx->prev_text, "++") != 0 &&
		       strcmp(lx->prev_text, "--") != 0;
	default:
		return false; /* after a number, string, template or regex: division */
	}
}

static void scan_string(struct js_lexer *lx, char quote)
{
	lx->pos++;
	while (lx->pos < lx->len) {
		char c = lx->src[lx->pos];
		if (c == quote) {
			lx->pos++;
			return;
		}
		if (c == '\n')
			return; /* unterminated: the string ends with its line */
		if (c == '\\' && lx->pos + 1 < lx->len)
			advance(lx);
		advance(lx);
	}
}

/* From just after "`" or "}" to just after the closing "`" or a "${". */
static void scan_template_part(struct js_lexer *lx, struct js_token *t)
{
	t->kind = JS_TEMPLATE;
	while (lx->pos < lx->len) {
		char c = lx->src[lx->pos];
		if (c == '`') {
			lx->pos++;
			t->tail = true;
			return;
		}
		if (c == '$' && peek(lx, 1) == '{' && lx->tdepth < JS_MAX_TEMPLATE_DEPTH) {
			lx->pos += 2;
			lx->braces[lx->tdepth++] = 0;
			return;
		}
		if (c == '\\' && lx->pos + 1 < lx->len)
			advance(lx);
		advance(lx);
	}
	t->tail = true; /* unterminated */
}

static bool scan_regex(struct js_lexer *lx)
{
	size_t p = lx->pos + 1;
	bool cls = false;

	for (; p < lx->len; p++) {
		char c = lx->src[p];
		if (c == '\n' || c == '\r')
			return false;
		if (c == '\\') {
			if (++p >= lx->len || lx->src[p] == '\n')
				return false;
		} else if (c == '[') {
			cls = true;
		} else if (c == ']') {
			cls = false;
		} else if (c == '/' && !cls) {
			break;
		}
	}
	if (p >= lx->len || p == lx->pos + 1)
		return false;
	p++;
	while (p < lx->len && id_part((unsigned char)lx->src[p]) && lx->src[p] != '\\')
		p++;
	lx->pos = p;
	return true;
}

static void scan_number(struct js_lexer *lx)
{
	char c0 = lx->src[lx->pos], c1 = peek(lx, 1);

	if (c0 == '0' &&
	    (c1 == 'x' || c1 == 'X' || c1 == 'b' || c1 == 'B' || c1 == 'o' || c1 == 'O')) {
		lx->pos += 2;
		while (lx->pos < lx->len && (id_part((unsigned char)lx->src[lx->pos])) &&
		       lx->src[lx->pos] != '\\')
			lx->pos++;
		return;
	}
	while (lx->pos < lx->len && (digit((unsigned char)lx->src[lx->pos]) ||
				     lx->src[lx->pos] == '_' || lx->src[lx->pos] == '.'))
		lx->pos++;
	if (lx->pos < lx->len && (lx->src[lx->pos] == 'e' || lx->src[lx->pos] == 'E')) {
		lx->pos++;
		if (lx->pos < lx->len && (lx->src[lx->pos] == '+' || lx->src[lx->pos] == '-'))
			lx->pos++;
		while (lx->pos < lx->len && digit((unsigned char)lx->src[lx->pos]))
			lx->pos++;
	}
	if (lx->pos < lx->len && lx->src[lx->pos] == 'n')
		lx->pos++;
}

static void scan_punct(struct js_lexer *lx)
{
	static const char *const puncts[] = {
		">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=",
		"=>",	"==",  "!=",  "<=",  ">=",  "&&",  "||",  "?\?", "?.",	"++",  "--",
		"+=",	"-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",	 "**",	"<<",  ">>"};
	size_t left = lx->len - lx->pos;

	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i]);
		if (n <= left && !memcmp(lx->src + lx->pos, puncts[i], n) &&
		    !(n == 2 && puncts[i][0] == '?' && puncts[i][1] == '.' &&
		      digit((unsigned char)peek(lx, 2)))) {
			lx->pos += n;
			return;
		}
	}
	lx->pos++;
}

bool js_next(struct js_lexer *lx, struct js_token *t)
{
	memset(t, 0, sizeof(*t));
	skip_blank(lx);
	if (lx->pos >= lx->len) {
		t->kind = JS_END;
		t->line = lx->line;
		t->p = lx->src + lx->len;
		return false;
	}
	size_t start = lx->pos;
	unsigned char c = (unsigned char)lx->src[start];
	t->line = lx->line;

	if (c == '`') {
		lx->pos++;
		scan_template_part(lx, t);
	} else if (c == '}' && lx->tdepth > 0 && lx->braces[lx->tdepth - 1] == 0) {
		lx->tdepth--;
		lx->pos++;
		scan_template_part(lx, t);
		t->continued = true;
	} else if (c == '"' || c == '\'') {
		t->kind = JS_STRING;
		scan_string(lx, (char)c);
	} else if (digit(c) || (c == '.' && digit((unsigned char)peek(lx, 1)))) {
		t->kind = JS_NUMBER;
		scan_number(lx);
	} else if (id_start(c) || (c == '#' && id_start((unsigned char)peek(lx, 1)))) {
		t->kind = JS_IDENT;
		lx->pos++;
		while (lx->pos < lx->len && id_part((unsigned char)lx->src[lx->pos]))
			lx->pos++;
	} else if (c == '/' && regex_allowed(lx) && scan_regex(lx)) {
		t->kind = JS_REGEX;
	} else {
		t->kind = JS_PUNCT;
		scan_punct(lx);
		if (lx->tdepth > 0 && c == '{')
			lx->braces[lx->tdepth - 1]++;
		else if (lx->tdepth > 0 && c == '}')
			lx->braces[lx->tdepth - 1]--;
	}
	t->p = lx->src + start;
	t->len = lx->pos - start;
	/* A template part that opens "${" is followed by an expression. */
	lx->prev = t->kind == JS_TEMPLATE && !t->tail ? JS_PUNCT : t->kind;
	if (t->kind == JS_TEMPLATE) {
		memcpy(lx->prev_text, "${", 3);
	} else {
		/* per token: no snprintf */
		size_t n = t->len < sizeof(lx->prev_text) ? t->len : sizeof(lx->prev_text) - 1;
		memcpy(lx->prev_text, t->p, n);
		lx->prev_text[n] = '\0';
	}
	return true;
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

/* |n| hex digits at |p| (within |end|), or -1. */
static long hexnum(const char *p, const char *end, size_t n)
{
	long v = 0;
	if ((size_t)(end - p) < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t put_utf8(char *out, size_t cap, size_t o, long cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | ((cp >> 18) & 0x07));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = (char)b[i];
	return o;
}

/* The escape after a backslash at |*pp| (|e| its letter, already read):
 * its code point, or -1 for one that stays as written (|e| alone); a line
 * continuation is -2.  Moves |*pp| past what it used. */
static long escape(char e, const char **pp, const char *end)
{
	static const char simple[] = "n\nt\tr\rb\bf\fv\v0";
	const char *p = *pp;
	long cp = -1;

	if (e == '\n')
		return -2;
	for (size_t i = 0; i + 1 < sizeof(simple); i += 2)
		if (simple[i] == e)
			return (unsigned char)simple[i + 1];
	if (e == 'x') {
		cp = hexnum(p, end, 2);
		if (cp >= 0)
			*pp = p + 2;
	} else if (e == 'u' && p < end && *p == '{') {
		const char *close = memchr(p, '}', (size_t)(end - p));
		if (close && close - p >= 2 && close - p <= 7) {
			cp = hexnum(p + 1, close, (size_t)(close - p - 1));
			if (cp > 0x10ffff)
				cp = -1;
			if (cp >= 0)
				*pp = close + 1;
		}
	} else if (e == 'u') {
		cp = hexnum(p, end, 4);
		if (cp >= 0)
			*pp = p + 4;
	} else {
		cp = (unsigned char)e;
	}
	return cp;
}

size_t js_string_value(const struct js_token *t, char *out, size_t cap, bool *escaped)
{
	const char *p = t->p, *end = t->p + t->len;
	size_t o = 0;

	if (escaped)
		*escaped = false;
	if (cap == 0)
		return 0;
	if (t->kind == JS_STRING || t->kind == JS_TEMPLATE) {
		p++; /* the quote, backtick or "}" */
		if (end > p && (end[-1] == t->p[0] || (t->kind == JS_TEMPLATE && end[-1] == '`')))
			end--;
		if (t->kind == JS_TEMPLATE && !t->tail && end - p >= 2 && end[-2] == '$' &&
		    end[-1] == '{')
			end -= 2;
	}
	while (p < end && o + 1 < cap) {
		char c = *p++;
		if (c != '\\' || p >= end) {
			out[o++] = c;
			continue;
		}
		char e = *p++;
		long cp = escape(e, &p, end);
		if (cp == -2)
			continue; /* a line continuation */
		if (cp < 0) {
			out[o++] = e;
			continue;
		}
		if ((e == 'x' || e == 'u') && escaped)
			*escaped = true;
		o = put_utf8(out, cap, o, cp);
	}
	out[o] = '\0';
	return o;
}
