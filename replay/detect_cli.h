// Pieces shared by the detect, analyze and test commands: the rule options, loading the pack with
// its problems reported, and the --fail-on decision. Not a library API; CLI glue.
#ifndef AMBER_REPLAY_DETECT_CLI_H_
#define AMBER_REPLAY_DETECT_CLI_H_

#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "replay/alert_render.h"
#include "replay/detect.h"
#include "replay/rule_set.h"

namespace amber::replay {

// The options `detect` and `analyze` share: --rules, --format, --fail-on, --budget-ms. Add() them
// to a command's options, parse, then Resolve() checks the values.
struct DetectCliOptions {
  std::string rules_dir;  // "" = DefaultRuleDir()
  std::string format_name = "table";
  std::string fail_on_name;
  int64_t budget_ms = DetectOptions{}.budget_ms;

  // Set by Resolve().
  AlertFormat format = AlertFormat::kTable;
  std::optional<Severity> fail_on;

  void Add(boost::program_options::options_description* opts);
  // InvalidArgument with a message fit for UsageError() when a value is not understood.
  Status Resolve();
};

// Loads the rules at `dir` ("" = DefaultRuleDir()), printing each problem to stderr as
// "amber-replay: rule <path>: <message> (skipped)". nullopt (after printing) when the directory
// cannot be read.
std::optional<RuleSet> LoadRulesReporting(const std::string& dir);

// Prints each failed rule outcome to stderr: "amber-replay: rule AMB-X-001 failed: <reason>".
void ReportRuleFailures(const DetectReport& report);

// Prints "  12.3 ms  AMB-X-001  4 alerts" per rule to stderr, slowest first, and the total.
void PrintRuleTimings(const DetectReport& report);

// The exit code after detection: 1 when fail_on is set and an alert at or above it fired, else 65
// when a rule failed or could not be loaded, else 0.
int DetectExitCode(const DetectReport& report, const std::optional<Severity>& fail_on,
                   bool rule_problems);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_DETECT_CLI_H_
