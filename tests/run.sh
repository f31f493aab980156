#!/bin/sh
# Runs every unit test binary and the end-to-end suite, then prints one
# closing line "N passed, N failed".  Usage: tests/run.sh BUILD_DIR
build=${1:-build}
# A second wall around the sandbox: the suite detonates fixtures that
# imitate malware, so it runs in a network namespace of its own where only
# loopback exists (the fake registries listen there).  No namespace, no run.
if [ -z "$SNARE_TEST_NETNS" ]; then
	wall="unshare --net"
	[ "$(id -u)" -eq 0 ] || wall="unshare --user --map-current-user --net"
	# shellcheck disable=SC2086
	exec env SNARE_TEST_NETNS=1 $wall sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
	echo "tests/run.sh: cannot make a network namespace for the suite" >&2
	exit 2
fi
passed=0
failed=0
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	# a binary may run several groups (test_store: one per store back end)
	n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' |
		awk '{ s += $1 } END { if (NR) print s }')
	passed=$((passed + ${n:-0}))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + ${f:-1}))
	fi
done
# Modules include only downward (tests/layers.py, README's Layout)
if out=$(python3 tests/layers.py src 2>&1); then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
printf '%s\n' "$out"
# Runs a suite that closes with "TAG: N passed, N failed" and adds its
# counts; a suite that fails without saying so counts as one failure.
suite() {
	tag=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	n=$(printf '%s\n' "$out" | sed -n "s/^$tag: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
	f=$(printf '%s\n' "$out" | sed -n "s/^$tag: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
	passed=$((passed + ${n:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		failed=$((failed + 1))
	fi
}
suite e2e tests/e2e/run.sh "$build"
# the command line: help, version, one-line errors (nothing detonated)
suite e2e-cli python3 tests/e2e/cli.py "$build"
# interrupts at each phase leave nothing behind
suite e2e-interrupt python3 tests/e2e/interrupt.py "$build"
# snare audit against a fake registry on 127.0.0.1
suite e2e-audit python3 tests/e2e/audit.py "$build"
# snare npm install|ci, snare npx and the GitHub Action's script, same registry
suite e2e-guard python3 tests/e2e/guard.py "$build"
# the dependency store: warm runs, a tampering postinstall, damaged entries, npm fallback
suite e2e-depstore python3 tests/e2e/depstore.py "$build"
# the shared PostgreSQL store, its job queue and workers (a throwaway cluster)
suite e2e-queue python3 tests/e2e/queue.py "$build"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
