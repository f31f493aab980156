#!/usr/bin/env python3
"""Builds the training set: detonates every benign and malicious package,
keeps the reports, and writes the features table (data/features.tsv).

  benign:    the tarballs bench/benign.py --fetch put in DIR/tarballs
             (run it first, with -n 100000 for the whole list)
  malicious: ../shared/corpus/malicious/pkgs, families from its index.tsv
  longtail:  only with --longtail DIR: the tarballs bench/longtail.py --fetch
             put in DIR/tarballs and finished caching the dependencies of,
             as benign rows of family 'longtail'; their
             reports are bench/longtail.py's own (DIR/reports), so packages
             it detonated are not detonated again.  A quarter of them
             (sha256 of the name, first byte mod 4 == 0) never reaches the
             training table: their rows go to --judge-out
             (data/longtail-judge.tsv), which `snare eval --holdout` scores
             to give the long-tail false-positive rate of a model that has
             not seen them.

--refresh-static re-reads each package's static section from its tarball
(`snare static`), so that static analysis can change without detonating
thousands of packages again.

Detonation runs inside an outer `unshare --net`; dependencies come from
npm's cache (--offline).  Resumable: reports already written are kept.
Near-duplicates share a group: a hash of the package's code with string
literals, numbers, the name and the version blanked, so templates
republished under other names never straddle a train/test split.

usage: bench/dataset.py [-j 2] [--dir /tmp/snare-dataset] [--out data/features.tsv]
                        [--longtail /tmp/snare-longtail] [--judge-out data/longtail-judge.tsv]
                        [--refresh-static]
"""
import argparse, concurrent.futures as cf, hashlib, json, os, random, re, subprocess, sys, tarfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import harness as load_harness, harness_args, tarball_of, wall as corpus_wall  # noqa: E402

ap = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
ap.add_argument('--corpus', default=os.path.join(here, '../../shared/corpus/malicious'))
ap.add_argument('--benign-tarballs', default='/tmp/snare-benign/tarballs')
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('--dir', default='/tmp/snare-dataset')
ap.add_argument('--out', default=os.path.join(here, '../data/features.tsv'))
ap.add_argument('-j', type=int, default=2)
ap.add_argument('--longtail', metavar='DIR', help='also the long-tail tarballs of DIR/tarballs, as benign rows')
ap.add_argument('--judge-out', default=os.path.join(here, '../data/longtail-judge.tsv'),
                help='with --longtail: where the judging quarter of the long-tail rows goes')
ap.add_argument('--refresh-static', action='store_true',
                help='re-read each package\'s static section from its tarball (`snare static`) '
                     'before extracting features, so static analysis can change without detonating again')
ap.add_argument('--no-detonate', action='store_true',
                help='detonate nothing: the table holds the packages whose report is already there')
ap.add_argument('--only', choices=['benign', 'malicious', 'longtail'], help='detonate one side only (the table is written from all reports present)')
args = ap.parse_args()

