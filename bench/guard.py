#!/usr/bin/env python3
"""What the install guard adds to an install: `snare npm install` of a
project whose packages are all in the results store, against plain `npm
install` of the same project.  The bar is less than one second added.

Offline: the bench runs itself inside `unshare --net` (only loopback) and
serves the test fixtures from the fake registry of the e2e tests
(tests/e2e/registry.py) on 127.0.0.1.  The project depends on five clean
fixture packages (seven with their dependencies; one has a postinstall).
A first `snare npm install` fills the store (each package detonated in
snare's sandbox); then every timed run starts from the same project with
no node_modules, npm's cache warm, and times:

  lockfile    npm install / snare npm install, the lockfile in sync (the
              guard reads it as it is)
  add NAME    npm install harmless-left / snare npm install harmless-left
              (a package named: the guard resolves it with npm
              --package-lock-only in a scratch copy first)

Medians of --runs runs.
usage: bench/guard.py [--runs 7] [--snare build/snare]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
E2E = os.path.join(ROOT, 'tests', 'e2e')
DEPS = {'harmless-util': '^2.0.0', 'harmless-left': '^1.0.0', 'guard-clean': '^1.0.0',
        'guard-fresh': '^1.0.0', 'with-optional': '^1.0.0'}


def in_netns():
    """Re-runs this script in a network namespace with only loopback."""
    if os.environ.get('SNARE_BENCH_NETNS'):
        return
    wall = ['unshare', '--net'] if os.getuid() == 0 else \
        ['unshare', '--user', '--map-current-user', '--net']
    os.execvpe(wall[0], wall + ['sh', '-c', 'ip link set lo up && exec "$0" "$@"',
                                sys.executable] + sys.argv,
               dict(os.environ, SNARE_BENCH_NETNS='1'))


def start_registry(tmp):
    port_file = os.path.join(tmp, 'port')
    proc = subprocess.Popen(
        [sys.executable, os.path.join(E2E, 'registry.py'),
         '--packages', os.path.join(E2E, 'audit', 'packages'),
         '--packages', os.path.join(E2E, 'guard', 'packages'),
         '--port-file', port_file, '--manifest', os.path.join(tmp, 'manifest.json'),
         '--log', os.path.join(tmp, 'registry.log')])
    for _ in range(200):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    return proc, 'http://127.0.0.1:%d' % int(open(port_file).read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--snare', default=os.path.join(ROOT, 'build', 'snare'))
    ap.add_argument('--runs', type=int, default=7)
    args = ap.parse_args()
    in_netns()
    snare = os.path.abspath(args.snare)
    tmp = tempfile.mkdtemp(prefix='snare-bench-guard-')
    env = dict(os.environ, HOME=os.path.join(tmp, 'home'), TMPDIR=os.path.join(tmp, 'tmp'),
               XDG_CACHE_HOME=os.path.join(tmp, 'xdg'), npm_config_update_notifier='false',
               npm_config_audit='false', npm_config_fund='false')
    os.makedirs(env['HOME'])
    os.makedirs(env['TMPDIR'])
    reg, url = start_registry(tmp)
    proj = os.path.join(tmp, 'project')
    store = os.path.join(tmp, 'results.db')
    try:
        os.mkdir(proj)
        with open(os.path.join(proj, 'package.json'), 'w') as f:
            json.dump({'name': 'bench-guard', 'version': '1.0.0', 'dependencies': DEPS}, f)
        with open(os.path.join(proj, '.npmrc'), 'w') as f:
            f.write('registry=%s/\n' % url)
        t = time.perf_counter()
        p = subprocess.run([snare, 'npm', '--store', store, 'install'], cwd=proj, env=env,
                           capture_output=True, text=True)
        if p.returncode:
            sys.exit('first snare npm install: exit %d: %s' % (p.returncode, p.stderr[-800:]))
        print('first snare npm install (fills the store): %.1f s' % (time.perf_counter() - t))
        saved = {n: open(os.path.join(proj, n), 'rb').read()
                 for n in ('package.json', 'package-lock.json')}
        no_left = dict(DEPS)
        del no_left['harmless-left']

        def reset(without_left=False):
            shutil.rmtree(os.path.join(proj, 'node_modules'), ignore_errors=True)
            for n, data in saved.items():
                with open(os.path.join(proj, n), 'wb') as f:
                    f.write(data)
            if without_left:  # the package to add is not a dependency yet
                with open(os.path.join(proj, 'package.json'), 'w') as f:
                    json.dump({'name': 'bench-guard', 'version': '1.0.0',
                               'dependencies': no_left}, f)

        cases = [
            ('lockfile', ['npm', 'install'], [snare, 'npm', '--store', store, 'install'],
             False),
            ('add harmless-left', ['npm', 'install', 'harmless-left'],
             [snare, 'npm', '--store', store, 'install', 'harmless-left'], True),
        ]
        rows = []
        for name, plain, guarded, without in cases:
            times = {'npm': [], 'snare npm': []}
            for _ in range(args.runs):
                for label, cmd in (('npm', plain), ('snare npm', guarded)):
                    reset(without)
                    t = time.perf_counter()
                    p = subprocess.run(cmd, cwd=proj, env=env, capture_output=True, text=True)
                    times[label].append(time.perf_counter() - t)
                    if p.returncode:
                        sys.exit('%s: exit %d: %s' % (' '.join(cmd), p.returncode,
                                                      p.stderr[-800:]))
                    if label == 'snare npm' and 'nothing malicious' not in p.stderr:
                        sys.exit('%s: %s' % (' '.join(cmd), p.stderr[-800:]))
            a, b = statistics.median(times['npm']), statistics.median(times['snare npm'])
            rows.append((name, a, b))
        print('npm %s, %d runs, medians' % (subprocess.run(['npm', '--version'], env=env,
                                                              capture_output=True, text=True)
                                              .stdout.strip(), args.runs))
        print('%-20s %10s %12s %10s' % ('install', 'npm', 'snare npm', 'added'))
        for name, a, b in rows:
            print('%-20s %8.2f s %10.2f s %8.2f s' % (name, a, b, b - a))
        worst = max(b - a for _, a, b in rows)
        print('bar (< 1 s added): %s' % ('met' if worst < 1.0 else 'NOT met'))
    finally:
        reg.terminate()
        reg.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
