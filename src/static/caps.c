/* Capabilities read from a package's code, on the tokens of js.c rather
 * than its bytes: what the code could do in a browser, on Windows or inside
 * one target application, where running it under Linux node shows nothing.
 *
 * Each file's tokens are first folded: constant string expressions
 * ("a" + "b", String.fromCharCode(101, 118), atob("..."),
 * Buffer.from("...", "base64"), "...".split("").reverse().join(""),
 * ["a", "b"].join("")) become one string that remembers it was decoded,
 * and x["name"] becomes x.name.  Then member chains (window.ethereum.request)
 * are read with what follows them (an assignment, a call), strings against
 * the watched names, and eval-like calls against what their argument was
 * built from.  A watched name that shows only after decoding is also an
 * "obfuscated" capability.
 *
 * Bounded: a file's tokens are read a fixed number of times; spans looked
 * into (arguments, right-hand sides, function bodies) are capped; string
 * values are cut at MAX_VALUE bytes; at most MAX_EVIDENCE locations are
 * kept per capability. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "static/static.h"
#include "util/base64.h"
#include "util/xalloc.h"

#define MAX_VALUE 4096
#define MAX_SPAN 4096
#define MAX_TAINT 64
#define MAX_EVIDENCE 3
#define MAX_EXES 32
#define MAX_PENDING 16
#define MAX_CHAIN 160
#define MAX_CONSTS 64
#define MAX_PAYLOAD (1u << 20) /* a decoded payload read as code, at most */
#define PAYLOAD_BUDGET (8u << 20)
#define MAX_DEPTH 2

static const char *const cap_kinds[] = {
	"discord",     "wallet_hook", "net_patch",    "skimmer", "decrypt_eval",
	"bundled_exe", "cred_paths",  "string_array", "packed",	 "obfuscated",
};
#define NKINDS (sizeof(cap_kinds) / sizeof(cap_kinds[0]))

enum cap_kind {
	CAP_DISCORD,
	CAP_WALLET,
	CAP_NET,
	CAP_SKIM,
	CAP_DECRYPT_EVAL,
	CAP_EXE,
	CAP_CRED,
	CAP_STRING_ARRAY,
	CAP_PACKED,
	CAP_OBFUSCATED,
};

/* Watched names in strings, regular expressions and template parts. */
static const struct {
	enum cap_kind kind;
	const char *needle; /* matched without regard to case */
} watched[] = {
	{CAP_DISCORD, "discordcanary"},
	{CAP_DISCORD, "discordptb"},
	{CAP_DISCORD, "discord_desktop_core"},
	{CAP_DISCORD, "local storage/leveldb"},
	{CAP_DISCORD, "local storage\\leveldb"},
	{CAP_DISCORD, "discord/local storage"},
	{CAP_DISCORD, "discord\\local storage"},
	{CAP_DISCORD, "mfa\\."},
	{CAP_DISCORD, "{24}\\.[\\w-]{6}\\.[\\w-]{27}"},
	{CAP_DISCORD, "dqw4w9wgxcq:"},
	{CAP_DISCORD, "discord.com/api/webhooks"},
	{CAP_CRED, ".npmrc"},
	{CAP_CRED, ".ssh/id_"},
	{CAP_CRED, "id_rsa"},
	{CAP_CRED, "id_ed25519"},
	{CAP_CRED, ".aws/credentials"},
	{CAP_CRED, ".git-credentials"},
	{CAP_CRED, ".docker/config.json"},
	{CAP_CRED, ".kube/config"},
	{CAP_CRED, ".bash_history"},
	{CAP_CRED, "login data"},
	{CAP_CRED, "login.keychain"},
	{CAP_CRED, "keychains/"},
	{CAP_CRED, "wallet.dat"},
	{CAP_CRED, "exodus/exodus.wallet"},
	{CAP_CRED, "exodus.wallet"},
	{CAP_CRED, "atomic/local storage"},
	{CAP_CRED, "electrum/wallets"},
	{CAP_CRED, "ethereum/keystore"},
	{CAP_CRED, "solana/id.json"},
	{CAP_CRED, "nkbihfbeogaeaoehlefnkodbefgpgknn"}, /* MetaMask */
	{CAP_CRED, "bfnaelmomeimhlpmgjnjophhpkkoljpa"}, /* Phantom */
	{CAP_CRED, "hnfanknocfeofbddgcijnmhnfnkdnaad"}, /* Coinbase Wallet */
	{CAP_CRED, "fhbohimaelbohpjbbldcngcnapndodjp"}, /* Binance Wallet */
	{CAP_CRED, "ibnejdfjmmkpcnlpebklmnkoeoihofec"}, /* TronLink */
};

/* Calls that run a string as code. */
static const char *const sinks[] = {
	"eval",
	"Function",
	"vm.runInThisContext",
	"vm.runInNewContext",
	"vm.runInContext",
	"runInThisContext",
	"runInNewContext",
	"vm.Script",
	"vm.compileFunction",
	"require",
};

/* Names whose presence in an expression means its value was decoded or
 * decrypted. */
static const char *const sources[] = {
	"atob",		  "createDecipher", "createDecipheriv",
	"fromCharCode",	  "inflateSync",    "gunzipSync",
	"inflateRawSync", "unzipSync",	    "brotliDecompressSync",
	"privateDecrypt",
};

/* Names that, when a string decodes to them, are hidden on purpose. */
static const char *const hidden_names[] = {
	"eval",		  "Function",	    "child_process",	"ethereum",	 "solana",
	"fetch",	  "XMLHttpRequest", "fromCharCode",	"exec",		 "execSync",
	"spawn",	  "_compile",	    "runInThisContext", "require",	 "createDecipheriv",
	"createDecipher", "atob",	    "readFileSync",	"writeFileSync", "homedir",
};

/* Modules whose name, put together from pieces, is hidden on purpose
 * (require("u" + "rl") is a bundler's habit). */
static const char *const modules[] = {
	"child_process", "fs",	  "net",    "http",   "https",	       "dns", "os", "vm",
	"tls",		 "dgram", "crypto", "module", "worker_threads"};

static const char *const globals[] = {"window", "globalThis", "self", "global", "top", "parent"};

/* Form events a skimmer listens to, and the fields it reads. */
static const char *const form_events[] = {"input", "change",   "submit", "keydown",
					  "keyup", "keypress", "paste",	 "blur"};
