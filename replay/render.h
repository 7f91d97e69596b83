// Rendering of query results and of hostile bytes, for people and for files.
//
// Bytes from a capture are made safe to show through common/text.h's EscapeForTerminal (the one
// escaping routine of the project): on a terminal, control characters (ESC included), DEL, C1
// controls and bytes that are not valid UTF-8 are shown as escapes ("\x1b"), and a backslash as
// "\\", so a file name cannot move the cursor, recolour the screen or pretend to be another name. Written to a file
// (not a terminal), CSV keeps the exact bytes and JSON is valid JSON (invalid bytes as "\xNN"
// text, the only lossy case, and said so in docs/schema.md).
//
// ResultTable is a plain value filled from any query (cmd_query, cmd_timeline, tests); the
// renderers never see SQLite. Stateless functions; thread-safe.
#ifndef AMBER_REPLAY_RENDER_H_
#define AMBER_REPLAY_RENDER_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace amber::replay {

class Statement;

enum class OutputFormat { kTable, kCsv, kJson };
// "table", "csv", "json"; InvalidArgument otherwise.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

struct Cell {
  enum class Kind { kNull, kInteger, kFloat, kText, kBlob } kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // kText / kBlob
};

struct ResultTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// Runs a prepared statement to completion into a table (at most max_rows rows; 0 = all).
Result<ResultTable> Collect(Statement* statement, size_t max_rows = 0);

// `terminal`: the output is a terminal (escape everything unsafe, whatever the format).
void Render(const ResultTable& table, OutputFormat format, bool terminal, std::ostream& out);

// A JSON string literal (quotes included). Invalid UTF-8 bytes become "\\xNN" text when
// hex_invalid, else U+FFFD; control characters use \uXXXX; with terminal_safe, C1 controls and
// bidi overrides are \u-escaped too.
void AppendJsonString(std::string* out, std::string_view bytes, bool hex_invalid,
                      bool terminal_safe = false);
std::string JsonString(std::string_view bytes, bool hex_invalid);
// A JSON array of strings, invalid bytes as U+FFFD (the argv column).
std::string JsonStringArray(const std::vector<std::string>& items);

// The text of a cell for humans: NULL as "", numbers in decimal, bytes escaped if terminal.
std::string CellText(const Cell& cell, bool terminal);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_RENDER_H_
