#!/usr/bin/env bash
# Runs CI (.ci/run) from fresh clones of this repository's HEAD, N times in a row, while
# stress-ng keeps every core busy: the suite must pass on a loaded machine, not only on an
# idle one (no test may depend on how fast the machine is).
#
#   scripts/ci-under-load.sh          # 5 rounds
#   scripts/ci-under-load.sh 2        # 2 rounds
#
# Installs stress-ng with apt-get when it is missing. Each round's log stays in
# $TMPDIR/sou-ci-under-load/round-<n>.log; the script stops at the first failing round.
set -euo pipefail
rounds=${1:-5}
repository=$(cd "$(dirname "$0")/.." && pwd)
command -v stress-ng >/dev/null 2>&1 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
}
work=${TMPDIR:-/tmp}/sou-ci-under-load
rm -rf "$work"
mkdir -p "$work"
stress-ng --cpu "$(nproc)" --timeout 0 >/dev/null 2>&1 &
stress=$!
trap 'kill $stress 2>/dev/null || true' EXIT
for round in $(seq 1 "$rounds"); do
    clone="$work/clone-$round"
    git clone -q "$repository" "$clone"
    started=$(date +%s)
    if (cd "$clone" && CI=true bash .ci/run) >"$work/round-$round.log" 2>&1; then
        echo "round $round/$rounds: passed in $(( $(date +%s) - started )) s under $(nproc) busy CPU workers"
        rm -rf "$clone"
    else
        echo "round $round/$rounds: FAILED after $(( $(date +%s) - started )) s; log: $work/round-$round.log"
        grep -E "✘|error:" "$work/round-$round.log" | head -20
        exit 1
    fi
done
echo "all $rounds rounds passed"
