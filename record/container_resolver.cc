#include "record/container_resolver.h"

#include <fcntl.h>
#include <time.h>

#include <utility>

#include "record/cgroup_path.h"
#include "record/proc_files.h"

namespace amber::record {
namespace {

constexpr size_t kMaxCgroupFileBytes = 64 * 1024;

std::vector<FileStamp> Stamps(const std::vector<std::string>& paths) {
  std::vector<FileStamp> stamps;
  stamps.reserve(paths.size());
  for (const std::string& path : paths) stamps.push_back(StampOf(path));
  return stamps;
}

std::string CgroupPathOfPid(const std::string& proc_root, uint32_t pid) {
  Fd dir(open((proc_root + "/" + std::to_string(pid)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return "";
  Result<BoundedRead> text = ReadFileAt(dir.get(), "cgroup", kMaxCgroupFileBytes);
  if (!text.ok()) return "";
  return ContainerCgroupPath(ParseProcCgroup(text->bytes));
}

}  // namespace

ContainerResolver::ContainerResolver(ContainerResolverOptions options)
    : options_(std::move(options)) {}

uint64_t ContainerResolver::Now() const {
  if (options_.clock) return options_.clock();
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void ContainerResolver::MaybeReloadRuncIndex(uint64_t now, uint64_t interval_ns) {
  if (runc_loaded_ && now - runc_checked_ns_ < interval_ns) return;
  runc_checked_ns_ = now;
  auto signature = RuncRootSignature(options_.roots);
  if (runc_loaded_ && !runc_incomplete_ && signature == runc_signature_) return;
  runc_signature_ = std::move(signature);
  runc_loaded_ = true;
  RuncIndex index = RuncCgroupIndex(options_.roots);
  runc_incomplete_ = index.incomplete;
  std::unordered_map<std::string, std::string> fresh;
  for (auto& [path, id] : index.paths) fresh.emplace(path, id);
  // Containers that were in the index and are not now: deleted. Kept a while for their late events.
  for (auto& [path, id] : runc_index_) {
    if (fresh.count(path) == 0 && runc_gone_.size() < options_.max_entries) {
      runc_gone_.try_emplace(path, Gone{id, now});
    }
  }
  for (auto it = runc_gone_.begin(); it != runc_gone_.end();) {
    if (fresh.count(it->first) != 0 || now - it->second.since_ns >= options_.gone_keep_ns) {
      it = runc_gone_.erase(it);  // back (the same path in use again), or kept long enough
    } else {
      fresh.emplace(it->first, it->second.id);
      ++it;
    }
  }
  runc_index_ = std::move(fresh);
  // "Host" answers may now be runc containers (or containers may be gone): forget them all.
  path_cache_.clear();
}

std::optional<std::string> ContainerResolver::ContainerIdFor(std::string_view cgroup_path) {
  if (cgroup_path.empty() || cgroup_path == "/") return std::nullopt;
  uint64_t now = Now();
  MaybeReloadRuncIndex(now, options_.recheck_interval_ns);
  std::string key(cgroup_path);
  if (auto it = path_cache_.find(key); it != path_cache_.end()) {
    if (!it->second.empty()) return it->second;
    // A miss: look again at runc's state sooner (a reload clears this cache if anything
    // changed), and sooner still while runc is creating a container.
    MaybeReloadRuncIndex(now, runc_incomplete_ ? options_.creating_recheck_interval_ns
                                               : options_.miss_recheck_interval_ns);
    it = path_cache_.find(key);
    if (it != path_cache_.end()) {
      if (it->second.empty()) return std::nullopt;
      return it->second;
    }
  }
  if (path_cache_.size() >= options_.max_entries) path_cache_.clear();

  std::optional<CgroupContainerMatch> match = MatchContainerCgroup(cgroup_path);
  if (!match.has_value() && cgroup_path.size() <= kMaxCgroupPathBytes) {
    // A path seen for the first time may be a container created a moment ago: look at runc's
    // state now, whatever the intervals say (a readdir and a stat per container; the index is
    // rebuilt only when that changed). Events reach the resolver in batches, so waiting out an
    // interval here lost a container's first commands, its init's exec among them.
    MaybeReloadRuncIndex(now, 0);
    if (auto it = runc_index_.find(key); it != runc_index_.end()) {
      match = CgroupContainerMatch{"runc", it->second, "", ""};
    }
  }
  if (!match.has_value()) {
    path_cache_.emplace(std::move(key), "");
    return std::nullopt;
  }
  std::string id = match->id;
  auto [entry, inserted] = entries_.try_emplace(id);
  if (inserted || entry->second.cgroup_path.empty()) {
    if (entries_.size() > options_.max_entries) {
      // Bounded: drop everything but this one; records for the dropped ids are re-emitted if
      // they appear again, which costs bytes, never correctness.
      Entry keep = std::move(entry->second);
      entries_.clear();
      entry = entries_.emplace(id, std::move(keep)).first;
    }
    entry->second.match = *match;
    entry->second.cgroup_path = key;
  }
  path_cache_.emplace(std::move(key), id);
  return id;
}

Result<ContainerState> ContainerResolver::ReadState(const Entry& entry) const {
  const ContainerStateRoots& roots = options_.roots;
  const CgroupContainerMatch& m = entry.match;
  const std::string& id = m.id;
  if (m.runtime == "runc") return ReadRuncContainer(roots, id);
  if (m.runtime == "docker") return ReadDockerContainer(roots, id);
  if (m.runtime == "containerd") return ReadContainerdContainer(roots, m.containerd_namespace, id);
  if (m.runtime == "cri-o" || m.runtime == "podman") {
    Result<ContainerState> state = ReadStorageContainer(roots, id, m.runtime);
    // CRI-O and podman run containers through runc (or crun) with their own runc root; the
    // default runc root is a last resort.
    if (state.ok() || state.status().code() != StatusCode::kNotFound) return state;
    return ReadRuncContainer(roots, id);
  }
  // Shape known, runtime not (Kubernetes cgroupfs paths, bare ids): ask each runtime in turn.
  Result<ContainerState> state = ReadDockerContainer(roots, id);
  if (state.ok()) return state;
  state = ReadContainerdContainer(roots, "", id);
  if (state.ok()) return state;
  state = ReadStorageContainer(roots, id, "");
  if (state.ok()) return state;
  return ReadRuncContainer(roots, id);
}

std::optional<store::ContainerRecord> ContainerResolver::Refresh(const std::string& id,
                                                                 uint32_t pid_hint) {
  if (id.empty()) return std::nullopt;
  uint64_t now = Now();
  auto it = entries_.find(id);
  if (it == entries_.end() && pid_hint != 0) {
    std::string path = CgroupPathOfPid(options_.roots.proc, pid_hint);
    if (!path.empty()) {
      std::optional<std::string> found = ContainerIdFor(path);
      (void)found;
    }
    it = entries_.find(id);
  }
  if (it == entries_.end()) {
    // Unknown shape and no usable hint: a runc name is the only guess that can be checked.
    Entry entry;
    entry.match = CgroupContainerMatch{IsHexId(id) ? "" : "runc", id, "", ""};
    if (entries_.size() >= options_.max_entries) entries_.clear();
    it = entries_.emplace(id, std::move(entry)).first;
  }
  Entry& entry = it->second;
  if (entry.returned && now - entry.last_check_ns < options_.recheck_interval_ns) {
    return std::nullopt;
  }
  entry.last_check_ns = now;
  if (entry.returned && !entry.state_missing &&
      now - entry.last_read_ns < options_.reread_interval_ns &&
      Stamps(entry.sources) == entry.stamps) {
    return std::nullopt;
  }

  Result<ContainerState> state = ReadState(entry);
  store::ContainerRecord record;
  if (state.ok()) {
    entry.last_read_ns = now;
    entry.state_missing = false;
    record = std::move(state->record);
    entry.sources = std::move(state->sources);
    entry.stamps = Stamps(entry.sources);
  } else {
    // No state (yet: runc writes state.json after the container's first process exists, or
    // any more): retry at the next recheck. Once a record went out, a vanished state
    // directory is not news.
    entry.state_missing = true;
    if (entry.returned) return std::nullopt;
    record.id = id;
    record.runtime = entry.match.runtime;
    entry.sources.clear();
    entry.stamps.clear();
  }
  // The path the id was taken from beats the runtime's own notion of it.
  if (!entry.cgroup_path.empty()) record.cgroup_path = entry.cgroup_path;
  if (record.pod_uid.empty()) record.pod_uid = entry.match.pod_uid;
  if (record.runtime.empty()) record.runtime = entry.match.runtime;
  if (entry.returned && record == entry.last) return std::nullopt;
  entry.last = record;
  entry.returned = true;
  record.observed_ns = now;
  return record;
}

}  // namespace amber::record
