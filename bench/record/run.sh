#!/bin/bash
# Recorder benchmarks, side by side in one run (never a timed test). Usage (root):
#   bench/record/run.sh BUILD_DIR [REPS]      (SECTIONS="amber sweep" runs only those; baseline
#                                             always runs, the slowdowns need it; ROUNDS=3)
# Each workload (bench/record/workloads.c) runs REPS times with no tracing, under
# `amber-record --profile full`, under auditd with rules for the same syscalls and under bpftrace
# printing the same events to a file (the last two only when installed; auditd only when it is not
# already running, and the machine is put back as it was: rules deleted, daemon stopped, audit
# disabled again, its log removed). Then a rate sweep (openat+close paced at R/s, the highest R
# with zero ring-buffer losses), the recorder's own CPU and the bytes per event on disk.
#
# The figure that survives a shared, loaded machine is the workload's CPU time (perf stat
# task-clock, children included): it is charged the BPF programs and the syscall slow path, and
# not the time it waits for a CPU. Min and median of REPS are printed; wall time is shown too.
set -eu
build=$(realpath "${1:-build/rec}")
reps=${2:-7}
sections=${SECTIONS:-amber auditd bpftrace sweep}
want() { case " $sections " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d /tmp/amber-bench-XXXXXX)
rec_pid=""
audit_pid=""
bt_pid=""

