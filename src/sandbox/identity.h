/* Who the package believes it runs as: a plausible developer account on a
 * plausible machine, and the canary secrets planted in its home, unique per
 * run so a leak is recognised wherever it shows up. */
#ifndef SNARE_IDENTITY_H
#define SNARE_IDENTITY_H

#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_UID 1000
#define SANDBOX_GID 1000

enum canary_kind {
	CANARY_NPM_TOKEN,
	CANARY_GITHUB_TOKEN,
	CANARY_GH_OAUTH,
	CANARY_AWS_KEY_ID,
	CANARY_AWS_SECRET,
	CANARY_SSH_KEY,
	CANARY_GCLOUD_REFRESH,
	CANARY_KUBE_TOKEN,
	CANARY_DOCKER_AUTH,
	CANARY_DISCORD_TOKEN,
	CANARY_WALLET_SEED,
	CANARY_ENV_SECRET,
	CANARY_STRIPE_KEY,
	CANARY_OPENAI_KEY,
	CANARY_DB_PASSWORD,
	CANARY_SLACK_TOKEN,
	/* the browser phase's page: its form fields, storage and wallet */
	CANARY_CARD_NUMBER,
	CANARY_WEB_PASSWORD,
	CANARY_WEB_SESSION,
	CANARY_WALLET_ADDRESS,
	CANARY_COUNT
};

struct canary {
	const char *name;  /* stable name, e.g. "npm_token" */
	const char *where; /* where it is planted, e.g. "~/.npmrc, NPM_TOKEN" */
	char value[128];
};

enum profile { PROFILE_DEV, PROFILE_CI };

struct identity {
	char user[32];
	char fullname[64];
	char hostname[64];
	char home[64]; /* /home/<user> */
	enum profile profile;
	struct canary canaries[CANARY_COUNT];
};

/* Fills |id| with a fresh identity and fresh canary values drawn from
 * getrandom(2).  |seed| != 0 makes the draw reproducible (tests). */
void identity_generate(struct identity *id, enum profile profile, unsigned long long seed);

/* The environment a lifecycle script or node sees, before npm's own
 * variables are added: HOME, USER, SHELL, LANG, PATH, TERM, canary tokens,
 * and the CI variables under PROFILE_CI.  Returns a NULL-terminated,
 * malloc'd vector of malloc'd strings; free with identity_env_free(). */
char **identity_env(const struct identity *id);
void identity_env_free(char **env);

/* Populates the fake home at |home| (a host path, inside the sandbox's
 * tmpfs) with dotfiles, credentials, browser and wallet profiles, documents
 * and history holding the canaries.  Files are created mode 0600/0644 and
 * owned by |uid|:|gid|.  0 or -errno. */
int home_populate(const char *home, const struct identity *id, uid_t uid, gid_t gid);

/* Gives every file and directory under |home| (a host path) a past: times
 * hours to months back, by what the file is, the same for the same
 * identity.  |skip|, a path relative to the home (or NULL), keeps its
 * times: the package's own tree, just installed. */
void home_backdate(const char *home, const struct identity *id, const char *skip);

/* Writes the decoy application project (package.json, src/, .env, .git,
 * node_modules/express and node_modules/ethers) into |dir|, a host path.
 * 0 or -errno. */
int project_populate(const char *dir, const struct identity *id);

#endif
