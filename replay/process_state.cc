#include "replay/process_state.h"

#include <algorithm>

namespace amber::replay {

namespace {

constexpr uint64_t kCloneThread = 0x00010000;  // CLONE_THREAD
// /proc gives a process's start time in clock ticks (USER_HZ = 100), truncated; the kernel's
// events carry it exact. A snapshot process and its events meet within one tick.
constexpr uint64_t kProcTickNs = 10'000'000;

}  // namespace

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
  ProcessRow* raw = row.get();
  Key key{pid, start};
  auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    // The same key again after its row was retired and written (an event later than the grace
    // window). The old row is already in the sink; keep the new one.
    if (last_ == it->second.get()) last_ = nullptr;
    it->second = std::move(row);
  } else {
    by_key_.emplace(key, std::move(row));
  }
  by_pid_[pid] = raw;
  threads_.erase(pid);
  return raw;
}

void ProcessState::LinkParent(ProcessRow* row, const ProcessRow& parent) {
  row->parent_id = parent.id;
  row->ancestors.clear();
  row->ancestors.reserve(std::min(parent.ancestors.size() + 1, kMaxAncestry));
  row->ancestors.push_back(parent.id);
  for (int64_t id : parent.ancestors) {
    if (row->ancestors.size() >= kMaxAncestry) break;
    row->ancestors.push_back(id);
  }
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
  auto it = by_key_.find(key);
  ProcessRow* row;
  if (it != by_key_.end()) {
    // A rotated file repeats the snapshot: the incarnation is known; fill what is missing.
    row = it->second.get();
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
  if (seeded_.empty()) return;
  // Snapshot order is /proc order: a child may come before its parent, so link afterwards: parents
  // first, then ancestor chains top down (a parent's chain is complete before a child copies it).
  std::unordered_map<ProcessRow*, ProcessRow*> parent_of;  // seeded row -> its parent
  for (ProcessRow* row : seeded_) {
    if (row->parent_id != 0 || row->ppid == 0) continue;
    ProcessRow* parent = LiveByPid(row->ppid);
    if (parent != nullptr && parent != row) parent_of[row] = parent;
  }
  std::unordered_map<ProcessRow*, bool> linked;
  std::vector<ProcessRow*> path;
  for (ProcessRow* row : seeded_) {
    path.clear();
    // Up to a row that is linked already or has no parent in this snapshot (bounded: a pid cycle
    // in hostile input stops at the snapshot's size).
    for (ProcessRow* r = row; r != nullptr && !linked[r] && path.size() <= seeded_.size();) {
      path.push_back(r);
      auto up = parent_of.find(r);
      r = up != parent_of.end() ? up->second : nullptr;
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      linked[*it] = true;
      auto up = parent_of.find(*it);
      if (up != parent_of.end()) LinkParent(*it, *up->second);
    }
  }
  seeded_.clear();
}

void ProcessState::Restore(ProcessRow row) {
  Key key{row.pid, row.start_boot_ns};
  row.restored = true;
  auto owned = std::make_unique<ProcessRow>(std::move(row));
  by_pid_[key.pid] = owned.get();
  by_key_[key] = std::move(owned);
}

ProcessRow* ProcessState::Attribute(const store::TaskContext& c, uint64_t time_ns,
                                    int64_t container_id) {
  ProcessRow* row = nullptr;
  if (last_ != nullptr && last_->pid == c.pid &&
      (c.process_start_ns == 0 || last_->start_boot_ns == c.process_start_ns)) {
    row = last_;  // the common case: a run of events from one process
  } else if (c.process_start_ns != 0) {
    auto it = by_key_.find(Key{c.pid, c.process_start_ns});
    if (it != by_key_.end()) row = it->second.get();
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
      auto node = by_key_.extract(Key{live->pid, live->start_boot_ns});
      if (!node.empty()) {
        node.key() = Key{c.pid, c.process_start_ns};
        by_key_.insert(std::move(node));
        live->start_boot_ns = c.process_start_ns;
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
  auto it = by_key_.find(Key{args.child_pid, start});
  ProcessRow* child;
  if (it != by_key_.end()) {
    // The child's own events came first (reordering across CPUs): it was inferred; now the fork
    // explains it.
    child = it->second.get();
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
  child->ppid = self->pid;
  child->seen_ppid = self->pid;
  // TODO(correctness): a child inferred before its fork was seen, which forked in between, keeps
  // the grandchildren's older chains (needs the fork reordered across chunks; not seen so far).
  LinkParent(child, *self);
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
    auto it = by_key_.find(key);
    if (it == by_key_.end() || !it->second->exited) continue;
    ProcessRow* row = it->second.get();
    AMBER_RETURN_IF_ERROR(sink_(*row));
    if (last_ == row) last_ = nullptr;
    auto p = by_pid_.find(key.pid);
    if (p != by_pid_.end() && p->second == row) by_pid_.erase(p);
    by_key_.erase(it);
  }
  return Status::Ok();
}

Status ProcessState::FlushAll() {
  std::vector<ProcessRow*> rows;
  rows.reserve(by_key_.size());
  for (auto& [key, row] : by_key_) rows.push_back(row.get());
  std::sort(rows.begin(), rows.end(),
            [](const ProcessRow* a, const ProcessRow* b) { return a->id < b->id; });
  for (ProcessRow* row : rows) AMBER_RETURN_IF_ERROR(sink_(*row));
  by_key_.clear();
  by_pid_.clear();
  threads_.clear();
  retired_.clear();
  seeded_.clear();
  last_ = nullptr;
  return Status::Ok();
}

}  // namespace amber::replay
