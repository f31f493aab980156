#!/usr/bin/env python3
"""Detonation cost, side by side (docs/performance.md).

On a fixed set of benign packages (half with install scripts) and of
malicious corpus tarballs, measures per package wall time, CPU time
(user + system) and peak memory (largest process, as /usr/bin/time -v
reports it) for:

  floor    `snare trace --no-trace`: the same steps (dependencies unpacked,
           each lifecycle script, require, bin --help) with no tracer, no
           netsink and no interception, in the bare sandbox that the safety
           rules demand for any package code;
  snare    `snare trace`;
  strace   `strace -f -s 256 -o LOG` around the floor: every syscall of the
           same install and require traced and logged, as a strace-based
           analysis does (package code still inside snare's sandbox);
  install  `npm install --ignore-scripts` of the tarball on the host: the
           install half alone, no package code runs;
  gvisor   the same install half under `runsc --network=none do`.  Package
           code never runs outside snare's sandbox, so gVisor runs only the
           half that runs none: its time is a lower bound of gVisor's cost
           for the whole install and require.

Every command runs behind an outer `unshare --net`.  Modes are interleaved
per package and their order rotates between repetitions, so all of them see
the same machine.  Results go to DIR/results.tsv; the summary (medians,
ratios to the floor, packages per hour, `snare scan -j N` scaling) is
printed as Markdown.

usage: bench/performance.py --fetch            # network: tarballs, npm cache
       bench/performance.py [-r 3] [--modes floor,snare,strace,install,gvisor]
                            [--scaling 1,2] [--dir /tmp/snare-perf]
       bench/performance.py --append -r 2 --modes floor,snare --scaling ""
                                               # more repetitions of some modes
       bench/performance.py --scaling-only [--scaling 1,2] [--scaling-reps 3]
                                               # only snare scan -j N, rounds alternating
       bench/performance.py --summary          # from DIR/results.tsv again
       bench/performance.py --deps --fetch     # network: the benign packages' package.json,
                                               # npm's cache and snare's store warmed
       bench/performance.py --deps [-r 5]      # dependency preparation alone (below)

--deps measures dependency preparation alone, on the dependency trees of
the benign packages that have any: `snare deps DIR --into OUT --offline`
(the warm store: resolve from stored packuments, link) against `npm
install --ignore-scripts --offline` of the same package.json (npm's warm
cache) and `pnpm install --offline --ignore-scripts` when pnpm is
installed.  Nothing runs package code; every command runs behind the
outer `unshare --net`.  Rows go to DIR/deps.tsv.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tarfile, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import benign_specs, harness, harness_args, npm_warm, tarball_of, wall  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('--model', default=os.path.join(here, '../models/snare.json'))
ap.add_argument('--list', default=os.path.join(here, '../../shared/corpus/benign/packages.txt'))
ap.add_argument('--corpus', default=os.path.join(here, '../../shared/corpus/malicious'))
ap.add_argument('--dir', default='/tmp/snare-perf')
ap.add_argument('--benign', type=int, default=30)
ap.add_argument('--malicious', type=int, default=30)
ap.add_argument('-r', '--reps', type=int, default=3)
ap.add_argument('--modes', default='floor,snare,strace,install,gvisor')
ap.add_argument('--scaling', default='1,2', help='snare scan -j values over the benign set ("" for none)')
ap.add_argument('--scaling-reps', type=int, default=3, help='rounds of the -j values, alternating')
ap.add_argument('--install-timeout', default='20')
ap.add_argument('--import-timeout', default='10')
ap.add_argument('--fetch', action='store_true')
ap.add_argument('--summary', action='store_true')
ap.add_argument('--scaling-only', action='store_true', help='only the snare scan -j N runs')
ap.add_argument('--deps', action='store_true', help='dependency preparation alone: store, npm, pnpm')
ap.add_argument('--append', action='store_true',
                help='add repetitions (e.g. of --modes floor,snare) to DIR/results.tsv')
args = ap.parse_args()

tgz_dir = os.path.join(args.dir, 'tarballs')
sel_path = os.path.join(args.dir, 'selection.json')
res_path = os.path.join(args.dir, 'results.tsv')
NPM_INSTALL = ('npm install --ignore-scripts --offline --no-audit --no-fund --no-package-lock '
               '--omit=dev --loglevel=error --no-update-notifier')
INSTALL_SCRIPTS = ('preinstall', 'install', 'postinstall')


def pkg_json(tgz):
    """package.json of a tarball, read without running anything."""
    with tarfile.open(tgz) as t:
        for m in t.getmembers():
            if m.isfile() and m.name.count('/') == 1 and m.name.endswith('/package.json'):
                return json.load(t.extractfile(m))
    return {}


def has_install_script(tgz):
    try:
        return any(s in (pkg_json(tgz).get('scripts') or {}) for s in INSTALL_SCRIPTS)
    except (OSError, tarfile.TarError, ValueError):
        return None


def fetch():
    os.makedirs(tgz_dir, exist_ok=True)
    # The whole list: few popular packages have install scripts.
    specs = benign_specs(args.list, 1 << 30)
    missing = [s for s in specs if not os.path.exists(tarball_of(tgz_dir, s))]
    lst = os.path.join(args.dir, 'candidates.txt')
    with open(lst, 'w') as f:
        f.write('\n'.join(missing) + '\n')
    if missing:
        subprocess.run([args.snare, 'fetch', '--from', lst, '--dir', tgz_dir], stdout=subprocess.DEVNULL)
    with_s, without = [], []
    for spec in specs:
        tgz = tarball_of(tgz_dir, spec)
        if not os.path.exists(tgz):
            continue
        s = has_install_script(tgz)
        if s is None:
            continue
        (with_s if s else without).append(spec)
    half = args.benign // 2
    benign = with_s[:half] + without[:args.benign - min(half, len(with_s))]
    with open(os.path.join(args.corpus, 'index.tsv')) as f:
        f.readline()
        files = sorted(l.split('\t')[0] for l in f if l.strip())
    step = max(1, len(files) // max(1, args.malicious))
    malicious = files[::step][:args.malicious]
    print('warming npm cache for %d benign and %d malicious packages' % (len(benign), len(malicious)))
    for t in [tarball_of(tgz_dir, s) for s in benign] + [os.path.join(args.corpus, 'pkgs', m) for m in malicious]:
        npm_warm([t])
    with open(sel_path, 'w') as f:
        json.dump({'benign': benign, 'malicious': malicious}, f, indent=1)
    print('%d benign (%d with install scripts), %d malicious -> %s' %
          (len(benign), len([b for b in benign if b in with_s]), len(malicious), sel_path))


def timed(cmd, cwd=None, timeout=600):
    """Runs |cmd| under /usr/bin/time; (wall s, cpu s, peak KB, exit code)."""
    tf = tempfile.NamedTemporaryFile(delete=False)
    tf.close()
    try:
        p = subprocess.run(['/usr/bin/time', '-f', '%e %U %S %M', '-o', tf.name] + cmd, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        with open(tf.name) as f:
            last = f.read().strip().splitlines()[-1].split()
        return float(last[0]), float(last[1]) + float(last[2]), int(last[3]), p.returncode
    finally:
        os.unlink(tf.name)


def run_mode(mode, tgz, hargs, work):
    report = os.path.join(work, 'report.json')
    base = [args.snare, 'trace', tgz, '-q', '-o', report, '--offline', '--install-timeout',
            args.install_timeout, '--import-timeout', args.import_timeout] + hargs
    scratch = os.path.join(work, 'project')
    os.makedirs(scratch, exist_ok=True)
    with open(os.path.join(scratch, 'package.json'), 'w') as f:
        f.write('{}\n')
    if mode == 'floor':
        cmd = wall() + base + ['--no-trace']
    elif mode == 'snare':
        cmd = wall() + base
    elif mode == 'strace':
        cmd = wall() + ['strace', '-f', '-qq', '-s', '256', '-o', os.path.join(work, 'strace.log')] + \
            base + ['--no-trace']
    elif mode == 'install':
        cmd = wall() + ['sh', '-c', '%s %s' % (NPM_INSTALL, tgz)]
    elif mode == 'gvisor':
        cmd = wall() + ['runsc', '--network=none', '--platform=ptrace', 'do', 'sh', '-c',
                        'cd %s && %s %s' % (scratch, NPM_INSTALL, tgz)]
    else:
        raise SystemExit('unknown mode ' + mode)
    wall_s, cpu, rss, rc = timed(cmd, cwd=scratch)
    stats = {}
    if mode in ('floor', 'snare', 'strace') and os.path.exists(report):
        try:
            with open(report) as f:
                stats = json.load(f).get('stats', {})
        except ValueError:
            pass
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    return wall_s, cpu, rss, rc, stats


FIELDS = ['kind', 'package', 'mode', 'rep', 'wall_s', 'cpu_s', 'peak_kb', 'rc', 'stops',
          'seccomp_stops', 'prepare_ms', 'setup_ms', 'teardown_ms', 'cleanup_ms']


def measure():
    with open(sel_path) as f:
        sel = json.load(f)
    hs = harness(args.corpus) if sel['malicious'] else {}
    modes = [m for m in args.modes.split(',') if m]
    items = [('benign', s, tarball_of(tgz_dir, s), []) for s in sel['benign']]
    items += [('malicious', m, os.path.join(args.corpus, 'pkgs', m), harness_args(hs.get(m, {})))
              for m in sel['malicious']]
    work = tempfile.mkdtemp(prefix='snare-perf-')
    first = 0
    if args.append and os.path.exists(res_path):
        with open(res_path) as f:
            f.readline()
            first = max([int(l.split('\t')[3]) for l in f if l.strip()] + [-1]) + 1
    with open(res_path, 'a' if first else 'w') as out:
        if not first:
            out.write('\t'.join(FIELDS) + '\n')
        for rep in range(first, first + args.reps):
            for i, (kind, name, tgz, hargs) in enumerate(items):
                k = (i + rep) % len(modes)
                for mode in modes[k:] + modes[:k]:
                    w, c, m, rc, st = run_mode(mode, tgz, hargs, work)
                    row = [kind, name, mode, rep, '%.3f' % w, '%.3f' % c, m, rc] + \
                        [st.get(f, '') for f in FIELDS[8:]]
                    out.write('\t'.join(str(x) for x in row) + '\n')
                    out.flush()
                print('rep %d %3d/%d %s' % (rep + 1, i + 1, len(items), name), file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    scaling(sel)


def scaling(sel):
    js = [int(j) for j in args.scaling.split(',') if j]
    if not js:
        return
    lst = os.path.join(args.dir, 'scaling.txt')
    with open(lst, 'w') as f:
        f.write('\n'.join(tarball_of(tgz_dir, s) for s in sel['benign']) + '\n')
    with open(os.path.join(args.dir, 'scaling.tsv'), 'w') as out:
        out.write('jobs\tround\tpackages\twall_s\tcpu_s\n')
        for rnd in range(args.scaling_reps):
            k = rnd % len(js)
            for j in js[k:] + js[:k]:
                scan_timed(out, lst, len(sel['benign']), j, rnd)


def scan_timed(out, lst, npk, j, rnd):
    """One snare scan -j |j| over the list; a row of scaling.tsv."""
    w, c, _, rc = timed(wall() + [args.snare, 'scan', '--from', lst, '-j', str(j), '--no-store',
                                  '--model', args.model, '--offline', '-q', '--format', 'jsonl',
                                  '--install-timeout', args.install_timeout,
                                  '--import-timeout', args.import_timeout])
    if rc not in (0, 1):
        raise SystemExit('snare scan -j %d failed (exit code %d)' % (j, rc))
    out.write('%d\t%d\t%d\t%.2f\t%.2f\n' % (j, rnd, npk, w, c))
    out.flush()
    print('scaling round %d: -j %d %.1f s' % (rnd + 1, j, w), file=sys.stderr)


def med(xs):
    return statistics.median(xs) if xs else float('nan')


def summary():
    rows = []
    with open(res_path) as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            rows.append(dict(zip(head, line.rstrip('\n').split('\t'))))
    modes = []
    for r in rows:
        if r['mode'] not in modes:
            modes.append(r['mode'])
    # A repetition of a package counts only if it ran every mode it was
    # meant to, the floor and snare among them (an interrupted run leaves
    # its last package part-measured).
    done, planned = {}, {}
    for r in rows:
        done.setdefault((r['package'], r['rep']), set()).add(r['mode'])
    for r in rows:
        planned.setdefault(r['rep'], set()).add(r['mode'])
    rows = [r for r in rows if done[(r['package'], r['rep'])] == planned[r['rep']] and
            {'floor', 'snare'} <= planned[r['rep']]]
    # per package and mode: medians over the repetitions
    per = {}
    for r in rows:
        per.setdefault((r['kind'], r['package'], r['mode']), []).append(r)
    pm = {k: {'wall': med([float(x['wall_s']) for x in v]), 'cpu': med([float(x['cpu_s']) for x in v]),
              'rss': med([int(x['peak_kb']) for x in v]),
              'stops': med([float(x['stops']) for x in v if x['stops'] != '']),
              'setup': med([float(x['setup_ms']) for x in v if x['setup_ms'] != '']),
              'teardown': med([float(x['teardown_ms']) for x in v if x['teardown_ms'] != '']),
              'prepare': med([float(x['prepare_ms']) for x in v if x['prepare_ms'] != ''])}
          for k, v in per.items()}
    for m in modes:
        n = len({r['rep'] for r in rows if r['mode'] == m})
        print('%s: %d repetition(s). ' % (m, n), end='')
    print('Medians over packages of per-package medians.\n')
    for kind in ('benign', 'malicious', 'all'):
        pkgs = sorted({(k[0], k[1]) for k in pm if kind in ('all', k[0])})
        if not pkgs:
            continue
        print('### %s (%d packages)\n' % (kind, len(pkgs)))
        print('| mode | wall (s) | CPU (s) | peak RSS (MB) | wall / floor | CPU / floor | packages per hour (1 at a time) |')
        print('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
        for m in modes:
            have = [p for p in pkgs if p + (m,) in pm]
            if not have:
                continue
            w = med([pm[p + (m,)]['wall'] for p in have])
            c = med([pm[p + (m,)]['cpu'] for p in have])
            r = med([pm[p + (m,)]['rss'] for p in have]) / 1024
            ratio = med([pm[p + (m,)]['wall'] / pm[p + ('floor',)]['wall'] for p in have
                         if p + ('floor',) in pm and pm[p + ('floor',)]['wall'] > 0])
            cratio = med([pm[p + (m,)]['cpu'] / pm[p + ('floor',)]['cpu'] for p in have
                          if p + ('floor',) in pm and pm[p + ('floor',)]['cpu'] > 0])
            print('| %s | %.2f | %.2f | %.0f | %.2f× | %.2f× | %.0f |' %
                  (m, w, c, r, ratio, cratio, 3600 / w if w else 0))
        both = [p for p in pkgs if p + ('snare',) in pm]
        for other in ('strace', 'gvisor'):
            have = [p for p in both if p + (other,) in pm]
            if have:
                x = med([pm[p + (other,)]['wall'] / pm[p + ('snare',)]['wall'] for p in have])
                y = med([pm[p + (other,)]['cpu'] / pm[p + ('snare',)]['cpu'] for p in have])
                n = len([p for p in have if pm[p + (other,)]['wall'] >= 3 * pm[p + ('snare',)]['wall']])
                print('\n%s / snare, medians over packages: wall %.2f×, CPU %.2f×; '
                      'at least 3× slower than snare on %d of %d packages' % (other, x, y, n, len(have)),
                      end='')
        print('\n')
        sn = [pm[p + ('snare',)] for p in both]
        if sn:
            print('snare: median %.0f tracer stops per package (max %.0f); sandbox set-up %.1f ms, '
                  'teardown %.1f ms (medians); dependency preparation %.0f ms\n' %
                  (med([s['stops'] for s in sn]), max(s['stops'] for s in sn), med([s['setup'] for s in sn]),
                   med([s['teardown'] for s in sn]), med([s['prepare'] for s in sn])))
    sp = os.path.join(args.dir, 'scaling.tsv')
    if os.path.exists(sp):
        with open(sp) as f:
            head = f.readline().rstrip('\n').split('\t')
            sc = [dict(zip(head, l.rstrip('\n').split('\t'))) for l in f if l.strip()]
        js = sorted({int(r['jobs']) for r in sc})
        walls = {j: {int(r['round']): float(r['wall_s']) for r in sc if int(r['jobs']) == j} for j in js}
        cpus = {j: [float(r['cpu_s']) for r in sc if int(r['jobs']) == j] for j in js}
        npk = int(sc[0]['packages']) if sc else 0
        print('### snare scan -j N over the benign set (%d rounds, alternating)\n' % len(walls.get(js[0], {})))
        print('| jobs | wall (s, median) | CPU (s, median) | speed-up (medians) | speed-up per round '
              '| packages per hour |')
        print('| ---: | ---: | ---: | ---: | --- | ---: |')
        base = walls[js[0]] if js else {}
        for j in js:
            w = med(list(walls[j].values()))
            rounds = [base[r] / walls[j][r] for r in sorted(walls[j]) if r in base]
            print('| %d | %.1f | %.1f | %.2f× | %s | %.0f |' %
                  (j, w, med(cpus[j]), med(list(base.values())) / w,
                   ', '.join('%.2f×' % x for x in rounds), npk * 3600 / w))


DEPS_MODES = ['store', 'npm'] + (['pnpm'] if shutil.which('pnpm') else [])


def deps_trees():
    """DIR/deps/N/package.json: the benign packages' manifests with dependencies."""
    root = os.path.join(args.dir, 'deps')
    return sorted(os.path.join(root, d) for d in os.listdir(root)) if os.path.isdir(root) else []


