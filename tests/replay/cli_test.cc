// End to end through the amber-replay binary: a hand-written JSON-lines capture is imported,
// loaded, then read back with query, tree and timeline, asserting what an analyst sees (and that
// hostile bytes reach the terminal escaped). Needs the built binary (AMBER_BINARY_DIR).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/file.h"
#include "tests/replay/replay_test_util.h"

namespace {

namespace fs = std::filesystem;

const std::string kReplay = std::string(AMBER_BINARY_DIR) + "/replay/amber-replay";

constexpr const char* kNs =
    R"("mnt_ns":4026531841,"pid_ns":4026531836,"user_ns":4026531837,"net_ns":4026531840)";

std::string Ctx(int pid, int ppid, long long start, int uid, const char* comm) {
  return "{\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(pid) +
         ",\"ppid\":" + std::to_string(ppid) + ",\"process_start_ns\":" + std::to_string(start) +
         ",\"uid\":" + std::to_string(uid) + ",\"euid\":" + std::to_string(uid) + ",\"comm\":\"" +
         comm + "\"," + kNs + "}";
}

std::string Event(long long t, const char* op, long long ret, const std::string& ctx,
                  const char* family, const std::string& args) {
  return "{\"type\":\"event\",\"time_ns\":" + std::to_string(t) + ",\"op\":\"" + op +
         "\",\"ret\":" + std::to_string(ret) + ",\"context\":" + ctx + ",\"family\":\"" + family +
         "\",\"args\":" + args + "}\n";
}

// A snapshot process line, seen at boot-time 0.95 s.
std::string Process(const std::string& ctx, const char* exe, const char* argv_json) {
  return R"({"type":"process","context":)" + ctx + R"(,"exe":")" + exe +
         R"(","cwd":"/","argv":)" + argv_json + R"(,"observed_ns":950000000})" + "\n";
}

// A fork by `parent` of a child that starts at the fork's time.
std::string Fork(long long t, const std::string& parent, int child) {
  const std::string pid = std::to_string(child);
  return Event(t, "fork", child, parent, "fork",
               "{\"child_pid\":" + pid + ",\"child_tid\":" + pid +
                   ",\"clone_flags\":17,\"child_start_ns\":" + std::to_string(t) + "}");
}

// The header line of every capture here: host cli-test, boot-time 1 s = 2026-11-29T13:02:19Z.
std::string Header() {
  return R"({"type":"header","host":{"hostname":"cli-test","machine_id":"m1","boot_id":"b1",)"
         R"("kernel_release":"6.1.0","arch":"x86_64","cpus":2},"clock_boot_ns":1000000000,)"
         R"("clock_realtime_ns":1795957339000000000,"started_ns":1000000000})"
         "\n";
}

