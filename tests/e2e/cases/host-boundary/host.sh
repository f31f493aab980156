#!/bin/sh
# Host side of the host-boundary case: a file and a service on the host's
# loopback that the sandboxed package aims at.  start STATE | check STATE
state=$2
keep=/tmp/snare-e2e-hostkeep
# The package aims at that fixed host path, so two suites running at once
# (two checkouts on one machine) take turns: the lock is a directory that
# names its holder, taken back from a holder that is gone.
lock=$keep.lock
case $1 in
start)
	i=0
	until mkdir "$lock" 2>/dev/null; do
		holder=$(cat "$lock/pid" 2>/dev/null)
		if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
			rm -rf "$lock"
			continue
		fi
		i=$((i + 1))
		[ $i -lt 6000 ] || break
		sleep 0.1
	done
	echo $PPID >"$lock/pid"
	mkdir -p "$state" "$keep"
	echo "host file" >"$keep/secret.txt"
	python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 45871)); s.listen(5); s.settimeout(60)
open(sys.argv[1] + "/ready", "w").close()
try:
    c, _ = s.accept(); open(sys.argv[1] + "/hits", "a").write("connected\n")
except OSError:
    pass' "$state" &
	echo $! >"$state/pid"
	i=0
	while [ ! -e "$state/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	;;
check)
	kill "$(cat "$state/pid")" 2>/dev/null
	[ -e "$state/hits" ] && echo "the host's loopback service was reached"
	[ -f "$keep/secret.txt" ] || echo "the host file behind a symlink was removed"
	rm -rf "$keep" "$state" "$lock"
	;;
esac
