#!/usr/bin/env python3
"""A fake npm registry on 127.0.0.1 for the audit tests.

It packs each fixture package directory under --packages into a tarball
(package/... entries, fixed times and owners, so the bytes are the same on
every run), and serves

  GET /<name>, /@scope%2f<name>   the packument: dist-tags and versions with
                                  dist.tarball, dist.integrity, dist.shasum; the
                                  full one (an Accept without npm's abbreviated
                                  type) also has "time": each version published
                                  on 2020-01-01, unless --published says otherwise
  GET /<name>/-/<base>-<v>.tgz    the tarball

on a free port.  Once it listens it writes the port to --port-file and
the packages to --manifest ({name: {version, integrity, tarball}}); every
request is appended to --log as "GET <path>".  It never runs anything it
serves.

  registry.py --packages DIR... --port-file F --manifest M --log L [--stall NAME]...
              [--published NAME=DAYS]...

--packages may be given several times.  --published NAME=DAYS dates
every version of NAME DAYS days (a float) before the registry started.

--stall NAME makes every request for NAME's packument hang (a registry that
never answers), for the interrupt tests.
"""
import argparse
import base64
import gzip
import hashlib
import http.server
import io
import json
import os
import sys
import tarfile
import threading
import time
import urllib.parse


def pack(pkgdir):
    """The package directory as npm's tarball layout, reproducibly."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        for root, dirs, files in os.walk(pkgdir):
            dirs.sort()
            for f in sorted(files):
                path = os.path.join(root, f)
                info = tar.gettarinfo(path, 'package/' + os.path.relpath(path, pkgdir))
                info.mtime = 499162500  # npm's fixed date
                info.uid = info.gid = 0
                info.uname = info.gname = ''
                info.mode = 0o644
                with open(path, 'rb') as fh:
                    tar.addfile(info, fh)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode='wb', mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


OLD_DATE = '2020-01-01T00:00:00.000Z'


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(t))


class Registry:
    def __init__(self, roots, published=None):
        self.packages = {}  # name -> {version: (meta, tarball bytes)}
        for root in roots:
            for d in sorted(os.listdir(root)):
                pj = json.load(open(os.path.join(root, d, 'package.json')))
                tgz = pack(os.path.join(root, d))
                self.packages.setdefault(pj['name'], {})[pj['version']] = (pj, tgz)
        now = time.time()
        # name -> ISO date of its versions
        self.published = {n: iso(now - float(days) * 86400)
                          for n, days in (published or {}).items()}
        self.port = None

    def tarball_path(self, name, version):
        base = name.split('/')[-1]
        return '/%s/-/%s-%s.tgz' % (name, base, version)

    def dist(self, name, version):
        tgz = self.packages[name][version][1]
        return {
            'tarball': 'http://127.0.0.1:%d%s' % (self.port, self.tarball_path(name, version)),
            'integrity': 'sha512-' + base64.b64encode(hashlib.sha512(tgz).digest()).decode(),
            'shasum': hashlib.sha1(tgz).hexdigest(),
        }

    def packument(self, name, full=False):
        versions = {}
        for v, (pj, _) in self.packages[name].items():
            meta = {k: pj[k] for k in ('name', 'version', 'dependencies', 'optionalDependencies',
                                       'peerDependencies', 'peerDependenciesMeta', 'os', 'cpu', 'libc',
                                       'scripts', 'bin') if k in pj}
            meta['dist'] = self.dist(name, v)
            versions[v] = meta
        latest = sorted(versions, key=lambda v: [int(x) for x in v.split('.')])[-1]
        doc = {'name': name, 'dist-tags': {'latest': latest}, 'versions': versions}
        if full:
            date = self.published.get(name, OLD_DATE)
            doc['time'] = dict({v: date for v in versions}, created=OLD_DATE, modified=date)
        return doc

    def manifest(self):
        out = {}
        for name, vs in self.packages.items():
            for v in vs:
                d = self.dist(name, v)
                out[name] = {'version': v, 'integrity': d['integrity'], 'tarball': d['tarball']}
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--packages', required=True, action='append')
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--manifest', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--stall', action='append', default=[],
                    help='never answer for this package name (a hung registry)')
    ap.add_argument('--published', action='append', default=[],
                    help='NAME=DAYS: versions of NAME published DAYS days ago')
    args = ap.parse_args()
    reg = Registry(args.packages, dict(x.split('=', 1) for x in args.published))
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, fmt, *a):
            pass

        def send(self, code, body, ctype):
            self.send_response(code)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with log_lock, open(args.log, 'a') as f:
                f.write('GET %s\n' % self.path)
            path = urllib.parse.unquote(self.path.split('?')[0])
            if path[1:] in args.stall:
                time.sleep(600)
                return self.send(404, b'{"error":"Not found"}', 'application/json')
            if '/-/' in path:
                name = path[1:path.index('/-/')]
                for v in reg.packages.get(name, {}):
                    if reg.tarball_path(name, v) == path:
                        return self.send(200, reg.packages[name][v][1], 'application/octet-stream')
            else:
                name = path[1:]
                if name in reg.packages:
                    full = 'vnd.npm.install-v1' not in self.headers.get('Accept', '')
                    body = json.dumps(reg.packument(name, full)).encode()
                    return self.send(200, body, 'application/json')
            self.send(404, b'{"error":"Not found"}', 'application/json')

    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    reg.port = srv.server_address[1]
    with open(args.manifest + '.tmp', 'w') as f:
        json.dump(reg.manifest(), f, indent=1)
    os.rename(args.manifest + '.tmp', args.manifest)
    with open(args.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % reg.port)
    os.rename(args.port_file + '.tmp', args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
