#!/usr/bin/env python3
"""End-to-end tests of the install guard: snare npm install|ci, snare npx
and the GitHub Action's script.

A fake registry (registry.py) serves the fixture packages of
tests/e2e/audit/packages and tests/e2e/guard/packages on 127.0.0.1:
guard-clean (a postinstall that leaves a marker in the project),
guard-beacon (planted-beacon's harmless imitation of a beacon, whose
preinstall would also leave a marker), guard-fresh (published half a day
ago; every other version on 2020-01-01) and guard-unjudged(-plain) (they
need an optional dependency npm skips on Linux, so snare cannot judge
them; the first has an install script that leaves a marker).  Every
fixture is detonated only by snare; npm runs a package's scripts on the
host only after the guard judged it (benign, or not judged and let
through on purpose).  Run inside `unshare --net` (tests/run.sh does), with
a private HOME and TMPDIR.

Each case prints "ok guard/NAME" or "FAIL guard/NAME" and the last line
is "e2e-guard: N passed, N failed".
Usage: tests/e2e/guard.py BUILD_DIR [CASE...]"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
UNJUDGED_WHY = "import: its dependency 'win-only-bin' is not installed"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Env:
    def __init__(self, build):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-guard-')
        self.store = os.path.join(self.tmp, 'results.db')
        self.home = os.path.join(self.tmp, 'home')
        self.reglog = os.path.join(self.tmp, 'registry.log')
        os.mkdir(self.home)
        port_file = os.path.join(self.tmp, 'port')
        manifest = os.path.join(self.tmp, 'manifest.json')
        self.registry_proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'registry.py'),
             '--packages', os.path.join(HERE, 'audit', 'packages'),
             '--packages', os.path.join(HERE, 'guard', 'packages'),
             '--published', 'guard-fresh=0.5',
             '--port-file', port_file, '--manifest', manifest, '--log', self.reglog])
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.port = int(open(port_file).read())
        self.registry = 'http://127.0.0.1:%d' % self.port
        self.manifest = json.load(open(manifest))
        self.nproj = 0

    def close(self):
        self.registry_proc.terminate()
        self.registry_proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def project(self, deps=None, npmrc=True):
        """A new project that depends on |deps| (default harmless-left),
        with an .npmrc naming the fake registry."""
        self.nproj += 1
        d = os.path.join(self.tmp, 'proj%d' % self.nproj)
        os.mkdir(d)
        with open(os.path.join(d, 'package.json'), 'w') as f:
            json.dump({'name': 'guard-fixture-%d' % self.nproj, 'version': '1.0.0',
                       'dependencies': deps if deps is not None else {'harmless-left': '^1.0.0'}},
                      f, indent=2)
        if npmrc:
            with open(os.path.join(d, '.npmrc'), 'w') as f:
                f.write('registry=%s/\n' % self.registry)
        return d

    def environ(self, tmpdir):
        return dict(os.environ, HOME=self.home, TMPDIR=tmpdir,
                    XDG_CACHE_HOME=os.path.join(self.tmp, 'xdg'),
                    npm_config_update_notifier='false', npm_config_audit='false',
                    npm_config_fund='false')

    def run(self, args, cwd, prog=None):
        """Runs snare (or |prog|) in |cwd| with a TMPDIR of its own that
        must be empty again afterwards.  Returns (exit code, stdout,
        stderr)."""
        tmpdir = tempfile.mkdtemp(dir=self.tmp, prefix='tmpdir-')
        p = subprocess.run((prog or [self.snare]) + list(args), capture_output=True, text=True,
                           env=self.environ(tmpdir), cwd=cwd, timeout=900)
        left = os.listdir(tmpdir)
        check(not left, 'left behind in TMPDIR: %s' % left)
        os.rmdir(tmpdir)
        return p.returncode, p.stdout, p.stderr

    def npm(self, cwd, *args, opts=()):
        return self.run(['npm', '--store', self.store] + list(opts) + list(args), cwd)


def snapshot(d):
    """Every file, directory and link under |d|, with its bytes' digest."""
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = 'link:' + os.readlink(p)
            elif os.path.isdir(p):
                out[rel] = 'dir'
            else:
                out[rel] = hashlib.sha256(open(p, 'rb').read()).hexdigest()
    return out


