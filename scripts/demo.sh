#!/usr/bin/env bash
# The Amber demo, end to end on this machine (run as root; installs what it needs):
#   1. builds amber-record and amber-replay;
#   2. records a scripted attack inside a runc container with amber-record
#      (fixtures/live-demo-attack/scenario.sh: user-namespace privilege escalation attempt in the
#      manner of CVE-2022-0185, /etc/shadow read, a dropped binary run from /tmp, and a core_pattern
#      pipe handler the kernel runs as root under kthreadd);
#   3. analyses the capture with amber-replay (verify, load into a case database, detect) and
#      prints the alerts, then the attack's process tree in the container.
# The capture and case database are left in $AMBER_DEMO_DIR (default /tmp/amber-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${AMBER_DEMO_DIR:-/tmp/amber-demo}
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (amber-record loads BPF programs; runc)" >&2; exit 77; }

bash scripts/deps.sh
echo "== building"
cmake --preset default >/dev/null
cmake --build build/default -j"$(nproc)" --target amber-record amber-replay >/dev/null
replay=$root/build/default/replay/amber-replay

mkdir -p "$out"
rm -f "$out/demo.amber" "$out/demo.db"
echo "== recording the attack in a runc container (about 15 s)"
AMBER_RECORD=$root/build/default/record/amber-record AMBER_REPLAY=$replay \
  bash scripts/record-fixture.sh fixtures/live-demo-attack --out "$out/demo.amber"

echo
echo "== analysing $out/demo.amber"
set +e
"$replay" analyze "$out/demo.amber" --db "$out/demo.db" --rules detections
rc=$?
set -e
echo
echo "== process tree of the attack (container amber-fx-live-demo-attack)"
"$replay" tree --db "$out/demo.db" --container amber-fx-live-demo-attack
echo
echo "capture: $out/demo.amber   case database: $out/demo.db"
echo "try: $replay timeline --db $out/demo.db --container amber-fx-live-demo-attack"
exit "$rc"
