#!/usr/bin/env bash
# Re-records every live fixture (fixtures/live-*/scenario.sh) on this machine's kernel and checks
# that the same alerts fire as in its committed golden file, without touching fixtures/: each
# fixture is copied to a scratch folder and recorded there. Run as root (CI runs it through ctest,
# label privileged).
#   usage: scripts/rerecord-live-fixtures.sh AMBER_RECORD AMBER_REPLAY
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export AMBER_RECORD=$1 AMBER_REPLAY=$2
scratch=$(mktemp -d /tmp/amber-rerecord-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0
for dir in "$root"/fixtures/live-*/; do
  name=$(basename "$dir")
  cp -r "$dir" "$scratch/$name"
  rm -f "$scratch/$name/capture.amber"
  if bash "$root/scripts/record-fixture.sh" "$scratch/$name" >"$scratch/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "re-recorded $name: same alerts as its golden file"
  else
    failed=$((failed + 1))
    echo "re-recorded $name: DIFFERENT from its golden file" >&2
    tail -30 "$scratch/$name.log" >&2
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
