// The process table rebuilt from synthetic captures: one test per state-rebuilding case, each
// asserting the expected `processes` rows.
#include <gtest/gtest.h>

#include "tests/replay/replay_test_util.h"

namespace amber::replay {
namespace {

using testing::CaptureBuilder;

class ProcessStateTest : public ::testing::Test {
 protected:
  // pid|start|parent pid|origin|exe|cmdline|exit code|ended_by, in id order.
  std::vector<std::string> LoadAndList() {
    builder_.Close();
    auto report = testing::LoadInto(&env_, db_.get(), {"c.amber"});
    EXPECT_TRUE(report.ok()) << report.status().message();
    return testing::Rows(db_.get(),
                         "SELECT p.pid, p.start_boot_ns, coalesce(par.pid, '-'), p.origin, "
                         "coalesce(p.exe, '-'), p.cmdline, coalesce(p.exit_code, '-'), "
                         "coalesce(p.ended_by, '-') FROM processes p "
                         "LEFT JOIN processes par ON par.id = p.parent_id ORDER BY p.id");
  }
  // pid|depth|ancestor pid of the process_ancestry rows of the processes `where` selects (alias
  // p), by process id and depth.
  std::vector<std::string> Ancestry(const std::string& where = "1") {
    return testing::Rows(db_.get(), "SELECT p.pid, a.depth, a.ancestor_pid FROM process_ancestry a "
                                    "JOIN processes p ON p.id = a.process_id WHERE " + where +
                                    " ORDER BY p.id, a.depth");
  }
  static store::TaskContext Ctx(uint32_t pid, uint64_t start, uint32_t ppid, uint32_t tid = 0) {
    return CaptureBuilder::Ctx(pid, start, ppid, tid);
  }

  store::MemEnv env_;
  CaptureBuilder builder_{&env_, "c.amber"};
  std::unique_ptr<Database> db_ = testing::OpenCase();
};

TEST_F(ProcessStateTest, SnapshotSeedsProcessesAndLinksParentsInAnyOrder) {
  builder_.Snapshot(Ctx(200, 20, 100), "/bin/bash", {"bash"});  // child before its parent
  builder_.Snapshot(Ctx(100, 10, 1), "/usr/sbin/sshd", {"sshd", "-D"});
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "200|20|100|snapshot|/bin/bash|bash|-|-",
                               "100|10|-|snapshot|/usr/sbin/sshd|sshd -D|-|-",
                           }));
}

TEST_F(ProcessStateTest, ForkExecExitUpdateTheIncarnation) {
  auto sh = Ctx(100, 10, 1);
  builder_.Snapshot(sh, "/bin/sh", {"sh"});
  builder_.Fork(2000, sh, 101, 1900);
  auto child = Ctx(101, 1900, 100);
  builder_.Exec(3000, child, "/usr/bin/id", {"id", "-u"});
  builder_.Exit(4000, child, 3);
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "100|10|-|snapshot|/bin/sh|sh|-|-",
                               "101|1900|100|fork|/usr/bin/id|id -u|3|exit",
                           }));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT exec_index, previous_exe, thread_exec FROM execs"),
            (std::vector<std::string>{"1|/bin/sh|0"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT op, child_process_id FROM process_events ORDER BY id"),
            (std::vector<std::string>{"fork|2", "exit|NULL"}));
}

TEST_F(ProcessStateTest, PidReuseGivesANewIncarnation) {
  auto sh = Ctx(100, 10, 1);
  builder_.Snapshot(sh, "/bin/sh", {"sh"});
  builder_.Fork(2000, sh, 300, 2000);
  builder_.Exit(2500, Ctx(300, 2000, 100), 0);
  builder_.Fork(9000, sh, 300, 9000);  // same pid, new start time
  builder_.Exec(9100, Ctx(300, 9000, 100), "/bin/ls", {"ls"});
  // A pid reused with its exit never seen ends the earlier incarnation.
  builder_.Open(9200, Ctx(400, 50, 1), "/etc/hosts");
  builder_.Open(9300, Ctx(400, 9250, 1), "/etc/passwd");
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "100|10|-|snapshot|/bin/sh|sh|-|-",
                               "300|2000|100|fork|/bin/sh|sh|0|exit",
                               "300|9000|100|fork|/bin/ls|ls|-|-",
                               "400|50|-|inferred|-||-|pid_reuse",
                               "400|9250|-|inferred|-||-|-",
                           }));
  EXPECT_EQ(testing::Rows(db_.get(),
                          "SELECT f.path, p.start_boot_ns FROM file_events f "
                          "JOIN processes p ON p.id = f.process_id ORDER BY f.id"),
            (std::vector<std::string>{"/etc/hosts|50", "/etc/passwd|9250"}));
}

