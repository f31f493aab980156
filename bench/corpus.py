"""What the bench scripts share about the malicious corpus and the wall."""
import json
import os


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