// init(1) -> sshd(700) -> bash(4000) -> the renamed payload(4001), which reads /etc/shadow and
// exits. The payload's name carries U+202E (RIGHT-TO-LEFT OVERRIDE): "/tmp/<RLO>gpj.sh".
std::string Jsonl() {
  std::string out = Header();
  out += R"({"type":"process","context":)" + Ctx(1, 0, 500000000, 0, "systemd") +
         R"(,"exe":"/usr/lib/systemd/systemd","cwd":"/","argv":["/sbin/init"],"observed_ns":950000000})"
         "\n";
  out += R"({"type":"process","context":)" + Ctx(700, 1, 500700000, 0, "sshd") +
         R"(,"exe":"/usr/sbin/sshd","cwd":"/","argv":["sshd: /usr/sbin/sshd -D"],"observed_ns":950000000})"
         "\n";
  const std::string sshd = Ctx(700, 1, 500700000, 0, "sshd");
  const std::string bash = Ctx(4000, 700, 2001000000, 1000, "bash");
  const std::string payload = Ctx(4001, 4000, 2003000000, 1000, "sh");
  out += Event(2001000000, "fork", 4000, sshd, "fork",
               R"({"child_pid":4000,"child_tid":4000,"clone_flags":17,"child_start_ns":2001000000})");
  out += Event(2002000000, "exec", 0, bash, "exec",
               R"({"filename":"/usr/bin/bash","argv":["-bash"],"argc":1,"cwd":"/home/u"})");
  out += Event(2003000000, "fork", 4001, bash, "fork",
               R"({"child_pid":4001,"child_tid":4001,"clone_flags":17,"child_start_ns":2003000000})");
  out += Event(2004000000, "exec", 0, payload, "exec",
               "{\"filename\":\"/tmp/\\u202egpj.sh\",\"argv\":[\"/tmp/\\u202egpj.sh\",\"-x\"],"
               "\"argc\":2,\"cwd\":\"/tmp\"}");
  out += Event(2005000000, "open", -13, payload, "file",
               R"({"path":"/etc/shadow","file_flags":0})");
  out += Event(2006000000, "exit", 0, payload, "exit", R"({"exit_code":1})");
  return out;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/amber-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "events.jsonl") << Jsonl();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs amber-replay with these arguments (no shell: the paths are ours, but stay honest),
  // returns its exit code and stdout.
  int Run(std::vector<std::string> args, std::string* out) {
    int pipefd[2];
    if (pipe(pipefd) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
      dup2(pipefd[1], STDOUT_FILENO);
      close(pipefd[0]);
      close(pipefd[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(kReplay.c_str()));
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(kReplay.c_str(), argv.data());
      _exit(127);
    }
    close(pipefd[1]);
    out->clear();
    std::array<char, 4096> buf;
    for (ssize_t n; (n = read(pipefd[0], buf.data(), buf.size())) > 0;) out->append(buf.data(), n);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string P(const char* name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(CliTest, ImportLoadQueryTreeTimeline) {
  ASSERT_TRUE(fs::exists(kReplay)) << kReplay << " is not built";
  std::string out;
  ASSERT_EQ(Run({"import", P("events.jsonl"), "-o", P("c.amber")}, &out), 0) << out;
  ASSERT_EQ(Run({"load", P("c.amber"), "--db", P("case.db"), "--quiet"}, &out), 0) << out;
  EXPECT_NE(out.find("intact, 6 events, 0 gaps"), std::string::npos) << out;
  EXPECT_NE(out.find("loaded 6 events, 4 processes (0 inferred)"), std::string::npos) << out;

  // query: CSV of the process rows; the payload's exe keeps its bytes (U+202E is UTF-8 text), and
  // the table form shows it escaped.
  ASSERT_EQ(Run({"query", "--db", P("case.db"), "--format", "csv",
                 "SELECT p.pid, parent.pid AS ppid, p.exit_code, p.origin FROM processes p "
                 "LEFT JOIN processes parent ON parent.id = p.parent_id ORDER BY p.id"},
                &out),
            0);
  // CSV is RFC 4180: CRLF line ends.
  EXPECT_EQ(out, "pid,ppid,exit_code,origin\r\n1,,,snapshot\r\n700,1,,snapshot\r\n"
                 "4000,700,,fork\r\n4001,4000,1,fork\r\n");
  ASSERT_EQ(Run({"query", "--db", P("case.db"), "--format", "table",
                 "SELECT exe FROM processes WHERE pid = 4001"},
                &out),
            0);
  EXPECT_NE(out.find("/tmp/\\u202egpj.sh"), std::string::npos) << out;
  EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos) << "raw RLO reached the terminal";

  // The ancestry view: the payload's lineage up to init.
  ASSERT_EQ(Run({"query", "--db", P("case.db"), "--format", "csv",
                 "SELECT depth, ancestor_pid FROM process_ancestry a JOIN processes p "
                 "ON p.id = a.process_id WHERE p.pid = 4001 ORDER BY depth"},
                &out),
            0);
  EXPECT_EQ(out, "depth,ancestor_pid\r\n0,4001\r\n1,4000\r\n2,700\r\n3,1\r\n");

  // A write is refused: query is read-only.
  EXPECT_NE(Run({"query", "--db", P("case.db"), "DELETE FROM processes"}, &out), 0);

  // tree: indented, argv escaped, exit shown.
  ASSERT_EQ(Run({"tree", "--db", P("case.db"), "--pid", "700"}, &out), 0);
  EXPECT_NE(out.find("700 sshd: /usr/sbin/sshd -D  ["), std::string::npos) << out;
  EXPECT_NE(out.find("\n  4000 -bash  [2026-11-29T"), std::string::npos) << out;
  EXPECT_NE(out.find("\n    4001 /tmp/\\u202egpj.sh -x  [2026-11-29T"), std::string::npos) << out;
  EXPECT_NE(out.find(" exit 1]"), std::string::npos) << out;
  EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos) << "raw RLO reached the terminal";

  // timeline: every event in time order for one pid, and a time window.
  ASSERT_EQ(Run({"timeline", "--db", P("case.db"), "--pid", "4001", "--format", "csv"}, &out), 0);
  EXPECT_NE(out.find("exec,exec,0,4001"), std::string::npos) << out;
  EXPECT_NE(out.find("file,open,-13,4001"), std::string::npos) << out;
  EXPECT_NE(out.find("open /etc/shadow"), std::string::npos) << out;
  EXPECT_LT(out.find("exec,exec"), out.find("file,open")) << out;
  ASSERT_EQ(Run({"timeline", "--db", P("case.db"), "--from", "2026-11-29T00:00:00Z", "--to",
                 "2026-11-29T23:59:59Z", "--format", "csv"},
                &out),
            0);
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 1u + 6u) << out;  // header + the six events
  ASSERT_EQ(Run({"timeline", "--db", P("case.db"), "--from", "2026-11-29T00:00:00Z", "--to",
                 "2026-11-29T13:02:20.0015Z", "--format", "csv"},
                &out),
            0);
  lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 1u + 1u) << out;  // only the first fork (.001 s); the rest is later
  // The command merges its own per-table query (fast on large cases); it shows what the
  // timeline view shows, in the same order.
  std::string from_view;
  ASSERT_EQ(Run({"query", "--db", P("case.db"), "--format", "csv",
                 "SELECT t.time, t.kind, t.op, t.ret, t.pid, t.tid, t.uid, "
                 "coalesce(c.name, substr(c.runtime_id, 1, 12)) AS container, p.comm, t.summary "
                 "FROM timeline t LEFT JOIN processes p ON p.id = t.process_id "
                 "LEFT JOIN containers c ON c.id = t.container_id "
                 "ORDER BY t.time_ns, t.kind, t.event_id"},
                &from_view),
            0);
  ASSERT_EQ(Run({"timeline", "--db", P("case.db"), "--format", "csv"}, &out), 0);
  EXPECT_EQ(out, from_view);

  // Loading the same capture again is refused (a data error: exit 65, as the help says) and
  // changes nothing.
  EXPECT_EQ(Run({"load", P("c.amber"), "--db", P("case.db"), "--quiet"}, &out), 65);
  ASSERT_EQ(Run({"query", "--db", P("case.db"), "--format", "csv",
                 "SELECT count(*) FROM processes"},
                &out),
            0);
  EXPECT_EQ(out, "count(*)\r\n4\r\n");
}