LIT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`|\b\d+(?:\.\d+)*\b')


def code_group(tgz):
    """Hash of the package's code with literals, name and version blanked.
    The archive is read once, in its own order: a gzip stream has no random
    access, so reading members in another order decompresses it again for
    each one.  At most the first 256 KiB of each code file counts."""
    h = hashlib.sha256()
    texts = {}
    name = version = ''
    try:
        with tarfile.open(tgz, 'r|gz') as t:
            for m in t:
                rel = m.name.split('/', 1)[-1]
                if not m.isfile():
                    continue
                if rel == 'package.json':
                    try:
                        pj = json.load(t.extractfile(m))
                        name, version = str(pj.get('name', '')), str(pj.get('version', ''))
                        texts['\0scripts'] = json.dumps(sorted((pj.get('scripts') or {}).keys()))
                    except Exception:
                        pass
                elif rel.endswith(('.js', '.cjs', '.mjs', '.sh', '.py', '.ts')) and m.size <= 2_000_000:
                    texts[rel] = t.extractfile(m).read(256 * 1024).decode('utf-8', 'replace')
    except (tarfile.TarError, OSError, EOFError):
        h.update(os.path.basename(tgz).encode())
        return h.hexdigest()[:16]
    if '\0scripts' in texts:
        h.update(texts.pop('\0scripts').encode())
    for rel in sorted(texts):
        text = texts[rel]
        for s in (name, version):
            if s:
                text = text.replace(s, '')
        text = LIT.sub('_', text)
        text = re.sub(r'\s+', '', text)
        h.update(re.sub(r'[^/]+$', '', rel).encode() + b'\0' + text.encode())
    return h.hexdigest()[:16]


_groups_path = os.path.join(args.dir, 'groups.json')
_groups = json.load(open(_groups_path)) if os.path.exists(_groups_path) else {}


def cached_group(tgz):
    """code_group(), kept in DIR/groups.json by path, size and mtime."""
    st = os.stat(tgz)
    key = '%s:%d:%d' % (tgz, st.st_size, int(st.st_mtime))
    if key not in _groups:
        _groups[key] = code_group(tgz)
    return _groups[key]


jobs = []
for fn in sorted(os.listdir(args.benign_tarballs)) if os.path.isdir(args.benign_tarballs) else []:
    if fn.endswith('.tgz'):
        jobs.append(('benign', 0, 'benign', os.path.join(args.benign_tarballs, fn), {}))
if args.longtail:
    # Only packages whose dependencies --fetch has finished with (warmed.txt,
    # cold.txt) or that already have a report: the others would install
    # offline with their dependencies missing.
    lt_tgz = os.path.join(args.longtail, 'tarballs')
    ready = set()
    for fn in ('warmed.txt', 'cold.txt'):
        if os.path.exists(os.path.join(args.longtail, fn)):
            ready |= {os.path.basename(tarball_of(lt_tgz, s)) for s in open(os.path.join(args.longtail, fn)).read().split()}
    for fn in sorted(os.listdir(lt_tgz)) if os.path.isdir(lt_tgz) else []:
        if fn.endswith('.tgz') and (fn in ready or os.path.exists(os.path.join(args.longtail, 'reports', fn + '.json'))):
            jobs.append(('longtail', 0, 'longtail', os.path.join(lt_tgz, fn), {}))
harness = load_harness(args.corpus)
with open(os.path.join(args.corpus, 'index.tsv')) as f:
    head = f.readline().rstrip('\n').split('\t')
    for line in f:
        r = dict(zip(head, line.rstrip('\n').split('\t')))
        jobs.append(('malicious', 1, r['family'], os.path.join(args.corpus, 'pkgs', r['file']), harness.get(r['file'], {})))

wall = corpus_wall()
if args.only:
    jobs = [j for j in jobs if j[0] == args.only]
# Malicious first, then benign and long-tail packages taken in turn, so a
# run stopped early (then --no-detonate) still has both kinds of benign rows.
# Each kind in a seeded random order, so that a run stopped early holds a
# random part of it rather than the packages whose names come first.
mal = [j for j in jobs if j[0] == 'malicious']
ben = [j for j in jobs if j[0] == 'benign']
lt = [j for j in jobs if j[0] == 'longtail']
random.Random(16).shuffle(ben)
random.Random(16).shuffle(lt)
jobs = mal + [j for pair in zip(ben, lt) for j in pair] + ben[len(lt):] + lt[len(ben):]


def detonate(job):
    kind, label, family, tgz, h = job
    if kind == 'longtail':
        out = os.path.join(args.longtail, 'reports', os.path.basename(tgz) + '.json')
    else:
        out = os.path.join(args.dir, 'reports', kind, os.path.basename(tgz) + '.json')
    if not os.path.exists(out) and args.no_detonate:
        return job, None, 'not detonated (--no-detonate)'
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        cmd = wall + [args.snare, 'trace', tgz, '-q', '-o', out + '.part', '--offline']
        cmd += harness_args(h)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            return job, None, p.stderr.strip()[-200:]
        os.replace(out + '.part', out)
    return job, out, cached_group(tgz)


rows = []
errors = []
t0 = time.time()
with cf.ThreadPoolExecutor(args.j) as ex:
    for i, (job, out, extra) in enumerate(ex.map(detonate, jobs)):
        if out is None:
            if not args.no_detonate:
                errors.append((job[3], extra))
        else:
            rows.append((job, out, extra))
        done = i + 1
        eta = (time.time() - t0) / done * (len(jobs) - done)
        bar = '#' * (30 * done // len(jobs))
        sys.stderr.write('\r[%-30s] %d/%d  %.0fs left ' % (bar, done, len(jobs), eta))
sys.stderr.write('\n')

def judging(report):
    """True for the quarter of long-tail packages kept to judge the model:
    sha256 of the name, first byte mod 4 == 0 (stable across runs)."""
    try:
        name = json.load(open(report))['package']['name']
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return hashlib.sha256(name.encode()).digest()[0] % 4 == 0


def features_of(out, tgz, label, family, group):
    """`snare features` of one report, its static section first re-read from
    the tarball with --refresh-static."""
    src = out
    if args.refresh_static:
        p = subprocess.run([args.snare, 'static', tgz], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            return None, 'snare static: ' + p.stderr.strip()
        r = json.load(open(out))
        r['static'] = json.loads(p.stdout)
        src = out + '.static'
        with open(src, 'w') as f:
            json.dump(r, f)
    p = subprocess.run([args.snare, 'features', src, '--no-header', '--label', str(label), '--family', family,
                        '--group', group], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if src != out:
        os.unlink(src)
    return (p.stdout, None) if p.returncode == 0 else (None, p.stderr.strip())


os.makedirs(args.dir, exist_ok=True)
with open(_groups_path + '.part', 'w') as f:
    json.dump(_groups, f)
os.replace(_groups_path + '.part', _groups_path)
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
header = subprocess.run([args.snare, 'features', rows[0][1]], stdout=subprocess.PIPE, text=True).stdout.split('\n')[0]
judged = 0
with open(args.out, 'w') as f, open(args.judge_out if args.longtail else os.devnull, 'w') as jf:
    f.write(header + '\n')
    jf.write(header + '\n')
    def extract(row):
        (kind, label, family, tgz, h), out, group = row
        return row, features_of(out, tgz, label, family, group)
    with cf.ThreadPoolExecutor(args.j) as ex:
        extracted = list(ex.map(extract, rows))
    for ((kind, label, family, tgz, h), out, group), (line, err) in extracted:
        if line is None:
            errors.append((out, err))
        elif kind == 'longtail' and judging(out):
            jf.write(line)
            judged += 1
        else:
            f.write(line)
print('rows: %d (benign %d%s, malicious %d), errors: %d, %.0f s' % (
    len(rows), sum(1 for r in rows if r[0][1] == 0),
    ', of them long-tail %d (%d kept to judge, in %s)' % (
        sum(1 for r in rows if r[0][0] == 'longtail'), judged, args.judge_out) if args.longtail else '',
    sum(1 for r in rows if r[0][1] == 1), len(errors), time.time() - t0))
for e in errors[:20]:
    print('error:', e)
