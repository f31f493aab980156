/* Static facts about a package's own files, the second feature family:
 * what its install scripts' command lines contain, signs of obfuscation,
 * the URLs and IP addresses written in its code, and the dependencies it
 * pulls from outside the registry.  Reads files only; runs nothing. */
#ifndef SNARE_STATIC_H
#define SNARE_STATIC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct pkgjson;

/* What a dependency spec that npm fetches from outside the registry says. */
struct remote_spec {
	const char *kind; /* "url" (a tarball URL) or "git" (git URL or hosted shorthand) */
	char host[256];	  /* lower case; an IPv6 address without brackets */
	char scheme[16];  /* "http", "https", "git", "ssh" */
	bool raw_ip;	  /* the host is an IP address */
	bool registry;	  /* the host is the npm (or yarn) registry */
};

/* Scans the package directory |dir| (host path).  Returns the "static"
 * report object; never NULL. */
json_t *static_scan(const char *dir);

/* The "static" section of |path|, a package directory or a package
 * tarball (unpacked into a new directory under $TMPDIR, removed after), as
 * a report holds it.  NULL with one line in |err| when |path| cannot be
 * read, is not a package tarball or has no valid package.json. */
json_t *static_scan_path(const char *path, char *err, size_t errlen);

/* 1 when |spec| names a URL, git URL, hosted-git ("github:u/r") or GitHub
 * shorthand ("u/r") dependency, with |out| filled; 0 for anything else
 * (registry ranges, tags, file:, npm: aliases). */
int static_remote_spec(const char *spec, struct remote_spec *out);

/* The tarball to download for a remote dependency |spec|: a tarball URL as
 * is, a GitHub repository (user/repo, github:, a git URL on github.com) as
 * its codeload tarball (so no git runs); NULL for anything else (other git
 * hosts, a semver: range).  |host| gets the URL's host.  Owned by the
 * caller. */
char *static_remote_tarball(const char *spec, char *host, size_t hostlen);

/* The remote dependencies of the package in |dir| (|pj|: its package.json,
 * or NULL): its dependencies and optionalDependencies, then the entries of
 * an npm-shrinkwrap.json or package-lock.json it ships, leaving out those
 * on the registry.  Each: name, spec, kind, host, scheme, raw_ip, source. */
json_t *static_remote_deps(const char *dir, const struct pkgjson *pj);

/* ---- capabilities (caps.c) ---------------------------------------------- */

/* What the package's code could do, read from its tokens: the report's
 * static.capabilities (the first three locations of each kind: {kind, file,
 * line, what}) and static.capability_counts ({kind: n}).  Kinds:
 * discord, wallet_hook, net_patch, skimmer, decrypt_eval, bundled_exe,
 * cred_paths, string_array, packed, obfuscated (docs/features.md). */
struct static_caps;

struct static_caps *static_caps_new(void);
/* A shipped executable (by extension or ELF/PE magic), |relpath| from the
 * package root; call before the code files that may name it.  Copies it. */
void static_caps_exe(struct static_caps *c, const char *relpath);
/* Reads one code file, |relpath| from the package root (the evidence's
 * "file"), |len| bytes at |text|. */
void static_caps_file(struct static_caps *c, const char *relpath, const char *text, size_t len);
/* An install-time script (|event|: "postinstall") that may name a shipped
 * executable. */
void static_caps_script(struct static_caps *c, const char *event, const char *script);
/* Sets "capabilities" and "capability_counts" in |section|, frees |c|;
 * returns |section|. */
json_t *static_caps_finish(struct static_caps *c, json_t *section);

/* ---- the JavaScript tokenizer (js.c) ------------------------------------ */

enum js_kind {
	JS_END,	     /* no more input */
	JS_IDENT,    /* an identifier or keyword (also "#private") */
	JS_NUMBER,   /* 12, 0x1f, 1e3, 10n */
	JS_STRING,   /* '...' or "...", quotes included */
	JS_TEMPLATE, /* one part of a template literal: "`a${", "}b${", "}c`" or "`d`" */
	JS_REGEX,    /* /a[/]b/gi */
	JS_PUNCT,    /* an operator or punctuator; also any byte it does not know */
};

#define JS_MAX_TEMPLATE_DEPTH 32

struct js_token {
	enum js_kind kind;
	const char *p; /* into the source */
	size_t len;
	unsigned line;	/* 1-based, where the token starts */
	bool tail;	/* JS_TEMPLATE: the part ends the template ("`") */
	bool continued; /* JS_TEMPLATE: the part follows a "${...}" (starts at "}") */
};

struct js_lexer {
	const char *src;
	size_t len, pos;
	unsigned line;
	enum js_kind prev; /* for regular expression versus division */
	char prev_text[16];
	unsigned tdepth;			/* open "${" */
	unsigned braces[JS_MAX_TEMPLATE_DEPTH]; /* "{" open inside each */
};

/* Starts reading |len| bytes at |src| (not copied; any bytes, NUL too). */
void js_lexer_init(struct js_lexer *lx, const char *src, size_t len);

/* The next token into |t|; false (and t->kind JS_END) at the end.  Never
 * fails: each token is at least one byte; comments and whitespace are
 * skipped; an unterminated string or regular expression ends with its
 * line, a template or comment with the input. */
bool js_next(struct js_lexer *lx, struct js_token *t);

/* The value of a JS_STRING or JS_TEMPLATE part (escapes decoded, UTF-8),
 * or of any other token its text, into |out| (|cap| bytes, NUL-terminated,
 * cut to fit).  Returns its length; |escaped| (may be NULL) says whether a
 * \x or \u escape was decoded. */
size_t js_string_value(const struct js_token *t, char *out, size_t cap, bool *escaped);

#endif
