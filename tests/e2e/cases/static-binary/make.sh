#!/bin/sh
# Builds the fixture's tarball: a package whose postinstall runs a
# statically linked binary.  Prints the tarball's path.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out/package"
cc -static -O1 -o "$out/package/beacon" "$here/beacon.c"
printf '{"name":"static-binary-fixture","version":"1.0.0","scripts":{"postinstall":"./beacon"}}\n' >"$out/package/package.json"
tar -czf "$out/static-binary-fixture-1.0.0.tgz" -C "$out" package
echo "$out/static-binary-fixture-1.0.0.tgz"
