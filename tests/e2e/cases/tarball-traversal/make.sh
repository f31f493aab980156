#!/bin/sh
# Builds a tarball whose second entry climbs out of the package directory
# (package/../../evil.txt) and prints its path.  Nothing is extracted here.
set -e
mkdir -p "$1"
python3 - "$1/traversal.tgz" <<'PY'
import io, sys, tarfile
def add(t, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    t.addfile(ti, io.BytesIO(data))
with tarfile.open(sys.argv[1], "w:gz") as t:
    add(t, "package/package.json", b'{"name":"tarball-traversal-fixture","version":"1.0.0"}\n')
    add(t, "package/../../evil.txt", b"escaped\n")
PY
echo "$1/traversal.tgz"
