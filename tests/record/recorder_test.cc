// Privileged end-to-end tests of amber-record: a real recording of processes this test starts,
// checked through amber-replay (export, verify, info). Needs root and BPF (label "privileged").
// Every process signalled here is one the test started; the small tmpfs is unmounted at the end.
#include <gtest/gtest.h>

#include "tests/record/command.h"
#include "tests/record/privileged.h"
#include <signal.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
const std::string kRecorder = std::string(AMBER_BINARY_DIR) + "/record/amber-record";
const std::string kReplay = std::string(AMBER_BINARY_DIR) + "/replay/amber-replay";

std::string Shell(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

pid_t Spawn(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

using amber::test::WaitExit;

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AMBER_REQUIRE_OR_SKIP(geteuid() == 0, "root");
    char tmpl[] = "/tmp/amber-rec-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!mounted_.empty()) umount2(mounted_.c_str(), MNT_DETACH);
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Starts amber-record and waits until its capture exists and the probes had time to attach.
  pid_t StartRecorder(std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> args = {kRecorder, "-o", out, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = Spawn(args);
    for (int i = 0; i < 100 && !fs::exists(out); i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return pid;
  }
  std::string Verify(const std::string& path) { return Shell(kReplay + " verify " + path + " 2>&1"); }

  std::string dir_;
  std::string mounted_;
};

TEST_F(RecorderTest, ScenarioEventsArriveWithArgsAndReturnValues) {
  std::string out = dir_ + "/scenario.amber";
  std::string script = dir_ + "/scenario.sh";
  std::ofstream(script) << "#!/bin/sh\n"
                           "cd " << dir_ << "\n"
                           "echo data > written.txt\n"
                           "/bin/sh -c 'exec /bin/true chain-arg'\n"
                           "unshare -r /bin/true\n"
                           "mount -t tmpfs none " << dir_ << "/nonexistent 2>/dev/null\n"
                           "echo : > not-executable; ./not-executable 2>/dev/null\n"
                           "sleep 5 & kill -TERM $!\n";
  chmod(script.c_str(), 0755);
  pid_t rec = StartRecorder({"--duration", "30s"}, out);
  ASSERT_EQ(WaitExit(Spawn({"/bin/sh", script})), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(rec, SIGINT);
  ASSERT_EQ(WaitExit(rec), 0);
  EXPECT_EQ(Verify(out).rfind("intact", 0), 0u) << Verify(out);
  std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null");
  // exec chain with argv, a write with its resolved path, unshare, the refused mount (ENOENT),
  // and the kill with its signal.
  EXPECT_NE(jsonl.find("\"argv\":[\"/bin/true\",\"chain-arg\"]"), std::string::npos);
  EXPECT_NE(jsonl.find("\"path\":\"" + dir_ + "/written.txt\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"op\":\"unshare\",\"ret\":0"), std::string::npos);
  EXPECT_NE(jsonl.find("\"op\":\"mount\",\"ret\":-2"), std::string::npos);
  // A refused exec (EACCES), emitted by the exec exit handler (in the other BPF unit than
  // sys_exit, which tail-calls it).
  EXPECT_NE(jsonl.find("\"op\":\"exec\",\"ret\":-13"), std::string::npos);
  EXPECT_NE(jsonl.find("\"op\":\"kill\",\"ret\":0"), std::string::npos);
  EXPECT_NE(jsonl.find("\"signal\":15"), std::string::npos);
  // Processes alive before the recording appear through the snapshot.
  EXPECT_NE(jsonl.find("\"type\":\"process\""), std::string::npos);
}

TEST_F(RecorderTest, ConnectToLoopbackListenerIsRecorded) {
  std::string out = dir_ + "/net.amber";
  pid_t rec = StartRecorder({"--duration", "30s", "--no-snapshot"}, out);
  Shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(1); "
      "c=socket.socket(); c.connect(s.getsockname())' 2>&1");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(rec, SIGINT);
  ASSERT_EQ(WaitExit(rec), 0);
  std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null");
  EXPECT_NE(jsonl.find("\"op\":\"connect\",\"ret\":0"), std::string::npos);
  EXPECT_NE(jsonl.find("\"addr_lo\":2130706433"), std::string::npos);  // 127.0.0.1
  EXPECT_NE(jsonl.find("\"op\":\"listen\""), std::string::npos);
}

// --exclude-ops keeps the excluded ops out in the kernel (their programs are not even loaded, and
// the header says so) while everything else, the process lifecycle included, is still recorded.
TEST_F(RecorderTest, ExcludedOpsAreNotRecordedAndTheHeaderSaysSo) {
  std::string out = dir_ + "/exclude.amber";
  std::string script = dir_ + "/exclude.sh";
  std::ofstream(script) << "#!/bin/sh\n"
                           "echo data > " << dir_ << "/excluded-write.txt\n"
                           "/bin/mkdir " << dir_ << "/kept-dir\n";
  chmod(script.c_str(), 0755);
  pid_t rec = StartRecorder({"--duration", "30s", "--no-snapshot", "--exclude-ops", "open"}, out);
  ASSERT_EQ(WaitExit(Spawn({"/bin/sh", script})), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(rec, SIGINT);
  ASSERT_EQ(WaitExit(rec), 0);
  std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null");
  EXPECT_EQ(jsonl.find("excluded-write.txt"), std::string::npos);
  EXPECT_EQ(jsonl.find("\"op\":\"open\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"path\":\"" + dir_ + "/kept-dir\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"filename\":\"/bin/mkdir\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"op\":\"fork\""), std::string::npos);
  EXPECT_NE(jsonl.find("[\"exclude-ops\",\"open\"]"), std::string::npos);
  EXPECT_NE(jsonl.find("{\"name\":\"syscall/openat\",\"status\":\"disabled\""),
            std::string::npos);
}

// The default profile judges a read by the file it reached, not by the spelling of its path, and
// keeps the file's own path beside the spelling; a refused read is kept whatever its path.
TEST_F(RecorderTest, SensitiveReadsAreCaughtHoweverThePathIsSpelled) {
  AMBER_REQUIRE_OR_SKIP(access("/usr/bin/setpriv", X_OK) == 0, "setpriv");
  std::string out = dir_ + "/sensitive.amber";
  std::string script = dir_ + "/sensitive.sh";
  std::ofstream(script) << "#!/bin/sh\n"
                           "cd " << dir_ << "\n"
                           "/bin/cat /etc//shadow > /dev/null\n"
                           "(cd /etc && /bin/cat ./gshadow > /dev/null)\n"
                           "ln -s /etc/shadow innocent && /bin/cat innocent > /dev/null\n"
                           "/bin/cat /etc/hostname > /dev/null\n"
                           "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "
                           "/bin/cat /etc/hostname /etc/shadow > /dev/null 2>&1\n"
                           "ln -s written-target wlink && echo x > wlink\n"
                           "exit 0\n";
  chmod(script.c_str(), 0755);
  pid_t rec = StartRecorder({"--duration", "30s", "--no-snapshot"}, out);
  ASSERT_EQ(WaitExit(Spawn({"/bin/sh", script})), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(rec, SIGINT);
  ASSERT_EQ(WaitExit(rec), 0);
  std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null");
  auto has = [&](const std::string& text) { return jsonl.find(text) != std::string::npos; };
  // Whether one event line holds both texts.
  auto line_has = [&](const std::string& a, const std::string& b) {
    std::istringstream lines(jsonl);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
    }
    return false;
  };
  // A doubled slash: recorded as spelled, with the file reached.
  EXPECT_TRUE(has(R"("path":"/etc//shadow","path2":"","file_flags":0,"mode":0,)"
                  R"("owner_uid":4294967295,"owner_gid":4294967295,"opened_path":"/etc/shadow")"))
      << jsonl;
  // A relative path, joined to the cwd: the spelling is already the file.
  EXPECT_TRUE(has(R"("path":"/etc/./gshadow")"));
  // A symlink with an innocent name.
  EXPECT_TRUE(has("\"path\":\"" + dir_ + "/innocent\",\"path2\":\"\",\"file_flags\":0,"
                  "\"mode\":0,\"owner_uid\":4294967295,\"owner_gid\":4294967295,"
                  "\"opened_path\":\"/etc/shadow\""));
  // An ordinary read is not kept, the refused read by nobody is.
  EXPECT_FALSE(has(R"("path":"/etc/hostname")"));
  EXPECT_TRUE(line_has(R"("op":"open","ret":-13,)", R"("path":"/etc/shadow","path2":"")"))
      << "no refused read of /etc/shadow";
  // A write through a symlink names the file written.
  EXPECT_TRUE(line_has("\"path\":\"" + dir_ + "/wlink\"",
                       "\"opened_path\":\"" + dir_ + "/written-target\""));
}

TEST_F(RecorderTest, TinyRingBufferOverflowIsCountedAndCaptureVerifies) {
  std::string out = dir_ + "/overflow.amber";
  // A 4 KiB ring and a consumer held stopped: an exec storm overflows it whatever the timing
  // (a running consumer is woken at a quarter full and may keep up).
  pid_t rec = StartRecorder({"--ringbuf-size", "4K", "--poll-ms", "1000", "--no-snapshot",
                             "--duration", "30s"}, out);
  kill(rec, SIGSTOP);
  Shell("for i in $(seq 100); do /bin/true; done");
  kill(rec, SIGCONT);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  kill(rec, SIGINT);
  ASSERT_EQ(WaitExit(rec), 0);
  EXPECT_EQ(Verify(out).rfind("intact", 0), 0u) << Verify(out);
  std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null");
  EXPECT_NE(jsonl.find("\"source\":\"ring_buffer\""), std::string::npos) << "no loss record";
  EXPECT_NE(jsonl.find("\"cpu\":"), std::string::npos);
}

// SIGKILL at random moments of a busy recording (an exec and write storm all along): each time a
// capture that verifies `truncated`, whose readable prefix holds a marker exec'd more than a
// flush interval (one second) before the kill. The seed is printed so that a failure can be replayed.
TEST_F(RecorderTest, SigkillAtRandomMomentsLeavesReadableTruncatedCaptures) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::string out = dir_ + "/killed-" + std::to_string(round) + ".amber";
    pid_t rec = StartRecorder({"--duration", "60s", "--no-snapshot"}, out);
    pid_t storm = Spawn({"/bin/sh", "-c",
                         "while :; do /bin/true; echo x > " + dir_ + "/storm; done"});
    std::string marker = "amber-marker-" + std::to_string(seed) + "-" + std::to_string(round);
    ASSERT_EQ(WaitExit(Spawn({"/bin/echo", marker})), 0);
    // A chunk is flushed once it is a second old (checked at every poll of the ring buffer).
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1500)(rng)));
    kill(rec, SIGKILL);
    WaitExit(rec);
    kill(storm, SIGKILL);
    WaitExit(storm);
    std::string verdict = Verify(out);
    EXPECT_EQ(verdict.rfind("truncated", 0), 0u) << verdict;
    int status = -1;
    std::string jsonl = Shell(kReplay + " export " + out + " 2>/dev/null", &status);
    EXPECT_EQ(status, 0);
    EXPECT_NE(jsonl.find(marker), std::string::npos) << "marker exec lost";
    EXPECT_NE(jsonl.find("\"op\":\"exec\""), std::string::npos);
  }
}

