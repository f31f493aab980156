/* Making node trust the run's certificate authority without a tell.
 *
 * Node does not read the system's CA store: its roots are compiled into
 * the binary as PEM strings and parsed when the first TLS context is made.
 * NODE_EXTRA_CA_CERTS or --use-openssl-ca would work, but a package sees
 * both (process.env, process.execArgv), and malware checks for them.  So
 * the tracer, which stops every node process right after its exec, writes
 * the CA over one bundled root in that process's memory (a private copy of
 * the read-only page, as a debugger sets a breakpoint).  The file on disk,
 * the environment and the command line stay as they are.
 *
 *   struct nodeca *nc = nodeca_new("/usr/bin/node", pem, err, sizeof(err));
 *   ... at each exec stop:  nodeca_patch(nc, pid);
 *   nodeca_free(nc);
 *
 * The slot is the last bundled root long enough for |pem| (the rest of it
 * is filled with newlines, which the PEM reader skips).  Its place in the
 * file is looked up once per binary and remembered in a small cache file
 * (see nodeca_new()). */
#ifndef SNARE_TLS_NODECA_H
#define SNARE_TLS_NODECA_H

#include <stddef.h>
#include <sys/types.h>

struct nodeca;

/* Finds the slot in |node_path| for |pem| (copied).  |cache_dir|, when not
 * NULL, holds a file remembering the slot per binary (device, inode, size
 * and modification time), so the 100 MB binary is scanned once.  NULL with
 * one line in |err| when the binary cannot be read or holds no bundled
 * root long enough. */
struct nodeca *nodeca_new(const char *node_path, const char *pem, const char *cache_dir, char *err,
			  size_t errlen);

/* If |pid| (stopped by its tracer, just after an exec) runs the node
 * binary, writes the CA into its slot.  Returns 1 when patched, 0 when
 * |pid| does not run that binary, -errno on failure (the slot not where
 * expected, no access). */
int nodeca_patch(const struct nodeca *nc, pid_t pid);

/* NULL ok. */
void nodeca_free(struct nodeca *nc);

#endif
