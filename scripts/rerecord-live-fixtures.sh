#!/usr/bin/env bash
# Re-records every live fixture (fixtures/live-*/scenario.sh) on this machine's kernel and checks
# that the same alerts fire as in its committed golden file, without touching fixtures/: each
# fixture is copied to a scratch folder and recorded there. Run as root. CI runs it through ctest
# (test rerecord_live_fixtures, label privileged, after the other privileged tests are done: they
# run one at a time).
#   usage: scripts/rerecord-live-fixtures.sh AMBER_RECORD AMBER_REPLAY [NAME...]
# With names, only those fixtures. The recordings are host-wide (the core_pattern handler is the
# kernel's child, not the scenario's), so whatever else the host runs meanwhile is recorded too:
# on a machine busy with other work (builds that run fresh binaries from /tmp, say) a rule can fire
# on that work and the comparison fails. CI runs the privileged tests alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export AMBER_RECORD=$1 AMBER_REPLAY=$2
shift 2
names=("$@")
scratch=$(mktemp -d /tmp/amber-rerecord-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0
if ((${#names[@]} == 0)); then
  for dir in "$root"/fixtures/live-*/; do names+=("$(basename "$dir")"); done
fi
for name in "${names[@]}"; do
  dir=$root/fixtures/$name
  [ -f "$dir/scenario.sh" ] || { echo "rerecord: no live fixture $name" >&2; exit 66; }
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
