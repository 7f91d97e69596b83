// The OCI runtime spec's config.json (opencontainers/runtime-spec config.md), as the container
// readers need it: annotations, hostname, mounts, effective capabilities, namespaces, devices.
//
// Shared by runc, containerd, docker (its containerd "moby" bundle) and CRI-O/podman readers,
// which all hand runc an OCI bundle. ApplyOciConfig() maps well-known annotations onto the record
// (Kubernetes pod and container names from CRI-containerd, CRI-O and dockershim).
//
// Privileged rule (config-based, documented because the runtimes' own flag is not in the bundle):
// a container is privileged when any of
//   (a) its effective capabilities include every capability up to CAP_AUDIT_READ (what
//       `docker run --privileged` and Kubernetes privileged: true grant on any runtime version),
//   (b) its device cgroup allows every device ("a *:* rwm": allow true with no type, or type "a",
//       and no major/minor),
//   (c) it has no user namespace and holds CAP_SYS_ADMIN (root in the host user namespace with
//       SYS_ADMIN can mount, and so escape).
// Free functions, no state.
#ifndef AMBER_RECORD_OCI_CONFIG_H_
#define AMBER_RECORD_OCI_CONFIG_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "store/records.h"

namespace amber::record {

// config.json is tens of KiB in practice; Kubernetes annotations can add some.
inline constexpr size_t kMaxOciConfigBytes = 4 * 1024 * 1024;

struct OciConfig {
  store::KeyValues annotations;  // sorted by key
  std::string hostname;
  std::vector<std::string> args;
  std::vector<store::MountRecord> mounts;
  std::vector<std::string> capabilities;  // process.capabilities.effective
  store::KeyValues namespaces;            // linux.namespaces: type -> path ("" = new)
  std::string cgroups_path;               // linux.cgroupsPath
  bool all_devices_allowed = false;
  bool privileged = false;  // by the rule above
};

// Corruption when the document is not an object; absent or mistyped members are left empty.
Result<OciConfig> ParseOciConfig(const nlohmann::json& config);
// <bundle>/config.json, read with the state-file limits.
Result<OciConfig> ReadOciConfig(const std::string& bundle);

// Fills annotations, mounts, capabilities, namespaces, privileged, and the fields that
// well-known annotations carry (name, image, image digest, labels, pod name/namespace/uid),
// without overwriting non-empty fields the runtime's own state already set.
void ApplyOciConfig(const OciConfig& config, store::ContainerRecord* record);

}  // namespace amber::record

#endif  // AMBER_RECORD_OCI_CONFIG_H_