TEST_F(CliTest, TreeShowsEveryImageAProcessRan) {
  // sh(700) -> 4000, which runs `sh -c 'id; cat /etc/passwd'` and then execs cat for the last
  // command, as shells do: processes.argv is cat's; the tree shows both images.
  const std::string sh = Ctx(700, 1, 500700000, 0, "sh");
  const std::string child = Ctx(4000, 700, 2001000000, 0, "sh");
  std::string jsonl = Header() + Process(sh, "/bin/sh", R"(["sh"])");
  jsonl += Fork(2001000000, sh, 4000);
  jsonl += Event(2002000000, "exec", 0, child, "exec",
                 R"({"filename":"/bin/sh","argv":["sh","-c","id; cat /etc/passwd"],"argc":3})");
  jsonl += Event(2003000000, "exec", -2, child, "exec",
                 R"({"filename":"/nonexistent","argv":["nonexistent"],"argc":1})");
  jsonl += Event(2004000000, "exec", 0, child, "exec",
                 R"({"filename":"/bin/cat","argv":["cat","/etc/passwd"],"argc":2})");
  std::ofstream(dir_ / "chain.jsonl") << jsonl;
  std::string out;
  ASSERT_EQ(Run({"import", P("chain.jsonl"), "-o", P("chain.amber")}, &out), 0) << out;
  ASSERT_EQ(Run({"load", P("chain.amber"), "--db", P("chain.db"), "--quiet"}, &out), 0) << out;
  ASSERT_EQ(Run({"tree", "--db", P("chain.db"), "--pid", "700"}, &out), 0);
  // The failed exec changed nothing, so it is not an image.
  EXPECT_NE(out.find("\n  4000 sh -c id; cat /etc/passwd -> cat /etc/passwd  [2026-11-29T"),
            std::string::npos)
      << out;
}

