#!/usr/bin/env python3
"""The audit parent's memory over a long audit: a lockfile of N harmless
fixture packages (copies of tests/e2e/audit/packages/harmless-left under
other names, served by tests/e2e/registry.py on loopback), audited with a
fresh store, `-j` at a time.  Every 0.25 s it samples the parent's VmRSS
and prints the parent's resident size after each tenth of the audit's time
and the growth per package between the first tenth and the end (a parent that holds reports grows with each one).

It runs itself inside `unshare --net` with only loopback up (the packages
are detonated by snare, in its sandbox, as always).

usage: bench/audit_memory.py [-n 300] [-j 2] [--snare build/snare] [--snare OTHER ...]
"""
import argparse, json, os, shutil, sqlite3, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--snare', action='append', help='snare binaries to compare (default: build/snare)')
ap.add_argument('-n', type=int, default=300)
ap.add_argument('-j', type=int, default=2)
args = ap.parse_args()
snares = [os.path.abspath(s) for s in (args.snare or [os.path.join(here, '../build/snare')])]

if not os.environ.get('SNARE_BENCH_NETNS'):
    os.execvp('unshare', ['unshare', '--net', 'sh', '-c',
                          'ip link set lo up && SNARE_BENCH_NETNS=1 exec "$0" "$@"',
                          sys.executable, os.path.abspath(__file__)] + sys.argv[1:])


def rss_kib(pid):
    try:
        for line in open('/proc/%d/status' % pid):
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rows(store):
    try:
        db = sqlite3.connect('file:%s?mode=ro' % store, uri=True, timeout=5)
        try:
            return db.execute('SELECT count(*) FROM results').fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


tmp = tempfile.mkdtemp(prefix='snare-bench-auditmem-')
reg = None
try:
    pkgs = os.path.join(tmp, 'packages')
    src = os.path.join(here, '../tests/e2e/audit/packages/harmless-left')
    for i in range(args.n):
        d = os.path.join(pkgs, 'mem-pkg-%04d' % i)
        shutil.copytree(src, d)
        pj = json.load(open(os.path.join(d, 'package.json')))
        pj['name'] = 'mem-pkg-%04d' % i
        json.dump(pj, open(os.path.join(d, 'package.json'), 'w'))
    port_file, manifest = os.path.join(tmp, 'port'), os.path.join(tmp, 'manifest.json')
    reg = subprocess.Popen([sys.executable, os.path.join(here, '../tests/e2e/registry.py'),
                            '--packages', pkgs, '--port-file', port_file, '--manifest', manifest,
                            '--log', os.path.join(tmp, 'registry.log')])
    while not os.path.exists(manifest):
        time.sleep(0.05)
        if reg.poll() is not None:
            sys.exit('the registry did not start')
    registry = 'http://127.0.0.1:%s' % open(port_file).read().strip()
    m = json.load(open(manifest))
    proj = os.path.join(tmp, 'project')
    os.mkdir(proj)
    packages = {'': {'name': 'mem-project', 'version': '1.0.0'}}
    for name in sorted(m):
        packages['node_modules/' + name] = {'version': m[name]['version'],
                                            'resolved': m[name]['tarball'],
                                            'integrity': m[name]['integrity']}
    json.dump({'name': 'mem-project', 'lockfileVersion': 3, 'requires': True,
               'packages': packages}, open(os.path.join(proj, 'package-lock.json'), 'w'))

    for snare in snares:
        store = os.path.join(tmp, 'results.db')
        if os.path.exists(store):
            os.unlink(store)
        env = dict(os.environ, TMPDIR=tmp, XDG_CACHE_HOME=os.path.join(tmp, 'xdg'))
        t0 = time.time()
        outf = open(os.path.join(tmp, 'audit.jsonl'), 'w+')  # not a pipe: it would fill
        p = subprocess.Popen([snare, 'audit', proj, '--registry', registry, '--store', store,
                              '--cache', os.path.join(tmp, 'cache'), '-j', str(args.j), '-q',
                              '--format', 'jsonl'], env=env, stdout=outf,
                             stderr=subprocess.DEVNULL, text=True)
        samples = []  # (seconds, rss); an old snare stores nothing until the end
        while p.poll() is None:
            r = rss_kib(p.pid)
            if r:
                samples.append((time.time() - t0, r))
            time.sleep(0.25)
        outf.seek(0)
        out = outf.read()
        outf.close()
        took = time.time() - t0
        summary = json.loads(out.splitlines()[-1])['summary'] if out.strip() else {}
        if summary.get('packages') != args.n or summary.get('scanned') != args.n:
            print('%s: unexpected summary %s (exit %d)' % (snare, summary, p.returncode))
        print('%s: %d packages, -j %d, %.0f s, exit %d, %s benign'
              % (snare, args.n, args.j, took, p.returncode, summary.get('benign')))
        marks = []
        for k in range(1, 11):
            at = [rss for t, rss in samples if t >= took * k / 10]
            marks.append(at[0] if at else samples[-1][1])
        print('  parent VmRSS (MiB) after each tenth of the time: ' +
              ' '.join('%.1f' % (x / 1024) for x in marks))
        print('  peak %.1f MiB; growth from the first tenth to the end: %+.1f MiB '
              '(%+.1f KiB per package); %d rows stored'
              % (max(r for _, r in samples) / 1024, (marks[-1] - marks[0]) / 1024,
                 (marks[-1] - marks[0]) / (args.n * 0.9), rows(store)))
finally:
    if reg:
        reg.terminate()
        reg.wait()
    shutil.rmtree(tmp, ignore_errors=True)
