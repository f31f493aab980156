/* What a path means: the one place that decides which reads are
 * sensitive and which writes are persistence or tampering. */
#ifndef SNARE_FEATURES_PATHS_H
#define SNARE_FEATURES_PATHS_H

#include <stdbool.h>

enum path_class {
	PATH_OTHER,
	PATH_CRED,	/* .npmrc, .aws, .ssh keys, gcloud, kube, docker, git credentials, .netrc,
			   .pgpass, gh */
	PATH_BROWSER,	/* Chrome/Chromium/Brave/Edge/Opera/Vivaldi/Firefox profiles */
	PATH_WALLET,	/* wallet extensions' storage, desktop wallets, keystores, seed files */
	PATH_DISCORD,	/* Discord's Local Storage and desktop core */
	PATH_ENVFILE,	/* .env files */
	PATH_SYSTEM,	/* /etc/passwd, /etc/shadow, /etc/hosts, /proc/<pid>/environ */
	PATH_HISTORY,	/* shell and REPL histories */
	PATH_DOCUMENTS, /* Desktop, Documents, Pictures, Downloads, other projects */
	PATH_PERSIST,	/* shell rc files, autostart, systemd user units, cron, git hooks and
			   templates, ~/.npmrc written */
	PATH__COUNT
};

/* Classifies |path| (absolute, as in the report) for a sandbox user whose
 * home is |home|. */
enum path_class path_classify(const char *path, const char *home);
/* Whether |path| lies in the package's own directory or in /tmp. */
bool path_is_own(const char *path, const char *pkgdir);
const char *path_class_name(enum path_class c);

#endif