TEST_F(RecorderTest, SigtermStopsCleanlyWithFooter) {
  std::string out = dir_ + "/term.amber";
  pid_t rec = StartRecorder({"--duration", "30s", "--no-snapshot"}, out);
  kill(rec, SIGTERM);
  EXPECT_EQ(WaitExit(rec), 0);
  EXPECT_EQ(Verify(out).rfind("intact", 0), 0u) << Verify(out);
  EXPECT_NE(Shell(kReplay + " info " + out).find("SIGTERM"), std::string::npos);
}

TEST_F(RecorderTest, FullDiskStopsWithMessageAndReadableCapture) {
  std::string mnt = dir_ + "/small";
  fs::create_directory(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=192k"), 0);
  mounted_ = mnt;
  std::string out = mnt + "/full.amber";
  pid_t rec = StartRecorder({"--profile", "full", "--duration", "60s", "--no-snapshot"}, out);
  // Opens of distinct paths compress badly enough to fill 192 KiB quickly.
  Shell("python3 -c 'import os\nfor i in range(400000):\n  try: os.close(os.open(\"/tmp/x%d\" % i, 0))\n  except OSError: pass'");
  int code = WaitExit(rec);
  EXPECT_EQ(code, 74) << "expected EX_IOERR on a full disk";
  std::string verdict = Verify(out);
  EXPECT_TRUE(verdict.rfind("truncated", 0) == 0 || verdict.rfind("intact", 0) == 0) << verdict;
}

TEST_F(RecorderTest, RefusesToOverwriteWithoutForce) {
  std::string out = dir_ + "/exists.amber";
  std::ofstream(out) << "x";
  int status = 0;
  std::string text = Shell(kRecorder + " -o " + out + " --duration 1s -q 2>&1", &status);
  EXPECT_EQ(status, 73);
  EXPECT_NE(text.find("--force"), std::string::npos);
}

TEST_F(RecorderTest, NotRootExits77) {
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    execl(kRecorder.c_str(), kRecorder.c_str(), "-o", "/tmp/never.amber", nullptr);
    _exit(127);
  }
  EXPECT_EQ(WaitExit(pid), 77);
}

}  // namespace
