#!/usr/bin/env python3
"""Queue throughput and overhead (docs/scale.md).

On a throwaway PostgreSQL cluster (tests/e2e/pgtmp.py) and the fake
registry of the e2e tests (tests/e2e/registry.py on 127.0.0.1), enqueues
--jobs distinct harmless packages generated here (each with a postinstall
that starts node to read and write a file, the shape of a common install
hook; detonated only by snare) and drains the queue with 1, 2 and 4
`snare worker -j 1` processes.  Reports:

  jobs/hour       for each worker count (wall time from the first claim to
                  the last finish), and where this machine saturates;
  per-job cost    median detonation time of a job, as the workers log it;
  queue overhead  per job: claim + lease renewals + finish, the time a worker
                  spends in the database for it (median, p95), from the
                  workers' logs;
  projection      machines like this one for 33,000 versions a day.

Every run is behind `unshare --net` (it re-executes itself inside one).
usage: bench/scale.py [--build build] [--jobs 16] [--workers 1,2,4]
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))
import pgtmp  # noqa: E402

PER_DAY = 33000
INSTALL_JS = """const fs = require('fs');
const os = require('os');
const p = require('path').join(os.tmpdir(), 'bench-' + process.pid);
fs.writeFileSync(p, fs.readFileSync(__filename));
fs.unlinkSync(p);
"""
DONE = re.compile(r"job (\d+) '[^']*': \w+ in ([0-9.]+) s \(queue ([0-9.]+) ms\)")


def make_packages(root, n, tag):
    names = []
    for i in range(n):
        name = 'bench-%s-%03d' % (tag, i)
        d = os.path.join(root, name)
        os.makedirs(d)
        json.dump({'name': name, 'version': '1.0.0', 'license': 'MIT', 'main': 'index.js',
                   'scripts': {'postinstall': 'node install.js'}},
                  open(os.path.join(d, 'package.json'), 'w'))
        open(os.path.join(d, 'install.js'), 'w').write(INSTALL_JS)
        open(os.path.join(d, 'index.js'), 'w').write('module.exports = %d;\n' % i)
        names.append(name)
    return names


def run_config(args, pg, registry, names, workers, tmp):
    url = pg.db()
    snare = os.path.join(os.path.abspath(args.build), 'snare')
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'xdg'))
    subprocess.run([snare, 'queue', 'add', '--store', url] + names, check=True, env=env,
                   capture_output=True)
    procs = []
    t0 = time.time()
    for i in range(workers):
        log = os.path.join(tmp, 'w%d-%d.log' % (workers, i))
        p = subprocess.Popen([snare, 'worker', '--store', url, '--registry', registry, '-j', '1',
                              '--drain', '--poll', '0.2'],
                             stdout=subprocess.DEVNULL, stderr=open(log, 'w'), env=env)
        p.log = log
        procs.append(p)
    for p in procs:
        p.wait()
    wall = time.time() - t0
    rows = pg.sql(url, "SELECT count(*) FILTER (WHERE state = 'done'), count(*),"
                       " extract(epoch FROM max(finished_at) - min(started_at)) FROM jobs")
    done, total, span = int(rows[0][0]), int(rows[0][1]), float(rows[0][2] or wall)
    secs, overhead = [], []
    for p in procs:
        for m in DONE.finditer(open(p.log).read()):
            secs.append(float(m.group(2)))
            overhead.append(float(m.group(3)))
    return {'workers': workers, 'done': done, 'total': total, 'span': span,
            'per_hour': done / span * 3600 if span else 0, 'secs': secs, 'overhead': overhead}


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--jobs', type=int, default=16)
    ap.add_argument('--workers', default='1,2,4')
    args = ap.parse_args()
    if not os.environ.get('SNARE_BENCH_NETNS'):
        os.environ['SNARE_BENCH_NETNS'] = '1'
        os.execvp('unshare', ['unshare', '--net', 'sh', '-c',
                              'ip link set lo up && exec "$0" "$@"', sys.executable] + sys.argv)
    tmp = tempfile.mkdtemp(prefix='snare-bench-scale-')
    counts = [int(x) for x in args.workers.split(',')]
    pkgs = os.path.join(tmp, 'packages')
    batches = {w: make_packages(pkgs, args.jobs, 'w%d' % w) for w in counts}
    port_file = os.path.join(tmp, 'port')
    reg = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'e2e', 'registry.py'),
                            '--packages', pkgs, '--port-file', port_file,
                            '--manifest', os.path.join(tmp, 'manifest.json'),
                            '--log', os.path.join(tmp, 'registry.log')])
    results = []
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        registry = 'http://127.0.0.1:%d' % int(open(port_file).read())
        with pgtmp.Cluster() as pg:
            for w in counts:
                r = run_config(args, pg, registry, batches[w], w, tmp)
                results.append(r)
                print('%d worker(s): %d/%d done in %.1f s, %.0f jobs/hour' %
                      (w, r['done'], r['total'], r['span'], r['per_hour']), file=sys.stderr)
    finally:
        reg.send_signal(signal.SIGTERM)
        reg.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    cpus = os.cpu_count()
    print('## Queue throughput (%d CPUs, %d jobs per run)\n' % (cpus, args.jobs))
    print('| workers | done | wall s | jobs/hour | median job s | queue overhead median ms | p95 ms |')
    print('|---|---|---|---|---|---|---|')
    for r in results:
        print('| %d | %d/%d | %.1f | %.0f | %.2f | %.2f | %.2f |' % (
            r['workers'], r['done'], r['total'], r['span'], r['per_hour'],
            statistics.median(r['secs']) if r['secs'] else float('nan'),
            statistics.median(r['overhead']) if r['overhead'] else float('nan'),
            pct(r['overhead'], 0.95)))
    best = max(results, key=lambda r: r['per_hour'])
    allover = [x for r in results for x in r['overhead']]
    single = results[0]
    print()
    for prev, cur in zip(results, results[1:]):
        gain = cur['per_hour'] / prev['per_hour'] if prev['per_hour'] else 0
        print('- %d -> %d workers: x%.2f' % (prev['workers'], cur['workers'], gain))
    print('- best: %d workers, %.0f jobs/hour on this machine' % (best['workers'],
                                                                 best['per_hour']))
    print('- queue overhead per job (claim + lease + finish), all runs: median %.2f ms, '
          'p95 %.2f ms, over %d jobs' % (statistics.median(allover), pct(allover, 0.95),
                                         len(allover)))
    need_hour = PER_DAY / 24.0
    cost = statistics.median(single['secs']) if single['secs'] else float('nan')
    print('- one worker: median %.2f s a job, %.0f jobs/hour' % (cost, single['per_hour']))
    print('- %d versions a day = %.0f an hour: %.1f machines like this one at %.0f jobs/hour '
          '(%d with a third of headroom for peaks and retries)' % (
              PER_DAY, need_hour, need_hour / best['per_hour'], best['per_hour'],
              int(need_hour / best['per_hour'] * 1.33 + 0.999)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
