// ContainerResolver: cgroup path to container id, and container id to the metadata the runtime
// keeps on disk, as store::ContainerRecord values for the capture (ARCHITECTURE.md, "Container
// metadata"). The recorder calls ContainerIdFor() for each task context it writes and Refresh()
// for each id it sees; Refresh() returns a record only when the container is first seen or its
// metadata changed, so records are written "when first seen and when they change".
//
// Cost: ContainerIdFor() is a hash lookup after the first call for a path. Refresh() is a clock
// read when called again within recheck_interval_ns; after that it stats the container's state
// files and re-parses them only when one changed (inode, size or mtime) or reread_interval_ns
// passed (status and init pid can change without any file changing).
//
// Plain runc containers have no recognisable path shape; they are found by matching the path
// against every runc state.json's cgroup_paths (record/container_runtimes.h, RuncCgroupIndex),
// an index rebuilt when the runc root's signature changes (its container directories and the
// stamps of their state.json files; checked at most once per recheck_interval_ns, and once per
// miss_recheck_interval_ns while some path misses: a readdir and a stat per container). Paths
// that match nothing are cached as "host" until that index changes.
//
// Threading: not thread-safe; one thread (the recorder's enrichment thread) owns an instance.
// Caches are bounded by max_entries each; past it they are cleared and rebuilt on demand.
#ifndef AMBER_RECORD_CONTAINER_RESOLVER_H_
#define AMBER_RECORD_CONTAINER_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/container_id.h"
#include "record/container_runtimes.h"
#include "record/state_file.h"
#include "store/records.h"

namespace amber::record {

struct ContainerResolverOptions {
  ContainerStateRoots roots;
  uint64_t recheck_interval_ns = 1'000'000'000;   // stat state files at most once a second
  // A path that matched nothing rechecks runc's state directory sooner: a container's first
  // commands follow `runc run` within milliseconds, before a once-a-second recheck would see it.
  uint64_t miss_recheck_interval_ns = 50'000'000;
  // While a container directory has no state.json yet (runc is creating that container), a miss
  // rechecks sooner still: `runc run -d` returns and `runc exec` follows within a few ms of the
  // state being written. Each recheck is a readdir and a stat per container.
  uint64_t creating_recheck_interval_ns = 2'000'000;
  uint64_t reread_interval_ns = 30'000'000'000;   // re-parse at least every 30 s
  // A runc container deleted (its state directory gone) still names its cgroup path for this
  // long: its last processes' events (an exit as `runc delete -f` kills them) reach the resolver
  // in a batch after the deletion.
  uint64_t gone_keep_ns = 10'000'000'000;
  size_t max_entries = 4096;
  // Boot-time ns; tests inject a fake clock. Empty: CLOCK_BOOTTIME.
  std::function<uint64_t()> clock;
};

class ContainerResolver {
 public:
  explicit ContainerResolver(ContainerResolverOptions options);

  // The container id for a cgroup path (as ContainerCgroupPath chose it), or nullopt for the host
  // and for paths no runtime claims.
  std::optional<std::string> ContainerIdFor(std::string_view cgroup_path);

  // The container's metadata when it is first seen or changed since the last record returned for
  // it; nullopt otherwise. pid_hint (a process of the container, 0 if none) lets an id never
  // seen through ContainerIdFor() find its cgroup path. When no runtime state can be read, the
  // first call still returns a minimal record (id, runtime, cgroup path, pod uid).
  std::optional<store::ContainerRecord> Refresh(const std::string& id, uint32_t pid_hint);

 private:
  struct Entry {
    CgroupContainerMatch match;
    std::string cgroup_path;
    std::vector<std::string> sources;
    std::vector<FileStamp> stamps;
    uint64_t last_check_ns = 0;
    uint64_t last_read_ns = 0;
    bool returned = false;
    bool state_missing = false;  // the last read found no state: retry at each recheck
    store::ContainerRecord last;  // the last record returned, observed_ns 0
  };

  uint64_t Now() const;
  void MaybeReloadRuncIndex(uint64_t now, uint64_t interval_ns);
  Result<ContainerState> ReadState(const Entry& entry) const;

  ContainerResolverOptions options_;
  // cgroup path -> id ("" for the host), bounded by max_entries.
  std::unordered_map<std::string, std::string> path_cache_;
  std::unordered_map<std::string, Entry> entries_;  // by container id
  std::unordered_map<std::string, std::string> runc_index_;  // cgroup path -> runc id
  struct Gone {
    std::string id;
    uint64_t since_ns;
  };
  std::unordered_map<std::string, Gone> runc_gone_;  // cgroup path -> a deleted container
  std::vector<std::pair<std::string, FileStamp>> runc_signature_;  // RuncRootSignature()
  uint64_t runc_checked_ns_ = 0;
  bool runc_loaded_ = false;
  bool runc_incomplete_ = false;
};

}  // namespace amber::record

#endif  // AMBER_RECORD_CONTAINER_RESOLVER_H_
