/* What the sandbox saw: one flat, append-only list of events from the
 * tracer and the netsink.  Every event carries its time, process and step
 * (which lifecycle script or import of which package caused it). */
#ifndef SNARE_EVENT_H
#define SNARE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ev_type {
	EV_EXEC,    /* execve/execveat: path, argv, cwd */
	EV_FILE,    /* open, unlink, rename, chmod, ...: path, fflags */
	EV_SOCKET,  /* socket(): family, socktype */
	EV_CONNECT, /* connect(): addr, port or path */
	EV_BIND,
	EV_LISTEN,
	EV_SEND,    /* sendto/sendmsg/sendmmsg: destination (if any), len */
	EV_DNS,	    /* netsink: a query (host, qtype) */
	EV_CAPTURE, /* netsink: bytes a client sent on a connection/datagram */
	EV_PROC,    /* setsid, kill, memfd_create, prctl */
	EV_DENIED,  /* a syscall the seccomp policy refuses */
	EV_EXIT,    /* a process exited: ret = status (exit code, or -signal) */
	EV__COUNT
};

enum file_flags {
	FF_READ = 1 << 0,
	FF_WRITE = 1 << 1,
	FF_CREATE = 1 << 2,
	FF_DELETE = 1 << 3,
	FF_EXEC = 1 << 4,
	FF_CHMOD = 1 << 5,
	FF_CHOWN = 1 << 6,
	FF_MKDIR = 1 << 7,
	FF_RENAME = 1 << 8,
	FF_LINK = 1 << 9,
	FF_TRUNC = 1 << 10,
	FF_DIR = 1 << 11,
};

struct event {
	enum ev_type type;
	const char *syscall; /* static string */
	uint64_t t_us;	     /* microseconds since the run started */
	int pid, ppid;	     /* host pids; 0 for netsink events not yet attributed */
	int step;	     /* index of the step, -1 if unknown */
	int call;	     /* 1 + index of the harness call that caused it, 0: none */
	long ret;	     /* result: >= 0, or -errno */
	char *path;	     /* file, exec path, unix socket path */
	char *path2;	     /* rename/link target */
	char **argv;	     /* exec */
	char *cwd;	     /* exec */
	unsigned fflags;
	unsigned mode;
	int family, socktype;
	char addr[64]; /* numeric address */
	int port;
	char *host;	     /* DNS name (EV_DNS), or name the address was answered for */
	char *proto;	     /* "tcp", "udp"; capture: "http", "tls", "raw" */
	uint64_t len;	     /* bytes sent or captured */
	unsigned char *data; /* capture preview, len <= cap */
	size_t data_len;
	bool truncated;
	long arg; /* signal, prctl option, qtype, target pid */
	/* capture of a TLS connection */
	enum ev_tls { EV_TLS_NONE, EV_TLS_DECRYPTED, EV_TLS_REFUSED } tls;
	char *sni, *alpn, *tls_error; /* owned, NULL when absent */
	/* capture: canaries the netsink found past what it kept (bit
	 * 4 * canary + encoding: plain, hex, base64, urlencoded) */
	uint64_t stream_hits;
	uint64_t inflated_hits; /* the same, in a gzip stream inflated */
};

struct evlog {
	struct event *v;
	size_t n, alloc;
};

/* Appends a zeroed event (step -1) and returns it; the pointer is valid
 * until the next evlog_add(). */
struct event *evlog_add(struct evlog *log, enum ev_type type, const char *syscall);
void evlog_release(struct evlog *log);
/* Frees what one event owns (not the event itself) and zeroes it. */
void event_release(struct event *e);
/* Sorts by time (stable), keeping the order of equal timestamps. */
void evlog_sort(struct evlog *log);
const char *ev_type_name(enum ev_type t);
/* "read,write,create" style; |buf| >= 96 bytes. */
const char *file_flags_str(unsigned fflags, char *buf, size_t len);
uint64_t ev_now_us(void); /* CLOCK_MONOTONIC in microseconds */

#endif
