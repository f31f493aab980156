#!/usr/bin/env python3
"""Long-tail benign packages: false positives on real packages outside the
training corpora.

Three stages (and a second way to sample):
  --sample N  draw N packages at random from the registry package list (its
              monthly downloads), the same number from each download band,
              seeded; skip every name of the benign training list, every
              name whose sha256 is in the benign exclude list (kept aside to
              judge the detector), security placeholders (0.0.1-security)
              and deprecated versions (read from the registry's document
              of the version); write data/longtail.txt, one section per
              band;
  --sample-scripts N  draw N more packages whose version declares
              install-time work (preinstall, install, postinstall, a native
              build), from all bands, none of --exclude-list: benign false
              positives come from these, so they are over-sampled;
  --fetch     (network, no package code runs) `snare fetch` each spec into
              DIR/tarballs and fill npm's cache with the dependencies
              (`npm install --ignore-scripts`);
  default     detonate each tarball with `snare trace --offline` inside
              `unshare --net` into DIR/reports (resumable: reports already
              written are kept), score them with the model and print, per
              band, how many were flagged malicious at its threshold, with
              the flagged packages and their evidence.

-n N takes the first N/bands packages of each band section (fetch and
detonation); without it, every package of the list.

usage: bench/longtail.py --sample 1500 [--seed 16]
       bench/longtail.py --sample-scripts 800 --list data/longtail-scripts.txt
       bench/longtail.py --fetch [-n N] [--dir /tmp/snare-longtail]
       bench/longtail.py [-n N] [-j 1] [--dir /tmp/snare-longtail] [--model FILE]
"""
import argparse, concurrent.futures as cf, datetime, hashlib, json, os, random, re, subprocess, sys, time
import urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import npm_warm, tarball_of as tarball_in, wall as corpus_wall  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
REGISTRY = os.environ.get('npm_config_registry', 'https://registry.npmjs.org').rstrip('/')
# (label, lowest monthly downloads, highest + 1); the package list starts
# at a few hundred downloads a month, so the first band is its bottom.
BANDS = [('100-1k', 100, 1_000), ('1k-10k', 1_000, 10_000), ('10k-100k', 10_000, 100_000),
         ('100k+', 100_000, None)]

ap = argparse.ArgumentParser()
ap.add_argument('--sample', type=int, metavar='N', help='draw N packages and write --list')
ap.add_argument('--sample-scripts', type=int, metavar='N',
                help='draw N packages with install-time scripts and write --list')
ap.add_argument('--exclude-list', default=os.path.join(here, '../data/longtail.txt'),
                help='with --sample-scripts: specs not to draw again')
ap.add_argument('--seed', type=int, default=16)
ap.add_argument('--registry-list', default='/work/.library/env/packages/npm.tsv')
ap.add_argument('--benign', default=os.path.join(here, '../../shared/corpus/benign'))
ap.add_argument('--list', default=os.path.join(here, '../data/longtail.txt'))
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('--model', help='model to score with (default: snare\'s own default)')
ap.add_argument('-n', type=int, help='first N/bands packages of each band (default: all)')
ap.add_argument('-j', type=int, default=1)
ap.add_argument('--dir', default='/tmp/snare-longtail')
ap.add_argument('--fetch', action='store_true')
ap.add_argument('--warm-jobs', type=int, default=2, help='npm installs at once in --fetch (default: 2)')
ap.add_argument('--warm-chunk', type=int, default=10, help='packages per npm install in --fetch (default: 10)')
args = ap.parse_args()

tgz_dir = os.path.join(args.dir, 'tarballs')
rep_dir = os.path.join(args.dir, 'reports')


def band_of(downloads):
    for label, lo, hi in BANDS:
        if downloads >= lo and (hi is None or downloads < hi):
            return label
    return None


def name_of(spec):
    return spec.rpartition('@')[0] if spec.count('@') > (1 if spec.startswith('@') else 0) else spec


def sha(s):
    return hashlib.sha256(s.encode('utf-8')).hexdigest()


# ---------------------------------------------------------------- sample

def version_doc(spec):
    """(document, None) of the registry's document of the pinned version
    (GET REGISTRY/NAME/VERSION, what `npm view` reads), or (None, why)."""
    name, _, version = spec.rpartition('@')
    url = '%s/%s/%s' % (REGISTRY, urllib.parse.quote(name, safe='@'), urllib.parse.quote(version))
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r), None
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None, 'not in the registry'
            err = 'HTTP %d' % e.code
        except (urllib.error.URLError, OSError, ValueError) as e:
            err = str(e)
        time.sleep(2 * (attempt + 1))
    return None, 'registry read failed: ' + err[:120]


