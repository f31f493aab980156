#!/bin/sh
# End-to-end cases: each directory under tests/e2e/cases/ holds a fixture
# package (package/, or a tarball built by its optional make.sh) and an
# expect.json.  Every case is detonated by snare's sandbox, never run
# directly.  The target is package/, the tarball make.sh prints, or
# expect.json's "target" (e.g. name@version).  "command": "scan" runs
# snare scan instead of trace; its exit code is the verdict.  "command":
# "static" runs snare static (reads the package, runs nothing); its output,
# the static section, is checked with "report" assertions.
# Usage: tests/e2e/run.sh BUILD_DIR [CASE...]
build=${1:-build}
shift
here=$(cd "$(dirname "$0")" && pwd)
snare=$(cd "$build" && pwd)/snare
# check.py reads feature vectors with it
export SNARE="$snare"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
cases=${*:-$(ls "$here/cases")}
for name in $cases; do
	dir=$here/cases/$name
	# target, args, want (exit code) and sub (stderr substring), in one go
	target='' args='' want=0 sub='' command=trace
	eval "$(python3 -c '
import json, shlex, sys
e = json.load(open(sys.argv[1]))
print("command=%s" % shlex.quote(e.get("command", "trace")))
print("target=%s" % shlex.quote(e.get("target", "")))
print("args=%s" % shlex.quote(" ".join(e.get("args", []))))
print("want=%d" % e.get("exit_code", 0))
print("sub=%s" % shlex.quote(e.get("stderr", "")))' "$dir/expect.json")"
	[ -n "$target" ] || target=$dir/package
	if [ -x "$dir/make.sh" ]; then
		target=$("$dir/make.sh" "$tmp/$name") || { echo "FAIL $name: make.sh"; failed=$((failed + 1)); continue; }
	fi
	# A case's host.sh sets up something on the host before the run
	# ("start") and checks afterwards ("check": any output is a failure)
	# that the sandbox did not reach it.
	host_msg=""
	[ -x "$dir/host.sh" ] && "$dir/host.sh" start "$tmp/$name.host"
	# snare's work directory goes under a TMPDIR of the case's own, which
	# must be empty again afterwards: nothing left behind, nothing escaped.
	mkdir "$tmp/$name.tmp"
	# The results store too: a case is always detonated, never answered
	# from a store of an earlier run.
	# shellcheck disable=SC2086
	# snare static detonates nothing: no seed, nothing to quiet.
	run_opts="-q --seed 42"
	[ "$command" = static ] && run_opts=""
	# shellcheck disable=SC2086
	TMPDIR=$tmp/$name.tmp XDG_CACHE_HOME=$tmp/$name.cache "$snare" "$command" "$target" -o "$tmp/$name.json" $run_opts $args >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	msg=""
	[ -x "$dir/host.sh" ] && host_msg=$("$dir/host.sh" check "$tmp/$name.host" 2>&1)
	left=$(ls -A "$tmp/$name.tmp")
	if [ -n "$host_msg" ]; then
		msg="host: $host_msg"
	elif [ -n "$left" ]; then
		msg="left behind in TMPDIR: $left"
	elif [ "$rc" -ne "$want" ]; then
		msg="exit code $rc, want $want: $(head -c 300 "$tmp/$name.err")"
	elif [ "$command" = scan ] && [ "$want" -lt 2 ]; then
		# a verdict: 0 benign, 1 malicious, with the report and its verdict
		msg=$(python3 "$here/check.py" "$dir/expect.json" "$tmp/$name.json")
	elif [ "$want" -ne 0 ] && [ -e "$tmp/$name.json" ]; then
		msg="failed run wrote a report"
	elif [ "$want" -ne 0 ]; then
		if [ -n "$sub" ] && ! grep -qF -- "$sub" "$tmp/$name.err"; then
			msg="stderr lacks '$sub': $(head -c 300 "$tmp/$name.err")"
		elif [ "$(wc -l <"$tmp/$name.err")" -ne 1 ]; then
			msg="error is not one line: $(cat "$tmp/$name.err")"
		fi
	else
		msg=$(python3 "$here/check.py" "$dir/expect.json" "$tmp/$name.json")
	fi
	if [ -z "$msg" ]; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		echo "$msg"
		failed=$((failed + 1))
	fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
