"""A throwaway PostgreSQL cluster for the end-to-end suites, through
tests/helpers/pgtmp.sh (initdb + pg_ctl in a temporary directory, Unix
socket only, owned by a non-root user when the suite runs as root, stopped
by its pid).  One per suite: initdb takes seconds.

    with Cluster() as pg:
        url = pg.db()            # a fresh database of its own
        pg.sql(url, 'SELECT 1')  # rows as lists of strings
        pg.restart()
"""
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), 'helpers', 'pgtmp.sh')


class NoServer(Exception):
    pass


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='snare-e2e-pg-')
        self.ndb = 0
        p = subprocess.run(['sh', SCRIPT, 'start', self.dir], capture_output=True, text=True)
        if p.returncode != 0:
            self.stop()
            raise NoServer(p.stderr.strip() or 'pgtmp: cannot start a cluster')
        self.url = p.stdout.strip()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def url_of(self, db):
        return 'postgresql:///%s?host=%s&user=snare' % (db, self.dir)

    def db(self):
        self.ndb += 1
        name = 't%d' % self.ndb
        self.sql(self.url_of('postgres'), 'CREATE DATABASE %s' % name)
        return self.url_of(name)

    def sql(self, url, stmt):
        p = subprocess.run(['psql', '-qAtX', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url,
                            '-c', stmt], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError('psql: %s: %s' % (stmt, p.stderr.strip()))
        return [l.split('\t') for l in p.stdout.splitlines()]

    def restart(self):
        subprocess.run(['sh', SCRIPT, 'restart', self.dir], check=True)

    def stop_server(self):
        subprocess.run(['sh', SCRIPT, 'stop', self.dir], check=False)

    def start_server(self):
        subprocess.run(['sh', SCRIPT, 'restart', self.dir], check=True)

    def stop(self):
        subprocess.run(['sh', SCRIPT, 'stop', self.dir], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
