#include "record/container_id.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace amber::record {
namespace {

const std::string kId = "4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e";
const std::string kId2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kPod = "8f3f1c2e-5b7a-4a4e-9a6e-2c1d0b9a8f7e";
const std::string kPodUnderscore = "8f3f1c2e_5b7a_4a4e_9a6e_2c1d0b9a8f7e";

struct Case {
  std::string path;
  bool matches;
  std::string runtime;
  std::string id;
  std::string pod_uid;
  std::string containerd_namespace;
};

std::vector<Case> Cases() {
  return {
      // docker
      {"/docker/" + kId, true, "docker", kId, "", ""},
      {"/system.slice/docker-" + kId + ".scope", true, "docker", kId, "", ""},
      {"/docker-" + kId + ".scope", true, "docker", kId, "", ""},
      {"/docker/" + kId2 + "/docker/" + kId, true, "docker", kId, "", ""},  // dind: inner
      {"/system.slice/docker-" + kId + ".scope/init.scope", true, "docker", kId, "", ""},
      // containerd
      {"/default/" + kId, true, "containerd", kId, "", "default"},
      {"/k8s.io/" + kId, true, "containerd", kId, "", "k8s.io"},
      {"/moby/" + kId, true, "docker", kId, "", "moby"},
      {"/system.slice/containerd.service/kubepods-burstable-pod" + kPodUnderscore +
           ".slice:cri-containerd:" + kId,
       true, "containerd", kId, kPod, ""},
      // CRI-O
      {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUnderscore +
           ".slice/crio-" + kId + ".scope",
       true, "cri-o", kId, kPod, ""},
      {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUnderscore +
           ".slice/crio-conmon-" + kId + ".scope",
       false, "", "", "", ""},
      // podman
      {"/machine.slice/libpod-" + kId + ".scope", true, "podman", kId, "", ""},
      {"/machine.slice/libpod-" + kId + ".scope/container", true, "podman", kId, "", ""},
      {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope", true,
       "podman", kId, "", ""},
      {"/libpod_parent/libpod-" + kId, true, "podman", kId, "", ""},
      {"/machine.slice/libpod-conmon-" + kId + ".scope", false, "", "", "", ""},
      // runc with the systemd driver's default
      {"/system.slice/runc-web.scope", true, "runc", "web", "", ""},
      {"/user.slice/runc-my_ctr.1.scope", true, "runc", "my_ctr.1", "", ""},
      // Kubernetes
      {"/kubepods/burstable/pod" + kPod + "/" + kId, true, "", kId, kPod, ""},
      {"/kubepods/besteffort/pod" + kPod + "/" + kId, true, "", kId, kPod, ""},
      {"/kubepods/pod" + kPod + "/" + kId, true, "", kId, kPod, ""},
      {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPodUnderscore +
           ".slice/cri-containerd-" + kId + ".scope",
       true, "containerd", kId, kPod, ""},
      {"/kubepods.slice/kubepods-pod" + kPodUnderscore + ".slice/docker-" + kId + ".scope", true,
       "docker", kId, kPod, ""},
      {"/kubepods/burstable/pod" + kPod, false, "", "", "", ""},  // the pod, not a container
      // static pods have 32-hex uids
      {"/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" + kId, true, "", kId,
       "0123456789abcdef0123456789abcdef", ""},
      // other orchestrators: shape known, runtime not
      {"/ecs/6f1b7e1f0c1d4a2b9d7e8f9a0b1c2d3e/" + kId, true, "", kId, "", ""},
      // host paths and near misses
      {"/", false, "", "", "", ""},
      {"", false, "", "", "", ""},
      {"/user.slice/user-1000.slice/session-3.scope", false, "", "", "", ""},
      {"/system.slice/docker.service", false, "", "", "", ""},
      {"/system.slice/docker-" + kId.substr(1) + ".scope", false, "", "", "", ""},  // 63 hex
      {"/docker/" + kId + "0", false, "", "", "", ""},                              // 65 hex
      {"/docker/" + std::string(64, 'G'), false, "", "", "", ""},
      {"/docker/4D3C2B1A09F8E7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A39281706F5E", false, "", "", "",
       ""},  // upper case is not an id any runtime writes
      {"/amber-test-1234", false, "", "", "", ""},  // plain runc: resolver's job
      {"/process_api/c4c5d1eda1de06c41d5f9e8ed2eb602b", false, "", "", "", ""},
      // hostile
      {"docker/" + kId, false, "", "", "", ""},                  // not absolute
      {"/docker/../docker/" + kId, false, "", "", "", ""},       // ".." never kernel-written
      {"/./docker/" + kId, false, "", "", "", ""},
      {std::string("/docker/\0", 9) + kId, false, "", "", "", ""},
      {"/system.slice/runc-../../etc.scope", false, "", "", "", ""},
      {"/system.slice/runc-a\x1b[31m.scope", false, "", "", "", ""},
      {"/" + std::string(5000, 'a') + "/docker/" + kId, false, "", "", "", ""},
      {"/kubepods/burstable/pod" + std::string(100, 'a') + "/" + kId, true, "", kId, "", ""},
      {"////docker//" + kId + "//", true, "docker", kId, "", ""},
  };
}

TEST(ContainerIdTest, RealWorldShapes) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.path.substr(0, 200));
    std::optional<CgroupContainerMatch> match = MatchContainerCgroup(c.path);
    ASSERT_EQ(match.has_value(), c.matches);
    if (!match.has_value()) continue;
    EXPECT_EQ(match->runtime, c.runtime);
    EXPECT_EQ(match->id, c.id);
    EXPECT_EQ(match->pod_uid, c.pod_uid);
    EXPECT_EQ(match->containerd_namespace, c.containerd_namespace);
  }
}

