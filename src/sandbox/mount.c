/* The sandbox's file system view (bubblewrap's model): a tmpfs root holding
 * read-only binds of the host's /usr, /etc, /var, /sys, a fresh /proc, a
 * minimal /dev, private tmpfs on /tmp, /run and the home, the project
 * directory bound read-write, then pivot_root and the old root detached. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sandbox/identity.h"
#include "sandbox/internal.h"
#include "sys/sys.h"
#include "util/errbuf.h"
#include "util/fsutil.h"
#include "util/log.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		int e_ = errno;                                                                    \
		char m_[512];                                                                      \
		snprintf(m_, sizeof(m_), __VA_ARGS__);                                             \
		errbuf_set(err, errlen, "%s: %s", m_, strerror(e_));                               \
		return -e_;                                                                        \
	} while (0)

static int mkdir_p(char *path, mode_t mode)
{
	for (char *p = path + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(path, mode) < 0 && errno != EEXIST) {
				*p = c;
				return -1;
			}
			*p = c;
			if (!c)
				return 0;
		}
	}
}

static int make_ro(const char *path)
{
	struct sys_mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						  MOUNT_ATTR_NODEV};
	return sys_mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &attr);
}

static int ro_bind(const char *src, const char *root, const char *dst)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, dst);
	if (stat(src, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		if (mkdir_p(path, 0755) < 0)
			return -1;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	if (mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return make_ro(path);
}

static int tmpfs_at(const char *root, const char *dst, const char *opts, mode_t mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s", root, dst);
	if (mkdir_p(path, mode) < 0)
		return -1;
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return -1;
	return chmod(path, mode);
}

/* Top-level entries: /bin, /lib... are symlinks on merged-/usr Debian;
 * mirror them, or bind them when they are real directories. */
static int mirror_toplevel(const char *root, const char *name)
{
	char src[64], dst[4096], target[4096];
	struct stat st;
	ssize_t n;

	snprintf(src, sizeof(src), "/%s", name);
	if (lstat(src, &st) < 0)
		return 0; /* absent on this host */
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		snprintf(dst, sizeof(dst), "%s/%s", root, name);
		return symlink(target, dst);
	}
	return ro_bind(src, root, src);
}

