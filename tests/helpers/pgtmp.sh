#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: initdb into DIR/data, the
# server listening only on a Unix socket in DIR (no TCP), trust
# authentication for the superuser "snare", no fsync (a test cluster).
# Run as root, the cluster belongs to the "postgres" user (initdb refuses
# root; "nobody" when there is no such user), else to the caller.
#
#   tests/helpers/pgtmp.sh start DIR    prints the URL of its database
#                                       postgresql:///snare?host=DIR&user=snare
#   tests/helpers/pgtmp.sh stop DIR     stops the server by its pid, waits
#   tests/helpers/pgtmp.sh restart DIR  stops it, starts it again
#
# No server installed: one line on stderr, exit 2.
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pgtmp.sh start|stop|restart DIR" >&2; exit 2; }

bindir=""
for d in "$(command -v initdb 2>/dev/null | xargs -r readlink -f | xargs -r dirname)" \
	/usr/lib/postgresql/*/bin; do
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		bindir=$d
		break
	fi
done

as=""
owner=""
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	id postgres >/dev/null 2>&1 || owner=nobody
	as="runuser -u $owner --"
fi

if [ -z "$bindir" ] && [ "$cmd" != stop ]; then
	echo "pgtmp: initdb not found (install the postgresql package: ./setup.sh)" >&2
	exit 2
fi

server_start() {
	# shellcheck disable=SC2086
	if ! $as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
		"-k $dir -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=16MB" \
		start >/dev/null 2>&1; then
		echo "pgtmp: the server did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)" >&2
		exit 2
	fi
}

server_stop() {
	pidfile="$dir/data/postmaster.pid"
	[ -f "$pidfile" ] || return 0
	pid=$(head -n 1 "$pidfile")
	# fast shutdown: open sessions are ended
	kill -INT "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
	fi
	return 0
}

case $cmd in
start)
	mkdir -p "$dir" || exit 2
	if [ -n "$owner" ]; then
		chown "$owner" "$dir" || exit 2
	fi
	# shellcheck disable=SC2086
	if ! $as "$bindir/initdb" -D "$dir/data" -U snare -A trust -E UTF8 --no-locale \
		--no-sync >"$dir/initdb.log" 2>&1; then
		echo "pgtmp: initdb failed: $(tail -n 1 "$dir/initdb.log")" >&2
		exit 2
	fi
	server_start
	if ! out=$("$bindir/psql" -qX -h "$dir" -U snare -d postgres -c "CREATE DATABASE snare" 2>&1); then
		echo "pgtmp: cannot create the database: $out" >&2
		exit 2
	fi
	echo "postgresql:///snare?host=$dir&user=snare"
	;;
stop)
	server_stop
	;;
restart)
	server_stop
	server_start
	;;
*)
	echo "usage: pgtmp.sh start|stop|restart DIR" >&2
	exit 2
	;;
esac
