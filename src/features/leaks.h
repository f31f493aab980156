/* What leaves the sandbox and where it goes: the run's identity (user,
 * host name, home, working directory), its environment's values and its
 * canaries, found in what the sink captured and in DNS names; and each
 * destination's relation to the package (docs/features.md, "What leaves
 * and where it goes"). */
#ifndef SNARE_FEATURES_LEAKS_H
#define SNARE_FEATURES_LEAKS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

enum dest_class {
	DEST_RELATED,	/* named by the package's metadata (or code), or under its domain */
	DEST_CDN,	/* a well-known package or binary host: the registry, GitHub, nodejs.org */
	DEST_SERVICE,	/* OAST, webhook, paste, tunnel and chat-bot services */
	DEST_RAW_IP,	/* an address no name stands for */
	DEST_UNRELATED, /* anything else */
	DEST__COUNT
};

/* "related", "cdn", "service", "raw-ip", "unrelated". */
const char *dest_class_name(enum dest_class c);

/* Whether |host| is (under) an OAST, webhook, paste, tunnel or bot host. */
bool dest_is_service(const char *host);

/* Whether code naming |host| is a sign by itself: a service of
 * dest_is_service() but for chat platforms (Discord, Telegram's bot API),
 * which a beacon reaches through a webhook or bot URL and integrations
 * name for other reasons, and app hosting platforms (herokuapp.com,
 * workers.dev ...), where ordinary services live too. */
bool dest_named_service(const char *host);

/* Whether the planted secret |canary| ("aws_access_key_id") sent to
 * |host| goes to the service that issued it (AWS's API, the npm registry,
 * GitHub's API): a credential in use, which a library that reads it does
 * for its owner, not a leak. */
bool canary_to_issuer(const char *canary, const char *host);

/* The hosts a report relates to its package: static.meta_hosts
 * (homepage, repository, bugs) and static.url_hosts (its code's URLs). */
struct dest_ctx;
struct dest_ctx *dest_ctx_new(const json_t *report);
void dest_ctx_free(struct dest_ctx *dc); /* NULL ok */

/* The class of |host| (a name or an address).  |code_urls|: whether a host
 * the package's code names makes it related (not when judging a leak:
 * every stealer names its own drop). */
enum dest_class dest_classify(const struct dest_ctx *dc, const char *host, bool code_urls);

/* One piece of the run's data found on its way out. */
struct leak {
	const char *what;     /* a canary's name, or "user name", "host name", "home
				 directory", "working directory", "environment" */
	const char *source;   /* a canary's home ("~/.npmrc, NPM_TOKEN"), or "" */
	const char *encoding; /* "plain", "base64", "hex", "urlencoded", "dns-hex" ... */
	const char *host;     /* where it went: the name, else the address */
	long long port;	      /* 0 for DNS */
	const char *script;   /* the step that sent it ("postinstall"), or "" */
	enum dest_class cls;  /* by metadata alone (dest_classify(.., false)) */
	bool canary, identity, dns;
	unsigned entry; /* the capture, name or hit it was found in: leaks that share one
			   came together */
};

/* The leaks of phase |ph| (the target's own view: own.h): its canary hits,
 * then the identity values (each once) and the first environment value
 * found in each capture and DNS name.  Returns how many; *out is malloc'd
 * (free()); its strings live as long as |report| and |ph|.  |runs| (NULL
 * ok) gets how many captures hold a base64 or hex run of 32+ characters in
 * a request target or header, and how many DNS names an encoded label of
 * 20+, sent to hosts neither a CDN nor related by the metadata. */
size_t leaks_find(const json_t *report, const struct dest_ctx *dc, const json_t *ph,
		  struct leak **out, size_t *runs);

/* Whether a leak is a chain: a canary or identity value sent to a service,
 * a raw IP or an unrelated host. */
bool leak_is_chain(const struct leak *l);

/* The distinct destinations of |ph| (connects and captures, DNS and
 * loopback aside), counted by class into |counts| (DEST__COUNT entries). */
void leaks_destinations(const struct dest_ctx *dc, const json_t *ph, float *counts);

/* The host a socket, capture or DNS entry talks to, or "". */
const char *leaks_event_host(const json_t *e);

/* Whether |host| is a cloud's instance metadata service (169.254.169.254,
 * metadata.google.internal ...): cloud SDKs ask it for the region and the
 * instance's identity, so it is no bare address that data is sent to. */
bool leaks_cloud_metadata(const char *host);

/* |host| (a name or an address, IPv4-mapped too) is this machine:
 * localhost, loopback or unspecified. */
bool leaks_loopback(const char *host);

/* |host| is a multicast or broadcast address (224.0.0.0/4,
 * 255.255.255.255, ff00::/8, IPv4-mapped too): a local network's
 * discovery (mDNS, SSDP), which no router carries to the internet. */
bool leaks_multicast(const char *host);

/* Blanks (with '_') in |buf| the file path the execute harness passes
 * for parameters named like a path (<home>/projects/app/data.json, also
 * URL-encoded): a function that sends its argument on sends the caller's
 * data, not where it runs.  The project directory itself is left: it is
 * also the working directory a payload reads.  Returns how many. */
size_t leaks_blank_harness_args(const char *home, unsigned char *buf, size_t n);

#endif
