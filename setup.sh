#!/bin/sh
# Installs what snare needs on Debian 12, builds it, and scans the example
# package.  Usage: ./setup.sh [--no-run]
set -e
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="build-essential pkg-config libseccomp-dev libarchive-dev libcurl4-openssl-dev
      libjansson-dev libssl-dev libcmocka-dev libxgboost-dev libsqlite3-dev zlib1g-dev libnghttp2-dev
      libpq-dev postgresql
      python3 ca-certificates clang-tidy clang-format bear
      curl wget dnsutils netcat-openbsd iputils-ping iproute2 git cron util-linux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
# The SARIF validator a unit test runs when it is there (offline; a .NET
# tool in an npm package).  Without it that test is skipped.
if ! command -v sarif-multitool >/dev/null 2>&1; then
	$SUDO npm install -g @microsoft/sarif-multitool ||
		echo "setup.sh: no SARIF validator, its test will be skipped" >&2
	# its postinstall makes the binary executable for root alone
	$SUDO find "$(npm root -g)/@microsoft/sarif-multitool" -name Sarif.Multitool \
		-exec chmod a+rx {} + 2>/dev/null || true
fi
make -j"$(nproc)"
[ "$1" = "--no-run" ] && exit 0
# The main job: scan the example (a harmless imitation of a beacon).  The
# verdict's exit code is 1 for malicious, which is the expected answer here.
rc=0
build/snare scan examples/beacon -o beacon-report.json || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo "full report with the verdict: beacon-report.json"