def lines(err):
    return err.splitlines()


def expect_line(err, want):
    check(want in lines(err), 'stderr lacks the line %r: %r' % (want, err[-1500:]))


def one_line_error(rc, err, want):
    check(rc == 2, 'exit code %d, want 2: %s' % (rc, err[-300:]))
    check(err == want + '\n', 'stderr %r, want %r' % (err, want + '\n'))


def installed(proj, name):
    return os.path.exists(os.path.join(proj, 'node_modules', name, 'package.json'))


def case_clean_install(env):
    """A clean package: judged (scanned), installed, and its postinstall
    ran on the host (its marker is in the project)."""
    proj = env.project()
    rc, out, err = env.npm(proj, 'install', 'guard-clean')
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: resolving what npm would install (npm install '
                     '--package-lock-only --ignore-scripts in a scratch copy)')
    expect_line(err, 'snare: 2 of 2 packages to scan')
    expect_line(err, 'snare: 2 packages checked (0 stored, 2 scanned), nothing malicious; '
                     'running npm install')
    check(installed(proj, 'guard-clean') and installed(proj, 'harmless-left'), 'not installed')
    marker = os.path.join(proj, 'guard-clean.marker')
    check(os.path.exists(marker) and open(marker).read() == 'ran\n', 'no marker: the script '
          'did not run')
    pj = json.load(open(os.path.join(proj, 'package.json')))
    check(pj['dependencies'] == {'guard-clean': '^1.0.0', 'harmless-left': '^1.0.0'},
          'package.json: %s' % pj)
    # the same again: an in-sync lockfile is read as it is, from the store
    rc, out, err = env.npm(proj, 'install')
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    check('resolving' not in err, 'resolved again: %r' % err)
    expect_line(err, 'snare: 2 packages checked (2 stored, 0 scanned), nothing malicious; '
                     'running npm install')


def case_malicious_blocked(env):
    """The beacon: exit 1 with its evidence, before any of its code ran on
    the host; the project is byte-identical."""
    proj = env.project({'guard-clean': '^1.0.0', 'harmless-left': '^1.0.0'})
    rc, _, err = env.npm(proj, 'install')
    check(rc == 0 and installed(proj, 'guard-clean'), 'setup: %d %s' % (rc, err[-500:]))
    before = snapshot(proj)
    check('package-lock.json' in before and 'node_modules/guard-clean/package.json' in before,
          'setup: %s' % sorted(before))
    for origin in ('scanned', 'stored'):
        rc, out, err = env.npm(proj, 'install', 'guard-beacon')
        check(rc == 1, 'exit code %d, want 1: %s' % (rc, err[-800:]))
        check(any(l.startswith('snare: blocked: guard-beacon@1.0.0 is malicious (probability ')
                  and l.endswith(', %s)' % origin) for l in lines(err)),
              'no block line (%s): %r' % (origin, err[-800:]))
        check('beacon.audit-collector.test' in err and '~/.npmrc' in err,
              'no evidence: %r' % err[-800:])
        check(lines(err)[-1] == 'snare: npm install blocked (1 malicious): nothing was '
                                'installed or run', 'last line: %r' % lines(err)[-1])
        check(out == '', 'stdout: %r' % out)
        check(snapshot(proj) == before, 'the project changed')
        check(not os.path.exists(os.path.join(proj, 'guard-beacon.marker')),
              'the beacon ran on the host')


