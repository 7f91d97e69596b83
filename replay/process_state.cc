#include "replay/process_state.h"

#include <algorithm>
#include <random>

namespace amber::replay {

namespace {

constexpr uint64_t kCloneThread = 0x00010000;  // CLONE_THREAD
// /proc gives a process's start time in clock ticks (USER_HZ = 100), truncated; the kernel's
// events carry it exact. A snapshot process and its events meet within one tick.
constexpr uint64_t kProcTickNs = 10'000'000;

// The first `count` nodes of the chain starting at `first`, as new nodes.
std::shared_ptr<AncestryNode> CopyChain(const AncestryNode& first, size_t count) {
  auto head = std::make_shared<AncestryNode>(first.id);
  AncestryNode* tail = head.get();
  for (const AncestryNode* n = first.up.get(); n != nullptr && --count > 0; n = n->up.get()) {
    tail->up = std::make_shared<AncestryNode>(n->id);
    tail = tail->up.get();
  }
  return head;
}

}  // namespace

AncestryNode::~AncestryNode() {
  std::shared_ptr<AncestryNode> next = std::move(up);
  // Each node this one was the last owner of is released with its own link already taken.
  while (next != nullptr && next.use_count() == 1) next = std::move(next->up);
}

ProcessState::IncarnationMap::IncarnationMap() : slots_(64) {
  std::random_device random;
  for (uint64_t& word : seed_) word = (uint64_t{random()} << 32) ^ random();
}

uint64_t ProcessState::IncarnationMap::Hash(const Key& key) const {
  // A multiply-mix after wyhash: the 128-bit product of the seeded halves, folded.
  __extension__ using U128 = unsigned __int128;
  U128 m = static_cast<U128>(key.start ^ seed_[0]) * (key.pid ^ seed_[1] ^ 0x9e3779b97f4a7c15ull);
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

size_t ProcessState::IncarnationMap::FindSlot(const Key& key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].row != nullptr && !(slots_[i].hash == hash && slots_[i].key == key)) {
    i = (i + 1) & mask;
  }
  return i;
}

ProcessRow* ProcessState::IncarnationMap::Find(const Key& key) const {
  return slots_[FindSlot(key, Hash(key))].row.get();
}

std::unique_ptr<ProcessRow> ProcessState::IncarnationMap::Put(const Key& key,
                                                              std::unique_ptr<ProcessRow> row) {
  if ((count_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t hash = Hash(key);
  Slot& slot = slots_[FindSlot(key, hash)];
  std::unique_ptr<ProcessRow> old = std::move(slot.row);
  if (old == nullptr) ++count_;
  slot.key = key;
  slot.hash = hash;
  slot.row = std::move(row);
  return old;
}

std::unique_ptr<ProcessRow> ProcessState::IncarnationMap::Take(const Key& key) {
  const size_t mask = slots_.size() - 1;
  size_t i = FindSlot(key, Hash(key));
  std::unique_ptr<ProcessRow> taken = std::move(slots_[i].row);
  if (taken == nullptr) return nullptr;
  --count_;
  // Backward shift: move up every following entry of the run whose home is not in (i, j].
  for (size_t j = (i + 1) & mask; slots_[j].row != nullptr; j = (j + 1) & mask) {
    size_t home = slots_[j].hash & mask;
    bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = std::move(slots_[j]);
    i = j;
  }
  return taken;
}

void ProcessState::IncarnationMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_ = std::vector<Slot>(old.size() * 2);
  const size_t mask = slots_.size() - 1;
  for (Slot& slot : old) {
    if (slot.row == nullptr) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].row != nullptr) i = (i + 1) & mask;
    slots_[i] = std::move(slot);
  }
}

void ProcessState::IncarnationMap::Clear() {
  for (Slot& slot : slots_) slot.row.reset();
  count_ = 0;
}

void ProcessState::SetCapture(int64_t capture_id, int64_t clock_offset_ns) {
  capture_id_ = capture_id;
  clock_offset_ns_ = clock_offset_ns;
}

