#include "replay/detect.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "replay/db.h"
#include "replay/loader.h"
#include "replay/render.h"

namespace amber::replay {

namespace {

// Tables an evidence id may name: the event tables, and the process and container rows
// themselves (a privileged container's start is evidenced by its containers row).
constexpr const char* kEvidenceTables[] = {
    "process_events", "execs",         "file_events",   "net_events", "cred_events",
    "ns_events",      "module_events", "target_events", "memory_events", "syscall_events",
    "gaps",           "processes",     "containers"};

bool IsEvidenceTable(std::string_view t) {
  return std::any_of(std::begin(kEvidenceTables), std::end(kEvidenceTables),
                     [&](const char* e) { return t == e; });
}

bool IsEventTable(std::string_view t) { return t != "processes" && t != "containers"; }

std::optional<int64_t> OptionalInt(const Statement& s, int column) {
  if (s.column_type(column) == ColumnType::kNull) return std::nullopt;
  return s.ColumnInt(column);
}

// Reads what output needs about an alert's process, container and host.
class ContextReader {
 public:
  static Result<ContextReader> Create(Database* db) {
    Result<Statement> process = db->Prepare(
        "SELECT p.host_id, h.hostname, p.pid, p.ppid, p.uid, p.euid, p.exe, p.argv, p.cmdline, "
        "pp.exe FROM processes p LEFT JOIN processes pp ON pp.id = p.parent_id "
        "LEFT JOIN hosts h ON h.id = p.host_id WHERE p.id = ?1");
    if (!process.ok()) return process.status();
    Result<Statement> container = db->Prepare(
        "SELECT c.runtime_id, c.name, c.image, c.host_id, h.hostname FROM containers c "
        "LEFT JOIN hosts h ON h.id = c.host_id WHERE c.id = ?1");
    if (!container.ok()) return container.status();
    Result<Statement> argv = db->Prepare("SELECT value FROM json_each(?1)");
    if (!argv.ok()) return argv.status();
    // The image the process ran at the alert's time: processes.exe is the last one, and a process
    // that execs again after the evidence (nsenter then sh) would be shown as what it became.
    Result<Statement> image = db->Prepare(
        "SELECT filename, argv, cmdline FROM execs WHERE process_id = ?1 AND time_ns <= ?2 "
        "AND ret >= 0 ORDER BY time_ns DESC, id DESC LIMIT 1");
    if (!image.ok()) return image.status();
    return ContextReader(std::move(process).value(), std::move(container).value(),
                         std::move(argv).value(), std::move(image).value());
  }

  Status Fill(Alert* alert) {
    AlertContext& c = alert->context;
    if (alert->process_id) {
      process_.BindInt(1, *alert->process_id);
      Result<bool> row = process_.Step();
      if (!row.ok()) return row.status();
      if (*row) {
        c.host_id = OptionalInt(process_, 0);
        c.host_name = process_.ColumnString(1);
        c.pid = OptionalInt(process_, 2);
        c.ppid = OptionalInt(process_, 3);
        c.uid = OptionalInt(process_, 4);
        c.euid = OptionalInt(process_, 5);
        c.exe = process_.ColumnString(6);
        std::string argv = process_.ColumnString(7);
        image_.BindInt(1, *alert->process_id);
        image_.BindInt(2, alert->time_ns);
        if (Result<bool> at = image_.Step(); at.ok() && *at) {
          c.exe = image_.ColumnString(0);
          if (image_.column_type(1) != ColumnType::kNull) {
            argv = image_.ColumnString(1);
            c.cmdline = image_.ColumnString(2);
          }
        }
        image_.Reset();
        if (!argv.empty() && argv.front() == '[') {
          argv_.BindText(1, argv);
          for (Result<bool> r = argv_.Step(); r.ok() && *r; r = argv_.Step()) {
            c.argv.push_back(argv_.ColumnString(0));
          }
          argv_.Reset();
        }
        c.cmdline = process_.ColumnString(8);
        c.parent_exe = process_.ColumnString(9);
      }
      process_.Reset();
    }
    if (alert->container_id) {
      container_.BindInt(1, *alert->container_id);
      Result<bool> row = container_.Step();
      if (!row.ok()) return row.status();
      if (*row) {
        c.container_runtime_id = container_.ColumnString(0);
        c.container_name = container_.ColumnString(1);
        c.container_image = container_.ColumnString(2);
        if (!c.host_id) {
          c.host_id = OptionalInt(container_, 3);
          c.host_name = container_.ColumnString(4);
        }
      }
      container_.Reset();
    }
    return Status::Ok();
  }