static const char *const field_hints[] = {"password", "card",  "cvv",	"cvc",
					  "cc-num",   "ccnum", "expir", "securitycode"};

static const char *const spawners[] = {"spawn",	   "spawnSync",	   "exec", "execSync",
				       "execFile", "execFileSync", "fork", "ShellExecute",
				       "execa",	   "shell"};

struct tk {
	enum js_kind kind;
	unsigned line;
	const char *p; /* the source span (of a folded expression: all of it) */
	size_t len;
	char *val; /* a string's value, or a name taken from x["name"]; owned */
	size_t vlen;
	bool str;     /* a constant string */
	bool dec;     /* its value was assembled or decoded */
	bool decoded; /* decoded (escapes, base64, hex, char codes, reversal), not
			 only put together from literals */
	bool read;    /* a decoded payload already read as code of its own */
	bool tail;    /* JS_TEMPLATE: as in struct js_token */
	bool continued;
};

struct pending {
	unsigned line;
	char what[96];
};

struct static_caps {
	unsigned count[NKINDS];
	json_t *evidence; /* [{kind, file, line, what}] */
	json_t *seen;	  /* "kind\tfile\tline\twhat" already counted */
	unsigned nev[NKINDS];
	char *exes[MAX_EXES]; /* shipped executables, relative paths */
	size_t nexes;
	unsigned depth;	       /* inside a decoded payload (0: a file) */
	size_t decoded_budget; /* bytes of payloads still to be read */
};

struct file_scan {
	struct static_caps *c;
	const char *name;
	struct tk *t;
	size_t n;
	char taint[MAX_TAINT][48];
	size_t ntaint;
	struct {
		const char *name, *raw; /* into the source */
		size_t nlen, rawlen;
	} consts[MAX_CONSTS]; /* const NAME = "literal": for payloads held in a name */
	size_t nconsts;
	struct {
		char name[48], canon[MAX_CHAIN];
	} alias[MAX_TAINT]; /* const eth = window.ethereum: eth -> "window.ethereum" */
	size_t nalias;
	bool value_read, field_hint, spawns, push, shift;
	struct pending listeners[MAX_PENDING], exe_refs[MAX_PENDING];
	size_t nlisteners, nexe_refs;
};

/* ---- small helpers --------------------------------------------------------- */

static const char *tx(const struct tk *t, size_t *n)
{
	if (t->val) {
		*n = t->vlen;
		return t->val;
	}
	*n = t->len;
	return t->p;
}

static bool is(const struct tk *t, const char *s)
{
	size_t n;
	const char *p = tx(t, &n);
	/* the first byte first: this runs for most tokens, several times */
	return n && p[0] == s[0] && t->kind != JS_STRING && !t->str && n == strlen(s) &&
	       !memcmp(p, s, n);
}

static bool at(const struct file_scan *f, size_t i, const char *s)
{
	return i < f->n && is(&f->t[i], s);
}

static bool str_at(const struct file_scan *f, size_t i)
{
	return i < f->n && f->t[i].str;
}

static bool in_list(const char *s, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (n && list[i][0] == s[0] && strlen(list[i]) == n && !memcmp(list[i], s, n))
			return true;
	return false;
}

static bool mem_icase(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m && i + m <= n; i++)
		if (!strncasecmp(hay + i, needle, m))
			return true;
	return false;
}

/* |s| (|n| bytes) for a snippet, quoted: its first 80 bytes; within |cap|,
 * ASCII, other bytes as '?'. */
static void snippet(char *out, size_t cap, const char *s, size_t n, bool quote)
{
	size_t o = 0;
	if (quote && o + 1 < cap)
		out[o++] = '\'';
	for (size_t i = 0; i < n && (!quote || i < 80) && o + 2 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[o] = s[i];
		if (ch < 0x20 || ch >= 0x7f)
			out[o] = '?';
		o++;
	}
	if (quote && o + 1 < cap)
		out[o++] = '\'';
	out[o] = '\0';
}

// NOLINTNEXTLINE(misc-no-recursion): once, for the obfuscated kind
static void add(struct static_caps *c, enum cap_kind k, const char *file, unsigned line,
		const char *what)
{
	char key[512], f[256], w[128];

	/* JSON strings must be UTF-8: the evidence is ASCII, other bytes '?' */
	snippet(f, sizeof(f), file, strlen(file), false);
	snippet(w, sizeof(w), what, strlen(what), false);
	file = f;
	what = w;
	snprintf(key, sizeof(key), "%d\t%s\t%u\t%s", (int)k, file, line, what);
	if (json_object_get(c->seen, key) || json_object_size(c->seen) >= 100000)
		return;
	json_object_set_new_nocheck(c->seen, key, json_true());
	c->count[k]++;
	if (c->nev[k]++ < MAX_EVIDENCE)
		json_array_append_new(c->evidence, json_pack("{s:s, s:s, s:i, s:s}", "kind",
							     cap_kinds[k], "file", file, "line",
							     (json_int_t)line, "what", what));
	/* found only inside a decoded payload: hidden on purpose */
	if (c->depth > 0 && k != CAP_OBFUSCATED)
		add(c, CAP_OBFUSCATED, file, line, what);
}

/* ---- folding constant strings ---------------------------------------------- */

/* A folded token spanning |a|..|b| with value |v| (owned). */
static struct tk folded(const struct tk *a, const struct tk *b, char *v, size_t n)
{
	struct tk t = {.kind = JS_STRING,
		       .line = a->line,
		       .p = a->p,
		       .str = true,
		       .dec = true,
		       .decoded = true};
	t.len = (size_t)(b->p + b->len - a->p);
	t.val = v;
	t.vlen = n;
	return t;
}

static char *join(const char *a, size_t an, const char *b, size_t bn, size_t *n)
{
	size_t total = an + bn < MAX_VALUE ? an + bn : MAX_VALUE;
	char *v = xmalloc(total + 1);
	memcpy(v, a, an < total ? an : total);
	if (an < total)
		memcpy(v + an, b, total - an);
	v[total] = '\0';
	*n = total;
	return v;
}

