// Parsing /proc/PID/cgroup and choosing the path that identifies a task's container.
//
// The rule, shared by the /proc snapshot (ContainerCgroupPath below) and the event path (the BPF
// programs pick the v1 cgroup, record/decoder.cc falls back to v2), and documented for readers of
// captures in docs/capture-format.md ("Cgroup path"):
//   1. the first of the v1 controllers pids, memory, cpu (those mounted as v1 hierarchies) whose
//      path is not "/";
//   2. else the v2 ("0::") path;
//   3. else "/" (empty only when the task has no cgroup lines at all).
// On a hybrid host (v1 controllers under /sys/fs/cgroup/<controller>, v2 under
// /sys/fs/cgroup/unified) runtimes place a container at the same path in every v1 hierarchy while
// v2 may stay at "/", so step 1 tells containers apart; on a pure v2 host step 2 does. Only these
// three controllers because the kernel side reads a task's cgroup through task->cgroups->subsys[],
// which exists for controllers only: named hierarchies (name=systemd) have no subsystem id, and on
// systemd hybrid hosts their tree is mirrored by v2 anyway. Pure functions, no state.
#ifndef AMBER_RECORD_CGROUP_PATH_H_
#define AMBER_RECORD_CGROUP_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amber::record {

// One line of /proc/PID/cgroup: "hierarchy-id:controller-list:path".
struct CgroupLine {
  uint32_t hierarchy_id = 0;
  std::vector<std::string> controllers;  // empty for the v2 line ("0::/path")
  std::string path;                      // " (deleted)" suffix of dead v2 cgroups removed
  bool v2() const { return hierarchy_id == 0 && controllers.empty(); }
};

// Malformed lines are skipped, not fatal: the file is kernel-written, but a truncated read or a
// future format must not lose the lines we do understand. Paths keep every byte after the second
// ':' (a cgroup name may itself contain ':').
std::vector<CgroupLine> ParseProcCgroup(std::string_view text);

// The v1 controllers consulted, in order; the first one whose path is not "/" wins. record/
// recorder.cc hands the same list, in the same order, to the BPF programs.
inline constexpr std::string_view kPreferredControllers[] = {"pids", "memory", "cpu"};

// The path that identifies the task's container, by the rule at the top of this file.
std::string ContainerCgroupPath(const std::vector<CgroupLine>& lines);

// The v2 ("0::") path, or empty when the task has no v2 line.
std::string UnifiedCgroupPath(const std::vector<CgroupLine>& lines);

}  // namespace amber::record

#endif  // AMBER_RECORD_CGROUP_PATH_H_
