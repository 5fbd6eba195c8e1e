#!/bin/sh
# Runs the *AllocationTests suites with a malloc-counting library preloaded: the query hot
# paths (postings decode, intersection, unions, phrases, scoring, top-k) must not allocate per
# posting (AllocationTests), and analysis on the fast path must not allocate per token or per
# field (TokenStreamAllocationTests). Without the preload those tests are skipped.
#   scripts/check-allocations.sh
set -eu
cd "$(dirname "$0")/.."
LIB="${TMPDIR:-/tmp}/sou-malloc-counter-$(id -u).so"
cc -O2 -shared -fPIC -o "$LIB" scripts/malloc-counter/malloc_counter.c
swift build --build-tests
BIN="$(swift build --show-bin-path)"
LD_PRELOAD="$LIB" "$BIN/SouPackageTests.xctest" --testing-library swift-testing --filter AllocationTests