static int write_file(const char *path, const char *body, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	size_t len = strlen(body);

	if (fd < 0)
		return -1;
	if (write(fd, body, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Files bound over the host's (/etc's identity files, the CA bundle) are
 * written into a small tmpfs of their own at STAGE, which is detached once
 * they are bound: nothing inside names where they came from, and the
 * mount table shows them as files of a tmpfs. */
#define STAGE "/run/.stage"

static int stage_open(const char *root, char *err, size_t errlen)
{
	if (tmpfs_at(root, STAGE, "mode=0755,size=16m", 0755) < 0)
		FAIL("cannot mount the staging tmpfs");
	return 0;
}

static int stage_close(const char *root, char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s" STAGE, root);
	if (umount2(path, MNT_DETACH) < 0 || rmdir(path) < 0)
		FAIL("cannot detach the staging tmpfs");
	return 0;
}

/* /etc is the host's, read-only, with the identity files replaced by ours
 * (bound over the host's from the staging tmpfs). */
static int overlay_etc(const char *root, const struct identity *id, char *err, size_t errlen)
{
	char stage[4096], src[4096], dst[4096], body[2048];
	static const char *const files[] = {"passwd", "group", "hostname", "hosts", "resolv.conf"};

	snprintf(stage, sizeof(stage), "%s" STAGE, root);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *f = files[i];
		if (!strcmp(f, "passwd"))
			snprintf(
				body, sizeof(body),
				"root:x:0:0:root:/root:/bin/bash\n"
				"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				"bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
				"sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
				"sync:x:4:65534:sync:/bin:/bin/sync\n"
				"man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
				"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
				"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
				"systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin\n"
				"messagebus:x:100:107::/nonexistent:/usr/sbin/nologin\n"
				"%s:x:%d:%d:%s,,,:%s:/bin/bash\n",
				id->user, SANDBOX_UID, SANDBOX_GID, id->fullname, id->home);
		else if (!strcmp(f, "group"))
			snprintf(body, sizeof(body),
				 "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:%s\n"
				 "sudo:x:27:%s\nwww-data:x:33:\nplugdev:x:46:%s\nusers:x:100:%s\n"
				 "nogroup:x:65534:\ndocker:x:999:%s\n%s:x:%d:\n",
				 id->user, id->user, id->user, id->user, id->user, id->user,
				 SANDBOX_GID);
		else if (!strcmp(f, "hostname"))
			snprintf(body, sizeof(body), "%s\n", id->hostname);
		else if (!strcmp(f, "hosts"))
			snprintf(body, sizeof(body),
				 "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n\n"
				 "::1     localhost ip6-localhost ip6-loopback\n"
				 "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n",
				 id->hostname);
		else
			snprintf(body, sizeof(body), "nameserver 192.168.1.1\nsearch lan\n");
		snprintf(src, sizeof(src), "%s/%s", stage, f);
		if (write_file(src, body, 0644) < 0)
			FAIL("cannot write '%s'", src);
		snprintf(dst, sizeof(dst), "%s/etc/%s", root, f);
		struct stat st;
		if (lstat(dst, &st) < 0 || !S_ISREG(st.st_mode)) {
			/* A symlink (resolv.conf under systemd-resolved) or absent:
			 * nothing to bind over.  DNS still reaches the netsink,
			 * which answers on every address. */
			log_debug("not replacing /etc/%s: not a regular file on the host", f);
			continue;
		}
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			FAIL("cannot bind '%s'", dst);
		make_ro(dst);
	}
	return 0;
}

static void copy_times(const char *to, const struct stat *from)
{
	struct timespec ts[2] = {from->st_atim, from->st_mtim};
	utimensat(AT_FDCWD, to, ts, AT_SYMLINK_NOFOLLOW);
}

/* A copy of the host's /etc/ssl/certs (its links, its times) holding the
 * bundle at |bundle| and the CA as update-ca-certificates leaves a local
 * one: NAME.pem and its subject-hash link, dated like the bundle; bound
 * over the host's.  The hashed links then count what the bundle holds.
 * 0, or -1 with nothing mounted (the caller binds the bundle alone). */
static int trust_ca_dir(const char *root, const char *pem, const char *bundle,
			const struct stat *bundle_st)
{
	char dir[4096], stage[4096], p[4400], q[4400], target[4096], cn[128] = "Local_Root_CA";
	struct stat st, dst;
	struct dirent *de;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/etc/ssl/certs", root);
	snprintf(stage, sizeof(stage), "%s" STAGE "/certs", root);
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	DIR *d = x ? opendir(dir) : NULL;
	if (!d || stat(dir, &dst) < 0 || mkdir(stage, 0755) < 0) {
		if (d)
			closedir(d);
		X509_free(x);
		return -1;
	}
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		snprintf(q, sizeof(q), "%s/%s", stage, de->d_name);
		if (lstat(p, &st) < 0)
			continue;
		if (!strcmp(de->d_name, "ca-certificates.crt")) {
			r = rename(bundle, q);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(p, target, sizeof(target) - 1);
			if (n > 0) {
				target[n] = '\0';
				r = symlink(target, q);
			}
		} else if (S_ISDIR(st.st_mode)) {
			r = fs_copy_tree(p, q, 64u << 20);
		} else if (S_ISREG(st.st_mode)) {
			size_t len = 0;
			char *body = fs_read_file(p, 16u << 20, &len);
			r = body ? fs_write_file(q, body, len) : -1;
			free(body);
		}
		copy_times(q, &st);
	}
	closedir(d);
	/* the CA's file, named as Debian names them, and its hash link */
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	for (char *c = cn; *c; c++)
		if (*c == ' ')
			*c = '_';
	unsigned long h = X509_subject_name_hash(x);
	X509_free(x);
	snprintf(p, sizeof(p), "%s.pem", cn);
	snprintf(q, sizeof(q), "%s/%s", stage, p);
	if (r == 0)
		r = write_file(q, pem, 0644);
	copy_times(q, bundle_st);
	for (int i = 0; r == 0 && i < 10; i++) {
		snprintf(target, sizeof(target), "%s/%08lx.%d", stage, h, i);
		if (symlink(p, target) == 0) {
			copy_times(target, bundle_st);
			break;
		}
	}
	copy_times(stage, &dst);
	if (r != 0 || mount(stage, dir, NULL, MS_BIND, NULL) < 0) {
		log_debug("cannot stage /etc/ssl/certs: %s", strerror(errno));
		return -1;
	}
	make_ro(dir);
	return 0;
}

