#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/proc.h"

unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long t = 0;
	ssize_t n;
	int fd;

	/* /proc files have no size: read(2) them, not by their stat. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: count the fields
	 * after its last ')', where field 3 (the state) begins. */
	char *p = strrchr(buf, ')');
	/* a zombie has ended: only its exit status is left to collect */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

bool proc_alive(pid_t pid, unsigned long long starttime)
{
	if (pid <= 0)
		return false;
	/* An owner whose start time is unknown counts as alive while its pid
	 * exists: never sweep what may be in use. */
	if (!starttime)
		return proc_running(pid);
	return proc_starttime(pid) == starttime;
}

bool proc_running(pid_t pid)
{
	return proc_starttime(pid) != 0 || (kill(pid, 0) < 0 && errno == EPERM);
}

int proc_claim_dir(const char *dir)
{
	char path[4200], line[64];

	snprintf(path, sizeof(path), "%s/owner", dir);
	snprintf(line, sizeof(line), "%d %llu\n", (int)getpid(), proc_starttime(getpid()));
	return fs_write_file(path, line, strlen(line));
}

bool proc_dir_orphaned(const char *dir)
{
	char path[4200];
	size_t len = 0;
	int pid;
	unsigned long long start;

	snprintf(path, sizeof(path), "%s/owner", dir);
	char *owner = fs_read_file(path, 64, &len);
	if (!owner)
		return false;
	bool gone = sscanf(owner, "%d %llu", &pid, &start) == 2 && !proc_alive(pid, start);
	free(owner);
	return gone;
}

void proc_unclaim_dir(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/owner", dir);
	unlink(path);
}