TEST(ContainerIdTest, LongestAllowedPathStillMatches) {
  std::string prefix = "/" + std::string(kMaxCgroupPathBytes - 8 - 64 - 1, 'a');
  std::string path = prefix + "/docker/" + kId;
  ASSERT_EQ(path.size(), kMaxCgroupPathBytes);
  EXPECT_TRUE(MatchContainerCgroup(path).has_value());
  EXPECT_FALSE(MatchContainerCgroup("/" + path).has_value());
}

TEST(ContainerIdTest, SafeNames) {
  EXPECT_TRUE(IsSafeContainerName("amber-test-1"));
  EXPECT_TRUE(IsSafeContainerName("a.b_c+d"));
  EXPECT_FALSE(IsSafeContainerName(""));
  EXPECT_FALSE(IsSafeContainerName("."));
  EXPECT_FALSE(IsSafeContainerName(".."));
  EXPECT_FALSE(IsSafeContainerName("a/b"));
  EXPECT_FALSE(IsSafeContainerName(std::string("a\0b", 3)));
  EXPECT_FALSE(IsSafeContainerName("a b"));
  EXPECT_FALSE(IsSafeContainerName(std::string(1025, 'a')));
}

}  // namespace
}  // namespace amber::record

namespace amber::record {
namespace {

// Random bytes and random splices of real shapes: never a crash, and any match is well-formed.
TEST(ContainerIdTest, RandomPathsNeverMisbehave) {
  std::mt19937 rng(1234);
  const std::vector<std::string> pieces = {"/", "docker", "-", ".scope", "kubepods", "pod", "_",
                                           ":", "cri-containerd", "crio", "libpod", "conmon",
                                           "runc", "..", ".", std::string(1, '\0'), "\xff",
                                           kId, kId.substr(0, 63), kPod, kPodUnderscore};
  for (int i = 0; i < 20000; ++i) {
    std::string path = i % 2 == 0 ? "/" : "";
    int n = static_cast<int>(rng() % 12);
    for (int j = 0; j < n; ++j) {
      if (rng() % 4 == 0) {
        path.push_back(static_cast<char>(rng() % 256));
      } else {
        path += pieces[rng() % pieces.size()];
      }
    }
    std::optional<CgroupContainerMatch> match = MatchContainerCgroup(path);
    if (!match.has_value()) continue;
    EXPECT_FALSE(match->id.empty());
    EXPECT_TRUE(IsHexId(match->id) || IsSafeContainerName(match->id)) << match->id;
    EXPECT_EQ(match->id.find('/'), std::string::npos);
  }
}

}  // namespace
}  // namespace amber::record
