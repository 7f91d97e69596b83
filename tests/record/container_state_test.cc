// The runtime state readers against checked-in samples (tests/record/testdata/README.md) and
// hostile variants of them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "record/container_runtimes.h"
#include "record/oci_config.h"
#include "record/state_file.h"
#include "tests/record/container_testdata.h"

namespace amber::record {
namespace {

namespace fs = std::filesystem;

class ContainerStateTest : public ::testing::Test {
 protected:
  void AddProc(uint32_t pid, uint64_t start_ticks, char state = 'S') {
    data_.AddProc(pid, start_ticks, state);
  }
  fs::path Data(const std::string& rel) { return data_.Data(rel); }

  ContainerTestdata data_{"cstate"};
  const ContainerStateRoots& roots_ = data_.roots();
};

TEST_F(ContainerStateTest, RuncStateAndBundle) {
  Result<ContainerState> state = ReadRuncContainer(roots_, "amber-probe-1");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const store::ContainerRecord& r = state->record;
  EXPECT_EQ(r.id, "amber-probe-1");
  EXPECT_EQ(r.runtime, "runc");
  EXPECT_EQ(r.init_pid, 8257u);
  EXPECT_EQ(r.status, "running");
  EXPECT_EQ(r.bundle, Data("bundles/probe").string());
  EXPECT_EQ(r.cgroup_path, "/amber-probe-1");
  EXPECT_EQ(r.name, "nginx");  // io.kubernetes.container.name
  EXPECT_EQ(r.pod_name, "web-0");
  EXPECT_EQ(r.pod_namespace, "shop");
  EXPECT_EQ(r.pod_uid, "8f3f1c2e-5b7a-4a4e-9a6e-2c1d0b9a8f7e");
  EXPECT_EQ(r.image, "registry.example/shop/web:1.4");
  EXPECT_EQ(Get(r.annotations, "io.kubernetes.pod.name"), "web-0");
  EXPECT_EQ(r.capabilities,
            (std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}));
  EXPECT_FALSE(r.privileged);
  EXPECT_EQ(Get(r.namespaces, "pid"), "");
  EXPECT_EQ(Get(r.namespaces, "user"), "<absent>");
  ASSERT_FALSE(r.mounts.empty());
  EXPECT_EQ(r.mounts[0].destination, "/proc");
  EXPECT_EQ(r.mounts[0].type, "proc");
  EXPECT_EQ(state->sources.size(), 2u);
}

TEST_F(ContainerStateTest, RuncStatusFollowsInitAndFifo) {
  AddProc(8257, 99999);  // the pid was reused by another process
  EXPECT_EQ(ReadRuncContainer(roots_, "amber-probe-1")->record.status, "stopped");
  AddProc(8257, 68671, 'Z');
  EXPECT_EQ(ReadRuncContainer(roots_, "amber-probe-1")->record.status, "stopped");
  AddProc(8257, 68671);
  Spill(Data("runc/amber-probe-1/exec.fifo"), "");
  EXPECT_EQ(ReadRuncContainer(roots_, "amber-probe-1")->record.status, "created");
}

TEST_F(ContainerStateTest, RuncWithoutBundleKeepsState) {
  fs::remove_all(Data("bundles/probe"));
  Result<ContainerState> state = ReadRuncContainer(roots_, "amber-probe-1");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->record.name, "amber-probe-1");
  EXPECT_EQ(state->record.init_pid, 8257u);
  EXPECT_TRUE(state->record.annotations.empty());
}

