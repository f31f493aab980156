#!/usr/bin/env python3
"""Recall of the tracer on the malicious corpus.

Detonates every tarball of ../shared/corpus/malicious/pkgs with `snare
trace` (inside an outer `unshare --net`, as a second wall) and checks the
`expect` column of index.tsv against each report.  send: items that the
corpus saw only inside TLS (verify/results.tsv source "tls...") are counted
on a row of their own, "send (https)": they are observed only when snare
decrypts TLS.  Prints the per-kind table.

usage: bench/recall.py [--corpus DIR] [--snare build/snare] [-j 2]
                       [--only NAME ...] [--reports DIR] [--limit N]
Dependencies of the samples come from npm's cache: run with --warm once
(outside the wall; it only downloads registry packages, runs nothing).
"""
import argparse, base64, collections, concurrent.futures as cf, fnmatch, json, os
import subprocess, sys, tarfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import harness as load_harness, harness_args, npm_warm, wall as corpus_wall  # noqa: E402

ap = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
ap.add_argument('--corpus', default=os.path.join(here, '../../shared/corpus/malicious'))
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('-j', type=int, default=2)
ap.add_argument('--only', nargs='*')
ap.add_argument('--limit', type=int)
ap.add_argument('--reports', default='/tmp/snare-recall')
ap.add_argument('--reuse', action='store_true', help='reuse existing reports')
ap.add_argument('--warm', action='store_true', help='fill npm cache with the samples\' dependencies')
ap.add_argument('--install-timeout', default='25')
ap.add_argument('--import-timeout', default='15')
args = ap.parse_args()

rows = []
with open(os.path.join(args.corpus, 'index.tsv')) as f:
    head = f.readline().rstrip('\n').split('\t')
    for line in f:
        rows.append(dict(zip(head, line.rstrip('\n').split('\t'))))
harness = load_harness(args.corpus)
tls_only = set()
with open(os.path.join(args.corpus, 'verify/results.tsv')) as f:
    f.readline()
    for line in f:
        fn, item, obs, src = line.rstrip('\n').split('\t')[:4]
        if item.startswith('send:') and 'tls' in src:
            tls_only.add((fn, item))
if args.only:
    rows = [r for r in rows if r['file'] in args.only or r['name'] in args.only]
if args.limit:
    rows = rows[:args.limit]

if args.warm:
    specs = set()
    for r in rows:
        with tarfile.open(os.path.join(args.corpus, 'pkgs', r['file'])) as t:
            for m in t.getmembers():
                if m.name.count('/') == 1 and m.name.endswith('/package.json'):
                    pj = json.load(t.extractfile(m))
                    for n, v in (pj.get('dependencies') or {}).items():
                        if not any(c in v for c in ':/#'):
                            specs.add('%s@%s' % (n, v))
    print('warming npm cache with %d dependencies' % len(specs))
    for s in sorted(specs):
        npm_warm([s])
    sys.exit(0)

os.makedirs(args.reports, exist_ok=True)
wall = corpus_wall()


def detonate(r):
    out = os.path.join(args.reports, r['file'] + '.json')
    if args.reuse and os.path.exists(out):
        return r, out, 0, 0.0, ''
    h = harness.get(r['file'], {})
    cmd = wall + [args.snare, 'trace', os.path.join(args.corpus, 'pkgs', r['file']), '-q', '-o', out,
                  '--offline', '--install-timeout', args.install_timeout, '--import-timeout', args.import_timeout]
    cmd += harness_args(h)
    t = time.time()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return r, out, p.returncode, time.time() - t, p.stderr.strip()[-300:]


def observed_any(report, kind, value):
    return observed(report, 'send' if kind == 'send (https)' else kind, value)


CANARY_OF_PLACEHOLDER = [
    ('npm_FAKE', ('npm_token',)),
    ('AKIAFAKE', ('aws_access_key_id',)),
    ('fakeSandboxSecretKey', ('aws_secret_access_key',)),
    ('ghp_FAKE', ('github_token',)),
    ('gho_FAKE', ('gh_oauth_token',)),
    ('FAKEPASS', ('db_password',)),
    ('sk_live_FAKE', ('stripe_key',)),
    ('sk-FAKE', ('openai_key',)),
    ('FAKE-KUBE', ('kube_token',)),
    ('FAKE-SANDBOX-KEY', ('ssh_private_key',)),
    ('RkFLRS1TQU5EQk9YLUtFWS', ('ssh_private_key',)),
    ('FAKEsandboxDISCORD', ('discord_token',)),
    ('1//FAKE', ('gcloud_refresh_token',)),
    ('fake-jwt-secret', ('jwt_secret',)),
    ('FAKE-VAULT', ('ssh_private_key', 'wallet_seed', 'jwt_secret')),
    ('abandon abandon', ('wallet_seed',)),
    ('FAKE-HEROKU', ('db_password',)),
]


