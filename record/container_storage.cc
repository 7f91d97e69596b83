// containers/storage, shared by CRI-O and podman: each container's OCI bundle lives at
// <root>/overlay-containers/<id>/userdata/ with config.json and a pidfile (conmon writes it).
// Runtime root first (/run/containers/storage), then the graph root (/var/lib/containers/storage).
// CRI-O annotates the spec (io.kubernetes.cri-o.*: ContainerName, ImageName, ImageRef, Labels);
// podman annotates it with io.podman.annotations.* and io.container.manager=libpod.
#include <algorithm>

#include "record/container_id.h"
#include "record/container_runtimes.h"
#include "record/oci_config.h"
#include "record/proc_parse.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

bool HasKeyPrefix(const store::KeyValues& kv, std::string_view prefix) {
  return std::any_of(kv.begin(), kv.end(), [&](const auto& p) {
    return std::string_view(p.first).substr(0, prefix.size()) == prefix;
  });
}

}  // namespace

Result<ContainerState> ReadStorageContainer(const ContainerStateRoots& roots,
                                            const std::string& id,
                                            const std::string& runtime_hint) {
  if (!IsHexId(id)) return Status::NotFound("container " + id + ": not a storage id");
  for (const std::string& root : roots.container_storage) {
    std::string bundle = root + "/overlay-containers/" + id + "/userdata";
    Result<OciConfig> config = ReadOciConfig(bundle);
    if (!config.ok()) {
      if (config.status().code() == StatusCode::kNotFound) continue;
      return config.status();
    }
    ContainerState out;
    out.sources = {bundle + "/config.json", bundle + "/pidfile"};
    store::ContainerRecord& r = out.record;
    r.id = id;
    r.bundle = bundle;
    ApplyOciConfig(*config, &r);
    r.runtime = runtime_hint;
    if (r.runtime.empty()) {
      r.runtime = HasKeyPrefix(r.annotations, "io.kubernetes.cri-o.") ? "cri-o" : "podman";
    }
    for (const auto& [key, value] : r.annotations) {
      if (key == "io.kubernetes.cri-o.ContainerName" && r.name.empty()) r.name = value;
    }
    Result<std::string> pid_text = ReadStateFile(bundle + "/pidfile", 32);
    uint64_t pid = 0;
    if (pid_text.ok()) {
      std::string_view text = *pid_text;
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
      if (ParseDecimal(text, &pid) && pid <= 0xffffffffu) r.init_pid = static_cast<uint32_t>(pid);
    }
    r.status = ProcessLive(roots.proc, r.init_pid, 0) ? "running" : "stopped";
    if (r.name.empty()) r.name = id;
    return out;
  }
  return Status::NotFound("container " + id + ": not in containers/storage");
}

}  // namespace amber::record
