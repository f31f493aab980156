#!/bin/sh
# The package as an npm tarball (package/ at its root); prints its path.
set -e
mkdir -p "$1"
tar czf "$1/static-tarball-1.0.0.tgz" -C "$(dirname "$0")" package
echo "$1/static-tarball-1.0.0.tgz"