TEST_F(ContainerStateTest, RuncRejectsUnsafeIdsAndMissingState) {
  EXPECT_EQ(ReadRuncContainer(roots_, "../runc/amber-probe-1").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRuncContainer(roots_, "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ContainerStateTest, RuncCgroupIndexStripsHierarchyRoots) {
  RuncIndex index = RuncCgroupIndex(roots_);
  EXPECT_FALSE(index.incomplete);
  ASSERT_FALSE(index.paths.empty());
  for (const auto& [path, id] : index.paths) {
    EXPECT_EQ(path, "/amber-probe-1");
    EXPECT_EQ(id, "amber-probe-1");
  }
  fs::create_directories(Data("runc/being-created"));
  EXPECT_TRUE(RuncCgroupIndex(roots_).incomplete);
}

TEST_F(ContainerStateTest, DockerConfigAndHostConfig) {
  Result<ContainerState> state = ReadDockerContainer(roots_, kDockerId);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const store::ContainerRecord& r = state->record;
  EXPECT_EQ(r.runtime, "docker");
  EXPECT_EQ(r.name, "web");
  EXPECT_EQ(r.image, "nginx:1.25");
  EXPECT_EQ(r.image_digest,
            "sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6");
  EXPECT_EQ(r.init_pid, 4242u);
  EXPECT_EQ(r.status, "running");
  EXPECT_EQ(Get(r.labels, "com.example.team"), "shop");
  EXPECT_FALSE(r.privileged);
  EXPECT_TRUE(std::count(r.capabilities.begin(), r.capabilities.end(), "CAP_NET_ADMIN"));
  EXPECT_TRUE(std::count(r.capabilities.begin(), r.capabilities.end(), "CAP_SYS_PTRACE"));
  EXPECT_FALSE(std::count(r.capabilities.begin(), r.capabilities.end(), "CAP_MKNOD"));
  ASSERT_EQ(r.mounts.size(), 2u);
  EXPECT_EQ(r.mounts[0].destination, "/data");
  EXPECT_EQ(r.mounts[0].source, "/srv/data");
  EXPECT_EQ(r.mounts[0].options, (std::vector<std::string>{"rw", "rprivate"}));
  EXPECT_EQ(r.mounts[1].type, "volume");
  EXPECT_EQ(r.mounts[1].options, (std::vector<std::string>{"ro"}));
}

TEST_F(ContainerStateTest, DockerPrivilegedAndBundle) {
  fs::path host = Data("docker/containers/" + kDockerId + "/hostconfig.json");
  std::string text = Slurp(host);
  text.replace(text.find("\"Privileged\":false"), 18, "\"Privileged\":true");
  Spill(host, text);
  Spill(Data("docker-bundles/" + kDockerId + "/config.json"),
        Slurp(Data("bundles/probe/config.json")));
  Result<ContainerState> state = ReadDockerContainer(roots_, kDockerId);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->record.privileged);
  EXPECT_EQ(state->record.bundle, Data("docker-bundles/" + kDockerId).string());
  EXPECT_EQ(state->record.name, "web");  // docker's name beats the annotation
  EXPECT_EQ(state->record.mounts.size(), 2u);  // docker's MountPoints kept
  EXPECT_EQ(state->record.capabilities.size(), 3u);  // the bundle's effective set
  EXPECT_EQ(state->sources.size(), 3u);
}

TEST_F(ContainerStateTest, ContainerdCriBundle) {
  for (const std::string& ns : {std::string("k8s.io"), std::string()}) {
    SCOPED_TRACE("namespace '" + ns + "'");
    Result<ContainerState> state = ReadContainerdContainer(roots_, ns, kContainerdId);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    const store::ContainerRecord& r = state->record;
    EXPECT_EQ(r.runtime, "containerd");
    EXPECT_EQ(r.name, "api");
    EXPECT_EQ(r.image, "registry.example/shop/api:2.0");
    EXPECT_EQ(r.pod_name, "api-7d9c5b6f8-x2x9z");
    EXPECT_EQ(r.pod_namespace, "shop");
    EXPECT_EQ(r.pod_uid, "1a2b3c4d-0000-4000-8000-123456789abc");
    EXPECT_EQ(r.init_pid, 5151u);
    EXPECT_EQ(r.status, "running");
    EXPECT_EQ(Get(r.labels, "io.containerd.namespace"), "k8s.io");
    EXPECT_EQ(Get(r.namespaces, "network"), "/var/run/netns/cni-1234");
  }
  EXPECT_EQ(ReadContainerdContainer(roots_, "default", kContainerdId).status().code(),
            StatusCode::kNotFound);
}

TEST_F(ContainerStateTest, CrioPrivilegedFromConfig) {
  Result<ContainerState> state = ReadStorageContainer(roots_, kCrioId, "");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const store::ContainerRecord& r = state->record;
  EXPECT_EQ(r.runtime, "cri-o");
  EXPECT_EQ(r.name, "agent");
  EXPECT_EQ(r.image, "registry.example/ops/node-agent:3.1");
  EXPECT_EQ(r.image_digest, "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(r.pod_namespace, "kube-system");
  EXPECT_EQ(Get(r.labels, "io.kubernetes.pod.name"), "node-agent-abcde");
  EXPECT_TRUE(r.privileged);
  EXPECT_EQ(r.init_pid, 6161u);
  EXPECT_EQ(r.status, "stopped");  // no such process in the fake /proc
}

// The privileged rule, one clause at a time.
TEST(OciConfigTest, PrivilegedRule) {
  auto parse = [](const std::string& text) {
    Result<nlohmann::json> json = ParseJson(text, "test");
    EXPECT_TRUE(json.ok());
    return ParseOciConfig(*json).value();
  };
  EXPECT_FALSE(parse(R"({"process":{"capabilities":{"effective":["CAP_KILL"]}}})").privileged);
  // SYS_ADMIN without a user namespace.
  EXPECT_TRUE(parse(R"({"process":{"capabilities":{"effective":["CAP_SYS_ADMIN"]}},
                        "linux":{"namespaces":[{"type":"pid"}]}})").privileged);
  // SYS_ADMIN inside a user namespace is not enough.
  EXPECT_FALSE(parse(R"({"process":{"capabilities":{"effective":["CAP_SYS_ADMIN"]}},
                         "linux":{"namespaces":[{"type":"user"}]}})").privileged);
  // All devices, with or without "type": "a".
  EXPECT_TRUE(parse(R"({"linux":{"resources":{"devices":[{"allow":true,"access":"rwm"}]}}})")
                  .privileged);
  EXPECT_TRUE(parse(R"({"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"},
                        {"allow":true,"type":"a","access":"rwm"}]}}})").privileged);
  // runc's default: deny all, then allow some: not privileged.
  EXPECT_FALSE(parse(R"({"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"},
                         {"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}]}}})")
                   .privileged);
}

