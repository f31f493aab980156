/* A main() for running a harness without libFuzzer: every file named on the
 * command line, or found in a directory named there, goes through
 * LLVMFuzzerTestOneInput() once.  `make fuzz-valgrind` builds the harnesses
 * with it, without sanitizers, and runs the corpora under Valgrind, which
 * also sees what happens inside the system libraries (jansson, libarchive)
 * that AddressSanitizer cannot. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* Inputs are at most this long: more than any -max_len in fuzz/fuzz.mk. */
#define STANDALONE_MAX (1u << 20)

static int run_file(const char *path)
{
	size_t len;
	char *data = fs_read_file(path, STANDALONE_MAX, &len);
	uint8_t *exact;

	if (!data) {
		perror(path);
		return -1;
	}
	/* A buffer of exactly the input's size, as libFuzzer gives. */
	exact = xmalloc(len ? len : 1);
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int k;

		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) < 0;
			n++;
			continue;
		}
		k = scandir(argv[i], &names, NULL, alphasort);
		for (int j = 0; j < k; j++) {
			char *path = xasprintf("%s/%s", argv[i], names[j]->d_name);

			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad += run_file(path) < 0;
				n++;
			}
			free(path);
			free(names[j]);
		}
		if (k >= 0)
			free(names);
	}
	fprintf(stderr, "%s: %d inputs\n", argv[0], n);
	return bad ? 1 : 0;
}