ProcessRow* ProcessState::Create(uint32_t pid, uint64_t start, const std::string& origin,
                                 uint64_t seen_ns) {
  auto row = std::make_unique<ProcessRow>();
  row->id = (*next_id_)++;
  row->host_id = host_id_;
  row->capture_id = capture_id_;
  row->clock_offset_ns = clock_offset_ns_;
  row->pid = pid;
  row->start_boot_ns = start;
  row->origin = origin;
  row->first_seen_boot_ns = seen_ns;
  row->last_seen_boot_ns = seen_ns;
  row->node = std::make_shared<AncestryNode>(row->id);
  ProcessRow* raw = row.get();
  // The same key again after its row was retired and written (an event later than the grace
  // window): the old row is already in the sink; keep the new one.
  std::unique_ptr<ProcessRow> replaced = by_key_.Put(Key{pid, start}, std::move(row));
  if (replaced != nullptr && last_ == replaced.get()) last_ = nullptr;
  by_pid_[pid] = raw;
  threads_.erase(pid);
  return raw;
}

bool ProcessState::LinkParent(ProcessRow* row, const ProcessRow& parent) {
  // The parent's chain, the parent first, as deep as a process keeps: `row` in it would make a
  // cycle.
  const AncestryNode* n = parent.node.get();
  for (size_t depth = 0; n != nullptr && depth < kMaxAncestry; n = n->up.get(), ++depth) {
    if (n == row->node.get()) return false;
  }
  row->parent_id = parent.id;
  if (n == nullptr) {
    row->node->up = parent.node;
    return true;
  }
  // Deeper than a process keeps (a hostile fork chain): a copy of the part that counts, so that no
  // chain held in memory grows with the fork chain. New nodes cannot make a cycle.
  row->node->up = CopyChain(*parent.node, kMaxAncestry);
  return true;
}

void ProcessState::TakeContext(ProcessRow* row, const store::TaskContext& c) {
  row->uid = c.uid;
  row->gid = c.gid;
  row->euid = c.euid;
  row->egid = c.egid;
  row->login_uid = c.login_uid;
  row->cap_effective = c.cap_effective;
  row->mnt_ns = c.mnt_ns;
  row->pid_ns = c.pid_ns;
  row->user_ns = c.user_ns;
  row->net_ns = c.net_ns;
  row->uts_ns = c.uts_ns;
  row->ipc_ns = c.ipc_ns;
  row->cgroup_ns = c.cgroup_ns;
  row->cgroup_id = c.cgroup_id;
  row->cgroup_path = c.cgroup_path;
  if (!c.comm.empty()) row->comm = c.comm;
  row->kernel_thread = (c.flags & store::kTaskFlagKernelThread) != 0;
}

ProcessRow* ProcessState::LiveByPid(uint32_t pid) const {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end() || it->second->exited) return nullptr;
  return it->second;
}

void ProcessState::Seed(const store::ProcessRecord& record, int64_t container_id) {
  const store::TaskContext& c = record.context;
  Key key{c.pid, c.process_start_ns};
  ProcessRow* row = by_key_.Find(key);
  if (row != nullptr) {
    // A rotated file repeats the snapshot: the incarnation is known; fill what is missing.
    if (row->exe.empty()) row->exe = record.exe;
    if (row->cwd.empty()) row->cwd = record.cwd;
    if (row->argv.empty()) row->argv = record.argv;
    if (row->container_id == 0) row->container_id = container_id;
    return;
  }
  ProcessRow* previous = LiveByPid(c.pid);
  if (previous != nullptr) EndByReuse(previous, record.observed_ns);
  row = Create(c.pid, c.process_start_ns, "snapshot", record.observed_ns);
  row->ppid = c.ppid;
  row->seen_ppid = c.ppid;
  row->exe = record.exe;
  row->cwd = record.cwd;
  row->argv = record.argv;
  row->container_id = container_id;
  TakeContext(row, c);
  seeded_.push_back(row);
}

void ProcessState::FinishSnapshot() {
  // Snapshot order is /proc order: a child may come before its parent, so parents are linked once
  // the snapshot is complete (in any order: children share their parent's node, so a chain is
  // whole whenever it is read). A pid cycle in hostile input is refused by LinkParent.
  for (ProcessRow* row : seeded_) {
    if (row->parent_id != 0 || row->ppid == 0) continue;
    ProcessRow* parent = LiveByPid(row->ppid);
    if (parent != nullptr && parent != row) LinkParent(row, *parent);
  }
  seeded_.clear();
}

void ProcessState::Restore(ProcessRow row, const std::vector<int64_t>& ancestors) {
  Key key{row.pid, row.start_boot_ns};
  row.restored = true;
  row.node = std::make_shared<AncestryNode>(row.id);
  AncestryNode* tail = row.node.get();
  for (size_t i = 0; i < ancestors.size() && i < kMaxAncestry; ++i) {
    tail->up = std::make_shared<AncestryNode>(ancestors[i]);
    tail = tail->up.get();
  }
  auto owned = std::make_unique<ProcessRow>(std::move(row));
  by_pid_[key.pid] = owned.get();
  (void)by_key_.Put(key, std::move(owned));
}

