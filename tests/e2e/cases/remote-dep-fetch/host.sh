#!/bin/sh
# Host side of the remote-dep-fetch case: serves the dependency's tarball
# (built here from dep/, never run) on the loopback of the suite's own
# network namespace, where snare's npm fetches it with --fetch-remote-deps.
# start STATE | check STATE
state=$2
here=$(cd "$(dirname "$0")" && pwd)
case $1 in
start)
	mkdir -p "$state/www"
	tar -czf "$state/www/remote-payload-1.0.0.tgz" -C "$here/dep" package
	python3 -c '
import http.server, os, sys
os.chdir(sys.argv[1] + "/www")
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        open(sys.argv[1] + "/hits", "a").write(self.path + "\n")
s = http.server.HTTPServer(("127.0.0.1", 45873), H)
open(sys.argv[1] + "/ready", "w").close()
s.timeout = 60
s.handle_request()
s.handle_request()' "$state" &
	echo $! >"$state/pid"
	i=0
	while [ ! -e "$state/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	;;
check)
	kill "$(cat "$state/pid")" 2>/dev/null
	grep -q "remote-payload-1.0.0.tgz" "$state/hits" 2>/dev/null || echo "the tarball was not fetched"
	;;
esac
