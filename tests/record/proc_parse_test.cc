#include "record/proc_parse.h"

#include <gtest/gtest.h>

#include <random>

#include "record/cgroup_path.h"
#include "record/process_start.h"
#include "record/oci_config.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

std::string Stat(const std::string& comm, const std::string& flags = "4194560",
                 const std::string& start = "68671") {
  return "4242 (" + comm + ") S 1 4242 4242 0 -1 " + flags +
         " 36860 395898 0 204 52 201 1337 657 20 0 1 0 " + start +
         " 46190592 3798 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0\n";
}

TEST(ProcStatTest, ParsesFieldsAfterComm) {
  Result<ProcStat> stat = ParseProcStat(Stat("sleep"));
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->pid, 4242u);
  EXPECT_EQ(stat->comm, "sleep");
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->ppid, 1u);
  EXPECT_EQ(stat->flags, 4194560u);
  EXPECT_EQ(stat->start_ticks, 68671u);
}

TEST(ProcStatTest, HostileCommWithParensSpacesAndEscapesIsKeptVerbatim) {
  const std::string comm = std::string("a) R 9 9 (\x1b[31m\n\xff\xfe");
  Result<ProcStat> stat = ParseProcStat(Stat(comm));
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->comm, comm);
  EXPECT_EQ(stat->ppid, 1u);
  EXPECT_EQ(stat->start_ticks, 68671u);
}

TEST(ProcStatTest, EmptyCommAndCloseParenComm) {
  EXPECT_EQ(ParseProcStat(Stat(""))->comm, "");
  EXPECT_EQ(ParseProcStat(Stat(")"))->comm, ")");
}

TEST(ProcStatTest, KernelThreadFlag) {
  Result<ProcStat> stat = ParseProcStat(Stat("kthreadd", "2129984"));
  ASSERT_TRUE(stat.ok());
  EXPECT_NE(stat->flags & kPfKthread, 0u);
}

TEST(ProcStatTest, RejectsTruncatedAndMalformed) {
  EXPECT_FALSE(ParseProcStat("").ok());
  EXPECT_FALSE(ParseProcStat("12 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("12 x S 1").ok());
  EXPECT_FALSE(ParseProcStat(Stat("x", "-1")).ok());
  EXPECT_FALSE(ParseProcStat(Stat("x", "1", "99999999999999999999999")).ok());
  EXPECT_FALSE(ParseProcStat("-1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20").ok());
}

TEST(ProcStatusTest, ParsesIdsAndCapEff) {
  const std::string text =
      "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\n"
      "Gid:\t100\t50\t50\t50\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n";
  Result<ProcStatus> status = ParseProcStatus(text);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->uid, 1000u);
  EXPECT_EQ(status->euid, 0u);
  EXPECT_EQ(status->gid, 100u);
  EXPECT_EQ(status->egid, 50u);
  EXPECT_EQ(status->cap_effective, 0x1ffffffffffull);
}

TEST(ProcStatusTest, EscapedNameCannotInjectLines) {
  // The kernel escapes Name; even unescaped, only a line *starting* with the key counts.
  const std::string text =
      "Name:\tx Uid:\t0\t0\nUid:\t7\t7\t7\t7\nGid:\t8\t8\t8\t8\nCapEff:\t0\n";
  Result<ProcStatus> status = ParseProcStatus(text);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->uid, 7u);
}

TEST(ProcStatusTest, MissingLinesAreCorruption) {
  EXPECT_EQ(ParseProcStatus("Uid:\t1\t1\t1\t1\n").status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(ParseProcStatus("Uid:\t1\t1\t1\t1\nGid:\t1\t1\t1\t1\nCapEff:\tzz\n").ok());
  EXPECT_FALSE(ParseProcStatus("Uid:\tx\nGid:\t1\t1\nCapEff:\t0\n").ok());
}

TEST(CmdlineTest, SplitsOnNulAndKeepsEmptyArguments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(SplitCmdline(std::string("sleep\0" "30\0", 9)), (V{"sleep", "30"}));
  EXPECT_EQ(SplitCmdline(std::string("a\0\0b\0", 5)), (V{"a", "", "b"}));
  EXPECT_EQ(SplitCmdline(std::string("\0", 1)), (V{""}));
  EXPECT_EQ(SplitCmdline(""), V{});
  // setproctitle(): no trailing NUL, spaces inside one argument.
  EXPECT_EQ(SplitCmdline("nginx: worker process"), (V{"nginx: worker process"}));
  const std::string hostile("\x1b]0;pwned\x07\xff\xc3\x28", 9);
  EXPECT_EQ(SplitCmdline(hostile), (V{hostile}));
}

TEST(ProcessStartTest, TicksToNsAndMatching) {
  EXPECT_EQ(TicksToBootNs(68671, 100), 686'710'000'000ull);
  EXPECT_EQ(TicksToBootNs(3, 300), 10'000'000ull);
  EXPECT_EQ(TicksToBootNs(5, 0), 0u);
  // The kernel truncates: 686.719999999 s is tick 68671.
  EXPECT_EQ(CoarseStartNs(686'719'999'999ull, 100), 686'710'000'000ull);
  EXPECT_TRUE(SameProcessStart(686'710'000'000ull, 686'719'999'999ull));
  EXPECT_TRUE(SameProcessStart(686'710'000'000ull, 686'710'000'000ull));
  EXPECT_FALSE(SameProcessStart(686'710'000'000ull, 686'720'000'000ull));
  EXPECT_FALSE(SameProcessStart(686'710'000'000ull, 686'709'999'999ull));
  // Exact values on both sides (two kernel events) compare exactly.
  EXPECT_TRUE(SameProcessStart(686'712'345'678ull, 686'712'345'678ull));
}

// Hostile bytes into every parser of kernel and runtime text: no crash, no hang, no exception.
TEST(HostileInputTest, RandomBytesIntoEveryParser) {
  std::mt19937 rng(99);
  const std::string seeds[] = {
      "4242 (sleep) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 68671 0 0\n",
      "Uid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\nCapEff:\t00000000a80425fb\n",
      "8:pids:/a\n0::/b (deleted)\n",
      R"({"process":{"capabilities":{"effective":["CAP_SYS_ADMIN"]}},"annotations":{"a":"b"},)"
      R"("linux":{"namespaces":[{"type":"user"}],"resources":{"devices":[{"allow":true}]}}})"};
  for (int i = 0; i < 20000; ++i) {
    std::string text = seeds[rng() % 4];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = static_cast<char>(rng() % 256); break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, std::string(1 + rng() % 4, "[{(\")\"\0\n:"[rng() % 8])); break;
      }
    }
    (void)ParseProcStat(text);
    (void)ParseProcStatus(text);
    (void)SplitCmdline(text);
    (void)ContainerCgroupPath(ParseProcCgroup(text));
    Result<nlohmann::json> json = ParseJson(text, "random");
    if (json.ok()) (void)ParseOciConfig(*json);
  }
}

}  // namespace
}  // namespace amber::record
