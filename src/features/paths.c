#include <fnmatch.h>
#include <string.h>

#include "features/paths.h"

struct rule {
	const char *glob; /* "~/" is the home */
	enum path_class cls;
};

/* First match wins. */
static const struct rule rules[] = {
	{"~/.npmrc", PATH_CRED},
	{"~/.yarnrc*", PATH_CRED},
	{"~/.ssh/id_*", PATH_CRED},
	{"~/.ssh/*", PATH_CRED},
	{"~/.aws/*", PATH_CRED},
	{"~/.azure/*", PATH_CRED},
	{"~/.config/gcloud/*", PATH_CRED},
	{"~/.kube/*", PATH_CRED},
	{"~/.docker/config.json", PATH_CRED},
	{"~/.git-credentials", PATH_CRED},
	{"~/.config/gh/*", PATH_CRED},
	{"~/.netrc", PATH_CRED},
	{"~/.pgpass", PATH_CRED},
	{"~/.gitconfig", PATH_CRED},
	{"~/.config/slack-cli/*", PATH_CRED},
	{"~/.local/share/keyrings/*", PATH_CRED},
	{"~/.config/discord*/Local Storage/*", PATH_DISCORD},
	{"~/.config/discord*/*/modules/*", PATH_DISCORD},
	{"~/.config/*/*/Local Extension Settings/*", PATH_WALLET},
	{"~/.config/*/Local Extension Settings/*", PATH_WALLET},
	{"~/.config/Exodus/*", PATH_WALLET},
	{"~/.config/atomic/*", PATH_WALLET},
	{"~/.electrum/*", PATH_WALLET},
	{"~/.config/solana/*", PATH_WALLET},
	{"~/.ethereum/*", PATH_WALLET},
	{"~/.bitcoin/*", PATH_WALLET},
	{"~/Documents/keys/*", PATH_WALLET},
	{"~/Desktop/wallet*", PATH_WALLET},
	{"*mnemonic*", PATH_WALLET},
	{"~/.config/google-chrome/*", PATH_BROWSER},
	{"~/.config/chromium/*", PATH_BROWSER},
	{"~/.config/BraveSoftware/*", PATH_BROWSER},
	{"~/.config/microsoft-edge/*", PATH_BROWSER},
	{"~/.config/opera*", PATH_BROWSER},
	{"~/.config/vivaldi*", PATH_BROWSER},
	{"~/.mozilla/*", PATH_BROWSER},
	{"~/.local/share/TelegramDesktop/*", PATH_BROWSER},
	{"*/.env", PATH_ENVFILE},
	{"*/.env.*", PATH_ENVFILE},
	/* not /etc/passwd: glibc reads it for every getpwuid(), so
	 * os.userInfo() and os.homedir() read it */
	{"/etc/shadow", PATH_SYSTEM},
	{"/proc/*/environ", PATH_SYSTEM},
	{"~/.bash_history", PATH_HISTORY},
	{"~/.zsh_history", PATH_HISTORY},
	{"~/.node_repl_history", PATH_HISTORY},
	{"~/.python_history", PATH_HISTORY},
	{"~/.bashrc", PATH_PERSIST},
	{"~/.bash_profile", PATH_PERSIST},
	{"~/.profile", PATH_PERSIST},
	{"~/.zshrc", PATH_PERSIST},
	{"~/.config/autostart/*", PATH_PERSIST},
	{"~/.config/systemd/*", PATH_PERSIST},
	{"/var/spool/cron/*", PATH_PERSIST},
	/* The installing project's own hooks are what husky, yorkie and
	 * simple-git-hooks write on every install; another repository's
	 * hooks or the global template are persistence. */
	{"~/projects/app/.git/hooks/*", PATH_OTHER},
	{"*/.git/hooks/*", PATH_PERSIST},
	{"~/.git-templates/*", PATH_PERSIST},
	{"~/.local/bin/*", PATH_PERSIST},
	{"~/Desktop/*", PATH_DOCUMENTS},
	{"~/Documents/*", PATH_DOCUMENTS},
	{"~/Pictures/*", PATH_DOCUMENTS},
	{"~/Downloads/*", PATH_DOCUMENTS},
	{"~/projects/website/*", PATH_DOCUMENTS},
};

enum path_class path_classify(const char *path, const char *home)
{
	size_t hl = strlen(home);
	/* "~/x" rules match the part of |path| below the home */
	const char *rel = hl && !strncmp(path, home, hl) && path[hl] == '/' ? path + hl + 1 : NULL;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const char *g = rules[i].glob;
		if (g[0] == '~') {
			if (rel && fnmatch(g + 2, rel, 0) == 0)
				return rules[i].cls;
		} else if (fnmatch(g, path, 0) == 0) {
			return rules[i].cls;
		}
	}
	return PATH_OTHER;
}

bool path_is_own(const char *path, const char *pkgdir)
{
	size_t n = strlen(pkgdir);

	if (!strncmp(path, "/tmp/", 5) || !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6))
		return true;
	return !strncmp(path, pkgdir, n) && (path[n] == '/' || path[n] == '\0');
}

const char *path_class_name(enum path_class c)
{
	static const char *const names[PATH__COUNT] = {
		"other",   "cred",   "browser", "wallet",    "discord",
		"envfile", "system", "history", "documents", "persist",
	};
	return (unsigned)c < PATH__COUNT ? names[c] : "other";
}
