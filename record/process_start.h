// Matching a /proc snapshot's process start time to the kernel's.
//
// /proc/PID/stat field 22 (starttime) is the task's start_boottime divided down to clock ticks
// (USER_HZ, which sysconf(_SC_CLK_TCK) reports: 100 on every architecture Amber runs on), and the
// kernel truncates rather than rounds (fs/proc/array.c, nsec_to_clock_t). A snapshot's
// process_start_ns is therefore the kernel's start_boottime rounded *down* to a 10 ms boundary,
// while BPF events carry the exact ns. To key a snapshot process and an event to the same process,
// coarsen the kernel value with CoarseStartNs() and compare for equality together with the pid
// (SameProcessStart). Two processes with the same pid whose starts fall in the same tick would
// need a full pid wrap within 10 ms, which pid_max makes impossible in practice.
//
// Caveat: a reader inside a time namespace sees starttime shifted by its boottime offset; the
// recorder runs in the initial time namespace, as the kernel's start_boottime does.
//
// Pure arithmetic, header-only, no state.
#ifndef AMBER_RECORD_PROCESS_START_H_
#define AMBER_RECORD_PROCESS_START_H_

#include <cstdint>

namespace amber::record {

inline constexpr uint64_t kNsPerSec = 1'000'000'000ull;
inline constexpr uint64_t kDefaultClockTicksPerSec = 100;  // USER_HZ

// Boot-time ns of /proc/PID/stat's starttime, given in clock ticks.
constexpr uint64_t TicksToBootNs(uint64_t ticks, uint64_t ticks_per_sec) {
  if (ticks_per_sec == 0) return 0;
  // Split to avoid overflow for hosts up for years at unusual tick rates.
  return ticks / ticks_per_sec * kNsPerSec + ticks % ticks_per_sec * kNsPerSec / ticks_per_sec;
}

// The kernel's exact start_boottime (ns) truncated the way /proc truncates it, expressed in ns.
constexpr uint64_t CoarseStartNs(uint64_t kernel_start_ns, uint64_t ticks_per_sec) {
  if (ticks_per_sec == 0) return kernel_start_ns;
  uint64_t ticks = kernel_start_ns / kNsPerSec * ticks_per_sec +
                   kernel_start_ns % kNsPerSec * ticks_per_sec / kNsPerSec;
  return TicksToBootNs(ticks, ticks_per_sec);
}

// True when a snapshot start (tick precision) and a kernel start (ns precision) name the same
// process start. Also true when both sides are exact and equal.
constexpr bool SameProcessStart(uint64_t snapshot_start_ns, uint64_t kernel_start_ns,
                                uint64_t ticks_per_sec = kDefaultClockTicksPerSec) {
  return snapshot_start_ns == kernel_start_ns ||
         snapshot_start_ns == CoarseStartNs(kernel_start_ns, ticks_per_sec);
}

}  // namespace amber::record

#endif  // AMBER_RECORD_PROCESS_START_H_
