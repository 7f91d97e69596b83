// analyze's building blocks (replay/analyze.h): a fresh case per run, and the blind-spot summary.
#include "replay/analyze.h"

#include "replay/alert_render.h"
#include "replay/detect.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/file.h"
#include "tests/replay/detect_test_util.h"
#include "tests/replay/replay_test_util.h"

namespace amber::replay {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const std::string& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

class AnalyzeTest : public ::testing::Test {
 protected:
  testing::CaseDir dir_;
  std::string db_ = (dir_.dir() / "case2.db").string();
  RuleSet rules_ = LoadRuleSet(AMBER_SOURCE_DIR "/detections").value();
};

TEST_F(AnalyzeTest, LossesAndMissingProbesAreReportedWithTheRulesTheyBlind) {
  Result<CaseBuild> build =
      BuildCase({AMBER_SOURCE_DIR "/fixtures/lossy-capture/capture.amber"}, db_, false);
  ASSERT_TRUE(build.ok()) << build.status().message();
  Result<std::vector<std::string>> lines = DescribeBlindSpots(db_, rules_);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_EQ(lines->size(), 3u);
  EXPECT_TRUE(Contains(*lines, "lost 1742 events (ring_buffer, cpu 3) between 2026-11-29T13:02:20"));
  EXPECT_TRUE(Contains(*lines, "sys_enter_fsconfig unsupported"));
  EXPECT_TRUE(Contains(*lines, "rules that could not fire on them: AMB-PRIV-001"));
  EXPECT_TRUE(Contains(*lines, "kprobe/__x64_sys_userfaultfd failed (permission denied)"));
  EXPECT_TRUE(Contains(*lines, "AMB-PRIV-006"));
}

TEST_F(AnalyzeTest, IntactCaptureHasNoBlindSpotsAndARebuildReplacesTheCase) {
  const std::string capture = AMBER_SOURCE_DIR "/fixtures/webshell/capture.amber";
  ASSERT_TRUE(BuildCase({capture}, db_, false).ok());
  ASSERT_TRUE(BuildCase({capture}, db_, false).ok());  // the same capture again: a new case
  Result<std::vector<std::string>> lines = DescribeBlindSpots(db_, rules_);
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(lines->empty());
}

TEST_F(AnalyzeTest, TruncatedCaptureIsSaid) {
  fs::path cut = dir_.dir() / "cut.amber";
  fs::copy(AMBER_SOURCE_DIR "/fixtures/reverse-shell/capture.amber", cut);
  fs::resize_file(cut, fs::file_size(cut) - 40);  // the footer, torn
  ASSERT_TRUE(BuildCase({cut.string()}, db_, false).ok());
  Result<std::vector<std::string>> lines = DescribeBlindSpots(db_, rules_);
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(Contains(*lines, "is truncated: events after"));
}

TEST_F(AnalyzeTest, FilesOfTheRecordingThatAreNotInTheCaseAreSaid) {
  store::PosixEnv env;
  const std::vector<std::string> files = testing::WriteRotatedRecording(
      &env, (dir_.dir() / "r").string(), "recording-1", "/bin/true");
  ASSERT_EQ(files.size(), 3u);
  ASSERT_TRUE(BuildCase({files[0], files[2]}, db_, false).ok());
  Result<std::vector<std::string>> lines = DescribeBlindSpots(db_, rules_);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_TRUE(Contains(*lines, "capture " + files[2] + ": file 1 of this recording is not here"));
  EXPECT_TRUE(Contains(*lines, "an attack in that time may have left no trace"));
}

TEST_F(AnalyzeTest, SameCaptureGivesTheSameAlertsEveryTime) {
  // The seed scenario end to end, twice, into two cases: identical alerts, ids and evidence.
  const std::string capture = AMBER_SOURCE_DIR "/fixtures/cve-2022-0185-success/capture.amber";
  std::vector<std::string> runs[2];
  for (int i = 0; i < 2; ++i) {
    std::string db = (dir_.dir() / ("run" + std::to_string(i) + ".db")).string();
    ASSERT_TRUE(BuildCase({capture}, db, false).ok());
    Result<DetectReport> r = RunDetections(db, rules_);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->failed_rules(), 0u);
    for (const Alert& a : r->alerts) runs[i].push_back(AlertJsonLine(a));
  }
  EXPECT_EQ(runs[0].size(), 6u);
  EXPECT_EQ(runs[0], runs[1]);
}

TEST_F(AnalyzeTest, RefusesToReplaceAFileThatIsNotACase) {
  fs::path other = dir_.dir() / "notes.txt";
  std::ofstream(other) << "precious";
  Result<CaseBuild> build =
      BuildCase({AMBER_SOURCE_DIR "/fixtures/webshell/capture.amber"}, other.string(), false);
  ASSERT_FALSE(build.ok());
  EXPECT_EQ(build.status().code(), StatusCode::kAlreadyExists);
  std::ifstream in(other);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "precious");
}

}  // namespace
}  // namespace amber::replay