def usable(spec, v):
    """None if the document |v| of |spec| is usable, else why not: it must
    be that version and not be deprecated or a placeholder."""
    if not isinstance(v, dict) or v.get('version') != spec.rpartition('@')[2]:
        return 'version not in the packument'
    if v.get('deprecated'):
        return 'deprecated'
    # Some registries leave the deprecation message out of the packument;
    # a description that says so is the next best sign.
    if 'deprecated' in str(v.get('description') or '').lower():
        return 'deprecated (description)'
    if '-security' in v['version'] or 'security holding package' in str(v.get('description') or '').lower():
        return 'security placeholder'
    return None


def packument_check(spec):
    """None if |spec| is usable, else why not."""
    v, why = version_doc(spec)
    return why if v is None else usable(spec, v)


def candidates():
    """({band: [(name, version, downloads)]}, skip counts): the registry list
    less the training list, the exclude list, placeholders and deprecated."""
    with open(os.path.join(args.benign, 'exclude.sha256')) as f:
        excluded = {l.strip() for l in f if l.strip() and not l.startswith('#')}
    with open(os.path.join(args.benign, 'packages.txt')) as f:
        training = {name_of(l.strip()) for l in f if l.strip() and not l.startswith('#')}
    pools = {b[0]: [] for b in BANDS}
    skipped = {'training list': 0, 'exclude list': 0, 'security placeholder': 0, 'deprecated (list summary)': 0}
    with open(args.registry_list, encoding='utf-8') as f:
        f.readline()
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if len(cols) < 3 or not cols[2].isdigit() or not cols[1]:
                continue
            name, version, downloads = cols[0], cols[1], int(cols[2])
            band = band_of(downloads)
            if band is None:
                continue
            # The exclude list hashes the exact name; the lower-cased name is
            # checked too, so a legacy capitalised twin stays out as well.
            if name in training or name.lower() in training:
                skipped['training list'] += 1
            elif sha(name) in excluded or sha(name.lower()) in excluded:
                skipped['exclude list'] += 1
            elif '-security' in version or (len(cols) > 3 and 'security holding package' in cols[3].lower()):
                skipped['security placeholder'] += 1
            elif len(cols) > 3 and 'deprecated' in cols[3].lower():
                skipped['deprecated (list summary)'] += 1
            else:
                pools[band].append((name, version, downloads, cols[3] if len(cols) > 3 else ''))
    return pools, skipped


