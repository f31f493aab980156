#!/usr/bin/env python3
"""Checks a snare report against a case's expect.json.

expect.json:
  {"exit_code": 0,                      # snare's exit code (default 0)
   "stderr": "substring",               # optional, for error cases
   "expect": [ {...}, ... ]}            # assertions on the report

An assertion names a phase and a status, entries of a section or fields of
the phase itself; or it matches fields of the whole report:
  {"phase": "install", "status": "timeout"}
  {"phase": "install", "in": "commands", "where": {"argv.0": "curl"}}
  {"phase": "install", "in": "files", "where": {"path": "~/.bashrc", "flags": ["write"]}}
  {"phase": "install", "in": "canary_hits", "where": {"canary": "npm_token", "where": "sent"}}
  {"phase": "install", "in": "sent", "where": {"preview~": "$canary:npm_token"}}
  {"phase": "install", "in": "dns", "none": true}           # the section is empty
  {"phase": "browser", "in": "browser.hooks", "where": {...}}  # a dotted section
  {"phase": "install", "in": "processes", "where": {"exit": -9}, "min": 900, "max": 1024}
                                  # how many entries match (min defaults to 1)
  {"phase": "install", "has": {"stderr.data~": "Cannot fork"}}  # the phase itself
  {"report": {"stats.total_ms<=": 15000}}                       # the whole report
  {"phase": "install", "stdout_json": {"tracer_pid": 0}}         # the last JSON line
                                  # the phase printed, matched like an entry
  {"features": {"import.conn_unix": 0, "import.cmd_total>=": 1}}  # the report's
                                  # feature vector (snare features; $SNARE or build/snare)
A "tells" object next to "stdout_json" lists keys whose ordinary answer the
sandbox does not give yet, each with the answer it should give and why it
does not (docs/security.md); they are not checked: moving one into
"stdout_json" makes it checked.
Keys are dotted paths (argv.0); a key ending in "~" matches a substring; a
list value must be a subset of the entry's list; "~" at the start of a
string is the sandbox home; "$canary:NAME" is that canary's value; a key
ending in "<=" or ">=" compares numbers."""
import json, os, subprocess, sys


def get(obj, path):
    for part in path.split('.'):
        if isinstance(obj, list):
            try:
                obj = obj[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            return None
    return obj


def subst(v, report):
    if isinstance(v, str):
        home = report.get('environment', {}).get('home', '')
        if v.startswith('~/'):
            v = home + v[1:]
        if v.startswith('$canary:'):
            name = v[len('$canary:'):]
            for c in report['canaries']:
                if c['name'] == name:
                    return c['value']
        return v
    if isinstance(v, list):
        return [subst(x, report) for x in v]
    return v


def matches(entry, where, report):
    return not mismatches(entry, where, report)


def nearest(section, where, report):
    """What the closest entry of a section has where it differs."""
    if not section:
        return 'the section is empty'
    best = min((mismatches(e, where, report) for e in section), key=len)
    return 'nearest of %d has %s' % (len(section), ', '.join(
        '%s %s' % (k.rstrip('<>=~'), json.dumps(v)[:120]) for k, v in best))


def mismatches(entry, where, report):
    """The (key, value the entry has) pairs that fail |where|."""
    out = []
    for key, want in where.items():
        want = subst(want, report)
        cmp = key[-2:] if key[-2:] in ('<=', '>=') else None
        sub = key.endswith('~')
        have = get(entry, key[:-2] if cmp else key[:-1] if sub else key)
        if cmp:
            ok = (isinstance(have, (int, float)) and not isinstance(have, bool)
                  and not (cmp == '<=' and have > want) and not (cmp == '>=' and have < want))
        elif sub:
            ok = have is not None and str(want) in (have if isinstance(have, str) else json.dumps(have))
        elif isinstance(want, list):
            ok = isinstance(have, list) and all(w in have for w in want)
        else:
            ok = have == want
        if not ok:
            out.append((key, have))
    return out


def features(report_path):
    """The report's features, by name, from snare features."""
    snare = os.environ.get('SNARE') or os.path.join(os.path.dirname(__file__), '..', '..', 'build', 'snare')
    out = subprocess.run([snare, 'features', report_path], capture_output=True, text=True, check=True).stdout
    names, values = out.splitlines()[:2]
    vec = {}
    for n, v in zip(names.split('\t'), values.split('\t')):
        try:
            vec[n] = float(v)
        except ValueError:
            vec[n] = v  # id, label, family, group
    return vec


def check(expect, report, report_path=None):
    errors = []
    phases = {p['name']: p for p in report.get('phases', [])}
    for a in expect.get('expect', []):
        if 'features' in a:
            vec = features(report_path)
            for key, want in a['features'].items():
                name = key[:-2] if key[-2:] in ('<=', '>=') else key
                have = vec.get(name)
                ok = isinstance(have, float) and (have <= want if key.endswith('<=') else
                                                  have >= want if key.endswith('>=') else
                                                  have == want)
                if not ok:
                    errors.append('feature %s is %s, want %s' % (name, have, json.dumps(want)))
            continue
        if 'report' in a:
            if not matches(report, a['report'], report):
                errors.append('report does not match %s' % json.dumps(a['report']))
            continue
        ph = phases.get(a.get('phase', 'install'))
        if ph is None:
            errors.append('no phase %r' % a.get('phase'))
            continue
        if 'status' in a and ph['status'] != a['status']:
            errors.append('phase %s status %r, want %r' % (ph['name'], ph['status'], a['status']))
        if 'has' in a and not matches(ph, a['has'], report):
            errors.append('phase %s does not match %s' % (ph['name'], json.dumps(a['has'])))
        if 'stdout_json' in a:
            data = get(ph, 'stdout.data') or ''
            line = next((l for l in reversed(data.splitlines()) if l.startswith('{')), None)
            try:
                obj = json.loads(line) if line else None
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                errors.append('phase %s printed no JSON object: %s' % (ph['name'], data[-200:]))
                continue
            for key, have in mismatches(obj, a['stdout_json'], report):
                errors.append('phase %s: %s is %s, want %s' % (
                    ph['name'], key, json.dumps(have)[:200], json.dumps(a['stdout_json'][key])))
        if 'in' in a:
            section = get(ph, a['in']) or []
            if a.get('none'):
                if section:
                    errors.append('%s.%s not empty: %s' % (ph['name'], a['in'], json.dumps(section[0])[:200]))
                continue
            where = a.get('where', {})
            n = sum(1 for e in section if matches(e, where, report))
            lo, hi = a.get('min', 1), a.get('max')
            if n == 0 and lo > 0:
                errors.append('%s.%s has no entry matching %s (%s)' % (
                    ph['name'], a['in'], json.dumps(where), nearest(section, where, report)))
            elif n < lo or (hi is not None and n > hi):
                errors.append('%s.%s has %d entries matching %s, want %s..%s'
                              % (ph['name'], a['in'], n, json.dumps(where), lo, hi))
    return errors


def main():
    expect = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    errors = check(expect, report, sys.argv[2])
    for e in errors:
        print('  ' + e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