/* The system CA bundle (what curl, wget, python, openssl and Go read) with
 * |pem| among its certificates, bound over the host's. */
static int trust_ca(const char *root, const char *pem, char *err, size_t errlen)
{
	static const char bundle[] = "/etc/ssl/certs/ca-certificates.crt";
	char src[4096], dst[4096];
	size_t len = 0;
	struct stat st;

	snprintf(dst, sizeof(dst), "%s%s", root, bundle);
	if (lstat(dst, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_debug("no system CA bundle at %s: nothing to add the CA to", bundle);
		return 0;
	}
	char *host = fs_read_file(dst, 16u << 20, &len);
	if (!host)
		FAIL("cannot read '%s'", bundle);
	/* In the middle of the bundle, not at its end. */
	size_t cut = len / 2;
	const char *mark = memmem(host + cut, len - cut, "-----END CERTIFICATE-----\n", 26);
	cut = mark ? (size_t)(mark - host) + 26 : len;
	snprintf(src, sizeof(src), "%s" STAGE "/ca-certificates.crt", root);
	int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	bool ok = fd >= 0 && write(fd, host, cut) == (ssize_t)cut &&
		  write(fd, pem, strlen(pem)) == (ssize_t)strlen(pem) &&
		  write(fd, host + cut, len - cut) == (ssize_t)(len - cut);
	free(host);
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (!ok)
		FAIL("cannot write '%s'", src);
	if (trust_ca_dir(root, pem, src, &st) == 0)
		return 0;
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		FAIL("cannot bind '%s'", bundle);
	make_ro(dst);
	return 0;
}

/* /sys: a sysfs of the sandbox's own network namespace (the host's lists
 * the host's network cards, not the sandbox's), or the host's read-only
 * where the kernel refuses a new one.  DMI names the machine: a virtual
 * one says QEMU, KVM or VMware there, which is a tell of the analysis
 * host, so it reads as a laptop's. */
static void mount_sys(const char *root)
{
	static const char *const dmi[][2] = {
		{"sys_vendor", "Dell Inc."},
		{"product_name", "XPS 13 9310"},
		{"product_family", "XPS"},
		{"product_version", ""},
		{"board_vendor", "Dell Inc."},
		{"board_name", "0DXP1F"},
		{"board_version", "A00"},
		{"bios_vendor", "Dell Inc."},
		{"bios_version", "3.21.0"},
		{"bios_date", "02/19/2024"},
		{"chassis_vendor", "Dell Inc."},
		{"chassis_type", "10"},
		{"chassis_version", ""},
		{"modalias", "dmi:bvnDellInc.:bvr3.21.0:svnDellInc.:pnXPS139310:"}};
	char path[4096];

	snprintf(path, sizeof(path), "%s/sys", root);
	if (mkdir_p(path, 0555) < 0)
		return;
	if (mount("sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		log_debug("no sysfs of the sandbox's own (%s): the host's, read-only",
			  strerror(errno));
		if (ro_bind("/sys", root, "/sys") < 0)
			log_debug("no /sys in the sandbox");
		return;
	}
	snprintf(path, sizeof(path), "%s/sys/devices/virtual/dmi/id", root);
	if (access(path, F_OK) < 0 ||
	    mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k") <
		    0)
		return;
	for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++) {
		char file[4200], body[128];
		snprintf(file, sizeof(file), "%s/%s", path, dmi[i][0]);
		snprintf(body, sizeof(body), "%s\n", dmi[i][1]);
		if (write_file(file, body, 0444) < 0)
			log_debug("cannot write '%s'", file);
	}
	make_ro(path);
}

