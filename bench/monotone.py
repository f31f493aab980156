#!/usr/bin/env python3
"""Monotonicity over the malicious corpus: adding something harmless to a
malicious package must never make it look safer.

For each sample (every N-th of ../shared/corpus/malicious/index.tsv, so all
families are in), three variants are built by rewriting its tarball (no
package code runs outside the sandbox):

  bin    a harmless extra `bin` (bin/<name>-helper.js prints a usage line)
  step   a harmless extra lifecycle step (the first of preinstall, install,
         postinstall the package lacks: `echo preparing`)
  file   a harmless extra file (lib/extra-util.js, plain helper functions)
         and the same helpers appended, unexported, to the main entry

The original and each variant are detonated with `snare trace --offline`
inside `unshare --net`, with the sample's harness settings, and scored with
the model.  A variant whose score is lower than its original's by more than
--tol is a failure; the script prints every one and exits 1 if there is any.

usage: bench/monotone.py [--every 5] [-j 2] [--model FILE] [--tol 0.02]
                         [--dir /tmp/snare-monotone]
"""
import argparse, concurrent.futures as cf, io, json, os, subprocess, sys, tarfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import harness as load_harness, harness_args, wall as corpus_wall  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--corpus', default=os.path.join(here, '../../shared/corpus/malicious'))
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('--model', help='model to score with (default: snare\'s own)')
ap.add_argument('--every', type=int, default=5, help='take every N-th sample of the index (default 5)')
ap.add_argument('-j', type=int, default=2)
ap.add_argument('--tol', type=float, default=0.02, help='score drop tolerated for detonation noise')
ap.add_argument('--dir', default='/tmp/snare-monotone')
args = ap.parse_args()

HELPER_BIN = b"#!/usr/bin/env node\n'use strict';\nconsole.log('usage: helper [--version] [--help]');\n"
HELPERS = b"""
function clampNumber(v, lo, hi) { return Math.min(hi, Math.max(lo, Number(v) || 0)); }
function padLeft(s, n, c) { s = String(s); while (s.length < n) s = (c || ' ') + s; return s; }
function chunkArray(a, n) { var out = []; for (var i = 0; i < a.length; i += n) out.push(a.slice(i, i + n)); return out; }
function deepMerge(a, b) {
  var out = Object.assign({}, a);
  Object.keys(b || {}).forEach(function (k) {
    out[k] = b[k] && typeof b[k] === 'object' && !Array.isArray(b[k]) ? deepMerge(out[k] || {}, b[k]) : b[k];
  });
  return out;
}
"""
EXTRA_FILE = b"'use strict';\n" + HELPERS + b"module.exports = { clampNumber, padLeft, chunkArray, deepMerge };\n"


def rewrite(src, dst, kind):
    """Writes |src| with variant |kind| to |dst|; False if the variant does
    not apply (no package.json, every install step taken)."""
    with tarfile.open(src) as t:
        members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    top = None
    pj_i = None
    for i, (m, data) in enumerate(members):
        parts = m.name.split('/')
        if len(parts) == 2 and parts[1] == 'package.json':
            top, pj_i = parts[0], i
    if pj_i is None:
        return False
    try:
        pj = json.loads(members[pj_i][1])
    except ValueError:
        return False
    added = []
    if kind == 'bin':
        name = pj.get('name', 'pkg').split('/')[-1]
        b = pj.get('bin')
        if isinstance(b, str):
            b = {name: b}
        elif not isinstance(b, dict):
            b = {}
        b[name + '-helper'] = 'bin/%s-helper.js' % name
        pj['bin'] = b
        added.append(('bin/%s-helper.js' % name, HELPER_BIN, 0o755))
    elif kind == 'step':
        scripts = pj.get('scripts') if isinstance(pj.get('scripts'), dict) else {}
        free = [s for s in ('preinstall', 'install', 'postinstall') if s not in scripts]
        if not free:
            return False
        scripts[free[0]] = 'echo preparing'
        pj['scripts'] = scripts
    elif kind == 'file':
        added.append(('lib/extra-util.js', EXTRA_FILE, 0o644))
        main = (pj.get('main') or 'index.js').lstrip('./')
        if not main.endswith(('.js', '.cjs')):
            main += '.js'
        for i, (m, data) in enumerate(members):
            if m.name == top + '/' + main and data is not None:
                members[i] = (m, data + b'\n' + HELPERS)
    members[pj_i] = (members[pj_i][0], json.dumps(pj, indent=2).encode() + b'\n')
    with tarfile.open(dst, 'w:gz') as out:
        for m, data in members:
            if data is not None:
                m.size = len(data)
                out.addfile(m, io.BytesIO(data))
            else:
                out.addfile(m)
        for rel, data, mode in added:
            ti = tarfile.TarInfo(top + '/' + rel)
            ti.size, ti.mode, ti.mtime = len(data), mode, 499162500
            out.addfile(ti, io.BytesIO(data))
    return True


def detonate(tgz, h, out):
    if not os.path.exists(out):
        cmd = corpus_wall() + [args.snare, 'trace', tgz, '-q', '-o', out + '.part', '--offline'] + harness_args(h)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or not os.path.exists(out + '.part'):
            return None
        os.replace(out + '.part', out)
    cmd = [args.snare, 'score', out] + (['--model', args.model] if args.model else [])
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        return float(p.stdout.split()[1])
    except (IndexError, ValueError):
        return None


def sample_job(row):
    fn, family = row
    src = os.path.join(args.corpus, 'pkgs', fn)
    h = harness.get(fn, {})
    base = os.path.join(args.dir, fn)
    res = {'file': fn, 'family': family, 'orig': detonate(src, h, base + '.json')}
    for kind in ('bin', 'step', 'file'):
        tgz = '%s.%s.tgz' % (base, kind)
        if not os.path.exists(tgz) and not rewrite(src, tgz, kind):
            res[kind] = 'n/a'
            continue
        res[kind] = detonate(tgz, h, '%s.%s.json' % (base, kind))
    return res


os.makedirs(args.dir, exist_ok=True)
harness = load_harness(args.corpus)
rows = []
with open(os.path.join(args.corpus, 'index.tsv')) as f:
    head = f.readline().rstrip('\n').split('\t')
    for i, line in enumerate(f):
        r = dict(zip(head, line.rstrip('\n').split('\t')))
        if i % args.every == 0:
            rows.append((r['file'], r['family']))

t0 = time.time()
results = []
with cf.ThreadPoolExecutor(args.j) as ex:
    for k, res in enumerate(ex.map(sample_job, rows)):
        results.append(res)
        sys.stderr.write('\r%d/%d samples ' % (k + 1, len(rows)))
sys.stderr.write('\n')

fails, compared, errors = [], {'bin': 0, 'step': 0, 'file': 0}, 0
for r in results:
    if r['orig'] is None:
        errors += 1
        continue
    for kind in compared:
        v = r[kind]
        if v == 'n/a':
            continue
        if v is None:
            errors += 1
            continue
        compared[kind] += 1
        if v < r['orig'] - args.tol:
            fails.append((r['file'], r['family'], kind, r['orig'], v))
print('samples: %d (every %d-th), variants compared: %s, trace errors: %d, %.0f s' % (
    len(rows), args.every, ', '.join('%s %d' % kv for kv in compared.items()), errors, time.time() - t0))
print('score drops beyond %.2f: %d' % (args.tol, len(fails)))
for fn, fam, kind, a, b in fails:
    print('DROP %-40s %-24s %-5s %.4f -> %.4f' % (fn, fam, kind, a, b))
sys.exit(1 if fails else 0)
