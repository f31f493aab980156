#!/usr/bin/env python3
"""End-to-end tests of the shared PostgreSQL store, the job queue and its
workers, on a throwaway cluster (pgtmp.py) and the fake registry of
audit.py (registry.py, on 127.0.0.1).

The detonated jobs are harmless: directories written here with a
package.json (some with a postinstall that only sleeps, so that a worker
can be killed mid-detonation) and the harmless packages of
tests/e2e/audit/packages.  Packages are only ever detonated by snare.

Cases: the store through scan (a second scan answered from the database,
SNARE_STORE); two workers and twenty jobs, each done exactly once; kill -9
of a worker mid-detonation (the other finishes the job, one row); a
database restart during a run; a poison job (failed after three lost
workers, then retried); SIGTERM (the running job ends, nothing new is
claimed); bad input (one line, exit 2).

Each case prints "ok NAME" or "FAIL NAME"; the last line is
"e2e-queue: N passed, N failed".
Usage: tests/e2e/queue.py BUILD_DIR [CASE...]"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pgtmp  # noqa: E402

HARMLESS = ['harmless-dep', 'harmless-left', 'harmless-util', '@audit-fixture/scoped-dep']


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise Failure('timed out waiting for %s' % what)


class Env:
    def __init__(self, build, pg):
        self.snare = os.path.join(os.path.abspath(build), 'snare')
        self.pg = pg
        self.tmp = tempfile.mkdtemp(prefix='snare-e2e-queue-')
        self.procs = []
        port_file = os.path.join(self.tmp, 'port')
        self.registry_proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'registry.py'),
             '--packages', os.path.join(HERE, 'audit', 'packages'),
             '--port-file', port_file, '--manifest', os.path.join(self.tmp, 'manifest.json'),
             '--log', os.path.join(self.tmp, 'registry.log')])
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 10,
                 'the registry')
        self.registry = 'http://127.0.0.1:%d' % int(open(port_file).read())
        self.n = 0

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.registry_proc.terminate()
        self.registry_proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self):
        return dict(os.environ, XDG_CACHE_HOME=os.path.join(self.tmp, 'xdg'))

    def run(self, *args, env=None):
        e = self.env()
        e.update(env or {})
        p = subprocess.run([self.snare] + list(args), capture_output=True, text=True, env=e,
                           timeout=600)
        return p.returncode, p.stdout, p.stderr

    def package(self, name, sleep=0):
        """A directory package; |sleep|: its postinstall sleeps that long."""
        d = os.path.join(self.tmp, 'pkgs', name)
        os.makedirs(d)
        pj = {'name': name, 'version': '1.0.0', 'license': 'MIT'}
        if sleep:
            pj['scripts'] = {'postinstall': 'sleep %d' % sleep}
        json.dump(pj, open(os.path.join(d, 'package.json'), 'w'))
        return d

    def worker(self, url, *args):
        self.n += 1
        log = os.path.join(self.tmp, 'worker%d.log' % self.n)
        p = subprocess.Popen([self.snare, 'worker', '--store', url, '--registry', self.registry,
                              '--poll', '0.2'] + list(args),
                             stdout=subprocess.DEVNULL, stderr=open(log, 'w'), env=self.env())
        p.log = log
        self.procs.append(p)
        return p

    def jobs(self, url, where='true'):
        return self.pg.sql(url, 'SELECT id, target, state, attempts, coalesce(worker, \'\'),'
                                ' coalesce(label, \'\'), coalesce(error, \'\') FROM jobs'
                                ' WHERE %s ORDER BY id' % where)

    def add(self, url, *targets):
        rc, _, err = self.run('queue', 'add', '--store', url, *targets)
        check(rc == 0, 'queue add: %d %s' % (rc, err))


def log_of(p):
    return open(p.log).read()


def stop(p, timeout=60):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout)
    except subprocess.TimeoutExpired:
        raise Failure('the worker did not stop on SIGTERM')


def one_line_error(rc, err, start):
    check(rc == 2, 'exit %d, not 2: %s' % (rc, err))
    lines = err.strip().splitlines()
    check(len(lines) == 1, 'not one line: %r' % err)
    check(lines[0].startswith(start), 'unexpected: %r (want %r...)' % (lines[0], start))
    return lines[0]


def case_store(env):
    url = env.pg.db()
    rc, out, err = env.run('scan', 'harmless-dep', '--registry', env.registry, '--store', url,
                           '--format', 'jsonl')
    check(rc == 0, 'scan: %d %s' % (rc, err))
    rows = env.pg.sql(url, 'SELECT name, label, source FROM results')
    check(rows == [['harmless-dep', 'benign', 'registry']], 'results: %s' % rows)
    # the second scan is answered from the database, through SNARE_STORE too
    rc, out, err = env.run('scan', 'harmless-dep', '--registry', env.registry, '--json', '-v',
                           env={'SNARE_STORE': url})
    check(rc == 0, 'second scan: %d %s' % (rc, err[-2000:]))
    check('harmless-dep@0.3.1: stored result of model' in err, 'not from the store: %s'
          % err[-2000:])
    check(json.loads(out)['verdict']['label'] == 'benign', out)
    rc, out, err = env.run('show', 'harmless-dep@0.3.1', '--store', url)
    check(rc == 0 and 'harmless-dep' in out, 'show: %d %s %s' % (rc, out, err))


def case_two_workers_twenty_jobs(env):
    url = env.pg.db()
    targets = [env.package('twenty-%02d' % i) for i in range(16)] + HARMLESS
    listing = os.path.join(env.tmp, 'twenty.txt')
    open(listing, 'w').write('# twenty jobs\n' + '\n'.join(targets) + '\n')
    rc, _, err = env.run('queue', 'add', '--from', listing, '--store', url)
    check(rc == 0 and 'queued 20 jobs' in err, 'queue add: %d %s' % (rc, err))
    # the same targets again: already pending
    rc, _, err = env.run('queue', 'add', targets[0], '--store', url)
    check(rc == 0 and 'queued 0 jobs (1 already pending or running)' in err, err)
    a = env.worker(url, '-j', '2', '--drain')
    b = env.worker(url, '-j', '2', '--drain')
    for p in (a, b):
        try:
            rc = p.wait(300)
        except subprocess.TimeoutExpired:
            raise Failure('a worker did not drain the queue')
        check(rc == 0, 'worker exit %d: %s' % (rc, log_of(p)))
    jobs = env.jobs(url)
    check(len(jobs) == 20, '%d jobs' % len(jobs))
    bad = [j for j in jobs if j[2] != 'done' or j[3] != '1' or j[5] != 'benign']
    check(not bad, 'not done once as benign: %s' % bad)
    # each job finished by exactly one worker, once
    done = {}
    for p in (a, b):
        for line in log_of(p).splitlines():
            if ': benign in ' in line:
                jid = line.split('job ')[1].split(' ')[0]
                done[jid] = done.get(jid, 0) + 1
    check(sorted(done) == sorted(j[0] for j in jobs) and set(done.values()) == {1},
          'finished: %s' % done)
    rows = env.pg.sql(url, 'SELECT name, count(*) FROM results GROUP BY name ORDER BY name')
    check(rows == sorted([[n, '1'] for n in HARMLESS]), 'results: %s' % rows)
    rc, out, _ = env.run('queue', 'status', '--store', url)
    check(out.startswith('pending 0  running 0  done 20  failed 0'), 'status: %s' % out)


def running(env, url, attempts):
    rows = env.jobs(url, "state = 'running' AND attempts = %d" % attempts)
    return rows[0] if rows else None


def case_kill9_mid_detonation(env):
    url = env.pg.db()
    env.add(url, env.package('slow-kill', sleep=4))
    a = env.worker(url, '-j', '1', '--lease', '3')
    wait_for(lambda: running(env, url, 1), 30, 'the first claim')
    time.sleep(1.5)  # mid-detonation
    a.kill()
    a.wait()
    b = env.worker(url, '-j', '1', '--lease', '3')
    wait_for(lambda: env.jobs(url, "state = 'done'"), 60, 'the job to be done')
    check(stop(b) == 0, 'worker b: %s' % log_of(b))
    jobs = env.jobs(url)
    check(len(jobs) == 1, 'jobs: %s' % jobs)
    j = jobs[0]
    check(j[2] == 'done' and j[3] == '2' and j[4].endswith(':%d' % b.pid),
          'not finished by the second worker on its second attempt: %s' % j)
    check(log_of(b).count(': benign in ') == 1, log_of(b))


def case_database_restart(env):
    url = env.pg.db()
    env.add(url, *[env.package('restart-%d' % i, sleep=1) for i in range(5)])
    w = env.worker(url, '-j', '1', '--lease', '10', '--drain')
    wait_for(lambda: env.jobs(url, "state = 'done'"), 60, 'a first job')
    env.pg.restart()
    try:
        rc = w.wait(180)
    except subprocess.TimeoutExpired:
        raise Failure('the worker did not finish after the restart: %s' % log_of(w))
    check(rc == 0, 'worker exit %d: %s' % (rc, log_of(w)))
    jobs = env.jobs(url)
    check(len(jobs) == 5 and all(j[2] == 'done' for j in jobs), 'jobs: %s' % jobs)
    check('reconnect' in log_of(w), 'no reconnection logged: %s' % log_of(w))
    check(env.pg.sql(url, 'SELECT count(*) FROM results') == [['0']], 'directories stored')


def case_poison_job(env):
    url = env.pg.db()
    env.add(url, env.package('poison', sleep=60))
    for attempt in (1, 2, 3):
        w = env.worker(url, '-j', '1', '--lease', '2')
        wait_for(lambda: running(env, url, attempt), 30, 'claim %d' % attempt)
        w.kill()
        w.wait()
    w = env.worker(url, '-j', '1', '--lease', '2')
    wait_for(lambda: env.jobs(url, "state = 'failed'"), 30, 'the job to fail')
    check(stop(w) == 0, 'worker: %s' % log_of(w))
    j = env.jobs(url)[0]
    check(j[3] == '3' and 'its worker was lost 3 times' in j[6], 'job: %s' % j)
    rc, out, _ = env.run('queue', 'status', '--store', url)
    check('failed 1' in out and 'poison' in out and 'its worker was lost 3 times' in out,
          'status: %s' % out)
    rc, _, err = env.run('queue', 'retry', '--store', url)
    check(rc == 0 and 're-queued 1 failed job' in err, 'retry: %s' % err)
    j = env.jobs(url)[0]
    check(j[2] == 'pending' and j[3] == '0', 'after retry: %s' % j)


def case_sigterm(env):
    url = env.pg.db()
    env.add(url, env.package('term-slow', sleep=3), env.package('term-next'))
    w = env.worker(url, '-j', '1')
    wait_for(lambda: running(env, url, 1), 30, 'the claim')
    check(stop(w) == 0, 'worker: %s' % log_of(w))
    jobs = env.jobs(url)
    check([j[2] for j in jobs] == ['done', 'pending'], 'jobs: %s' % jobs)


def case_bad_input(env):
    url = env.pg.db()
    d = env.package('bad-input')
    rc, _, err = env.run('worker', '--store', 'postgresql:///snare?host=/nonexistent')
    one_line_error(rc, err, "snare: cannot open queue 'postgresql:///snare?host=/nonexistent': ")
    bad = 'postgresql://intruder:hunter2@/snare?host=%s' % env.pg.dir
    rc, _, err = env.run('queue', 'status', '--store', bad)
    line = one_line_error(rc, err, "snare: cannot open queue 'postgresql://intruder:***@")
    check('hunter2' not in line and 'role "intruder" does not exist' in line, line)
    rc, _, err = env.run('scan', d, '--store', bad)
    line = one_line_error(rc, err, "snare: cannot open results store 'postgresql://intruder:***@")
    other = env.pg.db()
    env.pg.sql(other, "CREATE TABLE snare_meta (key TEXT PRIMARY KEY, format INTEGER);"
                      " INSERT INTO snare_meta VALUES ('queue', 7), ('results', 7)")
    rc, _, err = env.run('queue', 'add', d, '--store', other)
    one_line_error(rc, err, "snare: queue '%s' has format 7; this snare reads format 1" % other)
    rc, _, err = env.run('scan', d, '--store', other)
    one_line_error(rc, err, "snare: results store '%s' has format 7" % other)
    rc, _, err = env.run('queue', 'add', d, '--store', os.path.join(env.tmp, 'results.db'))
    one_line_error(rc, err, 'snare: the queue needs a PostgreSQL store')
    rc, _, err = env.run('queue', 'frobnicate', '--store', url)
    one_line_error(rc, err, "snare: unknown queue command 'frobnicate'")
    rc, _, err = env.run('worker', '--store', url, '-j', '0')
    one_line_error(rc, err, 'snare: --jobs')


class Feed:
    def __init__(self, env):
        self.spec = os.path.join(env.tmp, 'feed.json')
        self.log = os.path.join(env.tmp, 'feed.log')
        port_file = os.path.join(env.tmp, 'feed.port')
        self.write([], {})
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, 'changes.py'),
                                      '--spec', self.spec, '--port-file', port_file,
                                      '--log', self.log])
        env.procs.append(self.proc)
        wait_for(lambda: os.path.exists(port_file), 10, 'the feed')
        self.url = 'http://127.0.0.1:%d' % int(open(port_file).read())

    def write(self, changes, packages, malformed=False):
        json.dump({'changes': changes, 'packages': packages, 'malformed': malformed},
                  open(self.spec + '.tmp', 'w'))
        os.rename(self.spec + '.tmp', self.spec)


def case_follow(env):
    url = env.pg.db()
    feed = Feed(env)
    pkgs = {'alpha': ['1.0.0', '1.1.0'], '@scope/beta': ['0.1.0'], 'gamma': ['2.0.0', '2.0.1']}
    changes = [{'seq': 1, 'id': 'alpha'}, {'seq': 2, 'id': '@scope/beta'},
               {'seq': 3, 'id': 'gone', 'deleted': True}, {'seq': 4, 'id': 'gamma'},
               {'seq': 5, 'id': 'alpha'}]
    feed.write(changes, pkgs)
    follow = ('follow', '--store', url, '--registry', feed.url, '--once')
    rc, _, err = env.run(*follow, '--since', '0')
    check(rc == 0, 'follow: %d %s' % (rc, err))
    targets = sorted(j[1] for j in env.jobs(url))
    check(targets == ['@scope/beta@0.1.0', 'alpha@1.0.0', 'alpha@1.1.0', 'gamma@2.0.0',
                      'gamma@2.0.1'], 'jobs: %s' % targets)
    check(env.pg.sql(url, 'SELECT seq FROM follow_state') == [['5']], 'checkpoint')
    # a restart resumes at the checkpoint: only what was published since
    pkgs['alpha'].append('1.2.0')
    feed.write(changes + [{'seq': 6, 'id': 'alpha'}, {'seq': 7, 'id': 'gamma'}], pkgs)
    open(feed.log, 'w').close()
    rc, _, err = env.run(*follow, '--since', '0')
    check(rc == 0 and 'resuming at the checkpoint 5' in err, 'second follow: %d %s' % (rc, err))
    check(open(feed.log).read().startswith('GET /_changes?since=5&'), open(feed.log).read())
    targets = [j[1] for j in env.jobs(url)]
    check(len(targets) == 6 and targets[-1] == 'alpha@1.2.0', 'jobs: %s' % targets)
    # the whole feed again from the start (a lost checkpoint): nothing twice
    env.pg.sql(url, 'DELETE FROM follow_state')
    rc, _, err = env.run(*follow, '--since', '0')
    check(rc == 0 and len(env.jobs(url)) == 6, 'replayed: %s %s' % (env.jobs(url), err))
    # a malformed feed: one line, exit 2, the checkpoint kept
    feed.write(changes, pkgs, malformed=True)
    rc, _, err = env.run(*follow)
    err = '\n'.join(l for l in err.splitlines() if not l.startswith('snare: info: '))
    one_line_error(rc, err, "snare: malformed changes feed '%s/_changes?since=7&limit=100'" % feed.url)
    check(env.pg.sql(url, 'SELECT seq FROM follow_state') == [['7']], 'checkpoint moved')


CASES = [
    ('store', case_store),
    ('two-workers-twenty-jobs', case_two_workers_twenty_jobs),
    ('kill9-mid-detonation', case_kill9_mid_detonation),
    ('database-restart', case_database_restart),
    ('poison-job', case_poison_job),
    ('sigterm', case_sigterm),
    ('bad-input', case_bad_input),
    ('follow', case_follow),
]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    only = sys.argv[2:]
    passed = failed = 0
    try:
        pg = pgtmp.Cluster()
    except pgtmp.NoServer as e:
        print(e)
        print('e2e-queue: 0 passed, 1 failed')
        return 1
    try:
        for name, fn in CASES:
            if only and name not in only:
                continue
            env = Env(build, pg)
            t = time.time()
            try:
                fn(env)
                print('ok %s (%.1f s)' % (name, time.time() - t))
                passed += 1
            except Exception as e:  # noqa: BLE001 - a case's failure, reported
                print('FAIL %s: %s' % (name, e))
                failed += 1
            finally:
                env.close()
    finally:
        pg.stop()
    print('e2e-queue: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
