// amber-replay tree --db case.db (--container C | --pid N): the descendants of a container's
// processes or of a process, indented, with argv, start and exit.
#include <boost/program_options.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/db.h"

namespace amber::replay {

namespace po = boost::program_options;

namespace {

// Roots: the process(es) with that pid, or the processes of the container whose parent is not in
// it, less those that descend from another root (a container process whose parent is runc's
// unattributed init, itself the child of a container process, is shown once, in place). Siblings
// in id order, which is creation order.
constexpr const char* kTreeSql =
    "WITH RECURSIVE candidates(id) AS ("
    "  SELECT id FROM processes WHERE ?1 IS NOT NULL AND pid = ?1"
    "  UNION"
    "  SELECT p.id FROM processes p WHERE ?2 IS NOT NULL AND p.container_id IN"
    "    (SELECT id FROM containers WHERE substr(runtime_id, 1, length(?2)) = ?2 OR name = ?2)"
    "    AND coalesce((SELECT q.container_id FROM processes q WHERE q.id = p.parent_id), -1)"
    "        IS NOT p.container_id"
    "), roots(id) AS ("
    "  SELECT c.id FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM process_ancestors a"
    "    WHERE a.process_id = c.id AND a.depth > 0 AND a.ancestor_id IN (SELECT id FROM candidates))"
    "), sub(id, depth, path) AS ("
    "  SELECT id, 0, printf('%012d', id) FROM roots"
    "  UNION ALL"
    "  SELECT p.id, s.depth + 1, s.path || '/' || printf('%012d', p.id)"
    "  FROM processes p JOIN sub s ON p.parent_id = s.id WHERE s.depth < 256"
    ") SELECT s.depth, p.pid, p.start_time, p.exit_time, p.exit_code, p.exit_signal, p.exe,"
    "         p.argv_raw, p.origin, p.ended_by, p.id, p.exec_count"
    "  FROM sub s JOIN processes p ON p.id = s.id ORDER BY s.path";

std::string EscapedArgv(std::string_view raw) {
  std::string out;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string_view::npos) end = raw.size();
    if (!out.empty()) out.push_back(' ');
    out += EscapeForTerminal(raw.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Every image a process ran in the case, in order: its successful execs.
constexpr const char* kExecsSql =
    "SELECT argv_raw, filename FROM execs WHERE process_id = ?1 AND ret >= 0 ORDER BY time_ns, id";

// "argv" of the process's image; with more than one exec, every image in turn, "a -> b -> c", so
// `sh -c 'id; cat f'` that exec'd cat shows both (processes.argv_raw holds the last one only).
Result<std::string> Images(Statement* execs, int64_t process_id, int64_t exec_count,
                           std::string_view last_argv, std::string_view exe) {
  std::string last = EscapedArgv(last_argv);
  if (last.empty()) last = EscapeForTerminal(exe);
  if (exec_count < 2) return last;
  execs->Reset();
  execs->BindInt(1, process_id);
  std::vector<std::string> images;
  for (;;) {
    Result<bool> row = execs->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string argv = EscapedArgv(execs->ColumnBytes(0));
    images.push_back(argv.empty() ? EscapeForTerminal(execs->ColumnBytes(1)) : argv);
  }
  if (images.size() < 2) return last;
  std::string out;
  for (const std::string& image : images) out += (out.empty() ? "" : " -> ") + image;
  return out;
}

}  // namespace

int RunTree(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay tree --db case.db (--container C | --pid N)\n\n"
      "An indented process tree: the descendants of every incarnation of pid N, or of the\n"
      "processes of container C (id prefix or name), with argv, start and exit. A process that\n"
      "exec'd more than once shows each image in turn: a -> b.\n\n"
      "options");
  std::string db_path, container;
  int64_t pid = -1;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database file")(
      "container", po::value(&container), "container id prefix or name")(
      "pid", po::value(&pid), "process id");
  po::options_description hidden;
  po::positional_options_description pos;
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (db_path.empty()) return UsageError(opts, "tree: --db is required");
  if (container.empty() == (pid < 0)) return UsageError(opts, "tree: give --container or --pid");

  auto db = Database::Open(db_path, {.read_only = true});
  if (!db.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(db.status().message()).c_str());
    return ExitCodeFor(db.status());
  }
  Result<Statement> s = (*db)->Prepare(kTreeSql);
  if (!s.ok()) {
    std::fprintf(stderr, "amber-replay: tree: %s\n", s.status().message().c_str());
    return ExitCodeFor(s.status());
  }
  Result<Statement> execs = (*db)->Prepare(kExecsSql);
  if (!execs.ok()) {
    std::fprintf(stderr, "amber-replay: tree: %s\n", execs.status().message().c_str());
    return ExitCodeFor(execs.status());
  }
  if (pid >= 0) s->BindInt(1, pid);
  if (!container.empty()) s->BindText(2, container);
  int rows = 0;
  for (Result<bool> r = s->Step();; r = s->Step()) {
    if (!r.ok()) {
      std::fprintf(stderr, "amber-replay: tree: %s\n", r.status().message().c_str());
      return ExitCodeFor(r.status());
    }
    if (!r.value()) break;
    ++rows;
    std::string line(static_cast<size_t>(s->ColumnInt(0)) * 2, ' ');
    line += std::to_string(s->ColumnInt(1)) + " ";
    Result<std::string> images =
        Images(&*execs, s->ColumnInt(10), s->ColumnInt(11), s->ColumnBytes(7), s->ColumnBytes(6));
    if (!images.ok()) {
      std::fprintf(stderr, "amber-replay: tree: %s\n", images.status().message().c_str());
      return ExitCodeFor(images.status());
    }
    line += *images;
    line += "  [" + s->ColumnString(2);
    if (s->column_type(3) != ColumnType::kNull) {
      line += " .. " + s->ColumnString(3) + " exit " + std::to_string(s->ColumnInt(4));
      if (s->ColumnInt(5) != 0) line += " signal " + std::to_string(s->ColumnInt(5));
    } else if (s->ColumnBytes(9) == "pid_reuse") {
      line += " .. (exit unseen)";
    }
    line += "]";
    if (s->ColumnBytes(8) == "inferred") line += " (inferred)";
    std::printf("%s\n", line.c_str());
  }
  if (rows == 0) {
    std::fprintf(stderr, "amber-replay: tree: no such process or container\n");
    return 66;
  }
  return 0;
}

}  // namespace amber::replay
