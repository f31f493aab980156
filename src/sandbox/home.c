/* The fake home: what a developer's machine holds after a few months of
 * use, with every secret a canary.  Content is a table of templates; ${x}
 * expands to a canary value or to the identity's user, host and name. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/identity.h"
#include "sandbox/internal.h"
#include "util/base64.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct home_file {
	const char *path;
	unsigned mode;
	const char *body;
};

#define CHROME_PROFILE(base)                                                                             \
	{base "/Default/Login Data", 0600, "SQLite format 3\x01logins ${user}@gmail.com"},               \
		{base "/Default/Cookies", 0600,                                                          \
		 "SQLite format 3\x01"                                                                   \
		 "cookies"},                                                                             \
		{base "/Default/Network/Cookies", 0600,                                                  \
		 "SQLite format 3\x01"                                                                   \
		 "cookies"},                                                                             \
		{base "/Default/Web Data", 0600,                                                         \
		 "SQLite format 3\x01"                                                                   \
		 "autofill"},                                                                            \
		{base "/Default/History", 0600, "SQLite format 3\x01history"},                           \
		{base "/Default/Local Storage/leveldb/000003.log", 0600,                                 \
		 "\x01_https://app.slack.com"},                                                          \
		{base                                                                                    \
		 "/Default/Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn/000003.log",        \
		 0600,                                                                                   \
		 "{\"KeyringController\":{\"vault\":\"{\\\"data\\\":\\\"${ssh_private_key}\\\"}\"}}"},   \
		{base                                                                                    \
		 "/Default/Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn/MANIFEST-000001",   \
		 0600, "\x01leveldb.BytewiseComparator"},                                                \
		{base                                                                                    \
		 "/Default/Local Extension Settings/bfnaelmomeimhlpmgjnjophhpkkoljpa/000003.log",        \
		 0600, "{\"encryptedMnemonic\":\"${wallet_seed}\"}"},                                    \
		{base                                                                                    \
		 "/Default/Local Extension Settings/hnfanknocfeofbddgcijnmhnfnkdnaad/000003.log",        \
		 0600, "{\"vault\":\"${jwt_secret}\"}"},                                                 \
		{base "/Profile 1/Login Data", 0600, "SQLite format 3\x01logins"},                       \
		{base "/Profile 1/Cookies", 0600,                                                        \
		 "SQLite format 3\x01"                                                                   \
		 "cookies"},                                                                             \
	{                                                                                                \
		base "/Local State", 0600,                                                               \
			"{\"os_crypt\":{\"encrypted_key\":\"RFBBUEkBAAAA0Iyd3wEV0RGMegDAT8KX6wEAAAA\"}}" \
	}

#define DISCORD(dir)                                                                               \
	{dir "/Local Storage/leveldb/000005.ldb", 0600,                                            \
	 "\x01_https://discord.com\x01token\x01\"${discord_token}\""},                             \
		{dir "/Local Storage/leveldb/000004.log", 0600, "\x01_https://discord.com\x01"},   \
	{                                                                                          \
		dir "/Local Storage/leveldb/CURRENT", 0600, "MANIFEST-000002\n"                    \
	}

static const struct home_file home_files[] = {
	{".npmrc", 0600,
	 "//registry.npmjs.org/:_authToken=${npm_token}\nregistry=https://registry.npmjs.org/\nemail=${user}@gmail.com\ninit-author-name=${fullname}\n"},
	{".yarnrc", 0644,
	 "registry \"https://registry.yarnpkg.com\"\nlastUpdateCheck ${ago:2764800}000\n"},
	{".ssh/id_rsa", 0600,
	 "-----BEGIN OPENSSH PRIVATE KEY-----\n${ssh_private_key}\nAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcnNhAAAAAwEAAQAAAYEAuW1c7Z0m9Gm4\n-----END OPENSSH PRIVATE KEY-----\n"},
	{".ssh/id_ed25519", 0600,
	 "-----BEGIN OPENSSH PRIVATE KEY-----\n${ssh_private_key}\nQyNTUxOQAAACBh4mPXrj0b0S4nZ1kq8sQ0yM3a9Xr1gK3pLzF6n2bTzQAAAJg\n-----END OPENSSH PRIVATE KEY-----\n"},
	{".ssh/id_rsa.pub", 0644,
	 "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC5bVztnSb0abhyJ4Vb2pWm ${user}@${host}\n"},
	{".ssh/known_hosts", 0644,
	 "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\ngitlab.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAfuCHKVTjquxvt6CM6tdG4SLp1Btn/nOeHHE5UOzRdf\n"},
	{".ssh/config", 0644,
	 "Host bastion\n  HostName 10.0.12.5\n  User deploy\n  IdentityFile ~/.ssh/id_rsa\n"},
	{".ssh/authorized_keys", 0600,
	 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBu1kq ${user}@${host}\n"},
	{".aws/credentials", 0600,
	 "[default]\naws_access_key_id = ${aws_access_key_id}\naws_secret_access_key = ${aws_secret_access_key}\n"},
	{".aws/config", 0644, "[default]\nregion = us-east-1\noutput = json\n"},
	{".config/gcloud/application_default_credentials.json", 0600,
	 "{\n  \"client_id\": \"764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com\",\n  \"client_secret\": \"d-FL95Q19q7MQmFpd7hHD0Ty\",\n  \"refresh_token\": \"${gcloud_refresh_token}\",\n  \"type\": \"authorized_user\"\n}\n"},
	{".config/gcloud/credentials.db", 0600, "SQLite format 3\x01${gcloud_refresh_token}"},
	{".config/gcloud/access_tokens.db", 0600, "SQLite format 3\x01"},
	{".config/gcloud/configurations/config_default", 0644,
	 "[core]\naccount = ${user}@gmail.com\nproject = acme-prod-231207\n"},
	{".azure/accessTokens.json", 0600,
	 "[{\"accessToken\":\"${kube_token}\",\"tokenType\":\"Bearer\"}]\n"},
	{".kube/config", 0600,
	 "apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: prod\ncontexts:\n- context:\n    cluster: prod\n    user: admin\n  name: prod\ncurrent-context: prod\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${kube_token}\n"},
	{".docker/config.json", 0600,
	 "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n\t\t\t\"auth\": \"${docker_auth_b64}\"\n\t\t}\n\t}\n}\n"},
	{".git-credentials", 0600, "https://${user}:${github_token}@github.com\n"},
	{".gitconfig", 0644,
	 "[user]\n\tname = ${fullname}\n\temail = ${user}@gmail.com\n[credential]\n\thelper = store\n[init]\n\tdefaultBranch = main\n"},
	{".config/gh/hosts.yml", 0600,
	 "github.com:\n    user: ${user}\n    oauth_token: ${gh_oauth_token}\n    git_protocol: https\n"},
	{".config/slack-cli/credentials.json", 0600, "{\"token\":\"${slack_token}\"}\n"},
	{".netrc", 0600,
	 "machine api.heroku.com\n  login ${user}@gmail.com\n  password ${db_password}\n"},
	{".pgpass", 0600, "db.internal:5432:*:app:${db_password}\n"},
	{".bash_history", 0600,
	 "ls\ncd projects/app\nnpm install\ngit status\nexport AWS_PROFILE=default\nnpm run dev\ngit add src/config.js\ngit commit -m \"Add config module\"\ngit push origin main\nssh bastion\nkubectl get pods\ndocker compose up -d\ncd ../website\nls\n"},
	{".zsh_history", 0600,
	 ": ${ago:612000}:0;cd ~/projects/app\n: ${ago:611880}:0;git pull\n: ${ago:611800}:0;npm install\n"
	 ": ${ago:93700}:0;kubectl get pods\n: ${ago:93520}:0;npm run build\n: ${ago:93400}:0;git status\n"},
	{".bashrc", 0644,
	 "# ~/.bashrc: executed by bash(1) for non-login shells.\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nHISTCONTROL=ignoreboth\nalias ll='ls -alF'\nexport PATH=\"$HOME/.local/bin:$PATH\"\nexport NVM_DIR=\"$HOME/.nvm\"\n"},
	{".bash_logout", 0644, "# ~/.bash_logout\n"},
	{".profile", 0644,
	 "# ~/.profile\nif [ -n \"$BASH_VERSION\" ]; then\n    [ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\nfi\n"},
	{".zshrc", 0644, "export EDITOR=vim\nplugins=(git node npm)\n"},
	{".env", 0600, "OPENAI_API_KEY=${openai_key}\n"},
	{".node_repl_history", 0600,
	 "require('./package.json').version\nconst app = require('./src/index.js')\n"},
	{".viminfo", 0600, "# This viminfo file was generated by Vim 9.0.\n"},
	{"projects/.env", 0600, "SHARED_DEPLOY_TOKEN=${github_token}\n"},
	{"projects/website/index.html", 0644,
	 "<!doctype html>\n<html><body><h1>${fullname}</h1></body></html>\n"},
	{"projects/website/app.js", 0644,
	 "document.querySelector('h1').onclick = () => alert('hi');\n"},
	{"projects/website/package.json", 0644,
	 "{\n  \"name\": \"website\",\n  \"version\": \"0.1.0\",\n  \"private\": true\n}\n"},
	{"Desktop/notes.txt", 0644, "standup 10:00\n- review PR 412\n- rotate staging keys\n"},
	{"Desktop/todo.md", 0644, "- [ ] ship 1.5.0\n- [x] renew domain\n"},
	{"Desktop/wallet-backup.txt", 0600, "metamask recovery phrase:\n${wallet_seed}\n"},
	{"Documents/report.docx", 0644, "PK\x03\x04\x14\x00\x06\x00word/document.xml"},
	{"Documents/budget.xlsx", 0644, "PK\x03\x04\x14\x00\x06\x00xl/workbook.xml"},
	{"Documents/passwords.txt", 0600, "bank: ${db_password}\nrouter admin: ${jwt_secret}\n"},
	{"Documents/keys/mnemonic.txt", 0600, "${wallet_seed}\n"},
	{"Pictures/IMG_20240611_183012.jpg", 0644, "\xff\xd8\xff\xe0\x00\x10JFIF"},
	{"Downloads/invoice-2024-11.pdf", 0644, "%PDF-1.7\n"},
	CHROME_PROFILE(".config/google-chrome"),
	CHROME_PROFILE(".config/BraveSoftware/Brave-Browser"),
	CHROME_PROFILE(".config/chromium"),
	CHROME_PROFILE(".config/microsoft-edge"),
	{".mozilla/firefox/profiles.ini", 0644,
	 "[Install4F96D1932A9F858E]\nDefault=x1y2z3ab.default-release\nLocked=1\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=x1y2z3ab.default-release\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n"},
	{".mozilla/firefox/x1y2z3ab.default-release/logins.json", 0600,
	 "{\"nextId\":3,\"logins\":[{\"id\":1,\"hostname\":\"https://github.com\",\"encryptedUsername\":\"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECL\",\"encryptedPassword\":\"${jwt_secret}\"}]}\n"},
	{".mozilla/firefox/x1y2z3ab.default-release/key4.db", 0600, "SQLite format 3\x01"},
	{".mozilla/firefox/x1y2z3ab.default-release/cookies.sqlite", 0600, "SQLite format 3\x01"},
	{".mozilla/firefox/x1y2z3ab.default-release/places.sqlite", 0600, "SQLite format 3\x01"},
	{".mozilla/firefox/x1y2z3ab.default-release/cert9.db", 0600, "SQLite format 3\x01"},
	DISCORD(".config/discord"),
	DISCORD(".config/discordcanary"),
	DISCORD(".config/discordptb"),
	{".config/discord/0.0.27/modules/discord_desktop_core/index.js", 0644,
	 "module.exports = require('./core.asar');\n"},
	{".config/discord/settings.json", 0644, "{\"IS_MAXIMIZED\": false}\n"},
	{".config/Exodus/exodus.wallet/seed.seco", 0600, "SECO\x00\x00\x00\x01${wallet_seed}"},
	{".config/Exodus/exodus.wallet/passphrase.json", 0600,
	 "{\"passphrase\":\"${db_password}\"}\n"},
	{".config/Exodus/exodus.wallet/storage.seco", 0600, "SECO\x00\x00\x00\x01"},
	{".config/atomic/Local Storage/leveldb/000003.log", 0600, "\x01_file://\x01${wallet_seed}"},
	{".electrum/wallets/default_wallet", 0600,
	 "{\"seed_version\": 18, \"keystore\": {\"seed\": \"${wallet_seed}\"}}\n"},
	{".config/solana/id.json", 0600,
	 "[174,47,154,16,202,193,206,113,199,190,53,133,169,175,31,56]\n"},
	{".ethereum/keystore/UTC--2023-05-14T09-12-44.512Z--7e5f4552091a69125d5dfcb7b8c2659029395bdf",
	 0600,
	 "{\"address\":\"7e5f4552091a69125d5dfcb7b8c2659029395bdf\",\"crypto\":{\"cipher\":\"aes-128-ctr\",\"ciphertext\":\"${jwt_secret}\"},\"version\":3}\n"},
	{".bitcoin/wallet.dat", 0600, "\x00\x00\x00\x00\x01\x00\x00\x00${wallet_seed}"},
	{".local/share/TelegramDesktop/tdata/key_datas", 0600, "TDF$\x01"},
	{".local/share/keyrings/login.keyring", 0600, "GnomeKeyring\n"},
	{".config/Code/User/settings.json", 0644, "{\n  \"editor.fontSize\": 14\n}\n"},
	{".config/autostart/.keep", 0644, ""},
	{".local/bin/.keep", 0644, ""},
	{".cache/.keep", 0644, ""},
	{".config/systemd/user/.keep", 0644, ""},
	{".vim/.netrwhist", 0644, "let g:netrw_dirhistmax  =10\n"},
};

static const struct home_file project_files[] = {
	{"package.json", 0644,
	 "{\n  \"name\": \"acme-dashboard\",\n  \"version\": \"1.4.0\",\n  \"private\": true,\n  \"description\": \"Internal dashboard\",\n  \"scripts\": {\n    \"start\": \"node src/index.js\",\n    \"dev\": \"node --watch src/index.js\",\n    \"build\": \"node src/index.js --check\"\n  },\n  \"dependencies\": {\n    \"ethers\": \"^6.13.2\",\n    \"express\": \"^4.18.2\"\n  }\n}\n"},
	{".env", 0600,
	 "DATABASE_URL=postgres://app:${db_password}@db.internal:5432/app\nSTRIPE_SECRET_KEY=${stripe_key}\nJWT_SECRET=${jwt_secret}\n"},
	{".env.local", 0600,
	 "NEXT_PUBLIC_API=https://api.acme-corp.io\nAPI_TOKEN=${github_token}\n"},
	{".npmrc", 0644, "@acme:registry=https://npm.acme-corp.io/\n"},
	{".gitignore", 0644, "node_modules\n.env\n.env.local\n"},
	{"README.md", 0644, "# acme dashboard\n\nInternal dashboard.\n"},
	{"docker-compose.yml", 0644,
	 "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n    ports:\n      - \"5432:5432\"\n"},
	{"src/index.js", 0644,
	 "const express = require('express');\nconst app = express();\nmodule.exports = app;\n"},
	{"src/config.js", 0644, "module.exports = { port: 3000 };\n"},
	{".git/HEAD", 0644, "ref: refs/heads/main\n"},
	{".git/config", 0644,
	 "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/acme/dashboard.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"},
	{".git/hooks/pre-commit.sample", 0755, "#!/bin/sh\nexit 0\n"},
	{"node_modules/express/package.json", 0644,
	 "{\n  \"name\": \"express\",\n  \"version\": \"4.18.2\",\n  \"main\": \"index.js\"\n}\n"},
	{"node_modules/express/index.js", 0644,
	 "'use strict';\n\nmodule.exports = require('./lib/express');\n"},
	{"node_modules/express/lib/express.js", 0644,
	 "'use strict';\n\nexports = module.exports = createApplication;\n\nfunction createApplication() {\n  return function app(req, res, next) {};\n}\n"},
	{"node_modules/ethers/package.json", 0644,
	 "{\n  \"name\": \"ethers\",\n  \"version\": \"6.13.2\",\n  \"main\": \"./lib.commonjs/index.js\"\n}\n"},
	{"node_modules/ethers/lib.commonjs/index.js", 0644,
	 "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\nexports.version = \"6.13.2\";\nexports.JsonRpcProvider = require(\"./providers/provider-jsonrpc.js\").JsonRpcProvider;\n"},
	{"node_modules/ethers/lib.commonjs/providers/provider-jsonrpc.js", 0644,
	 "\"use strict\";\nclass JsonRpcProvider {\n  constructor(url) { this.url = url; }\n}\nexports.JsonRpcProvider = JsonRpcProvider;\n"},
};

static const char *lookup(const struct identity *id, const char *key, size_t klen, char *tmp,
			  size_t tmplen)
{
	if (klen == 4 && !memcmp(key, "user", 4))
		return id->user;
	if (klen == 4 && !memcmp(key, "host", 4))
		return id->hostname;
	if (klen == 8 && !memcmp(key, "fullname", 8))
		return id->fullname;
	if (klen > 4 && !memcmp(key, "ago:", 4)) {
		/* ${ago:S}: the Unix time S seconds before now (histories) */
		snprintf(tmp, tmplen, "%lld", (long long)time(NULL) - strtoll(key + 4, NULL, 10));
		return tmp;
	}
	if (klen == 15 && !memcmp(key, "docker_auth_b64", 15)) {
		/* base64("<user>:<docker token>"), cut to what |tmp| holds */
		char raw[200];
		size_t n;
		snprintf(raw, sizeof(raw), "%s:%s", id->user,
			 id->canaries[CANARY_DOCKER_AUTH].value);
		n = strlen(raw);
		if (BASE64_LEN(n) >= tmplen)
			n = (tmplen - 1) / 4 * 3;
		base64_encode_to(tmp, raw, n);
		return tmp;
	}
	for (int i = 0; i < CANARY_COUNT; i++) {
		const char *name = id->canaries[i].name;
		if (name && strlen(name) == klen && !memcmp(name, key, klen))
			return id->canaries[i].value;
	}
	return NULL;
}

