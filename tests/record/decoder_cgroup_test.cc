// record/decoder.cc's cgroup path choice for events, against a fake cgroup tree in a temporary
// directory: the same rule as ContainerCgroupPath for the snapshot (record/cgroup_path.h).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "bpf/events.h"
#include "record/cgroup_path.h"
#include "record/decoder.h"

namespace amber::record {
namespace {

namespace fs = std::filesystem;

class DecoderCgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/amber-decoder-cgroup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    for (const char* d : {"pids/ctr", "memory/ctr", "unified/system.slice/ssh.service"}) {
      fs::create_directories(root_ / d);
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  uint64_t Inode(const std::string& rel) const {
    struct stat st;
    return stat((root_ / rel).c_str(), &st) == 0 ? st.st_ino : 0;
  }
  // An exit event of a task whose chosen v1 cgroup and v2 cgroup are the given kernfs ids.
  std::string PathOf(Decoder* decoder, uint64_t v1_id, uint64_t v2_id) {
    amber_event e;
    std::memset(&e, 0, AMBER_EVENT_FIXED_SIZE);
    e.kind = AMBER_REC_EVENT;
    e.op = AMBER_OP_EXIT;
    e.task.cgroup_v1_id = v1_id;
    e.task.cgroup_id = v2_id;
    std::vector<uint8_t> bytes(AMBER_EVENT_FIXED_SIZE);
    std::memcpy(bytes.data(), &e, bytes.size());
    store::Event event;
    EXPECT_EQ(decoder->Decode(bytes, &event), Decoder::Kind::kEvent);
    return event.context.cgroup_path;
  }

  fs::path root_;
};

TEST_F(DecoderCgroupTest, V1PathWinsUnlessRootThenV2) {
  Decoder decoder(root_.string(), {"pids", "memory"}, (root_ / "unified").string());
  const uint64_t v2_ssh = Inode("unified/system.slice/ssh.service");
  EXPECT_EQ(PathOf(&decoder, Inode("pids/ctr"), v2_ssh), "/ctr");
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), v2_ssh), "/system.slice/ssh.service");
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), Inode("unified")), "/");
  // No v1 controller chosen (a pure v2 host): v2.
  EXPECT_EQ(PathOf(&decoder, 0, v2_ssh), "/system.slice/ssh.service");
  // The same answers as the snapshot's rule for the matching /proc/PID/cgroup.
  EXPECT_EQ(ContainerCgroupPath(ParseProcCgroup("8:pids:/\n4:memory:/\n0::/system.slice/ssh.service\n")),
            "/system.slice/ssh.service");
}

TEST_F(DecoderCgroupTest, WithoutV2MountRootStaysRoot) {
  Decoder decoder(root_.string(), {"pids", "memory"});
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), 1), "/");
  EXPECT_EQ(PathOf(&decoder, 0, 0), "");
}

TEST_F(DecoderCgroupTest, V2CgroupGoneIsNamedById) {
  Decoder decoder(root_.string(), {"pids"}, (root_ / "unified").string());
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), 999999999), "?cgroup-999999999");
  // A cgroup made after that scan is found once the rate limit allows the next one.
  fs::create_directories(root_ / "unified/new");
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), Inode("unified/new")), "?cgroup-" +
            std::to_string(Inode("unified/new")));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(PathOf(&decoder, Inode("pids"), Inode("unified/new")), "/new");
}

}  // namespace
}  // namespace amber::record
