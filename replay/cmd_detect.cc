// amber-replay detect --db case.db [--rules DIR] [--format table|jsonl|ecs] [--fail-on SEVERITY]
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "common/text.h"
#include "replay/alert_render.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/detect.h"
#include "replay/detect_cli.h"

namespace amber::replay {

namespace po = boost::program_options;

int RunDetect(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay detect --db case.db [--rules DIR] [--format table|jsonl|ecs]\n"
      "                           [--fail-on SEVERITY] [--budget-ms N]\n\n"
      "Runs every rule (detections/README.md) over the case, read-only and under a time budget\n"
      "each, replaces the case's alerts with what fires, and prints them. A rule that fails is\n"
      "reported by id and the others still run.\n"
      "Exit 1 when an alert at or above --fail-on fired, 65 when a rule failed, 0 otherwise;\n"
      "66 missing case, 2 usage.\n\n"
      "options");
  std::string db_path;
  DetectCliOptions common;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database file");
  common.Add(&opts);
  opts.add_options()(
      "timing", "print each rule's run time and alert count to stderr, slowest first")(
      "no-write", "leave the case's alerts table alone (a read-only case)");
  po::options_description hidden;
  po::positional_options_description pos;
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (db_path.empty()) return UsageError(opts, "detect: --db is required");
  if (Status s = common.Resolve(); !s.ok()) return UsageError(opts, s.message());
  std::optional<RuleSet> rules = LoadRulesReporting(common.rules_dir);
  if (!rules) return 66;
  DetectOptions options;
  options.budget_ms = common.budget_ms;
  options.write_alerts = vm.count("no-write") == 0;
  Result<DetectReport> report = RunDetections(db_path, *rules, options);
  if (!report.ok()) {
    std::fprintf(stderr, "amber-replay: detect: %s\n",
                 EscapeForTerminal(report.status().message()).c_str());
    return ExitCodeFor(report.status());
  }
  ReportRuleFailures(*report);
  if (vm.count("timing")) PrintRuleTimings(*report);
  RenderAlerts(report->alerts, common.format, std::cout);
  std::cout.flush();
  return DetectExitCode(*report, common.fail_on, !rules->problems.empty());
}

}  // namespace amber::replay
