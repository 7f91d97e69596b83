// Alert output (replay/alert_render.h): JSON lines with every rule field, ECS, the terminal table.
#include "replay/alert_render.h"

#include <gtest/gtest.h>

#include <sstream>

namespace amber::replay {
namespace {

class AlertRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rule_.id = "AMB-ESC-002";
    rule_.title = "setns into the host";
    rule_.severity = Severity::kCritical;
    rule_.mitre = {"T1611", "T1068"};
    rule_.description = "desc";
    rule_.why = "why";
    rule_.false_positives = "fp";
    alert_.rule = &rule_;
    alert_.severity = Severity::kCritical;
    alert_.time_ns = 1'795'957'339'500'000'000;
    alert_.process_id = 7;
    alert_.container_id = 3;
    alert_.message = "nsenter \x1b[31mred\x1b[0m";
    alert_.evidence = {{"ns_events", 4}, {"execs", 12}};
    alert_.alert_id = 1;
    AlertContext& c = alert_.context;
    c.host_name = "node-7";
    c.pid = 4000;
    c.ppid = 910;
    c.uid = 0;
    c.exe = "/usr/bin/nsenter";
    c.argv = {"nsenter", "-t", "1", "sh"};
    c.parent_exe = "/bin/sh";
    c.container_runtime_id = "c0ffee";
    c.container_name = "debug";
    c.container_image = "alpine:3.19";
  }
  Rule rule_;
  Alert alert_;
};

TEST_F(AlertRenderTest, EcsLineHasTheSiemFields) {
  std::string line = AlertEcsLine(alert_);
  for (const char* field : {
           "\"@timestamp\":\"2026-11-29T13:02:19.500000000Z\"", "\"kind\":\"alert\"",
           "\"severity\":99", "\"rule\":{\"id\":\"AMB-ESC-002\",\"name\":\"setns into the host\"",
           "\"framework\":\"MITRE ATT&CK\"",
           "\"technique\":{\"id\":[\"T1611\",\"T1068\"],\"name\":[\"Escape to Host\","
           "\"Exploitation for Privilege Escalation\"]}",
           "\"tactic\":{\"id\":[\"TA0004\"],\"name\":[\"Privilege Escalation\"]}",
           "\"pid\":4000", "\"executable\":\"/usr/bin/nsenter\"",
           "\"args\":[\"nsenter\",\"-t\",\"1\",\"sh\"]", "\"command_line\":\"nsenter -t 1 sh\"",
           "\"parent\":{\"pid\":910,\"executable\":\"/bin/sh\"}",
           "\"container\":{\"id\":\"c0ffee\",\"name\":\"debug\",\"image\":{\"name\":\"alpine:3.19\"}}",
           "\"host\":{\"name\":\"node-7\"}", "\"user\":{\"id\":\"0\"}",
           "\"evidence\":[\"ns_events:4\",\"execs:12\"]"}) {
    EXPECT_NE(line.find(field), std::string::npos) << field << "\n in " << line;
  }
  EXPECT_EQ(line.find('\x1b'), std::string::npos);  // escaped: \u001b
  EXPECT_NE(line.find("\\u001b[31m"), std::string::npos);
}

TEST_F(AlertRenderTest, JsonLineCarriesEveryRuleHeaderField) {
  std::string line = AlertJsonLine(alert_);
  for (const char* field :
       {"\"id\":\"AMB-ESC-002\"", "\"title\":\"setns into the host\"", "\"severity\":\"critical\"",
        "\"mitre\":[\"T1611\",\"T1068\"]", "\"description\":\"desc\"", "\"why\":\"why\"",
        "\"false_positives\":\"fp\"", "\"evidence\":[\"ns_events:4\",\"execs:12\"]",
        "\"time_ns\":1795957339500000000"}) {
    EXPECT_NE(line.find(field), std::string::npos) << field << "\n in " << line;
  }
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
}

TEST_F(AlertRenderTest, EcsSplitsSubTechniquesFromTheirParents) {
  rule_.mitre = {"T1548.001", "T1068"};
  std::string line = AlertEcsLine(alert_);
  EXPECT_NE(line.find("\"technique\":{\"id\":[\"T1548\",\"T1068\"],\"name\":[\"Abuse Elevation "
                      "Control Mechanism\",\"Exploitation for Privilege Escalation\"],"
                      "\"subtechnique\":{\"id\":[\"T1548.001\"],\"name\":[\"Setuid and Setgid\"]}}"),
            std::string::npos)
      << line;
}

TEST_F(AlertRenderTest, HostAlertHasNoContainerObject) {
  alert_.container_id.reset();
  EXPECT_EQ(AlertEcsLine(alert_).find("\"container\""), std::string::npos);
  EXPECT_EQ(AlertJsonLine(alert_).find("\"container\""), std::string::npos);
}

TEST_F(AlertRenderTest, TableEscapesHostileBytes) {
  alert_.context.exe = "/tmp/\x1b]0;pwned\x07";
  std::ostringstream out;
  RenderAlertTable({alert_}, out);
  EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
  EXPECT_EQ(out.str().find('\x07'), std::string::npos);
  EXPECT_NE(out.str().find("AMB-ESC-002"), std::string::npos);
  EXPECT_NE(out.str().find("1 alert\n"), std::string::npos);
}

TEST(AlertFormatTest, ParsesNames) {
  EXPECT_TRUE(ParseAlertFormat("ecs").ok());
  EXPECT_FALSE(ParseAlertFormat("xml").ok());
  EXPECT_EQ(EcsSeverityScore(Severity::kMedium), 47);
}

}  // namespace
}  // namespace amber::replay
