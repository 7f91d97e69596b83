// ContainerResolver: caching, change detection and the runc index, on a copy of testdata/ with a
// fake clock.
#include "record/container_resolver.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/record/container_testdata.h"

namespace amber::record {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kSecond = 1'000'000'000;

class ContainerResolverTest : public ::testing::Test {
 protected:
  ContainerResolverOptions Options() {
    ContainerResolverOptions options;
    options.roots = data_.roots();
    options.recheck_interval_ns = 1 * kSecond;
    options.reread_interval_ns = 30 * kSecond;
    options.clock = [this] { return now_; };
    return options;
  }
  void Advance(uint64_t ns) { now_ += ns; }
  void EditRuncBundle(const std::string& from, const std::string& to) {
    fs::path config = data_.Data("bundles/probe/config.json");
    std::string text = Slurp(config);
    size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, from.size(), to);
    // Runtimes rewrite by rename: a new inode even within one mtime tick.
    Spill(config.string() + ".tmp", text);
    fs::rename(config.string() + ".tmp", config);
  }

  ContainerTestdata data_{"resolver"};
  uint64_t now_ = 1000 * kSecond;
};

TEST_F(ContainerResolverTest, IdsFromPathShapesAndRuncState) {
  ContainerResolver resolver(Options());
  EXPECT_EQ(resolver.ContainerIdFor("/docker/" + kDockerId), kDockerId);
  EXPECT_EQ(resolver.ContainerIdFor("/amber-probe-1"), "amber-probe-1");  // runc index
  EXPECT_EQ(resolver.ContainerIdFor("/"), std::nullopt);
  EXPECT_EQ(resolver.ContainerIdFor(""), std::nullopt);
  EXPECT_EQ(resolver.ContainerIdFor("/user.slice/user-0.slice/session-1.scope"), std::nullopt);
  // Cached: the answer stands while nothing changes.
  EXPECT_EQ(resolver.ContainerIdFor("/amber-probe-1"), "amber-probe-1");
}

TEST_F(ContainerResolverTest, NewRuncContainerIsFoundAfterRecheck) {
  ContainerResolver resolver(Options());
  EXPECT_EQ(resolver.ContainerIdFor("/late"), std::nullopt);
  // runc creates the directory first and state.json later.
  fs::create_directories(data_.Data("runc/late"));
  Advance(2 * kSecond);
  EXPECT_EQ(resolver.ContainerIdFor("/late"), std::nullopt);
  Spill(data_.Data("runc/late/state.json"),
        R"({"id":"late","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/late"}})");
  EXPECT_EQ(resolver.ContainerIdFor("/late"), std::nullopt);  // within the miss recheck interval
  // A miss looks again after 50 ms, not a second: a container's first commands are that quick.
  Advance(60'000'000);
  EXPECT_EQ(resolver.ContainerIdFor("/late"), "late");
}

TEST_F(ContainerResolverTest, ContainerBeingCreatedIsRecheckedWithinMilliseconds) {
  ContainerResolver resolver(Options());
  EXPECT_EQ(resolver.ContainerIdFor("/creating"), std::nullopt);
  fs::create_directories(data_.Data("runc/creating"));  // runc has started, no state.json yet
  Advance(60'000'000);
  EXPECT_EQ(resolver.ContainerIdFor("/creating"), std::nullopt);  // seen incomplete
  Spill(data_.Data("runc/creating/state.json"),
        R"({"id":"creating","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/creating"}})");
  Advance(3'000'000);  // not 50 ms: `runc exec` right after `runc run -d` is this quick
  EXPECT_EQ(resolver.ContainerIdFor("/creating"), "creating");
}

TEST_F(ContainerResolverTest, NewRuncContainerIsFoundEvenWhenTheRootMtimeStandsStill) {
  // Seen on this machine: a runc container created without /run/runc's mtime changing. The
  // index must follow the container directories and their state.json, not the root's mtime.
  ContainerResolver resolver(Options());
  const fs::path root = data_.Data("runc");
  EXPECT_EQ(resolver.ContainerIdFor("/still"), std::nullopt);
  const fs::file_time_type before = fs::last_write_time(root);
  fs::create_directories(root / "still");
  Spill((root / "still/state.json").string(),
        R"({"id":"still","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/still"}})");
  fs::last_write_time(root, before);
  Advance(60'000'000);
  EXPECT_EQ(resolver.ContainerIdFor("/still"), "still");
}