cleanup() {
  [ -n "$rec_pid" ] && kill -INT "$rec_pid" 2>/dev/null && wait "$rec_pid" 2>/dev/null || true
  [ -n "$bt_pid" ] && kill -INT "$bt_pid" 2>/dev/null && wait "$bt_pid" 2>/dev/null || true
  if [ -n "$audit_pid" ]; then
    auditctl -D >/dev/null 2>&1 || true
    kill "$audit_pid" 2>/dev/null || true
    while kill -0 "$audit_pid" 2>/dev/null; do sleep 0.1; done
    auditctl -e 0 >/dev/null 2>&1 || true
    rm -f "$work/audit.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/workloads" "$here/workloads.c"
WORKLOADS="open 200000
exec 300
connect 5000"
hz=$(getconf CLK_TCK)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure LABEL [REPS]: min and median task-clock (ms) and median wall (s) of each workload.
measure() {
  local label=$1 n_reps=${2:-$reps}
  echo "$WORKLOADS" | while read -r w n; do
    : >"$work/cpu"; : >"$work/wall"
    for _ in $(seq "$n_reps"); do
      out=$(perf stat -x, -e task-clock "$work/workloads" "$w" "$n" 2>"$work/perf")
      grep task-clock "$work/perf" | cut -d, -f1 >>"$work/cpu"
      echo "$out" | awk '{print $3}' >>"$work/wall"
    done
    min=$(sort -g "$work/cpu" | head -1); med=$(median <"$work/cpu"); wall=$(median <"$work/wall")
    ratio=""
    if [ "$label" = baseline ]; then
      echo "$w $med" >>"$work/base"
    else
      b=$(awk -v w="$w" '$1 == w {print $2}' "$work/base")
      ratio=$(awk -v a="$med" -v b="$b" 'BEGIN {printf "  slowdown(cpu, median) %.2fx", a / b}')
    fi
    printf "%-9s %-8s n=%-7s cpu ms min %8.1f median %8.1f  wall s %6.3f%s\n" \
      "$label" "$w" "$n" "$min" "$med" "$wall" "$ratio"
  done
}

# start_recorder FILE [args]: starts amber-record, returns once its capture exists (it creates it
# only after every program is attached).
start_recorder() {
  local out=$1; shift
  rm -f "$out"
  "$build/record/amber-record" -o "$out" -q --no-snapshot --duration 3600s "$@" &
  rec_pid=$!
  for _ in $(seq 600); do [ -e "$out" ] && break; sleep 0.1; done
  sleep 0.5
}
stop_recorder() { kill -INT "$rec_pid"; wait "$rec_pid" || true; rec_pid=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
info() { "$build/replay/amber-replay" info "$1" | awk -v k="$2" '$1 == k {print $2}'; }

echo "== $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $reps reps"
measure baseline

# The load of a shared machine drifts within a minute, so amber-record is measured in ROUNDS
# rounds, each against a baseline taken just before it.
if want amber; then
for round in $(seq "${ROUNDS:-3}"); do
  [ "$round" -gt 1 ] && { : >"$work/base"; measure baseline; }
  echo "== amber-record --profile full (round $round)"
  start_recorder "$work/full.amber" --profile full
  t0=$(cpu_ticks "$rec_pid")
  measure amber
  t1=$(cpu_ticks "$rec_pid")
  stop_recorder
  events=$(info "$work/full.amber" events)
  bytes=$(stat -c %s "$work/full.amber")
  echo "amber events $events (the whole host's, not only the workloads'), losses" \
    "$(info "$work/full.amber" losses), $bytes bytes on disk:" \
    "$(awk -v b="$bytes" -v e="$events" 'BEGIN {printf "%.1f", b / e}') bytes/event;" \
    "recorder CPU $(awk -v t=$((t1 - t0)) -v hz="$hz" -v e="$events" \
      'BEGIN {printf "%.2f s, %.2f us/event", t / hz, t / hz / e * 1e6}')"
  "$build/replay/amber-replay" verify "$work/full.amber"
done
fi

if want auditd && command -v auditd >/dev/null && command -v auditctl >/dev/null && ! pgrep -x auditd >/dev/null; then
  echo "== auditd (rules for open, openat, execve, clone, fork, vfork, connect, accept, accept4)"
  cat >"$work/auditd.conf" <<EOF
log_file = $work/audit.log
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
num_logs = 1
max_log_file = 4096
max_log_file_action = ROTATE
disk_full_action = IGNORE
disk_error_action = IGNORE
space_left = 2
admin_space_left = 1
admin_space_left_action = IGNORE
space_left_action = IGNORE
EOF
  auditd -c "$work" -n &
  audit_pid=$!
  for _ in $(seq 100); do [ -e "$work/audit.log" ] && break; sleep 0.1; done
  auditctl -b 8192 >/dev/null
  auditctl -a always,exit -F arch=b64 -S open,openat,execve,clone,fork,vfork,connect,accept,accept4 \
    -k amber-bench
  measure auditd 3
  auditctl -D >/dev/null
  sleep 1
  records=$(grep -c 'type=SYSCALL' "$work/audit.log" || true)
  abytes=$(stat -c %s "$work/audit.log" || echo 0)
  echo "auditd $records syscall events, $abytes bytes: $(awk -v b="$abytes" -v e="$records" \
    'BEGIN {printf "%.0f", b / (e ? e : 1)}') bytes/event; lost: $(auditctl -s | awk '$1 == "lost" {print $2}')"
  kill "$audit_pid"; wait "$audit_pid" 2>/dev/null || true; audit_pid=""
  auditctl -e 0 >/dev/null
  rm -f "$work/audit.log"
fi

if want bpftrace && command -v bpftrace >/dev/null; then
  echo "== bpftrace printing the same events to a file"
  cat >"$work/events.bt" <<'EOF'
tracepoint:syscalls:sys_enter_openat { printf("%llu %d %s open %s\n", nsecs, pid, comm, str(args->filename)); }
tracepoint:syscalls:sys_enter_connect { printf("%llu %d %s connect %d\n", nsecs, pid, comm, args->fd); }
tracepoint:syscalls:sys_exit_accept4, tracepoint:syscalls:sys_exit_accept { printf("%llu %d %s accept %d\n", nsecs, pid, comm, args->ret); }
tracepoint:sched:sched_process_fork { printf("%llu %d %s fork %d\n", nsecs, pid, comm, args->child_pid); }
tracepoint:sched:sched_process_exec { printf("%llu %d %s exec %s\n", nsecs, pid, comm, str(args->filename)); }
tracepoint:sched:sched_process_exit { printf("%llu %d %s exit\n", nsecs, pid, comm); }
EOF
  bpftrace -o "$work/bt.out" "$work/events.bt" &
  bt_pid=$!
  for _ in $(seq 600); do grep -q Attaching "$work/bt.out" 2>/dev/null && break; sleep 0.1; done
  sleep 1
  measure bpftrace 3
  kill -INT "$bt_pid"; wait "$bt_pid" || true; bt_pid=""
  echo "bpftrace $(wc -l <"$work/bt.out") lines, $(stat -c %s "$work/bt.out") bytes" \
    "($(awk '{b += length($0) + 1} END {printf "%.0f", b / NR}' "$work/bt.out") bytes/event, uncompressed text)"
fi

want sweep || exit 0
echo "== rate sweep: openat+close paced at R/s for 5 s by P processes, --profile full (default 16M ring)"
for spec in 100000x1 200000x1 300000x1 400000x1 300000x2 400000x2; do
  rate=${spec%x*}; procs=${spec#*x}
  start_recorder "$work/rate.amber" --profile full
  t0=$(cpu_ticks "$rec_pid")
  for p in $(seq "$procs"); do "$work/workloads" rate "$rate" 5 >"$work/rate.$p" & done
  wait $(jobs -p | grep -v "^$rec_pid$")
  t1=$(cpu_ticks "$rec_pid")
  stop_recorder
  got=$(cat "$work"/rate.[0-9]* | awk '{s += $4} END {printf "%.0f", s}')
  rm -f "$work"/rate.[0-9]*
  echo "rate ${rate}/s x $procs asked, $got/s reached: events $(info "$work/rate.amber" events)," \
    "losses $(info "$work/rate.amber" losses), recorder CPU $(awk -v t=$((t1 - t0)) -v hz="$hz" \
      'BEGIN {printf "%.0f%%", t / hz / 5 * 100}') of one CPU"
done
