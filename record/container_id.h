// Cgroup path to container id: the path shapes that container runtimes create.
//
// Recognised shapes (innermost match wins, so docker-in-docker names the inner container):
//   docker      /docker/<64hex>                 /system.slice/docker-<64hex>.scope
//   containerd  /<namespace>/<64hex>            .../cri-containerd-<64hex>.scope
//               .../<slice>:cri-containerd:<64hex>  (systemd driver seen through cgroupfs)
//   cri-o       .../crio-<64hex>.scope           (crio-conmon-* is the monitor: no match)
//   podman      .../libpod-<64hex>.scope[/container]   /libpod_parent/libpod-<64hex>
//   runc        .../runc-<name>.scope            (systemd driver's default)
//   Kubernetes  /kubepods[/<qos>]/pod<uid>/<64hex>  (runtime unknown from the path: "")
//               /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_>.slice/<scope>
//               (pod uid returned with '_' turned back into '-')
// Plain runc's default path (the caller's cgroup + "/<name>", or any cgroupsPath given in
// config.json) cannot be told from the path alone: ContainerResolver matches it against runc's
// state directory. Paths over kMaxCgroupPathBytes, not absolute, or holding NUL never match.
// Pure functions, no state.
#ifndef AMBER_RECORD_CONTAINER_ID_H_
#define AMBER_RECORD_CONTAINER_ID_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace amber::record {

inline constexpr size_t kMaxCgroupPathBytes = 4096;

struct CgroupContainerMatch {
  // "docker", "containerd", "cri-o", "podman", "runc", or "" when the shape names a container but
  // not its runtime (Kubernetes cgroupfs paths, bare 64-hex ids).
  std::string runtime;
  std::string id;
  std::string pod_uid;               // Kubernetes pod uid, or empty
  std::string containerd_namespace;  // the <namespace> of /<namespace>/<id>, or empty
  friend bool operator==(const CgroupContainerMatch&, const CgroupContainerMatch&) = default;
};

std::optional<CgroupContainerMatch> MatchContainerCgroup(std::string_view cgroup_path);

// 64 lowercase hex digits, the id form of docker, containerd, CRI-O and podman.
bool IsHexId(std::string_view text);

// runc's rule for container ids (^[\w+-\.]+$, not "." or ".."), at most 1024 bytes: safe to use
// as one file name under a state directory.
bool IsSafeContainerName(std::string_view name);

}  // namespace amber::record

#endif  // AMBER_RECORD_CONTAINER_ID_H_
