// Privileged: a real runc container (Debian's runc, a busybox-static rootfs) seen through the
// /proc snapshot and ContainerResolver. Needs root, runc and /bin/busybox; skips otherwise.
// The container is always killed and deleted in TearDown.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "tests/record/privileged.h"
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "record/container_resolver.h"
#include "record/proc_snapshot.h"
#include "tests/record/container_testdata.h"
#include "tests/record/runc_container.h"

namespace amber::record {
namespace {

namespace fs = std::filesystem;

using test::OnPath;
using test::RunCommand;

class RuncContainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AMBER_REQUIRE_OR_SKIP(geteuid() == 0, "root");
    AMBER_REQUIRE_OR_SKIP(OnPath("runc") && access("/bin/busybox", X_OK) == 0,
                          "runc and /bin/busybox (busybox-static)");
    std::random_device rd;
    id_ = "amber-test-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000);
    bundle_ = fs::temp_directory_path() / id_;
    log_ = fs::temp_directory_path() / (id_ + ".log");
    std::string error = container_.Start(id_, bundle_, log_, {"sh", "sleep"}, [&](nlohmann::json& config) {
      config["process"]["args"] = {"sleep", "30"};
      config["hostname"] = "web-0";
      config["annotations"] = {
          {"io.kubernetes.pod.name", "web-0"},
          {"io.kubernetes.pod.namespace", "shop"},
          {"io.kubernetes.pod.uid", "8f3f1c2e-5b7a-4a4e-9a6e-2c1d0b9a8f7e"},
          {"io.kubernetes.container.name", "web"},
          {"io.kubernetes.cri.image-name", "registry.example/shop/web:1.4"},
          {"org.opencontainers.image.ref.name", "registry.example/shop/web:1.4"}};
      config["linux"]["cgroupsPath"] = "/" + id_;
    });
    ASSERT_EQ(error, "");
    init_pid_ = container_.init_pid();
  }

  void TearDown() override {
    EXPECT_TRUE(container_.Remove()) << test::Slurp(log_);
    std::error_code ec;
    fs::remove_all(bundle_, ec);
    fs::remove(log_, ec);
  }

  std::string id_;
  fs::path bundle_;
  fs::path log_;
  test::RuncContainer container_;
  uint32_t init_pid_ = 0;
};

TEST_F(RuncContainerTest, SnapshotAndResolverSeeTheContainer) {
  ContainerResolver resolver{ContainerResolverOptions{}};
  SnapshotOptions options;
  options.resolver = &resolver;
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options);
  ASSERT_TRUE(records.ok()) << records.status().ToString();

  auto it = std::find_if(records->begin(), records->end(),
                         [&](const store::ProcessRecord& r) { return r.context.pid == init_pid_; });
  ASSERT_NE(it, records->end()) << "container init " << init_pid_ << " not in the snapshot";
  const store::ProcessRecord& init = *it;
  EXPECT_EQ(init.context.cgroup_path, "/" + id_);
  EXPECT_EQ(init.context.container_id, id_);
  EXPECT_EQ(init.argv, (std::vector<std::string>{"sleep", "30"}));
  EXPECT_EQ(init.context.comm, "sleep");
  EXPECT_FALSE(init.exe.empty());
  EXPECT_EQ(init.cwd, "/");
  EXPECT_NE(init.context.cgroup_id, 0u);  // runc made the v2 cgroup too on this hybrid host

  // New pid, mount, net, uts, ipc namespaces (runc spec's defaults), not ours.
  Result<store::ProcessRecord> self = ReadProcess(static_cast<uint32_t>(getpid()), options);
  ASSERT_TRUE(self.ok());
  EXPECT_NE(init.context.pid_ns, self->context.pid_ns);
  EXPECT_NE(init.context.mnt_ns, self->context.mnt_ns);
  EXPECT_NE(init.context.net_ns, self->context.net_ns);
  EXPECT_EQ(init.context.user_ns, self->context.user_ns);
  EXPECT_TRUE(self->context.container_id.empty());
  // runc spec's default capabilities: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
  EXPECT_EQ(init.context.cap_effective, (1ull << 29) | (1ull << 5) | (1ull << 10));

  std::optional<store::ContainerRecord> record = resolver.Refresh(id_, init_pid_);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->id, id_);
  EXPECT_EQ(record->runtime, "runc");
  EXPECT_EQ(record->name, "web");
  EXPECT_EQ(record->pod_name, "web-0");
  EXPECT_EQ(record->pod_namespace, "shop");
  EXPECT_EQ(record->pod_uid, "8f3f1c2e-5b7a-4a4e-9a6e-2c1d0b9a8f7e");
  EXPECT_EQ(record->image, "registry.example/shop/web:1.4");
  EXPECT_EQ(Get(record->annotations, "io.kubernetes.pod.name"), "web-0");
  EXPECT_EQ(record->init_pid, init_pid_);
  EXPECT_EQ(record->status, "running");
  EXPECT_EQ(record->bundle, bundle_.string());
  EXPECT_EQ(record->cgroup_path, "/" + id_);
  EXPECT_FALSE(record->privileged);
  EXPECT_EQ(record->capabilities,
            (std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}));
  EXPECT_EQ(Get(record->namespaces, "pid"), "");
  EXPECT_FALSE(record->mounts.empty());
  EXPECT_NE(record->observed_ns, 0u);
  // Nothing changed: no second record.
  EXPECT_FALSE(resolver.Refresh(id_, init_pid_).has_value());
}

TEST_F(RuncContainerTest, ProcessExecutedInsideIsAttributed) {
  // `runc exec` starts a second process in the same cgroup, seen by a fresh resolver.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    execlp("runc", "runc", "exec", id_.c_str(), "sleep", "7", static_cast<char*>(nullptr));
    _exit(127);
  }
  ContainerResolver resolver{ContainerResolverOptions{}};
  SnapshotOptions options;
  options.resolver = &resolver;
  bool found = false;
  for (int attempt = 0; attempt < 100 && !found; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options);
    ASSERT_TRUE(records.ok());
    for (const store::ProcessRecord& r : *records) {
      if (r.argv == std::vector<std::string>{"sleep", "7"} && r.context.pid != init_pid_) {
        EXPECT_EQ(r.context.container_id, id_);
        EXPECT_EQ(r.context.cgroup_path, "/" + id_);
        found = true;
      }
    }
  }
  EXPECT_TRUE(found);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

}  // namespace
}  // namespace amber::record
