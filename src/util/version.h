/* snare's version: the VERSION file, and the commit it was built from
 * when the build had git ("0.1.0+g0fb91f3c2a1d"; a commit tagged
 * v<VERSION> has no suffix).  Set by the Makefile (SNARE_VERSION). */
#ifndef SNARE_UTIL_VERSION_H
#define SNARE_UTIL_VERSION_H

/* "0.1.0" or "0.1.0+g<12 hex digits>"; static storage. */
const char *snare_version(void);

/* The project's page, an absolute URI; "" while none is recorded (SARIF's
 * informationUri must be absolute, so it is then left out).  A build may
 * set it: make CFLAGS+='-DSNARE_URL="https://..."'. */
#ifndef SNARE_URL
#define SNARE_URL ""
#endif

#endif
