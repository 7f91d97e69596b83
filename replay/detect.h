// The detection runner: every rule of a RuleSet over one case database, producing alerts.
//
// Rules are untrusted input. Each runs on a read-only connection (SQLITE_OPEN_READONLY plus the
// authorizer of Database::RestrictToReadOnly: SELECT, reads, functions, recursive CTEs and
// introspection pragmas only; ATTACH, writes and state-changing pragmas denied) with dangerous and
// non-deterministic functions denied as well (load_extension, fts3_tokenizer, random,
// randomblob), under its own time budget and row cap. A rule that fails (does not prepare, lacks a
// required column, returns a malformed row, runs out of time) is reported by id in the outcomes
// and yields no alerts; the other rules still run.
//
// Required result columns (rule.h kRuleColumns): time_ns, process_id, container_id, message,
// evidence. `evidence` is a JSON array of "table:id" strings naming rows of the case database
// ("execs:12", "ns_events:7", "processes:3"); see detections/README.md. An optional `severity`
// column overrides the rule's severity for that row (a failed attempt may rank lower than a
// success).
//
// Determinism: alerts are ordered by (time_ns, rule id, evidence), evidence ids by (table, id);
// two rows of one rule with the same evidence are one alert. The same database and rules give
// the same alerts and the same `alerts` rows.
//
// Single-threaded. The RuleSet must outlive the report (alerts point at their rules).
#ifndef AMBER_REPLAY_DETECT_H_
#define AMBER_REPLAY_DETECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "replay/rule.h"
#include "replay/rule_set.h"

namespace amber::replay {

struct DetectOptions {
  int64_t budget_ms = 10'000;   // per rule; 0 = no limit
  size_t max_rows = 100'000;    // per rule: more is a runaway query, reported as an error
  bool write_alerts = true;     // replace the `alerts` and `alert_evidence` rows of the case
};

// What the alert is about, read from the case for output (ECS process.*, container.*, host.*).
// exe, argv and cmdline are those of the process's latest exec at or before the alert's time
// (processes.exe when it never exec'd in the capture).
struct AlertContext {
  std::optional<int64_t> host_id;
  std::string host_name;
  std::optional<int64_t> pid, ppid, uid, euid;
  std::string exe, cmdline, parent_exe;
  std::vector<std::string> argv;
  std::string container_runtime_id, container_name, container_image;
};

struct EvidenceRef {
  std::string table;
  int64_t id = 0;
  std::string ToString() const { return table + ":" + std::to_string(id); }
  friend bool operator<(const EvidenceRef& a, const EvidenceRef& b) {
    return a.table != b.table ? a.table < b.table : a.id < b.id;
  }
  friend bool operator==(const EvidenceRef&, const EvidenceRef&) = default;
};

struct Alert {
  const Rule* rule = nullptr;
  Severity severity = Severity::kInfo;  // the rule's, or the row's override
  int64_t time_ns = 0;                  // UTC ns
  std::optional<int64_t> process_id, container_id;
  std::string message;
  std::vector<EvidenceRef> evidence;  // sorted, unique
  AlertContext context;
  int64_t alert_id = 0;  // alerts.id once written (1, 2, ... in order)
};

struct RuleOutcome {
  const Rule* rule = nullptr;
  Status status;          // ok, or why the rule produced nothing
  size_t alerts = 0;
  double elapsed_ms = 0;
};

struct DetectReport {
  std::vector<Alert> alerts;          // ordered as described above
  std::vector<RuleOutcome> outcomes;  // one per rule, in rule id order
  size_t failed_rules() const;
};

// Runs `rules` over the case at `db_path`. Fails as a whole only when the case cannot be opened
// or the alerts cannot be written; a failing rule is an outcome.
Result<DetectReport> RunDetections(const std::string& db_path, const RuleSet& rules,
                                   const DetectOptions& options = {});

// Parses an evidence value: a JSON array of "table:id" strings, each table one of the case's
// event tables, processes or containers. Sorted and deduplicated. InvalidArgument otherwise.
class Database;
Result<std::vector<EvidenceRef>> ParseEvidence(Database* db, std::string_view json);

// Prepares `rule` on `db` and checks that its result has the required columns (for `rules lint`,
// against an empty case made from schema.sql).
Status PrepareRule(Database* db, const Rule& rule);

// The highest severity among `alerts`, or nullopt when there is none.
std::optional<Severity> MaxSeverity(const std::vector<Alert>& alerts);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_DETECT_H_
