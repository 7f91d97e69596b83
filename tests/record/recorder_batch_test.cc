// Privileged tests of the per-CPU batches (bpf/events.h, amber_batch_hdr): a quiet CPU's records
// reach the capture within a poll interval, records made just before the stop are all in the
// capture, and the events of batches the ring buffer had no room for are counted exactly.
//
// Each test records one child of its own (--pid), which exists before the recorder starts and
// waits on a pipe, so the capture holds its events and nothing else: each openat it makes is one
// event, and its exit one more. The child is forked without exec and only makes syscalls.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/record/recording.h"

namespace amber::recording_test {
namespace {

// A child of the test that, each time a byte arrives on its pipe, opens `path` `opens` times
// (failing opens count too: an attempt is an event), and exits at end of file.
class Child {
 public:
  Child(std::string path, int opens) {
    int fds[2];
    // Close-on-exec: the recorder, started later, must not keep the child's pipe open.
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[1]);
      char c;
      while (read(fds[0], &c, 1) == 1) {
        for (int i = 0; i < opens; i++) {
          int fd = openat(AT_FDCWD, path.c_str(), O_RDONLY);
          if (fd >= 0) close(fd);
        }
      }
      _exit(0);
    }
    close(fds[0]);
    release_fd_ = fds[1];
  }
  ~Child() {
    Finish();
    if (pid_ > 0) WaitExit(pid_);
  }
  pid_t pid() const { return pid_; }
  // One round of opens; returns once they are made (a second byte is read only after them).
  void Release() { ASSERT_EQ(write(release_fd_, "x", 1), 1); }
  // Closes the pipe: the child exits.
  void Finish() {
    if (release_fd_ >= 0) close(release_fd_);
    release_fd_ = -1;
  }
  int Wait() {
    Finish();
    int code = WaitExit(pid_);
    pid_ = -1;
    return code;
  }

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;
};

size_t OpensOf(const Capture& c, const std::string& path) {
  return c.Where([&](const store::Event& e) {
           const auto* f = std::get_if<store::FileArgs>(&e.args);
           return e.op == Op::kOpen && f != nullptr && f->path == path;
         }).size();
}

using BatchTest = RecordingTest;

TEST_F(BatchTest, QuietCpuRecordsReachTheCaptureWithinAPollInterval) {
  const std::string path = (dir_ / "quiet-cpu").string();
  Child child(path, 1);
  ASSERT_GT(child.pid(), 0);
  StartRecorder({"--profile", "full", "--no-snapshot", "--pid", std::to_string(child.pid())});
  child.Release();
  // One record is far from filling a batch: only the recorder's flush of that CPU's batch brings
  // it out, within a poll interval (20 ms), then the writer's one-second chunk flush. SIGKILL
  // leaves only what was written by then.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  kill(recorder_, SIGKILL);
  WaitExit(recorder_);
  recorder_ = 0;
  Capture c = ReadCapture(capture_);
  EXPECT_EQ(c.verdict, store::Verdict::kTruncated) << c.problems;
  EXPECT_EQ(OpensOf(c, path), 1u);
}

TEST_F(BatchTest, RecordsMadeJustBeforeTheStopAreAllInTheCapture) {
  const std::string path = (dir_ / "before-stop").string();
  Child child(path, 5);
  ASSERT_GT(child.pid(), 0);
  // A poll interval of a second: the stop comes before the batch is flushed by a poll.
  StartRecorder({"--profile", "full", "--no-snapshot", "--poll-ms", "1000", "--pid",
                 std::to_string(child.pid())});
  child.Release();
  ASSERT_EQ(child.Wait(), 0);
  kill(recorder_, SIGINT);
  EXPECT_EQ(WaitExit(recorder_), 0) << Slurp(recorder_log_);
  recorder_ = 0;
  Capture c = ReadCapture(capture_);
  EXPECT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;
  EXPECT_EQ(OpensOf(c, path), 5u);
  EXPECT_EQ(c.Where([&](const store::Event& e) { return e.op == Op::kExit; }).size(), 1u);
}

TEST_F(BatchTest, EventsOfBatchesWithNoRoomAreCountedExactly) {
  const std::string path = (dir_ / "overflow").string();
  constexpr int kOpens = 3000;
  Child child(path, kOpens);
  ASSERT_GT(child.pid(), 0);
  // A 4 KiB ring buffer holds a few batches; the consumer is held stopped meanwhile.
  StartRecorder({"--profile", "full", "--no-snapshot", "--ringbuf-size", "4K", "--poll-ms",
                 "1000", "--pid", std::to_string(child.pid())});
  kill(recorder_, SIGSTOP);
  child.Release();
  ASSERT_EQ(child.Wait(), 0);
  kill(recorder_, SIGCONT);
  Capture c = StopRecorder();
  EXPECT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;
  uint64_t lost = 0;
  for (const store::LossRecord& l : c.losses) {
    if (l.source != store::LossSource::kRingBuffer) continue;
    EXPECT_NE(l.cpu, store::kNoCpu);
    EXPECT_LE(l.first_ns, l.last_ns);
    lost += l.count;
  }
  // Every event the child caused is either in the capture or counted lost: its opens and its
  // exit, nothing else (the capture holds the child's events only).
  EXPECT_GT(lost, 0u);
  EXPECT_GT(c.events.size(), 0u);
  EXPECT_EQ(c.events.size() + lost, kOpens + 1u);
}

}  // namespace
}  // namespace amber::recording_test