TEST_F(ContainerResolverTest, CachedMissesDoNotReloadRuncStateMoreThanEveryMissInterval) {
  ContainerResolver resolver(Options());
  EXPECT_EQ(resolver.ContainerIdFor("/user.slice"), std::nullopt);
  EXPECT_EQ(resolver.ContainerIdFor("/quick"), std::nullopt);  // not a container yet: cached
  fs::create_directories(data_.Data("runc/quick"));
  Spill(data_.Data("runc/quick/state.json"),
        R"({"id":"quick","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/quick"}})");
  Advance(10'000'000);  // under the miss interval: the cached answers stand
  EXPECT_EQ(resolver.ContainerIdFor("/quick"), std::nullopt);
  Advance(50'000'000);
  EXPECT_EQ(resolver.ContainerIdFor("/quick"), "quick");
  EXPECT_EQ(resolver.ContainerIdFor("/user.slice"), std::nullopt);
}

TEST_F(ContainerResolverTest, PathSeenForTheFirstTimeLooksAtRuncStateAtOnce) {
  // The recorder decodes events in batches: a new container's first events (its init's exec
  // among them) arrive within a millisecond of the last look, and must not wait for the next.
  ContainerResolver resolver(Options());
  EXPECT_EQ(resolver.ContainerIdFor("/user.slice"), std::nullopt);
  fs::create_directories(data_.Data("runc/fresh"));
  Spill(data_.Data("runc/fresh/state.json"),
        R"({"id":"fresh","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/fresh"}})");
  Advance(1'000'000);
  EXPECT_EQ(resolver.ContainerIdFor("/fresh"), "fresh");
}

TEST_F(ContainerResolverTest, DeletedContainerStillNamesItsPathForItsLastEvents) {
  // `runc delete -f` kills the container's processes and removes its state at once: their exits
  // reach the resolver in a batch after that, and must still carry the container's id.
  ContainerResolver resolver(Options());
  fs::create_directories(data_.Data("runc/brief"));
  Spill(data_.Data("runc/brief/state.json"),
        R"({"id":"brief","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/brief"}})");
  EXPECT_EQ(resolver.ContainerIdFor("/brief"), "brief");
  fs::remove_all(data_.Data("runc/brief"));
  Advance(2 * kSecond);  // past the recheck: runc's state is read again, without it
  EXPECT_EQ(resolver.ContainerIdFor("/brief"), "brief");
  // Long after, at the next change of runc's state, it is let go.
  Advance(11 * kSecond);
  fs::create_directories(data_.Data("runc/other"));
  Spill(data_.Data("runc/other/state.json"),
        R"({"id":"other","init_process_pid":1,"cgroup_paths":{"pids":"/sys/fs/cgroup/pids/other"}})");
  Advance(2 * kSecond);
  EXPECT_EQ(resolver.ContainerIdFor("/other"), "other");
  EXPECT_EQ(resolver.ContainerIdFor("/brief"), std::nullopt);
}

TEST_F(ContainerResolverTest, RefreshReturnsFirstSightingThenOnlyChanges) {
  ContainerResolver resolver(Options());
  ASSERT_EQ(resolver.ContainerIdFor("/amber-probe-1"), "amber-probe-1");
  std::optional<store::ContainerRecord> first = resolver.Refresh("amber-probe-1", 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->name, "nginx");
  EXPECT_EQ(first->pod_name, "web-0");
  EXPECT_EQ(first->init_pid, 8257u);
  EXPECT_EQ(first->cgroup_path, "/amber-probe-1");
  EXPECT_EQ(first->observed_ns, now_);
  EXPECT_FALSE(resolver.Refresh("amber-probe-1", 0).has_value());  // same instant
  Advance(2 * kSecond);
  EXPECT_FALSE(resolver.Refresh("amber-probe-1", 0).has_value());  // nothing changed
  Advance(31 * kSecond);
  EXPECT_FALSE(resolver.Refresh("amber-probe-1", 0).has_value());  // re-read, same content

  EditRuncBundle("\"web-0\"", "\"web-1\"");
  EXPECT_FALSE(resolver.Refresh("amber-probe-1", 0).has_value());  // within recheck interval
  Advance(2 * kSecond);
  std::optional<store::ContainerRecord> changed = resolver.Refresh("amber-probe-1", 0);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->pod_name, "web-1");
  EXPECT_EQ(Get(changed->annotations, "io.kubernetes.pod.name"), "web-1");
}

