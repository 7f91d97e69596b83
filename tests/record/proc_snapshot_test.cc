#include "record/proc_snapshot.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "record/proc_files.h"
#include "record/process_start.h"

namespace amber::record {
namespace {

namespace fs = std::filesystem;

std::string StatLine(uint32_t pid, const std::string& comm, uint32_t ppid, uint32_t flags,
                     uint64_t start_ticks) {
  return std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " 1 1 0 -1 " +
         std::to_string(flags) + " 0 0 0 0 0 0 0 0 20 0 1 0 " + std::to_string(start_ticks) +
         " 0 0 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}

std::string StatusText(uint32_t uid, uint32_t euid, uint32_t gid, const std::string& cap) {
  return "Name:\tx\nUid:\t" + std::to_string(uid) + "\t" + std::to_string(euid) + "\t0\t0\nGid:\t" +
         std::to_string(gid) + "\t" + std::to_string(gid) + "\t0\t0\nCapEff:\t" + cap + "\n";
}

// A fake /proc tree under a temporary directory, with one helper per file kind.
class FakeProcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("amber-fakeproc-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "proc");
    fs::create_directories(root_ / "unified");
    options_.proc_root = (root_ / "proc").string();
    options_.unified_cgroup_root = (root_ / "unified").string();
    options_.clock_ticks_per_sec = 100;
    options_.stats = &stats_;
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path Dir(uint32_t pid) { return root_ / "proc" / std::to_string(pid); }
  void Write(uint32_t pid, const std::string& name, const std::string& bytes) {
    fs::create_directories((Dir(pid) / name).parent_path());
    std::ofstream(Dir(pid) / name, std::ios::binary) << bytes;
  }
  void AddProcess(uint32_t pid, const std::string& comm, uint32_t ppid, uint32_t flags = 0x400100,
                  uint64_t start_ticks = 1234) {
    Write(pid, "stat", StatLine(pid, comm, ppid, flags, start_ticks));
    Write(pid, "status", StatusText(1000, 0, 100, "0000000000000400"));
    Write(pid, "loginuid", "1000");
    for (const char* ns : {"mnt", "pid", "user", "net", "uts", "ipc", "cgroup"}) {
      Write(pid, std::string("ns/") + ns, "");
    }
  }

  fs::path root_;
  SnapshotOptions options_;
  SnapshotStats stats_;
};

TEST_F(FakeProcTest, ReadsEveryField) {
  AddProcess(42, "sleep", 1);
  Write(42, "cmdline", std::string("sleep\0" "30\0", 9));
  fs::create_symlink("/usr/bin/sleep", Dir(42) / "exe");
  fs::create_symlink("/home/user", Dir(42) / "cwd");
  Write(42, "cgroup", "8:pids:/amber-x\n4:memory:/amber-x\n0::/amber-x\n");
  fs::create_directories(root_ / "unified" / "amber-x");

  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  const store::ProcessRecord& r = (*records)[0];
  EXPECT_EQ(r.context.pid, 42u);
  EXPECT_EQ(r.context.tid, 42u);
  EXPECT_EQ(r.context.ppid, 1u);
  EXPECT_EQ(r.context.process_start_ns, TicksToBootNs(1234, 100));
  EXPECT_EQ(r.context.uid, 1000u);
  EXPECT_EQ(r.context.euid, 0u);
  EXPECT_EQ(r.context.gid, 100u);
  EXPECT_EQ(r.context.login_uid, 1000u);
  EXPECT_EQ(r.context.cap_effective, 0x400u);
  EXPECT_EQ(r.context.comm, "sleep");
  EXPECT_EQ(r.context.flags, 0u);
  EXPECT_EQ(r.exe, "/usr/bin/sleep");
  EXPECT_EQ(r.cwd, "/home/user");
  EXPECT_EQ(r.argv, (std::vector<std::string>{"sleep", "30"}));
  EXPECT_EQ(r.context.cgroup_path, "/amber-x");
  struct stat st {};
  ASSERT_EQ(stat((root_ / "unified" / "amber-x").c_str(), &st), 0);
  EXPECT_EQ(r.context.cgroup_id, st.st_ino);
  ASSERT_EQ(stat((Dir(42) / "ns" / "net").c_str(), &st), 0);
  EXPECT_EQ(r.context.net_ns, st.st_ino);
  EXPECT_NE(r.context.mnt_ns, 0u);
  EXPECT_NE(r.observed_ns, 0u);
  EXPECT_EQ(stats_.processes, 1u);
}

TEST_F(FakeProcTest, KernelThreadHasFlagAndNoExe) {
  AddProcess(2, "kthreadd", 0, 0x00208040);
  AddProcess(7, "kworker/u8:1-events_unbound", 2, 0x04208060);
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  for (const store::ProcessRecord& r : *records) {
    EXPECT_EQ(r.context.flags & store::kTaskFlagKernelThread, store::kTaskFlagKernelThread);
    EXPECT_TRUE(r.exe.empty());
    EXPECT_TRUE(r.argv.empty());
  }
  EXPECT_EQ((*records)[1].context.comm, "kworker/u8:1-events_unbound");
}

TEST_F(FakeProcTest, HostileArgvAndCommAreStoredVerbatim) {
  const std::string comm("\x1b[2J)(\xff", 7);
  AddProcess(10, comm, 1);
  const std::string arg0("\x1b]0;owned\x07", 10);
  const std::string arg1("\xc3\x28\xa0\xa1", 4);
  Write(10, "cmdline", arg0 + '\0' + arg1 + '\0' + '\0');
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].context.comm, comm);
  EXPECT_EQ((*records)[0].argv, (std::vector<std::string>{arg0, arg1, ""}));
}

TEST_F(FakeProcTest, ArgvIsCappedAndCounted) {
  options_.max_argv_bytes = 64;
  AddProcess(11, "big", 1);
  Write(11, "cmdline", std::string(50, 'a') + '\0' + std::string(50, 'b') + '\0');
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].argv,
            (std::vector<std::string>{std::string(50, 'a'), std::string(13, 'b')}));
  EXPECT_EQ(stats_.argv_truncated, 1u);
}