def observed(report, kind, value):
    home = report['environment']['home']
    phases = report['phases']

    def path_match(path, pat):
        pat = pat.replace('~', home, 1) if pat.startswith('~') else pat
        return fnmatch.fnmatchcase(path, pat)

    for ph in phases:
        if kind == 'exec':
            for c in ph['commands']:
                names = [os.path.basename(c.get('path') or ''), os.path.basename((c.get('argv') or [''])[0] or '')]
                if value in names:
                    return True
        elif kind in ('read', 'write', 'delete'):
            want = {'read': {'read'}, 'write': {'write', 'create', 'truncate', 'rename', 'chmod'},
                    'delete': {'delete', 'rename'}}[kind]
            for fe in ph['files']:
                if path_match(fe['path'], value) and want & set(fe['flags'] + fe['failed']):
                    return True
        elif kind == 'dns':
            v = value.lower().rstrip('.')
            for d in ph['dns']:
                h = d['hostname'].lower().rstrip('.')
                if h == v or h.endswith('.' + v):
                    return True
        elif kind == 'connect':
            host, port = value.rsplit(':', 1)
            for s in ph['sockets']:
                if s.get('syscall') not in ('connect', 'sendto', 'sendmsg', 'sendmmsg'):
                    continue
                if str(s.get('port')) == port and (s.get('address') == host or host in (s.get('hostnames') or [])):
                    return True
            for s in ph['sent']:
                if str(s.get('port')) == port and (s.get('address') == host or s.get('hostname') == host):
                    return True
        elif kind == 'send':
            # The corpus was verified with fixed placeholder secrets; snare
            # plants its own canaries, unique per run.  A placeholder stands
            # for the canary of the same kind: it is observed when that
            # canary reached the network.
            for prefix, canary in CANARY_OF_PLACEHOLDER:
                if prefix in value:
                    if any(h['canary'] in canary and h['where'] in ('sent', 'dns')
                           for h in ph['canary_hits']):
                        return True
                    break
            needle = value.encode()
            for s in ph['sent']:
                forms = [s.get('data_base64')] + [d.get('data_base64') for d in s.get('decoded') or []]
                if any(needle in base64.b64decode(f or '') for f in forms):
                    return True
            for d in ph['dns']:
                if value.lower() in d['hostname'].lower():
                    return True
    return False


per_kind = collections.Counter()
per_kind_ok = collections.Counter()
misses = []
errors = []
t0 = time.time()
with cf.ThreadPoolExecutor(args.j) as ex:
    for i, (r, out, rc, dt, err) in enumerate(ex.map(detonate, rows)):
        if rc != 0 or not os.path.exists(out):
            errors.append((r['file'], rc, err))
            continue
        report = json.load(open(out))
        for item in r['expect'].split(';'):
            if not item:
                continue
            kind, value = item.split(':', 1)
            if (r['file'], item) in tls_only:
                kind = 'send (https)'
            per_kind[kind] += 1
            if observed_any(report, kind, value):
                per_kind_ok[kind] += 1
            else:
                misses.append((r['file'], item))
        sys.stderr.write('\r%d/%d %.0fs' % (i + 1, len(rows), time.time() - t0))
sys.stderr.write('\n')

total = sum(per_kind.values())
ok = sum(per_kind_ok.values())
print('| kind | expected | observed | recall |')
print('| --- | ---: | ---: | ---: |')
for k in sorted(per_kind):
    print('| %s | %d | %d | %.1f%% |' % (k, per_kind[k], per_kind_ok[k], 100.0 * per_kind_ok[k] / per_kind[k]))
print('| **all** | %d | %d | %.1f%% |' % (total, ok, 100.0 * ok / max(total, 1)))
print('samples: %d, errors: %d, wall time: %.0f s' % (len(rows), len(errors), time.time() - t0))
for e in errors[:20]:
    print('error:', e)
with open(os.path.join(args.reports, 'misses.tsv'), 'w') as f:
    for m in misses:
        f.write('%s\t%s\n' % m)
print('misses listed in', os.path.join(args.reports, 'misses.tsv'))
