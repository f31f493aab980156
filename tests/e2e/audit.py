#!/usr/bin/env python3
"""End-to-end tests of snare audit, show and scan of several targets.

A fake registry (registry.py) serves the fixture packages under
tests/e2e/audit/packages on 127.0.0.1: four harmless ones (one of them
depends on two others, one scoped, so the dependency install goes to the
registry too, even when the user's npmrc sends the scope elsewhere) and
planted-beacon, a harmless imitation of a beacon that reads the sandbox's
fake ~/.npmrc and posts it to a made-up domain.  The fixture
project's lockfiles (package-lock.json, yarn.lock, pnpm-lock.yaml) are
written from what the registry serves, with a git and a linked dependency
that cannot be scanned.  Packages are only ever detonated by snare.

Each case prints "ok NAME" or "FAIL NAME" and the last line is
"e2e-audit: N passed, N failed".
Usage: tests/e2e/audit.py BUILD_DIR [CASE...]"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GIT = 'git+ssh://git@github.com/example/from-git.git#0123456789abcdef0123456789abcdef01234567'
HARMLESS = ['@audit-fixture/scoped-dep', 'harmless-dep', 'harmless-left', 'harmless-util']
# what the fixture project's lockfiles hold (the registry serves more)
LOCKED = HARMLESS + ['planted-beacon']


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Env:
    def __init__(self, build):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-audit-')
        self.store = os.path.join(self.tmp, 'results.db')
        self.cache = os.path.join(self.tmp, 'tarballs')
        self.proj = os.path.join(self.tmp, 'project')
        self.reglog = os.path.join(self.tmp, 'registry.log')
        os.mkdir(self.proj)
        port_file = os.path.join(self.tmp, 'port')
        manifest = os.path.join(self.tmp, 'manifest.json')
        self.registry_proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'registry.py'),
             '--packages', os.path.join(HERE, 'audit', 'packages'),
             '--port-file', port_file, '--manifest', manifest, '--log', self.reglog])
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.port = int(open(port_file).read())
        self.registry = 'http://127.0.0.1:%d' % self.port
        self.manifest = json.load(open(manifest))
        open(self.reglog, 'a').close()
        self.write_lockfiles()

    def close(self):
        self.registry_proc.terminate()
        self.registry_proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_lockfiles(self):
        m = {k: v for k, v in self.manifest.items() if k in LOCKED}
        pkgs = {'': {'name': 'audit-fixture', 'version': '1.0.0'}}
        for name in sorted(m):
            pkgs['node_modules/' + name] = {'version': m[name]['version'],
                                            'resolved': m[name]['tarball'],
                                            'integrity': m[name]['integrity']}
        pkgs['node_modules/from-git'] = {'version': '1.0.0', 'resolved': GIT}
        pkgs['node_modules/local-lib'] = {'resolved': '../local-lib', 'link': True}
        lock = {'name': 'audit-fixture', 'version': '1.0.0', 'lockfileVersion': 3,
                'requires': True, 'packages': pkgs}
        with open(os.path.join(self.proj, 'package-lock.json'), 'w') as f:
            json.dump(lock, f, indent=2)
        # the same packages as yarn.lock (v1) and pnpm-lock.yaml (9.0)
        os.mkdir(os.path.join(self.tmp, 'yarn'))
        with open(os.path.join(self.tmp, 'yarn', 'yarn.lock'), 'w') as f:
            f.write('# yarn lockfile v1\n\n')
            for name in sorted(m):
                f.write('"%s@^%s":\n  version "%s"\n  resolved "%s"\n  integrity %s\n\n'
                        % (name, m[name]['version'], m[name]['version'], m[name]['tarball'],
                           m[name]['integrity']))
            f.write('"from-git@%s":\n  version "1.0.0"\n  resolved "%s"\n' % (GIT, GIT))
        os.mkdir(os.path.join(self.tmp, 'pnpm'))
        with open(os.path.join(self.tmp, 'pnpm', 'pnpm-lock.yaml'), 'w') as f:
            f.write("lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"
                    "      local-lib:\n        specifier: link:../local-lib\n"
                    "        version: link:../local-lib\n\npackages:\n\n")
            for name in sorted(m):
                f.write("  '%s@%s':\n    resolution: {integrity: %s}\n\n"
                        % (name, m[name]['version'], m[name]['integrity']))

    def requests(self):
        return open(self.reglog).read().splitlines()

    def run(self, *args, env=None):
        """Runs snare with a TMPDIR of its own that must be empty again
        afterwards.  Returns (exit code, stdout, stderr)."""
        tmpdir = tempfile.mkdtemp(dir=self.tmp, prefix='tmpdir-')
        e = dict(os.environ, TMPDIR=tmpdir, XDG_CACHE_HOME=os.path.join(self.tmp, 'xdg'))
        e.update(env or {})
        p = subprocess.run([self.snare] + list(args), capture_output=True, text=True, env=e,
                           timeout=600)
        left = os.listdir(tmpdir)
        check(not left, 'left behind in TMPDIR: %s' % left)
        os.rmdir(tmpdir)
        return p.returncode, p.stdout, p.stderr

    def audit(self, *args, target=None):
        return self.run('audit', target or self.proj, '--registry', self.registry,
                        '--store', self.store, '--cache', self.cache, *args)


def jsonl(out):
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    check(lines and 'summary' in lines[-1], 'no summary line: %r' % out[-300:])
    return {r['name']: r for r in lines[:-1]}, lines[-1]['summary']


def one_line_error(rc, err, want):
    check(rc == 2, 'exit code %d, want 2: %s' % (rc, err[:300]))
    check(want in err, 'stderr lacks %r: %r' % (want, err[:300]))
    check(err.count('\n') == 1, 'error is not one line: %r' % err)


def expect_verdicts(res, sumry, origin):
    """planted-beacon and only it is malicious, with its evidence."""
    beacon = res.get('planted-beacon')
    check(beacon and beacon['status'] == 'malicious',
          'planted-beacon: %s' % json.dumps(beacon)[:300])
    evidence = json.dumps(beacon['evidence'])
    check('beacon.audit-collector.test' in evidence or '.npmrc' in evidence,
          'evidence does not show the beacon: %s' % evidence[:300])
    for name in HARMLESS:
        check(res.get(name, {}).get('status') == 'benign',
              '%s: %s' % (name, json.dumps(res.get(name))[:300]))
    for name in ['planted-beacon'] + HARMLESS:
        check(res[name].get('origin') == origin,
              '%s came from %s, want %s' % (name, res[name].get('origin'), origin))
    check(sumry['malicious'] == 1, 'malicious: %d' % sumry['malicious'])


def case_first_audit(env):
    # the user's npmrc sends the fixture's scope to a dead registry: the
    # dependency install must use --registry all the same
    npmrc = os.path.join(env.tmp, 'npmrc')
    with open(npmrc, 'w') as f:
        f.write('@audit-fixture:registry=http://127.0.0.1:1/\n')
    rc, out, err = env.run('audit', env.proj, '--registry', env.registry, '--store', env.store,
                           '--cache', env.cache, '--format', 'jsonl', '-j', '2',
                           env={'NPM_CONFIG_USERCONFIG': npmrc})
    check(rc == 1, 'exit code %d, want 1: %s' % (rc, err[-500:]))
    res, sumry = jsonl(out)
    expect_verdicts(res, sumry, 'scan')
    check(res['from-git']['status'] == 'not_scanned' and res['from-git']['kind'] == 'git',
          'from-git: %s' % res['from-git'])
    check(res['local-lib']['status'] == 'not_scanned' and res['local-lib']['kind'] == 'link',
          'local-lib: %s' % res['local-lib'])
    check(sumry['partial'] and sumry['not_scanned'] == 2 and sumry['failed'] == 0,
          'summary: %s' % sumry)
    line = res['planted-beacon']['location']
    lock = open(os.path.join(env.proj, 'package-lock.json')).read().splitlines()
    check(line['file'].endswith('package-lock.json') and
          '"node_modules/planted-beacon"' in lock[line['line'] - 1],
          'location: %s' % line)
    reqs = env.requests()
    # every package fetched from the registry; harmless-util's dependency
    # installed through it too
    for name in ['planted-beacon'] + HARMLESS:
        check(any(r.startswith('GET /%s/-/' % name) for r in reqs), 'no tarball of %s' % name)
    check(sum(1 for r in reqs if r == 'GET /harmless-dep') >= 2 and
          sum(1 for r in reqs if r.lower() == 'get /@audit-fixture%2fscoped-dep') >= 2,
          'the dependency install did not use the registry: %s' % reqs)
    check('partial result' in err, 'no summary on stderr: %r' % err[-300:])
    # stderr is not a terminal: a line per package as it finishes
    lines = err.splitlines()
    check(lines[0] == 'snare: 5 of 7 packages to scan', 'first line: %r' % lines[:2])
    done = [re.fullmatch(r'snare: \[(\d)/5\] (\S+) (benign|malicious) (\d\.\d{3})  '
                         r'\((\d+):(\d\d)(, ETA \d+:\d\d)?\)', l) for l in lines[1:6]]
    check(all(done), 'progress lines: %r' % lines[1:6])
    check([int(m.group(1)) for m in done] == [1, 2, 3, 4, 5], 'counts: %r' % lines[1:6])
    check(sorted(m.group(2) for m in done) ==
          sorted('%s@%s' % (n, res[n]['version']) for n in LOCKED), 'names: %r' % lines[1:6])
    check(all((m.group(3) == 'malicious') == m.group(2).startswith('planted-beacon@')
              for m in done), 'verdicts: %r' % lines[1:6])
    check(done[4].group(7) is None and all(m.group(7) for m in done[:4]),
          'ETA on all but the last: %r' % lines[1:6])
    rc, out, err = env.run('show', 'harmless-util@2.1.0', '--store', env.store, '--json')
    deps = json.loads(out)['dependencies']
    check(deps['installed'] == 2 and deps['error'] is None, 'dependencies: %s' % deps)


def case_second_audit_from_store(env):
    before = len(env.requests())
    t0 = time.time()
    rc, out, err = env.audit('--format', 'jsonl')
    took = time.time() - t0
    check(rc == 1, 'exit code %d, want 1: %s' % (rc, err[-500:]))
    res, sumry = jsonl(out)
    expect_verdicts(res, sumry, 'store')
    check(sumry['stored'] == 5 and sumry['scanned'] == 0, 'summary: %s' % sumry)
    check(len(env.requests()) == before, 'registry requests: %s' % env.requests()[before:])
    check(took < 5, 'took %.1f s' % took)
    # the text table: what needs a look, and a count of the benign ones
    rc, out, err = env.audit()
    check(rc == 1 and err == '', 'exit code %d: %r' % (rc, err))
    rows = [l for l in out.splitlines() if not l.startswith(' ')]
    check(rows[0] == 'snare audit: %s/package-lock.json (package-lock.json v3)' % env.proj and
          rows[1] == '', 'title: %r' % rows[:2])
    check(re.fullmatch(r'MALICIOUS    \d\.\d{3}  planted-beacon@1\.0\.0 +stored', rows[2]),
          'first row: %r' % rows[2])
    check(rows[3:] == [
        'NOT SCANNED         %-40s  git dependency \'%s\'' % ('from-git@1.0.0', GIT),
        'NOT SCANNED         %-40s  linked directory \'../local-lib\'' % 'local-lib',
        '4 benign (--all lists them)',
        '',
        '7 packages: 1 malicious, 4 benign, 2 not scanned (partial result)'],
          'rows: %r' % rows[3:])
    evidence = [l for l in out.splitlines() if l.startswith(' ')]
    check(any(re.match(r' {13}\+\d\.\d\d  \S', l) for l in evidence),
          'evidence: %r' % evidence)
    # --all: every package, each benign one a row
    rc, full, err = env.audit('--all')
    check(rc == 1, 'exit code %d' % rc)
    benign = [l for l in full.splitlines() if l.startswith('benign ')]
    check(len(benign) == 4 and all(l.endswith('stored') for l in benign) and
          '(--all lists them)' not in full, '--all: %r' % full)
    check(full.replace(''.join(l + '\n' for l in benign), '4 benign (--all lists them)\n') ==
          out, '--all differs by more than the benign rows')
    # -q: the findings alone, nothing on stderr
    rc, quiet, err = env.audit('-q')
    check(rc == 1 and err == '', '-q: %d %r' % (rc, err))
    check(quiet == ''.join(l + '\n' for l in out.splitlines()
                           if l.startswith('MALICIOUS') or l.startswith(' ')),
          '-q: %r' % quiet)
    # --json is --format jsonl
    rc, js, err = env.audit('--json')
    rc2, js2, err2 = env.audit('--format', 'jsonl')
    check(rc == rc2 == 1 and js == js2 and err == err2, '--json differs from --format jsonl')
    # -o FILE: the same, in the file; the summary on stderr
    path = os.path.join(env.tmp, 'audit.txt')
    rc, nothing, err = env.audit('-o', path)
    check(rc == 1 and nothing == '' and open(path).read() == out, '-o: %d %r' % (rc, nothing))
    check(err == 'snare: 7 packages: 1 malicious, 4 benign, 2 not scanned (partial result)\n',
          '-o stderr: %r' % err)
    rc, nothing, err = env.audit('-o', '/dev/full', '-q')
    check(rc == 2 and nothing == '' and
          err == "snare: cannot write '/dev/full': No space left on device\n",
          '-o /dev/full: %d %r' % (rc, err))


def case_sarif(env):
    rc, out, err = env.audit('--format', 'sarif')
    check(rc == 1, 'exit code %d' % rc)
    log = json.loads(out)
    check(log['version'] == '2.1.0' and '$schema' in log, 'not SARIF 2.1.0')
    run = log['runs'][0]
    rules = run['tool']['driver']['rules']
    check(run['tool']['driver']['name'] == 'snare', 'tool')
    check(len(run['results']) == 1, 'results: %d' % len(run['results']))
    r = run['results'][0]
    check(r['ruleId'] == 'snare/malicious-package' and rules[r['ruleIndex']]['id'] == r['ruleId'],
          'rule: %s' % r['ruleId'])
    check(r['level'] == 'error', 'level')
    check(r['message']['text'].startswith('planted-beacon@1.0.0 is malicious (probability '),
          'message: %s' % r['message']['text'])
    loc = r['locations'][0]['physicalLocation']
    check(loc['artifactLocation']['uri'] == 'file://' + env.proj + '/package-lock.json',
          'uri: %s' % loc['artifactLocation'])
    lock = open(os.path.join(env.proj, 'package-lock.json')).read().splitlines()
    check('"node_modules/planted-beacon"' in lock[loc['region']['startLine'] - 1], 'region')
    notes = run['invocations'][0]['toolExecutionNotifications']
    check(len(notes) == 2 and all(n['level'] == 'warning' for n in notes), 'notes: %s' % notes)
    check(run['invocations'][0]['executionSuccessful'] is True, 'executionSuccessful')
    check(run['properties']['partial'] is True, 'partial')
    # the command line as it was given, quoted for a shell; the version; the rule's help
    want = ' '.join(shlex.quote(a) for a in [
        env.snare, 'audit', env.proj, '--registry', env.registry, '--store', env.store,
        '--cache', env.cache, '--format', 'sarif'])
    check(run['invocations'][0]['commandLine'] == want,
          'commandLine: %r' % run['invocations'][0]['commandLine'])
    driver = run['tool']['driver']
    check(driver['version'] and driver['semanticVersion'] == driver['version'],
          'version: %s' % driver)
    check('What to do' in rules[0]['help']['text'] and rules[0]['fullDescription']['text'],
          'rule help: %s' % rules[0])


def case_other_lockfiles(env):
    before = len(env.requests())
    for sub, n in (('yarn', 6), ('pnpm', 6)):
        rc, out, err = env.audit('--format', 'jsonl', target=os.path.join(env.tmp, sub))
        check(rc == 1, '%s: exit code %d: %s' % (sub, rc, err[-300:]))
        res, sumry = jsonl(out)
        expect_verdicts(res, sumry, 'store')
        check(sumry['packages'] == n and sumry['not_scanned'] == 1, '%s: %s' % (sub, sumry))
    check(len(env.requests()) == before, 'registry requests: %s' % env.requests()[before:])


def case_rescore(env):
    """Another model of the same feature schema: stored reports are scored
    again, nothing is detonated."""
    path = os.environ.get('SNARE_MODEL') or os.path.join(ROOT, 'models', 'snare.json')
    other = os.path.join(env.tmp, 'model-copy.json')
    with open(other, 'w') as f:
        json.dump(json.load(open(path)), f, indent=1)  # same model, other bytes
    before = len(env.requests())
    rc, out, err = env.audit('--format', 'jsonl', '--model', other)
    check(rc == 1, 'exit code %d: %s' % (rc, err[-300:]))
    res, sumry = jsonl(out)
    expect_verdicts(res, sumry, 'rescored')
    rc, out, err = env.audit('--format', 'jsonl', '--model', other)
    res, sumry = jsonl(out)
    expect_verdicts(res, sumry, 'store')
    check(len(env.requests()) == before, 'registry requests: %s' % env.requests()[before:])


def case_show(env):
    rc, out, err = env.run('show', 'planted-beacon@1.0.0', '--store', env.store)
    check(rc == 1 and out.startswith('MALICIOUS  planted-beacon@1.0.0  probability'),
          'show: %d %r %r' % (rc, out[:200], err[:200]))
    check(len(out.splitlines()) > 1, 'no evidence: %r' % out)
    rc, out, err = env.run('show', 'harmless-left@1.0.0', '--store', env.store)
    check(rc == 0 and out.startswith('benign  harmless-left@1.0.0'), 'show benign: %r' % out)
    rc, out, err = env.run('show', 'planted-beacon@1.0.0', '--store', env.store, '--json')
    r = json.loads(out)
    check(rc == 1 and r['verdict']['label'] == 'malicious' and
          r['package']['name'] == 'planted-beacon' and r['phases'], 'show --json')
    rc, out, err = env.run('show', 'unknown-pkg@1.0.0', '--store', env.store)
    one_line_error(rc, err, "snare: no stored result for 'unknown-pkg@1.0.0'")


def case_scan_many(env):
    lst = os.path.join(env.tmp, 'targets.txt')
    with open(lst, 'w') as f:
        f.write('# packages to check\nharmless-left@1.0.0\n\n  planted-beacon@1.0.0  # the beacon\n')
    before = len(env.requests())
    rc, out, err = env.run('scan', '--from', lst, 'harmless-util@^2.0.0', '--registry',
                           env.registry, '--store', env.store, '--format', 'jsonl')
    check(rc == 1, 'exit code %d: %s' % (rc, err[-300:]))
    res, sumry = jsonl(out)
    check(res['planted-beacon']['status'] == 'malicious' and
          res['planted-beacon']['origin'] == 'store', 'beacon: %s' % res['planted-beacon'])
    check(res['planted-beacon']['location'] == {'file': lst, 'line': 4},
          'location: %s' % res['planted-beacon'].get('location'))
    check(res['harmless-util']['version'] == '2.1.0' and
          res['harmless-util']['status'] == 'benign', 'range: %s' % res['harmless-util'])
    # only the range was resolved; nothing was downloaded
    check(env.requests()[before:] == ['GET /harmless-util'],
          'registry requests: %s' % env.requests()[before:])
    # one stored target: today's single-target output and exit code
    rc, out, err = env.run('scan', 'planted-beacon@1.0.0', '--registry', env.registry,
                           '--store', env.store)
    check(rc == 1 and out.startswith('MALICIOUS  planted-beacon@1.0.0'), 'single: %r' % out)


def case_errors(env):
    bad = os.path.join(env.tmp, 'bad')
    os.mkdir(bad)
    with open(os.path.join(bad, 'package-lock.json'), 'w') as f:
        f.write('{"lockfileVersion": 3,\n "packages": {\n')
    rc, out, err = env.audit(target=bad)
    one_line_error(rc, err, "snare: malformed lockfile '%s/package-lock.json': line 3:" % bad)
    check(out == '', 'stdout: %r' % out)
    empty = os.path.join(env.tmp, 'empty')
    os.mkdir(empty)
    rc, out, err = env.audit(target=empty)
    one_line_error(rc, err, "snare: no lockfile in '%s'" % empty)
    corrupt = os.path.join(env.tmp, 'corrupt.db')
    with open(corrupt, 'w') as f:
        f.write('not a database, only text that is long enough to have a header\n')
    rc, out, err = env.run('audit', env.proj, '--store', corrupt)
    one_line_error(rc, err, "snare: cannot open results store '%s': file is not a database"
                   % corrupt)
    # an unreachable registry: a partial result that says why, exit 2
    rc, out, err = env.run('audit', env.proj, '--registry', 'http://127.0.0.1:1', '--no-store',
                           '--format', 'jsonl', '-j', '4')
    check(rc == 2, 'exit code %d, want 2' % rc)
    res, sumry = jsonl(out)
    for name in ['planted-beacon'] + HARMLESS:
        check(res[name]['status'] == 'error' and
              "cannot reach registry 'http://127.0.0.1:1'" in res[name]['reason'],
              '%s: %s' % (name, res[name]))
    check(sumry['partial'] and sumry['failed'] == 5, 'summary: %s' % sumry)


def case_optional_other_platform(env):
    # with-optional needs harmless-dep and, optionally, a win32/arm64-only
    # package: npm skips that one and installs the rest, as a real install
    # does, and the import runs with its dependency.
    out = os.path.join(env.tmp, 'with-optional.json')
    rc, _, err = env.run('trace', 'with-optional@1.0.0', '--registry', env.registry,
                         '--cache', env.cache, '-q', '-o', out)
    check(rc == 0, 'exit code %d: %s' % (rc, err[-300:]))
    r = json.load(open(out))
    deps = r['dependencies']
    check(deps['installed'] == 1 and deps['error'] is None, 'dependencies: %s' % deps)
    check(deps['unresolved'] == [{'name': 'win-only-bin', 'spec': '1.0.0', 'reason':
                                  'optional, not installed by the store (another platform, or it failed)'}],
          'unresolved: %s' % deps['unresolved'])
    imp = [p for p in r['phases'] if p['name'] == 'import'][0]
    check(imp['status'] == 'ok' and 'with-optional loaded object' in imp['stdout']['data'],
          'import: %s %r' % (imp['status'], imp['stdout']['data'][:200]))


def case_npm_failure_partial(env):
    # npm cannot install the dependencies (the registry has no such
    # package): the verdict is partial, not benign, in every format and the
    # exit code; the store keeps the row marked partial and the next scan
    # detonates again instead of answering from it.
    store = os.path.join(env.tmp, 'partial.db')
    args = ['scan', 'needs-missing-dep@1.0.0', '--registry', env.registry, '--store', store,
            '--cache', env.cache]
    rc, out, err = env.run(*args)
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-300:]))
    check(out.startswith('PARTIAL (not judged)  needs-missing-dep@1.0.0'), 'text: %r' % out[:200])
    check('degraded: npm install of 1 dependencies failed' in out, 'text: %r' % out[:400])
    rc, out, err = env.run(*args, '--format', 'jsonl')
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-300:]))
    res, sumry = jsonl(out)
    x = res['needs-missing-dep']
    check(x['status'] == 'partial' and x['origin'] == 'scan', 'jsonl: %s' % x)
    check(x['degraded'] == [
        {'kind': 'npm', 'detail': 'npm install of 1 dependencies failed (status 1): '
                                  'npm error code E404'},
        {'kind': 'import', 'detail': "import: its dependency 'no-such-dependency' is not "
                                     "installed"}], 'degraded: %s' % x['degraded'])
    check(sumry['not_judged'] == 1 and sumry['benign'] == 0 and sumry['partial'],
          'summary: %s' % sumry)
    rc, out, err = env.run(*args, '--format', 'sarif')
    check(rc == 3, 'exit code %d, want 3: %s' % (rc, err[-300:]))
    run = json.loads(out)['runs'][0]
    notes = run['invocations'][0]['toolExecutionNotifications']
    check(not run['results'] and len(notes) == 1 and notes[0]['level'] == 'warning' and
          notes[0]['message']['text'].startswith('needs-missing-dep@1.0.0 could not be judged: '
                                                 'npm install of 1 dependencies failed'),
          'sarif: %s' % json.dumps(run)[:500])
    check(run['properties']['notJudged'] == 1 and run['properties']['partial'],
          'sarif properties: %s' % run['properties'])
    rc, out, err = env.run('show', 'needs-missing-dep@1.0.0', '--store', store, '--json')
    check(rc == 0 and json.loads(out)['verdict']['label'] == 'partial',
          'stored: %d %s' % (rc, out[:300]))
    rc, out, err = env.run(*args, '--format', 'tsv')
    check(rc == 3 and '\tpartial\t' in out, 'tsv: %d %r' % (rc, out))


def case_progress_lines(env):
    # one detonation, stderr not a terminal: a line per stage as it starts
    out = os.path.join(env.tmp, 'progress.json')
    args = ['trace', 'harmless-util@2.1.0', '--registry', env.registry, '--cache', env.cache,
            '-o', out]
    rc, _, err = env.run(*args)
    check(rc == 0, 'exit code %d: %s' % (rc, err[-300:]))
    stages = [m.group(1) for m in re.finditer(r'^snare: \[\d+:\d\d\] (.*)$', err, re.M)]
    check(stages == ['installing 2 dependencies (npm, no scripts run)', 'starting the sandbox',
                     'import phase (up to 20 s)', 'execute phase (up to 30 s)',
                     'browser phase (up to 20 s)'], 'stages: %r' % err[:600])
    check(err.index('browser phase') < err.index('snare: harmless-util@2.1.0\n'),
          'the summary does not come last: %r' % err[-600:])
    # -q: none of it
    rc, _, err = env.run(*args, '-q')
    check(rc == 0 and err == '', '-q: %d %r' % (rc, err))
    # bad input is still one line: nothing is said before the package is found
    rc, _, err = env.run('trace', 'no-such-package@1.0.0', '--registry', env.registry,
                         '--cache', env.cache, '-o', out + '.x')
    one_line_error(rc, err, "no-such-package")


def case_concurrent_audits(env):
    # Two audits of one project, one store, at the same time: each package
    # is detonated by one of them; the other waits for its claim and
    # answers from the store.
    names = ['harmless-dep', 'harmless-left', 'harmless-util']
    proj = os.path.join(env.tmp, 'concurrent')
    os.mkdir(proj)
    pkgs = {'': {'name': 'concurrent-fixture', 'version': '1.0.0'}}
    for n in names:
        m = env.manifest[n]
        pkgs['node_modules/' + n] = {'version': m['version'], 'resolved': m['tarball'],
                                     'integrity': m['integrity']}
    with open(os.path.join(proj, 'package-lock.json'), 'w') as f:
        json.dump({'name': 'concurrent-fixture', 'version': '1.0.0', 'lockfileVersion': 3,
                   'requires': True, 'packages': pkgs}, f)
    store = os.path.join(env.tmp, 'concurrent.db')
    tmpdir = tempfile.mkdtemp(dir=env.tmp, prefix='tmpdir-')
    e = dict(os.environ, TMPDIR=tmpdir, XDG_CACHE_HOME=os.path.join(env.tmp, 'xdg'))
    cmd = [env.snare, 'audit', proj, '--registry', env.registry, '--store', store,
           '--cache', env.cache, '-j', '1', '--format', 'jsonl']
    procs = [subprocess.Popen(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    scans = {n: 0 for n in names}
    for p, (out, err) in zip(procs, outs):
        check(p.returncode == 0, 'exit code %d: %s' % (p.returncode, err[-300:]))
        res, sumry = jsonl(out)
        for n in names:
            check(res[n]['status'] == 'benign', '%s: %s' % (n, res[n]))
            scans[n] += res[n]['origin'] == 'scan'
    check(scans == {n: 1 for n in names}, 'detonations per package: %s' % scans)
    check(not os.listdir(tmpdir), 'left behind in TMPDIR: %s' % os.listdir(tmpdir))
    # no claim is left behind
    import sqlite3
    db = sqlite3.connect(store)
    try:
        check(db.execute('SELECT count(*) FROM claims').fetchone()[0] == 0, 'claims left')
    finally:
        db.close()


def children_of(pid):
    kids = []
    try:
        for t in os.listdir('/proc/%d/task' % pid):
            kids += [int(x) for x in open('/proc/%d/task/%s/children' % (pid, t)).read().split()]
    except OSError:
        pass
    return kids


def stored_names(store):
    import sqlite3
    try:
        db = sqlite3.connect('file:%s?mode=ro' % store, uri=True, timeout=10)
        try:
            return sorted(r[0] for r in db.execute('SELECT name FROM results'))
        finally:
            db.close()
    except sqlite3.Error:
        return []


def case_kill9_keeps_finished(env):
    # An audit of four packages, one at a time; the last one's postinstall
    # waits.  kill -9 of the audit while it runs: the three verdicts
    # finished before are in the store, the running scan stops with its
    # parent, and the next audit sweeps what the killed one left and
    # detonates only the fourth.
    names = ['harmless-dep', 'harmless-left', 'harmless-util', 'zz-slow-install']
    proj = os.path.join(env.tmp, 'kill9')
    os.mkdir(proj)
    pkgs = {'': {'name': 'kill9-fixture', 'version': '1.0.0'}}
    for n in names:
        m = env.manifest[n]
        pkgs['node_modules/' + n] = {'version': m['version'], 'resolved': m['tarball'],
                                     'integrity': m['integrity']}
    with open(os.path.join(proj, 'package-lock.json'), 'w') as f:
        json.dump({'name': 'kill9-fixture', 'version': '1.0.0', 'lockfileVersion': 3,
                   'requires': True, 'packages': pkgs}, f)
    store = os.path.join(env.tmp, 'kill9.db')
    tmpdir = tempfile.mkdtemp(dir=env.tmp, prefix='tmpdir-')
    e = dict(os.environ, TMPDIR=tmpdir, XDG_CACHE_HOME=os.path.join(env.tmp, 'xdg'))
    cmd = [env.snare, 'audit', proj, '--registry', env.registry, '--store', store,
           '--cache', env.cache, '-j', '1', '-q', '--format', 'jsonl']
    p = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    scan = None
    try:
        # the fourth scan is running once three rows are stored and a
        # child is there (a bound for a wedged audit, not a timing test)
        deadline = time.time() + 500
        while time.time() < deadline and p.poll() is None:
            if len(stored_names(store)) == 3:
                kids = children_of(p.pid)
                if kids:
                    scan = kids[0]
                    break
            time.sleep(0.2)
        check(scan, 'the audit did not reach its fourth scan: rows %s, exit %s'
              % (stored_names(store), p.poll()))
        time.sleep(1)  # into the detonation
        p.kill()
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stderr.close()
    for _ in range(600):  # the scan tears down after its parent's death
        if not os.path.exists('/proc/%d' % scan):
            break
        time.sleep(0.1)
    check(not os.path.exists('/proc/%d' % scan), 'the scan outlived its killed audit')
    check(stored_names(store) == names[:3], 'stored: %s' % stored_names(store))
    left = os.listdir(tmpdir)
    check(len(left) == 1 and left[0].startswith('snare-batch-'),
          'the killed audit left %s (want its batch directory only)' % left)
    r = subprocess.run(cmd[:-3] + ['--install-timeout', '3', '--format', 'jsonl'], env=e,
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 0, 'exit code %d: %s' % (r.returncode, r.stderr[-300:]))
    res, sumry = jsonl(r.stdout)
    check(sumry['stored'] == 3 and sumry['scanned'] == 1, 'summary: %s' % sumry)
    check(res['zz-slow-install']['origin'] == 'scan', 'zz-slow-install: %s' % res['zz-slow-install'])
    check('left by a killed run' in r.stderr, 'no sweep logged: %r' % r.stderr[-300:])
    check(not os.listdir(tmpdir), 'left behind in TMPDIR: %s' % os.listdir(tmpdir))


CASES = [
    ('first-audit', case_first_audit),
    ('second-audit-from-store', case_second_audit_from_store),
    ('sarif', case_sarif),
    ('yarn-and-pnpm-lockfiles', case_other_lockfiles),
    ('rescore-other-model', case_rescore),
    ('show', case_show),
    ('scan-several-targets', case_scan_many),
    ('errors', case_errors),
    ('optional-other-platform', case_optional_other_platform),
    ('kill-9-keeps-finished', case_kill9_keeps_finished),
    ('npm-failure-partial', case_npm_failure_partial),
    ('progress-lines', case_progress_lines),
    ('concurrent-audits', case_concurrent_audits),
]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    only = sys.argv[2:]
    env = Env(build)
    passed = failed = 0
    try:
        for name, fn in CASES:
            if only and name not in only:
                continue
            try:
                fn(env)
                print('ok   audit/%s' % name)
                passed += 1
            except Failure as e:
                print('FAIL audit/%s\n  %s' % (name, e))
                failed += 1
            except Exception as e:  # a broken case must not stop the others
                print('FAIL audit/%s\n  %s: %s' % (name, type(e).__name__, e))
                failed += 1
    finally:
        env.close()
    print('e2e-audit: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
