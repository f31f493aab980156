/* Resource limits.  cgroup v2 when the host runs the unified hierarchy,
 * the v1 memory and pids controllers on hybrid hosts, and rlimits as the
 * floor everywhere.  cgroups need write access to the hierarchy (root);
 * without it the report says only rlimits held. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/proc.h"

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return fs_write_str(path, val);
}

static bool cg_make(const char *base, pid_t pid, char *out, size_t outlen)
{
	struct stat st;

	if (stat(base, &st) < 0 || access(base, W_OK) < 0)
		return false;
	snprintf(out, outlen, "%s/snare-%d", base, (int)pid);
	if (mkdir(out, 0755) < 0 && errno != EEXIST) {
		out[0] = '\0';
		return false;
	}
	return true;
}

void limits_cgroup_setup(const struct sandbox_limits *lim, pid_t init_pid, struct cgroup_handle *cg,
			 struct sandbox_enforced *enf)
{
	char val[64], pid[32];

	memset(cg, 0, sizeof(*cg));
	enf->cgroup = "none";
	snprintf(pid, sizeof(pid), "%d", (int)init_pid);
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		if (!cg_make("/sys/fs/cgroup", init_pid, cg->paths[0], sizeof(cg->paths[0])))
			return;
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->memory_bytes);
		enf->memory = write_str(cg->paths[0], "memory.max", val) == 0;
		write_str(cg->paths[0], "memory.swap.max", "0");
		snprintf(val, sizeof(val), "%u", lim->pids);
		enf->pids = write_str(cg->paths[0], "pids.max", val) == 0;
		if (write_str(cg->paths[0], "cgroup.procs", pid) == 0)
			enf->cgroup = "v2";
		else
			enf->memory = enf->pids = false;
		return;
	}
	if (cg_make("/sys/fs/cgroup/memory", init_pid, cg->paths[1], sizeof(cg->paths[1]))) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->memory_bytes);
		enf->memory = write_str(cg->paths[1], "memory.limit_in_bytes", val) == 0 &&
			      write_str(cg->paths[1], "cgroup.procs", pid) == 0;
		write_str(cg->paths[1], "memory.memsw.limit_in_bytes", val);
	}
	if (cg_make("/sys/fs/cgroup/pids", init_pid, cg->paths[2], sizeof(cg->paths[2]))) {
		snprintf(val, sizeof(val), "%u", lim->pids);
		enf->pids = write_str(cg->paths[2], "pids.max", val) == 0 &&
			    write_str(cg->paths[2], "cgroup.procs", pid) == 0;
	}
	if (enf->memory || enf->pids)
		enf->cgroup = "v1";
}

void limits_cgroup_release(struct cgroup_handle *cg)
{
	for (int i = 0; i < 3; i++) {
		if (!cg->paths[i][0])
			continue;
		/* Empty once every process inside has exited; retry briefly. */
		for (int t = 0; t < 50 && rmdir(cg->paths[i]) < 0 && errno == EBUSY; t++)
			usleep(2000);
		cg->paths[i][0] = '\0';
	}
}

/* Called in the step child between fork and exec: no allocation. */
int limits_apply_rlimits(const struct sandbox_limits *lim)
{
	struct rlimit fsize = {lim->file_bytes, lim->file_bytes};
	struct rlimit nproc = {lim->pids, lim->pids};
	struct rlimit nofile = {lim->nofile, lim->nofile};
	struct rlimit core = {0, 0};

	if (setrlimit(RLIMIT_FSIZE, &fsize) < 0 || setrlimit(RLIMIT_NPROC, &nproc) < 0 ||
	    setrlimit(RLIMIT_NOFILE, &nofile) < 0 || setrlimit(RLIMIT_CORE, &core) < 0)
		return -errno;
	return 0;
}

/* A cgroup is named after its sandbox's init (snare-PID); with that
 * process gone it is stale.  rmdir removes only an empty one. */
void limits_cgroup_sweep(void)
{
	static const char *const bases[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/memory",
					    "/sys/fs/cgroup/pids"};

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		DIR *d = opendir(bases[i]);
		struct dirent *de;

		if (!d)
			continue;
		while ((de = readdir(d))) {
			char *end, path[512];
			long pid;

			if (strncmp(de->d_name, "snare-", 6) != 0)
				continue;
			pid = strtol(de->d_name + 6, &end, 10);
			if (end == de->d_name + 6 || *end || pid <= 0)
				continue;
			if (proc_running((pid_t)pid))
				continue;
			snprintf(path, sizeof(path), "%s/%s", bases[i], de->d_name);
			if (rmdir(path) == 0)
				log_warn("removed the cgroup '%s' left by a killed run", path);
		}
		closedir(d);
	}
}