/* "a" + "b" + ...: how many tokens, the value into |out|. */
static size_t fold_concat(const struct file_scan *f, size_t i, struct tk *out)
{
	size_t j = i, n;
	char *v;

	if (!str_at(f, i) || !at(f, i + 1, "+") || !str_at(f, i + 2))
		return 0;
	bool decoded = f->t[i].decoded;
	v = join(f->t[i].val, f->t[i].vlen, "", 0, &n);
	while (at(f, j + 1, "+") && str_at(f, j + 2) && j + 2 - i < MAX_SPAN) {
		char *w = join(v, n, f->t[j + 2].val, f->t[j + 2].vlen, &n);
		free(v);
		v = w;
		decoded |= f->t[j + 2].decoded;
		j += 2;
	}
	*out = folded(&f->t[i], &f->t[j], v, n);
	out->decoded = decoded; /* "a" + "b" is put together, not decoded */
	return j - i + 1;
}

/* String.fromCharCode(n, n, ...) */
static size_t fold_charcode(const struct file_scan *f, size_t i, struct tk *out)
{
	size_t j = i + 4, n = 0;
	char *v;

	if (!at(f, i, "String") || !at(f, i + 1, ".") || !at(f, i + 2, "fromCharCode") ||
	    !at(f, i + 3, "("))
		return 0;
	v = xmalloc(MAX_VALUE + 1);
	while (j < f->n && f->t[j].kind == JS_NUMBER && n < MAX_VALUE - 4) {
		char num[32];
		snprintf(num, sizeof(num), "%.*s", (int)(f->t[j].len < 31 ? f->t[j].len : 31),
			 f->t[j].p);
		long cp = strtol(num, NULL, 0);
		if (cp <= 0 || cp > 0xffff)
			break;
		if (cp < 0x80) {
			v[n++] = (char)cp;
		} else if (cp < 0x800) {
			v[n++] = (char)(0xc0 | (cp >> 6));
			v[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			v[n++] = (char)(0xe0 | (cp >> 12));
			v[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			v[n++] = (char)(0x80 | (cp & 0x3f));
		}
		j++;
		if (at(f, j, ")"))
			break;
		if (!at(f, j, ","))
			break;
		j++;
	}
	if (!at(f, j, ")") || n == 0) {
		free(v);
		return 0;
	}
	v[n] = '\0';
	*out = folded(&f->t[i], &f->t[j], v, n);
	return j - i + 1;
}

static char *hex(const char *s, size_t n, size_t *outn)
{
	char *v;
	size_t o = 0;

	if (n % 2 || n == 0)
		return NULL;
	v = xmalloc(n / 2 + 1);
	for (size_t i = 0; i + 1 < n && o < MAX_PAYLOAD; i += 2) {
		char b[3] = {s[i], s[i + 1], '\0'};
		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1])) {
			free(v);
			return NULL;
		}
		v[o++] = (char)strtol(b, NULL, 16);
	}
	v[o] = '\0';
	*outn = o;
	return v;
}

/* The literal at |i| (a string, or a name given one by const NAME =
 * "..."): its text as written when it has no escapes (so a payload is not
 * cut at MAX_VALUE), else its value. */
static bool literal(const struct file_scan *f, size_t i, const char **p, size_t *n)
{
	const struct tk *t = i < f->n ? &f->t[i] : NULL;

	if (t && t->str && !t->dec && t->len >= 2 && t->p[0] == t->p[t->len - 1]) {
		*p = t->p + 1;
		*n = t->len - 2;
		return true;
	}
	if (t && t->str) {
		*p = t->val;
		*n = t->vlen;
		return true;
	}
	if (!t || t->kind != JS_IDENT || t->val)
		return false;
	for (size_t k = 0; k < f->nconsts; k++)
		if (f->consts[k].nlen == t->len && !memcmp(f->consts[k].name, t->p, t->len)) {
			*p = f->consts[k].raw;
			*n = f->consts[k].rawlen;
			return true;
		}
	return false;
}

static bool printable(const char *s, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bad += c < 0x20 && c != '\n' && c != '\r' && c != '\t';
	}
	return n >= 16 && bad * 50 <= n;
}

/* A decoded payload that reads as text is read as code too, as a file of
 * its own ("index.js (decoded, line 3)"): what it holds counts, and counts
 * as obfuscated. */
// NOLINTNEXTLINE(misc-no-recursion): MAX_DEPTH deep
static bool payload(const struct file_scan *f, unsigned line, const char *v, size_t n)
{
	struct static_caps *c = f->c;

	if (c->depth >= MAX_DEPTH || n > c->decoded_budget || !printable(v, n))
		return false;
	c->decoded_budget -= n;
	char *name = xasprintf("%s (decoded, line %u)", f->name, line);
	c->depth++;
	static_caps_file(c, name, v, n);
	c->depth--;
	free(name);
	return true;
}

static char *decode(bool base64, const char *s, size_t n, size_t *outn)
{
	if (base64) {
		size_t cap = n / 4 * 3 + 4 < MAX_PAYLOAD ? n / 4 * 3 + 4 : MAX_PAYLOAD;
		char *v = xmalloc(cap + 1);
		ssize_t r = base64_decode(s, n, (unsigned char *)v, cap);
		if (r <= 0) {
			free(v);
			return NULL;
		}
		v[r] = '\0';
		*outn = (size_t)r;
		return v;
	}
	return hex(s, n < (size_t)2 * MAX_PAYLOAD ? n : (size_t)2 * MAX_PAYLOAD, outn);
}

/* atob("...") and Buffer.from("...", "base64" | "hex")[.toString(...)],
 * of a literal or a name holding one */
