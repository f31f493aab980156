"""What the bench scripts share about the malicious corpus and the wall."""
import json
import os
import shutil
import subprocess
import tempfile


def npm_warm(specs, force=False):
    """Fills npm's cache with |specs| (names, name@range or tarball paths) and
    their dependencies: `npm install --ignore-scripts` in a scratch
    directory, so nothing runs.  Needs the network.  True if npm succeeded."""
    scratch = tempfile.mkdtemp()
    try:
        p = subprocess.run(['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund',
                            '--no-package-lock', '--omit=dev'] + (['--force'] if force else []) + list(specs),
                           cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return p.returncode == 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def wall():
    """The outer network wall every detonation runs behind."""
    return ['unshare', '--net'] if os.geteuid() == 0 else ['unshare', '-rn']


def harness(corpus):
    """Per-sample harness settings from verify/manifest.json, by file name."""
    with open(os.path.join(corpus, 'verify/manifest.json')) as f:
        return {m['file']: m.get('harness', {}) for m in json.load(f)}


def harness_args(h):
    """snare trace options for one sample's harness settings (geo-IP answer,
    environment, a command that drives the package)."""
    out = []
    if h.get('geo'):
        out += ['--geo', h['geo']]
    for e in h.get('env', []):
        out += ['--env', e]
    if h.get('run'):
        out += ['--run', h['run']]
    return out


def benign_specs(path, n):
    """The first |n| name@version lines of the benign list."""
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith('#')][:n]


def tarball_of(tgz_dir, spec):
    """Where `snare fetch` puts the tarball of |spec| in |tgz_dir|."""
    name, _, ver = spec.rpartition('@') if spec.count('@') > (1 if spec.startswith('@') else 0) else (spec, '', '')
    return os.path.join(tgz_dir, name.lstrip('@').replace('/', '-') + '-' + ver + '.tgz')
