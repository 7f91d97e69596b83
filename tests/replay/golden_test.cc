// Golden files of the fixture suite (replay/golden.h): canonical form, parsing, comparison.
#include "replay/golden.h"

#include <gtest/gtest.h>

namespace amber::replay {
namespace {

TEST(GoldenTest, CanonicalMessageMasksHostSpecificValues) {
  EXPECT_EQ(CanonicalMessage("pid 4123 at 2026-11-29T13:02:19.500000000Z in ns 4026532201"),
            "pid <n> at <time> in ns <n>");
  EXPECT_EQ(CanonicalMessage("container 0123456789abcdef0123 ran /proc/9182/root/x fd=7"),
            "container <hex> ran /proc/<n>/root/x fd=<n>");
  EXPECT_EQ(CanonicalMessage("connected to 203.0.113.7 port 4444, uid 1000"),
            "connected to 203.0.113.7 port 4444, uid 1000");
  EXPECT_EQ(CanonicalMessage("bad \x1b[31m"), "bad \\x1b[31m");
  // Durations between two events move with scheduling: a re-recording may say 1 ms, not 0.
  EXPECT_EQ(CanonicalMessage("shell started 0 ms after; 64 fsconfig call(s) in 12 us, 3 s later"),
            "shell started <n> ms after; 64 fsconfig call(s) in <n> us, <n> s later");
}

TEST(GoldenTest, CanonicalAlertLine) {
  Rule rule;
  rule.id = "AMB-NS-001";
  Alert a;
  a.rule = &rule;
  a.severity = Severity::kHigh;
  a.message = "uid 1000 unshared (pid 77)";
  a.container_id = 2;
  a.context.exe = "/usr/bin/unshare";
  a.context.argv = {"unshare", "-r"};
  a.context.container_name = "web";
  a.evidence = {{"execs", 3}, {"ns_events", 9}, {"ns_events", 12}};
  EXPECT_EQ(CanonicalAlert(a), "AMB-NS-001 high | /usr/bin/unshare [\"unshare\",\"-r\"] | web | "
                               "uid 1000 unshared (pid <n>) | execs*1 ns_events*2");
}

TEST(GoldenTest, ParseKeepsCommentsAndReadsMaxSeverity) {
  Result<Golden> g = ParseGolden("# header\n# max-severity: low\n\nB line\nA line\n");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->comments.size(), 2u);
  EXPECT_EQ(g->lines, (std::vector<std::string>{"A line", "B line"}));
  EXPECT_EQ(g->max_severity, Severity::kLow);
  EXPECT_FALSE(ParseGolden("# max-severity: loud\n").ok());
  EXPECT_EQ(FormatGolden(g->comments, g->lines), "# header\n# max-severity: low\nA line\nB line\n");
}

TEST(GoldenTest, CompareIsAMultisetDifference) {
  GoldenDiff d = CompareGolden({"a", "b", "b"}, {"b", "c"});
  EXPECT_EQ(d.missing, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.unexpected, (std::vector<std::string>{"c"}));
  EXPECT_TRUE(CompareGolden({"a"}, {"a"}).empty());
}

}  // namespace
}  // namespace amber::replay
