#include "replay/detect_cli.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "common/text.h"

namespace amber::replay {

void DetectCliOptions::Add(boost::program_options::options_description* opts) {
  namespace po = boost::program_options;
  opts->add_options()(
      "rules", po::value(&rules_dir), "rule directory (default: $AMBER_RULES or detections/)")(
      "format", po::value(&format_name), "table, jsonl (every rule field) or ecs (Elastic)")(
      "fail-on", po::value(&fail_on_name), "exit 1 when an alert of this severity or above fires")(
      "budget-ms", po::value(&budget_ms), "time budget per rule in ms (0 = none; default 10000)");
}

Status DetectCliOptions::Resolve() {
  Result<AlertFormat> f = ParseAlertFormat(format_name);
  if (!f.ok()) return f.status();
  format = *f;
  if (budget_ms < 0) return Status::InvalidArgument("--budget-ms: must be 0 or more");
  fail_on.reset();
  if (!fail_on_name.empty()) {
    Result<Severity> s = ParseSeverity(fail_on_name);
    if (!s.ok()) return Status::InvalidArgument("--fail-on: " + s.status().message());
    fail_on = *s;
  }
  return Status::Ok();
}

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

void PrintRuleTimings(const DetectReport& report) {
  std::vector<const RuleOutcome*> sorted;
  double total = 0;
  for (const RuleOutcome& o : report.outcomes) {
    sorted.push_back(&o);
    total += o.elapsed_ms;
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto* a, auto* b) { return a->elapsed_ms > b->elapsed_ms; });
  for (const RuleOutcome* o : sorted) {
    std::fprintf(stderr, "%10.1f ms  %-13s %zu alerts%s\n", o->elapsed_ms, o->rule->id.c_str(),
                 o->alerts, o->status.ok() ? "" : "  (failed)");
  }
  std::fprintf(stderr, "%10.1f ms  total, %zu rules\n", total, report.outcomes.size());
}

int DetectExitCode(const DetectReport& report, const std::optional<Severity>& fail_on,
                   bool rule_problems) {
  std::optional<Severity> max = MaxSeverity(report.alerts);
  if (fail_on && max && *max >= *fail_on) return 1;
  if (rule_problems || report.failed_rules() > 0) return 65;
  return 0;
}

}  // namespace amber::replay
