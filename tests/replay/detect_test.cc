// The detection runner (replay/detect.h): the sandbox rules run in, failure isolation, alerts.
#include "replay/detect.h"

#include <gtest/gtest.h>

#include "replay/db.h"
#include "replay/loader.h"
#include "tests/replay/detect_test_util.h"
#include "tests/replay/replay_test_util.h"

namespace amber::replay {
namespace {

using testing::CaseDir;
using testing::kGoodSql;
using testing::RuleText;

class DetectTest : public ::testing::Test {
 protected:
  // Runs the rules written so far; fails the test if the run as a whole fails.
  DetectReport Run(DetectOptions options = {}) {
    Result<RuleSet> set = LoadRuleSet(dir_.rules());
    EXPECT_TRUE(set.ok());
    rules_ = std::move(set).value();
    Result<DetectReport> report = RunDetections(dir_.db_path(), rules_, options);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? std::move(report).value() : DetectReport{};
  }
  const RuleOutcome& Outcome(const DetectReport& r, const std::string& id) {
    for (const RuleOutcome& o : r.outcomes) {
      if (o.rule->id == id) return o;
    }
    static RuleOutcome none;
    ADD_FAILURE() << "no outcome for " << id;
    return none;
  }
  void ExpectDenied(const std::string& sql) {
    dir_.AddRule("AMB-BAD-001", RuleText("AMB-BAD-001", sql));
    DetectReport r = Run();
    const RuleOutcome& o = Outcome(r, "AMB-BAD-001");
    EXPECT_FALSE(o.status.ok()) << sql;
    EXPECT_EQ(o.alerts, 0u);
  }

  CaseDir dir_;
  RuleSet rules_;
};

TEST_F(DetectTest, GoodRuleProducesAnAlertWithItsContext) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql));
  DetectReport r = Run();
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.rule->id, "AMB-TEST-001");
  EXPECT_EQ(a.message, "exec of /bin/sh");
  ASSERT_EQ(a.evidence.size(), 1u);
  EXPECT_EQ(a.evidence[0].ToString(), "execs:1");
  EXPECT_EQ(a.context.pid, 200);
  EXPECT_EQ(a.context.ppid, 100);
  EXPECT_EQ(a.context.parent_exe, "/usr/sbin/nginx");
  EXPECT_EQ(a.context.argv, (std::vector<std::string>{"sh", "-c", "id"}));
  EXPECT_EQ(a.context.container_name, "web");
  EXPECT_EQ(a.context.host_name, "lab");
}

TEST_F(DetectTest, AlertsAreWrittenToTheCaseWithTheirEvidence) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql));
  Run();
  Run();  // a second run replaces, never duplicates
  auto db = Database::Open(dir_.db_path(), {.read_only = true});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(testing::Rows(db->get(), "SELECT id, rule_id, severity, technique, process_id, "
                                     "container_id, event_table, event_id FROM alerts"),
            (std::vector<std::string>{"1|AMB-TEST-001|high|T1611,T1068|2|1|execs|1"}));
  EXPECT_EQ(testing::Rows(db->get(), "SELECT * FROM alert_evidence"),
            (std::vector<std::string>{"1|execs|1"}));
}

TEST_F(DetectTest, AuthorizerDeniesAttach) {
  ExpectDenied("ATTACH DATABASE '/tmp/x.db' AS x");
}
TEST_F(DetectTest, AuthorizerDeniesWrites) {
  ExpectDenied("INSERT INTO alerts(rule_id) VALUES ('x') RETURNING 1 AS time_ns, 1 AS process_id, "
               "1 AS container_id, 'm' AS message, '[]' AS evidence");
  ExpectDenied("DELETE FROM processes");
  ExpectDenied("CREATE TABLE t(x)");
}
TEST_F(DetectTest, AuthorizerDeniesStateChangingPragmas) {
  ExpectDenied("PRAGMA writable_schema = 1");
  ExpectDenied("PRAGMA journal_mode = OFF");
}
TEST_F(DetectTest, AuthorizerDeniesDangerousAndRandomFunctions) {
  ExpectDenied("SELECT 1 AS time_ns, 1 AS process_id, NULL AS container_id, "
               "load_extension('/tmp/evil.so') AS message, '[\"execs:1\"]' AS evidence");
  ExpectDenied("SELECT 1 AS time_ns, 1 AS process_id, NULL AS container_id, "
               "fts3_tokenizer('simple') AS message, '[\"execs:1\"]' AS evidence");
  ExpectDenied("SELECT random() AS time_ns, 1 AS process_id, NULL AS container_id, "
               "'m' AS message, '[\"execs:1\"]' AS evidence");
}

