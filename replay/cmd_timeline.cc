// amber-replay timeline --db case.db [--from T] [--to T] [--container C] [--pid N]: every event
// in time order (the timeline view), filtered; all filters are bound parameters.
#include <boost/program_options.hpp>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/db.h"
#include "replay/render.h"

namespace amber::replay {
namespace {

// "1714564800123456789" (Unix ns) or "2024-05-01T12:00:00[.fraction][Z]" (UTC).
Result<int64_t> ParseTimeArg(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 19) return Status::InvalidArgument("time " + text + ": out of range");
    return static_cast<int64_t>(std::stoull(text));
  }
  struct tm tm = {};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return Status::InvalidArgument("time " + text +
                                   ": expected Unix ns or YYYY-MM-DDTHH:MM:SS[.fff][Z] (UTC)");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t ns = static_cast<int64_t>(timegm(&tm)) * 1'000'000'000;
  std::string rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int64_t scale = 100'000'000;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      ns += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    rest = rest.substr(i);
  }
  if (!rest.empty() && rest != "Z") {
    return Status::InvalidArgument("time " + text + ": only UTC ('Z') is accepted");
  }
  return ns;
}

// The arms of the timeline view (schema.sql), one per table: kind and one-line summary over the
// table's columns (alias x). Kept identical to the view (tests/replay/cli_test.cc compares them).
struct Arm {
  const char* table;
  const char* kind;
  const char* time_ns;
  const char* time;
  const char* summary;
};
constexpr Arm kArms[] = {
    {"process_events", "process", "x.time_ns", "x.time",
     "CASE x.op WHEN 'fork' THEN printf('%s %d', CASE x.thread WHEN 1 THEN 'thread' ELSE 'fork' END,"
     " x.child_pid) ELSE printf('exit code=%d signal=%d', x.exit_code, x.exit_signal) END"},
    {"execs", "exec", "x.time_ns", "x.time",
     "'exec ' || coalesce(x.filename, '') || ' ' || coalesce(x.argv, '')"},
    {"file_events", "file", "x.time_ns", "x.time",
     "x.op || ' ' || coalesce(x.path, '') || coalesce(' -> ' || x.path2, '')"},
    {"net_events", "net", "x.time_ns", "x.time",
     "x.op || ' ' || coalesce(x.family, '') || ' ' || coalesce(x.address, '') ||"
     " coalesce(':' || x.port, '')"},
    {"cred_events", "cred", "x.time_ns", "x.time",
     "x.op || coalesce(' ' || x.id0, '') || coalesce(' ' || x.id1, '') ||"
     " coalesce(' ' || x.id2, '') || coalesce(' name=' || x.name, '')"},
    {"ns_events", "ns", "x.time_ns", "x.time",
     "x.op || coalesce(' ' || x.source, '') || coalesce(' ' || x.target, '') ||"
     " coalesce(' type=' || x.fs_type, '') || printf(' flags=0x%x', x.ns_flags)"},
    {"module_events", "module", "x.time_ns", "x.time",
     "x.op || coalesce(' ' || x.name, '') || printf(' cmd=%d', x.cmd)"},
    {"target_events", "target", "x.time_ns", "x.time",
     "x.op || printf(' pid=%d', x.target_pid) ||"
     " CASE WHEN x.given_pid AND x.given_pid != x.target_pid THEN printf(' asked=%d', x.given_pid)"
     " ELSE '' END || CASE WHEN x.signal THEN printf(' signal=%d', x.signal) ELSE '' END"},
    {"memory_events", "memory", "x.time_ns", "x.time",
     "x.op || coalesce(' ' || x.name, '') || printf(' len=%d prot=0x%x', x.length, x.prot)"},
    {"syscall_events", "syscall", "x.time_ns", "x.time",
     "x.op || coalesce(printf(' nr=%d', x.nr), '')"},
};

