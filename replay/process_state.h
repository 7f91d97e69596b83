// ProcessState: the process incarnations of one host boot, rebuilt as a capture's records flow.
//
// The snapshot seeds it; fork, exec and exit events update it; every other event is attributed to
// an incarnation through its task context (pid + process start time, so a reused pid is a new
// incarnation). Handled cases (tests/replay/process_state_test.cc, docs/schema.md "processes"):
//  - snapshot seeds, merged when a rotated file repeats the snapshot; parents linked afterwards;
//  - fork of a process (a new incarnation inheriting exe/argv/creds) versus a thread (CLONE_THREAD);
//  - exec, and chains of execs (exec_count, the last image wins; each exec is an `execs` row);
//  - a thread that execs: the incarnation stays, the exec is flagged thread_exec, the other
//    threads are gone; an event carrying the thread's tid as its pid is mapped to its process;
//  - pid reuse: a new key for a pid ends the previous incarnation (ended_by = pid_reuse);
//  - re-parenting: parent_id stays the creator (ancestry follows who really started what);
//    the adopter seen in a later event's ppid becomes reaper_id;
//  - events of a process never seen created: an incarnation is created on first sight, flagged
//    inferred, linked to its ppid's live incarnation when there is one.
// Exited incarnations stay findable for a grace window of event time (late events from other
// CPUs), then are written to the sink and forgotten: memory grows with live processes, not events.
//
// Single-threaded. Ids come from the caller's counter, assigned at creation, so they follow the
// event order and are deterministic.
#ifndef AMBER_REPLAY_PROCESS_STATE_H_
#define AMBER_REPLAY_PROCESS_STATE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/records.h"

namespace amber::replay {

// One incarnation in the ancestry chains: its processes.id and its creator's node. A child holds
// its parent's node rather than a copy of the parent's chain, so a parent linked to its own creator
// late (its fork reached the capture after its children were forked: reordering across chunks)
// gives every descendant still held the whole chain at once.
struct AncestryNode {
  explicit AncestryNode(int64_t node_id) : id(node_id) {}
  AncestryNode(const AncestryNode&) = delete;
  AncestryNode& operator=(const AncestryNode&) = delete;
  // Releases the chain above one node at a time: the implicit destructor would recurse once per
  // node it is the last owner of.
  ~AncestryNode();

  int64_t id;
  std::shared_ptr<AncestryNode> up;  // the creator's node; nullptr at a root
};

// Deepest ancestor recorded per process (the old recursive view stopped at the same depth): a
// hostile capture with a 100 000-deep fork chain costs 256 rows per process, not 100 000.
inline constexpr size_t kMaxAncestry = 256;

// One incarnation, as it becomes a `processes` row. Times are boot ns of the host.
struct ProcessRow {
  int64_t id = 0;
  int64_t host_id = 0;
  int64_t capture_id = 0;
  int64_t clock_offset_ns = 0;  // of the capture that created it: utc = boot + offset
  uint32_t pid = 0;
  uint64_t start_boot_ns = 0;
  uint32_t ppid = 0;       // at creation
  uint32_t seen_ppid = 0;  // in the latest event (state only): a change means re-parenting
  int64_t parent_id = 0;  // 0 = none
  int64_t reaper_id = 0;  // 0 = none
  std::string origin;     // snapshot | fork | inferred
  bool exited = false;
  uint64_t exit_boot_ns = 0;
  int64_t exit_clock_offset_ns = 0;
  int32_t exit_code = 0;
  uint32_t exit_signal = 0;
  std::string ended_by;  // "", exit, pid_reuse
  bool has_clone_flags = false;
  uint64_t clone_flags = 0;
  std::string exe;
  std::vector<std::string> argv;
  std::string cwd;
  std::string comm;
  uint32_t exec_count = 0;
  uint32_t uid = 0, gid = 0, euid = 0, egid = 0, login_uid = 0;
  uint64_t cap_effective = 0;
  uint64_t mnt_ns = 0, pid_ns = 0, user_ns = 0, net_ns = 0, uts_ns = 0, ipc_ns = 0, cgroup_ns = 0;
  uint64_t cgroup_id = 0;
  std::string cgroup_path;
  int64_t container_id = 0;  // 0 = host
  bool kernel_thread = false;
  uint64_t first_seen_boot_ns = 0;
  uint64_t last_seen_boot_ns = 0;
  std::vector<uint32_t> thread_tids;  // non-leader threads seen created (state only)
  // This incarnation's node (id == this->id); node->up is the creator chain, the rows of
  // process_ancestors. Set by ProcessState (Create, Restore); the chain may change until the row
  // is written (a late fork of this process or of an ancestor).
  std::shared_ptr<AncestryNode> node;
  // Carried over from an earlier load (its process_ancestors rows are already written).
  bool restored = false;

  // Calls f(depth, ancestor_id) for the process itself (depth 0) and its creator chain, parent
  // first, up to depth kMaxAncestry.
  template <typename F>
  void ForEachAncestor(F f) const {
    f(size_t{0}, id);
    size_t depth = 1;
    for (const AncestryNode* n = node ? node->up.get() : nullptr;
         n != nullptr && depth <= kMaxAncestry; n = n->up.get(), ++depth) {
      f(depth, n->id);
    }
  }
};

struct ExecOutcome {
  bool thread_exec = false;
  std::string previous_exe;
  uint32_t exec_index = 0;
};

class ProcessState {
 public:
  using Sink = std::function<Status(const ProcessRow&)>;
  // next_id: the id counter shared by every host of a load (processes.id).
  ProcessState(int64_t host_id, int64_t* next_id, Sink sink)
      : host_id_(host_id), next_id_(next_id), sink_(std::move(sink)) {}

