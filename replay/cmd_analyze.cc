// amber-replay analyze CAPTURE... [--db PATH] [--rules DIR] [--format ...] [--fail-on ...]:
// verify, load into a fresh case, detect, print alerts and what the capture could not show.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "common/text.h"
#include "replay/alert_render.h"
#include "replay/analyze.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/detect.h"
#include "replay/detect_cli.h"

namespace amber::replay {

namespace po = boost::program_options;

int RunAnalyze(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay analyze CAPTURE... [--db PATH] [--rules DIR]\n"
      "                            [--format table|jsonl|ecs] [--fail-on SEVERITY] [--budget-ms N]\n"
      "                            [--force]\n\n"
      "The common case in one step: verifies the captures, loads them into a new case database\n"
      "(CAPTURE.db beside the first capture unless --db; an old case there is replaced), runs\n"
      "the rules, prints the alerts, then what the captures could not show (damage, lost events,\n"
      "probes not attached and the rules they blind). Alerts go to stdout; with --format table\n"
      "the summary follows them on stdout, otherwise it goes to stderr.\n"
      "Exit as detect: 1 on --fail-on, 65 rule failure or refused capture, 66 missing capture.\n\n"
      "options");
  std::string db_path;
  DetectCliOptions common;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database to create");
  common.Add(&opts);
  opts.add_options()("force", "load tampered or corrupt captures too (their readable chunks)");
  std::vector<std::string> files;
  po::options_description hidden;
  hidden.add_options()("capture", po::value(&files));
  po::positional_options_description pos;
  pos.add("capture", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (files.empty()) return UsageError(opts, "analyze: no capture given");
  if (Status s = common.Resolve(); !s.ok()) return UsageError(opts, s.message());
  if (db_path.empty()) db_path = files.front() + ".db";
  std::optional<RuleSet> rules = LoadRulesReporting(common.rules_dir);
  if (!rules) return 66;

  Result<CaseBuild> build = BuildCase(files, db_path, vm.count("force") > 0);
  if (!build.ok()) {
    std::fprintf(stderr, "amber-replay: analyze: %s\n",
                 EscapeForTerminal(build.status().message()).c_str());
    return ExitCodeFor(build.status());
  }
  DetectOptions options;
  options.budget_ms = common.budget_ms;
  Result<DetectReport> report = RunDetections(db_path, *rules, options);
  if (!report.ok()) {
    std::fprintf(stderr, "amber-replay: detect: %s\n",
                 EscapeForTerminal(report.status().message()).c_str());
    return ExitCodeFor(report.status());
  }
  ReportRuleFailures(*report);
  Result<std::vector<std::string>> blind = DescribeBlindSpots(db_path, *rules);

  const bool table = common.format == AlertFormat::kTable;
  FILE* summary = table ? stdout : stderr;
  if (table) {
    for (const std::string& line : build->capture_lines) {
      std::printf("%s\n", EscapeForTerminal(line).c_str());
    }
    std::printf("case: %s (%zu rules)\n\n", EscapeForTerminal(db_path).c_str(),
                rules->rules.size());
  }
  RenderAlerts(report->alerts, common.format, std::cout);
  std::cout.flush();
  if (!blind.ok()) {
    std::fprintf(stderr, "amber-replay: blind spots: %s\n",
                 EscapeForTerminal(blind.status().message()).c_str());
  } else if (blind->empty()) {
    std::fprintf(summary, "%scoverage: captures intact, no events lost, every probe attached\n",
                 table ? "\n" : "");
  } else {
    std::fprintf(summary, "%swhat the capture could not show (bears on the verdict):\n",
                 table ? "\n" : "");
    for (const std::string& line : *blind) {
      std::fprintf(summary, "  - %s\n", EscapeForTerminal(line).c_str());
    }
  }
  return DetectExitCode(*report, common.fail_on, !rules->problems.empty());
}

}  // namespace amber::replay