// The recorder drains per-CPU buffers, so a fork can reach the capture a chunk after its child's
// own events. Here 300 is seen first (inferred: its parent 200 is not known yet), forks 301, which
// forks 302; then the chunk with 200's fork of 300 arrives. The late fork links 300 under 200, and
// 301 and 302, forked in between, must see that too: their ancestry goes up to the shell.
TEST_F(CliTest, LateForkGivesTheChildrenForkedMeanwhileTheirFullAncestry) {
  const std::string sh = Ctx(100, 1, 500000000, 0, "sh");
  const std::string p200 = Ctx(200, 100, 1500000000, 0, "make");
  const std::string p300 = Ctx(300, 200, 2001000000, 0, "cc");
  const std::string p301 = Ctx(301, 300, 2003000000, 0, "as");
  const std::string p302 = Ctx(302, 301, 2005000000, 0, "ld");
  std::string jsonl = Header() + Process(sh, "/bin/sh", R"(["sh"])");
  jsonl += Event(2002000000, "open", 3, p300, "file", R"({"path":"/etc/hosts"})");
  jsonl += Fork(2003000000, p300, 301);
  jsonl += Event(2004000000, "exec", 0, p301, "exec",
                 R"({"filename":"/usr/bin/as","argv":["as"],"argc":1})");
  jsonl += Fork(2005000000, p301, 302);
  jsonl += Event(2006000000, "exit", 0, p302, "exit", R"({"exit_code":0})");
  // Another record type between two runs of events ends the chunk (docs/jsonl.md, import).
  jsonl += R"({"type":"stats","time_ns":2006500000,"counters":[["events",5]]})"
           "\n";
  jsonl += Fork(2001000000, p200, 300);
  std::ofstream(dir_ / "late.jsonl") << jsonl;
  std::string out;
  ASSERT_EQ(Run({"import", P("late.jsonl"), "-o", P("late.amber")}, &out), 0) << out;
  ASSERT_EQ(Run({"load", P("late.amber"), "--db", P("late.db"), "--quiet"}, &out), 0) << out;

  ASSERT_EQ(Run({"query", "--db", P("late.db"), "--format", "csv",
                 "SELECT p.pid, p.origin, parent.pid AS parent FROM processes p "
                 "LEFT JOIN processes parent ON parent.id = p.parent_id ORDER BY p.id"},
                &out),
            0);
  EXPECT_EQ(out, "pid,origin,parent\r\n100,snapshot,\r\n300,fork,200\r\n301,fork,300\r\n"
                 "302,fork,301\r\n200,inferred,100\r\n");
  ASSERT_EQ(Run({"query", "--db", P("late.db"), "--format", "csv",
                 "SELECT p.pid, a.depth, a.ancestor_pid FROM process_ancestry a "
                 "JOIN processes p ON p.id = a.process_id ORDER BY p.id, a.depth"},
                &out),
            0);
  EXPECT_EQ(out,
            "pid,depth,ancestor_pid\r\n"
            "100,0,100\r\n"
            "300,0,300\r\n300,1,200\r\n300,2,100\r\n"
            "301,0,301\r\n301,1,300\r\n301,2,200\r\n301,3,100\r\n"
            "302,0,302\r\n302,1,301\r\n302,2,300\r\n302,3,200\r\n302,4,100\r\n"
            "200,0,200\r\n200,1,100\r\n");
}

// info tells events missing (ring buffer, user space) from events kept with a path cut short
// (kernel_path), and the case's lost_events counts only the first.
// The timeline names what the raw numbers hide: a signal sent to a pid no process had keeps the
// pid asked for, and socket families other than inet/inet6/unix have names too.
TEST_F(CliTest, TimelineNamesThePidAskedForAndTheSocketFamily) {
  const std::string bash = Ctx(4000, 700, 2001000000, 1000, "bash");
  std::string jsonl = Jsonl();
  jsonl += Event(2007000000, "kill", -3, bash, "target",
                 R"({"target_pid":0,"signal":9,"given_pid":4242})");
  jsonl += Event(2008000000, "kill", 0, bash, "target",
                 R"({"target_pid":700,"signal":15,"given_pid":700})");
  jsonl += Event(2009000000, "bind", 0, bash, "net", R"({"family":16,"sock_fd":3})");
  std::ofstream(dir_ / "more.jsonl") << jsonl;
  std::string out;
  ASSERT_EQ(Run({"import", P("more.jsonl"), "-o", P("more.amber")}, &out), 0) << out;
  ASSERT_EQ(Run({"load", P("more.amber"), "--db", P("more.db"), "--quiet"}, &out), 0) << out;
  ASSERT_EQ(Run({"timeline", "--db", P("more.db"), "--pid", "4000", "--format", "csv"}, &out), 0);
  EXPECT_NE(out.find("kill pid=0 asked=4242 signal=9"), std::string::npos) << out;
  EXPECT_NE(out.find("kill pid=700 signal=15"), std::string::npos) << out;  // asked = reached
  EXPECT_NE(out.find("bind netlink "), std::string::npos) << out;
  std::string from_view;
  ASSERT_EQ(Run({"query", "--db", P("more.db"), "--format", "csv",
                 "SELECT summary FROM timeline WHERE pid = 4000 AND kind IN ('target', 'net') "
                 "ORDER BY time_ns"},
                &from_view),
            0);
  EXPECT_EQ(from_view, "summary\r\nkill pid=0 asked=4242 signal=9\r\nkill pid=700 signal=15\r\n"
                       "bind netlink \r\n");
}

