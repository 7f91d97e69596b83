// A detection rule: one `.sql` file of detections/ (detections/README.md describes the format).
//
// The file opens with a header of `-- key: value` lines (id, title, severity, mitre, description,
// why, false_positives; a line `--   more text` continues the previous value), then holds exactly
// one SELECT. Rules are data, and untrusted data at that: parsing checks the header strictly (an
// unknown or repeated key is an error, so a typo cannot silently drop a field) and leaves the SQL
// to the runner (replay/detect.h), which prepares it under a read-only authorizer.
//
// Values; pure functions; thread-safe.
#ifndef AMBER_REPLAY_RULE_H_
#define AMBER_REPLAY_RULE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace amber::replay {

enum class Severity { kInfo = 0, kLow, kMedium, kHigh, kCritical };

// "info", "low", "medium", "high", "critical".
std::string_view SeverityName(Severity severity);
// The inverse of SeverityName; InvalidArgument for anything else.
Result<Severity> ParseSeverity(std::string_view name);

struct Rule {
  std::string id;                  // AMB-<DOMAIN>-NNN
  std::string title;
  Severity severity = Severity::kInfo;
  std::vector<std::string> mitre;  // ATT&CK technique ids, "T1611", "T1548.001"
  std::string description;         // what fires it
  std::string why;                 // why it matters (osquery's `value`)
  std::string false_positives;
  std::string sql;                 // the SELECT, header removed
  std::string path;                // where it was read from ("" when parsed from memory)
  int sql_line = 1;                // line of the file where the SQL starts (for messages)
};

// The header keys, in the order the README lists them. All are required.
inline constexpr const char* kRuleHeaderKeys[] = {"id", "title", "severity", "mitre",
                                                  "description", "why", "false_positives"};

// The columns every rule returns (more are allowed and ignored), in this order of meaning:
// time_ns (UTC ns), process_id (processes.id), container_id (containers.id or NULL), message
// (text for people), evidence (JSON array of "table:id" strings).
inline constexpr const char* kRuleColumns[] = {"time_ns", "process_id", "container_id", "message",
                                               "evidence"};

// Parses a rule file's text. InvalidArgument "line N: <reason>" for a malformed header.
Result<Rule> ParseRule(std::string_view text, std::string path = "");

// True for "T1234" and "T1234.567".
bool IsTechniqueId(std::string_view id);
// True for "AMB-<DOMAIN>-NNN": DOMAIN of 2..8 upper-case letters, NNN three digits.
bool IsRuleId(std::string_view id);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_RULE_H_
