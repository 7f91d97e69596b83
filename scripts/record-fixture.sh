#!/bin/bash
# Records a live fixture: runs fixtures/<name>/scenario.sh in a runc container (busybox-static
# rootfs) under amber-record, writes fixtures/<name>/capture.amber, and checks (or, with --update,
# rewrites) its expected-alerts.txt with `amber-replay test`.
#
# usage: sudo scripts/record-fixture.sh fixtures/NAME [--update] [--build DIR] [--keep]
#                                        [--out FILE]   (write the capture there; no golden check)
#
# Needs: root, runc, /bin/busybox (Debian's busybox-static), amber-record and amber-replay built in
# --build (default build/det for replay and build/rec for the recorder; override with
# AMBER_RECORD=/path and AMBER_REPLAY=/path), and a C compiler for scenarios that ship a helper.
#
# A scenario.sh defines, in this shell:
#   scenario_setup ROOTFS CONFIG   prepare the rootfs and edit the OCI config.json (jq is not needed:
#                                  use set_process_user / set_process_args below)
#   scenario_run                   the actions; `in_ctr CMD...` runs CMD in the container (runc exec)
#   scenario_cleanup               undo host changes (always runs, even after a failure)
# and may set RECORD_ARGS (extra amber-record options). A scenario that points the host's
# core_pattern at a handler does it with `set_core_pattern PATTERN`: this script puts the old
# value back when it ends, and at its next start if a run was killed in between.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
FIXTURE=$(cd "$1" && pwd); shift
UPDATE=0; KEEP=0; BUILD=; OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --update) UPDATE=1 ;;
    --out) OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    --build) BUILD=$2; shift ;;
    *) usage ;;
  esac
  shift
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=$(basename "$FIXTURE")
RECORD=${AMBER_RECORD:-${BUILD:-$ROOT/build/rec}/record/amber-record}
REPLAY=${AMBER_REPLAY:-${BUILD:-$ROOT/build/det}/replay/amber-replay}

[ "$(id -u)" = 0 ] || { echo "record-fixture: needs root (amber-record loads BPF, runc)" >&2; exit 77; }
command -v runc >/dev/null || { echo "record-fixture: runc not found" >&2; exit 69; }
[ -x /bin/busybox ] || { echo "record-fixture: /bin/busybox (busybox-static) not found" >&2; exit 69; }
[ -x "$RECORD" ] && [ -x "$REPLAY" ] || { echo "record-fixture: build amber-record ($RECORD) and amber-replay ($REPLAY) first" >&2; exit 69; }
[ -f "$FIXTURE/scenario.sh" ] || { echo "record-fixture: $FIXTURE/scenario.sh missing" >&2; exit 66; }

WORK=$(mktemp -d /tmp/amber-fixture-XXXXXX)
BUNDLE=$WORK/bundle
ROOTFS=$BUNDLE/rootfs
CONFIG=$BUNDLE/config.json
CTR=amber-fx-$NAME  # fixed: the container id shows in the capture
REC_PID=

# ---- helpers for scenario.sh ----------------------------------------------------------------
in_ctr() { runc exec "$CTR" "$@"; }
in_ctr_user() { local uid=$1; shift; runc exec --user "$uid:$uid" "$CTR" "$@"; }
set_process_args() {  # set_process_args ARG... : the container's init command
  python3 - "$CONFIG" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
c = json.load(open(path)); c['process']['args'] = args; c['process']['terminal'] = False
json.dump(c, open(path, 'w'), indent=1)
PY
}
set_process_user() {  # set_process_user UID : the init process's uid and gid
  python3 - "$CONFIG" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); u = int(sys.argv[2])
c['process']['user'] = {'uid': u, 'gid': u}
json.dump(c, open(sys.argv[1], 'w'), indent=1)
PY
}
# The value before is kept in /run (emptied at boot, when the kernel's setting resets too) until it
# is put back: a run killed mid-way, or a snapshot of the machine taken then, leaves the file, and
# the next run restores from it instead of taking the handler for the machine's own setting.
CORE_PATTERN_SAVED=/run/amber-fixture-core_pattern
restore_core_pattern() {
  [ -f "$CORE_PATTERN_SAVED" ] || return 0
  cat "$CORE_PATTERN_SAVED" > /proc/sys/kernel/core_pattern && rm -f "$CORE_PATTERN_SAVED"
}
set_core_pattern() {  # set_core_pattern PATTERN
  [ -f "$CORE_PATTERN_SAVED" ] || cat /proc/sys/kernel/core_pattern > "$CORE_PATTERN_SAVED"
  # Written by a child shell, so the process that the golden alerts name is the same every run.
  sh -c "echo '$1' > /proc/sys/kernel/core_pattern"
}
scenario_setup() { :; }
scenario_run() { :; }
scenario_cleanup() { :; }
RECORD_ARGS=()

