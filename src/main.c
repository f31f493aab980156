/* snare: detonate npm packages in a sandbox, trace what they do, and tell
 * malicious from benign.  The command table (git.c style). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"scan", cmd_scan, "detonate a package and tell malicious from benign, with evidence"},
	{"trace", cmd_trace, "detonate a package and write its behaviour report"},
	{"audit", cmd_audit, "scan every package a project's lockfiles pin"},
	{"npm", cmd_npm, "npm install|ci, once every package it would install is judged"},
	{"npx", cmd_npx, "npx PKG, once the package and its dependencies are judged"},
	{"show", cmd_show, "print the stored verdict of name@version"},
	{"import", cmd_import, "add reports to the results store, scored by the current model"},
	{"queue", cmd_queue, "add detonations to a shared store's job queue, show it, retry"},
	{"worker", cmd_worker, "run the queue's detonations, N at a time"},
	{"follow", cmd_follow, "queue every version the registry publishes (changes feed)"},
	{"fetch", cmd_fetch, "download registry tarballs, verified, for later scans"},
	{"score", cmd_score, "re-score stored reports with a model"},
	{"static", cmd_static, "print a package's static section, read without running it"},
	{"features", cmd_features, "turn reports into a features table"},
	{"train", cmd_train, "train a model from a features table"},
	{"eval", cmd_eval, "cross-validate a model against the three-feature baseline"},
};

static int usage(FILE *f)
{
	fputs("usage: snare COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	sigset_t chld;

	/* Before any library starts a thread: SIGCHLD is read through a
	 * signalfd by the tracer, so no thread may take it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "snare: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
