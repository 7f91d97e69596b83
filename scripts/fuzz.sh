#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time: scripts/fuzz.sh BUILD_DIR SECONDS.
#   capture_reader_fuzzer  any bytes as a capture, through verify and a salvaging reader. Seeds:
#                          small generated captures plus every capture under fixtures/.
#   case_loader_fuzzer     JSON lines made into a valid capture, loaded into a case database and
#                          read through its views. Seeds: the synthetic fixtures' events.jsonl.
# Prints how many executions each ran; a crash, leak or memory blow-up fails the run and leaves
# the input in BUILD_DIR.
set -euo pipefail
build=$1
seconds=$2

# run TARGET CORPUS MAX_LEN
run() {
  local target=$1 corpus=$2 max_len=$3 log=$build/$1.log
  if ! "$build/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=1024 \
       -max_len="$max_len" -artifact_prefix="$build/$target-" -print_final_stats=1 \
       >"$log" 2>&1; then
    tail -50 "$log"
    echo "fuzz: $target failed" >&2
    exit 1
  fi
  local runs
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
  echo "fuzz: $target ran $runs inputs in ${seconds}s without a crash, leak or OOM"
}

corpus=$build/fuzz-corpus
mkdir -p "$corpus"
"$build/tests/fuzz/make_fuzz_seeds" "$corpus"
find fixtures -name '*.amber' -size -2M -exec cp {} "$corpus/" \; 2>/dev/null || true
run capture_reader_fuzzer "$corpus" 262144

jsonl=$build/fuzz-corpus-jsonl
mkdir -p "$jsonl"
for f in fixtures/*/events.jsonl; do
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$jsonl/$(basename "$(dirname "$f")").jsonl"
done
run case_loader_fuzzer "$jsonl" 65536