def deps_fetch():
    os.makedirs(tgz_dir, exist_ok=True)
    specs = benign_specs(args.list, args.benign * 3)
    lst = os.path.join(args.dir, 'deps-candidates.txt')
    with open(lst, 'w') as f:
        f.write('\n'.join(specs) + '\n')
    subprocess.run([args.snare, 'fetch', '--from', lst, '--dir', tgz_dir], stdout=subprocess.DEVNULL)
    root = os.path.join(args.dir, 'deps')
    shutil.rmtree(root, ignore_errors=True)
    n = 0
    for spec in specs:
        tgz = tarball_of(tgz_dir, spec)
        if n == args.benign or not os.path.exists(tgz):
            continue
        pj = pkg_json(tgz)
        deps = {k: pj[k] for k in ('dependencies', 'optionalDependencies') if pj.get(k)}
        if not deps:
            continue
        d = os.path.join(root, '%03d' % n)
        os.makedirs(d)
        with open(os.path.join(d, 'package.json'), 'w') as f:
            json.dump(dict(name=pj['name'], version=pj['version'], **deps), f, indent=1)
        # warm npm's cache and the store (network; nothing runs)
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy(os.path.join(d, 'package.json'), scratch)
            subprocess.run(NPM_INSTALL.replace('--offline ', '').split(), cwd=scratch,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if 'pnpm' in DEPS_MODES:
                subprocess.run(['pnpm', 'install', '--ignore-scripts', '--prod'], cwd=scratch,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r = subprocess.run([args.snare, 'deps', d, '--into', os.path.join(scratch, 's'),
                                '--dep-store', os.path.join(args.dir, 'store')],
                               capture_output=True, text=True)
            print('%s %s: %s' % (d, pj['name'], r.stderr.strip()[-200:]), file=sys.stderr)
        n += 1


def count_packages(nm):
    """Package directories under node_modules, nested ones too."""
    n = 0
    for root, dirs, files in os.walk(nm):
        if os.path.basename(os.path.dirname(root)) == 'node_modules' or \
                (os.path.basename(os.path.dirname(os.path.dirname(root))) == 'node_modules' and
                 os.path.basename(os.path.dirname(root)).startswith('@')):
            if 'package.json' in files and not os.path.basename(root).startswith('.'):
                n += 1
    return n


def deps_measure():
    trees = deps_trees()
    if not trees:
        raise SystemExit('no dependency trees: run with --deps --fetch first (network)')
    out_path = os.path.join(args.dir, 'deps.tsv')
    store = os.path.join(args.dir, 'store')
    with open(out_path, 'w') as out:
        out.write('tree\tmode\trep\twall_s\trc\tpackages\n')
        for rep in range(args.reps):
            for i, d in enumerate(trees):
                k = (i + rep) % len(DEPS_MODES)
                for mode in DEPS_MODES[k:] + DEPS_MODES[:k]:
                    scratch = tempfile.mkdtemp(prefix='snare-deps-')
                    shutil.copy(os.path.join(d, 'package.json'), scratch)
                    if mode == 'store':
                        cmd = [args.snare, 'deps', d, '--into', scratch, '--offline',
                               '--dep-store', store]
                    elif mode == 'npm':
                        cmd = NPM_INSTALL.split()
                    else:
                        cmd = ['pnpm', 'install', '--offline', '--ignore-scripts', '--prod']
                    t = time.monotonic()
                    p = subprocess.run(wall() + cmd, cwd=scratch, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
                    w = time.monotonic() - t
                    n = count_packages(os.path.join(scratch, 'node_modules'))
                    out.write('%s\t%s\t%d\t%.3f\t%d\t%d\n' % (os.path.basename(d), mode, rep, w,
                                                             p.returncode, n))
                    out.flush()
                    # no chmod: the store's files are linked here
                    shutil.rmtree(scratch, ignore_errors=True)
            print('rep %d done' % (rep + 1), file=sys.stderr)
    deps_summary()


def deps_summary():
    rows = []
    with open(os.path.join(args.dir, 'deps.tsv')) as f:
        head = f.readline().rstrip('\n').split('\t')
        rows = [dict(zip(head, l.rstrip('\n').split('\t'))) for l in f if l.strip()]
    modes = [m for m in DEPS_MODES if any(r['mode'] == m for r in rows)]
    ok = {r['tree'] for r in rows} - {r['tree'] for r in rows if r['rc'] != '0'}
    per = {}
    for r in rows:
        if r['tree'] in ok:
            per.setdefault((r['tree'], r['mode']), []).append(r)
    trees = sorted(ok)
    wall_of = {k: med([float(x['wall_s']) for x in v]) for k, v in per.items()}
    pk = {k: med([int(x['packages']) for x in v]) for k, v in per.items()}
    print('### dependency preparation alone (%d trees, median %g packages, %d repetitions)\n' %
          (len(trees), med([pk[(t, 'npm')] for t in trees]), len({r['rep'] for r in rows})))
    print('| mode | wall (s, median) | / store (median of per-tree ratios) | same package count as npm |')
    print('| --- | ---: | ---: | ---: |')
    for m in modes:
        w = med([wall_of[(t, m)] for t in trees])
        ratio = med([wall_of[(t, m)] / wall_of[(t, 'store')] for t in trees])
        same = len([t for t in trees if pk[(t, m)] == pk[(t, 'npm')]])
        print('| %s | %.3f | %.2f× | %d of %d |' % (m, w, ratio, same, len(trees)))
    bad = sorted({r['tree'] for r in rows} - ok)
    if bad:
        print('\nleft out (a mode failed): %s' % ', '.join(bad))


if args.deps and args.fetch:
    os.makedirs(args.dir, exist_ok=True)
    deps_fetch()
elif args.deps and args.summary:
    deps_summary()
elif args.deps:
    deps_measure()
elif args.fetch:
    os.makedirs(args.dir, exist_ok=True)
    fetch()
elif args.summary:
    summary()
elif args.scaling_only:
    with open(sel_path) as f:
        scaling(json.load(f))
    summary()
else:
    if not os.path.exists(sel_path):
        raise SystemExit('no selection: run with --fetch first (network)')
    measure()
    summary()
