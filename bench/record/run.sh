#!/bin/sh
# Recorder benchmarks, side by side in one run (never a timed test): each workload without
# tracing, then under `amber-record --profile full`. Usage (root): bench/record/run.sh BUILD_DIR
# Prints seconds per workload, the slowdown, and the capture's bytes per event and losses.
set -eu
build=${1:-build/rec}
work=$(mktemp -d /tmp/amber-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/workloads" "$(dirname "$0")/workloads.c"
W="open 1000000
exec 2000
connect 20000"
echo "== baseline"
echo "$W" | while read -r w n; do "$work/workloads" "$w" "$n"; done
echo "== amber-record --profile full"
"$build/record/amber-record" -o "$work/b.amber" --profile full -q --no-snapshot --duration 600s &
rec=$!
sleep 3
echo "$W" | while read -r w n; do "$work/workloads" "$w" "$n"; done
echo "recorder cpu (utime+stime ticks): $(awk '{print $14+$15}' /proc/$rec/stat)"
kill -INT $rec
wait $rec || true
"$build/replay/amber-replay" info "$work/b.amber" | grep -E '^(events|losses|size)'
"$build/replay/amber-replay" verify "$work/b.amber"