TEST_F(FakeProcTest, SkipsVanishedAndMalformedKeepsTheRest) {
  AddProcess(20, "ok", 1);
  Write(21, "stat", StatLine(21, "nostatus", 1, 0, 1));  // exited before status was read
  Write(22, "stat", "22 (broken");                       // malformed
  Write(22, "status", StatusText(0, 0, 0, "0"));
  fs::create_directories(Dir(23));  // exited before stat was read
  fs::create_directories(root_ / "proc" / "self");
  fs::create_directories(root_ / "proc" / "sys");
  std::ofstream(root_ / "proc" / "99") << "a file, not a directory";
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].context.pid, 20u);
  EXPECT_EQ(stats_.vanished, 2u);
  EXPECT_EQ(stats_.unreadable, 2u);
}

TEST_F(FakeProcTest, LongestExeTargetIsReadWhole) {
  AddProcess(30, "deep", 1);
  std::string target;
  while (target.size() < PATH_MAX - 1) target += "/" + std::string(200, 'x');
  target.resize(PATH_MAX - 1);  // the longest a symlink (and a /proc exe link) can be
  fs::create_symlink(target, Dir(30) / "exe");
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].exe, target);
  EXPECT_EQ(stats_.path_truncated, 0u);
}

TEST_F(FakeProcTest, ReadLinkReportsTruncation) {
  AddProcess(31, "x", 1);
  fs::create_symlink("/usr/bin/longer-than-eight", Dir(31) / "exe");
  Fd dir(open(Dir(31).c_str(), O_RDONLY | O_DIRECTORY));
  ASSERT_TRUE(dir.valid());
  Result<BoundedRead> read = ReadLinkAt(dir.get(), "exe", 8);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes, "/usr/bin");
  EXPECT_TRUE(read->truncated);
  Result<BoundedRead> file = ReadFileAt(dir.get(), "stat", 5);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->bytes.size(), 5u);
  EXPECT_TRUE(file->truncated);
  EXPECT_EQ(ReadFileAt(dir.get(), "absent", 5).status().code(), StatusCode::kNotFound);
}

