/* Line-based servers the sink imitates: SMTP, FTP, IRC and Redis, chosen
 * by port (greet.def).  Pure functions of the bytes the client sends, so
 * they are tested without sockets. */
#ifndef SNARE_NETSINK_GREET_H
#define SNARE_NETSINK_GREET_H

#include <stdbool.h>
#include <stddef.h>

enum greet_proto { GREET_NONE, GREET_SMTP, GREET_FTP, GREET_IRC, GREET_REDIS };

struct greet {
	enum greet_proto proto;
	bool tls_first; /* the port speaks TLS before the greeting */
	int state;	/* per protocol: SMTP DATA or AUTH step, Redis lines to skip */
	char addr[48];	/* the address the client connected to (FTP passive replies) */
	int data_port;	/* FTP: the port passive replies name */
	char nick[32];	/* IRC */
	char line[1024];
	size_t linelen;
	bool closing; /* the client said QUIT */
};

/* Sets up |g| for a connection to |port| at |addr|; proto GREET_NONE when
 * the port is not in greet.def. */
void greet_init(struct greet *g, int port, const char *addr, int ftp_data_port);

/* The greeting the server sends first, or "" (Redis). */
const char *greet_banner(const struct greet *g);

/* Feeds |n| bytes the client sent and writes the replies to every line
 * they complete into |out| (|cap| bytes).  Returns the reply length. */
size_t greet_feed(struct greet *g, const char *p, size_t n, char *out, size_t cap);

#endif