ProcessRow* ProcessState::Attribute(const store::TaskContext& c, uint64_t time_ns,
                                    int64_t container_id) {
  ProcessRow* row = nullptr;
  if (last_ != nullptr && last_->pid == c.pid &&
      (c.process_start_ns == 0 || last_->start_boot_ns == c.process_start_ns)) {
    row = last_;  // the common case: a run of events from one process
  } else if (c.process_start_ns != 0) {
    row = by_key_.Find(Key{c.pid, c.process_start_ns});
  } else {
    auto it = by_pid_.find(c.pid);
    if (it != by_pid_.end()) row = it->second;
  }
  if (row == nullptr) {
    // A thread's tid given as the pid (around a thread's exec): the thread's process.
    auto t = threads_.find(c.pid);
    if (t != threads_.end() &&
        (c.process_start_ns == 0 || t->second->start_boot_ns == c.process_start_ns)) {
      row = t->second;
    }
  }
  if (row == nullptr && c.process_start_ns != 0) {
    // A process from the /proc snapshot, seen in an event for the first time: same pid, and its
    // exact start falls in the tick the snapshot read. Adopt the exact time as its key.
    ProcessRow* live = LiveByPid(c.pid);
    if (live != nullptr && live->origin == "snapshot" && live->start_boot_ns % kProcTickNs == 0 &&
        live->start_boot_ns <= c.process_start_ns &&
        c.process_start_ns - live->start_boot_ns < kProcTickNs) {
      std::unique_ptr<ProcessRow> owned = by_key_.Take(Key{live->pid, live->start_boot_ns});
      if (owned != nullptr) {
        // Under its exact key, which the lookups above found free.
        live->start_boot_ns = c.process_start_ns;
        (void)by_key_.Put(Key{c.pid, c.process_start_ns}, std::move(owned));
        row = live;
      }
    }
  }
  if (row == nullptr) {
    // Never seen created: an incarnation on first sight. A live one with another key lost its
    // pid to this one.
    ProcessRow* previous = LiveByPid(c.pid);
    if (previous != nullptr) EndByReuse(previous, time_ns);
    row = Create(c.pid, c.process_start_ns, "inferred", time_ns);
    ++inferred_count_;
    row->ppid = c.ppid;
    row->seen_ppid = c.ppid;
    ProcessRow* parent = LiveByPid(c.ppid);
    if (parent != nullptr && parent != row) LinkParent(row, *parent);
    row->container_id = container_id;
    TakeContext(row, c);
  }
  if (c.ppid != 0 && c.ppid != row->seen_ppid && c.pid == row->pid) {
    // Re-parented: the creator exited and a reaper adopted it. parent_id keeps the creator.
    if (row->seen_ppid != 0) {
      ProcessRow* reaper = LiveByPid(c.ppid);
      if (reaper != nullptr && reaper != row) row->reaper_id = reaper->id;
    } else if (row->ppid == 0) {
      row->ppid = c.ppid;
    }
    row->seen_ppid = c.ppid;
  }
  if (row->container_id == 0) row->container_id = container_id;
  if (time_ns > row->last_seen_boot_ns) row->last_seen_boot_ns = time_ns;
  last_ = row;
  return row;
}

ProcessRow* ProcessState::OnFork(ProcessRow* self, const store::Event& event,
                                 const store::ForkArgs& args) {
  if (event.ret < 0) return nullptr;  // a failed fork created nothing
  if ((args.clone_flags & kCloneThread) != 0 || args.child_pid == self->pid) {
    threads_[args.child_tid] = self;
    self->thread_tids.push_back(args.child_tid);
    return nullptr;
  }
  uint64_t start = args.child_start_ns != 0 ? args.child_start_ns : event.time_ns;
  ProcessRow* child = by_key_.Find(Key{args.child_pid, start});
  if (child != nullptr) {
    // The child's own events came first (reordering across CPUs): it was inferred; now the fork
    // explains it.
    if (child->origin == "inferred") {
      child->origin = "fork";
      --inferred_count_;
    }
  } else {
    ProcessRow* previous = LiveByPid(args.child_pid);
    if (previous != nullptr) EndByReuse(previous, event.time_ns);
    child = Create(args.child_pid, start, "fork", event.time_ns);
    child->exe = self->exe;
    child->argv = self->argv;
    child->cwd = self->cwd;
    child->comm = self->comm;
    TakeContext(child, event.context);
    child->container_id = self->container_id;
  }
  // A child inferred before its fork was seen may have forked meanwhile: its children hold its
  // node, so linking it here gives them the chain too (those already written keep theirs). A fork
  // of one of its own ancestors (hostile) links nothing.
  if (LinkParent(child, *self)) {
    child->ppid = self->pid;
    child->seen_ppid = self->pid;
  }
  child->has_clone_flags = true;
  child->clone_flags = args.clone_flags;
  return child;
}