cleanup() {
  set +e
  restore_core_pattern
  scenario_cleanup
  runc kill "$CTR" KILL >/dev/null 2>&1
  runc delete -f "$CTR" >/dev/null 2>&1
  [ -n "$REC_PID" ] && kill -INT "$REC_PID" 2>/dev/null && wait "$REC_PID" 2>/dev/null
  [ "$KEEP" = 1 ] && echo "record-fixture: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
restore_core_pattern  # left by an interrupted run

# shellcheck source=/dev/null
. "$FIXTURE/scenario.sh"

# ---- the bundle: busybox-static rootfs, runc's default spec --------------------------------
mkdir -p "$ROOTFS"/{bin,sbin,etc,tmp,proc,sys,dev,root,home/user}
cp /bin/busybox "$ROOTFS/bin/busybox"
# Relative links: `busybox --install -s` would point them at the host path of the binary.
for applet in $(/bin/busybox --list); do
  [ -e "$ROOTFS/bin/$applet" ] || ln -s busybox "$ROOTFS/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' > "$ROOTFS/etc/group"
printf 'root:*:19000:0:99999:7:::\nuser:*:19000:0:99999:7:::\n' > "$ROOTFS/etc/shadow"
chmod 600 "$ROOTFS/etc/shadow"
chmod 1777 "$ROOTFS/tmp"
(cd "$BUNDLE" && runc spec)
set_process_args sleep 3600
# A writable rootfs, as container images usually run: scenarios drop files (drift).
python3 - "$CONFIG" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c['root']['readonly'] = False
json.dump(c, open(sys.argv[1], 'w'), indent=1)
PY
scenario_setup "$ROOTFS" "$CONFIG"
# The container id is fixed, so a run that was itself killed (a machine restarted mid-recording)
# leaves a container by this name that would make `runc run` refuse: it is ours, remove it.
if runc state "$CTR" >/dev/null 2>&1; then
  echo "record-fixture: removing container $CTR left by an earlier, interrupted run" >&2
  runc delete -f "$CTR" >/dev/null
fi

# ---- record ------------------------------------------------------------------------------
CAPTURE=${OUT:-$FIXTURE/capture.amber}
rm -f "$CAPTURE"
"$RECORD" -o "$CAPTURE" --quiet "${RECORD_ARGS[@]}" &
REC_PID=$!
# amber-record creates the capture only once every probe is attached: wait for it (loading can
# take many seconds on a busy machine), then for the /proc snapshot.
for _ in $(seq 1 600); do
  [ -e "$CAPTURE" ] && break
  kill -0 "$REC_PID" 2>/dev/null || { echo "record-fixture: amber-record exited early" >&2; exit 70; }
  sleep 0.1
done
[ -e "$CAPTURE" ] || { echo "record-fixture: amber-record did not start within 60 s" >&2; exit 70; }
sleep 1
runc run -d --bundle "$BUNDLE" "$CTR" >/dev/null
scenario_run
sleep 1   # let the ring buffer drain before stopping
runc kill "$CTR" KILL >/dev/null 2>&1 || true
runc delete -f "$CTR" >/dev/null 2>&1 || true
kill -INT "$REC_PID"; wait "$REC_PID" || true; REC_PID=

# ---- describe and check ----------------------------------------------------------------------
# README.md: what the scenario is (its header comment), when and where it was recorded, the exact
# commands (the scenario's functions as this shell holds them) and the container's process tree
# as the capture shows it.
write_readme() {
  local readme=$FIXTURE/README.md case_db=$WORK/case.db
  "$REPLAY" load "$FIXTURE/capture.amber" --db "$case_db" -q > /dev/null
  {
    printf '# %s (recorded for real)\n\n' "$NAME"
    sed -n '/^#/!q; s/^# \{0,1\}//p' "$FIXTURE/scenario.sh"
    printf '\n%s, by `sudo scripts/record-fixture.sh fixtures/%s --update`: amber-record\n' \
      "$(cat "$FIXTURE/RECORDED")" "$NAME"
    printf 'records the whole host while the scenario runs in (and around) a runc container `%s`\n' "$CTR"
    printf "(busybox-static rootfs, runc's default spec with a writable root). \`capture-info.txt\` is\n"
    printf '`amber-replay info` of the capture; `expected-alerts.txt` the golden alerts.\n\n'
    printf '## The scenario, as run\n\n```sh\n'
    declare -f scenario_setup scenario_run scenario_cleanup
    if grep -q set_core_pattern "$FIXTURE/scenario.sh"; then
      printf '# from scripts/record-fixture.sh, which also puts the old pattern back at the end:\n'
      declare -f set_core_pattern
    fi
    printf '```\n\n## Process tree of the container, from the capture\n\n```\n'
    "$REPLAY" tree --db "$case_db" --container "$CTR" || echo "(no process of the container in the capture)"
    printf '```\n'
  } > "$readme"
}

if [ -n "$OUT" ]; then
  "$REPLAY" verify "$CAPTURE"
  exit 0
fi
"$REPLAY" verify "$FIXTURE/capture.amber"
"$REPLAY" info "$FIXTURE/capture.amber" > "$FIXTURE/capture-info.txt" || true
{ echo "Recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -r) with runc $(runc --version | head -1 | awk '{print $3}')"; } \
  > "$FIXTURE/RECORDED"
write_readme  # after RECORDED: it quotes it
args=("$(dirname "$FIXTURE")" --rules "$ROOT/detections" --only "$NAME")
[ "$UPDATE" = 1 ] && args+=(--update)
"$REPLAY" test "${args[@]}"
