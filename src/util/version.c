/* The version string, from the header the Makefile generates. */
#include "util/version.h"
#include "version_gen.h"

const char *snare_version(void)
{
	return SNARE_VERSION;
}
