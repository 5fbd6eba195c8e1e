#!/bin/sh
# Runs the kill -9 crash test for N cycles (default 20): clients pipeline ADDs into a real soud as
# fast as it answers, soud is killed (SIGKILL) at a random moment, and every acknowledged document must be
# present, searchable and not duplicated after the restart.
#   scripts/crash-cycles.sh 200
#   CRASH_SEED=1234 scripts/crash-cycles.sh 50     # replay a failing seed
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
CRASH_CYCLES="${1:-20}" swift test --skip-build --filter KillDuringIngestTests
