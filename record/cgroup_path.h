// Parsing /proc/PID/cgroup and choosing the path that identifies a task's container.
//
// On a hybrid host (v1 controllers under /sys/fs/cgroup/<controller>, v2 under
// /sys/fs/cgroup/unified) container runtimes place a container in the same path in every v1
// hierarchy, while the v2 hierarchy often stays at "/". The v1 path is what tells containers
// apart, so ContainerCgroupPath() prefers v1 controllers in a fixed order (pids, memory, cpu, then
// name=systemd) and falls back to the v2 path on pure-v2 hosts. Used by the /proc snapshot and,
// for the same choice on event paths, by the recorder. Pure functions, no state.
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

// The v1 controllers consulted, in order; the first one whose path is not "/" wins.
inline constexpr std::string_view kPreferredControllers[] = {"pids", "memory", "cpu",
                                                             "name=systemd"};

// The path that identifies the task's container: the first preferred v1 controller with a
// non-root path, else any v1 line's non-root path, else the v2 path, else "/" when the task has
// only root paths. Empty when there are no lines at all.
std::string ContainerCgroupPath(const std::vector<CgroupLine>& lines);

// The v2 ("0::") path, or empty when the task has no v2 line.
std::string UnifiedCgroupPath(const std::vector<CgroupLine>& lines);

}  // namespace amber::record

#endif  // AMBER_RECORD_CGROUP_PATH_H_