  // The capture whose records follow; new incarnations record it and its clock offset.
  void SetCapture(int64_t capture_id, int64_t clock_offset_ns);

  // A snapshot record; call FinishSnapshot() after a snapshot chunk to link parents.
  void Seed(const store::ProcessRecord& record, int64_t container_id);
  void FinishSnapshot();
  // A live incarnation carried over from an earlier load of the same host (processes rows whose
  // exit was not seen), with its creator chain (process_ancestors ids, parent first). Its id and
  // capture_id stay; it is written again (INSERT OR REPLACE by id) with what later captures add.
  void Restore(ProcessRow row, const std::vector<int64_t>& ancestors);

  // The incarnation an event's context belongs to, created (inferred) on first sight.
  ProcessRow* Attribute(const store::TaskContext& context, uint64_t time_ns, int64_t container_id);

  // State transitions; `self` is Attribute()'s result for the event. OnFork returns the child's
  // incarnation, or nullptr for a new thread.
  ProcessRow* OnFork(ProcessRow* self, const store::Event& event, const store::ForkArgs& args);
  ExecOutcome OnExec(ProcessRow* self, const store::Event& event, const store::ExecArgs& args);
  void OnExit(ProcessRow* self, const store::Event& event, const store::ExitArgs& args);

  // The incarnation that a pid or tid names now, or nullptr (target of kill, ptrace...).
  const ProcessRow* FindByPid(uint32_t pid) const;

  // Writes and forgets incarnations that exited more than the grace window before now_ns.
  Status Expire(uint64_t now_ns);
  // Writes every incarnation still held (live ones with no exit), in id order, and forgets them.
  Status FlushAll();

  size_t held() const { return by_key_.size(); }
  uint64_t inferred_count() const { return inferred_count_; }

  static constexpr uint64_t kGraceNs = 5'000'000'000;  // late events after an exit, in event time

 private:
  struct Key {
    uint32_t pid;
    uint64_t start;
    bool operator==(const Key&) const = default;
  };

  // The incarnations held, by key; owns them. Open addressing with linear probing over slots that
  // hold the key, its hash and the row, so a lookup (one per event whose process is not the last
  // one's) reads one slot instead of a bucket and a list node. At most half full; an erase shifts
  // the following slots back, so there are no tombstones. The keys come from a hostile capture:
  // the hash is seeded per map (std::random_device), so keys that collide in one run's table
  // cannot be prepared in advance. Iteration order is the table's: callers sort what they write.
  class IncarnationMap {
   public:
    IncarnationMap();
    ProcessRow* Find(const Key& key) const;
    // Holds `row` under `key`; returns the row it replaces (nullptr when the key was free).
    std::unique_ptr<ProcessRow> Put(const Key& key, std::unique_ptr<ProcessRow> row);
    // Removes the row held under `key` and returns it (nullptr when none).
    std::unique_ptr<ProcessRow> Take(const Key& key);
    size_t size() const { return count_; }
    template <typename F>
    void ForEach(F f) const {
      for (const Slot& slot : slots_) {
        if (slot.row != nullptr) f(slot.row.get());
      }
    }
    void Clear();

   private:
    struct Slot {
      Key key{0, 0};
      uint64_t hash = 0;
      std::unique_ptr<ProcessRow> row;  // nullptr: empty
    };
    uint64_t Hash(const Key& key) const;
    size_t FindSlot(const Key& key, uint64_t hash) const;  // its slot, or the empty one ending it
    void Grow();

    uint64_t seed_[2];
    std::vector<Slot> slots_;  // a power of two
    size_t count_ = 0;
  };

  ProcessRow* Create(uint32_t pid, uint64_t start, const std::string& origin, uint64_t seen_ns);
  // Makes `parent` the creator of `row`: parent_id, and the ancestor chain through the parent's
  // node, which every descendant of `row` still held sees too. Refused, changing nothing, when
  // `row` is already an ancestor of `parent` (a process cannot be its own ancestor; only a hostile
  // capture says so). Returns whether it linked.
  static bool LinkParent(ProcessRow* row, const ProcessRow& parent);
  void EndByReuse(ProcessRow* old, uint64_t time_ns);
  void Retire(ProcessRow* row);
  ProcessRow* LiveByPid(uint32_t pid) const;
  void TakeContext(ProcessRow* row, const store::TaskContext& context);

  int64_t host_id_;
  int64_t* next_id_;
  Sink sink_;
  int64_t capture_id_ = 0;
  int64_t clock_offset_ns_ = 0;
  IncarnationMap by_key_;
  std::unordered_map<uint32_t, ProcessRow*> by_pid_;  // latest incarnation of each pid
  std::unordered_map<uint32_t, ProcessRow*> threads_;  // non-leader tid -> its process
  std::deque<std::pair<uint64_t, Key>> retired_;       // (ended at, key) in ending order
  std::vector<ProcessRow*> seeded_;                    // awaiting FinishSnapshot
  ProcessRow* last_ = nullptr;                         // cache of the last Attribute()
  uint64_t inferred_count_ = 0;
};

}  // namespace amber::replay

#endif  // AMBER_REPLAY_PROCESS_STATE_H_
