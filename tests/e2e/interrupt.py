#!/usr/bin/env python3
"""Interrupts snare at each phase and checks that it leaves nothing behind.

The matrix: SIGINT, SIGTERM, SIGHUP and SIGKILL, sent to snare trace (one
detonation) and to snare audit (the parent of a child snare), while the
detonation is preparing (npm waits for a registry that never answers), in
the install phase (a postinstall that sleeps) and in the import phase (a
require that never returns).  A case waits until the phase is reached,
seen in snare's process tree, not for a time.

After a stop signal nothing may remain: no process of snare's tree, no
cgroup, no mount, nothing in the case's TMPDIR.  After a SIGKILL, which no
process can handle, the processes must still be gone (they die with their
parent) and what is left (cgroups, work directories) must be removed by
the next run, which says so.

The fixture packages are served by registry.py on 127.0.0.1 and only ever
detonated by snare.  Each case prints "ok NAME" or "FAIL NAME"; the last
line is "e2e-interrupt: N passed, N failed".
Usage: tests/e2e/interrupt.py BUILD_DIR [CASE...]"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = os.path.join(HERE, 'interrupt', 'packages')
CGROUP_BASES = ['/sys/fs/cgroup', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids']
# Bounds for things that happen whatever the machine's speed; a case that
# reaches one has failed, not run long.
REACH_S = 180
EXIT_S = 120


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return [a.decode(errors='replace') for a in f.read().split(b'\0') if a]
    except OSError:
        return None


def stat(pid):
    """(ppid, starttime) of |pid|, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(')') + 2:].split()
    return int(fields[1]), int(fields[19])


def descendants(root):
    """{pid: starttime} of |root|'s whole tree, |root| excluded."""
    parent = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            st = stat(int(d))
            if st:
                parent[int(d)] = st
    out = {}
    frontier = [root]
    while frontier:
        p = frontier.pop()
        for c, (pp, start) in parent.items():
            if pp == p and c not in out:
                out[c] = start
                frontier.append(c)
    return out


def alive(pid, start):
    st = stat(pid)
    return st is not None and st[1] == start


def cgroups(pids):
    """The cgroups of sandboxes whose init is one of |pids| (snare-PID):
    other runs on the machine have their own."""
    names = {'snare-%d' % p for p in pids}
    out = set()
    for b in CGROUP_BASES:
        try:
            out |= {os.path.join(b, e) for e in os.listdir(b) if e in names}
        except OSError:
            pass
    return out


def mounts_under(path):
    with open('/proc/self/mountinfo') as f:
        return [l.split()[4] for l in f if path in l]


PHASES = {
    # phase: (package, what of snare's tree shows that the phase is running)
    # npm sets its process title: the command line may be one string
    'prepare': ('stall-prepare', lambda a: 'npm install --ignore-scripts' in ' '.join(a)),
    'install': ('stall-install', lambda a: a[:2] == ['sleep', '3600']),
    # the import step is the project's own index.js (the harness in its import mode)
    'import': ('stall-import', lambda a: a[:2] == ['/usr/bin/node', 'index.js']),
}
SIGNALS = [('int', signal.SIGINT), ('term', signal.SIGTERM), ('hup', signal.SIGHUP),
           ('kill', signal.SIGKILL)]


class Env:
    def __init__(self, build):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-interrupt-')
        port_file = os.path.join(self.tmp, 'port')
        manifest = os.path.join(self.tmp, 'manifest.json')
        self.registry_proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'registry.py'), '--packages', PACKAGES,
             '--port-file', port_file, '--manifest', manifest,
             '--log', os.path.join(self.tmp, 'registry.log'), '--stall', 'stalled-dep'])
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.registry = 'http://127.0.0.1:%d' % int(open(port_file).read())
        self.manifest = json.load(open(manifest))
        self.n = 0

    def close(self):
        self.registry_proc.terminate()
        self.registry_proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def project(self, name):
        """A project whose lockfile holds only |name| (for snare audit)."""
        proj = os.path.join(self.tmp, 'project-' + name)
        if not os.path.isdir(proj):
            os.mkdir(proj)
            m = self.manifest[name]
            lock = {'name': 'interrupt-fixture', 'version': '1.0.0', 'lockfileVersion': 3,
                    'requires': True, 'packages': {
                        '': {'name': 'interrupt-fixture', 'version': '1.0.0'},
                        'node_modules/' + name: {'version': m['version'], 'resolved': m['tarball'],
                                                 'integrity': m['integrity']}}}
            with open(os.path.join(proj, 'package-lock.json'), 'w') as f:
                json.dump(lock, f)
        return proj

    def command(self, mode, pkg, tmpdir):
        common = ['--registry', self.registry, '--install-timeout', '3600',
                  '--import-timeout', '3600', '-q']
        if mode == 'trace':
            return [self.snare, 'trace', os.path.join(PACKAGES, pkg), '-o',
                    os.path.join(tmpdir, '..', os.path.basename(tmpdir) + '.json')] + common
        return [self.snare, 'audit', self.project(pkg), '-j', '1', '--no-store', '--cache',
                os.path.join(self.tmp, 'tarballs'), '--format', 'jsonl'] + common


