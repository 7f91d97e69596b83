#include "record/cgroup_path.h"

#include <gtest/gtest.h>

namespace amber::record {
namespace {

// What this hybrid host shows for a runc container (captured from the privileged test's setup).
constexpr char kHybridRunc[] =
    "9:name=systemd:/amber-probe-1\n8:pids:/amber-probe-1\n7:blkio:/amber-probe-1\n"
    "6:freezer:/amber-probe-1\n5:devices:/amber-probe-1\n4:memory:/amber-probe-1\n"
    "3:cpuset:/amber-probe-1\n2:cpuacct:/amber-probe-1\n1:cpu:/amber-probe-1\n0::/amber-probe-1\n";

TEST(CgroupPathTest, ParsesV1AndV2Lines) {
  std::vector<CgroupLine> lines = ParseProcCgroup(kHybridRunc);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(lines[0].hierarchy_id, 9u);
  EXPECT_EQ(lines[0].controllers, std::vector<std::string>{"name=systemd"});
  EXPECT_TRUE(lines[9].v2());
  EXPECT_EQ(lines[9].path, "/amber-probe-1");
  EXPECT_EQ(ContainerCgroupPath(lines), "/amber-probe-1");
  EXPECT_EQ(UnifiedCgroupPath(lines), "/amber-probe-1");
}

TEST(CgroupPathTest, CombinedControllersAndColonsInPath) {
  std::vector<CgroupLine> lines = ParseProcCgroup("4:cpu,cpuacct:/a:b/c\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ(lines[0].path, "/a:b/c");
  EXPECT_EQ(ContainerCgroupPath(lines), "/a:b/c");
}

TEST(CgroupPathTest, PrefersPidsThenMemoryThenCpuThenV2) {
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("9:name=systemd:/s\n8:pids:/p\n4:memory:/m\n")),
            "/p");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("9:name=systemd:/s\n8:pids:/\n4:memory:/m\n")),
            "/m");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("9:name=systemd:/s\n1:cpu,cpuacct:/c\n")), "/c");
  // The kernel side cannot read named hierarchies or other controllers: v2 decides, as for events.
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("9:name=systemd:/s\n8:pids:/\n0::/u\n")), "/u");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("7:blkio:/b\n6:freezer:/f\n8:pids:/\n0::/\n")),
            "/");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("9:name=systemd:/s\n7:blkio:/b\n")), "/");
}

TEST(CgroupPathTest, PureV2AndRootOnly) {
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("0::/system.slice/docker-abc.scope\n")),
            "/system.slice/docker-abc.scope");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("8:pids:/\n0::/\n")), "/");
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("")), "");
}

TEST(CgroupPathTest, DeletedV2CgroupLosesSuffix) {
  std::vector<CgroupLine> lines = ParseProcCgroup("0::/gone (deleted)\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].path, "/gone");
}

TEST(CgroupPathTest, MalformedLinesAreSkipped) {
  std::vector<CgroupLine> lines =
      ParseProcCgroup("garbage\nx:pids:/a\n8:pids\n8:pids:relative\n99999999999:pids:/b\n"
                      "8:pids:/ok");  // last line without newline (truncated read)
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].path, "/ok");
}

}  // namespace
}  // namespace amber::record