/* Expands ${key} in |tpl|; binary bytes pass through. */
static void expand(struct strbuf *out, const char *tpl, size_t len, const struct identity *id)
{
	char tmp[256];

	for (size_t i = 0; i < len; i++) {
		if (tpl[i] == '$' && i + 1 < len && tpl[i + 1] == '{') {
			const char *end = memchr(tpl + i + 2, '}', len - i - 2);
			const char *v = end ? lookup(id, tpl + i + 2, (size_t)(end - tpl - i - 2),
						     tmp, sizeof(tmp))
					    : NULL;
			if (v) {
				strbuf_addstr(out, v);
				i = (size_t)(end - tpl);
				continue;
			}
		}
		strbuf_add(out, tpl + i, 1);
	}
}

static uint32_t age_hash(const char *s, uint32_t h);

/* Sizes: a browser database of 17 bytes or a 10-byte photo is a file made
 * to be found.  Databases, pictures, documents and wallets are padded to a
 * size of their kind (zeros after a database's header, noise otherwise),
 * drawn from the path so a run's files always have the same sizes. */
struct pad_rule {
	const char *needle; /* substring of the path, or of the body's start */
	bool in_body;
	unsigned min_kb, max_kb;
	bool zeros;
};

static const struct pad_rule pad_rules[] = {
	{"SQLite format 3", true, 20, 480, true}, {".jpg", false, 140, 620, false},
	{".pdf", false, 30, 260, false},	  {".docx", false, 12, 90, false},
	{".xlsx", false, 9, 70, false},		  {".ldb", false, 2, 40, false},
	{"leveldb/000", false, 1, 24, false},	  {"wallet.dat", false, 96, 256, false},
	{".seco", false, 3, 18, false},		  {"key_datas", false, 1, 2, false},
	{".keyring", false, 2, 6, false},
};