// NOLINTNEXTLINE(misc-no-recursion): payloads, MAX_DEPTH deep
static size_t fold_decode(const struct file_scan *f, size_t i, struct tk *out)
{
	size_t j, n = 0, ln;
	const char *lit;
	char *v = NULL;

	if (at(f, i, "atob") && at(f, i + 1, "(") && literal(f, i + 2, &lit, &ln) &&
	    at(f, i + 3, ")")) {
		j = i + 3;
		v = decode(true, lit, ln, &n);
	} else if (at(f, i, "Buffer") && at(f, i + 1, ".") && at(f, i + 2, "from") &&
		   at(f, i + 3, "(") && literal(f, i + 4, &lit, &ln) && at(f, i + 5, ",") &&
		   str_at(f, i + 6) && at(f, i + 7, ")")) {
		const struct tk *enc = &f->t[i + 6];
		j = i + 7;
		if (!strcmp(enc->val, "base64") || !strcmp(enc->val, "base64url"))
			v = decode(true, lit, ln, &n);
		else if (!strcmp(enc->val, "hex"))
			v = decode(false, lit, ln, &n);
		if (at(f, j + 1, ".") && at(f, j + 2, "toString") && at(f, j + 3, "(")) {
			size_t k = j + 4;
			if (str_at(f, k))
				k++;
			if (at(f, k, ")"))
				j = k;
		}
	} else {
		return 0;
	}
	if (!v)
		return 0;
	bool read = payload(f, f->t[i].line, v, n);
	if (n > MAX_VALUE) {
		n = MAX_VALUE;
		v[n] = '\0';
	}
	*out = folded(&f->t[i], &f->t[j], v, n);
	out->read = read;
	return j - i + 1;
}

/* const NAME = "literal" (also let, var): names that hold a literal. */
static void find_consts(struct file_scan *f)
{
	f->nconsts = 0;
	for (size_t i = 0; i + 3 < f->n && f->nconsts < MAX_CONSTS; i++) {
		const struct tk *name = &f->t[i + 1], *lit = &f->t[i + 3];
		if ((is(&f->t[i], "const") || is(&f->t[i], "let") || is(&f->t[i], "var")) &&
		    name->kind == JS_IDENT && !name->val && is(&f->t[i + 2], "=") && lit->str &&
		    !lit->dec && lit->len >= 2 && (i + 4 >= f->n || !is(&f->t[i + 4], "+"))) {
			f->consts[f->nconsts].name = name->p;
			f->consts[f->nconsts].nlen = name->len;
			f->consts[f->nconsts].raw = lit->p + 1;
			f->consts[f->nconsts].rawlen = lit->len - 2;
			f->nconsts++;
		}
	}
}

/* "...".split("").reverse().join("") */
static size_t fold_reverse(const struct file_scan *f, size_t i, struct tk *out)
{
	static const char *const shape[] = {".", "split", "(", NULL,   ")", ".",  "reverse",
					    "(", ")",	  ".", "join", "(", NULL, ")"};
	size_t n;

	if (!str_at(f, i))
		return 0;
	for (size_t k = 0; k < sizeof(shape) / sizeof(shape[0]); k++) {
		size_t j = i + 1 + k;
		if (shape[k] ? !at(f, j, shape[k]) : !(str_at(f, j) && f->t[j].vlen == 0))
			return 0;
	}
	const struct tk *s = &f->t[i];
	char *v = xmalloc(s->vlen + 1);
	for (n = 0; n < s->vlen; n++)
		v[n] = s->val[s->vlen - 1 - n];
	v[n] = '\0';
	*out = folded(s, &f->t[i + 14], v, n);
	return 15;
}

/* ["a", "b", ...].join("sep") in an array literal */
static size_t fold_array_join(const struct file_scan *f, size_t i, const struct tk *prev,
			      struct tk *out)
{
	size_t j = i + 1, n = 0;
	char *v;

	if (!at(f, i, "[") ||
	    (prev && (prev->kind == JS_IDENT || prev->str || is(prev, ")") || is(prev, "]"))))
		return 0;
	while (str_at(f, j) && at(f, j + 1, ",") && j - i < MAX_SPAN)
		j += 2;
	if (!str_at(f, j) || !at(f, j + 1, "]") || !at(f, j + 2, ".") || !at(f, j + 3, "join") ||
	    !at(f, j + 4, "(") || !str_at(f, j + 5) || !at(f, j + 6, ")"))
		return 0;
	const struct tk *sep = &f->t[j + 5];
	bool decoded = false;
	v = join("", 0, "", 0, &n);
	for (size_t k = i + 1; k <= j; k += 2) {
		decoded |= f->t[k].decoded;
		char *w = join(v, n, k > i + 1 ? sep->val : "", k > i + 1 ? sep->vlen : 0, &n);
		free(v);
		v = join(w, n, f->t[k].val, f->t[k].vlen, &n);
		free(w);
	}
	*out = folded(&f->t[i], &f->t[j + 6], v, n);
	out->decoded = decoded;
	return j + 7 - i;
}

static bool ident_name(const char *s, size_t n)
{
	if (n == 0 || n > 64 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '$')
			return false;
	return true;
}

/* One folding pass over |f|; whether anything changed. */
// NOLINTNEXTLINE(misc-no-recursion): payloads, MAX_DEPTH deep
static bool fold_pass(struct file_scan *f)
{
	struct tk *o = xcalloc(f->n + 1, sizeof(*o));
	size_t w = 0, i = 0;
	bool changed = false;

	find_consts(f);

	while (i < f->n) {
		struct tk t;
		size_t used = fold_concat(f, i, &t);
		if (!used)
			used = fold_charcode(f, i, &t);
		if (!used)
			used = fold_decode(f, i, &t);
		if (!used)
			used = fold_reverse(f, i, &t);
		if (!used)
			used = fold_array_join(f, i, w ? &o[w - 1] : NULL, &t);
		if (used) {
			for (size_t k = i; k < i + used; k++)
				free(f->t[k].val);
			o[w++] = t;
			i += used;
			changed = true;
			continue;
		}
		/* x["name"] -> x.name */
		if (w && at(f, i, "[") && str_at(f, i + 1) && at(f, i + 2, "]") &&
		    (o[w - 1].kind == JS_IDENT || is(&o[w - 1], ")") || is(&o[w - 1], "]")) &&
		    ident_name(f->t[i + 1].val, f->t[i + 1].vlen)) {
			struct tk dot = {
				.kind = JS_PUNCT, .line = f->t[i].line, .p = ".", .len = 1};
			struct tk name = f->t[i + 1];
			name.kind = JS_IDENT;
			name.str = false;
			name.dec = true; /* reached through a string */
			o[w++] = dot;
			o[w++] = name;
			i += 3;
			changed = true;
			continue;
		}
		o[w++] = f->t[i++];
	}
	free(f->t);
	f->t = o;
	f->n = w;
	return changed;
}

/* ---- member chains ------------------------------------------------------------ */

struct chain {
	char text[MAX_CHAIN]; /* "window.ethereum.request" */
	const char *bare;     /* past a global object: "ethereum.request" */
	size_t end;	      /* the token after it */
	bool dec;	      /* a part came from a decoded string */
};

