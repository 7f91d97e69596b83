#include "replay/rule.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace amber::replay {

namespace {

constexpr const char* kSeverityNames[] = {"info", "low", "medium", "high", "critical"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsKeyChar(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

bool IsHeaderKey(std::string_view key) {
  return std::any_of(std::begin(kRuleHeaderKeys), std::end(kRuleHeaderKeys),
                     [&](const char* k) { return key == k; });
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  return kSeverityNames[static_cast<int>(severity)];
}

Result<Severity> ParseSeverity(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kSeverityNames[i]) return static_cast<Severity>(i);
  }
  return Status::InvalidArgument("severity '" + std::string(name) +
                                 "': expected info, low, medium, high or critical");
}

bool IsTechniqueId(std::string_view id) {
  auto digits = [](std::string_view s, size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
             return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
  };
  if (id.size() < 5 || id[0] != 'T' || !digits(id.substr(1, 4), 4)) return false;
  if (id.size() == 5) return true;
  return id.size() == 9 && id[5] == '.' && digits(id.substr(6), 3);
}

bool IsRuleId(std::string_view id) {
  if (id.substr(0, 4) != "AMB-") return false;
  id.remove_prefix(4);
  size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash < 2 || dash > 8) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (id[i] < 'A' || id[i] > 'Z') return false;
  }
  std::string_view num = id.substr(dash + 1);
  return num.size() == 3 && std::all_of(num.begin(), num.end(), [](char c) {
           return c >= '0' && c <= '9';
         });
}

Result<Rule> ParseRule(std::string_view text, std::string path) {
  Rule rule;
  rule.path = std::move(path);
  std::map<std::string, std::string, std::less<>> values;
  std::string last_key;
  size_t pos = 0;
  int line_no = 0;
  auto error = [&](const std::string& reason) {
    return Status::InvalidArgument("line " + std::to_string(line_no) + ": " + reason);
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    std::string_view trimmed = Trim(line);
    if (trimmed.empty() && values.empty()) {  // blank lines before the header
      ++line_no;
      pos = end + 1;
      continue;
    }
    if (trimmed.substr(0, 2) != "--") break;  // the SQL starts here
    ++line_no;
    pos = end + 1;
    std::string_view body = trimmed.substr(2);
    std::string_view content = Trim(body);
    if (content.empty()) {  // "--" alone: a paragraph break inside a value, or spacing
      last_key.clear();
      continue;
    }
    size_t colon = content.find(':');
    std::string_view key = colon == std::string_view::npos ? "" : content.substr(0, colon);
    bool looks_like_key = !key.empty() && std::all_of(key.begin(), key.end(), IsKeyChar) &&
                          body.size() > 0 && body[0] == ' ' && (body.size() < 2 || body[1] != ' ');
    if (looks_like_key) {
      if (!IsHeaderKey(key)) return error("unknown header key '" + std::string(key) + "'");
      if (values.count(key)) return error("header key '" + std::string(key) + "' given twice");
      last_key = std::string(key);
      values[last_key] = std::string(Trim(content.substr(colon + 1)));
      continue;
    }
    // "--   more text": continues the previous value.
    if (!last_key.empty() && body.size() >= 2 && body[0] == ' ' && body[1] == ' ') {
      std::string& v = values[last_key];
      v += v.empty() ? "" : " ";
      v += std::string(content);
      continue;
    }
    if (values.empty()) return error("expected a '-- key: value' header line");
    // Any other comment ends the header; it belongs to the SQL.
    line_no -= 1;
    pos -= line.size() + 1;
    break;
  }
  rule.sql_line = line_no + 1;
  rule.sql = std::string(TrimSpace(text.substr(std::min(pos, text.size()))));
  for (const char* key : kRuleHeaderKeys) {
    auto it = values.find(key);
    if (it == values.end() || it->second.empty()) {
      return Status::InvalidArgument(std::string("header: missing '") + key + "'");
    }
  }
  rule.id = values["id"];
  rule.title = values["title"];
  rule.description = values["description"];
  rule.why = values["why"];
  rule.false_positives = values["false_positives"];
  if (!IsRuleId(rule.id)) {
    return Status::InvalidArgument("header: id '" + rule.id + "' is not AMB-<DOMAIN>-NNN");
  }
  Result<Severity> severity = ParseSeverity(values["severity"]);
  if (!severity.ok()) return severity.status().Annotate("header");
  rule.severity = *severity;
  std::string_view mitre = values["mitre"];
  while (!mitre.empty()) {
    size_t comma = mitre.find(',');
    std::string_view item = Trim(mitre.substr(0, comma));
    if (!IsTechniqueId(item)) {
      return Status::InvalidArgument("header: mitre '" + std::string(item) +
                                     "' is not a technique id (T1234 or T1234.567)");
    }
    rule.mitre.emplace_back(item);
    mitre = comma == std::string_view::npos ? std::string_view() : mitre.substr(comma + 1);
  }
  if (rule.sql.empty()) return Status::InvalidArgument("no SELECT after the header");
  return rule;
}

}  // namespace amber::replay
