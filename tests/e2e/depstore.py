#!/usr/bin/env python3
"""End-to-end tests of the dependency store (src/depstore).

A fake registry (registry.py) serves the fixture packages under
tests/e2e/depstore/packages on 127.0.0.1.  ds-tamper depends on ds-lib@1
and ds-mid, which needs ds-lib@2 (nested); its postinstall, run by snare
in the sandbox like every package here, tries to chmod, overwrite and
truncate ds-lib's file.  Packages are only ever detonated by snare.

Each case prints "ok NAME" or "FAIL NAME" and the last line is
"e2e-depstore: N passed, N failed".
Usage: tests/e2e/depstore.py BUILD_DIR [CASE...]"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGINAL = "module.exports = 'ds-lib original';\n"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Env:
    def __init__(self, build):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-depstore-')
        self.store = os.path.join(self.tmp, 'store')
        self.reglog = os.path.join(self.tmp, 'registry.log')
        port_file = os.path.join(self.tmp, 'port')
        self.registry_proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'registry.py'),
             '--packages', os.path.join(HERE, 'depstore', 'packages'),
             '--port-file', port_file, '--manifest', os.path.join(self.tmp, 'manifest.json'),
             '--log', self.reglog])
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.registry = 'http://127.0.0.1:%d' % int(open(port_file).read())
        open(self.reglog, 'a').close()

    def close(self):
        self.registry_proc.terminate()
        self.registry_proc.wait()
        subprocess.run(['chmod', '-R', 'u+w', self.tmp])
        shutil.rmtree(self.tmp, ignore_errors=True)

    def requests(self):
        return open(self.reglog).read().splitlines()

    def trace(self, target, *args):
        """A report of |target|, with TMPDIR that must be empty again."""
        tmpdir = tempfile.mkdtemp(dir=self.tmp, prefix='tmpdir-')
        out = os.path.join(self.tmp, 'report.json')
        e = dict(os.environ, TMPDIR=tmpdir, XDG_CACHE_HOME=os.path.join(self.tmp, 'xdg'))
        p = subprocess.run([self.snare, 'trace', target, '--registry', self.registry,
                            '--dep-store', self.store, '-q', '--seed', '42', '-o', out] +
                           list(args), capture_output=True, text=True, env=e, timeout=600)
        check(p.returncode == 0, 'exit %d: %s' % (p.returncode, p.stderr[-4000:]))
        check(not os.listdir(tmpdir), 'left in TMPDIR: %s' % os.listdir(tmpdir))
        os.rmdir(tmpdir)
        return json.load(open(out)), p.stderr

    def lib_entry(self, version):
        """The store entry of ds-lib@|version|."""
        for m in glob.glob(os.path.join(self.store, 'v1', 'pkgs', '*', 'manifest.json')):
            j = json.load(open(m))
            if j['name'] == 'ds-lib' and j['version'] == version:
                return os.path.dirname(m)
        raise Failure('no store entry of ds-lib@%s' % version)


def phase(r, name):
    return [p for p in r['phases'] if p['name'] == name][0]


def tarball_gets(env, name):
    return [x for x in env.requests() if x.startswith('GET /%s/-/' % name)]


def check_store_intact(env):
    e = env.lib_entry('1.0.0')
    f = os.path.join(e, 'package', 'index.js')
    check(open(f).read() == ORIGINAL, 'store file changed: %r' % open(f).read())
    check(os.stat(f).st_mode & 0o7777 == 0o444, 'store mode %o' % os.stat(f).st_mode)


def case_store_first_and_warm(env):
    r, _ = env.trace('ds-tamper@1.0.0')
    d = r['dependencies']
    check(d['prepared_by'] == 'store' and d['store_fallback'] is None, 'deps: %s' % d)
    check(d['installed'] == 2 and d['error'] is None and r['degraded'] == [], 'deps: %s' % d)
    out = phase(r, 'install')['stdout']['data']
    # hoisted ds-lib@1 for the package, ds-lib@2 nested under ds-mid
    check("before: module.exports = 'ds-lib original';" in out, 'install: %r' % out)
    check('mid: ds-lib two' in out, 'install: %r' % out)
    # the package's own copy: it may change it, as after npm
    check('chmod: ok' in out and 'write: ok' in out and 'truncate: ok' in out,
          'install: %r' % out)
    check_store_intact(env)
    check(len(tarball_gets(env, 'ds-lib')) == 2, 'tarballs: %s' % env.requests())
    # warm: nothing from the registry but the target itself
    before = len(env.requests())
    r, _ = env.trace('ds-tamper@1.0.0')
    new = env.requests()[before:]
    check(all('ds-lib' not in x and 'ds-mid' not in x for x in new), 'warm requests: %s' % new)
    out = phase(r, 'install')['stdout']['data']
    check("before: module.exports = 'ds-lib original';" in out, 'second run sees %r' % out)
    check(r['dependencies']['prepared_by'] == 'store', 'deps: %s' % r['dependencies'])
    check_store_intact(env)


def case_damaged_entry_rebuilt(env):
    env.trace('ds-tamper@1.0.0')
    f = os.path.join(env.lib_entry('1.0.0'), 'package', 'index.js')
    os.chmod(f, 0o644)
    with open(f, 'w') as fh:
        fh.write("module.exports = 'changed in the store';\n")
    os.chmod(f, 0o444)
    n = len(tarball_gets(env, 'ds-lib'))
    r, err = env.trace('ds-tamper@1.0.0')
    check(r['dependencies']['prepared_by'] == 'store' and r['degraded'] == [],
          'report: %s %s' % (r['dependencies'], r['degraded']))
    out = phase(r, 'install')['stdout']['data']
    check("before: module.exports = 'ds-lib original';" in out, 'damaged entry used: %r' % out)
    check(len(tarball_gets(env, 'ds-lib')) == n + 1, 'not fetched again: %s' % env.requests())
    check_store_intact(env)
    # a file missing
    os.unlink(f)
    r, _ = env.trace('ds-tamper@1.0.0')
    check("before: module.exports = 'ds-lib original';" in phase(r, 'install')['stdout']['data'],
          'missing file: %r' % phase(r, 'install')['stdout']['data'])
    check_store_intact(env)


def case_fallback_to_npm(env):
    # a git dependency two levels down: npm prepares (and cannot fetch it)
    r, _ = env.trace('ds-uses-git@1.0.0')
    d = r['dependencies']
    check(d['prepared_by'] == 'npm', 'deps: %s' % d)
    check(d['store_fallback'] == "'ds-gitdep' depends on 'from-git@github:example/from-git', "
          "not a registry version", 'fallback: %s' % d['store_fallback'])
    # --no-dep-store: npm, and no reason to give
    r, _ = env.trace('ds-tamper@1.0.0', '--no-dep-store')
    d = r['dependencies']
    check(d['prepared_by'] == 'npm' and d['store_fallback'] is None and d['installed'] == 2,
          'deps: %s' % d)
    check("before: module.exports = 'ds-lib original';" in phase(r, 'install')['stdout']['data'],
          'npm run: %r' % phase(r, 'install')['stdout']['data'])


def case_offline_uses_stored_packuments(env):
    env.trace('ds-tamper@1.0.0')
    before = len(env.requests())
    r, _ = env.trace('ds-tamper@1.0.0', '--offline')
    new = [x for x in env.requests()[before:] if 'ds-tamper' not in x]
    check(new == [], 'offline asked the registry: %s' % new)
    check(r['dependencies']['prepared_by'] == 'store', 'deps: %s' % r['dependencies'])


CASES = {n[5:]: f for n, f in sorted(globals().items()) if n.startswith('case_')}


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    names = sys.argv[2:] or list(CASES)
    passed = failed = 0
    for name in names:
        env = Env(build)
        try:
            CASES[name](env)
            print('ok %s' % name)
            passed += 1
        except Failure as e:
            print('FAIL %s: %s' % (name, e))
            failed += 1
        finally:
            env.close()
    print('e2e-depstore: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