/* |text| past its global objects: window.x, globalThis.self.x (two at most). */
static const char *strip_globals(const char *text)
{
	const char *bare = text;
	for (int round = 0; round < 2; round++)
		for (size_t g = 0; g < sizeof(globals) / sizeof(globals[0]); g++) {
			size_t gl = strlen(globals[g]);
			if (bare[0] == globals[g][0] && !strncmp(bare, globals[g], gl) &&
			    bare[gl] == '.') {
				bare += gl + 1;
				break;
			}
		}
	return bare;
}

/* The chain starting at identifier |i|; false when |i| continues a chain. */
static bool chain_at(const struct file_scan *f, size_t i, struct chain *c)
{
	size_t o = 0, n;
	const char *p;

	if (i >= f->n || f->t[i].kind != JS_IDENT || f->t[i].str ||
	    (i > 0 && (is(&f->t[i - 1], ".") || is(&f->t[i - 1], "?."))))
		return false;
	c->dec = f->t[i].dec;
	p = tx(&f->t[i], &n);
	n = n < 64 ? n : 64;
	memcpy(c->text, p, n);
	o = n;
	c->end = i + 1;
	/* each part at most 64 bytes; the whole within MAX_CHAIN */
	while ((at(f, c->end, ".") || at(f, c->end, "?.")) && c->end + 1 < f->n &&
	       f->t[c->end + 1].kind == JS_IDENT && o + 66 < sizeof(c->text)) {
		p = tx(&f->t[c->end + 1], &n);
		n = n < 64 ? n : 64;
		c->text[o++] = '.';
		memcpy(c->text + o, p, n);
		o += n;
		c->dec |= f->t[c->end + 1].dec;
		c->end += 2;
	}
	c->text[o] = '\0';
	c->bare = strip_globals(c->text);
	return true;
}

static bool starts_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	return !strncmp(s, w, n) && (s[n] == '\0' || s[n] == '.');
}

static bool wallet_api(const char *bare)
{
	return starts_word(bare, "ethereum") || starts_word(bare, "solana") ||
	       starts_word(bare, "phantom") || starts_word(bare, "web3.currentProvider") ||
	       starts_word(bare, "tronWeb") || starts_word(bare, "BinanceChain");
}

static bool net_api(const struct chain *c)
{
	const char *b = c->bare;
	return (b != c->text &&
		(!strcmp(b, "fetch") || !strcmp(b, "XMLHttpRequest") || !strcmp(b, "WebSocket"))) ||
	       !strcmp(b, "XMLHttpRequest.prototype.open") ||
	       !strcmp(b, "XMLHttpRequest.prototype.send") ||
	       !strcmp(b, "XMLHttpRequest.prototype.setRequestHeader") ||
	       !strcmp(b, "WebSocket.prototype.send");
}

static bool assigning(const struct file_scan *f, size_t i)
{
	return at(f, i, "=") || at(f, i, "||=") || at(f, i, "?\?=") || at(f, i, "&&=");
}

/* A hooked API: a wallet provider or a network API replaced or wrapped. */
static void hooked(struct file_scan *f, const struct chain *c, unsigned line)
{
	enum cap_kind k;
	struct chain r;
	size_t first = strcspn(c->text, ".");

	for (size_t a = 0; a < f->nalias; a++) {
		if (strlen(f->alias[a].name) != first ||
		    strncmp(f->alias[a].name, c->text, first) != 0)
			continue;
		/* eth.request, eth being window.ethereum: "window.ethereum.request" */
		r = *c;
		snprintf(r.text, sizeof(r.text), "%s%s", f->alias[a].canon, c->text + first);
		r.bare = strip_globals(r.text);
		c = &r;
		break;
	}

	if (wallet_api(c->bare))
		k = CAP_WALLET;
	else if (net_api(c))
		k = CAP_NET;
	else
		return;
	add(f->c, k, f->name, line, c->text);
	if (c->dec)
		add(f->c, CAP_OBFUSCATED, f->name, line, c->text);
}

/* The end of the parenthesised span opening at |open| ("("), or f->n. */
static size_t close_of(const struct file_scan *f, size_t open, const char *o, const char *cl)
{
	int depth = 0;
	for (size_t j = open; j < f->n && j - open < MAX_SPAN; j++) {
		if (is(&f->t[j], o))
			depth++;
		else if (is(&f->t[j], cl) && --depth == 0)
			return j;
	}
	return f->n;
}

/* Object.defineProperty(window, "ethereum", ...) and new Proxy(window.ethereum, ...) */
static void wrapping(struct file_scan *f, size_t i, const struct chain *c)
{
	struct chain target;
	unsigned line = f->t[i].line;

	if ((!strcmp(c->text, "Object.defineProperty") ||
	     !strcmp(c->text, "Reflect.defineProperty")) &&
	    at(f, c->end, "(") && chain_at(f, c->end + 1, &target) && at(f, target.end, ",") &&
	    str_at(f, target.end + 1) &&
	    ident_name(f->t[target.end + 1].val, f->t[target.end + 1].vlen)) {
		struct chain prop = target;
		size_t n = strlen(prop.text);
		snprintf(prop.text + n, sizeof(prop.text) - n, ".%s", f->t[target.end + 1].val);
		prop.dec |= f->t[target.end + 1].dec;
		prop.bare = strip_globals(prop.text);
		hooked(f, &prop, line);
	} else if (!strcmp(c->text, "Proxy") && i > 0 && is(&f->t[i - 1], "new") &&
		   at(f, c->end, "(") && chain_at(f, c->end + 1, &target)) {
		hooked(f, &target, line);
	}
}

/* ---- decoded code run as code ------------------------------------------------- */

static bool tainted(const struct file_scan *f, const struct tk *t)
{
	size_t n;
	const char *p = tx(t, &n);
	for (size_t k = 0; k < f->ntaint; k++)
		if (strlen(f->taint[k]) == n && !memcmp(f->taint[k], p, n))
			return true;
	return false;
}

/* Whether tokens [a, b) hold a decoding or decrypting call, a decoded
 * constant or (with |names|) a name that holds one. */
