// Readers of container runtimes' own state on disk, one file per runtime:
//   record/container_runc.cc        /run/runc/<id>/state.json, then <bundle>/config.json
//   record/container_docker.cc      /var/lib/docker/containers/<id>/{config.v2.json,hostconfig.json}
//                                   plus its containerd bundle (namespace "moby") when present
//   record/container_containerd.cc  /run/containerd/io.containerd.runtime.v2.task/<ns>/<id>/
//                                   {config.json,init.pid}
//   record/container_storage.cc     containers/storage, shared by CRI-O and podman:
//                                   <root>/overlay-containers/<id>/userdata/{config.json,pidfile}
// Each returns the record it could build and the files it read, so ContainerResolver re-reads
// only when one of them changes. NotFound means "not this runtime's container". Every file is
// hostile input, read through record/state_file.h's limits. Free functions, no state.
#ifndef AMBER_RECORD_CONTAINER_RUNTIMES_H_
#define AMBER_RECORD_CONTAINER_RUNTIMES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "record/state_file.h"
#include "store/records.h"

namespace amber::record {

// Where each runtime keeps its state; tests point these at tests/record/testdata.
struct ContainerStateRoots {
  std::string runc = "/run/runc";
  std::string docker = "/var/lib/docker";
  // Docker's per-container OCI bundles: its own containerd, then a system containerd.
  std::vector<std::string> docker_bundles = {
      "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby",
      "/run/containerd/io.containerd.runtime.v2.task/moby"};
  std::string containerd_tasks = "/run/containerd/io.containerd.runtime.v2.task";
  std::vector<std::string> container_storage = {"/run/containers/storage",
                                                "/var/lib/containers/storage"};
  std::string proc = "/proc";
  std::string cgroup = "/sys/fs/cgroup";
};

struct ContainerState {
  store::ContainerRecord record;  // observed_ns left 0: the resolver stamps it
  std::vector<std::string> sources;  // files read; a change in any means "read again"
};

Result<ContainerState> ReadRuncContainer(const ContainerStateRoots& roots, const std::string& id);
Result<ContainerState> ReadDockerContainer(const ContainerStateRoots& roots,
                                           const std::string& id);
// An empty `ns` searches every containerd namespace directory (at most 64).
Result<ContainerState> ReadContainerdContainer(const ContainerStateRoots& roots,
                                               const std::string& ns, const std::string& id);
// runtime_hint "cri-o" or "podman" names the result; empty guesses from the annotations.
Result<ContainerState> ReadStorageContainer(const ContainerStateRoots& roots,
                                            const std::string& id,
                                            const std::string& runtime_hint);

// Every runc container's cgroup paths (relative to the hierarchy roots, as /proc/PID/cgroup
// shows them) paired with its id, read from each state.json under roots.runc (at most 4096).
struct RuncIndex {
  std::vector<std::pair<std::string, std::string>> paths;  // cgroup path, runc id
  // A container directory had no readable state.json yet (runc writes it after mkdir): the
  // caller should rebuild soon even if the directory's mtime does not change again.
  bool incomplete = false;
};
RuncIndex RuncCgroupIndex(const ContainerStateRoots& roots);

// What the runc root holds, cheaply: each container directory's name with the stamp of its
// state.json (not existing while runc is still creating it), sorted by name. When it differs from
// the last one seen, the index above is stale. The root directory's own mtime is not enough: it
// was seen here to stay the same across a container's creation, leaving a new container
// unattributed until the next unrelated change.
std::vector<std::pair<std::string, FileStamp>> RuncRootSignature(const ContainerStateRoots& roots);

// True when <proc>/<pid> exists, is not a zombie, and, when start_ticks is not 0, started at
// that clock tick (so a reused pid does not count).
bool ProcessLive(const std::string& proc_root, uint32_t pid, uint64_t start_ticks);

}  // namespace amber::record

#endif  // AMBER_RECORD_CONTAINER_RUNTIMES_H_