TEST_F(DetectTest, TimeBudgetStopsARunawayRecursiveCte) {
  dir_.AddRule("AMB-SLOW-001", RuleText("AMB-SLOW-001",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
      "SELECT 1 AS time_ns, 1 AS process_id, NULL AS container_id, 'm' AS message,\n"
      "       '[\"execs:1\"]' AS evidence FROM c WHERE x < 0"));
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", kGoodSql));
  DetectOptions options;
  options.budget_ms = 200;
  auto started = std::chrono::steady_clock::now();
  DetectReport r = Run(options);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  const RuleOutcome& slow = Outcome(r, "AMB-SLOW-001");
  EXPECT_EQ(slow.status.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(slow.status.message().find("time budget"), std::string::npos);
  EXPECT_TRUE(Outcome(r, "AMB-TEST-001").status.ok());
  EXPECT_EQ(r.alerts.size(), 1u);
}

TEST_F(DetectTest, RowCapStopsARuleThatReturnsTooMuch) {
  dir_.AddRule("AMB-MANY-001", RuleText("AMB-MANY-001",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
      "SELECT x AS time_ns, 1 AS process_id, NULL AS container_id, 'm' AS message,\n"
      "       '[\"execs:1\"]' AS evidence FROM c"));
  DetectOptions options;
  options.max_rows = 1000;
  DetectReport r = Run(options);
  EXPECT_EQ(Outcome(r, "AMB-MANY-001").status.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(r.alerts.empty());
}

TEST_F(DetectTest, BrokenRulesAreReportedAndTheOthersStillRun) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001", "SELECT nope FROM nowhere"));
  dir_.AddRule("AMB-TEST-002", RuleText("AMB-TEST-002", "SELECT 1 AS time_ns"));  // columns missing
  dir_.AddRule("AMB-TEST-003", RuleText("AMB-TEST-003",
      "SELECT 1 AS time_ns, 1 AS process_id, NULL AS container_id, 'm' AS message, "
      "'not json' AS evidence"));
  dir_.AddRule("AMB-TEST-004", RuleText("AMB-TEST-004",
      "SELECT 1 AS time_ns, 1 AS process_id, NULL AS container_id, 'm' AS message, "
      "'[\"sqlite_master:1\"]' AS evidence"));
  dir_.AddRule("AMB-TEST-005", RuleText("AMB-TEST-005", kGoodSql));
  DetectReport r = Run();
  EXPECT_EQ(r.failed_rules(), 4u);
  EXPECT_NE(Outcome(r, "AMB-TEST-002").status.message().find("process_id"), std::string::npos);
  EXPECT_TRUE(Outcome(r, "AMB-TEST-005").status.ok());
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].rule->id, "AMB-TEST-005");
}

TEST_F(DetectTest, AlertsAreOrderedAndDuplicateEvidenceMerged) {
  // Two rows with the same evidence (a join that met the exec twice) are one alert; the evidence
  // list is sorted and deduplicated; rows sort by time, then rule id.
  dir_.AddRule("AMB-TEST-002", RuleText("AMB-TEST-002",
      "SELECT 5 AS time_ns, 2 AS process_id, 1 AS container_id, 'b' AS message,\n"
      "       '[\"processes:2\", \"execs:1\", \"execs:1\"]' AS evidence\n"
      "UNION ALL SELECT 5, 2, 1, 'b', '[\"execs:1\", \"processes:2\"]'\n"
      "UNION ALL SELECT 3, 2, 1, 'a', '[\"execs:10\"]'"));
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001",
      "SELECT 5 AS time_ns, 2 AS process_id, 0 AS container_id, 'c' AS message, "
      "'[\"execs:1\"]' AS evidence, 'critical' AS severity"));
  DetectReport r = Run();
  ASSERT_EQ(r.alerts.size(), 3u);
  EXPECT_EQ(r.alerts[0].message, "a");
  EXPECT_EQ(r.alerts[1].rule->id, "AMB-TEST-001");
  EXPECT_EQ(r.alerts[1].severity, Severity::kCritical);  // the row's override
  EXPECT_FALSE(r.alerts[1].container_id.has_value());    // 0 means the host
  EXPECT_EQ(r.alerts[2].rule->id, "AMB-TEST-002");
  ASSERT_EQ(r.alerts[2].evidence.size(), 2u);
  EXPECT_EQ(r.alerts[2].evidence[0].ToString(), "execs:1");
  EXPECT_EQ(r.alerts[2].evidence[1].ToString(), "processes:2");
  EXPECT_EQ(Outcome(r, "AMB-TEST-002").alerts, 2u);
}

TEST_F(DetectTest, BadSeverityOverrideIsARuleError) {
  dir_.AddRule("AMB-TEST-001", RuleText("AMB-TEST-001",
      "SELECT 5 AS time_ns, 2 AS process_id, NULL AS container_id, 'c' AS message, "
      "'[\"execs:1\"]' AS evidence, 'urgent' AS severity"));
  DetectReport r = Run();
  EXPECT_FALSE(Outcome(r, "AMB-TEST-001").status.ok());
}

TEST(DetectPackTest, EveryRulePreparesAgainstTheSchema) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(InitSchema(db->get()).ok());
  (*db)->RestrictToReadOnly();
  (*db)->DenyFunctions({"random", "randomblob"});
  Result<RuleSet> set = LoadRuleSet(AMBER_SOURCE_DIR "/detections");
  ASSERT_TRUE(set.ok());
  for (const Rule& rule : set->rules) {
    Status s = PrepareRule(db->get(), rule);
    EXPECT_TRUE(s.ok()) << rule.id << ": " << s.message();
  }
}

TEST(DetectPackTest, PackRunsWithoutRuleErrors) {
  testing::CaseDir dir;
  Result<RuleSet> set = LoadRuleSet(AMBER_SOURCE_DIR "/detections");
  ASSERT_TRUE(set.ok());
  Result<DetectReport> r = RunDetections(dir.db_path(), *set);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->failed_rules(), 0u);
}

}  // namespace
}  // namespace amber::replay