static bool decoded_span_by(const struct file_scan *f, size_t a, size_t b, bool names)
{
	bool buffer_from = false, encoding = false;

	for (size_t j = a; j < b && j < f->n; j++) {
		const struct tk *t = &f->t[j];
		size_t n;
		const char *p = tx(t, &n);
		if (t->str && t->decoded)
			return true;
		/* Buffer.from(x, "base64"): not x.toString("hex"), which encodes */
		buffer_from |= is(t, "Buffer") && at(f, j + 1, ".") && at(f, j + 2, "from");
		encoding |= t->str && (!strcmp(t->val, "base64") || !strcmp(t->val, "hex") ||
				       !strcmp(t->val, "base64url"));
		if (buffer_from && encoding)
			return true;
		if (t->kind == JS_IDENT &&
		    (in_list(p, n, sources, sizeof(sources) / sizeof(sources[0])) ||
		     (names && tainted(f, t))))
			return true;
	}
	return false;
}

static bool decoded_span(const struct file_scan *f, size_t a, size_t b)
{
	return decoded_span_by(f, a, b, true);
}

static void taint(struct file_scan *f, const struct tk *t)
{
	size_t n;
	const char *p = tx(t, &n);
	if (f->ntaint >= MAX_TAINT || n >= sizeof(f->taint[0]) || tainted(f, t))
		return;
	snprintf(f->taint[f->ntaint++], sizeof(f->taint[0]), "%.*s", (int)n, p);
}

/* The end of the expression starting at |a|: a ";" or "," at its depth, or
 * a closing bracket. */
static size_t expr_end(const struct file_scan *f, size_t a)
{
	int depth = 0;
	for (size_t j = a; j < f->n && j - a < MAX_SPAN; j++) {
		const struct tk *t = &f->t[j];
		if (t->kind != JS_PUNCT || t->len != 1)
			continue;
		switch (t->p[0]) {
		case '(':
		case '[':
		case '{':
			depth++;
			break;
		case ')':
		case ']':
		case '}':
			if (--depth < 0)
				return j;
			break;
		case ';':
		case ',':
			if (depth == 0)
				return j;
			break;
		default:
			break;
		}
	}
	return f->n;
}

/* |t| = ... window.ethereum ...: |t| names the wallet provider or a
 * network API from here on. */
static void alias_of(struct file_scan *f, const struct tk *t, size_t a, size_t b)
{
	struct chain c;
	size_t n;
	const char *p = tx(t, &n);

	if (f->nalias >= MAX_TAINT || n >= sizeof(f->alias[0].name))
		return;
	for (size_t j = a; j < b && j < f->n; j++) {
		if (!chain_at(f, j, &c))
			continue;
		/* window.ethereum (not ethereum.request(...)), XMLHttpRequest.prototype */
		bool api =
			(strchr(c.bare, '.') == NULL && wallet_api(c.bare) && c.bare != c.text) ||
			!strcmp(c.bare, "XMLHttpRequest.prototype") ||
			!strcmp(c.bare, "WebSocket.prototype");
		if (!api) {
			j = c.end - 1;
			continue;
		}
		snprintf(f->alias[f->nalias].name, sizeof(f->alias[0].name), "%.*s", (int)n, p);
		snprintf(f->alias[f->nalias].canon, sizeof(f->alias[0].canon), "%s", c.text);
		f->nalias++;
		return;
	}
}

/* .on("data", function (chunk) ...), .on("data", (chunk) => ...),
 * .on("data", chunk => ...): |chunk| is downloaded, so code made of it is
 * as hidden from the package's files as decoded code. */
static void data_callback(struct file_scan *f, size_t i)
{
	size_t k = i + 4;

	if (!is(&f->t[i], "on") || !at(f, i + 1, "(") || !str_at(f, i + 2) ||
	    strcmp(f->t[i + 2].val, "data") != 0 || !at(f, i + 3, ","))
		return;
	if (at(f, k, "function") || at(f, k, "async"))
		k++;
	if (at(f, k, "function"))
		k++;
	if (at(f, k, "("))
		k++;
	if (k < f->n && f->t[k].kind == JS_IDENT && !f->t[k].str && !at(f, k, "function"))
		taint(f, &f->t[k]);
}

/* Names assigned a decoded value (x = atob(...)), and functions whose body
 * decodes (function dec(s) { return atob(s) }). */
static void collect_taint(struct file_scan *f)
{
	for (size_t i = 0; i + 2 < f->n; i++) {
		const struct tk *t = &f->t[i];
		data_callback(f, i);
		if (t->kind == JS_IDENT && !t->str && is(&f->t[i + 1], "+=") &&
		    decoded_span(f, i + 2, expr_end(f, i + 2)))
			taint(f, t); /* body += chunk */
		if (t->kind == JS_IDENT && !t->str && is(&f->t[i + 1], "=") &&
		    !(i > 0 && is(&f->t[i - 1], "."))) {
			size_t end = expr_end(f, i + 2);
			if (decoded_span(f, i + 2, end))
				taint(f, t);
			alias_of(f, t, i + 2, end);
		} else if (is(t, "function") && f->t[i + 1].kind == JS_IDENT &&
			   is(&f->t[i + 2], "(")) {
			size_t close = close_of(f, i + 2, "(", ")");
			if (at(f, close + 1, "{")) {
				/* decodes itself: a call or a literal, not a name
				 * that is tainted somewhere else in the file */
				size_t end = close_of(f, close + 1, "{", "}");
				if (end < f->n && decoded_span_by(f, close + 1, end, false))
					taint(f, &f->t[i + 1]);
			}
		}
	}
}

static void sink(struct file_scan *f, size_t i, const struct chain *c)
{
	size_t len = strlen(c->bare);
	bool compile = len >= 9 && !strcmp(c->bare + len - 9, "._compile");

	if (!at(f, c->end, "(") ||
	    !(compile || in_list(c->bare, len, sinks, sizeof(sinks) / sizeof(sinks[0]))))
		return;
	size_t close = close_of(f, c->end, "(", ")");
	if (!strcmp(c->bare, "require") && str_at(f, c->end + 1) && close == c->end + 2) {
		/* require("name"): a module name hidden by encoding is obfuscation */
		struct tk *arg = &f->t[c->end + 1];
		char what[128];
		if (arg->decoded || (arg->dec && in_list(arg->val, arg->vlen, modules,
							 sizeof(modules) / sizeof(modules[0])))) {
			snprintf(what, sizeof(what), "require('%.80s')", arg->val);
			add(f->c, CAP_OBFUSCATED, f->name, f->t[i].line, what);
			arg->dec = false; /* counted here, not again as a string */
		}
		return;
	}
	if (decoded_span(f, c->end + 1, close))
		add(f->c, CAP_DECRYPT_EVAL, f->name, f->t[i].line, c->text);
	if (c->dec)
		add(f->c, CAP_OBFUSCATED, f->name, f->t[i].line, c->text);
}

