#!/usr/bin/env bash
# The property tests of Tests/SufficiencyTests/PropertyTests.swift with many more random cases
# than `swift test` runs (25 a property). A failure prints the shrunk genome and the
# `.fixedSeed("...")` to add to the test to replay it. Usage: bash Tests/properties.sh [CASES]
# (default 2000 a property).
set -euo pipefail
cd "$(dirname "$0")/.."
export PROPERTY_COUNT="${1:-2000}"
swift test --filter "PropertyTests"
