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

#endif