ExecOutcome ProcessState::OnExec(ProcessRow* self, const store::Event& event,
                                 const store::ExecArgs& args) {
  ExecOutcome out;
  out.thread_exec = (event.context.tid != 0 && event.context.tid != event.context.pid) ||
                    event.context.pid != self->pid;
  out.previous_exe = self->exe;
  if (event.ret < 0) {  // a failed exec leaves the image as it was
    out.exec_index = self->exec_count;
    return out;
  }
  out.exec_index = ++self->exec_count;
  self->exe = args.filename;
  self->argv = args.argv;
  if (!args.cwd.empty()) self->cwd = args.cwd;
  TakeContext(self, event.context);  // an exec of a set-uid file changes the credentials
  // de_thread(): every other thread is gone; the exec'ing thread now carries the pid.
  for (uint32_t tid : self->thread_tids) threads_.erase(tid);
  self->thread_tids.clear();
  return out;
}

void ProcessState::OnExit(ProcessRow* self, const store::Event& event,
                          const store::ExitArgs& args) {
  if (self->exited) return;
  self->exited = true;
  self->exit_boot_ns = event.time_ns;
  self->exit_clock_offset_ns = clock_offset_ns_;
  self->exit_code = args.exit_code;
  self->exit_signal = args.exit_signal;
  self->ended_by = "exit";
  Retire(self);
}

void ProcessState::EndByReuse(ProcessRow* old, uint64_t time_ns) {
  if (old->exited) return;
  old->exited = true;
  old->ended_by = "pid_reuse";  // exit unseen: exit_boot_ns stays unknown
  old->exit_boot_ns = 0;
  (void)time_ns;
  Retire(old);
}

void ProcessState::Retire(ProcessRow* row) {
  for (uint32_t tid : row->thread_tids) {
    auto t = threads_.find(tid);
    if (t != threads_.end() && t->second == row) threads_.erase(t);
  }
  row->thread_tids.clear();
  uint64_t at = std::max(row->exit_boot_ns, row->last_seen_boot_ns);
  retired_.emplace_back(at, Key{row->pid, row->start_boot_ns});
}

const ProcessRow* ProcessState::FindByPid(uint32_t pid) const {
  auto it = by_pid_.find(pid);
  if (it != by_pid_.end()) return it->second;
  auto t = threads_.find(pid);
  return t != threads_.end() ? t->second : nullptr;
}

Status ProcessState::Expire(uint64_t now_ns) {
  while (!retired_.empty() && retired_.front().first + kGraceNs < now_ns) {
    Key key = retired_.front().second;
    retired_.pop_front();
    ProcessRow* row = by_key_.Find(key);
    if (row == nullptr || !row->exited) continue;
    AMBER_RETURN_IF_ERROR(sink_(*row));
    if (last_ == row) last_ = nullptr;
    auto p = by_pid_.find(key.pid);
    if (p != by_pid_.end() && p->second == row) by_pid_.erase(p);
    (void)by_key_.Take(key);
  }
  return Status::Ok();
}

Status ProcessState::FlushAll() {
  std::vector<ProcessRow*> rows;
  rows.reserve(by_key_.size());
  by_key_.ForEach([&rows](ProcessRow* row) { rows.push_back(row); });
  std::sort(rows.begin(), rows.end(),
            [](const ProcessRow* a, const ProcessRow* b) { return a->id < b->id; });
  for (ProcessRow* row : rows) AMBER_RETURN_IF_ERROR(sink_(*row));
  by_key_.Clear();
  by_pid_.clear();
  threads_.clear();
  retired_.clear();
  seeded_.clear();
  last_ = nullptr;
  return Status::Ok();
}

}  // namespace amber::replay
