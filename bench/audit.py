#!/usr/bin/env python3
"""How long `snare audit` takes when every package is already in the
results store: a package-lock.json of N registry packages (default 500) and
a store holding a result for each.  The bar is one second for 500.

The store is filled from one real report: snare traces a small harmless
fixture package (in its sandbox, as always), and the bench stores N copies
of that report under other names, versions and tarball digests with
`snare import`, which scores each with the current model.  The audits run
with a registry on a dead loopback port, so a package missing from the
store would fail at once instead of being fetched.  It also times the same
audit right after a model change (every stored report re-scored), and the
formats.  Medians of --runs runs.

usage: bench/audit.py [-n 500] [--runs 7] [--report REPORT.json] [--model FILE]
"""
import argparse, base64, copy, hashlib, json, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('-n', type=int, default=500, help='packages in the lockfile')
ap.add_argument('--runs', type=int, default=7)
ap.add_argument('--report', help='a report to copy (default: trace a fixture package)')
ap.add_argument('--model', help='the model (default: snare\'s)')
args = ap.parse_args()

tmp = tempfile.mkdtemp(prefix='snare-bench-audit-')
env = dict(os.environ, TMPDIR=tmp, XDG_CACHE_HOME=os.path.join(tmp, 'xdg'))
model = ['--model', args.model] if args.model else []
dead = 'http://127.0.0.1:9'


def run(*a, **kw):
    return subprocess.run([args.snare] + list(a), env=env, **kw)


def timed(cmd, prepare=None):
    times = []
    for _ in range(args.runs):
        if prepare:
            prepare()
        t = time.perf_counter()
        p = run(*cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit('snare %s: exit %d: %s' % (' '.join(cmd[:2]), p.returncode, p.stderr[-500:]))
    return times, p.stdout


try:
    if args.report:
        base = json.load(open(args.report))
    else:
        path = os.path.join(tmp, 'base.json')
        run('trace', os.path.join(here, '../tests/e2e/audit/packages/harmless-left'), '-q',
            '-o', path, check=True)
        base = json.load(open(path))
    base.pop('verdict', None)

    # N copies under other names and tarball digests, and the lockfile
    reports, packages = [], {'': {'name': 'bench-project', 'version': '1.0.0'}}
    os.mkdir(os.path.join(tmp, 'reports'))
    os.mkdir(os.path.join(tmp, 'project'))
    for i in range(args.n):
        name, version = 'bench-pkg-%04d' % i, '1.%d.0' % (i % 7)
        sha512 = base64.b64encode(hashlib.sha512(name.encode()).digest()).decode()
        r = copy.deepcopy(base)
        r['package'].update({'name': name, 'version': version,
                             'source': {'type': 'registry', 'spec': '%s@%s' % (name, version)}})
        r['package']['tarball'] = {'sha256': '', 'sha512': sha512, 'integrity': 'sha512-' + sha512}
        p = os.path.join(tmp, 'reports', '%04d.json' % i)
        with open(p, 'w') as f:
            json.dump(r, f)
        reports.append(p)
        packages['node_modules/' + name] = {
            'version': version,
            'resolved': 'https://registry.npmjs.org/%s/-/%s-%s.tgz' % (name, name, version),
            'integrity': 'sha512-' + sha512}
    with open(os.path.join(tmp, 'project', 'package-lock.json'), 'w') as f:
        json.dump({'name': 'bench-project', 'lockfileVersion': 3, 'requires': True,
                   'packages': packages}, f, indent=2)
    store = os.path.join(tmp, 'results.db')
    t = time.perf_counter()
    run('import', '--store', store, *model, *reports, check=True, stderr=subprocess.DEVNULL)
    t_import = time.perf_counter() - t
    shutil.rmtree(os.path.join(tmp, 'reports'))

    audit = ['audit', os.path.join(tmp, 'project'), '--store', store, '--registry', dead, *model]
    text, out = timed(audit)
    want = '%d packages: 0 malicious, %d benign' % (args.n, args.n)
    if not out.rstrip().endswith(want):
        sys.exit('unexpected audit result: %r' % out[-200:])
    jsonl, out = timed(audit + ['--format', 'jsonl'])
    summary = json.loads(out.splitlines()[-1])['summary']
    if summary['stored'] != args.n:
        sys.exit('not all from the store: %s' % summary)
    sarif, _ = timed(audit + ['--format', 'sarif'])

    # after a model change: every stored report is scored again
    mpath = args.model or os.environ.get('SNARE_MODEL') or os.path.join(here, '../models/snare.json')
    other = os.path.join(tmp, 'other-model.json')
    with open(other, 'w') as f:
        json.dump(json.load(open(mpath)), f, indent=1)  # same trees, another version
    pristine = os.path.join(tmp, 'pristine.db')
    shutil.copy(store, pristine)
    rescore_cmd = ['audit', os.path.join(tmp, 'project'), '--store', store, '--registry', dead,
                   '--model', other, '--format', 'jsonl']
    rescore, out = timed(rescore_cmd, prepare=lambda: shutil.copy(pristine, store))
    summary = json.loads(out.splitlines()[-1])['summary']
    if summary['rescored'] != args.n:
        sys.exit('not all re-scored: %s' % summary)

    def line(what, xs):
        print('%-44s median %7.1f ms  (min %.1f, max %.1f)'
              % (what, statistics.median(xs) * 1e3, min(xs) * 1e3, max(xs) * 1e3))

    print('%d packages, all in the store; %d runs each' % (args.n, args.runs))
    line('snare audit (text)', text)
    line('snare audit --format jsonl', jsonl)
    line('snare audit --format sarif', sarif)
    line('snare audit after a model change (re-score)', rescore)
    print('%-44s %7.1f ms' % ('snare import of %d reports (setup)' % args.n, t_import * 1e3))
    print('store size: %.1f KiB (report of %.1f KiB as JSON)'
          % (os.path.getsize(store) / 1024, len(json.dumps(base)) / 1024))
    print('bar: under 1000 ms for 500 packages: %s'
          % ('met' if statistics.median(text) < 1.0 * args.n / 500 else 'NOT met'))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
