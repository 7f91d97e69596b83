// containerd's state for a task: the shim's bundle directory
// /run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>/ holding config.json (OCI) and
// init.pid. Image and labels live in containerd's bolt database (meta.db), which the recorder
// does not read; under Kubernetes the CRI plugin copies what matters into annotations
// (io.kubernetes.cri.container-name, sandbox-name, sandbox-namespace, sandbox-uid, image-name).
#include <dirent.h>

#include <algorithm>

#include "record/container_id.h"
#include "record/container_runtimes.h"
#include "record/oci_config.h"
#include "record/proc_parse.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

constexpr size_t kMaxNamespaces = 64;

Result<ContainerState> ReadBundle(const ContainerStateRoots& roots, const std::string& ns,
                                  const std::string& id) {
  std::string bundle = roots.containerd_tasks + "/" + ns + "/" + id;
  ContainerState out;
  out.sources = {bundle + "/config.json", bundle + "/init.pid"};
  Result<OciConfig> config = ReadOciConfig(bundle);
  if (!config.ok()) return config.status();
  store::ContainerRecord& r = out.record;
  r.id = id;
  r.runtime = ns == "moby" ? "docker" : "containerd";
  r.bundle = bundle;
  ApplyOciConfig(*config, &r);
  r.labels.emplace_back("io.containerd.namespace", ns);
  std::sort(r.labels.begin(), r.labels.end());
  Result<std::string> pid_text = ReadStateFile(bundle + "/init.pid", 32);
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

}  // namespace

Result<ContainerState> ReadContainerdContainer(const ContainerStateRoots& roots,
                                               const std::string& ns, const std::string& id) {
  if (!IsSafeContainerName(id)) return Status::NotFound("containerd id " + id + ": not a name");
  if (!ns.empty()) {
    if (!IsSafeContainerName(ns)) return Status::NotFound("containerd namespace " + ns + ": bad");
    return ReadBundle(roots, ns, id);
  }
  DIR* dir = opendir(roots.containerd_tasks.c_str());
  if (dir == nullptr) return Status::NotFound("containerd task root " + roots.containerd_tasks);
  std::vector<std::string> namespaces;
  while (dirent* entry = readdir(dir)) {
    if (IsSafeContainerName(entry->d_name) && namespaces.size() < kMaxNamespaces) {
      namespaces.emplace_back(entry->d_name);
    }
  }
  closedir(dir);
  std::sort(namespaces.begin(), namespaces.end());
  for (const std::string& name : namespaces) {
    Result<ContainerState> state = ReadBundle(roots, name, id);
    if (state.ok() || state.status().code() != StatusCode::kNotFound) return state;
  }
  return Status::NotFound("containerd container " + id + ": no task bundle");
}

}  // namespace amber::record
