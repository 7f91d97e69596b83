#!/usr/bin/env bash
# Runs every Amber test, as CI does (.ci/run calls this). Installs what it needs first.
#   1. the analyst's side alone (no libbpf), under AddressSanitizer and UBSan: unit tests
#   2. the libFuzzer targets, each for a bounded time: the capture reader and verify; the case
#      loader and its views (JSON lines made into valid captures)
#   3. the full build, recorder included: every test label (unit, fixture, privileged)
# Privileged tests load BPF programs and run runc containers: run as root (CI is root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh
jobs=$(nproc)
fuzz_seconds=${AMBER_FUZZ_SECONDS:-60}

step() { printf '\n== %s\n' "$*"; }

step "analyzer build under ASan+UBSan (no recorder)"
cmake --preset asan >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan -L unit --output-on-failure -j"$jobs"

step "fuzzing the capture reader and the case loader for ${fuzz_seconds}s each"
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"$jobs" --target capture_reader_fuzzer case_loader_fuzzer make_fuzz_seeds
bash scripts/fuzz.sh build/fuzz "$fuzz_seconds"

step "full build and every test"
cmake --preset default >/dev/null
cmake --build build/default -j"$jobs"
# Privileged tests share the kernel (BPF, cgroups, runc state): run them one at a time.
ctest --test-dir build/default -LE privileged --output-on-failure -j"$jobs"
ctest --test-dir build/default -L privileged --output-on-failure -j1
