// Decoder: ring-buffer records (bpf/events.h) into store::Event values.
//
// Besides events, the kernel sends a cgroup record the first time it meets a v1 cgroup; the
// decoder keeps those paths (kernfs id to path) and fills TaskContext::cgroup_path from them, by
// the rule of record/cgroup_path.h: the v1 path the kernel chose, or the v2 path when that one is
// "/" (found by the v2 cgroup id, which is the inode of its directory under the v2 mount). A path
// whose record was lost, and every v2 path, is looked up by scanning the hierarchy for the
// directory with that inode (at most once per second per hierarchy, and bounded). The container
// id is not the decoder's business (record/recorder.cc asks the ContainerResolver).
//
// Every record is treated as possibly short or malformed (a bug on either side must not crash
// the recorder): such records are counted and skipped. Single-threaded.
#ifndef AMBER_RECORD_DECODER_H_
#define AMBER_RECORD_DECODER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/records.h"

namespace amber::record {

class Decoder {
 public:
  // cgroup_root holds the v1 hierarchies (<root>/pids, <root>/memory, ...); `controllers` are the
  // directory names searched when a path has to be found by inode. unified_root is where the v2
  // hierarchy is mounted, empty when it is not.
  Decoder(std::string cgroup_root, std::vector<std::string> controllers,
          std::string unified_root = "");

  enum class Kind { kEvent, kCgroup, kMalformed };
  // Decodes one record. For kEvent, *event is overwritten (its strings' capacity is reused).
  Kind Decode(std::span<const uint8_t> record, store::Event* event);

  // The v1 cgroup path of a kernfs id, "" for 0.
  const std::string& CgroupPath(uint64_t kernfs_id);
  // The v2 path of a v2 cgroup id: "" for 0 or without a v2 mount, "?cgroup-<id>" when no
  // directory has that inode.
  const std::string& UnifiedPath(uint64_t cgroup_id);

  // The cgroup key of the last event decoded: the id of the cgroup its cgroup_path was taken
  // from, as the kernel computes it (AMBER_CGROUP_KEY_V2 in bpf/events.h).
  uint64_t cgroup_key() const { return cgroup_key_; }

  uint64_t malformed() const { return malformed_; }
  uint64_t cgroup_scans() const { return scans_; }

 private:
  void ScanCgroups();

  std::string cgroup_root_;
  std::vector<std::string> controllers_;
  std::string unified_root_;
  std::unordered_map<uint64_t, std::string> cgroup_paths_;
  std::unordered_map<uint64_t, std::string> unified_paths_;
  uint64_t last_scan_ns_ = 0;
  uint64_t last_unified_scan_ns_ = 0;
  std::string unknown_unified_;  // UnifiedPath's answer for a miss it does not remember
  uint64_t malformed_ = 0;
  uint64_t scans_ = 0;
  uint64_t cgroup_key_ = 0;
};

// Helpers, exposed for tests.
// "shadow/etc/" (leaf first) to "/etc/shadow"; `truncated` prefixes "/..." to say the walk
// stopped before the root.
std::string ReverseDentryPath(std::string_view leaf_first, bool truncated);
// `path` made absolute against `dir` when it is relative and dir is known.
std::string JoinPath(std::string_view dir, std::string_view path);
// A raw struct sockaddr into NetArgs' family, port, address and unix path.
void ParseSockaddr(std::span<const uint8_t> raw, store::NetArgs* net);

}  // namespace amber::record

#endif  // AMBER_RECORD_DECODER_H_