/* ---- strings ---------------------------------------------------------------- */

static void strings(struct file_scan *f, const struct tk *t)
{
	char what[128];
	size_t n;
	const char *v;
	char *buf = NULL;

	if (t->str) {
		v = t->val;
		n = t->vlen;
	} else if (t->kind == JS_TEMPLATE) {
		struct js_token jt = {.kind = t->kind,
				      .p = t->p,
				      .len = t->len,
				      .tail = t->tail,
				      .continued = t->continued};
		size_t cap = (t->len < MAX_VALUE ? t->len : MAX_VALUE) + 1;
		buf = xmalloc(cap);
		n = js_string_value(&jt, buf, cap, NULL);
		v = buf;
	} else if (t->kind == JS_REGEX) {
		v = t->p; /* as written: the watched patterns are written so */
		n = t->len < MAX_VALUE ? t->len : MAX_VALUE;
	} else {
		return;
	}
	/* a path is short and has few spaces ("Login Data"); a message that
	 * mentions .npmrc is not one */
	size_t spaces = 0;
	for (size_t i = 0; i < n && spaces <= 3; i++)
		spaces += v[i] == ' ';
	bool prose = t->kind != JS_REGEX && (n > 256 || spaces > 3);
	for (size_t k = 0; k < sizeof(watched) / sizeof(watched[0]) && !t->read && !prose; k++) {
		if (!mem_icase(v, n, watched[k].needle))
			continue;
		snippet(what, sizeof(what), v, n, true);
		add(f->c, watched[k].kind, f->name, t->line, what);
		if (t->dec && !mem_icase(t->p, t->len, watched[k].needle))
			add(f->c, CAP_OBFUSCATED, f->name, t->line, what);
		break;
	}
	if (t->str && t->dec &&
	    in_list(v, n, hidden_names, sizeof(hidden_names) / sizeof(hidden_names[0]))) {
		snippet(what, sizeof(what), v, n, true);
		add(f->c, CAP_OBFUSCATED, f->name, t->line, what);
	}
	for (size_t k = 0; k < sizeof(field_hints) / sizeof(field_hints[0]); k++)
		f->field_hint |= n < 200 && mem_icase(v, n, field_hints[k]);
	for (size_t e = 0; e < f->c->nexes && f->nexe_refs < MAX_PENDING; e++) {
		const char *base = strrchr(f->c->exes[e], '/');
		base = base ? base + 1 : f->c->exes[e];
		if (strlen(base) >= 3 && n < 1024 && mem_icase(v, n, base)) {
			struct pending *p = &f->exe_refs[f->nexe_refs++];
			p->line = t->line;
			snprintf(p->what, sizeof(p->what), "%s", f->c->exes[e]);
			break;
		}
	}
	free(buf);
}

/* addEventListener("keydown", ...) and friends */
static void listener(struct file_scan *f, size_t i, const struct chain *c)
{
	size_t len = strlen(c->text);
	const struct tk *ev;

	if (!(len >= 16 && !strcmp(c->text + len - 16, "addEventListener")) ||
	    !at(f, c->end, "(") || !str_at(f, c->end + 1))
		return;
	ev = &f->t[c->end + 1];
	if (!in_list(ev->val, ev->vlen, form_events,
		     sizeof(form_events) / sizeof(form_events[0])) ||
	    f->nlisteners >= MAX_PENDING)
		return;
	struct pending *p = &f->listeners[f->nlisteners++];
	p->line = f->t[i].line;
	snprintf(p->what, sizeof(p->what), "addEventListener('%s')", ev->val);
}

/* ---- obfuscation -------------------------------------------------------------- */

static bool hex_ident(const char *p, size_t n)
{
	size_t k = 0;
	const char *x = n >= 3 ? memmem(p, n, "_0x", 3) : NULL;
	if (!x)
		return false;
	for (x += 3; x < p + n && isxdigit((unsigned char)*x); x++)
		k++;
	return k >= 4;
}

/* An _0x string array rotated with push/shift: the obfuscator.io shape. */
static void string_array(struct file_scan *f)
{
	size_t hexes = 0, best = 0, best_at = 0;

	for (size_t i = 0; i < f->n; i++) {
		size_t n;
		const char *p = tx(&f->t[i], &n);
		if (f->t[i].kind == JS_IDENT && !f->t[i].str && hex_ident(p, n))
			hexes++;
		if (is(&f->t[i], "[")) {
			size_t j = i + 1, k = 0;
			while (str_at(f, j) && (at(f, j + 1, ",") || at(f, j + 1, "]")) &&
			       j - i < MAX_SPAN) {
				k++;
				j += 2;
			}
			if (k > best) {
				best = k;
				best_at = i;
			}
		}
	}
	if (hexes >= 5 && best >= 5 && f->push && f->shift) {
		char what[96];
		snprintf(what, sizeof(what), "array of %zu strings, rotated with push/shift", best);
		add(f->c, CAP_STRING_ARRAY, f->name, f->t[best_at].line, what);
	}
}