// Thousands of incarnations, pids reused, exits retired past the grace window while new ones
// arrive: the table's inserts and erases (which shift entries back) keep every event attributed to
// its own (pid, start).
TEST_F(ProcessStateTest, ManyIncarnationsComeAndGoAcrossTheGraceWindow) {
  auto sh = Ctx(100, 10, 1);
  builder_.Snapshot(sh, "/bin/sh", {"sh"});
  const uint64_t step = 20'000'000;  // 20 ms: 3000 children span 60 s, twelve grace windows
  for (uint32_t i = 0; i < 3000; ++i) {
    uint64_t t = 1'000'000'000 + i * step;
    uint32_t pid = 1000 + i % 500;  // each pid reused six times
    builder_.Fork(t, sh, pid, t);
    auto child = Ctx(pid, t, 100);
    builder_.Open(t + 10, child, "/tmp/f" + std::to_string(i));
    builder_.Exit(t + 20, child, 0);
    if (i % 100 == 99) builder_.Flush();
  }
  LoadAndList();
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT count(*), count(DISTINCT pid || ':' || start_boot_ns),"
                                     " sum(ended_by = 'exit') FROM processes"),
            (std::vector<std::string>{"3001|3001|3000"}));
  // Each open belongs to the incarnation forked just before it.
  EXPECT_EQ(testing::Rows(db_.get(),
                          "SELECT count(*) FROM file_events f JOIN processes p ON p.id = f.process_id"
                          " WHERE p.start_boot_ns + 10 = f.boot_ns AND p.pid = f.pid"),
            (std::vector<std::string>{"3000"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT count(*) FROM processes WHERE origin = 'inferred'"),
            (std::vector<std::string>{"0"}));
}

TEST_F(ProcessStateTest, SnapshotStartInClockTicksMeetsTheKernelsExactStart) {
  // /proc said 6225.43 s (10 ms ticks, truncated); the kernel's events say 6225.438338894 s.
  builder_.Snapshot(Ctx(8417, 6'225'430'000'000, 1), "/usr/bin/bash", {"bash", "run.sh"});
  builder_.Open(6'300'000'000'000, Ctx(8417, 6'225'438'338'894, 1), "/proc/sys/kernel/core_pattern");
  // A start outside the tick is another process that reused the pid.
  builder_.Open(6'400'000'000'000, Ctx(8417, 6'225'441'000'000, 1), "/etc/hosts");
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "8417|6225438338894|-|snapshot|/usr/bin/bash|bash run.sh|-|pid_reuse",
                               "8417|6225441000000|-|inferred|-||-|-",
                           }));
}

TEST_F(ProcessStateTest, ThreadThatExecsKeepsTheIncarnation) {
  auto app = Ctx(500, 10, 1);
  builder_.Snapshot(app, "/usr/bin/python3", {"python3", "app.py"});
  builder_.Fork(2000, app, 500, 10, /*CLONE_THREAD|CLONE_VM*/ 0x10100, 501);
  builder_.Open(2500, Ctx(500, 10, 1, 501), "/etc/hosts");  // the thread, before its exec
  // The thread execs; a recorder may name it by the thread's tid (its identity before de_thread).
  builder_.Exec(3000, Ctx(501, 10, 1, 501), "/bin/sh", {"sh", "-c", "id"});
  builder_.Open(3100, Ctx(500, 10, 1), "/etc/shadow");  // after the exec the tid is the pid
  auto rows = LoadAndList();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], "500|10|-|snapshot|/bin/sh|sh -c id|-|-");
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT thread_exec, tid FROM execs"),
            (std::vector<std::string>{"1|501"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT thread FROM process_events"),
            (std::vector<std::string>{"1"}));
}

TEST_F(ProcessStateTest, ReparentedChildKeepsItsCreatorAndRecordsTheReaper) {
  auto init = Ctx(1, 1, 0);
  auto shell = Ctx(100, 10, 1);
  builder_.Snapshot(init, "/sbin/init", {"init"});
  builder_.Snapshot(shell, "/bin/sh", {"sh"});
  builder_.Fork(2000, shell, 200, 2000);
  builder_.Exit(2100, shell, 0);               // the parent exits first
  builder_.Open(3000, Ctx(200, 2000, 1), "/tmp/x");  // now adopted by init
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "1|1|-|snapshot|/sbin/init|init|-|-",
                               "100|10|1|snapshot|/bin/sh|sh|0|exit",
                               "200|2000|100|fork|/bin/sh|sh|-|-",
                           }));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT r.pid FROM processes p JOIN processes r "
                                     "ON r.id = p.reaper_id WHERE p.pid = 200"),
            (std::vector<std::string>{"1"}));
  // Ancestry follows the creator, through the exited parent.
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT ancestor_pid, depth FROM process_ancestry a "
                                     "JOIN processes p ON p.id = a.process_id "
                                     "WHERE p.pid = 200 ORDER BY depth"),
            (std::vector<std::string>{"200|0", "100|1", "1|2"}));
}