def sample(n):
    pools, skipped = candidates()
    per_band = [n // len(BANDS) + (1 if i < n % len(BANDS) else 0) for i in range(len(BANDS))]
    # Packument checks are cached, so an interrupted run resumes cheaply.
    os.makedirs(args.dir, exist_ok=True)
    cache_path = os.path.join(args.dir, 'packuments.json')
    cache = json.load(open(cache_path)) if os.path.exists(cache_path) else {}
    chosen = {}
    rejected = {}
    for (label, _, _), want in zip(BANDS, per_band):
        pool = sorted(pools[label])
        random.Random('%d:%s' % (args.seed, label)).shuffle(pool)
        picked = []
        i = 0
        with cf.ThreadPoolExecutor(8) as ex:
            while len(picked) < want and i < len(pool):
                batch = pool[i:i + (want - len(picked)) + 8]
                i += len(batch)
                specs = ['%s@%s' % (nm, ver) for nm, ver, _, _ in batch]
                todo = [s for s in specs if s not in cache]
                for s, why in zip(todo, ex.map(packument_check, todo)):
                    if why is None or not why.startswith('registry read failed'):
                        cache[s] = why
                    else:
                        sys.stderr.write('\n%s: %s (not cached)\n' % (s, why))
                for (nm, ver, dl, _), s in zip(batch, specs):
                    why = cache.get(s, 'registry read failed')
                    if why is None and len(picked) < want:
                        picked.append((s, dl))
                    elif why is not None:
                        rejected[why.split(':')[0]] = rejected.get(why.split(':')[0], 0) + 1
                with open(cache_path + '.part', 'w') as f:
                    json.dump(cache, f)
                os.replace(cache_path + '.part', cache_path)
                sys.stderr.write('\r%s: %d/%d ' % (label, len(picked), want))
        sys.stderr.write('\n')
        chosen[label] = picked
    today = datetime.date.today().isoformat()
    lowest = min(dl for pool in pools.values() for _, _, dl in pool)
    with open(args.list, 'w') as f:
        f.write('# Long-tail benign packages: real npm packages outside the training corpora, one\n'
                '# name@version per line, in one section per band of monthly downloads.\n'
                '# Made by `bench/longtail.py --sample %d --seed %d` on %s from the registry\n'
                '# package list of the env entry (%s packages with monthly downloads, the fewest\n'
                '# %d): each band\'s candidates sorted by name, shuffled with\n'
                '# random.Random("SEED:BAND"), checked in that order.  Skipped: names of\n'
                '# ../shared/corpus/benign/packages.txt (%d), names whose sha256 (hex of the\n'
                '# UTF-8 name, exact or lower-cased) is in its exclude.sha256 (%d), security\n'
                '# placeholders (%d), deprecated by the list\'s summary (%d); then, from the\n'
                '# registry\'s document of the version: %s.\n'
                % (n, args.seed, today, '{:,}'.format(sum(len(p) for p in pools.values()) + sum(skipped.values())),
                   lowest, skipped['training list'], skipped['exclude list'], skipped['security placeholder'],
                   skipped['deprecated (list summary)'],
                   ', '.join('%s (%d)' % kv for kv in sorted(rejected.items())) or 'none'))
        for label, lo, hi in BANDS:
            f.write('\n# band %s: %d packages (%s monthly downloads, candidates %d)\n' % (
                label, len(chosen[label]), '%d-%d' % (max(lo, lowest), hi - 1) if hi else '%d or more' % lo,
                len(pools[label])))
            for s, _ in chosen[label]:
                f.write(s + '\n')
    print('wrote %s: %s' % (args.list, ', '.join('%s %d' % (b, len(chosen[b])) for b, _, _ in BANDS)))
    print('skipped: %s; rejected from the packument: %s' % (skipped, rejected))


def install_time_scripts(spec):
    """The install-time work the registry's document of a usable |spec|
    declares (preinstall, install, postinstall; gypfile): [] for none or an
    unusable version, None if the document could not be read."""
    v, why = version_doc(spec)
    if v is None:
        return [] if why == 'not in the registry' else None
    if usable(spec, v) is not None:
        return []
    scripts = v.get('scripts') if isinstance(v.get('scripts'), dict) else {}
    out = [k for k in ('preinstall', 'install', 'postinstall') if k in scripts]
    return out + (['gypfile'] if v.get('gypfile') else [])


def sample_scripts(n, exclude_list):
    """Over-samples what false positives come from: N long-tail packages
    whose version declares install-time work, drawn at random (seeded) from
    all bands, none of them in |exclude_list| (the random sample)."""
    pools, _ = candidates()
    taken = set()
    if os.path.exists(exclude_list):
        taken = {l.strip() for l in open(exclude_list) if l.strip() and not l.startswith('#')}
    pool = sorted(c for p in pools.values() for c in p)
    random.Random('%d:scripts' % args.seed).shuffle(pool)
    # Reading every candidate's document to find the 1% with install
    # scripts is slow; those whose summary names what such scripts do
    # (binaries, native code, downloads, CLIs, telemetry) are read first.
    hint = re.compile(r'\b(binar(y|ies)|native|bindings?|prebuilt|download\w*|install\w*|cli|wrapper|addon|'
                      r'gyp|napi|n-api|telemetry|analytics|compiler|engine|sdk|driver|executable|electron)\b', re.I)
    pool = [c for c in pool if hint.search(c[3])] + [c for c in pool if not hint.search(c[3])]
    picked, looked, i = [], 0, 0
    with cf.ThreadPoolExecutor(32) as ex:
        while len(picked) < n and i < len(pool):
            batch = [c for c in pool[i:i + 256] if '%s@%s' % c[:2] not in taken]
            i += 256
            specs = ['%s@%s' % (nm, ver) for nm, ver, _, _ in batch]
            for s_, kinds in zip(specs, ex.map(install_time_scripts, specs)):
                looked += 1
                if kinds and len(picked) < n:
                    picked.append((s_, kinds))
            sys.stderr.write('\r%d/%d with install-time scripts, %d looked at ' % (len(picked), n, looked))
    sys.stderr.write('\n')
    with open(args.list, 'w') as f:
        f.write('# Long-tail packages with install-time work (preinstall, install, postinstall or\n'
                '# a native build), over-sampled because benign false positives come from them.\n'
                '# Made by `bench/longtail.py --sample-scripts %d --seed %d --exclude-list %s` on %s:\n'
                '# the registry list\'s candidates (same skips as --sample), all bands together,\n'
                '# sorted, shuffled with random.Random("SEED:scripts"), those whose summary names\n'
                '# binaries, native code, downloads, CLIs or telemetry first (the hint regex in the\n'
                '# script), read in that order from the registry; %d read to find these.\n'
                % (n, args.seed, os.path.basename(exclude_list), datetime.date.today().isoformat(), looked))
        f.write('\n# band scripts: %d packages\n' % len(picked))
        for s_, kinds in picked:
            f.write('%s\n' % s_)
    print('wrote %s: %d packages with install-time scripts (%d looked at)' % (args.list, len(picked), looked))


if args.sample_scripts:
    sample_scripts(args.sample_scripts, args.exclude_list)
    sys.exit(0)
if args.sample:
    sample(args.sample)
    sys.exit(0)

# ---------------------------------------------------------------- fetch, detonate


def load_list(path, n):
    """[(band, spec)], the first n/bands of each band section (all if n is None)."""
    sections = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith('# band '):
                sections.append((line.split()[2].rstrip(':'), []))
            elif line and not line.startswith('#') and sections:
                sections[-1][1].append(line)
    out = []
    for i, (band, specs) in enumerate(sections):
        take = len(specs) if n is None else n // len(sections) + (1 if i < n % len(sections) else 0)
        out += [(band, s) for s in specs[:take]]
    return out


todo = load_list(args.list, args.n)
specs = [s for _, s in todo]
os.makedirs(tgz_dir, exist_ok=True)
os.makedirs(rep_dir, exist_ok=True)


def tarball_of(spec):
    return tarball_in(tgz_dir, spec)


if args.fetch:
    # Tarballs: snare's own registry client (integrity verified); those
    # already there are not fetched again.
    missing = [s for s in specs if not os.path.exists(tarball_of(s))]
    # One list file per run: `snare fetch` reads it as it goes, so another
    # run must not rewrite it underneath.
    lst = os.path.join(args.dir, 'specs.%d.txt' % os.getpid())
    with open(lst, 'w') as f:
        f.write('\n'.join(missing) + '\n')
    if missing:
        subprocess.run([args.snare, 'fetch', '--from', lst, '--dir', tgz_dir], stdout=subprocess.DEVNULL)
    os.unlink(lst)
    # Dependencies into npm's cache, --warm-chunk packages per npm run
    # (nothing runs: --ignore-scripts), --warm-jobs runs at once.
    warmed_path = os.path.join(args.dir, 'warmed.txt')
    warmed = set(open(warmed_path).read().split()) if os.path.exists(warmed_path) else set()
    known_cold = os.path.join(args.dir, 'cold.txt')
    warmed |= set(open(known_cold).read().split()) if os.path.exists(known_cold) else set()
    cold = [s for s in specs if s not in warmed and os.path.exists(tarball_of(s))]
    failed = []

    def warm(chunk):
        """(specs warmed, specs whose dependencies npm could not resolve):
        a chunk that fails is retried one package at a time."""
        if npm_warm(chunk, force=True):
            return chunk, []
        ok = [s for s in chunk if npm_warm([s], force=True)]
        return ok, [s for s in chunk if s not in ok]
    # warmed.txt lists the specs whose dependencies are in the cache, and
    # cold.txt those whose dependencies npm could not resolve (detonated all
    # the same, as bench/benign.py does): the detonation stage waits for a
    # spec to be in one of them, so it can run while this stage goes on.
    # Packuments npm already has are taken from its cache without asking the
    # registry again: the samples share many dependencies.
    os.environ.setdefault('npm_config_prefer_offline', 'true')
    chunks = [cold[i:i + args.warm_chunk] for i in range(0, len(cold), args.warm_chunk)]
    with cf.ThreadPoolExecutor(args.warm_jobs) as ex, open(warmed_path, 'a') as wf, \
            open(os.path.join(args.dir, 'cold.txt'), 'a') as cold_f:
        for k, fut in enumerate(cf.as_completed([ex.submit(warm, c) for c in chunks])):
            ok, bad = fut.result()
            failed += bad
            wf.write(''.join(s + '\n' for s in ok))
            wf.flush()
            cold_f.write(''.join(s + '\n' for s in bad))
            cold_f.flush()
            sys.stderr.write('\rwarmed %d/%d chunks ' % (k + 1, len(chunks)))
    sys.stderr.write('\n')
    have = sum(1 for s in specs if os.path.exists(tarball_of(s)))
    print('tarballs: %d/%d, dependencies not cached: %d' % (have, len(specs), len(failed)))
    for s in specs:
        if not os.path.exists(tarball_of(s)):
            print('not fetched:', s)
    for s in failed:
        print('deps of %s could not be cached' % s)
    sys.exit(0)

wall = corpus_wall()


def report_of(spec):
    return os.path.join(rep_dir, os.path.basename(tarball_of(spec)) + '.json')


def detonate(spec):
    out = report_of(spec)
    if os.path.exists(out):
        return spec, 0, 0.0, ''
    if not os.path.exists(tarball_of(spec)) or spec not in fetched:
        return spec, -1, 0.0, 'not fetched yet (run --fetch)'
    t = time.time()
    p = subprocess.run(wall + [args.snare, 'trace', tarball_of(spec), '-q', '-o', out + '.part', '--offline'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode == 0 and os.path.exists(out + '.part'):
        os.replace(out + '.part', out)
    return spec, p.returncode, time.time() - t, p.stderr.strip()[-300:]


fetched = set()
for fn in ('warmed.txt', 'cold.txt'):
    if os.path.exists(os.path.join(args.dir, fn)):
        fetched |= set(open(os.path.join(args.dir, fn)).read().split())
errors = []
times = []
t0 = time.time()
with cf.ThreadPoolExecutor(args.j) as ex:
    for i, (spec, rc, dt, err) in enumerate(ex.map(detonate, specs)):
        if rc != 0:
            errors.append((spec, 'exit %d: %s' % (rc, err)))
        elif dt:
            times.append(dt)
        sys.stderr.write('\r%d/%d detonated (%d new) ' % (i + 1, len(specs), len(times)))
sys.stderr.write('\n')


def score(spec):
    """(probability, verdict line, explanation lines) of spec's report."""
    cmd = [args.snare, 'score', report_of(spec), '--explain'] + (['--model', args.model] if args.model else [])
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = p.stdout.rstrip('\n').split('\n')
    if p.returncode not in (0, 1) or not lines or not lines[0]:
        return None, p.stderr.strip(), []
    head = lines[0].split()
    return float(head[1]), head[0], lines[1:]


per_band = {b[0]: [0, 0] for b in BANDS}  # scored, flagged
flagged = []
unscored = []
for band, spec in todo:
    if not os.path.exists(report_of(spec)):
        continue
    prob, verdict, expl = score(spec)
    if prob is None:
        unscored.append((spec, verdict))
        continue
    per_band[band][0] += 1
    if verdict == 'malicious':
        per_band[band][1] += 1
        flagged.append((band, spec, prob, expl))

times.sort()
print('packages: %d, reports: %d, trace errors: %d, new detonations: %d%s' % (
    len(specs), sum(v[0] for v in per_band.values()) + len(unscored), len(errors), len(times),
    ', median %.1f s' % times[len(times) // 2] if times else ''))
print('%-9s %7s %7s %7s' % ('band', 'scored', 'flagged', 'FPR'))
tot = [0, 0]
for label, _, _ in BANDS:
    s, fl = per_band[label]
    tot[0] += s
    tot[1] += fl
    print('%-9s %7d %7d %6.1f%%' % (label, s, fl, 100.0 * fl / s if s else 0))
print('%-9s %7d %7d %6.1f%%' % ('all', tot[0], tot[1], 100.0 * tot[1] / tot[0] if tot[0] else 0))
for band, spec, prob, expl in sorted(flagged, key=lambda f: -f[2]):
    print('\nFLAGGED [%s] %s  p=%.4f' % (band, spec, prob))
    for l in expl:
        print('    ' + l)
# Which evidence recurs among the flagged: each explanation line that
# pushed toward malicious, counted once per package.
drivers = {}
for _, _, _, expl in flagged:
    for l in set(expl[1:]):
        parts = l.split(None, 1)
        if len(parts) == 2 and parts[0].startswith('+'):
            drivers[parts[1]] = drivers.get(parts[1], 0) + 1
if drivers:
    print('\nevidence among the %d flagged (packages):' % len(flagged))
    for text, k in sorted(drivers.items(), key=lambda kv: (-kv[1], kv[0]))[:25]:
        print('  %4d  %s' % (k, text))
for spec, err in errors:
    print('ERROR', spec, err)
for spec, err in unscored:
    print('UNSCORED', spec, err)
