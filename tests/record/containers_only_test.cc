// ContainersOnlyFilter: which events --containers-only keeps, decided per cgroup with a fake
// classifier and clock (record/containers_only.h).
#include "record/containers_only.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace amber::record {
namespace {

constexpr uint64_t kMs = 1'000'000;

class ContainersOnlyTest : public ::testing::Test {
 protected:
  ContainersOnlyTest()
      : filter_(ContainersOnlyOptions{2000 * kMs, 5, 100},
                [this](std::string_view path) -> std::optional<std::string> {
                  if (claimed_.count(std::string(path))) return "c-" + std::string(path.substr(1));
                  return std::nullopt;
                },
                [this](store::Event& e) { emitted_.push_back(e.time_ns); },
                [this](uint64_t key) { told_.push_back(key); }) {}

  void Offer(uint64_t key, const std::string& path, uint64_t time_ns, uint64_t now_ns) {
    store::Event e;
    e.time_ns = time_ns;
    e.context.cgroup_path = path;
    filter_.Offer(key, std::move(e), now_ns);
  }

  std::set<std::string> claimed_;
  std::vector<uint64_t> emitted_;  // time_ns of the events kept
  std::vector<uint64_t> told_;     // keys given to the kernel
  ContainersOnlyFilter filter_;
};

TEST_F(ContainersOnlyTest, RootCgroupIsHostAtOnce) {
  Offer(1, "/", 10, 0);
  Offer(1, "/", 11, 1);
  Offer(2, "", 12, 1);
  EXPECT_TRUE(emitted_.empty());
  EXPECT_EQ(told_, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(filter_.dropped(), 3u);
}

TEST_F(ContainersOnlyTest, ClaimedCgroupIsKeptAtOnce) {
  claimed_.insert("/abc");
  Offer(7, "/abc", 10, 0);
  Offer(7, "/abc", 11, 0);
  EXPECT_EQ(emitted_, (std::vector<uint64_t>{10, 11}));
  EXPECT_TRUE(told_.empty());
}

TEST_F(ContainersOnlyTest, NewContainerFirstEventsAreHeldThenKeptInOrder) {
  Offer(7, "/new", 10, 0);  // runc init, before state.json
  Offer(7, "/new", 11, 100 * kMs);
  filter_.Tick(200 * kMs);
  EXPECT_TRUE(emitted_.empty());
  EXPECT_EQ(filter_.held(), 2u);
  claimed_.insert("/new");  // state.json written
  filter_.Tick(300 * kMs);
  Offer(7, "/new", 12, 400 * kMs);
  EXPECT_EQ(emitted_, (std::vector<uint64_t>{10, 11, 12}));
  EXPECT_TRUE(told_.empty());
  EXPECT_EQ(filter_.held(), 0u);
}

TEST_F(ContainersOnlyTest, UnclaimedCgroupBecomesHostAfterGrace) {
  Offer(9, "/user.slice/session-3.scope", 10, 0);
  filter_.Tick(1999 * kMs);
  EXPECT_TRUE(told_.empty());
  filter_.Tick(2000 * kMs);
  EXPECT_EQ(told_, (std::vector<uint64_t>{9}));
  // Events already queued behind the kernel's map entry are dropped here.
  Offer(9, "/user.slice/session-3.scope", 11, 2001 * kMs);
  EXPECT_TRUE(emitted_.empty());
  EXPECT_EQ(filter_.dropped(), 2u);
  EXPECT_EQ(told_.size(), 1u);
}

TEST_F(ContainersOnlyTest, TooManyHeldEventsDecideEarly) {
  claimed_.insert("/ctr");
  Offer(3, "/host", 1, 0);
  Offer(3, "/host", 2, 0);
  Offer(3, "/host", 3, 0);
  Offer(3, "/host", 4, 0);
  Offer(3, "/host", 5, 0);
  EXPECT_TRUE(told_.empty());
  Offer(3, "/host", 6, 0);  // the sixth held event passes max_held_events (5)
  EXPECT_EQ(told_, (std::vector<uint64_t>{3}));
  EXPECT_EQ(filter_.held(), 0u);
  EXPECT_EQ(filter_.dropped(), 6u);
}

TEST_F(ContainersOnlyTest, FinishDecidesWhatIsPending) {
  Offer(4, "/late", 1, 0);
  filter_.Finish(10 * kMs);
  EXPECT_EQ(told_, (std::vector<uint64_t>{4}));
  EXPECT_EQ(filter_.held(), 0u);
}

}  // namespace
}  // namespace amber::record
