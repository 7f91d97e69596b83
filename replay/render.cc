#include "replay/render.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "common/text.h"
#include "replay/db.h"

namespace amber::replay {

namespace {

// Decodes one UTF-8 sequence at s[i]; its length, or 0 when the byte starts no valid sequence.
size_t Utf8Next(std::string_view s, size_t i, uint32_t* cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len;
  uint32_t v;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    v = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    v = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3f);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
      (v >= 0xd800 && v <= 0xdfff)) {
    return 0;
  }
  *cp = v;
  return len;
}

// Code points a terminal would act on: C0, DEL, C1, bidi embeddings/overrides/isolates,
// line/paragraph separators.
bool IsUnsafeForTerminal(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
         cp == 0x200f || cp == 0x061c;
}

void AppendUnicodeEscape(std::string* out, uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u%04" PRIx32, cp);
  out->append(buf);
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return Status::InvalidArgument("output format " + std::string(name) +
                                 ": expected table, csv or json");
}

void AppendJsonString(std::string* out, std::string_view bytes, bool hex_invalid,
                      bool terminal_safe) {
  out->push_back('"');
  size_t i = 0;
  while (i < bytes.size()) {
    uint32_t cp = 0;
    size_t len = Utf8Next(bytes, i, &cp);
    if (len == 0) {
      if (hex_invalid) {
        // JSON text must be UTF-8: the byte is shown as the four characters \xNN, so the
        // backslash itself is escaped for JSON.
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\\\x%02x", static_cast<unsigned char>(bytes[i]));
        out->append(buf);
      } else {
        out->append("\xef\xbf\xbd");  // U+FFFD
      }
      ++i;
      continue;
    }
    switch (cp) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default:
        if (cp < 0x20 || cp == 0x7f || (terminal_safe && IsUnsafeForTerminal(cp))) {
          AppendUnicodeEscape(out, cp);
        } else {
          out->append(bytes.substr(i, len));
        }
    }
    i += len;
  }
  out->push_back('"');
}

std::string JsonString(std::string_view bytes, bool hex_invalid) {
  std::string out;
  AppendJsonString(&out, bytes, hex_invalid);
  return out;
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, items[i], /*hex_invalid=*/false);
  }
  out.push_back(']');
  return out;
}

Result<ResultTable> Collect(Statement* statement, size_t max_rows) {
  ResultTable table;
  int n = statement->column_count();
  for (int c = 0; c < n; ++c) table.columns.emplace_back(statement->column_name(c));
  while (max_rows == 0 || table.rows.size() < max_rows) {
    Result<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    std::vector<Cell> cells(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      Cell& cell = cells[static_cast<size_t>(c)];
      switch (statement->column_type(c)) {
        case ColumnType::kNull: cell.kind = Cell::Kind::kNull; break;
        case ColumnType::kInteger:
          cell.kind = Cell::Kind::kInteger;
          cell.integer = statement->ColumnInt(c);
          break;
        case ColumnType::kFloat:
          cell.kind = Cell::Kind::kFloat;
          cell.real = statement->ColumnDouble(c);
          break;
        case ColumnType::kText:
          cell.kind = Cell::Kind::kText;
          cell.bytes = statement->ColumnString(c);
          break;
        case ColumnType::kBlob:
          cell.kind = Cell::Kind::kBlob;
          cell.bytes = statement->ColumnString(c);
          break;
      }
    }
    table.rows.push_back(std::move(cells));
  }
  statement->Reset();
  return table;
}

std::string CellText(const Cell& cell, bool terminal) {
  switch (cell.kind) {
    case Cell::Kind::kNull: return "";
    case Cell::Kind::kInteger: return std::to_string(cell.integer);
    case Cell::Kind::kFloat: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", cell.real);
      return buf;
    }
    case Cell::Kind::kText:
    case Cell::Kind::kBlob: return terminal ? EscapeForTerminal(cell.bytes) : cell.bytes;
  }
  return "";
}

namespace {

// Display width of escaped (valid UTF-8) text: code points, a fair approximation for alignment.
size_t Width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xc0) != 0x80;
  return w;
}

void RenderTable(const ResultTable& t, std::ostream& out) {
  // Tables are for people: always escaped, whatever the destination.
  std::vector<std::vector<std::string>> text;
  std::vector<size_t> widths;
  for (const std::string& c : t.columns) widths.push_back(Width(EscapeForTerminal(c)));
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < row.size(); ++c) {
      cells.push_back(CellText(row[c], /*terminal=*/true));
      widths[c] = std::max(widths[c], Width(cells.back()));
    }
    text.push_back(std::move(cells));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out << "  ";
      out << cells[c];
      if (c + 1 < cells.size()) out << std::string(widths[c] - Width(cells[c]), ' ');
    }
    out << '\n';
  };
  std::vector<std::string> header;
  for (const std::string& c : t.columns) header.push_back(EscapeForTerminal(c));
  line(header);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : text) line(row);
}

std::string CsvField(std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void RenderCsv(const ResultTable& t, bool terminal, std::ostream& out) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    out << (c ? "," : "") << CsvField(terminal ? EscapeForTerminal(t.columns[c]) : t.columns[c]);
  }
  out << "\r\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << CsvField(CellText(row[c], terminal));
    out << "\r\n";
  }
}

void RenderJson(const ResultTable& t, bool terminal, std::ostream& out) {
  // One JSON object per line (JSON lines), keys in column order.
  for (const auto& row : t.rows) {
    std::string line = "{";
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line.push_back(',');
      AppendJsonString(&line, t.columns[c], true, terminal);
      line.push_back(':');
      const Cell& cell = row[c];
      switch (cell.kind) {
        case Cell::Kind::kNull: line.append("null"); break;
        case Cell::Kind::kInteger:
        case Cell::Kind::kFloat: line.append(CellText(cell, false)); break;
        case Cell::Kind::kText:
        case Cell::Kind::kBlob: AppendJsonString(&line, cell.bytes, true, terminal); break;
      }
    }
    line.append("}\n");
    out << line;
  }
}

}  // namespace

void Render(const ResultTable& table, OutputFormat format, bool terminal, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable: RenderTable(table, out); break;
    case OutputFormat::kCsv: RenderCsv(table, terminal, out); break;
    case OutputFormat::kJson: RenderJson(table, terminal, out); break;
  }
}

}  // namespace amber::replay
