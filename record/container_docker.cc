// Docker's state: /var/lib/docker/containers/<id>/config.v2.json (the daemon's Container
// struct) and hostconfig.json, plus the OCI bundle docker hands containerd (namespace "moby")
// when it is on this host. Fields used:
//   config.v2.json  Name ("/web"), Config.Image, Image (image id "sha256:..."; docker's id is the
//                   image config digest, which is what image_digest carries here), Config.Labels,
//                   State (Running, Paused, Restarting, Dead, Pid, StartedAt), MountPoints.
//   hostconfig.json Privileged, CapAdd, CapDrop.
// Without a bundle, capabilities are docker's default set with CapAdd/CapDrop applied.
#include <algorithm>

#include "record/container_id.h"
#include "record/container_runtimes.h"
#include "record/oci_config.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

// config.v2.json carries network settings and mount specs; a few hundred KiB at most.
constexpr size_t kMaxDockerStateBytes = 4 * 1024 * 1024;

// moby/oci/caps/defaults.go
constexpr const char* kDockerDefaultCaps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",     "CAP_FOWNER",           "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",     "CAP_SETFCAP",          "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};

std::string CapName(std::string cap) {
  for (char& c : cap) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return cap.compare(0, 4, "CAP_") == 0 || cap == "ALL" ? cap : "CAP_" + cap;
}

std::vector<std::string> DockerCaps(const nlohmann::json& host_config) {
  std::vector<std::string> caps(std::begin(kDockerDefaultCaps), std::end(kDockerDefaultCaps));
  for (std::string drop : StringListAt(host_config, "CapDrop")) {
    drop = CapName(drop);
    if (drop == "ALL") caps.clear();
    caps.erase(std::remove(caps.begin(), caps.end(), drop), caps.end());
  }
  for (std::string add : StringListAt(host_config, "CapAdd")) {
    add = CapName(add);
    if (std::find(caps.begin(), caps.end(), add) == caps.end()) caps.push_back(add);
  }
  std::sort(caps.begin(), caps.end());
  return caps;
}

std::string DockerStatus(const nlohmann::json& state) {
  if (BoolAt(state, "Dead")) return "dead";
  if (BoolAt(state, "Restarting")) return "restarting";
  if (BoolAt(state, "Running")) return BoolAt(state, "Paused") ? "paused" : "running";
  std::string started = StringAt(state, "StartedAt");
  return started.empty() || started.compare(0, 4, "0001") == 0 ? "created" : "exited";
}

}  // namespace

Result<ContainerState> ReadDockerContainer(const ContainerStateRoots& roots,
                                           const std::string& id) {
  if (!IsHexId(id)) return Status::NotFound("docker container " + id + ": not a docker id");
  std::string dir = roots.docker + "/containers/" + id;
  ContainerState out;
  out.sources = {dir + "/config.v2.json", dir + "/hostconfig.json"};
  Result<nlohmann::json> config = ReadJsonFile(dir + "/config.v2.json", kMaxDockerStateBytes);
  if (!config.ok()) return config.status();
  if (!config->is_object()) return Status::Corruption("read " + dir + "/config.v2.json: not an object");

  store::ContainerRecord& r = out.record;
  r.id = id;
  r.runtime = "docker";
  r.name = StringAt(*config, "Name");
  if (!r.name.empty() && r.name[0] == '/') r.name.erase(0, 1);
  r.image_digest = StringAt(*config, "Image");
  if (const nlohmann::json* c = Member(*config, "Config")) {
    r.image = StringAt(*c, "Image");
    r.labels = StringMapAt(*c, "Labels");
  }
  if (const nlohmann::json* state = Member(*config, "State")) {
    uint64_t pid = UintAt(*state, "Pid").value_or(0);
    if (pid <= 0xffffffffu) r.init_pid = static_cast<uint32_t>(pid);
    r.status = DockerStatus(*state);
  }
  if (const nlohmann::json* mounts = Member(*config, "MountPoints"); mounts && mounts->is_object()) {
    for (auto it = mounts->begin(); it != mounts->end(); ++it) {
      const nlohmann::json& m = it.value();
      if (!m.is_object()) continue;
      store::MountRecord mount;
      mount.source = StringAt(m, "Source");
      mount.destination = StringAt(m, "Destination");
      if (mount.destination.empty()) mount.destination = it.key();
      mount.type = StringAt(m, "Type");
      mount.options.push_back(BoolAt(m, "RW") ? "rw" : "ro");
      std::string propagation = StringAt(m, "Propagation");
      if (!propagation.empty()) mount.options.push_back(propagation);
      r.mounts.push_back(std::move(mount));
    }
  }
  Result<nlohmann::json> host = ReadJsonFile(dir + "/hostconfig.json", kMaxDockerStateBytes);
  if (host.ok()) {
    r.privileged = BoolAt(*host, "Privileged");
    r.capabilities = DockerCaps(*host);
  }
  // Kubernetes via dockershim puts the pod identity in labels.
  for (const auto& [key, value] : r.labels) {
    if (key == "io.kubernetes.pod.name") r.pod_name = value;
    if (key == "io.kubernetes.pod.namespace") r.pod_namespace = value;
    if (key == "io.kubernetes.pod.uid") r.pod_uid = value;
  }
  for (const std::string& bundles : roots.docker_bundles) {
    std::string bundle = bundles + "/" + id;
    Result<OciConfig> oci = ReadOciConfig(bundle);
    if (!oci.ok()) continue;
    out.sources.push_back(bundle + "/config.json");
    r.bundle = bundle;
    // Docker's MountPoints name volumes by their host source; keep those, take the rest.
    std::vector<store::MountRecord> docker_mounts = std::move(r.mounts);
    bool privileged = r.privileged;
    ApplyOciConfig(*oci, &r);
    if (!docker_mounts.empty()) r.mounts = std::move(docker_mounts);
    r.privileged = privileged || oci->privileged;
    break;
  }
  return out;
}

}  // namespace amber::record