 private:
  ContextReader(Statement process, Statement container, Statement argv, Statement image)
      : process_(std::move(process)),
        container_(std::move(container)),
        argv_(std::move(argv)),
        image_(std::move(image)) {}
  Statement process_;
  Statement container_;
  Statement argv_;   // the elements of processes.argv (a JSON array)
  Statement image_;  // the latest exec at or before the alert
};

// Column positions of the required columns in one rule's result.
struct Columns {
  int time_ns = -1, process_id = -1, container_id = -1, message = -1, evidence = -1;
  int severity = -1;  // optional
};

Result<Columns> FindColumns(const Statement& s) {
  Columns c;
  for (int i = 0; i < s.column_count(); ++i) {
    std::string_view name = s.column_name(i);
    int* slot = name == "time_ns"        ? &c.time_ns
                : name == "process_id"   ? &c.process_id
                : name == "container_id" ? &c.container_id
                : name == "message"      ? &c.message
                : name == "evidence"     ? &c.evidence
                : name == "severity"     ? &c.severity
                                         : nullptr;
    if (slot != nullptr && *slot < 0) *slot = i;
  }
  std::string missing;
  if (c.time_ns < 0) missing += " time_ns";
  if (c.process_id < 0) missing += " process_id";
  if (c.container_id < 0) missing += " container_id";
  if (c.message < 0) missing += " message";
  if (c.evidence < 0) missing += " evidence";
  if (!missing.empty()) return Status::InvalidArgument("missing result column(s):" + missing);
  return c;
}

// Runs one rule into `alerts` (appended only on success).
Status RunRule(Database* db, const Rule& rule, const DetectOptions& options,
               std::vector<Alert>* alerts) {
  db->SetTimeBudget(options.budget_ms);
  auto started = std::chrono::steady_clock::now();
  auto over_budget = [&] {
    return options.budget_ms > 0 &&
           std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(options.budget_ms);
  };
  Result<Statement> stmt = db->Prepare(rule.sql);
  if (!stmt.ok()) return stmt.status();
  Result<Columns> columns = FindColumns(*stmt);
  if (!columns.ok()) return columns.status();
  const Columns& c = *columns;
  std::vector<Alert> found;
  size_t row_number = 0;
  while (true) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (over_budget()) {
        return Status::ResourceExhausted("time budget of " + std::to_string(options.budget_ms) +
                                         " ms exceeded");
      }
      return row.status();
    }
    if (!*row) break;
    ++row_number;
    if (row_number > options.max_rows) {
      return Status::ResourceExhausted("more than " + std::to_string(options.max_rows) +
                                       " rows: a runaway query");
    }
    auto bad_row = [&](const std::string& why) {
      return Status::InvalidArgument("row " + std::to_string(row_number) + ": " + why);
    };
    Alert alert;
    alert.rule = &rule;
    alert.severity = rule.severity;
    if (stmt->column_type(c.time_ns) != ColumnType::kInteger) return bad_row("time_ns is not an integer");
    alert.time_ns = stmt->ColumnInt(c.time_ns);
    ColumnType pt = stmt->column_type(c.process_id);
    if (pt != ColumnType::kInteger && pt != ColumnType::kNull) {
      return bad_row("process_id is not an integer or NULL");
    }
    alert.process_id = OptionalInt(*stmt, c.process_id);
    ColumnType ct = stmt->column_type(c.container_id);
    if (ct != ColumnType::kInteger && ct != ColumnType::kNull) {
      return bad_row("container_id is not an integer or NULL");
    }
    alert.container_id = OptionalInt(*stmt, c.container_id);
    if (alert.container_id && *alert.container_id == 0) alert.container_id.reset();
    alert.message = stmt->ColumnString(c.message);
    if (c.severity >= 0 && stmt->column_type(c.severity) != ColumnType::kNull) {
      Result<Severity> s = ParseSeverity(stmt->ColumnBytes(c.severity));
      if (!s.ok()) return bad_row(s.status().message());
      alert.severity = *s;
    }
    std::string evidence = stmt->ColumnString(c.evidence);
    found.push_back(std::move(alert));
    found.back().message.shrink_to_fit();
    // Parsed after the row is copied: ParseEvidence runs its own statement on the connection.
    Result<std::vector<EvidenceRef>> refs = ParseEvidence(db, evidence);
    if (!refs.ok()) return bad_row(refs.status().message());
    found.back().evidence = std::move(refs).value();
  }
  alerts->insert(alerts->end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
  return Status::Ok();
}

std::string EvidenceJson(const Alert& a) {
  std::string out = "{\"events\":[";
  for (size_t i = 0; i < a.evidence.size(); ++i) {
    if (i) out += ",";
    AppendJsonString(&out, a.evidence[i].ToString(), true);
  }
  out += "],\"mitre\":[";
  for (size_t i = 0; i < a.rule->mitre.size(); ++i) {
    if (i) out += ",";
    AppendJsonString(&out, a.rule->mitre[i], true);
  }
  out += "]}";
  return out;
}

Status WriteAlerts(const std::string& db_path, std::vector<Alert>* alerts) {
  auto db = Database::Open(db_path, {.read_only = false, .create = false});
  if (!db.ok()) return db.status();
  Database* d = db->get();
  AMBER_RETURN_IF_ERROR(InitSchema(d));  // adds alert_evidence to a case made before it existed
  auto tx = Transaction::Begin(d);
  if (!tx.ok()) return tx.status();
  AMBER_RETURN_IF_ERROR(d->Exec("DELETE FROM alert_evidence; DELETE FROM alerts;"));
  Result<Statement> insert = d->Prepare(
      "INSERT INTO alerts(id,rule_id,title,severity,technique,time_ns,host_id,process_id,"
      "container_id,event_table,event_id,message,evidence) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
  if (!insert.ok()) return insert.status();
  Result<Statement> link = d->Prepare(
      "INSERT INTO alert_evidence(alert_id,event_table,event_id) VALUES (?1,?2,?3)");
  if (!link.ok()) return link.status();
  int64_t id = 0;
  for (Alert& a : *alerts) {
    a.alert_id = ++id;
    Statement& s = *insert;
    s.BindInt(1, a.alert_id);
    s.BindText(2, a.rule->id);
    s.BindBytes(3, a.rule->title);
    s.BindText(4, SeverityName(a.severity));
    std::string techniques;
    for (const std::string& t : a.rule->mitre) techniques += (techniques.empty() ? "" : ",") + t;
    s.BindText(5, techniques);
    s.BindInt(6, a.time_ns);
    if (a.context.host_id) s.BindInt(7, *a.context.host_id);
    if (a.process_id) s.BindInt(8, *a.process_id);
    if (a.container_id) s.BindInt(9, *a.container_id);
    for (const EvidenceRef& e : a.evidence) {
      if (IsEventTable(e.table)) {
        s.BindText(10, e.table);
        s.BindInt(11, e.id);
        break;
      }
    }
    s.BindBytes(12, a.message);
    s.BindText(13, EvidenceJson(a));
    AMBER_RETURN_IF_ERROR(s.Run());
    for (const EvidenceRef& e : a.evidence) {
      link->BindInt(1, a.alert_id);
      link->BindText(2, e.table);
      link->BindInt(3, e.id);
      AMBER_RETURN_IF_ERROR(link->Run());
    }
  }
  return (*tx)->Commit();
}

}  // namespace

Status PrepareRule(Database* db, const Rule& rule) {
  Result<Statement> stmt = db->Prepare(rule.sql);
  if (!stmt.ok()) return stmt.status();
  Result<Columns> columns = FindColumns(*stmt);
  return columns.ok() ? Status::Ok() : columns.status();
}

size_t DetectReport::failed_rules() const {
  return static_cast<size_t>(std::count_if(outcomes.begin(), outcomes.end(),
                                           [](const RuleOutcome& o) { return !o.status.ok(); }));
}

std::optional<Severity> MaxSeverity(const std::vector<Alert>& alerts) {
  std::optional<Severity> max;
  for (const Alert& a : alerts) {
    if (!max || a.severity > *max) max = a.severity;
  }
  return max;
}

Result<std::vector<EvidenceRef>> ParseEvidence(Database* db, std::string_view json) {
  // SQLite's own JSON parser: json_each refuses malformed JSON, and the type column says whether
  // each element is a string.
  Result<Statement> stmt = db->Prepare("SELECT type, value FROM json_each(?1)");
  if (!stmt.ok()) return stmt.status();
  if (json.empty() || json.front() != '[') {
    return Status::InvalidArgument("evidence is not a JSON array of \"table:id\" strings");
  }
  stmt->BindText(1, json);
  std::vector<EvidenceRef> refs;
  while (true) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Status::InvalidArgument("evidence: " + row.status().message());
    if (!*row) break;
    if (stmt->ColumnBytes(0) != "text") {
      return Status::InvalidArgument("evidence: element is not a \"table:id\" string");
    }
    std::string item = stmt->ColumnString(1);
    size_t colon = item.find(':');
    std::string table = item.substr(0, colon);
    if (colon == std::string::npos || !IsEvidenceTable(table)) {
      return Status::InvalidArgument("evidence: '" + item + "' does not name an event table");
    }
    std::string digits = item.substr(colon + 1);
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return Status::InvalidArgument("evidence: '" + item + "' has no row id");
    }
    refs.push_back({table, std::stoll(digits)});
  }
  if (refs.empty()) return Status::InvalidArgument("evidence is empty");
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  return refs;
}

