#!/usr/bin/env python3
"""Benign-package robustness: every package of the first N lines of
../shared/corpus/benign/packages.txt must trace to a report with no crash
and no phase lost to a sandbox error.

Two stages, so that detonation happens behind an outer `unshare --net`:
  --fetch   (network, no package code runs) `snare fetch` each spec into
            the tarball directory and fill npm's cache with the dependencies
            (`npm install --ignore-scripts` in a scratch directory);
  default   detonate each tarball with `snare trace --offline` inside
            `unshare --net` and check the reports.

usage: bench/benign.py [--fetch] [-n 200] [-j 2] [--dir /tmp/snare-benign]
"""
import argparse, concurrent.futures as cf, json, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import benign_specs, npm_warm, tarball_of as tarball_in, wall as corpus_wall  # noqa: E402

ap = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
ap.add_argument('--list', default=os.path.join(here, '../../shared/corpus/benign/packages.txt'))
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('-n', type=int, default=200)
ap.add_argument('-j', type=int, default=2)
ap.add_argument('--dir', default='/tmp/snare-benign')
ap.add_argument('--fetch', action='store_true')
args = ap.parse_args()

specs = benign_specs(args.list, args.n)
tgz_dir = os.path.join(args.dir, 'tarballs')
rep_dir = os.path.join(args.dir, 'reports')
os.makedirs(tgz_dir, exist_ok=True)
os.makedirs(rep_dir, exist_ok=True)


def tarball_of(spec):
    return tarball_in(tgz_dir, spec)


if args.fetch:
    # Tarballs: snare's own registry client (integrity verified).
    lst = os.path.join(args.dir, 'specs.txt')
    with open(lst, 'w') as f:
        f.write('\n'.join(specs) + '\n')
    subprocess.run([args.snare, 'fetch', '--from', lst, '--dir', tgz_dir], stdout=subprocess.DEVNULL)
    # Dependencies into npm's cache, many packages per npm run (nothing runs:
    # --ignore-scripts); a chunk that fails is retried one package at a time.
    def warm(chunk):
        return npm_warm(chunk, force=True)
    chunks = [specs[i:i + 40] for i in range(0, len(specs), 40)]
    with cf.ThreadPoolExecutor(2) as ex:
        for chunk, ok in zip(chunks, ex.map(warm, chunks)):
            if not ok:
                for spec in chunk:
                    if not warm([spec]):
                        print('deps of %s could not be cached' % spec)
    sys.exit(0)

wall = corpus_wall()


def detonate(spec):
    out = os.path.join(rep_dir, os.path.basename(tarball_of(spec)) + '.json')
    t = time.time()
    p = subprocess.run(wall + [args.snare, 'trace', tarball_of(spec), '-q', '-o', out, '--offline'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return spec, out, p.returncode, time.time() - t, p.stderr.strip()[-300:]


bad = []
statuses = {}
times = []
t0 = time.time()
with cf.ThreadPoolExecutor(args.j) as ex:
    for i, (spec, out, rc, dt, err) in enumerate(ex.map(detonate, specs)):
        times.append(dt)
        if rc != 0 or not os.path.exists(out):
            bad.append((spec, 'exit %d: %s' % (rc, err)))
            continue
        r = json.load(open(out))
        for ph in r['phases']:
            statuses[(ph['name'], ph['status'])] = statuses.get((ph['name'], ph['status']), 0) + 1
            if ph['status'] == 'error':
                bad.append((spec, '%s phase lost to a sandbox error' % ph['name']))
        sys.stderr.write('\r%d/%d' % (i + 1, len(specs)))
sys.stderr.write('\n')
times.sort()
print('packages: %d, reports: %d, sandbox errors or crashes: %d' % (len(specs), len(specs) - len(set(b[0] for b in bad)), len(bad)))
print('phase statuses:', ', '.join('%s %s: %d' % (k[0], k[1], v) for k, v in sorted(statuses.items())))
print('median wall time per package: %.2f s, total %.0f s' % (times[len(times) // 2], time.time() - t0))
for b in bad:
    print('BAD', b)