// verify given the rotated files of a recording: a hole in the set is noted (exit 1), a file that
// does not follow the one before it is tampered (65).
TEST_F(CliTest, VerifyChecksTheRotatedFilesOfARecordingAsOneChain) {
  amber::store::PosixEnv env;
  amber::replay::testing::WriteRotatedRecording(&env, P("r"), "recording-1", "/bin/true");
  // The same recording id: its files claim the same places.
  amber::replay::testing::WriteRotatedRecording(&env, P("forged"), "recording-1", "/bin/false");
  std::string out;
  EXPECT_EQ(Run({"verify", P("r.000000.amber"), P("r.000001.amber"), P("r.000002.amber")}, &out),
            0);
  EXPECT_EQ(out.find("note:"), std::string::npos) << out;

  EXPECT_EQ(Run({"verify", P("r.000000.amber"), P("r.000002.amber")}, &out), 1);
  EXPECT_NE(out.find("r.000002.amber: intact"), std::string::npos) << out;
  EXPECT_NE(out.find("r.000002.amber (recording 7265636f7264, file 2): file 1 of this recording "
                     "is not here"),
            std::string::npos)
      << out;

  EXPECT_EQ(Run({"verify", P("r.000000.amber"), P("forged.000001.amber")}, &out), 65);
  EXPECT_NE(out.find("forged.000001.amber: tampered at offset 0 (its previous-file digest is not "
                     "the final digest of the file before it"),
            std::string::npos)
      << out;
  // One file given twice is not two files in one place.
  EXPECT_EQ(Run({"verify", P("r.000000.amber"), P("r.000001.amber"), P("r.000001.amber")}, &out),
            0);
  EXPECT_EQ(out.find("tampered"), std::string::npos) << out;
  // One file alone: its one verdict line, whatever the recording around it.
  EXPECT_EQ(Run({"verify", P("forged.000001.amber")}, &out), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}

TEST_F(CliTest, InfoAndLoadTellLostEventsFromEventsKeptIncomplete) {
  std::string jsonl = Jsonl();
  jsonl += R"({"type":"loss","source":"ring_buffer","cpu":1,"count":7,"first_ns":2001000000,)"
           R"("last_ns":2002000000,"reason":"ring buffer full"})"
           "\n";
  jsonl += R"({"type":"loss","source":"kernel_path","cpu":0,"count":3,"first_ns":2001000000,)"
           R"j("last_ns":2004000000,"reason":"path or argv kept incomplete (event kept)"})j"
           "\n";
  std::ofstream(dir_ / "lossy.jsonl") << jsonl;
  std::string out;
  ASSERT_EQ(Run({"import", P("lossy.jsonl"), "-o", P("lossy.amber")}, &out), 0);
  ASSERT_EQ(Run({"info", P("lossy.amber")}, &out), 0);
  EXPECT_NE(out.find("losses      7\n  ring_buffer  cpu 1   7 lost between"), std::string::npos)
      << out;
  EXPECT_NE(out.find("incomplete  3 events kept with a path or argument cut short\n"
                     "  kernel_path  cpu 0   3 kept incomplete between"),
            std::string::npos)
      << out;
  ASSERT_EQ(Run({"load", P("lossy.amber"), "--db", P("lossy.db")}, &out), 0);
  ASSERT_EQ(Run({"query", "--db", P("lossy.db"), "--format", "csv",
                 "SELECT lost_events, (SELECT count(*) FROM gaps) FROM captures"},
                &out),
            0);
  EXPECT_NE(out.find("7,2"), std::string::npos) << out;
}

}  // namespace
