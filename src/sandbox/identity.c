/* Fresh identities and canary values.  The values follow the real formats
 * (npm_, ghp_, AKIA..., Discord's three base64 parts, BIP-39 words) because
 * malware skips keys that look fake ("EXAMPLE", "FAKE", "test"). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox/identity.h"
#include "util/strvec.h"
#include "util/xalloc.h"

static const char *const users[] = {"alex",  "jordan", "maria", "daniel", "sam",
				    "chris", "emma",   "lucas", "nina",	  "david",
				    "kevin", "sofia",  "marco", "julia",  "tom"};
static const char *const surnames[] = {"Miller", "Garcia",   "Novak", "Schmidt", "Rossi",
				       "Chen",	 "Kowalski", "Silva", "Berg",	 "Walsh"};
static const char *const host_affix[][2] = {
	{"", "-laptop"}, {"", "-thinkpad"}, {"dev-", ""}, {"", "-xps"}, {"", "-workstation"}};
static const char *const words[] = {
	"abandon", "ability", "orbit",	"canyon", "violin", "jacket", "harbor", "tissue",
	"meadow",  "ripple",  "lumber", "fossil", "galaxy", "pepper", "saddle", "timber",
	"velvet",  "wisdom",  "zebra",	"anchor", "bright", "copper", "donkey", "eager",
	"fabric",  "garlic",  "hollow", "island", "jungle", "kitten", "ladder", "marble"};

struct rng {
	unsigned long long s;
	bool seeded;
};

static unsigned long long rng_next(struct rng *r)
{
	if (!r->seeded) {
		unsigned long long v;
		if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
			return v;
		r->s ^= (unsigned long long)(uintptr_t)&v; /* fall through to the PRNG */
	}
	/* splitmix64 */
	unsigned long long z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rand_chars(struct rng *r, char *out, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[rng_next(r) % k];
	out[n] = '\0';
}

#define B62 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define B64URL B62 "-_"
#define UPPER_NUM "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/* A Visa number that passes the Luhn check, as skimmers validate the
 * numbers they take: 4, 14 random digits, the check digit. */