// A hostile capture has a process fork its own parent: linking it would make the parent its own
// ancestor (and the ancestry chain a loop). The fork is kept as an event; the link is not made.
TEST_F(ProcessStateTest, ForkOfAnAncestorDoesNotMakeACycle) {
  auto sh = Ctx(100, 10, 1);
  builder_.Snapshot(sh, "/bin/sh", {"sh"});
  builder_.Fork(2000, sh, 200, 2000);
  auto child = Ctx(200, 2000, 100);
  builder_.Fork(3000, child, 100, 10);  // "forks" the shell that forked it
  builder_.Open(4000, sh, "/etc/hosts");
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "100|10|-|snapshot|/bin/sh|sh|-|-",
                               "200|2000|100|fork|/bin/sh|sh|-|-",
                           }));
  EXPECT_EQ(Ancestry(), (std::vector<std::string>{"100|0|100", "200|0|200", "200|1|100"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT count(*) FROM process_events WHERE op = 'fork'"),
            (std::vector<std::string>{"2"}));
}

// A fork chain deeper than kMaxAncestry (each process forks the next and exits): every process
// keeps its nearest 256 ancestors, whatever the depth.
TEST_F(ProcessStateTest, AncestryStopsAt256Levels) {
  auto top = Ctx(100, 10, 1);
  builder_.Snapshot(top, "/bin/sh", {"sh"});
  store::TaskContext parent = top;
  for (uint32_t i = 0; i < 300; ++i) {
    const uint64_t t = 2000 + i * 10;
    const uint32_t pid = 1000 + i;
    builder_.Fork(t, parent, pid, t);
    builder_.Exit(t + 5, parent, 0);
    parent = Ctx(pid, t, parent.pid);
  }
  LoadAndList();
  // The last process (pid 1299): itself and 256 ancestors, the farthest being pid 1299 - 256.
  const std::vector<std::string> last = Ancestry("p.pid = 1299");
  ASSERT_EQ(last.size(), 257u);
  EXPECT_EQ(last[1], "1299|1|1298");
  EXPECT_EQ(last[255], "1299|255|1044");
  EXPECT_EQ(last[256], "1299|256|1043");
  // A process at depth d has 1 + min(d, 256) rows: 257 * 258 / 2 for depths 0 to 256, 257 each
  // for the 44 deeper ones.
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT count(*) FROM process_ancestors"),
            (std::vector<std::string>{"44461"}));
}

TEST_F(ProcessStateTest, ExecChainKeepsEveryExecAndTheLastImage) {
  auto p = Ctx(100, 10, 1);
  builder_.Snapshot(p, "/bin/sh", {"sh"});
  builder_.Exec(2000, p, "/usr/bin/env", {"env", "python3"});
  builder_.Exec(2001, p, "/usr/bin/python3", {"python3"});
  builder_.Append(2002, store::Op::kExec, p,
                  store::ExecArgs{"/bin/false", "", "", {"false"}, 1, 0, ""}, -13);  // failed
  auto rows = LoadAndList();
  EXPECT_EQ(rows, (std::vector<std::string>{"100|10|-|snapshot|/usr/bin/python3|python3|-|-"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT exec_index, filename, previous_exe, ret FROM execs "
                                     "ORDER BY id"),
            (std::vector<std::string>{"1|/usr/bin/env|/bin/sh|0",
                                      "2|/usr/bin/python3|/usr/bin/env|0",
                                      "2|/bin/false|/usr/bin/python3|-13"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT exec_count FROM processes"),
            (std::vector<std::string>{"2"}));
}

TEST_F(ProcessStateTest, NeverSeenProcessIsInferredOnFirstSightAndLinkedToItsParent) {
  auto sh = Ctx(100, 10, 1);
  builder_.Snapshot(sh, "/bin/sh", {"sh"});
  builder_.Open(2000, Ctx(700, 1500, 100), "/etc/hosts");
  builder_.Open(2100, Ctx(700, 1500, 100), "/etc/resolv.conf");
  EXPECT_EQ(LoadAndList(), (std::vector<std::string>{
                               "100|10|-|snapshot|/bin/sh|sh|-|-",
                               "700|1500|100|inferred|-||-|-",
                           }));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT count(DISTINCT process_id), min(process_id) "
                                     "FROM file_events"),
            (std::vector<std::string>{"1|2"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT inferred FROM processes WHERE pid = 700"),
            (std::vector<std::string>{"1"}));
}

TEST_F(ProcessStateTest, EventsAreAttributedToTheirContainer) {
  builder_.Container("abcdef0123456789", "web");
  auto c = Ctx(900, 10, 1);
  c.container_id = "abcdef0123456789";
  builder_.Open(2000, c, "/app/config");
  LoadAndList();
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT c.name, c.inferred FROM file_events f "
                                     "JOIN containers c ON c.id = f.container_id"),
            (std::vector<std::string>{"web|0"}));
  EXPECT_EQ(testing::Rows(db_.get(), "SELECT c.name FROM processes p "
                                     "JOIN containers c ON c.id = p.container_id"),
            (std::vector<std::string>{"web"}));
}

}  // namespace
}  // namespace amber::replay
