#!/usr/bin/env python3
"""A fake registry changes feed on 127.0.0.1 for snare follow's tests.

Reads --spec (JSON, again on every request, so a test can publish more):
  {"changes": [{"seq": 1, "id": "name", "deleted": false}, ...],
   "packages": {"name": ["1.0.0", "1.0.1"]},
   "malformed": false}
and serves, as CouchDB and npm's registry do,
  GET /_changes?since=S&limit=N   {"results": [changes with seq > S], "last_seq": ...}
                                  ("now": from the last change on)
  GET /<name>, /@scope%2f<name>   a packument with those versions (404 if unknown)
With "malformed": true, /_changes answers a JSON object with no results.
Writes its port to --port-file; every request is appended to --log.  It
serves no tarballs and runs nothing.

  changes.py --spec F --port-file P --log L
"""
import argparse
import http.server
import json
import sys
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--spec', required=True)
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--log', required=True)
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, code, obj):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with open(args.log, 'a') as f:
                f.write('GET %s\n' % self.path)
            spec = json.load(open(args.spec))
            u = urllib.parse.urlsplit(self.path)
            if u.path == '/_changes':
                if spec.get('malformed'):
                    return self.reply(200, {'error': 'not a feed'})
                q = urllib.parse.parse_qs(u.query)
                since = q.get('since', ['0'])[0]
                limit = int(q.get('limit', ['100'])[0])
                changes = spec['changes']
                last = changes[-1]['seq'] if changes else 0
                s = last if since == 'now' else int(since)
                res = [c for c in changes if c['seq'] > s][:limit]
                return self.reply(200, {'results': res,
                                        'last_seq': res[-1]['seq'] if res else max(s, 0)})
            name = urllib.parse.unquote(u.path[1:])
            versions = spec['packages'].get(name)
            if versions is None:
                return self.reply(404, {'error': 'not_found'})
            return self.reply(200, {
                'name': name,
                'dist-tags': {'latest': versions[-1]},
                'versions': {v: {'name': name, 'version': v,
                                 'dist': {'tarball': 'http://127.0.0.1:1/%s-%s.tgz' % (name, v)}}
                             for v in versions}})

    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    with open(args.port_file + '.tmp', 'w') as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + '.tmp', args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
