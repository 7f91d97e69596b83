#include "record/containers_only.h"

#include <utility>

namespace amber::record {

ContainersOnlyFilter::ContainersOnlyFilter(ContainersOnlyOptions options, Classify classify,
                                           Emit emit, TellKernel tell_kernel)
    : options_(options),
      classify_(std::move(classify)),
      emit_(std::move(emit)),
      tell_kernel_(std::move(tell_kernel)) {}

bool ContainersOnlyFilter::Decide(uint64_t key, Cgroup& c, uint64_t now_ns, bool force) {
  if (c.verdict != Verdict::kPending) return false;
  Verdict verdict = Verdict::kPending;
  if (c.path.empty() || c.path == "/") {
    verdict = Verdict::kHost;
  } else if (classify_(c.path).has_value()) {
    verdict = Verdict::kContainer;
  } else if (force || now_ns - c.first_seen_ns >= options_.grace_ns) {
    verdict = Verdict::kHost;
  }
  if (verdict == Verdict::kPending) return true;
  c.verdict = verdict;
  pending_--;
  held_events_ -= c.held.size();
  if (verdict == Verdict::kContainer) {
    for (store::Event& e : c.held) emit_(e);
  } else {
    dropped_ += c.held.size();
    tell_kernel_(key);
  }
  std::vector<store::Event>().swap(c.held);
  return false;
}

void ContainersOnlyFilter::DecideAll(uint64_t now_ns, bool force) {
  if (pending_ == 0) return;
  for (auto& [key, c] : cgroups_) Decide(key, c, now_ns, force);
}

void ContainersOnlyFilter::Offer(uint64_t cgroup_key, store::Event&& event, uint64_t now_ns) {
  auto it = cgroups_.find(cgroup_key);
  if (it == cgroups_.end()) {
    if (cgroups_.size() >= options_.max_cgroups) {
      // Forget the decided cgroups: a host one still sending events (the kernel map full, or
      // events queued behind its entry) is met again as new and decided again.
      for (auto jt = cgroups_.begin(); jt != cgroups_.end();) {
        jt = jt->second.verdict == Verdict::kPending ? std::next(jt) : cgroups_.erase(jt);
      }
    }
    Cgroup c;
    c.first_seen_ns = now_ns;
    c.path = event.context.cgroup_path;
    it = cgroups_.emplace(cgroup_key, std::move(c)).first;
    pending_++;
  }
  Cgroup& c = it->second;
  if (c.verdict == Verdict::kPending) Decide(cgroup_key, c, now_ns, false);
  switch (c.verdict) {
    case Verdict::kContainer:
      emit_(event);
      return;
    case Verdict::kHost:
      dropped_++;
      return;
    case Verdict::kPending:
      c.held.push_back(std::move(event));
      if (++held_events_ > options_.max_held_events) DecideAll(now_ns, true);
      return;
  }
}

void ContainersOnlyFilter::Tick(uint64_t now_ns) { DecideAll(now_ns, false); }

void ContainersOnlyFilter::Finish(uint64_t now_ns) { DecideAll(now_ns, true); }

}  // namespace amber::record
