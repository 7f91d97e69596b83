#include "replay/golden.h"

#include <algorithm>
#include <map>
#include <regex>

#include "common/text.h"
#include "replay/render.h"

namespace amber::replay {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string CanonicalMessage(std::string_view message) {
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
  static const std::regex kHex(R"(\b(0x)?[0-9a-f]{12,}\b)");
  static const std::regex kKeyed(R"(\b(pid|ppid|tid|fd|inode)([ =:#]+)\d+)");
  static const std::regex kProcPid(R"(/proc/\d+/)");
  static const std::regex kLong(R"(\b\d{7,}\b)");
  // Durations measured between two events: a re-recording's scheduling moves them.
  static const std::regex kDuration(R"(\b\d+ (ns|us|ms|s)\b)");
  std::string s = EscapeForTerminal(message);  // golden files are text: no raw bytes
  s = std::regex_replace(s, kTime, "<time>");
  s = std::regex_replace(s, kHex, "<hex>");
  s = std::regex_replace(s, kKeyed, "$1$2<n>");
  s = std::regex_replace(s, kDuration, "<n> $1");
  s = std::regex_replace(s, kLong, "<n>");
  s = std::regex_replace(s, kProcPid, "/proc/<n>/");
  return s;
}

std::string CanonicalAlert(const Alert& a) {
  std::string line = a.rule->id + " " + std::string(SeverityName(a.severity)) + " | ";
  // The process as the same masks see it: a real re-recording has other pids in /proc paths.
  line += CanonicalMessage(a.context.exe.empty() ? "?" : a.context.exe);
  line += " " + CanonicalMessage(JsonStringArray(a.context.argv)) + " | ";
  std::string container = a.context.container_name;
  if (container.empty() && a.container_id) container = "<unnamed>";
  line += container.empty() ? "-" : EscapeForTerminal(container);
  line += " | " + CanonicalMessage(a.message) + " | ";
  std::map<std::string, int> tables;
  for (const EvidenceRef& e : a.evidence) ++tables[e.table];
  bool first = true;
  for (const auto& [table, count] : tables) {
    line += (first ? "" : " ") + table + "*" + std::to_string(count);
    first = false;
  }
  return line;
}

std::vector<std::string> CanonicalAlerts(const std::vector<Alert>& alerts) {
  std::vector<std::string> lines;
  for (const Alert& a : alerts) lines.push_back(CanonicalAlert(a));
  std::sort(lines.begin(), lines.end());
  return lines;
}

Result<Golden> ParseGolden(std::string_view text) {
  Golden g;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (line.front() == '#') {
      g.comments.emplace_back(line);
      std::string_view body = Trim(line.substr(1));
      constexpr std::string_view kDirective = "max-severity:";
      if (body.substr(0, kDirective.size()) == kDirective) {
        Result<Severity> s = ParseSeverity(Trim(body.substr(kDirective.size())));
        if (!s.ok()) return s.status().Annotate("golden max-severity");
        g.max_severity = *s;
      }
      continue;
    }
    g.lines.emplace_back(line);
  }
  std::sort(g.lines.begin(), g.lines.end());
  return g;
}

std::string FormatGolden(const std::vector<std::string>& comments,
                         const std::vector<std::string>& lines) {
  std::string out;
  if (comments.empty()) {
    out += "# Expected alerts, canonical form (replay/golden.h); `amber-replay test --update` "
           "rewrites the lines.\n";
    out += "# rule severity | executable argv | container | message | evidence\n";
  }
  for (const std::string& c : comments) out += c + "\n";
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

GoldenDiff CompareGolden(const std::vector<std::string>& expected,
                         const std::vector<std::string>& actual) {
  GoldenDiff diff;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(diff.missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(diff.unexpected));
  return diff;
}

}  // namespace amber::replay
