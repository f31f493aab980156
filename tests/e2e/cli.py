#!/usr/bin/env python3
"""Command-line tests of snare that detonate nothing: --version, help,
--help of every command, the exit codes in the help, and the one-line
errors of bad input (an extra argument, a target snare does not fetch, a
store that is not there, an output that cannot be written).

Each case prints "ok cli/NAME" or "FAIL cli/NAME" and the last line is
"e2e-cli: N passed, N failed".
Usage: tests/e2e/cli.py BUILD_DIR [CASE...]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMMANDS = ['scan', 'trace', 'audit', 'show', 'import', 'queue', 'worker', 'follow', 'fetch',
            'score', 'static', 'features', 'train', 'eval']
SUPPORTED = ("snare scans a registry package (name[@version]), a local .tgz or a directory")


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Env:
    def __init__(self, build):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-cli-')

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, *args, env=None):
        e = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.tmp, 'xdg'),
                 TMPDIR=self.tmp)
        e.pop('SNARE_STORE', None)
        e.update(env or {})
        p = subprocess.run([self.snare] + list(args), capture_output=True, text=True, env=e,
                           timeout=60)
        return p.returncode, p.stdout, p.stderr


def one_line_error(rc, out, err, want):
    check(rc == 2, 'exit code %d, want 2: %r' % (rc, err[:300]))
    check(err == want + '\n', 'stderr %r, want %r' % (err, want + '\n'))
    check(out == '', 'stdout: %r' % out[:300])


def case_version(env):
    base = open(os.path.join(ROOT, 'VERSION')).read().strip()
    want = base
    try:
        rev = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short=12', 'HEAD'],
                             capture_output=True, text=True, check=True).stdout.strip()
        tag = subprocess.run(['git', '-C', ROOT, 'describe', '--tags', '--exact-match'],
                             capture_output=True, text=True).stdout.strip()
        if tag != 'v' + base:
            want = '%s+g%s' % (base, rev)
    except (OSError, subprocess.CalledProcessError):
        pass
    for flag in ('--version', '-V', 'version'):
        rc, out, err = env.run(flag)
        check(rc == 0 and err == '', '%s: %d %r' % (flag, rc, err))
        # a build made at another commit says that commit; the shape holds
        check(re.fullmatch(re.escape(base) + r'(\+g[0-9a-f]{12})?\n', out[len('snare '):]) and
              out.startswith('snare '), '%s: %r' % (flag, out))
        if want != base:
            check(out == 'snare %s\n' % want or os.environ.get('SNARE_VERSION'),
                  '%s: %r, want %r' % (flag, out, 'snare %s\n' % want))


def case_help(env):
    for args in (['help'], ['--help'], ['-h']):
        rc, out, err = env.run(*args)
        check(rc == 0 and err == '', '%s: %d %r' % (args, rc, err))
        check(out.startswith('usage: snare COMMAND [ARGS]\n'
                             '       snare help COMMAND    (or snare COMMAND --help)\n'
                             '       snare --version\n'), '%s: %r' % (args, out[:200]))
        check(out.endswith('\nexit codes:\n'
                           '  0  clean: every package judged is benign (or the command '
                           'succeeded)\n'
                           '  1  malicious: at least one package is\n'
                           '  2  error: bad input, or a package could not be scanned\n'
                           '  3  partial: nothing malicious, but a package could not be '
                           'judged\n'), '%s: %r' % (args, out[-400:]))
        for c in COMMANDS:
            check(re.search(r'^  %-8s \S' % c, out, re.M), '%s does not list %s' % (args, c))
    # no command: the same on stderr, exit 2
    rc, out, err = env.run()
    check(rc == 2 and out == '' and err.startswith('usage: snare COMMAND'), 'bare: %r' % err)


def case_command_help(env):
    for c in COMMANDS:
        rc, out, err = env.run('help', c)
        check(rc == 0 and err == '', 'help %s: %d %r' % (c, rc, err))
        check(out.startswith('usage: snare %s' % c), 'help %s: %r' % (c, out[:100]))
        for flag in ('--help', '-h'):
            rc2, out2, err2 = env.run(c, flag)
            check(rc2 == 0 and err2 == '' and out2 == out,
                  '%s %s: %d %r %r' % (c, flag, rc2, out2[:100], err2))
    # scan and trace say different things
    _, scan, _ = env.run('help', 'scan')
    _, trace, _ = env.run('help', 'trace')
    check('--model FILE' in scan and '--model' not in trace and '--no-trace' in trace and
          '--no-trace' not in scan, 'scan and trace share a help text')
    check(scan.endswith('exit: 0 benign, 1 malicious, 2 error, 3 partial (not judged)\n'),
          'scan: %r' % scan[-200:])
    _, audit, _ = env.run('help', 'audit')
    for opt in ('--json', '-o, --output FILE', '--all'):
        check(opt in audit, 'audit help lacks %s' % opt)
    check(audit.endswith('exit: 0 clean, 1 malicious, 2 error (or interrupted), 3 partial '
                         '(not judged)\n'), 'audit: %r' % audit[-200:])


def case_unknown_command(env):
    one_line_error(*env.run('frobnicate'),
                   "snare: unknown command 'frobnicate' (snare help lists them)")
    one_line_error(*env.run('help', 'frobnicate'),
                   "snare: unknown command 'frobnicate' (snare help lists them)")
    one_line_error(*env.run('help', 'scan', 'trace'),
                   "snare: help takes one command, not 'trace'")


def case_extra_arguments(env):
    one_line_error(*env.run('audit', env.tmp, 'extra'),
                   "snare: audit takes one DIR or LOCKFILE, not 'extra' too")
    one_line_error(*env.run('trace', 'a@1.0.0', 'b@1.0.0'),
                   "snare: trace takes one TARGET, not 'b@1.0.0' too (snare scan takes several)")
    one_line_error(*env.run('show', 'a@1.0.0', 'b@1.0.0'),
                   "snare: show takes one NAME@VERSION, not 'b@1.0.0'")
    one_line_error(*env.run('audit', env.tmp, '--json', '--format', 'sarif'),
                   "snare: --json is --format jsonl; it cannot be combined with another "
                   "--format")


def case_unsupported_targets(env):
    for target, what, hint in (
            ('github:example/repo', 'a GitHub repository', 'clone it and give the directory'),
            ('git+https://example.test/r.git', 'a git repository',
             'clone it and give the directory'),
            ('https://example.test/pkg-1.0.0.tgz', 'a URL', 'download it and give the .tgz'),
            ('npm:lodash@4.17.21', 'an npm alias', 'give the real name[@version]')):
        for cmd in ('trace', 'scan'):
            args = [cmd, target, '--no-store'] if cmd == 'scan' else [cmd, target]
            one_line_error(*env.run(*args),
                           "snare: '%s' is %s; %s (%s)" % (target, what, SUPPORTED, hint))
    check(not [d for d in os.listdir(env.tmp) if d.startswith('snare-')],
          'left behind: %s' % os.listdir(env.tmp))


def case_show_missing_store(env):
    xdg = os.path.join(env.tmp, 'fresh-xdg')
    one_line_error(*env.run('show', 'left-pad@1.3.0', env={'XDG_CACHE_HOME': xdg}),
                   "snare: no stored result for 'left-pad@1.3.0': no results store at "
                   "'%s/snare/results.db'" % xdg)
    check(not os.path.exists(xdg), 'show created %s' % xdg)
    db = os.path.join(env.tmp, 'none.db')
    one_line_error(*env.run('show', 'left-pad@1.3.0', '--store', db),
                   "snare: no stored result for 'left-pad@1.3.0': no results store at '%s'"
                   % db)
    check(not os.path.exists(db), 'show created %s' % db)


def case_full_disk(env):
    pkg = os.path.join(HERE, 'cases', 'exfil-npmrc', 'package')
    one_line_error(*env.run('static', pkg, '-o', '/dev/full'),
                   "snare: cannot write '/dev/full': No space left on device")
    # a file system that fills up: no empty or partial file is left, and
    # an older report stays as it was
    if shutil.which('unshare') is None or os.geteuid() != 0:
        return
    mnt = os.path.join(env.tmp, 'tiny')
    os.mkdir(mnt)
    script = ('mount -t tmpfs -o size=4k tmpfs "$1" && echo old > "$1/report.json" && '
              '"$2" static "$3" -o "$1/report.json"; rc=$?; ls -A "$1"; cat "$1/report.json";'
              ' exit $rc')
    p = subprocess.run(['unshare', '--mount', 'sh', '-c', script, 'sh', mnt, env.snare, pkg],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 2, 'exit code %d: %r' % (p.returncode, p.stderr))
    check(p.stderr == "snare: cannot write '%s/report.json': No space left on device\n" % mnt,
          'stderr: %r' % p.stderr)
    check(p.stdout == 'report.json\nold\n', 'left on the full disk: %r' % p.stdout)


CASES = [
    ('version', case_version),
    ('help', case_help),
    ('command-help', case_command_help),
    ('unknown-command', case_unknown_command),
    ('extra-arguments', case_extra_arguments),
    ('unsupported-targets', case_unsupported_targets),
    ('show-missing-store', case_show_missing_store),
    ('full-disk', case_full_disk),
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
                print('ok   cli/%s' % name)
                passed += 1
            except Failure as e:
                print('FAIL cli/%s\n  %s' % (name, e))
                failed += 1
            except Exception as e:  # a broken case must not stop the others
                print('FAIL cli/%s\n  %s: %s' % (name, type(e).__name__, e))
                failed += 1
    finally:
        env.close()
    print('e2e-cli: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