Result<DetectReport> RunDetections(const std::string& db_path, const RuleSet& rules,
                                   const DetectOptions& options) {
  auto db = Database::Open(db_path, {.read_only = true});
  if (!db.ok()) return db.status();
  Database* d = db->get();
  d->DenyFunctions({"random", "randomblob"});
  DetectReport report;
  for (const Rule& rule : rules.rules) {
    RuleOutcome outcome;
    outcome.rule = &rule;
    size_t before = report.alerts.size();
    auto started = std::chrono::steady_clock::now();
    outcome.status = RunRule(d, rule, options, &report.alerts);
    d->SetTimeBudget(0);
    outcome.elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    outcome.alerts = report.alerts.size() - before;
    report.outcomes.push_back(std::move(outcome));
  }
  // Order, then merge rows of one rule with the same evidence (a join that met it twice).
  std::stable_sort(report.alerts.begin(), report.alerts.end(), [](const Alert& a, const Alert& b) {
    if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
    if (a.rule->id != b.rule->id) return a.rule->id < b.rule->id;
    if (a.evidence != b.evidence) {
      return std::lexicographical_compare(a.evidence.begin(), a.evidence.end(),
                                          b.evidence.begin(), b.evidence.end());
    }
    return a.message < b.message;
  });
  std::set<std::pair<std::string, std::vector<EvidenceRef>>> seen;
  std::map<const Rule*, size_t> dropped;
  std::vector<Alert> unique;
  for (Alert& a : report.alerts) {
    if (!seen.insert({a.rule->id, a.evidence}).second) {
      ++dropped[a.rule];
      continue;
    }
    unique.push_back(std::move(a));
  }
  report.alerts = std::move(unique);
  for (RuleOutcome& o : report.outcomes) o.alerts -= dropped[o.rule];
  {
    Result<ContextReader> context = ContextReader::Create(d);
    if (!context.ok()) return context.status().Annotate("read alert context");
    for (Alert& a : report.alerts) {
      AMBER_RETURN_IF_ERROR(context->Fill(&a).Annotate("read alert context"));
    }
  }
  db->reset();  // the writer below is a second connection; close this one first
  if (options.write_alerts) {
    AMBER_RETURN_IF_ERROR(WriteAlerts(db_path, &report.alerts).Annotate("write alerts"));
  } else {
    int64_t id = 0;
    for (Alert& a : report.alerts) a.alert_id = ++id;
  }
  return report;
}

}  // namespace amber::replay