TEST_F(FakeProcTest, ProcessLimitIsCounted) {
  for (uint32_t pid = 100; pid < 110; ++pid) AddProcess(pid, "p", 1);
  options_.max_processes = 4;
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options_);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 4u);
  EXPECT_EQ((*records)[0].context.pid, 100u);
  EXPECT_EQ(stats_.over_limit, 6u);
}

TEST_F(FakeProcTest, MissingProcRootIsAnError) {
  options_.proc_root = (root_ / "nope").string();
  EXPECT_EQ(SnapshotProcesses(options_).status().code(), StatusCode::kNotFound);
}

TEST(RealProcTest, SeesThisProcessWithItsIdentity) {
  SnapshotOptions options;
  Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  auto self = std::find_if(records->begin(), records->end(), [](const store::ProcessRecord& r) {
    return r.context.pid == static_cast<uint32_t>(getpid());
  });
  ASSERT_NE(self, records->end());
  EXPECT_EQ(self->context.ppid, static_cast<uint32_t>(getppid()));
  EXPECT_EQ(self->context.uid, getuid());
  EXPECT_EQ(self->context.euid, geteuid());
  EXPECT_EQ(self->exe, fs::read_symlink("/proc/self/exe").string());
  EXPECT_EQ(self->cwd, fs::current_path().string());
  ASSERT_FALSE(self->argv.empty());
  EXPECT_NE(self->argv[0].find("record_proc_snapshot_test"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat("/proc/self/ns/mnt", &st), 0);
  EXPECT_EQ(self->context.mnt_ns, st.st_ino);
  EXPECT_FALSE(self->context.cgroup_path.empty());
  EXPECT_TRUE(std::is_sorted(records->begin(), records->end(),
                             [](const auto& a, const auto& b) { return a.context.pid < b.context.pid; }));
  // Kernel threads are there (pid 2 is kthreadd unless this runs in a pid namespace).
  bool any_kthread = std::any_of(records->begin(), records->end(), [](const auto& r) {
    return (r.context.flags & store::kTaskFlagKernelThread) != 0;
  });
  if (getpid() > 100) {
    EXPECT_TRUE(any_kthread);
  }
}

TEST(RealProcTest, ExitedProcessIsNotFound) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  Result<store::ProcessRecord> record = ReadProcess(static_cast<uint32_t>(child), SnapshotOptions{});
  EXPECT_EQ(record.status().code(), StatusCode::kNotFound);
}

TEST(RealProcTest, ProcessesExitingDuringTheWalkAreSkippedNotFatal) {
  // Children that live a few ms each, started and reaped while snapshots run.
  std::vector<pid_t> children;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 40; ++i) {
      pid_t child = fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        usleep(static_cast<useconds_t>(100 * (i % 10)));
        _exit(0);
      }
      children.push_back(child);
    }
    SnapshotStats stats;
    SnapshotOptions options;
    options.stats = &stats;
    Result<std::vector<store::ProcessRecord>> records = SnapshotProcesses(options);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    EXPECT_EQ(stats.processes, records->size());
    for (pid_t child : children) waitpid(child, nullptr, 0);
    children.clear();
  }
}

TEST(RealProcTest, StartTimeMatchesTheKernelsWithinOneTick) {
  // /proc/self/stat starttime, via the snapshot, against CLOCK_BOOTTIME now: the process
  // started before now, and the snapshot value is a tick boundary.
  Result<store::ProcessRecord> self = ReadProcess(static_cast<uint32_t>(getpid()), SnapshotOptions{});
  ASSERT_TRUE(self.ok());
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  uint64_t now_ns = static_cast<uint64_t>(now.tv_sec) * kNsPerSec + static_cast<uint64_t>(now.tv_nsec);
  EXPECT_LE(self->context.process_start_ns, now_ns);
  uint64_t tick = kNsPerSec / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
  EXPECT_EQ(self->context.process_start_ns % tick, 0u);
}

}  // namespace
}  // namespace amber::record
