#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (SPEC §6): builds Fuzz/Sources/sufficiency-fuzz with
# -sanitize=fuzzer,address (the C of libyaml instrumented too) and runs each target for a fixed
# number of executions, from the seeds in Fuzz/seeds/TARGET plus the corpus it grew before
# (.build-fuzz/corpus/TARGET). Targets: json (the parser), yaml (libyaml's events into the source
# tree), csv (the demand, travel and projection readers), decode (decode, build, validate) and
# solve (decode, then GLPK on small scenarios, verification and the reports) and dfe (init's
# readers of DfE's need, caseload and costs files) and records (project's readers of the
# transitions, population, valid-states and labels files, the fit and projection, Output_State)
# and edits (compare --set / serve edits applied, the document written as JSON and read back).
# A crashing input is written to Fuzz/crashes/TARGET/; commit it: the test "every input the
# fuzzer kept" replays each one in every `swift test`.
#
#   bash Fuzz/run.sh [RUNS] [TARGET...]     (default 2,500,000 runs each; solve a fifth of that)
#
# Prints executions, edges covered (cov) and crashes per target.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-2500000}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(json yaml csv decode solve dfe records edits)
swift build -c release --product sufficiency-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library \
  -Xcc -fsanitize=fuzzer-no-link,address || exit 1
binary=.build-fuzz/release/sufficiency-fuzz
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
summary=()
status=0
for target in "${targets[@]}"; do
  corpus=.build-fuzz/corpus/$target; crashes=Fuzz/crashes/$target
  mkdir -p "$corpus" "$crashes"
  n=$runs; [ "$target" = solve ] && n=$((runs / 5))
  dict=(); [ "$target" = csv ] || [ "$target" = dfe ] || [ "$target" = records ] || dict=(-dict=Fuzz/scenario.dict)
  log=.build-fuzz/$target.log
  SUFFICIENCY_FUZZ_TARGET=$target "$binary" "$corpus" "Fuzz/seeds/$target" "${dict[@]}" -runs="$n" -max_len=65536 \
    -timeout=20 -rss_limit_mb=4096 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  done_line=$(grep -E "^#[0-9]+.*(DONE|cov:)" "$log" | tail -1)
  executions=$(grep -E "^stat::number_of_executed_units:" "$log" | awk '{print $2}')
  edges=$(echo "$done_line" | sed -E 's/.*cov: ([0-9]+).*/\1/')
  found=$(find "$crashes" -type f | wc -l)
  summary+=("$(printf '%-7s %12s executions  %6s edges  %3s crashes kept  (exit %s; log %s)' "$target" "${executions:-?}" "${edges:-?}" "$found" "$code" "$log")")
  [ "$code" -eq 0 ] || status=1
done
printf '%s\n' "${summary[@]}"
exit $status
