// amber-replay test FIXTURES_DIR [--update] [--rules DIR]: the fixture suite, in the manner of
// suricata-verify. Each folder holds capture(s) (*.amber) and expected-alerts.txt (golden.h).
#include <boost/program_options.hpp>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/text.h"
#include "replay/analyze.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/detect.h"
#include "replay/detect_cli.h"
#include "replay/fixture_source.h"
#include "replay/golden.h"

namespace amber::replay {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kGoldenName = "expected-alerts.txt";

struct FixtureResult {
  std::string name;
  std::string result;  // pass, FAIL, updated, pending
  size_t alerts = 0;
  std::vector<std::string> details;
};

std::string ReadFile(const fs::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  *ok = static_cast<bool>(in) || in.eof();
  return s.str();
}

class Suite {
 public:
  Suite(const RuleSet* rules, bool update, fs::path scratch)
      : rules_(rules), update_(update), scratch_(std::move(scratch)) {}

  FixtureResult Run(const fs::path& dir) {
    FixtureResult r;
    r.name = dir.filename().string();
    std::vector<std::string> captures;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".amber") captures.push_back(entry.path().string());
    }
    std::sort(captures.begin(), captures.end());
    if (captures.empty()) {
      r.result = fs::exists(dir / "scenario.sh") ? "pending" : "FAIL";
      r.details.push_back(fs::exists(dir / "scenario.sh")
                              ? "not recorded yet (scenario.sh; scripts/record-fixture.sh)"
                              : "no capture (*.amber)");
      return r;
    }
    // A synthetic fixture's capture must still be what its source says.
    if (fs::exists(dir / "events.jsonl") && fs::exists(dir / "capture.amber")) {
      Status same = CheckCaptureMatchesSource((dir / "events.jsonl").string(),
                                              (dir / "capture.amber").string());
      if (!same.ok()) r.details.push_back("source: " + same.message());
    }
    const std::string db = (scratch_ / (r.name + ".db")).string();
    Result<CaseBuild> build = BuildCase(captures, db, false);
    if (!build.ok()) return Fail(r, "load: " + build.status().message());
    DetectOptions options;
    options.write_alerts = true;
    Result<DetectReport> report = RunDetections(db, *rules_, options);
    if (!report.ok()) return Fail(r, "detect: " + report.status().message());
    r.alerts = report->alerts.size();
    for (const RuleOutcome& o : report->outcomes) {
      if (!o.status.ok()) r.details.push_back("rule " + o.rule->id + " failed: " + o.status.message());
      if (o.alerts > 0) fired_.insert(o.rule->id);
    }
    std::vector<std::string> actual = CanonicalAlerts(report->alerts);

    const fs::path golden_path = dir / kGoldenName;
    bool read_ok = false;
    std::string text = fs::exists(golden_path) ? ReadFile(golden_path, &read_ok) : "";
    Result<Golden> golden = ParseGolden(text);
    if (!golden.ok()) return Fail(r, golden.status().message());
    std::optional<Severity> max = MaxSeverity(report->alerts);
    if (golden->max_severity && max && *max > *golden->max_severity) {
      for (const Alert& a : report->alerts) {
        if (a.severity > *golden->max_severity) {
          r.details.push_back("above max-severity " +
                              std::string(SeverityName(*golden->max_severity)) + ": " +
                              CanonicalAlert(a));
        }
      }
    }
    if (update_) {
      std::ofstream out(golden_path, std::ios::binary | std::ios::trunc);
      out << FormatGolden(golden->comments, actual);
      if (!out) return Fail(r, "write " + golden_path.string());
      r.result = r.details.empty() ? "updated" : "FAIL";
      return r;
    }
    if (!fs::exists(golden_path)) r.details.push_back("no " + std::string(kGoldenName));
    GoldenDiff diff = CompareGolden(golden->lines, actual);
    for (const std::string& l : diff.missing) r.details.push_back("- " + l);
    for (const std::string& l : diff.unexpected) r.details.push_back("+ " + l);
    r.result = r.details.empty() ? "pass" : "FAIL";
    return r;
  }

  const std::set<std::string>& fired() const { return fired_; }

 private:
  static FixtureResult Fail(FixtureResult r, const std::string& why) {
    r.result = "FAIL";
    r.details.push_back(why);
    return r;
  }
  const RuleSet* rules_;
  bool update_;
  fs::path scratch_;
  std::set<std::string> fired_;
};

}  // namespace