def default_signals():
    """snare keeps ignoring a signal its caller ignores (a background job's
    SIGINT, nohup's SIGHUP): the cases start it as a terminal would."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def run_case(env, mode, phase, signame, sig):
    pkg, reached = PHASES[phase]
    env.n += 1
    tmpdir = os.path.join(env.tmp, 'case%d' % env.n)
    os.mkdir(tmpdir)
    e = dict(os.environ, TMPDIR=tmpdir, XDG_CACHE_HOME=os.path.join(env.tmp, 'xdg'))
    errpath = tmpdir + '.err'
    outpath = tmpdir + '.out'
    errf = open(errpath, 'w')
    outf = open(outpath, 'w')
    p = subprocess.Popen(env.command(mode, pkg, tmpdir), env=e, stdout=outf,
                         stderr=errf, preexec_fn=default_signals)
    errf.close()
    outf.close()
    stderr = lambda: open(errpath).read()[-300:]
    seen = {}
    # the dependency store asks the registry for the stalled dependency
    # from snare's own process; npm, when it prepares, from a child
    reglog = os.path.join(env.tmp, 'registry.log')
    asked = lambda: open(reglog).read().count('GET /stalled-dep') if os.path.exists(reglog) else 0
    asked_before = asked()
    try:
        until = time.monotonic() + REACH_S
        while True:
            tree = descendants(p.pid)
            seen.update(tree)
            if any(reached(cmdline(pid) or []) for pid in tree):
                break
            if phase == 'prepare' and asked() > asked_before:
                break
            if p.poll() is not None:
                raise Failure('snare ended (%s) before the %s phase: %s'
                              % (p.returncode, phase, stderr()))
            check(time.monotonic() < until, 'the %s phase was never reached' % phase)
            time.sleep(0.05)
        seen.update(descendants(p.pid))
        p.send_signal(sig)
        try:
            p.wait(EXIT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Failure('snare still ran %d s after SIG%s' % (EXIT_S, signame.upper()))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if sig != signal.SIGKILL and mode == 'trace' and p.returncode != -sig:
        raise Failure('exit status %s, want death by SIG%s: %s'
                      % (p.returncode, signame.upper(), stderr()))
    if sig != signal.SIGKILL and mode == 'audit':
        # what it has, the package it did not finish counted as
        # interrupted, not failed
        out = open(outpath).read().splitlines()
        check(p.returncode == 2, 'exit status %s, want 2: %s' % (p.returncode, stderr()))
        check(len(out) == 2 and json.loads(out[0])['reason'] == 'not scanned: interrupted',
              'stdout: %r' % out)
        sumry = json.loads(out[1])['summary']
        check(sumry['interrupted'] == 1 and sumry['failed'] == 0 and sumry['partial'],
              'summary: %s' % sumry)
    # What must be gone at once: every process of the tree (a SIGKILL
    # included: they die with their parent).
    left = []
    until = time.monotonic() + 10
    while True:
        left = [(pid, cmdline(pid)) for pid, start in seen.items() if alive(pid, start)]
        if not left or time.monotonic() > until:
            break
        time.sleep(0.05)
    if left:
        for pid, start in seen.items():  # ours: end them, by pid
            if alive(pid, start):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        raise Failure('processes left: %s' % left)
    if sig == signal.SIGKILL:
        sweep(env, tmpdir, e, cgroups(seen))
    check(not cgroups(seen), 'cgroups left: %s' % sorted(cgroups(seen)))
    check(not mounts_under(tmpdir), 'mounts left: %s' % mounts_under(tmpdir))
    check(not os.listdir(tmpdir), 'left in TMPDIR: %s' % os.listdir(tmpdir))


def sweep(env, tmpdir, e, cg_left):
    """The next run removes what the killed one left, and says so."""
    had = os.listdir(tmpdir) or cg_left
    out = os.path.join(env.tmp, 'sweep.json')
    p = subprocess.run([env.snare, 'trace', os.path.join(PACKAGES, 'stall-install'),
                        '--install-timeout', '0.5', '--import-timeout', '5', '-q', '-o', out],
                       env=e, capture_output=True, text=True, timeout=EXIT_S)
    check(p.returncode == 0, 'the next run failed (%d): %s' % (p.returncode, p.stderr[-300:]))
    if had:
        check('left by a killed run' in p.stderr, 'the next run did not say what it removed: %r'
              % p.stderr[-300:])


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    only = sys.argv[2:]
    env = Env(build)
    passed = failed = 0
    try:
        for mode in ('trace', 'audit'):
            for phase in PHASES:
                for signame, sig in SIGNALS:
                    name = '%s-%s-%s' % (mode, phase, signame)
                    if only and name not in only:
                        continue
                    try:
                        run_case(env, mode, phase, signame, sig)
                        print('ok   interrupt/%s' % name)
                        passed += 1
                    except Failure as ex:
                        print('FAIL interrupt/%s\n  %s' % (name, ex))
                        failed += 1
                    except Exception as ex:  # a broken case must not stop the others
                        print('FAIL interrupt/%s\n  %s: %s' % (name, type(ex).__name__, ex))
                        failed += 1
                    sys.stdout.flush()
    finally:
        env.close()
    print('e2e-interrupt: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
