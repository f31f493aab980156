/* snare's version and where to read about it, for --version and the
 * formats that name the tool (SARIF's driver).  A build may set them:
 * make CFLAGS+='-DSNARE_VERSION="1.2.3" -DSNARE_URL="https://..."'. */
#ifndef SNARE_UTIL_VERSION_H
#define SNARE_UTIL_VERSION_H

#ifndef SNARE_VERSION
#define SNARE_VERSION "0.1.0"
#endif

/* The project's page, an absolute URI; "" while none is recorded (SARIF's
 * informationUri must be absolute, so it is then left out). */
#ifndef SNARE_URL
#define SNARE_URL ""
#endif

#endif
