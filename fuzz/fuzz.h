/* Shared by the libFuzzer harnesses (fuzz/fuzz_<name>.c) and by
 * tests/unit/test_fuzz_regressions.c, which includes the harnesses with
 * FUZZ_NO_MAIN defined and replays fuzz/regressions/<name>/ through them.
 *
 * Each harness defines fuzz_<name>(data, size), which feeds one input to
 * its target and checks the target's contract with FUZZ_CHECK(); without
 * FUZZ_NO_MAIN it also defines LLVMFuzzerTestOneInput() calling it. */
#ifndef SNARE_FUZZ_H
#define SNARE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken contract is a finding: report it and abort so that libFuzzer
 * saves the input.  The regression test may define its own. */
#ifndef FUZZ_CHECK
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#endif

#ifdef FUZZ_NO_MAIN
#define FUZZ_MAIN(name)
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_MAIN(name)                                                                            \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		return fuzz_##name(data, size);                                                    \
	}
#endif

/* A new directory "snare-fuzz-<name>-<pid>-XXXXXX" under $TMPDIR (else
 * /tmp), removed with everything in it when the process exits; those left
 * by processes that crashed are removed first.  Aborts when it cannot be
 * made: a harness without its directory is of no use. */
char *fuzz_tmpdir(const char *name);

int fuzz_unpack(const uint8_t *data, size_t size);
int fuzz_pkgjson(const uint8_t *data, size_t size);
int fuzz_packument(const uint8_t *data, size_t size);
int fuzz_dns(const uint8_t *data, size_t size);
int fuzz_sniff(const uint8_t *data, size_t size);
int fuzz_features(const uint8_t *data, size_t size);
int fuzz_table(const uint8_t *data, size_t size);
int fuzz_lockfile(const uint8_t *data, size_t size);
int fuzz_channels(const uint8_t *data, size_t size);
int fuzz_js(const uint8_t *data, size_t size);

#endif
