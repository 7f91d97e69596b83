#include "replay/detect_cli.h"

#include <cstdio>

#include "common/text.h"

namespace amber::replay {

std::optional<RuleSet> LoadRulesReporting(const std::string& dir) {
  std::string path = dir.empty() ? DefaultRuleDir() : dir;
  Result<RuleSet> rules = LoadRuleSet(path);
  if (!rules.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(rules.status().message()).c_str());
    return std::nullopt;
  }
  for (const RuleProblem& p : rules->problems) {
    std::fprintf(stderr, "amber-replay: rule %s: %s (skipped)\n", EscapeForTerminal(p.path).c_str(),
                 EscapeForTerminal(p.message).c_str());
  }
  return std::move(rules).value();
}

void ReportRuleFailures(const DetectReport& report) {
  for (const RuleOutcome& o : report.outcomes) {
    if (o.status.ok()) continue;
    std::fprintf(stderr, "amber-replay: rule %s failed: %s\n", o.rule->id.c_str(),
                 EscapeForTerminal(o.status.message()).c_str());
  }
}

int DetectExitCode(const DetectReport& report, const std::optional<Severity>& fail_on,
                   bool rule_problems) {
  std::optional<Severity> max = MaxSeverity(report.alerts);
  if (fail_on && max && *max >= *fail_on) return 1;
  if (rule_problems || report.failed_rules() > 0) return 65;
  return 0;
}

}  // namespace amber::replay