static void card_number(struct rng *r, char out[17])
{
	int sum = 0;

	out[0] = '4';
	rand_chars(r, out + 1, 14, "0123456789");
	for (int i = 14; i >= 0; i--) {
		int d = out[i] - '0';
		if ((14 - i) % 2 == 0) /* doubled: every second digit left of the check digit */
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	out[15] = (char)('0' + (10 - sum % 10) % 10);
	out[16] = '\0';
}

#define set(c, nm, wh, ...)                                                                        \
	do {                                                                                       \
		(c)->name = (nm);                                                                  \
		(c)->where = (wh);                                                                 \
		snprintf((c)->value, sizeof((c)->value), __VA_ARGS__);                             \
	} while (0)

void identity_generate(struct identity *id, enum profile profile, unsigned long long seed)
{
	struct rng r = {.s = seed, .seeded = seed != 0};
	char a[64], b[64], c[64];
	const char *u = users[rng_next(&r) % (sizeof(users) / sizeof(users[0]))];
	const char *sn = surnames[rng_next(&r) % (sizeof(surnames) / sizeof(surnames[0]))];

	if (profile == PROFILE_CI)
		u = "runner";
	memset(id, 0, sizeof(*id));
	id->profile = profile;
	snprintf(id->user, sizeof(id->user), "%s", u);
	snprintf(id->fullname, sizeof(id->fullname), "%c%s %s", u[0] - 32, u + 1, sn);
	snprintf(id->home, sizeof(id->home), "/home/%s", u);
	if (profile == PROFILE_CI) {
		rand_chars(&r, a, 6, "abcdefghijklmnopqrstuvwxyz0123456789");
		snprintf(id->hostname, sizeof(id->hostname), "fv-az%s-%u", a,
			 (unsigned)(rng_next(&r) % 900 + 100));
	} else {
		const char *const *ax =
			host_affix[rng_next(&r) % (sizeof(host_affix) / sizeof(host_affix[0]))];
		snprintf(id->hostname, sizeof(id->hostname), "%s%s%s", ax[0], u, ax[1]);
	}

	struct canary *k = id->canaries;
	rand_chars(&r, a, 36, B62);
	set(&k[CANARY_NPM_TOKEN], "npm_token", "~/.npmrc, NPM_TOKEN", "npm_%s", a);
	rand_chars(&r, a, 36, B62);
	set(&k[CANARY_GITHUB_TOKEN], "github_token", "~/.git-credentials, GITHUB_TOKEN", "ghp_%s",
	    a);
	rand_chars(&r, a, 36, B62);
	set(&k[CANARY_GH_OAUTH], "gh_oauth_token", "~/.config/gh/hosts.yml", "gho_%s", a);
	rand_chars(&r, a, 16, UPPER_NUM);
	set(&k[CANARY_AWS_KEY_ID], "aws_access_key_id", "~/.aws/credentials, AWS_ACCESS_KEY_ID",
	    "AKIA%s", a);
	rand_chars(&r, a, 40, B62 "+/");
	set(&k[CANARY_AWS_SECRET], "aws_secret_access_key",
	    "~/.aws/credentials, AWS_SECRET_ACCESS_KEY", "%s", a);
	rand_chars(&r, a, 60, B62 "+/");
	set(&k[CANARY_SSH_KEY], "ssh_private_key", "~/.ssh/id_rsa, ~/.ssh/id_ed25519",
	    "b3BlbnNzaC1rZXktdjEAAAAA%s", a);
	rand_chars(&r, a, 50, B64URL);
	set(&k[CANARY_GCLOUD_REFRESH], "gcloud_refresh_token",
	    "~/.config/gcloud/application_default_credentials.json", "1//0%s", a);
	rand_chars(&r, a, 40, B64URL);
	rand_chars(&r, b, 40, B64URL);
	set(&k[CANARY_KUBE_TOKEN], "kube_token", "~/.kube/config", "eyJhbGciOiJSUzI1NiIs%s.%s", a,
	    b);
	rand_chars(&r, a, 24, B62);
	set(&k[CANARY_DOCKER_AUTH], "docker_password", "~/.docker/config.json", "dckr_pat_%s", a);
	/* 24.6.27: what the common stealer regexes match whole
	 * ([\w-]{24}\.[\w-]{6}\.[\w-]{27}); "MT" + 22 is a base64 user id. */
	rand_chars(&r, a, 22, B62);
	rand_chars(&r, b, 6, B64URL);
	rand_chars(&r, c, 27, B64URL);
	set(&k[CANARY_DISCORD_TOKEN], "discord_token", "~/.config/discord/Local Storage/leveldb",
	    "MT%s.%s.%s", a, b, c);
	{
		char seedp[128] = "";
		for (int i = 0; i < 12; i++) {
			size_t l = strlen(seedp);
			snprintf(seedp + l, sizeof(seedp) - l, "%s%s", i ? " " : "",
				 words[rng_next(&r) % (sizeof(words) / sizeof(words[0]))]);
		}
		set(&k[CANARY_WALLET_SEED], "wallet_seed",
		    "~/Desktop/wallet-backup.txt, ~/Documents/keys/mnemonic.txt", "%s", seedp);
	}
	rand_chars(&r, a, 32, "0123456789abcdef");
	set(&k[CANARY_ENV_SECRET], "jwt_secret", "~/projects/app/.env", "%s", a);
	rand_chars(&r, a, 24, B62);
	set(&k[CANARY_STRIPE_KEY], "stripe_key", "~/projects/app/.env", "sk_live_51%s", a);
	rand_chars(&r, a, 48, B62);
	set(&k[CANARY_OPENAI_KEY], "openai_key", "~/.env, OPENAI_API_KEY", "sk-proj-%s", a);
	rand_chars(&r, a, 20, B62);
	set(&k[CANARY_DB_PASSWORD], "db_password", "~/projects/app/.env, ~/.pgpass", "%s", a);
	rand_chars(&r, a, 11, "0123456789");
	rand_chars(&r, b, 24, B62);
	set(&k[CANARY_SLACK_TOKEN], "slack_token", "~/.config/slack-cli, SLACK_TOKEN", "xoxb-%s-%s",
	    a, b);
	/* Drawn after the others, so that a seed gives them the values it
	 * gave before these were added. */
	card_number(&r, a);
	set(&k[CANARY_CARD_NUMBER], "card_number", "browser: the checkout form's card number field",
	    "%s", a);
	rand_chars(&r, a, 14, B62);
	set(&k[CANARY_WEB_PASSWORD], "web_password", "browser: the login form's password field",
	    "%s", a);
	rand_chars(&r, a, 40, B64URL);
	rand_chars(&r, b, 43, B64URL);
	set(&k[CANARY_WEB_SESSION], "web_session",
	    "browser: localStorage auth_token, the session cookie",
	    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%s.%s", a, b);
	rand_chars(&r, a, 40, "0123456789abcdef");
	set(&k[CANARY_WALLET_ADDRESS], "wallet_address",
	    "browser: window.ethereum's account, the clipboard", "0x%s", a);
}

char **identity_env(const struct identity *id)
{
	struct strvec sv = STRVEC_INIT;
	const struct canary *k = id->canaries;

	strvec_pushf(&sv, "HOME=%s", id->home);
	strvec_pushf(&sv, "USER=%s", id->user);
	strvec_pushf(&sv, "LOGNAME=%s", id->user);
	strvec_push(&sv, "SHELL=/bin/bash");
	strvec_push(&sv, "LANG=en_US.UTF-8");
	strvec_push(&sv, "PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games");
	strvec_pushf(&sv, "HOSTNAME=%s", id->hostname);
	strvec_pushf(&sv, "NPM_TOKEN=%s", k[CANARY_NPM_TOKEN].value);
	strvec_pushf(&sv, "GITHUB_TOKEN=%s", k[CANARY_GITHUB_TOKEN].value);
	strvec_pushf(&sv, "AWS_ACCESS_KEY_ID=%s", k[CANARY_AWS_KEY_ID].value);
	strvec_pushf(&sv, "AWS_SECRET_ACCESS_KEY=%s", k[CANARY_AWS_SECRET].value);
	strvec_push(&sv, "AWS_DEFAULT_REGION=us-east-1");
	strvec_pushf(&sv, "OPENAI_API_KEY=%s", k[CANARY_OPENAI_KEY].value);
	if (id->profile == PROFILE_CI) {
		strvec_push(&sv, "CI=true");
		strvec_push(&sv, "GITHUB_ACTIONS=true");
		strvec_push(&sv, "GITHUB_WORKFLOW=CI");
		strvec_push(&sv, "GITHUB_REPOSITORY=acme/dashboard");
		strvec_push(&sv, "GITHUB_REF=refs/heads/main");
		strvec_push(&sv, "GITHUB_EVENT_NAME=push");
		strvec_push(&sv, "RUNNER_OS=Linux");
		strvec_pushf(&sv, "RUNNER_NAME=GitHub Actions %u", 1000u + (unsigned)id->home[6]);
		strvec_push(&sv, "RUNNER_TEMP=/home/runner/work/_temp");
		strvec_pushf(&sv, "ACTIONS_RUNTIME_TOKEN=%s", k[CANARY_KUBE_TOKEN].value);
		strvec_pushf(&sv, "NODE_AUTH_TOKEN=%s", k[CANARY_NPM_TOKEN].value);
	} else {
		strvec_push(&sv, "TERM=xterm-256color");
		strvec_push(&sv, "COLORTERM=truecolor");
		strvec_push(&sv, "EDITOR=vim");
		strvec_push(&sv, "XDG_SESSION_TYPE=x11");
		strvec_push(&sv, "DISPLAY=:0");
		strvec_pushf(&sv, "SLACK_TOKEN=%s", k[CANARY_SLACK_TOKEN].value);
	}
	return strvec_argv(&sv);
}

void identity_env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}