static void pad_body(struct strbuf *body, const char *path)
{
	uint32_t h = 2166136261u;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (size_t i = 0; i < sizeof(pad_rules) / sizeof(pad_rules[0]); i++) {
		const struct pad_rule *r = &pad_rules[i];
		bool hit = r->in_body ? body->len >= strlen(r->needle) &&
						!memcmp(body->buf, r->needle, strlen(r->needle))
				      : strstr(path, r->needle) != NULL;
		if (!hit)
			continue;
		size_t want = ((size_t)r->min_kb + h % (r->max_kb - r->min_kb + 1)) * 1024;
		if (r->zeros) /* a database is whole pages */
			want = (want + 4095) / 4096 * 4096;
		uint32_t x = h | 1;
		while (body->len < want) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			unsigned char c = r->zeros ? 0 : (unsigned char)(x >> 24);
			strbuf_add(body, &c, 1);
		}
		return;
	}
}

static int mkdirs(char *path, uid_t uid, gid_t gid)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == 0) {
			if (lchown(path, uid, gid) < 0) {
				*p = '/';
				return -errno;
			}
		} else if (errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

static int write_files(const char *root, const struct home_file *files, size_t n,
		       const struct identity *id, uid_t uid, gid_t gid)
{
	struct strbuf body;
	int r = 0;

	strbuf_init(&body, 0);
	for (size_t i = 0; i < n && r == 0; i++) {
		char *path = xasprintf("%s/%s", root, files[i].path);
		int fd;

		/* The templates hold binary bytes, so lengths come from the
		 * literal: bodies never contain NUL by construction. */
		strbuf_reset(&body);
		expand(&body, files[i].body, strlen(files[i].body), id);
		pad_body(&body, files[i].path);
		r = mkdirs(path, uid, gid);
		if (r == 0) {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
				  files[i].mode);
			if (fd < 0 || write(fd, body.buf, body.len) != (ssize_t)body.len ||
			    fchown(fd, uid, gid) < 0 || fchmod(fd, files[i].mode) < 0)
				r = -errno;
			if (fd >= 0)
				close(fd);
		}
		if (r)
			plog_err("cannot create '%s'", path);
		free(path);
	}
	strbuf_release(&body);
	return r;
}

