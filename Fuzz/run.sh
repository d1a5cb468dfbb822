#!/usr/bin/env bash
# Runs the mutation fuzzer of Tests/SufficiencyTests/ReliabilityTests.swift (decoder, model build and
# LP validation on mutated copies of scenarios/*.json) for many iterations, in a release build with
# the address sanitizer. A crash stops the run with the test process's signal; make the input a
# regression test. Usage: bash Fuzz/run.sh [ITERATIONS]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_ITERATIONS="${1:-1000000}"
# Leaks of the Swift runtime at exit are not findings here; crashes and memory errors are.
export ASAN_OPTIONS="detect_leaks=0"
swift test -c release --scratch-path .build-fuzz -Xswiftc -sanitize=address --filter "ReliabilityTests/fuzz"