TEST_F(ContainerResolverTest, StatusChangeWithoutFileChangeIsSeenOnTheTimer) {
  ContainerResolver resolver(Options());
  ASSERT_TRUE(resolver.ContainerIdFor("/amber-probe-1").has_value());
  ASSERT_EQ(resolver.Refresh("amber-probe-1", 0)->status, "running");
  data_.AddProc(8257, 68671, 'Z');  // init exited
  Advance(2 * kSecond);
  EXPECT_FALSE(resolver.Refresh("amber-probe-1", 0).has_value());
  Advance(30 * kSecond);
  std::optional<store::ContainerRecord> stopped = resolver.Refresh("amber-probe-1", 0);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->status, "stopped");
}

TEST_F(ContainerResolverTest, UnknownContainerGetsOneMinimalRecordThenTheRealOne) {
  ContainerResolver resolver(Options());
  const std::string id(64, 'e');
  ASSERT_EQ(resolver.ContainerIdFor("/system.slice/docker-" + id + ".scope"), id);
  std::optional<store::ContainerRecord> minimal = resolver.Refresh(id, 0);
  ASSERT_TRUE(minimal.has_value());
  EXPECT_EQ(minimal->id, id);
  EXPECT_EQ(minimal->runtime, "docker");
  EXPECT_EQ(minimal->cgroup_path, "/system.slice/docker-" + id + ".scope");
  EXPECT_TRUE(minimal->name.empty());
  Advance(2 * kSecond);
  EXPECT_FALSE(resolver.Refresh(id, 0).has_value());
  // The daemon writes its state a little later.
  fs::copy(data_.Data("docker/containers/" + kDockerId), data_.Data("docker/containers/" + id));
  Advance(2 * kSecond);
  std::optional<store::ContainerRecord> full = resolver.Refresh(id, 0);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->name, "web");
  EXPECT_EQ(full->cgroup_path, "/system.slice/docker-" + id + ".scope");
}

TEST_F(ContainerResolverTest, KubernetesCgroupfsPathProbesRuntimes) {
  ContainerResolver resolver(Options());
  const std::string path = "/kubepods/burstable/pod1a2b3c4d-0000-4000-8000-123456789abc/" +
                           kContainerdId;
  ASSERT_EQ(resolver.ContainerIdFor(path), kContainerdId);
  std::optional<store::ContainerRecord> record = resolver.Refresh(kContainerdId, 0);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->runtime, "containerd");
  EXPECT_EQ(record->name, "api");
  EXPECT_EQ(record->pod_namespace, "shop");
  EXPECT_EQ(record->cgroup_path, path);
}

TEST_F(ContainerResolverTest, PidHintFindsTheCgroupPath) {
  ContainerResolver resolver(Options());
  const std::string path = "/kubepods.slice/kubepods-besteffort.slice/"
                           "kubepods-besteffort-pod77aa0000_1111_4222_8333_444455556666.slice/"
                           "crio-" + kCrioId + ".scope";
  data_.AddProcFile(6161, "cgroup", "8:pids:" + path + "\n0::/\n");
  std::optional<store::ContainerRecord> record = resolver.Refresh(kCrioId, 6161);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->runtime, "cri-o");
  EXPECT_EQ(record->cgroup_path, path);
  EXPECT_EQ(record->pod_uid, "77aa0000-1111-4222-8333-444455556666");
  EXPECT_TRUE(record->privileged);
}

TEST_F(ContainerResolverTest, CachesStayBounded) {
  ContainerResolverOptions options = Options();
  options.max_entries = 8;
  ContainerResolver resolver(options);
  for (int i = 0; i < 100; ++i) {
    std::string id(64, '0');
    std::string n = std::to_string(i);
    id.replace(64 - n.size(), n.size(), n);
    ASSERT_EQ(resolver.ContainerIdFor("/docker/" + id), id);
    EXPECT_EQ(resolver.ContainerIdFor("/host/path/" + n), std::nullopt);
  }
  EXPECT_EQ(resolver.ContainerIdFor("/amber-probe-1"), "amber-probe-1");
  EXPECT_TRUE(resolver.Refresh("amber-probe-1", 0).has_value());
}

}  // namespace
}  // namespace amber::record
