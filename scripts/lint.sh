#!/usr/bin/env bash
# Checks that every Swift file is formatted as .swift-format says (SwiftNIO's settings: 4
# spaces, 120 columns, ordered imports, `///` doc comments). CI runs it; fix with
#   swift format format --in-place --parallel --recursive $(scripts/lint.sh --paths)
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Benchmarks)
if [ "${1:-}" = "--paths" ]; then
    echo "${paths[@]}"
    exit 0
fi
swift format lint --strict --parallel --recursive "${paths[@]}"
echo "lint: every Swift file is formatted"
