#!/bin/sh
# The steps of snare's GitHub Action (action.yml), as a plain script that
# also runs outside GitHub (tests/e2e/guard.py runs it against a fixture
# project and a fake registry).  It audits the project's lockfiles with
# snare and writes SARIF for code scanning.
#
# Inputs (environment):
#   SNARE           a snare binary to use; else `snare` on PATH, else snare is
#                   built from this checkout (./setup.sh --no-run)
#   INPUT_PATH      the project directory or lockfile to audit (default: .)
#   INPUT_SARIF     where the SARIF goes (default: snare.sarif)
#   INPUT_STORE     results store: a file or postgresql://... (a secret); empty:
#                   snare's default store (or $SNARE_STORE)
#   INPUT_REGISTRY  npm registry (default: snare's, https://registry.npmjs.org)
#   INPUT_FAIL_ON   malicious (default): fail when a package is malicious;
#                   unjudged: also when one could not be judged; never
#   INPUT_JOBS      scans at once (default: snare's)
# Exit: 0, 1 (malicious), 2 (snare failed), 3 (not judged, fail-on unjudged).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
path=${INPUT_PATH:-.}
sarif=${INPUT_SARIF:-snare.sarif}
fail_on=${INPUT_FAIL_ON:-malicious}

case "$fail_on" in
malicious | unjudged | never) ;;
*)
	echo "snare-action: fail-on must be malicious, unjudged or never, not '$fail_on'" >&2
	exit 2
	;;
esac

snare=${SNARE:-}
if [ -z "$snare" ]; then
	if command -v snare >/dev/null 2>&1; then
		snare=snare
	else
		echo "snare-action: building snare (./setup.sh --no-run)" >&2
		(cd "$here" && ./setup.sh --no-run) >&2 || exit 2
		snare=$here/build/snare
	fi
fi

set -- audit "$path" --format sarif
# the output file, with -o where audit has it, else on stdout
if "$snare" audit --help 2>/dev/null | grep -q -- '-o, --output'; then
	set -- "$@" -o "$sarif"
	out=/dev/stdout
else
	out=$sarif
fi
[ -n "${INPUT_STORE:-}" ] && set -- "$@" --store "$INPUT_STORE"
[ -n "${INPUT_REGISTRY:-}" ] && set -- "$@" --registry "$INPUT_REGISTRY"
[ -n "${INPUT_JOBS:-}" ] && set -- "$@" -j "$INPUT_JOBS"

rc=0
"$snare" "$@" >"$out" || rc=$?
case "$rc" in
0) exit 0 ;;
1)
	echo "snare-action: a package is malicious (see $sarif)" >&2
	[ "$fail_on" = never ] && exit 0
	exit 1
	;;
3)
	echo "snare-action: a package could not be judged (see $sarif)" >&2
	[ "$fail_on" = unjudged ] && exit 3
	exit 0
	;;
*)
	echo "snare-action: snare audit failed (exit $rc)" >&2
	exit 2
	;;
esac