def case_min_age(env):
    """A version younger than --min-age is held back, unless the store
    judged it benign."""
    proj = env.project()
    before = snapshot(proj)
    rc, out, err = env.npm(proj, 'install', 'guard-fresh', opts=['--min-age', '3'])
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: held back: guard-fresh@1.0.0 was published 0.5 days ago '
                     '(--min-age 3) and the store has no benign verdict for it')
    check(lines(err)[-1] == 'snare: npm install blocked (1 held back): nothing was installed '
                            'or run', 'last line: %r' % lines(err)[-1])
    check(snapshot(proj) == before, 'the project changed')
    # a younger limit lets it through, scanned
    rc, out, err = env.npm(proj, 'install', 'guard-fresh', opts=['--min-age', '0.25'])
    check(rc == 0 and installed(proj, 'guard-fresh'), 'exit code %d: %s' % (rc, err[-800:]))
    check('held back' not in err, 'held back: %r' % err)
    # now the store says benign: 3 days are no longer asked for
    proj = env.project()
    rc, out, err = env.npm(proj, 'install', 'guard-fresh', opts=['--min-age', '3'])
    check(rc == 0 and installed(proj, 'guard-fresh'), 'exit code %d: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: 2 packages checked (2 stored, 0 scanned), nothing malicious; '
                     'running npm install')


def case_unjudged_with_script(env):
    """Not judged and it has an install script: blocked by default, let
    through with --on-unjudged=warn (then its script runs)."""
    proj = env.project()
    before = snapshot(proj)
    rc, out, err = env.npm(proj, 'install', 'guard-unjudged')
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: blocked: guard-unjudged@1.0.0 could not be judged (%s); it has '
                     'install scripts (--on-unjudged=warn lets it through)' % UNJUDGED_WHY)
    check(lines(err)[-1] == 'snare: npm install blocked (1 not judged): nothing was installed '
                            'or run', 'last line: %r' % lines(err)[-1])
    check(snapshot(proj) == before, 'the project changed')
    check(not os.path.exists(os.path.join(proj, 'guard-unjudged.marker')), 'its script ran')
    rc, out, err = env.npm(proj, 'install', 'guard-unjudged', opts=['--on-unjudged=warn'])
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: warning: guard-unjudged@1.0.0 could not be judged (%s); '
                     'installing it (--on-unjudged=warn)' % UNJUDGED_WHY)
    check(installed(proj, 'guard-unjudged') and
          os.path.exists(os.path.join(proj, 'guard-unjudged.marker')), 'not installed')


def case_unjudged_without_script(env):
    """Not judged, no install script: a warning by default, blocked with
    --on-unjudged=block."""
    proj = env.project()
    before = snapshot(proj)
    rc, out, err = env.npm(proj, 'install', 'guard-unjudged-plain', opts=['--on-unjudged',
                                                                          'block'])
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: blocked: guard-unjudged-plain@1.0.0 could not be judged (%s) '
                     '(--on-unjudged=block)' % UNJUDGED_WHY)
    check(snapshot(proj) == before, 'the project changed')
    rc, out, err = env.npm(proj, 'install', 'guard-unjudged-plain')
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    expect_line(err, 'snare: warning: guard-unjudged-plain@1.0.0 could not be judged (%s); '
                     'installing it as it has no install scripts (--on-unjudged=block stops '
                     'it)' % UNJUDGED_WHY)
    check(installed(proj, 'guard-unjudged-plain'), 'not installed')


