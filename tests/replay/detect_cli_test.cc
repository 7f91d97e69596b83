// The detect, rules and test commands end to end (exit codes, --fail-on), on small cases.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "replay/commands.h"
#include "tests/replay/detect_test_util.h"

namespace amber::replay {
namespace {

using testing::CaseDir;
using testing::kGoodSql;
using testing::RuleText;

class DetectCliTest : public ::testing::Test {
 protected:
  int Detect(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--db", dir_.db_path(), "--rules", dir_.rules(), "--format",
                                     "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::fflush(stdout);
    return RunDetect(args);
  }
  CaseDir dir_;
};

TEST_F(DetectCliTest, FailOnExitsOneAtOrAboveTheSeverity) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql, "medium"));
  EXPECT_EQ(Detect({}), 0);
  EXPECT_EQ(Detect({"--fail-on", "medium"}), 1);
  EXPECT_EQ(Detect({"--fail-on", "low"}), 1);
  EXPECT_EQ(Detect({"--fail-on", "high"}), 0);
  EXPECT_EQ(Detect({"--fail-on", "severe"}), 2);
}

TEST_F(DetectCliTest, BrokenRuleExits65UnlessAlertsTripFailOn) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql, "high"));
  dir_.AddRule("AMB-TEST-002", RuleText("AMB-TEST-002", "SELECT broken"));
  EXPECT_EQ(Detect({}), 65);
  EXPECT_EQ(Detect({"--fail-on", "high"}), 1);
}

TEST_F(DetectCliTest, MissingCaseIs66) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql));
  EXPECT_EQ(RunDetect({"--db", (dir_.dir() / "nope.db").string(), "--rules", dir_.rules()}), 66);
}

TEST_F(DetectCliTest, LintFindsBadRulesAndPassesThePack) {
  EXPECT_EQ(RunRules({"lint", AMBER_SOURCE_DIR "/detections"}), 0);
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", "SELECT 1 AS time_ns FROM execs"));
  EXPECT_EQ(RunRules({"lint", dir_.rules()}), 65);
  EXPECT_EQ(RunRules({"lint"}), 2);
}

TEST_F(DetectCliTest, FixtureSuiteComparesGoldens) {
  // One fixture from the tree, copied: passes; with its golden edited, fails; --update fixes it.
  namespace fs = std::filesystem;
  fs::path fixtures = dir_.dir() / "fixtures";
  fs::create_directories(fixtures / "one");
  fs::copy(AMBER_SOURCE_DIR "/fixtures/cve-2022-0185-attempt/capture.amber", fixtures / "one");
  fs::copy(AMBER_SOURCE_DIR "/fixtures/cve-2022-0185-attempt/expected-alerts.txt", fixtures / "one");
  std::vector<std::string> args = {fixtures.string(), "--rules", AMBER_SOURCE_DIR "/detections",
                                   "--allow-silent-rules"};
  EXPECT_EQ(RunTest(args), 0);
  std::ofstream(fixtures / "one" / "expected-alerts.txt", std::ios::app) << "AMB-X-001 high | x\n";
  EXPECT_EQ(RunTest(args), 1);
  std::vector<std::string> update = args;
  update.push_back("--update");
  EXPECT_EQ(RunTest(update), 0);
  EXPECT_EQ(RunTest(args), 0);
  // Without --allow-silent-rules, the other rules of the pack fired nowhere: a failure.
  EXPECT_EQ(RunTest({fixtures.string(), "--rules", AMBER_SOURCE_DIR "/detections"}), 1);
}

TEST_F(DetectCliTest, AnalyzeExitCodesFollowAlertsAndCaptureDamage) {
  namespace fs = std::filesystem;
  fs::path capture = dir_.dir() / "reverse-shell.amber";
  fs::copy(AMBER_SOURCE_DIR "/fixtures/reverse-shell/capture.amber", capture);
  const std::string rules = AMBER_SOURCE_DIR "/detections";
  std::fflush(stdout);
  EXPECT_EQ(RunAnalyze({capture.string(), "--rules", rules, "--format", "jsonl"}), 0);
  EXPECT_TRUE(fs::exists(capture.string() + ".db"));  // the case beside the capture
  EXPECT_EQ(RunAnalyze({capture.string(), "--rules", rules, "--fail-on", "high"}), 1);
  EXPECT_EQ(RunAnalyze({capture.string(), "--rules", rules, "--fail-on", "critical"}), 0);
  // A flipped byte in the middle of the file: tampered or corrupt, refused without --force.
  {
    std::fstream f(capture, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(capture) / 2));
    char byte = 0;
    f.read(&byte, 1);
    f.seekp(static_cast<std::streamoff>(fs::file_size(capture) / 2));
    byte = static_cast<char>(byte ^ 0x55);
    f.write(&byte, 1);
  }
  EXPECT_EQ(RunAnalyze({capture.string(), "--rules", rules}), 65);
  EXPECT_EQ(RunAnalyze({(dir_.dir() / "missing.amber").string(), "--rules", rules}), 66);
}

}  // namespace
}  // namespace amber::replay
