#include "replay/analyze.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "replay/db.h"
#include "replay/loader.h"
#include "store/file.h"

namespace amber::replay {

namespace fs = std::filesystem;

namespace {

// Whether the file at `path` is an Amber case database (safe to replace).
bool IsCaseDatabase(const std::string& path) {
  auto db = Database::Open(path, {.read_only = true});
  if (!db.ok()) return false;
  Result<int64_t> n = (*db)->QueryInt(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'captures'");
  return n.ok() && *n == 1;
}

std::string Int(int64_t v) { return std::to_string(v); }

}  // namespace

Result<CaseBuild> BuildCase(const std::vector<std::string>& captures, const std::string& db_path,
                            bool force) {
  std::error_code ec;
  if (fs::exists(db_path, ec)) {
    if (!IsCaseDatabase(db_path)) {
      return Status::AlreadyExists("create case " + db_path +
                                   ": exists and is not an Amber case database; not replacing it");
    }
    fs::remove(db_path, ec);
    for (const char* suffix : {"-journal", "-wal", "-shm"}) fs::remove(db_path + suffix, ec);
    if (fs::exists(db_path)) return Status::IOError("replace case " + db_path + ": " + ec.message());
  }
  auto db = Database::Open(db_path);
  if (!db.ok()) return db.status();
  store::PosixEnv env;
  LoadOptions options;
  options.force = force;
  Loader loader(&env, db->get(), options);
  Result<LoadReport> report = loader.Load(captures);
  if (!report.ok()) {
    db->reset();
    fs::remove(db_path, ec);  // a half-made case would pass for a whole one
    return report.status();
  }
  CaseBuild build;
  for (const LoadedCapture& c : report->captures) {
    build.capture_lines.push_back(c.path + ": " + c.verdict + (c.forced ? " (forced)" : "") +
                                  ", " + std::to_string(c.events) + " events, " +
                                  std::to_string(c.gaps) + (c.gaps == 1 ? " gap" : " gaps"));
  }
  return build;
}

Result<std::vector<std::string>> DescribeBlindSpots(const std::string& db_path,
                                                    const RuleSet& rules) {
  auto db = Database::Open(db_path, {.read_only = true});
  if (!db.ok()) return db.status();
  std::vector<std::string> lines;

  Result<Statement> captures = (*db)->Prepare(
      "SELECT path, verdict, coalesce(first_problem, ''), forced, coalesce(last_time, '') "
      "FROM captures WHERE verdict <> 'intact' ORDER BY load_order");
  if (!captures.ok()) return captures.status();
  while (true) {
    Result<bool> row = captures->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string verdict = captures->ColumnString(1);
    std::string line = "capture " + captures->ColumnString(0) + " is " + verdict;
    if (verdict == "truncated") {
      line += ": events after " + captures->ColumnString(4) +
              " were never written (recorder killed, disk full or power lost)";
    } else {
      line += std::string(captures->ColumnInt(3) ? " and was loaded with --force" : "") +
              ": its evidence cannot be trusted past the damage";
    }
    if (!captures->ColumnString(2).empty()) line += " (" + captures->ColumnString(2) + ")";
    lines.push_back(line);
  }

  Result<Statement> gaps = (*db)->Prepare(
      "SELECT g.kind, g.count, coalesce(g.first_time, ''), coalesce(g.last_time, ''), "
      "coalesce(g.reason, ''), g.cpu, c.path FROM gaps g JOIN captures c ON c.id = g.capture_id "
      "WHERE g.kind NOT IN ('truncated', 'corrupt', 'tampered', 'chain') "
      "ORDER BY coalesce(g.first_ns, g.last_ns), g.id");
  if (!gaps.ok()) return gaps.status();
  while (true) {
    Result<bool> row = gaps->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (gaps->ColumnString(0) == "missing_file") {  // the reason says which and what it means
      lines.push_back("capture " + gaps->ColumnString(6) + ": " + gaps->ColumnString(4) +
                      "; an attack in that time may have left no trace");
      continue;
    }
    // kernel_path "losses" are events kept with a path or argv cut short, not events missing.
    const bool kept = gaps->ColumnString(0) == "kernel_path";
    const std::string count =
        gaps->column_type(1) == ColumnType::kNull ? std::string("some") : Int(gaps->ColumnInt(1));
    std::string line = (kept ? count + " events kept with a path or argument cut short ("
                             : "lost " + count + " events (") +
                       gaps->ColumnString(0) +
                       (gaps->column_type(5) == ColumnType::kNull
                            ? std::string()
                            : ", cpu " + Int(gaps->ColumnInt(5))) +
                       ") between " + gaps->ColumnString(2) + " and " + gaps->ColumnString(3);
    if (!gaps->ColumnString(4).empty()) line += ": " + gaps->ColumnString(4);
    if (!kept) line += "; an attack in that window may have left no trace";
    lines.push_back(line);
  }

  Result<Statement> probes = (*db)->Prepare(
      "SELECT DISTINCT p.name, p.status, coalesce(p.detail, ''), coalesce(p.ops, '[]') "
      "FROM capture_probes p WHERE p.status <> 'attached' ORDER BY p.name, p.status");
  if (!probes.ok()) return probes.status();
  Result<Statement> ops = (*db)->Prepare("SELECT value FROM json_each(?1)");
  if (!ops.ok()) return ops.status();
  while (true) {
    Result<bool> row = probes->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string op_list, affected;
    ops->BindText(1, probes->ColumnString(3));
    for (Result<bool> r = ops->Step(); r.ok() && *r; r = ops->Step()) {
      std::string op = ops->ColumnString(0);
      op_list += (op_list.empty() ? "" : ", ") + op;
      for (const Rule& rule : rules.rules) {
        if (rule.sql.find("'" + op + "'") != std::string::npos &&
            affected.find(rule.id) == std::string::npos) {
          affected += (affected.empty() ? "" : ", ") + rule.id;
        }
      }
    }
    ops->Reset();
    std::string line = "probe " + probes->ColumnString(0) + " " + probes->ColumnString(1);
    if (!probes->ColumnString(2).empty()) line += " (" + probes->ColumnString(2) + ")";
    line += ": no " + (op_list.empty() ? std::string("events") : op_list + " events") +
            " were recorded";
    if (!affected.empty()) line += "; rules that could not fire on them: " + affected;
    lines.push_back(line);
  }
  return lines;
}

}  // namespace amber::replay