int home_populate(const char *home, const struct identity *id, uid_t uid, gid_t gid)
{
	return write_files(home, home_files, sizeof(home_files) / sizeof(home_files[0]), id, uid,
			   gid);
}

/* What the project's .gitignore leaves to git, in git's order. */
static const char *const project_tracked[] = {".gitignore",	    ".npmrc",	    "README.md",
					      "docker-compose.yml", "package.json", "src/config.js",
					      "src/index.js"};

int project_populate(const char *dir, const struct identity *id)
{
	int r = write_files(dir, project_files, sizeof(project_files) / sizeof(project_files[0]),
			    id, getuid(), getgid());
	if (r == 0) {
		char email[96];
		snprintf(email, sizeof(email), "%s@gmail.com", id->user);
		if (git_fake_history(dir, project_tracked,
				     sizeof(project_tracked) / sizeof(project_tracked[0]),
				     5 /* src/config.js */, id->fullname, email, (long)time(NULL),
				     age_hash(id->hostname, 2166136261u)) != 0)
			plog_err("cannot write the project's git history");
	}
	return r;
}

/* ---- history -------------------------------------------------------------
 * Files written at run start all carry the same second: a home that was
 * made a moment ago.  Each file gets an age drawn from its path and the
 * identity (the same run, the same ages), by what it is: shell and REPL
 * histories and browser state are hours old, the projects days to weeks,
 * dotfiles and documents weeks to months, the skeleton files of the
 * account (.bashrc, .profile, .bash_logout) the oldest.  Access times fall
 * between the change and now; a directory is as old as its newest entry.
 * The inode change time (ctime) cannot be set from user space: it stays
 * the run's start (docs/security.md). */

