// ContainersOnlyFilter: --containers-only, decided by cgroup. A task belongs to a container when
// the cgroup that names its container (record/cgroup_path.h's rule; the kernel side computes the
// same choice as a cgroup key, bpf/common.bpf.h task_cgroup_key) is one the container resolver
// claims. Everything else is the host: the root cgroup, and every cgroup no runtime claims.
//
// The kernel cannot tell a container's cgroup from a host one, so it drops only the events of
// cgroups user space has told it are the host's (map amber_host_cgroups) and passes unknown ones
// through. This class decides each cgroup it meets: a container as soon as the resolver claims it
// (its events are written from then on), the host at once for the root, and the host for any other
// cgroup once `grace_ns` passed since its first event without a claim. The grace exists for plain
// runc: a new container's first events (runc init setting it up) come before runc writes the
// state.json that names its cgroup. While a cgroup is undecided its events are held here, then
// written (container) or dropped (host); the host's cgroup key goes to `tell_kernel`, and the
// events already in the ring buffer behind it are dropped here.
//
// Bounds: at most max_held_events events held over all cgroups (past it, every undecided cgroup is
// decided at once with what the resolver knows then) and max_cgroups verdicts remembered (past
// it, the decided ones are forgotten and met again as new). Single-threaded, owned by the
// recorder's consumer loop.
#ifndef AMBER_RECORD_CONTAINERS_ONLY_H_
#define AMBER_RECORD_CONTAINERS_ONLY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/records.h"

namespace amber::record {

struct ContainersOnlyOptions {
  uint64_t grace_ns = 2'000'000'000;
  size_t max_held_events = 16384;
  size_t max_cgroups = 65536;
};

class ContainersOnlyFilter {
 public:
  // The container id of a cgroup path, nullopt for the host (ContainerResolver::ContainerIdFor).
  using Classify = std::function<std::optional<std::string>(std::string_view cgroup_path)>;
  // Receives every event kept, in the order offered within each cgroup.
  using Emit = std::function<void(store::Event& event)>;
  // Told each cgroup key decided to be the host's, once.
  using TellKernel = std::function<void(uint64_t cgroup_key)>;

  ContainersOnlyFilter(ContainersOnlyOptions options, Classify classify, Emit emit,
                       TellKernel tell_kernel);

  // An event of the cgroup `cgroup_key` (Decoder::cgroup_key()) seen at boot-time `now_ns`:
  // emitted now, held, or dropped. Its context's cgroup_path names the cgroup.
  void Offer(uint64_t cgroup_key, store::Event&& event, uint64_t now_ns);
  // Decides the undecided cgroups whose grace has passed; call it on a timer.
  void Tick(uint64_t now_ns);
  // At the end of a recording: decides every undecided cgroup with what is known now.
  void Finish(uint64_t now_ns);

  uint64_t dropped() const { return dropped_; }  // host events dropped here
  size_t held() const { return held_events_; }

 private:
  enum class Verdict { kPending, kContainer, kHost };
  struct Cgroup {
    Verdict verdict = Verdict::kPending;
    uint64_t first_seen_ns = 0;
    std::string path;
    std::vector<store::Event> held;
  };

  // Decides `c` if it can: a claim makes it a container (its held events are emitted), the root
  // or (`force` or the grace passed) the host. Returns whether it is still pending.
  bool Decide(uint64_t key, Cgroup& c, uint64_t now_ns, bool force);
  void DecideAll(uint64_t now_ns, bool force);

  ContainersOnlyOptions options_;
  Classify classify_;
  Emit emit_;
  TellKernel tell_kernel_;
  std::unordered_map<uint64_t, Cgroup> cgroups_;
  size_t pending_ = 0;
  size_t held_events_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace amber::record

#endif  // AMBER_RECORD_CONTAINERS_ONLY_H_
