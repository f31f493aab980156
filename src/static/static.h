/* Static facts about a package's own files, the second feature family:
 * what its install scripts' command lines contain, signs of obfuscation,
 * and the URLs and IP addresses written in its code.  Reads files only;
 * runs nothing. */
#ifndef SNARE_STATIC_H
#define SNARE_STATIC_H

#include <jansson.h>

/* Scans the package directory |dir| (host path).  Returns the "static"
 * report object; never NULL. */
json_t *static_scan(const char *dir);

#endif
