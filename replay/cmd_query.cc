// amber-replay query --db case.db SQL [--format table|csv|json]: read-only SQL over a case.
#include <boost/program_options.hpp>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/db.h"
#include "replay/render.h"

namespace amber::replay {

namespace po = boost::program_options;

int RunQuery(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay query --db case.db SQL [--format table|csv|json]\n\n"
      "Runs one read-only statement (the database is opened read-only and an authorizer\n"
      "denies writes, ATTACH and state-changing pragmas). Strange bytes are escaped on a\n"
      "terminal. Tables and views: docs/schema.md.\n\n"
      "options");
  std::string db_path, format_name = "table";
  int64_t budget_ms = 0;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database file")(
      "format", po::value(&format_name), "table, csv or json (JSON lines)")(
      "timeout-ms", po::value(&budget_ms), "interrupt the query after this long (0 = never)");
  std::vector<std::string> sql_parts;
  po::options_description hidden;
  hidden.add_options()("sql", po::value(&sql_parts));
  po::positional_options_description pos;
  pos.add("sql", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (db_path.empty()) return UsageError(opts, "query: --db is required");
  if (sql_parts.empty()) return UsageError(opts, "query: no SQL given");
  Result<OutputFormat> format = ParseOutputFormat(format_name);
  if (!format.ok()) return UsageError(opts, format.status().message());
  std::string sql;
  for (const std::string& part : sql_parts) sql += (sql.empty() ? "" : " ") + part;

  auto db = Database::Open(db_path, {.read_only = true});
  if (!db.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(db.status().message()).c_str());
    return ExitCodeFor(db.status());
  }
  (*db)->SetTimeBudget(budget_ms);
  Result<Statement> statement = (*db)->Prepare(sql);
  Result<ResultTable> table =
      statement.ok() ? Collect(&statement.value()) : Result<ResultTable>(statement.status());
  if (!table.ok()) {
    std::fprintf(stderr, "amber-replay: query: %s\n",
                 EscapeForTerminal(table.status().message()).c_str());
    return table.status().code() == StatusCode::kInvalidArgument ||
                   table.status().code() == StatusCode::kPermissionDenied
               ? 2
               : ExitCodeFor(table.status());
  }
  Render(*table, *format, isatty(STDOUT_FILENO) != 0, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace amber::replay
