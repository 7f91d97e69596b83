// The /proc snapshot taken when recording starts: every process alive at that moment, so that
// processes started before the recording have a place in the process tree (ARCHITECTURE.md,
// "The capture file": the initial process snapshot chunk).
//
// SnapshotProcesses() walks <proc_root>/<pid> once. Each process directory is opened and pinned
// first and every file is read relative to it, so a pid reused mid-read cannot mix two processes.
// A process that exits while being read is normal and is skipped (counted in SnapshotStats).
// Kernel threads are included with an empty exe, cwd and argv and kTaskFlagKernelThread.
//
// Reader limits (hostile input: a process chooses its argv and comm):
//   - argv: the first SnapshotOptions::max_argv_bytes (default 32 KiB) of /proc/PID/cmdline; a
//     longer argv is cut at that byte (the last argument may be partial) and counted in
//     SnapshotStats::argv_truncated. Bytes are stored as read: no escaping, no UTF-8 checks.
//   - exe, cwd: readlink into PATH_MAX bytes; longer targets are cut and counted.
//   - processes: at most max_processes (default 1 << 22, pid_max's ceiling); the rest counted.
// process_start_ns has clock-tick precision (10 ms); see record/process_start.h for matching it
// to the kernel's exact start times.
//
// The function holds no state; it may run on any thread. It needs root (or CAP_SYS_PTRACE) to
// read other users' exe, cwd and namespace links; without it those fields stay empty or zero.
#ifndef AMBER_RECORD_PROC_SNAPSHOT_H_
#define AMBER_RECORD_PROC_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/records.h"

namespace amber::record {

class ContainerResolver;

struct SnapshotStats {
  uint64_t processes = 0;        // records returned
  uint64_t vanished = 0;         // exited while being read, skipped
  uint64_t unreadable = 0;       // stat or status unreadable or malformed, skipped
  uint64_t argv_truncated = 0;   // argv longer than max_argv_bytes
  uint64_t path_truncated = 0;   // exe or cwd at least PATH_MAX long
  uint64_t over_limit = 0;       // processes past max_processes, not read
};

struct SnapshotOptions {
  std::string proc_root = "/proc";
  // Where the v2 hierarchy is mounted; cgroup_id is the inode of <this>/<v2 path>, 0 if absent.
  std::string unified_cgroup_root = "/sys/fs/cgroup/unified";
  size_t max_argv_bytes = 32 * 1024;
  size_t max_processes = size_t{1} << 22;
  uint64_t clock_ticks_per_sec = 0;  // 0: sysconf(_SC_CLK_TCK)
  // Optional, not owned: fills TaskContext::container_id from the chosen cgroup path.
  ContainerResolver* resolver = nullptr;
  // Optional, not owned: counters of what was skipped or cut.
  SnapshotStats* stats = nullptr;
};

// Every process under proc_root, in ascending pid order. Fails only when proc_root itself cannot
// be listed; per-process failures skip that process.
Result<std::vector<store::ProcessRecord>> SnapshotProcesses(const SnapshotOptions& options);

// One process, read the same way; NotFound when it does not exist or exited mid-read.
Result<store::ProcessRecord> ReadProcess(uint32_t pid, const SnapshotOptions& options);

}  // namespace amber::record

#endif  // AMBER_RECORD_PROC_SNAPSHOT_H_