def case_ci_and_registry_option(env):
    """npm ci reads the project's lockfile as it is; --registry instead of
    an .npmrc is given to npm too."""
    src = env.project({'guard-clean': '^1.0.0'})
    rc, _, err = env.npm(src, 'install')
    check(rc == 0, 'setup: %s' % err[-500:])
    proj = env.project({'guard-clean': '^1.0.0'}, npmrc=False)
    shutil.copy(os.path.join(src, 'package-lock.json'), proj)
    rc, out, err = env.npm(proj, 'ci', opts=['--registry', env.registry])
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    check('resolving' not in err, 'ci resolved: %r' % err)
    expect_line(err, 'snare: 1 package checked (1 stored, 0 scanned), nothing malicious; '
                     'running npm ci')
    check(installed(proj, 'guard-clean') and
          os.path.exists(os.path.join(proj, 'guard-clean.marker')), 'not installed')
    # a beacon pinned in the lockfile: npm ci is blocked
    lock = json.load(open(os.path.join(src, 'package-lock.json')))
    m = env.manifest['guard-beacon']
    lock['packages']['node_modules/guard-beacon'] = {
        'version': m['version'], 'resolved': m['tarball'], 'integrity': m['integrity'],
        'hasInstallScript': True}
    lock['packages']['']['dependencies']['guard-beacon'] = '^1.0.0'
    proj = env.project({'guard-clean': '^1.0.0', 'guard-beacon': '^1.0.0'})
    with open(os.path.join(proj, 'package-lock.json'), 'w') as f:
        json.dump(lock, f, indent=2)
    before = snapshot(proj)
    rc, out, err = env.npm(proj, 'ci')
    check(rc == 1, 'exit code %d, want 1: %s' % (rc, err[-800:]))
    check(lines(err)[-1] == 'snare: npm ci blocked (1 malicious): nothing was installed or run',
          'last line: %r' % lines(err)[-1])
    check(snapshot(proj) == before, 'the project changed')


def case_npx(env):
    proj = env.project({})
    before = snapshot(proj)
    rc, out, err = env.run(['npx', '--store', env.store, 'guard-beacon'], proj)
    check(rc == 1, 'exit code %d, want 1: %s' % (rc, err[-800:]))
    check(lines(err)[-1] == 'snare: npx blocked (1 malicious): nothing was installed or run',
          'last line: %r' % lines(err)[-1])
    check(snapshot(proj) == before, 'the project changed')
    rc, out, err = env.run(['npx', '--store', env.store, '--yes', 'guard-clean'], proj)
    check(rc == 0, 'exit code %d: %s' % (rc, err[-800:]))
    # stored when an earlier case installed guard-clean, else scanned now
    check(any(l in lines(err) for l in (
        'snare: 1 package checked (%s), nothing malicious; running npx' % x
        for x in ('1 stored, 0 scanned', '0 stored, 1 scanned'))), 'stderr: %r' % err[-500:])
    check(out == 'guard-clean ran\n', 'stdout: %r' % out)


def case_errors(env):
    proj = env.project()
    before = snapshot(proj)
    rc, out, err = env.npm(proj, 'run', 'build')
    one_line_error(rc, err, "snare: 'npm run' is not guarded (install, ci and their aliases "
                            "are); run it with npm itself")
    rc, out, err = env.npm(proj, 'install', opts=['--on-unjudged', 'maybe'])
    one_line_error(rc, err, "snare: invalid --on-unjudged 'maybe' (block or warn)")
    rc, out, err = env.npm(proj, 'install', opts=['--min-age', '-1'])
    one_line_error(rc, err, "snare: invalid --min-age '-1' (days, e.g. 3 or 0.5)")
    rc, out, err = env.npm(proj, 'install', opts=['--bogus'])
    one_line_error(rc, err, "snare: unknown option '--bogus' (snare npm --help)")
    rc, out, err = env.npm(proj, 'install', 'harmless-left', '--prefix', env.tmp)
    one_line_error(rc, err, "snare: npm's --prefix is not supported by snare npm (run it in the "
                            "project's directory, without workspaces)")
    rc, out, err = env.npm(proj, 'ci')
    one_line_error(rc, err, "snare: npm ci needs a package-lock.json or npm-shrinkwrap.json "
                            "in '%s'" % proj)
    rc, out, err = env.npm(proj, 'install', 'no-such-package', opts=['-q'])
    check(rc == 2, 'exit code %d, want 2: %s' % (rc, err[-300:]))
    check(err.startswith('snare: npm could not resolve the install (exit 1): 404 Not Found - '
                         'GET %s/no-such-package' % env.registry) and err.count('\n') == 1,
          'stderr: %r' % err)
    check(snapshot(proj) == before, 'the project changed')


