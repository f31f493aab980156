#!/usr/bin/env python3
"""Does TLS interception change what benign packages do?

Detonates each of the first N packages of ../shared/corpus/benign/packages.txt
twice, side by side, inside an outer `unshare --net`: once as usual (TLS
intercepted) and once with --no-tls-intercept, then compares the exit
status of every step (lifecycle script, import, bin) and each phase's
status.  Also counts the TLS connections each run saw and how many were
decrypted.  Tarballs and npm's cache come from `bench/benign.py --fetch`.

usage: bench/tls_benign.py [-n 200] [-j 2] [--dir /tmp/snare-benign]
"""
import argparse, concurrent.futures as cf, json, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import benign_specs, tarball_of as tarball_in, wall as corpus_wall  # noqa: E402

ap = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
ap.add_argument('--list', default=os.path.join(here, '../../shared/corpus/benign/packages.txt'))
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('-n', type=int, default=200)
ap.add_argument('-j', type=int, default=2)
ap.add_argument('--dir', default='/tmp/snare-benign')
args = ap.parse_args()

specs = benign_specs(args.list, args.n)
tgz_dir = os.path.join(args.dir, 'tarballs')
out_dir = os.path.join(args.dir, 'tls-compare')
os.makedirs(out_dir, exist_ok=True)
wall = corpus_wall()


def tarball_of(spec):
    return tarball_in(tgz_dir, spec)


def run(spec, intercept):
    tgz = tarball_of(spec)
    out = os.path.join(out_dir, os.path.basename(tgz) + ('.tls' if intercept else '.plain') + '.json')
    cmd = wall + [args.snare, 'trace', tgz, '-q', '-o', out, '--offline', '--seed', '7']
    if not intercept:
        cmd.append('--no-tls-intercept')
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()[-200:]
    return json.load(open(out)), ''


def outcome(report):
    steps = []
    for ph in report['phases']:
        steps.append((ph['name'], 'phase', ph['status']))
        for st in ph.get('steps', []):
            steps.append((ph['name'], st.get('package'), st.get('script'), st.get('status'), st.get('exit_code')))
    return steps


def tls_counts(report):
    seen = dec = 0
    for ph in report['phases']:
        for s in ph['sent']:
            if 'tls' in s:
                seen += 1
                dec += bool(s['tls'].get('intercepted'))
    return seen, dec


def compare(spec):
    if not os.path.exists(tarball_of(spec)):
        return spec, 'missing', None, None
    a, ea = run(spec, True)
    b, eb = run(spec, False)
    if a is None or b is None:
        return spec, 'error: ' + (ea or eb), None, None
    return spec, 'same' if outcome(a) == outcome(b) else 'changed', (outcome(a), outcome(b)), tls_counts(a)


rows = []
with cf.ThreadPoolExecutor(args.j) as ex:
    for i, r in enumerate(ex.map(compare, specs)):
        rows.append(r)
        sys.stderr.write('\r%d/%d' % (i + 1, len(specs)))
sys.stderr.write('\n')
same = sum(r[1] == 'same' for r in rows)
changed = [r for r in rows if r[1] == 'changed']
other = [r for r in rows if r[1] not in ('same', 'changed')]
with_tls = [r for r in rows if r[3] and r[3][0]]
print('packages: %d, same outcome: %d, changed: %d, not compared: %d' % (len(rows), same, len(changed), len(other)))
print('packages that made TLS connections: %d (%d connections, %d decrypted)' % (
    len(with_tls), sum(r[3][0] for r in with_tls), sum(r[3][1] for r in with_tls)))
for r in changed:
    diff = [(x, y) for x, y in zip(r[2][0], r[2][1]) if x != y]
    print('changed:', r[0], diff[:4])
for r in other:
    print('not compared:', r[0], r[1])