/* Random-looking identifiers: letters and digits mixed, or _0x hex. */
static bool random_ident(const char *p, size_t n)
{
	size_t digits = 0, letters = 0;
	if (hex_ident(p, n))
		return true;
	if (n < 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		digits += isdigit((unsigned char)p[i]) != 0;
		letters += isalpha((unsigned char)p[i]) != 0;
	}
	return digits >= 2 && letters >= 2;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A huge line of code whose names look random: packed, obfuscated code. */
static void packed(struct file_scan *f, const char *text, size_t len)
{
	size_t line = 0, longest = 0, nn = 0, distinct = 0, random = 0;
	char **names;

	for (size_t i = 0; i < len; i++) {
		line = text[i] == '\n' ? 0 : line + 1;
		if (line > longest)
			longest = line;
	}
	if (longest < 5000)
		return;
	names = xcalloc(f->n + 1, sizeof(*names));
	for (size_t i = 0; i < f->n && nn < 200000; i++) {
		size_t n;
		const char *p = tx(&f->t[i], &n);
		if (f->t[i].kind == JS_IDENT && !f->t[i].str && n < 64)
			names[nn++] = xasprintf("%.*s", (int)n, p);
	}
	qsort(names, nn, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nn; i++) {
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
			distinct++;
			random += random_ident(names[i], strlen(names[i]));
		}
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	if (random >= 30 && random * 10 >= distinct * 3) {
		char what[96];
		snprintf(what, sizeof(what),
			 "line of %zu characters, %zu of %zu names random-looking", longest, random,
			 distinct);
		add(f->c, CAP_PACKED, f->name, 1, what);
	}
}

/* ---- the interface -------------------------------------------------------------- */

struct static_caps *static_caps_new(void)
{
	struct static_caps *c = xcalloc(1, sizeof(*c));
	c->evidence = json_array();
	c->seen = json_object();
	c->decoded_budget = PAYLOAD_BUDGET;
	return c;
}

void static_caps_exe(struct static_caps *c, const char *relpath)
{
	if (c->nexes < MAX_EXES)
		c->exes[c->nexes++] = xstrdup(relpath);
}

/* Mostly \x and \u escapes ('\x65\x76\x61\x6c'), not a colour code or a
 * non-breaking space in a message. */
static bool escape_heavy(const char *p, size_t n)
{
	size_t escapes = 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '\\' && (p[i + 1] == 'x' || p[i + 1] == 'u')) {
			escapes++;
			i++;
		}
	return escapes >= 3 && escapes * 4 * 2 >= n;
}

static void tokens(struct file_scan *f, const char *text, size_t len)
{
	struct js_lexer lx;
	struct js_token jt;
	size_t cap = 1024;

	f->t = xcalloc(cap, sizeof(*f->t));
	js_lexer_init(&lx, text, len);
	while (js_next(&lx, &jt)) {
		struct tk *t;
		if (f->n + 1 >= cap) {
			cap *= 2;
			f->t = xrealloc(f->t, cap * sizeof(*f->t));
		}
		t = &f->t[f->n++];
		*t = (struct tk){.kind = jt.kind,
				 .line = jt.line,
				 .p = jt.p,
				 .len = jt.len,
				 .tail = jt.tail,
				 .continued = jt.continued};
		if (jt.kind == JS_STRING || (jt.kind == JS_TEMPLATE && jt.tail && !jt.continued)) {
			/* a value is never longer than the literal */
			size_t vcap = (jt.len < MAX_VALUE ? jt.len : MAX_VALUE) + 1;
			char *v = xmalloc(vcap);
			bool esc;
			t->vlen = js_string_value(&jt, v, vcap, &esc);
			t->val = v;
			t->str = true;
			t->dec = esc;
			t->decoded = esc && escape_heavy(jt.p, jt.len);
			t->kind = JS_STRING;
		}
	}
}

/* The members a file reads and names, for the skimmer and string-array checks. */
static void members(struct file_scan *f, size_t i)
{
	if (!is(&f->t[i], ".") || i + 1 >= f->n)
		return;
	const struct tk *m = &f->t[i + 1];
	if (is(m, "value") && !assigning(f, i + 2))
		f->value_read = true;
	f->push |= is(m, "push");
	f->shift |= is(m, "shift");
}

// NOLINTNEXTLINE(misc-no-recursion): payloads, MAX_DEPTH deep
void static_caps_file(struct static_caps *c, const char *relpath, const char *text, size_t len)
{
	struct file_scan f = {.c = c, .name = relpath};
	struct chain ch;

	tokens(&f, text, len);
	for (int pass = 0; pass < 4 && fold_pass(&f); pass++)
		;
	collect_taint(&f);
	collect_taint(&f); /* once more: names assigned from tainted names */
	for (size_t i = 0; i < f.n; i++) {
		members(&f, i);
		strings(&f, &f.t[i]);
		if (f.t[i].kind == JS_IDENT &&
		    in_list(f.t[i].p, f.t[i].len, spawners, sizeof(spawners) / sizeof(spawners[0])))
			f.spawns = true;
		if (!chain_at(&f, i, &ch))
			continue;
		if (assigning(&f, ch.end) && strchr(ch.text, '.') &&
		    !(i > 0 && (is(&f.t[i - 1], "var") || is(&f.t[i - 1], "let") ||
				is(&f.t[i - 1], "const"))))
			hooked(&f, &ch, f.t[i].line);
		wrapping(&f, i, &ch);
		sink(&f, i, &ch);
		listener(&f, i, &ch);
	}
	if (f.value_read && f.field_hint)
		for (size_t k = 0; k < f.nlisteners; k++)
			add(c, CAP_SKIM, relpath, f.listeners[k].line, f.listeners[k].what);
	if (f.spawns)
		for (size_t k = 0; k < f.nexe_refs; k++)
			add(c, CAP_EXE, relpath, f.exe_refs[k].line, f.exe_refs[k].what);
	string_array(&f);
	packed(&f, text, len);
	for (size_t i = 0; i < f.n; i++)
		free(f.t[i].val);
	free(f.t);
}

void static_caps_script(struct static_caps *c, const char *event, const char *script)
{
	for (size_t e = 0; e < c->nexes; e++) {
		const char *base = strrchr(c->exes[e], '/');
		base = base ? base + 1 : c->exes[e];
		if (strlen(base) >= 3 && strstr(script, base)) {
			char where[64];
			snprintf(where, sizeof(where), "package.json scripts.%s", event);
			add(c, CAP_EXE, where, 0, c->exes[e]);
		}
	}
}

json_t *static_caps_finish(struct static_caps *c, json_t *section)
{
	json_t *counts = json_object();

	for (size_t k = 0; k < NKINDS; k++)
		json_object_set_new(counts, cap_kinds[k], json_integer(c->count[k]));
	json_object_set_new(section, "capabilities", c->evidence);
	json_object_set_new(section, "capability_counts", counts);
	json_decref(c->seen);
	for (size_t e = 0; e < c->nexes; e++)
		free(c->exes[e]);
	free(c);
	return section;
}