/* /proc/cpuinfo without the "hypervisor" flag the CPU shows in a virtual
 * machine (the analysis host's, not the sandbox's, tell), staged and bound
 * over the sandbox's /proc/cpuinfo. */
static void cpuinfo_plain(const char *root)
{
	char src[4096], dst[4096];
	size_t len = 0, cap = 1 << 16;
	char *info = malloc(cap);
	int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC); /* st_size is 0: read to EOF */
	ssize_t n;

	if (!info || fd < 0) {
		free(info);
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((n = read(fd, info + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			char *more = cap < (8u << 20) ? realloc(info, cap * 2) : NULL;
			if (!more)
				break;
			info = more;
			cap *= 2;
		}
	}
	close(fd);
	info[len] = '\0';
	char *p = info;
	bool changed = false;
	while ((p = strstr(p, " hypervisor")) != NULL) {
		if (p[11] == ' ' || p[11] == '\n') {
			memmove(p, p + 11, strlen(p + 11) + 1);
			changed = true;
		} else {
			p++;
		}
	}
	snprintf(src, sizeof(src), "%s" STAGE "/cpuinfo", root);
	snprintf(dst, sizeof(dst), "%s/proc/cpuinfo", root);
	if (changed && write_file(src, info, 0444) == 0 &&
	    mount(src, dst, NULL, MS_BIND, NULL) == 0)
		make_ro(dst);
	free(info);
}

static int build_dev(const char *root, char *err, size_t errlen)
{
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	char path[4096], src[64];

	if (tmpfs_at(root, "/dev", "mode=0755,size=64k", 0755) < 0)
		FAIL("cannot mount tmpfs on /dev");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		snprintf(path, sizeof(path), "%s/dev/%s", root, nodes[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			FAIL("cannot create '%s'", path);
		close(fd);
		if (mount(src, path, NULL, MS_BIND, NULL) < 0)
			FAIL("cannot bind '%s'", src);
		/* nosuid like every other mount: nothing runs with more rights */
		struct sys_mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC};
		if (sys_mount_setattr(AT_FDCWD, path, 0, &attr) < 0)
			FAIL("cannot make '%s' nosuid", path);
	}
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		{"/proc/kcore", "core"},       {"pts/ptmx", "ptmx"}};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", root, links[i][1]);
		if (symlink(links[i][0], path) < 0)
			FAIL("cannot create '%s'", path);
	}
	snprintf(path, sizeof(path), "%s/dev/pts", root);
	if (mkdir(path, 0755) < 0)
		FAIL("cannot create '%s'", path);
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		FAIL("cannot mount devpts");
	if (tmpfs_at(root, "/dev/shm", "mode=1777,size=64m", 01777) < 0)
		FAIL("cannot mount /dev/shm");
	return 0;
}

static int home_age(const struct sandbox_config *cfg, const char *newroot)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s", newroot, cfg->id->home);
	home_backdate(path, cfg->id, cfg->fresh);
	return 0;
}

/* The home and the project: the project is the host directory the package
 * and its dependencies were unpacked into, copied into the home (a bind
 * mount would name the host directory in /proc/self/mountinfo, and show a
 * mount where a developer's machine has a directory).  A project larger
 * than half the home's tmpfs is bound instead. */