// The timeline query: not `FROM timeline ... ORDER BY`, which sorts every row of the window (43 s
// for a 9 M-row window of a 10 M-event case), but a compound SELECT whose arms are each filtered
// and read in (time_ns, id) order from their table's time index, merged by SQLite's compound
// ORDER BY (each arm sorted on its own, which its index already is), so that LIMIT stops the
// merge early. Result columns: what is printed, then time_ns and event_id (the order, dropped).
std::string TimelineSql() {
  const std::string filters =
      " BETWEEN ?1 AND ?2"
      " AND (?3 IS NULL OR x.container_id IN (SELECT id FROM containers"
      " WHERE substr(runtime_id, 1, length(?3)) = ?3 OR name = ?3))"
      " AND (?4 IS NULL OR x.pid = ?4)";
  const std::string joins =
      " LEFT JOIN processes p ON p.id = x.process_id LEFT JOIN containers c ON c.id = x.container_id";
  const std::string container = "coalesce(c.name, substr(c.runtime_id, 1, 12))";
  std::string sql;
  for (const Arm& arm : kArms) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += std::string("SELECT ") + arm.time + " AS time, '" + arm.kind +
           "' AS kind, x.op, x.ret, x.pid, x.tid, x.uid, " + container + " AS container, p.comm, " +
           arm.summary + " AS summary, " + arm.time_ns + " AS time_ns, x.id AS event_id FROM " +
           arm.table + " x" + joins + " WHERE " + arm.time_ns + filters;
  }
  // Gaps: no process, no container (a container filter excludes them, as the view's NULL did).
  sql += " UNION ALL SELECT x.first_time, 'gap', x.kind, 0, NULL, NULL, NULL, NULL, NULL,"
         " 'gap ' || x.kind || coalesce(printf(' %d events lost', x.count), '') ||"
         " coalesce(' ' || x.reason, ''), x.first_ns, x.id FROM gaps x"
         " WHERE x.first_ns BETWEEN ?1 AND ?2 AND ?3 IS NULL AND ?4 IS NULL";
  return sql + " ORDER BY time_ns, kind, event_id LIMIT ?5";
}

}  // namespace

namespace po = boost::program_options;

int RunTimeline(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay timeline --db case.db [--from T] [--to T] [--container C] [--pid N]\n\n"
      "Every event and gap in time order, with a one-line summary. T is UTC ISO-8601\n"
      "(2024-05-01T12:00:00.5Z) or Unix ns; C a container id prefix or name.\n\n"
      "options");
  std::string db_path, from, to, container, format_name = "table";
  int64_t pid = -1;
  int64_t limit = 0;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database file")(
      "from", po::value(&from), "first instant (inclusive)")("to", po::value(&to),
                                                             "last instant (inclusive)")(
      "container", po::value(&container), "container id prefix or name")(
      "pid", po::value(&pid), "process id")("limit", po::value(&limit), "at most this many rows")(
      "format", po::value(&format_name), "table, csv or json");
  po::options_description hidden;
  po::positional_options_description pos;
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (db_path.empty()) return UsageError(opts, "timeline: --db is required");
  Result<OutputFormat> format = ParseOutputFormat(format_name);
  if (!format.ok()) return UsageError(opts, format.status().message());
  int64_t from_ns = INT64_MIN, to_ns = INT64_MAX;
  for (auto [text, out] : {std::pair{&from, &from_ns}, std::pair{&to, &to_ns}}) {
    if (text->empty()) continue;
    Result<int64_t> t = ParseTimeArg(*text);
    if (!t.ok()) return UsageError(opts, t.status().message());
    *out = *t;
  }

  auto db = Database::Open(db_path, {.read_only = true});
  if (!db.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(db.status().message()).c_str());
    return ExitCodeFor(db.status());
  }
  Result<Statement> statement = (*db)->Prepare(TimelineSql());
  if (!statement.ok()) {
    std::fprintf(stderr, "amber-replay: timeline: %s\n", statement.status().message().c_str());
    return ExitCodeFor(statement.status());
  }
  statement->BindInt(1, from_ns);
  statement->BindInt(2, to_ns);
  if (!container.empty()) statement->BindText(3, container);
  if (pid >= 0) statement->BindInt(4, pid);
  statement->BindInt(5, limit > 0 ? limit : -1);
  Result<ResultTable> table = Collect(&statement.value());
  if (!table.ok()) {
    std::fprintf(stderr, "amber-replay: timeline: %s\n",
                 EscapeForTerminal(table.status().message()).c_str());
    return ExitCodeFor(table.status());
  }
  // time_ns and event_id were there for the ORDER BY only.
  table->columns.resize(table->columns.size() - 2);
  for (auto& row : table->rows) row.resize(row.size() - 2);
  Render(*table, *format, isatty(STDOUT_FILENO) != 0, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace amber::replay