int RunTest(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay test FIXTURES_DIR [--update] [--rules DIR] [--only NAME...]\n\n"
      "For each folder of FIXTURES_DIR: loads its captures (*.amber) into a scratch case, runs\n"
      "the rules, and compares the canonical alerts with expected-alerts.txt (replay/golden.h).\n"
      "Prints a pass/fail table with the differences ('-' expected but missing, '+' unexpected).\n"
      "A '# max-severity: LEVEL' comment in a golden file fails the fixture when anything above\n"
      "LEVEL fires (benign workloads). A rule that fires in no fixture fails the suite unless\n"
      "--allow-silent-rules. --update rewrites the golden files for review (comments kept).\n"
      "Exit 0 all pass, 1 any difference, 66 no such directory.\n\n"
      "options");
  std::string rules_dir;
  std::vector<std::string> only, dirs;
  opts.add_options()("help,h", "this help")("update", "rewrite the golden files")(
      "rules", po::value(&rules_dir), "rule directory (default: $AMBER_RULES or detections/)")(
      "only", po::value(&only)->multitoken(), "run only these fixtures")(
      "allow-silent-rules", "do not fail when a rule fires in no fixture")(
      "keep", "keep the scratch case databases (their path is printed)");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dirs));
  po::positional_options_description pos;
  pos.add("dir", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (dirs.size() != 1) return UsageError(opts, "test: give one fixtures directory");
  std::error_code ec;
  if (!fs::is_directory(dirs[0], ec)) {
    std::fprintf(stderr, "amber-replay: test %s: no such directory\n",
                 EscapeForTerminal(dirs[0]).c_str());
    return 66;
  }
  std::optional<RuleSet> rules = LoadRulesReporting(rules_dir);
  if (!rules) return 66;

  std::string scratch_template = (fs::temp_directory_path() / "amber-test-XXXXXX").string();
  if (mkdtemp(scratch_template.data()) == nullptr) {
    std::fprintf(stderr, "amber-replay: test: cannot create a scratch directory\n");
    return 74;
  }
  const fs::path scratch = scratch_template;
  std::vector<fs::path> fixtures;
  for (const auto& entry : fs::directory_iterator(dirs[0], ec)) {
    if (!entry.is_directory()) continue;
    std::string name = entry.path().filename().string();
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    fixtures.push_back(entry.path());
  }
  std::sort(fixtures.begin(), fixtures.end());

  Suite suite(&*rules, vm.count("update") > 0, scratch);
  int failed = 0, passed = 0, pending = 0;
  std::printf("%-40s %-8s %6s\n", "FIXTURE", "RESULT", "ALERTS");
  for (const fs::path& dir : fixtures) {
    FixtureResult r = suite.Run(dir);
    std::printf("%-40s %-8s %6zu\n", EscapeForTerminal(r.name).c_str(), r.result.c_str(), r.alerts);
    for (const std::string& d : r.details) std::printf("    %s\n", EscapeForTerminal(d).c_str());
    if (r.result == "FAIL") ++failed;
    else if (r.result == "pending") ++pending;
    else ++passed;
  }
  bool silent_fail = false;
  if (only.empty()) {
    std::vector<std::string> silent;
    for (const Rule& rule : rules->rules) {
      if (!suite.fired().count(rule.id)) silent.push_back(rule.id);
    }
    if (!silent.empty()) {
      std::printf("rules that fired in no fixture:");
      for (const std::string& id : silent) std::printf(" %s", id.c_str());
      std::printf("\n");
      silent_fail = !vm.count("allow-silent-rules");
    }
  }
  if (!rules->problems.empty()) {
    std::printf("%zu rule file(s) could not be loaded\n", rules->problems.size());
    silent_fail = true;
  }
  std::printf("%d passed, %d failed, %d pending; %zu rules, %zu fired\n", passed, failed, pending,
              rules->rules.size(), suite.fired().size());
  if (vm.count("keep")) {
    std::printf("scratch cases kept in %s\n", scratch.string().c_str());
  } else {
    fs::remove_all(scratch, ec);
  }
  return failed > 0 || silent_fail ? 1 : 0;
}

}  // namespace amber::replay
