/* SMTP (RFC 5321: EHLO, AUTH, MAIL, RCPT, DATA), FTP (RFC 959: USER,
 * PASS, PASV/EPSV, STOR), IRC (NICK, USER, PING) and Redis (RESP arrays
 * and inline commands), enough for a client to send its message. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netsink/greet.h"

enum { SMTP_CMD, SMTP_DATA, SMTP_AUTH_USER, SMTP_AUTH_PASS };

static const struct {
	int port;
	enum greet_proto proto;
	bool tls;
} PORTS[] = {
#define GREET(port, proto, tls) {port, proto, tls},
#include "netsink/greet.def"
#undef GREET
};

void greet_init(struct greet *g, int port, const char *addr, int ftp_data_port)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < sizeof(PORTS) / sizeof(PORTS[0]); i++)
		if (PORTS[i].port == port) {
			g->proto = PORTS[i].proto;
			g->tls_first = PORTS[i].tls;
		}
	snprintf(g->addr, sizeof(g->addr), "%s", addr ? addr : "127.0.0.1");
	g->data_port = ftp_data_port;
	snprintf(g->nick, sizeof(g->nick), "*");
}

const char *greet_banner(const struct greet *g)
{
	switch (g->proto) {
	case GREET_SMTP:
		return "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n";
	case GREET_FTP:
		return "220 (vsFTPd 3.0.3)\r\n";
	case GREET_IRC:
		return ":irc.example.net NOTICE * :*** Looking up your hostname...\r\n";
	default:
		return "";
	}
}

static bool is_cmd(const char *line, const char *cmd)
{
	size_t n = strlen(cmd);
	return !strncasecmp(line, cmd, n) && (line[n] == '\0' || line[n] == ' ');
}

static int put(char *out, size_t cap, const char *s)
{
	return snprintf(out, cap, "%s", s);
}

static int smtp(struct greet *g, const char *l, char *out, size_t cap)
{
	switch (g->state) {
	case SMTP_DATA:
		if (strcmp(l, ".") != 0)
			return 0;
		g->state = SMTP_CMD;
		return put(out, cap, "250 2.0.0 Ok: queued as 4F2A17C0E1\r\n");
	case SMTP_AUTH_USER:
		g->state = SMTP_AUTH_PASS;
		return put(out, cap, "334 UGFzc3dvcmQ6\r\n");
	case SMTP_AUTH_PASS:
		g->state = SMTP_CMD;
		return put(out, cap, "235 2.7.0 Authentication successful\r\n");
	default:
		break;
	}
	if (is_cmd(l, "EHLO"))
		return put(out, cap,
			   "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
			   "250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
	if (is_cmd(l, "HELO"))
		return put(out, cap, "250 mail.example.com\r\n");
	if (is_cmd(l, "AUTH")) {
		if (!strncasecmp(l + 5, "LOGIN", 5) && !l[10]) {
			g->state = SMTP_AUTH_USER;
			return put(out, cap, "334 VXNlcm5hbWU6\r\n");
		}
		if (!strncasecmp(l + 5, "LOGIN ", 6)) {
			g->state = SMTP_AUTH_PASS;
			return put(out, cap, "334 UGFzc3dvcmQ6\r\n");
		}
		if (!strcasecmp(l + 5, "PLAIN")) {
			g->state = SMTP_AUTH_PASS;
			return put(out, cap, "334 \r\n");
		}
		return put(out, cap, "235 2.7.0 Authentication successful\r\n");
	}
	if (is_cmd(l, "MAIL"))
		return put(out, cap, "250 2.1.0 Ok\r\n");
	if (is_cmd(l, "RCPT"))
		return put(out, cap, "250 2.1.5 Ok\r\n");
	if (is_cmd(l, "DATA")) {
		g->state = SMTP_DATA;
		return put(out, cap, "354 End data with <CR><LF>.<CR><LF>\r\n");
	}
	if (is_cmd(l, "RSET") || is_cmd(l, "NOOP"))
		return put(out, cap, "250 2.0.0 Ok\r\n");
	if (is_cmd(l, "QUIT")) {
		g->closing = true;
		return put(out, cap, "221 2.0.0 Bye\r\n");
	}
	return put(out, cap, "502 5.5.2 Error: command not recognized\r\n");
}

static int ftp(struct greet *g, const char *l, char *out, size_t cap)
{
	static const char *const fixed[][2] = {
		{"USER", "331 Please specify the password.\r\n"},
		{"PASS", "230 Login successful.\r\n"},
		{"SYST", "215 UNIX Type: L8\r\n"},
		{"TYPE", "200 Switching to Binary mode.\r\n"},
		{"MODE", "200 Mode set to S.\r\n"},
		{"STRU", "200 Structure set to F.\r\n"},
		{"PWD", "257 \"/home/ftp\" is the current directory\r\n"},
		{"CWD", "250 Directory successfully changed.\r\n"},
		{"MKD", "257 Created.\r\n"},
		{"OPTS", "200 Always in UTF8 mode.\r\n"},
		{"FEAT", "211-Features:\r\n EPSV\r\n PASV\r\n SIZE\r\n UTF8\r\n211 End\r\n"},
		{"NOOP", "200 NOOP ok.\r\n"},
		{"STOR", "150 Ok to send data.\r\n226 Transfer complete.\r\n"},
		{"APPE", "150 Ok to send data.\r\n226 Transfer complete.\r\n"},
		{"STOU", "150 Ok to send data.\r\n226 Transfer complete.\r\n"},
		{"LIST", "150 Here comes the directory listing.\r\n226 Directory send OK.\r\n"},
		{"NLST", "150 Here comes the directory listing.\r\n226 Directory send OK.\r\n"},
		{"RETR", "550 Failed to open file.\r\n"},
		{"SIZE", "550 Could not get file size.\r\n"},
		{"DELE", "250 Delete operation successful.\r\n"},
	};
	if (is_cmd(l, "PASV")) {
		unsigned a[4] = {127, 0, 0, 1};
		if (sscanf(g->addr, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) != 4 || a[0] > 255 ||
		    a[1] > 255 || a[2] > 255 || a[3] > 255) {
			a[0] = 127;
			a[1] = a[2] = 0;
			a[3] = 1;
		}
		return snprintf(out, cap, "227 Entering Passive Mode (%u,%u,%u,%u,%d,%d).\r\n",
				a[0], a[1], a[2], a[3], g->data_port >> 8, g->data_port & 255);
	}
	if (is_cmd(l, "EPSV"))
		return snprintf(out, cap, "229 Entering Extended Passive Mode (|||%d|)\r\n",
				g->data_port);
	if (is_cmd(l, "QUIT")) {
		g->closing = true;
		return put(out, cap, "221 Goodbye.\r\n");
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (is_cmd(l, fixed[i][0]))
			return put(out, cap, fixed[i][1]);
	return put(out, cap, "500 Unknown command.\r\n");
}

static int irc(struct greet *g, const char *l, char *out, size_t cap)
{
	if (is_cmd(l, "NICK")) {
		const char *n = l + 5;
		n += *n == ':';
		snprintf(g->nick, sizeof(g->nick), "%.*s", (int)strcspn(n, " "), n);
		return 0;
	}
	if (is_cmd(l, "USER"))
		return snprintf(
			out, cap,
			":irc.example.net 001 %s :Welcome to the Internet Relay Network %s\r\n"
			":irc.example.net 376 %s :End of /MOTD command.\r\n",
			g->nick, g->nick, g->nick);
	if (is_cmd(l, "PING"))
		return snprintf(out, cap, "PONG %s\r\n", l + 5);
	if (is_cmd(l, "JOIN"))
		return snprintf(out, cap, ":%s!user@203.0.113.77 JOIN %s\r\n", g->nick, l + 5);
	if (is_cmd(l, "QUIT")) {
		g->closing = true;
		return put(out, cap, "ERROR :Closing Link\r\n");
	}
	return 0;
}

/* RESP: an array header "*N" is one command of N bulk strings, "$len"
 * and the data line each; anything else on a line is an inline command. */
