#!/bin/sh
# A .tgz of (seeded, so reproducible) random bytes that start with neither the
# gzip magic nor a tar header; prints its path.
set -e
mkdir -p "$1"
python3 -c '
import random, sys
b = bytearray(random.Random(42).randbytes(4096))
b[0] = 0x42  # never 0x1f (gzip) nor a plausible tar name
open(sys.argv[1], "wb").write(b)
' "$1/x.tgz"
echo "$1/x.tgz"