def case_action_script(env):
    """The GitHub Action's script, run here as the action runs it: with
    an installed snare (SNARE), against a project's lockfile, SARIF out."""
    proj = env.project({'guard-clean': '^1.0.0'})
    rc, _, err = env.npm(proj, 'install')
    check(rc == 0, 'setup: %s' % err[-500:])
    script = os.path.join(ROOT, '.github', 'snare-action.sh')
    base = {'SNARE': env.snare, 'INPUT_PATH': '.', 'INPUT_STORE': env.store,
            'INPUT_REGISTRY': env.registry, 'INPUT_SARIF': 'snare.sarif'}
    tmpdir = tempfile.mkdtemp(dir=env.tmp, prefix='tmpdir-')
    e = dict(env.environ(tmpdir), **base)
    p = subprocess.run(['sh', script], cwd=proj, env=e, capture_output=True, text=True,
                       timeout=900)
    check(p.returncode == 0, 'exit code %d: %s' % (p.returncode, p.stderr[-800:]))
    log = json.load(open(os.path.join(proj, 'snare.sarif')))
    run = log['runs'][0]
    check(log['version'] == '2.1.0' and run['results'] == [], 'results: %s' % run['results'])
    check('snare: 1 package: 0 malicious, 1 benign' in p.stderr, 'summary: %r' % p.stderr[-300:])
    # a malicious package: SARIF written with its result, the step fails
    lock = json.load(open(os.path.join(proj, 'package-lock.json')))
    m = env.manifest['guard-beacon']
    lock['packages']['node_modules/guard-beacon'] = {
        'version': m['version'], 'resolved': m['tarball'], 'integrity': m['integrity']}
    with open(os.path.join(proj, 'package-lock.json'), 'w') as f:
        json.dump(lock, f, indent=2)
    p = subprocess.run(['sh', script], cwd=proj, env=e, capture_output=True, text=True,
                       timeout=900)
    check(p.returncode == 1, 'exit code %d, want 1: %s' % (p.returncode, p.stderr[-800:]))
    run = json.load(open(os.path.join(proj, 'snare.sarif')))['runs'][0]
    check(len(run['results']) == 1 and
          run['results'][0]['message']['text'].startswith('guard-beacon@1.0.0 is malicious'),
          'results: %s' % json.dumps(run['results'])[:300])
    loc = run['results'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri']
    check(loc == 'package-lock.json', 'location: %s' % loc)
    # fail-on: never keeps the step green (the SARIF upload still fails the check)
    p = subprocess.run(['sh', script], cwd=proj, env=dict(e, INPUT_FAIL_ON='never'),
                       capture_output=True, text=True, timeout=900)
    check(p.returncode == 0, 'fail-on never: exit code %d: %s' % (p.returncode, p.stderr[-300:]))
    shutil.rmtree(tmpdir, ignore_errors=True)


CASES = [
    ('clean-install', case_clean_install),
    ('malicious-blocked', case_malicious_blocked),
    ('min-age', case_min_age),
    ('unjudged-with-script', case_unjudged_with_script),
    ('unjudged-without-script', case_unjudged_without_script),
    ('ci-and-registry-option', case_ci_and_registry_option),
    ('npx', case_npx),
    ('errors', case_errors),
    ('action-script', case_action_script),
]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    only = sys.argv[2:]
    if not shutil.which('npm'):
        print('FAIL guard/npm\n  npm is not installed')
        print('e2e-guard: 0 passed, 1 failed')
        return 1
    env = Env(build)
    passed = failed = 0
    try:
        for name, fn in CASES:
            if only and name not in only:
                continue
            try:
                fn(env)
                print('ok   guard/%s' % name)
                passed += 1
            except Failure as e:
                print('FAIL guard/%s\n  %s' % (name, e))
                failed += 1
            except Exception as e:  # a broken case must not stop the others
                print('FAIL guard/%s\n  %s: %s' % (name, type(e).__name__, e))
                failed += 1
    finally:
        env.close()
    print('e2e-guard: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
