/* snare: detonate npm packages in a sandbox, trace what they do, and tell
 * malicious from benign.  The command table (git.c style). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/version.h"

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
	{"deps", cmd_deps, "prepare a package's dependencies from the store (no script runs)"},
	{"score", cmd_score, "re-score stored reports with a model"},
	{"static", cmd_static, "print a package's static section, read without running it"},
	{"features", cmd_features, "turn reports into a features table"},
	{"train", cmd_train, "train a model from a features table"},
	{"eval", cmd_eval, "cross-validate a model against the three-feature baseline"},
};

/* The exit codes every command shares (docs/audit.md). */
static const char exit_codes[] =
	"\nexit codes:\n"
	"  0  clean: every package judged is benign (or the command succeeded)\n"
	"  1  malicious: at least one package is\n"
	"  2  error: bad input, or a package could not be scanned\n"
	"  3  partial: nothing malicious, but a package could not be judged\n";

static int usage(FILE *f)
{
	fputs("usage: snare COMMAND [ARGS]\n"
	      "       snare help COMMAND    (or snare COMMAND --help)\n"
	      "       snare --version\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs(exit_codes, f);
	return f == stdout ? 0 : 2;
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static bool is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help") || !strcmp(s, "help");
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	sigset_t chld;

	/* Before any library starts a thread: SIGCHLD is read through a
	 * signalfd by the tracer, so no thread may take it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
	    !strcmp(argv[1], "version")) {
		printf("snare %s\n", snare_version());
		return 0;
	}
	if (is_help(argv[1]) && argc == 2)
		return usage(stdout);
	if (is_help(argv[1])) {
		/* snare help CMD: the command's own --help */
		if (argc > 3) {
			fprintf(stderr, "snare: help takes one command, not '%s'\n", argv[3]);
			return 2;
		}
		if (!(cmd = find(argv[2]))) {
			fprintf(stderr, "snare: unknown command '%s' (snare help lists them)\n",
				argv[2]);
			return 2;
		}
		char *help_argv[] = {argv[2], "--help", NULL};
		return cmd->fn(2, help_argv);
	}
	if ((cmd = find(argv[1])))
		return cmd->fn(argc - 1, argv + 1);
	fprintf(stderr, "snare: unknown command '%s' (snare help lists them)\n", argv[1]);
	return 2;
}
