// Shared by the privileged recorder scenario tests (tests/record/recorder_*_test.cc): running
// commands, amber-record started and stopped by a test fixture, and the capture read back with the
// store library as amber-replay reads it. Only processes a test starts are signalled; the
// fixture removes its temporary directory whatever failed.
#ifndef AMBER_TESTS_RECORD_RECORDING_H_
#define AMBER_TESTS_RECORD_RECORDING_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/capture_reader.h"
#include "store/file.h"
#include "store/records.h"
#include "tests/record/command.h"
#include "tests/record/privileged.h"

namespace amber::recording_test {

namespace fs = std::filesystem;
using store::Op;

inline const std::string kRecorder = std::string(AMBER_BINARY_DIR) + "/record/amber-record";

using test::NsInode;
using test::OnPath;
using test::RunCommand;
using test::Slurp;
using test::Spawn;
using test::WaitExit;

// Everything a capture holds, read with the store library as amber-replay reads it.
struct Capture {
  store::Verdict verdict = store::Verdict::kCorrupt;
  std::string problems;
  std::vector<store::Event> events;
  std::vector<store::ProcessRecord> processes;
  std::vector<store::ContainerRecord> containers;
  std::vector<store::LossRecord> losses;

  std::vector<const store::Event*> Where(const std::function<bool(const store::Event&)>& pred) const {
    std::vector<const store::Event*> out;
    for (const store::Event& e : events) {
      if (pred(e)) out.push_back(&e);
    }
    return out;
  }
  const store::ProcessRecord* Process(uint32_t pid) const {
    for (const store::ProcessRecord& p : processes) {
      if (p.context.pid == pid) return &p;
    }
    return nullptr;
  }
};

inline Capture ReadCapture(const std::string& path) {
  Capture c;
  store::PosixEnv env;
  Result<std::unique_ptr<store::CaptureReader>> reader = store::CaptureReader::Open(&env, path);
  if (!reader.ok()) {
    c.problems = reader.status().ToString();
    return c;
  }
  store::Chunk chunk;
  while ((*reader)->Next(&chunk)) {
    for (store::Event& e : chunk.body.events) c.events.push_back(std::move(e));
    for (store::ProcessRecord& p : chunk.body.processes) c.processes.push_back(std::move(p));
    for (store::ContainerRecord& r : chunk.body.containers) c.containers.push_back(std::move(r));
    for (store::LossRecord& l : chunk.body.losses) c.losses.push_back(std::move(l));
  }
  c.verdict = (*reader)->verdict();
  for (const store::Problem& p : (*reader)->problems()) c.problems += p.message + "; ";
  return c;
}

template <typename T>
const T* Args(const store::Event* e) {
  return e == nullptr ? nullptr : std::get_if<T>(&e->args);
}

inline bool HasArgv(const store::Event& e, const std::vector<std::string>& argv) {
  const auto* x = std::get_if<store::ExecArgs>(&e.args);
  return e.op == Op::kExec && e.ret == 0 && x != nullptr && x->argv == argv;
}

inline std::string Get(const store::KeyValues& kvs, const std::string& key) {
  for (const auto& [k, v] : kvs) {
    if (k == key) return v;
  }
  return "";
}

// Base: a temporary directory and amber-record started and stopped by the test.
class RecordingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AMBER_REQUIRE_OR_SKIP(geteuid() == 0, "root");
    char tmpl[] = "/tmp/amber-scen-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    capture_ = (dir_ / "capture.amber").string();
    recorder_log_ = dir_ / "recorder.log";
  }
  void TearDown() override {
    if (recorder_ > 0) {  // a failed assertion left it running: stop it, ours
      kill(recorder_, SIGKILL);
      WaitExit(recorder_);
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  // Starts amber-record (with `extra` options); returns once its capture exists (the probes attach before the file is
  // created) and the snapshot had time to be written.
  void StartRecorder(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {kRecorder, "-o", capture_, "-q", "--duration", "120s"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    recorder_ = Spawn(argv, recorder_log_);
    // Loading ~100 BPF programs takes seconds on a busy machine: wait up to 30 s.
    for (int i = 0; i < 600 && !fs::exists(capture_); i++) {
      int status = 0;
      if (waitpid(recorder_, &status, WNOHANG) == recorder_) {  // failed to start: say why
        recorder_ = 0;
        FAIL() << "amber-record exited: " << Slurp(recorder_log_);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(fs::exists(capture_)) << Slurp(recorder_log_);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  Capture StopRecorder() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past one poll of the ring
    kill(recorder_, SIGINT);
    int code = WaitExit(recorder_);
    recorder_ = 0;
    EXPECT_EQ(code, 0) << Slurp(recorder_log_);
    return ReadCapture(capture_);
  }

  fs::path dir_;
  std::string capture_;
  fs::path recorder_log_;
  pid_t recorder_ = 0;
};

}  // namespace amber::recording_test

#endif  // AMBER_TESTS_RECORD_RECORDING_H_
