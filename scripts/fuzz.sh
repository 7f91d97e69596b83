#!/usr/bin/env bash
# Runs the capture reader fuzzer for a bounded time: scripts/fuzz.sh BUILD_DIR SECONDS.
# Seeds: small generated captures plus every capture under fixtures/. Prints how many
# executions ran; a crash, leak or memory blow-up fails the run and leaves the input in BUILD_DIR.
set -euo pipefail
build=$1
seconds=$2
corpus=$build/fuzz-corpus
mkdir -p "$corpus"
"$build/tests/fuzz/make_fuzz_seeds" "$corpus"
find fixtures -name '*.amber' -size -2M -exec cp {} "$corpus/" \; 2>/dev/null || true
log=$build/fuzz.log
if ! "$build/tests/fuzz/capture_reader_fuzzer" "$corpus" -max_total_time="$seconds" \
     -rss_limit_mb=1024 -max_len=262144 -artifact_prefix="$build/" -print_final_stats=1 \
     >"$log" 2>&1; then
  tail -50 "$log"
  echo "fuzz: capture_reader_fuzzer failed" >&2
  exit 1
fi
runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
echo "fuzz: capture_reader_fuzzer ran $runs inputs in ${seconds}s without a crash, leak or OOM"
