// RowWriter: the prepared INSERT statements of a load, one per table, and the mapping of capture
// records onto rows (docs/schema.md). Every value is bound as a parameter.
//
// Used by the Loader only, inside its transaction. Owns its statements; the Database must outlive
// it. Single-threaded.
#ifndef AMBER_REPLAY_ROW_WRITER_H_
#define AMBER_REPLAY_ROW_WRITER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "replay/db.h"
#include "replay/process_state.h"
#include "store/records.h"

namespace amber::replay {

// The event tables, in the timeline's order.
enum class EventTable {
  kProcess, kExec, kFile, kNet, kCred, kNs, kModule, kTarget, kMemory, kSyscall,
};
inline constexpr size_t kEventTableCount = 10;
EventTable TableForOp(store::Op op);
const char* EventTableName(EventTable table);

// What the state machine adds to an event's own fields.
struct EventLinks {
  int64_t capture_id = 0;
  int64_t utc_ns = 0;
  int64_t process_id = 0;          // 0 = NULL
  int64_t container_id = 0;        // 0 = NULL (host)
  int64_t child_process_id = 0;    // fork
  int64_t target_process_id = 0;   // target ops
  const ExecOutcome* exec = nullptr;
};

struct ContainerRow {
  int64_t id = 0;
  int64_t host_id = 0;
  store::ContainerRecord record;
  bool inferred = false;
  int64_t first_seen_ns = 0;  // UTC
  int64_t last_seen_ns = 0;
};

struct GapRow {
  int64_t capture_id = 0;
  std::string kind;
  std::optional<uint32_t> cpu;
  std::optional<uint64_t> count;
  std::optional<int64_t> first_ns;  // UTC
  std::optional<int64_t> last_ns;
  std::string reason;
};

// Unix ns to "2024-05-01T12:00:00.123456789Z", the calendar part cached per second (the hot path
// of every event row). Same text as common/text.h's FormatUtcNs.
class UtcFormatter {
 public:
  std::string_view Format(int64_t unix_ns);

 private:
  int64_t cached_second_ = 0;
  size_t prefix_ = 0;
  std::string text_;
};

class RowWriter {
 public:
  static Result<std::unique_ptr<RowWriter>> Create(Database* db);

  // Queues the event's row; rows are inserted kBatchRows at a time per table (one multi-row
  // INSERT), and their strings are bound without a copy, so `event` must stay alive and unchanged
  // until Flush() (the loader flushes after each chunk).
  Status WriteEvent(const store::Event& event, const EventLinks& links);
  // Inserts every queued row: events and process_ancestors.
  Status Flush();
  // INSERT OR REPLACE by id; its process_ancestors rows (unless it was restored) are queued and
  // inserted kAncestorBatchRows at a time (integers only: nothing to keep alive).
  Status WriteProcess(const ProcessRow& row);
  Status WriteContainer(const ContainerRow& row);  // INSERT OR REPLACE by id
  Status WriteGap(const GapRow& gap);

  // Rows written per event table since creation.
  const std::array<uint64_t, kEventTableCount>& counts() const { return counts_; }

 private:
  static constexpr size_t kBatchRows = 32;
  static constexpr size_t kAncestorBatchRows = 64;

  // An event row waiting for its batch; owns the text derived for it (bound without a copy).
  struct PendingRow {
    const store::Event* event = nullptr;
    EventLinks links;
    ExecOutcome exec;
    std::string time;
    std::string argv_json, cmdline, argv_raw;
    std::string path, path2;  // file events: a folded spelling (replay/file_path.h)
  };
  // Binds parameter `i` (1-based) of the row whose parameters start after `base` in a (multi-row)
  // statement, and notes which it bound: the statements run without sqlite3_clear_bindings (it
  // walks every parameter of the statement, 3 % of a load), so FinishRow binds NULL to the rest.
  struct Binder {
    Statement* s;
    int base;
    uint64_t bound = 0;  // bit i - 1: parameter i bound (a row has at most 64 columns)
    void BindInt(int i, int64_t v) { s->BindInt(At(i), v); }
    void BindText(int i, std::string_view v) { s->BindText(At(i), v); }
    void BindTextRef(int i, std::string_view v) { s->BindTextRef(At(i), v); }
    void BindBlobRef(int i, std::string_view v) { s->BindBlobRef(At(i), v); }
    void BindBytesRef(int i, std::string_view v) { s->BindBytesRef(At(i), v); }
    void BindBytesOrNullRef(int i, std::string_view v) { s->BindBytesOrNullRef(At(i), v); }
    // The statement's index of parameter i, noted as bound.
    int At(int i) {
      bound |= uint64_t{1} << (i - 1);
      return base + i;
    }
    // NULL for every parameter 1..columns this row did not bind.
    void FinishRow(int columns) {
      for (uint64_t unbound = ~bound & ((uint64_t{1} << columns) - 1); unbound != 0;
           unbound &= unbound - 1) {
        s->BindNull(base + 1 + __builtin_ctzll(unbound));
      }
    }
  };

  explicit RowWriter(Database* db) : db_(db) {}
  Status Prepare();
  Status FlushTable(size_t table);
  Status FlushAncestors();
  // Binds the text of processes.start_time / exit_time for unix_ns.
  Status BindProcessTime(Statement* s, int index, int64_t unix_ns);
  // Binds every parameter of one row (NULL where the row has no value).
  void BindEvent(Binder binder, EventTable table, PendingRow* row);
  void BindColumns(Binder* s, EventTable table, PendingRow* row);
  void BindCommon(Binder* s, PendingRow* row);

  Database* db_;
  std::vector<Statement> events_;   // one-row INSERT, indexed by EventTable
  std::vector<Statement> batches_;  // kBatchRows-row INSERT, indexed by EventTable
  std::array<std::vector<PendingRow>, kEventTableCount> pending_;  // kBatchRows slots each
  std::array<size_t, kEventTableCount> pending_count_{};
  std::optional<Statement> process_;
  // Whether processes.start_time and exit_time are stored columns the loader writes; false in a
  // case made before they were (where they are generated columns SQLite computes).
  bool process_times_stored_ = false;
  std::optional<Statement> utc_text_;  // SQLite's own form of the time text, for negative times
  std::optional<Statement> ancestor_;        // one row
  std::optional<Statement> ancestor_batch_;  // kAncestorBatchRows rows
  std::vector<std::array<int64_t, 3>> ancestors_;  // queued (process_id, depth, ancestor_id)
  std::optional<Statement> container_;
  std::optional<Statement> gap_;
  std::array<std::string, store::kOpCount> op_names_;
  std::array<uint64_t, kEventTableCount> counts_{};
  UtcFormatter utc_;
  UtcFormatter process_utc_;  // start and exit times: their own second cache
};

// argv as stored: cmdline (joined by one space) and argv_raw (each argument followed by NUL).
std::string JoinArgv(const std::vector<std::string>& argv, char separator, bool trailing);
// A JSON object of key-value byte strings (labels, options), invalid UTF-8 as U+FFFD.
std::string KeyValuesJson(const store::KeyValues& kvs);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_ROW_WRITER_H_