static int redis(struct greet *g, const char *l, char *out, size_t cap)
{
	if (g->state > 0) {
		g->state--;
		return 0;
	}
	if (l[0] == '*') {
		long n = strtol(l + 1, NULL, 10);
		g->state = n > 0 && n < 1 << 20 ? (int)(2 * n) : 0;
		return put(out, cap, "+OK\r\n");
	}
	if (!l[0])
		return 0;
	return put(out, cap, is_cmd(l, "PING") ? "+PONG\r\n" : "+OK\r\n");
}

static int answer(struct greet *g, const char *l, char *out, size_t cap)
{
	switch (g->proto) {
	case GREET_SMTP:
		return smtp(g, l, out, cap);
	case GREET_FTP:
		return ftp(g, l, out, cap);
	case GREET_IRC:
		return irc(g, l, out, cap);
	case GREET_REDIS:
		return redis(g, l, out, cap);
	default:
		return 0;
	}
}

size_t greet_feed(struct greet *g, const char *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n') {
			if (g->linelen < sizeof(g->line) - 1)
				g->line[g->linelen++] = p[i];
			continue;
		}
		if (g->linelen && g->line[g->linelen - 1] == '\r')
			g->linelen--;
		g->line[g->linelen] = '\0';
		g->linelen = 0;
		if (o + 1 >= cap)
			continue;
		int r = answer(g, g->line, out + o, cap - o);
		if (r > 0)
			o += (size_t)r < cap - o ? (size_t)r : cap - o - 1;
	}
	return o;
}
