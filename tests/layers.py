#!/usr/bin/env python3
"""Checks that every module of src/ includes only the headers of modules in
lower layers (README's Layout states the same order).  A module missing from
the table, an upward or a sideways include is an error.
Usage: tests/layers.py [SRC_DIR]   prints "layers: ok" or the faults, exit 1."""
import os
import re
import sys

# Bottom to top; modules on one line are one layer and do not include
# each other.
LAYERS = [
    ["util", "sys"],
    ["event"],
    ["syscall"],
    ["sandbox", "tls", "fetch"],
    ["trace", "netsink", "lockfile", "static", "depstore"],
    ["run"],
    ["report"],
    ["features"],
    ["model", "explain", "dataset", "eval"],
    ["store", "queue"],
    ["scan"],
    ["guard"],
    ["cli"],
]
RANK = {m: i for i, layer in enumerate(LAYERS) for m in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/')


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    faults = []
    for mod in sorted(os.listdir(src)):
        d = os.path.join(src, mod)
        if not os.path.isdir(d):
            continue
        if mod not in RANK:
            faults.append("%s: module not in the layer table (tests/layers.py, README's Layout)" % mod)
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith((".c", ".h", ".def")):
                continue
            for n, line in enumerate(open(os.path.join(d, f), encoding="utf-8"), 1):
                m = INCLUDE.match(line)
                if not m or m.group(1) == mod:
                    continue
                dep = m.group(1)
                if dep not in RANK:
                    faults.append("src/%s/%s:%d: includes unknown module '%s'" % (mod, f, n, dep))
                elif RANK[dep] >= RANK[mod]:
                    how = "sideways" if RANK[dep] == RANK[mod] else "upward"
                    faults.append("src/%s/%s:%d: %s include of '%s' (layer %d) from '%s' (layer %d)"
                                  % (mod, f, n, how, dep, RANK[dep], mod, RANK[mod]))
    for f in faults:
        print(f)
    print("layers: %s" % ("ok" if not faults else "%d faults" % len(faults)))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
