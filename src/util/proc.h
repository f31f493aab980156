/* Who owns a left-over resource: a process named by its pid and its start
 * time, so that a pid the kernel gave to another process since does not
 * pass for the owner. */
#ifndef SNARE_PROC_H
#define SNARE_PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* The start time of |pid| (field 22 of /proc/PID/stat, clock ticks since
 * boot), or 0 when there is no such process or it is a zombie. */
unsigned long long proc_starttime(pid_t pid);

/* Whether the process that had |pid| and |starttime| still runs. */
bool proc_alive(pid_t pid, unsigned long long starttime);

/* Whether |pid| is a process that has not ended (a zombie has). */
bool proc_running(pid_t pid);

/* Marks the directory |dir| as this process's: |dir|/owner holds "PID
 * STARTTIME".  0 or -errno. */
int proc_claim_dir(const char *dir);

/* Whether |dir| was claimed by a process that has ended since (a claim that
 * cannot be read or parsed is never orphaned: it may be in the making). */
bool proc_dir_orphaned(const char *dir);

/* Drops the claim on |dir|, so that it is kept and never swept. */
void proc_unclaim_dir(const char *dir);

#endif
