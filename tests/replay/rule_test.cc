// Rule file parsing (replay/rule.h) and rule set loading (replay/rule_set.h).
#include "replay/rule.h"

#include <gtest/gtest.h>

#include "replay/rule_set.h"
#include "tests/replay/detect_test_util.h"

namespace amber::replay {
namespace {

using testing::RuleText;

TEST(RuleTest, ParsesEveryHeaderFieldAndTheSql) {
  Result<Rule> r = ParseRule(RuleText("AMB-NS-001", "SELECT 1"), "x.sql");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, "AMB-NS-001");
  EXPECT_EQ(r->title, "Test rule AMB-NS-001");
  EXPECT_EQ(r->severity, Severity::kHigh);
  EXPECT_EQ(r->mitre, (std::vector<std::string>{"T1611", "T1068"}));
  EXPECT_EQ(r->description, "What fires it. A continued line.");
  EXPECT_EQ(r->why, "Why it matters.");
  EXPECT_EQ(r->false_positives, "None known.");
  EXPECT_EQ(r->sql, "SELECT 1");
  EXPECT_EQ(r->sql_line, 9);
}

TEST(RuleTest, CommentAfterTheHeaderBelongsToTheSql) {
  Result<Rule> r = ParseRule(RuleText("AMB-NS-001", "-- a note\nSELECT 1"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->sql, "-- a note\nSELECT 1");
}

TEST(RuleTest, MissingKeyIsRefused) {
  std::string text = RuleText("AMB-NS-001", "SELECT 1");
  text.erase(text.find("-- why:"), text.find("-- false") - text.find("-- why:"));
  Result<Rule> r = ParseRule(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing 'why'"), std::string::npos);
}

TEST(RuleTest, UnknownOrRepeatedKeyIsRefused) {
  EXPECT_FALSE(ParseRule("-- id: AMB-NS-001\n-- titel: x\nSELECT 1").ok());
  EXPECT_FALSE(ParseRule("-- id: AMB-NS-001\n-- id: AMB-NS-002\nSELECT 1").ok());
}

TEST(RuleTest, BadSeverityMitreOrIdIsRefused) {
  EXPECT_FALSE(ParseRule(RuleText("AMB-NS-001", "SELECT 1", "severe")).ok());
  EXPECT_FALSE(ParseRule(RuleText("AMB-NS-001", "SELECT 1", "high", "T16")).ok());
  EXPECT_FALSE(ParseRule(RuleText("AMB-NS-001", "SELECT 1", "high", "T1611,TA0004")).ok());
  EXPECT_FALSE(ParseRule(RuleText("NS-001", "SELECT 1")).ok());
  EXPECT_FALSE(ParseRule(RuleText("AMB-NS-1", "SELECT 1")).ok());
  EXPECT_FALSE(ParseRule(RuleText("AMB-NS-001", "")).ok());
}

TEST(RuleTest, TechniqueAndRuleIdShapes) {
  EXPECT_TRUE(IsTechniqueId("T1611"));
  EXPECT_TRUE(IsTechniqueId("T1548.001"));
  EXPECT_FALSE(IsTechniqueId("T1548.1"));
  EXPECT_FALSE(IsTechniqueId("t1611"));
  EXPECT_TRUE(IsRuleId("AMB-PRIV-001"));
  EXPECT_FALSE(IsRuleId("AMB-priv-001"));
  EXPECT_FALSE(IsRuleId("AMB-P-001"));
}

TEST(RuleSetTest, DuplicateIdsAndMisnamedFilesAreProblemsNotFatal) {
  testing::CaseDir dir;
  dir.AddRule("AMB-NS-001", RuleText("AMB-NS-001", "SELECT 1"), "a");
  dir.AddRule("AMB-NS-001", RuleText("AMB-NS-001", "SELECT 2"), "b");  // same id, other folder
  dir.AddRule("AMB-NS-002", RuleText("AMB-NS-003", "SELECT 3"));       // file named after another id
  dir.AddRule("AMB-NS-004", "not a rule");
  Result<RuleSet> set = LoadRuleSet(dir.rules());
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->rules.size(), 1u);
  EXPECT_EQ(set->rules[0].sql, "SELECT 1");  // sorted paths: a/ before b/
  ASSERT_EQ(set->problems.size(), 3u);
}

TEST(RuleSetTest, MissingDirectoryIsNotFound) {
  Result<RuleSet> set = LoadRuleSet("/nonexistent/rules");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kNotFound);
}

TEST(RuleSetTest, ThePackLoadsCleanly) {
  Result<RuleSet> set = LoadRuleSet(AMBER_SOURCE_DIR "/detections");
  ASSERT_TRUE(set.ok());
  for (const RuleProblem& p : set->problems) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_GE(set->rules.size(), 30u);
}

}  // namespace
}  // namespace amber::replay
