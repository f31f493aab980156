#!/usr/bin/env python3
"""Checks a snare report against a case's expect.json.

expect.json:
  {"exit_code": 0,                      # snare's exit code (default 0)
   "stderr": "substring",               # optional, for error cases
   "expect": [ {...}, ... ]}            # assertions on the report

An assertion names a phase and either a status or an entry of a section:
  {"phase": "install", "status": "timeout"}
  {"phase": "install", "in": "commands", "where": {"argv.0": "curl"}}
  {"phase": "install", "in": "files", "where": {"path": "~/.bashrc", "flags": ["write"]}}
  {"phase": "install", "in": "canary_hits", "where": {"canary": "npm_token", "where": "sent"}}
  {"phase": "install", "in": "sent", "where": {"preview~": "$canary:npm_token"}}
  {"phase": "install", "in": "dns", "none": true}           # the section is empty
Keys are dotted paths (argv.0); a key ending in "~" matches a substring; a
list value must be a subset of the entry's list; "~" at the start of a
string is the sandbox home; "$canary:NAME" is that canary's value."""
import json, sys


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
        home = report['environment']['home']
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
    for key, want in where.items():
        want = subst(want, report)
        sub = key.endswith('~')
        have = get(entry, key[:-1] if sub else key)
        if sub:
            if have is None or str(want) not in (have if isinstance(have, str) else json.dumps(have)):
                return False
        elif isinstance(want, list):
            if not isinstance(have, list) or not all(w in have for w in want):
                return False
        elif have != want:
            return False
    return True


def check(expect, report):
    errors = []
    phases = {p['name']: p for p in report['phases']}
    for a in expect.get('expect', []):
        ph = phases.get(a.get('phase', 'install'))
        if ph is None:
            errors.append('no phase %r' % a.get('phase'))
            continue
        if 'status' in a and ph['status'] != a['status']:
            errors.append('phase %s status %r, want %r' % (ph['name'], ph['status'], a['status']))
        if 'in' in a:
            section = ph.get(a['in'], [])
            if a.get('none'):
                if section:
                    errors.append('%s.%s not empty: %s' % (ph['name'], a['in'], json.dumps(section[0])[:200]))
                continue
            where = a.get('where', {})
            if not any(matches(e, where, report) for e in section):
                errors.append('%s.%s has no entry matching %s' % (ph['name'], a['in'], json.dumps(where)))
    return errors


def main():
    expect = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    errors = check(expect, report)
    for e in errors:
        print('  ' + e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