TEST(OciConfigTest, WrongTypesAreIgnoredNotFatal) {
  Result<nlohmann::json> json = ParseJson(
      R"({"annotations":[1,2],"hostname":7,"mounts":"x","process":{"capabilities":{"effective":
          [1,"CAP_KILL",null]},"args":{}},"linux":{"namespaces":[5,{"type":3},{"type":"pid","path":9}],
          "resources":{"devices":"all"}}})",
      "test");
  ASSERT_TRUE(json.ok());
  Result<OciConfig> config = ParseOciConfig(*json);
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->annotations.empty());
  EXPECT_TRUE(config->mounts.empty());
  EXPECT_EQ(config->capabilities, std::vector<std::string>{"CAP_KILL"});
  EXPECT_EQ(config->namespaces, (store::KeyValues{{"pid", ""}}));
  EXPECT_FALSE(ParseOciConfig(nlohmann::json::array()).ok());
}

TEST(StateFileTest, RejectsDeepNestingAndInvalidJson) {
  EXPECT_EQ(ParseJson(std::string(100000, '[') + std::string(100000, ']'), "deep").status().code(),
            StatusCode::kCorruption);
  EXPECT_TRUE(ParseJson(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'), "ok").ok());
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJson("{\"a\":\"" + std::string(1000, '[') + "\\\"\"}", "str").ok());
  EXPECT_EQ(ParseJson("{\"a\":", "cut").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseJson("", "empty").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseJson("{\"a\":\"\xff\"}", "utf8").status().code(), StatusCode::kCorruption);
}

TEST_F(ContainerStateTest, HostileFilesAreRefusedWithoutHanging) {
  fs::path config = Data("bundles/probe/config.json");
  // A FIFO would block a naive reader forever.
  fs::remove(config);
  ASSERT_EQ(mkfifo(config.c_str(), 0600), 0);
  EXPECT_EQ(ReadOciConfig(Data("bundles/probe").string()).status().code(),
            StatusCode::kInvalidArgument);
  // A symlink (to /dev/zero, or to a file the container owner wants root to read).
  fs::remove(config);
  fs::create_symlink("/dev/zero", config);
  EXPECT_FALSE(ReadOciConfig(Data("bundles/probe").string()).ok());
  // Oversized.
  fs::remove(config);
  Spill(config, "{\"a\":\"" + std::string(kMaxOciConfigBytes, 'x') + "\"}");
  EXPECT_EQ(ReadOciConfig(Data("bundles/probe").string()).status().code(),
            StatusCode::kResourceExhausted);
  // The runc reader still returns the state without the bundle.
  Result<ContainerState> state = ReadRuncContainer(roots_, "amber-probe-1");
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->record.annotations.empty());
}

TEST_F(ContainerStateTest, TruncatedStateIsCorruption) {
  fs::path state = Data("runc/amber-probe-1/state.json");
  std::string text = Slurp(state);
  for (size_t cut : {size_t{0}, size_t{1}, text.size() / 2, text.size() - 1}) {
    Spill(state, text.substr(0, cut));
    Result<ContainerState> read = ReadRuncContainer(roots_, "amber-probe-1");
    EXPECT_EQ(read.status().code(), StatusCode::kCorruption) << cut;
  }
  Spill(state, "[]");
  EXPECT_EQ(ReadRuncContainer(roots_, "amber-probe-1").status().code(), StatusCode::kCorruption);
  Spill(state, R"({"init_process_pid":"8257","config":{"labels":"bundle=/x"},"cgroup_paths":[]})");
  Result<ContainerState> typed = ReadRuncContainer(roots_, "amber-probe-1");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->record.init_pid, 0u);
  EXPECT_EQ(typed->record.bundle, "");
}

}  // namespace
}  // namespace amber::record