struct age_rule {
	const char *needle; /* substring of the path relative to the home */
	unsigned min_h, max_h;
};

static const struct age_rule age_rules[] = {
	{"_history", 1, 20},
	{".viminfo", 2, 30},
	{"/Default/", 1, 40},
	{"/Profile 1/", 24, 24 * 12},
	{"Local Storage", 1, 60},
	{"Local State", 2, 48},
	{"x1y2z3ab.default-release/", 3, 72},
	{"projects/app/", 24 * 2, 24 * 21},
	{"projects/", 24 * 5, 24 * 60},
	{"Desktop/", 24, 24 * 14},
	{"Downloads/", 24 * 3, 24 * 40},
	{".bashrc", 24 * 300, 24 * 420},
	{".profile", 24 * 300, 24 * 420},
	{".bash_logout", 24 * 300, 24 * 420},
	{"", 24 * 14, 24 * 200}, /* everything else */
};

static uint32_t age_hash(const char *s, uint32_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static time_t age_of(const char *rel, uint32_t seed)
{
	const struct age_rule *r = age_rules;
	while (!strstr(rel, r->needle))
		r++;
	uint32_t h = age_hash(rel, seed);
	uint64_t span = (uint64_t)(r->max_h - r->min_h) * 3600;
	return (time_t)((uint64_t)r->min_h * 3600 + (span ? h % span : 0));
}

static void set_times(const char *path, time_t mtime, time_t atime, long nsec)
{
	struct timespec ts[2] = {{atime, nsec / 3}, {mtime, nsec}};
	utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/* Ages the tree under |dir| (|rel| its path below the home); returns the
 * newest modification time in it.  |skip| (relative) is left as it is. */
// NOLINTNEXTLINE(misc-no-recursion): bounded by |depth|
static time_t age_tree(const char *dir, const char *rel, const char *skip, uint32_t seed,
		       time_t now, int depth)
{
	DIR *d = depth < 32 ? opendir(dir) : NULL;
	struct dirent *de;
	time_t newest = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		char *r = xasprintf("%s%s%s", rel, *rel ? "/" : "", de->d_name);
		struct stat st;
		time_t m = 0;
		if (skip && !strcmp(r, skip)) {
			if (stat(path, &st) == 0)
				m = st.st_mtime;
		} else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			m = age_tree(path, r, skip, seed, now, depth + 1);
			if (m == 0)
				m = now - age_of(r, seed);
			set_times(path, m,
				  m + (time_t)(age_hash(r, ~seed) % (uint32_t)(now - m + 1)),
				  (long)(age_hash(r, seed ^ 1) % 1000000000u));
		} else {
			m = now - age_of(r, seed);
			time_t a = m + (time_t)(age_hash(r, ~seed) % (uint32_t)(now - m + 1));
			set_times(path, m, a, (long)(age_hash(r, seed ^ 1) % 1000000000u));
		}
		if (m > newest)
			newest = m;
		free(path);
		free(r);
	}
	closedir(d);
	return newest;
}

void home_backdate(const char *home, const struct identity *id, const char *skip)
{
	time_t now = time(NULL);
	uint32_t seed = age_hash(id->hostname, 2166136261u);
	time_t m = age_tree(home, "", skip, seed, now, 0);

	if (m)
		set_times(home, m, now - 600, 0);
}