static int mount_home(const struct sandbox_config *cfg, const char *newroot, uid_t uid, gid_t gid,
		      char *err, size_t errlen)
{
	const struct identity *id = cfg->id;
	char path[4096];

	snprintf(path, sizeof(path), "%s%s", newroot, id->home);
	if (mkdir(path, 0750) < 0 || chown(path, uid, gid) < 0)
		FAIL("cannot create the home");
	if (home_populate(path, id, uid, gid) < 0)
		FAIL("cannot populate the home");
	snprintf(path, sizeof(path), "%s%s/projects/app", newroot, id->home);
	if (mkdir_p(path, 0755) < 0 || chown(path, uid, gid) < 0)
		FAIL("cannot create the project directory");
	int r = fs_copy_tree(cfg->project_dir, path, cfg->limits.tmpfs_bytes / 2);
	if (r == 0 && fs_chown_tree(path, uid, gid) == 0)
		return home_age(cfg, newroot);
	log_debug("project not copied (%s): bound instead", strerror(r < 0 ? -r : errno));
	fs_rm_rf(path);
	if (mkdir_p(path, 0755) < 0 || chown(path, uid, gid) < 0)
		FAIL("cannot create the project directory");
	if (mount(cfg->project_dir, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		FAIL("cannot bind the project directory '%s'", cfg->project_dir);
	struct sys_mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	sys_mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &attr);
	return home_age(cfg, newroot);
}

/* pivot_root(".", ".") then detach the old root (bubblewrap). */
static int pivot(const char *newroot, char *err, size_t errlen)
{
	if (chdir(newroot) < 0)
		FAIL("cannot enter the sandbox root");
	if (sys_pivot_root(".", ".") < 0)
		FAIL("cannot pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		FAIL("cannot detach the host root");
	if (chdir("/") < 0)
		FAIL("cannot chdir to /");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) <
	    0)
		FAIL("cannot make the sandbox root read-only");
	return 0;
}

int mount_build_root(const struct sandbox_config *cfg, const char *newroot, uid_t uid, gid_t gid,
		     char *err, size_t errlen)
{
	const struct identity *id = cfg->id;
	char path[4096], opts[128];
	static const char *const top[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
	static const char *const empty[] = {"/root", "/mnt", "/media", "/srv", "/opt", "/boot"};

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		FAIL("cannot make mounts private");
	if (mount("tmpfs", newroot, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") < 0)
		FAIL("cannot mount the sandbox root");
	if (ro_bind("/usr", newroot, "/usr") < 0)
		FAIL("cannot bind /usr");
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (mirror_toplevel(newroot, top[i]) < 0)
			FAIL("cannot mirror /%s", top[i]);
	if (ro_bind("/etc", newroot, "/etc") < 0)
		FAIL("cannot bind /etc");
	if (ro_bind("/var", newroot, "/var") < 0)
		FAIL("cannot bind /var");
	mount_sys(newroot);
	snprintf(opts, sizeof(opts), "mode=1777,size=%llu",
		 (unsigned long long)cfg->limits.tmpfs_bytes);
	if (tmpfs_at(newroot, "/tmp", opts, 01777) < 0 ||
	    tmpfs_at(newroot, "/var/tmp", opts, 01777) < 0)
		FAIL("cannot mount /tmp");
	if (tmpfs_at(newroot, "/run", "mode=0755,size=4m", 0755) < 0)
		FAIL("cannot mount /run");
	snprintf(path, sizeof(path), "%s/run/user/%d", newroot, SANDBOX_UID);
	if (mkdir_p(path, 0700) < 0 || chown(path, uid, gid) < 0)
		FAIL("cannot create /run/user");
	if (tmpfs_at(newroot, "/var/spool/cron", "mode=0755,size=1m", 0755) < 0)
		log_debug("no private /var/spool/cron");
	if (tmpfs_at(newroot, "/home", opts, 0755) < 0)
		FAIL("cannot mount /home");
	if (stage_open(newroot, err, errlen) < 0 || overlay_etc(newroot, id, err, errlen) < 0)
		return -errno;
	if (cfg->ca_pem && trust_ca(newroot, cfg->ca_pem, err, errlen) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", newroot, empty[i]);
		if (mkdir(path, strcmp(empty[i], "/root") ? 0755 : 0700) < 0)
			FAIL("cannot create '%s'", path);
	}
	if (build_dev(newroot, err, errlen) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/proc", newroot);
	if (mkdir(path, 0555) < 0 ||
	    mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		FAIL("cannot mount /proc");
	cpuinfo_plain(newroot);
	if (stage_close(newroot, err, errlen) < 0)
		return -errno;

	if (mount_home(cfg, newroot, uid, gid, err, errlen) < 0)
		return -errno;
	return pivot(newroot, err, errlen);
}
