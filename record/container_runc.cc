// runc's state: /run/runc/<id>/state.json (libcontainer's State, written by `runc create`),
// then the OCI bundle it names. Fields used:
//   init_process_pid, init_process_start (clock ticks, as /proc/PID/stat field 22), created,
//   config.labels ("bundle=<dir>" and the annotations as "key=value"), config.cgroups.path,
//   cgroup_paths (controller -> absolute directory; "" is the v2 hierarchy).
// Status follows runc's own rule: exec.fifo present -> created; init alive -> running; else
// stopped. (runc also reports "paused" from the freezer; a frozen container reads "running".)
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include "record/cgroup_path.h"
#include "record/container_id.h"
#include "record/container_runtimes.h"
#include "record/oci_config.h"
#include "record/proc_files.h"
#include "record/proc_parse.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

// A state.json is ~6 KiB; hooks and many mounts grow it, never to a MiB.
constexpr size_t kMaxRuncStateBytes = 1024 * 1024;
constexpr size_t kMaxRuncContainers = 4096;

// "/sys/fs/cgroup/pids/x/y" -> "/x/y" for a v1 controller; for the v2 key "", drop "unified"
// on hybrid hosts and nothing on pure-v2 hosts.
std::string RelativeCgroupPath(const std::string& root, const std::string& controller,
                               const std::string& absolute) {
  if (absolute.size() <= root.size() || absolute.compare(0, root.size(), root) != 0 ||
      absolute[root.size()] != '/') {
    return "";
  }
  std::string_view rest = std::string_view(absolute).substr(root.size());  // "/pids/x/y"
  size_t next = rest.find('/', 1);
  std::string_view first = rest.substr(1, next == std::string_view::npos ? rest.npos : next - 1);
  if (controller.empty() && first != "unified") return std::string(rest);
  if (next == std::string_view::npos) return "/";
  return std::string(rest.substr(next));
}

std::string PreferredCgroupPath(const ContainerStateRoots& roots, const nlohmann::json& state) {
  const nlohmann::json* paths = Member(state, "cgroup_paths");
  if (paths == nullptr || !paths->is_object()) return "";
  for (std::string_view controller : kPreferredControllers) {
    std::string absolute = StringAt(*paths, controller);
    if (!absolute.empty()) {
      std::string rel = RelativeCgroupPath(roots.cgroup, std::string(controller), absolute);
      if (!rel.empty()) return rel;
    }
  }
  std::string unified = StringAt(*paths, "");
  return unified.empty() ? "" : RelativeCgroupPath(roots.cgroup, "", unified);
}

std::string BundleOf(const nlohmann::json& state) {
  const nlohmann::json* config = Member(state, "config");
  if (config == nullptr) return "";
  for (const std::string& label : StringListAt(*config, "labels")) {
    if (label.compare(0, 7, "bundle=") == 0) return label.substr(7);
  }
  return "";
}

}  // namespace

bool ProcessLive(const std::string& proc_root, uint32_t pid, uint64_t start_ticks) {
  if (pid == 0) return false;
  Fd dir(open((proc_root + "/" + std::to_string(pid)).c_str(),
              O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return false;
  Result<BoundedRead> text = ReadFileAt(dir.get(), "stat", 4096);
  if (!text.ok()) return false;
  Result<ProcStat> stat = ParseProcStat(text->bytes);
  if (!stat.ok() || stat->state == 'Z' || stat->state == 'X') return false;
  return start_ticks == 0 || stat->start_ticks == start_ticks;
}

Result<ContainerState> ReadRuncContainer(const ContainerStateRoots& roots, const std::string& id) {
  if (!IsSafeContainerName(id)) return Status::InvalidArgument("runc id " + id + ": not a name");
  std::string dir = roots.runc + "/" + id;
  ContainerState out;
  out.sources.push_back(dir + "/state.json");
  Result<nlohmann::json> state = ReadJsonFile(dir + "/state.json", kMaxRuncStateBytes);
  if (!state.ok()) return state.status();
  if (!state->is_object()) return Status::Corruption("read " + dir + "/state.json: not an object");

  store::ContainerRecord& r = out.record;
  r.id = id;
  r.runtime = "runc";
  uint64_t pid = UintAt(*state, "init_process_pid").value_or(0);
  if (pid <= 0xffffffffu) r.init_pid = static_cast<uint32_t>(pid);
  uint64_t start_ticks = UintAt(*state, "init_process_start").value_or(0);
  r.cgroup_path = PreferredCgroupPath(roots, *state);
  r.bundle = BundleOf(*state);
  struct stat st {};
  if (lstat((dir + "/exec.fifo").c_str(), &st) == 0) {
    r.status = "created";
  } else {
    r.status = ProcessLive(roots.proc, r.init_pid, start_ticks) ? "running" : "stopped";
  }
  if (!r.bundle.empty()) {
    out.sources.push_back(r.bundle + "/config.json");
    Result<OciConfig> config = ReadOciConfig(r.bundle);
    // A bundle deleted after start is normal (runc needs it only to create); keep the state.
    if (config.ok()) ApplyOciConfig(*config, &r);
  }
  if (r.name.empty()) r.name = id;
  return out;
}

namespace {

// The container directories under the runc root, sorted; at most kMaxRuncContainers.
std::vector<std::string> RuncIds(const ContainerStateRoots& roots) {
  std::vector<std::string> ids;
  DIR* dir = opendir(roots.runc.c_str());
  if (dir == nullptr) return ids;
  while (dirent* entry = readdir(dir)) {
    if (IsSafeContainerName(entry->d_name) && ids.size() < kMaxRuncContainers) {
      ids.emplace_back(entry->d_name);
    }
  }
  closedir(dir);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::vector<std::pair<std::string, FileStamp>> RuncRootSignature(const ContainerStateRoots& roots) {
  std::vector<std::pair<std::string, FileStamp>> signature;
  for (std::string& id : RuncIds(roots)) {
    FileStamp stamp = StampOf(roots.runc + "/" + id + "/state.json");
    signature.emplace_back(std::move(id), stamp);
  }
  return signature;
}

RuncIndex RuncCgroupIndex(const ContainerStateRoots& roots) {
  RuncIndex index;
  for (const std::string& id : RuncIds(roots)) {
    Result<nlohmann::json> state =
        ReadJsonFile(roots.runc + "/" + id + "/state.json", kMaxRuncStateBytes);
    if (!state.ok()) {
      index.incomplete = true;
      continue;
    }
    std::vector<std::string> paths;
    if (const nlohmann::json* cg = Member(*state, "cgroup_paths"); cg && cg->is_object()) {
      for (auto it = cg->begin(); it != cg->end(); ++it) {
        if (!it.value().is_string()) continue;
        std::string rel = RelativeCgroupPath(roots.cgroup, it.key(), it.value().get<std::string>());
        if (!rel.empty() && rel != "/") paths.push_back(std::move(rel));
      }
    }
    if (const nlohmann::json* config = Member(*state, "config")) {
      if (const nlohmann::json* cgroups = Member(*config, "cgroups")) {
        std::string path = StringAt(*cgroups, "path");
        if (!path.empty() && path[0] == '/' && path != "/") paths.push_back(path);
      }
    }
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    for (std::string& path : paths) index.paths.emplace_back(std::move(path), id);
  }
  return index;
}

}  // namespace amber::record
