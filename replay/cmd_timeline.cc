// amber-replay timeline --db case.db [--from T] [--to T] [--container C] [--pid N]: every event
// in time order (the timeline view), filtered; all filters are bound parameters.
#include <boost/program_options.hpp>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>

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
  Result<Statement> statement = (*db)->Prepare(
      "SELECT t.time, t.kind, t.op, t.ret, t.pid, t.tid, t.uid, "
      "       coalesce(c.name, substr(c.runtime_id, 1, 12)) AS container, p.comm, t.summary "
      "FROM timeline t LEFT JOIN processes p ON p.id = t.process_id "
      "LEFT JOIN containers c ON c.id = t.container_id "
      "WHERE t.time_ns BETWEEN ?1 AND ?2 "
      "  AND (?3 IS NULL OR t.container_id IN "
      "       (SELECT id FROM containers WHERE substr(runtime_id, 1, length(?3)) = ?3 OR name = ?3)) "
      "  AND (?4 IS NULL OR t.pid = ?4) "
      "ORDER BY t.time_ns, t.kind, t.event_id LIMIT ?5");
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
  Render(*table, *format, isatty(STDOUT_FILENO) != 0, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace amber::replay
