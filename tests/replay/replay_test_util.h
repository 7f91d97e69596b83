// Helpers for the replay tests: synthetic captures written with CaptureWriter into a MemEnv, and
// a case database to load them into. Header-only (tests/replay/CMakeLists.txt builds one
// executable per *_test.cc).
#ifndef AMBER_TESTS_REPLAY_REPLAY_TEST_UTIL_H_
#define AMBER_TESTS_REPLAY_REPLAY_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "replay/db.h"
#include "replay/loader.h"
#include "store/capture_writer.h"
#include "store/file.h"

namespace amber::replay::testing {

inline constexpr uint64_t kBootToUnix = 1'700'000'000'000'000'000ull;  // realtime - boottime

// For CaptureBuilder: one recording of several files (Tick past the interval starts the next).
struct Rotation {
  std::string recording_id;  // fixed, so that another recording can claim the same places
  uint64_t interval_ns = 0;
};

// Builds one capture: a host, a snapshot, events in the order given.
class CaptureBuilder {
 public:
  CaptureBuilder(store::Env* env, std::string path, std::string hostname = "host-a",
                 std::string boot_id = "boot-1", uint64_t started_ns = 1'000,
                 const Rotation& rotation = {}) {
    store::CaptureHeader h;
    h.host.hostname = hostname;
    h.host.machine_id = "machine-" + hostname;
    h.host.boot_id = boot_id;
    h.host.kernel_release = "6.1.0-test";
    h.recorder_name = "replay-test";
    h.recorder_version = "0";
    h.clock_boot_ns = 0;
    h.clock_realtime_ns = kBootToUnix;
    h.started_ns = started_ns;
    h.recording_id = rotation.recording_id;
    store::WriterOptions options;
    options.now_ns = [this] { return now_; };
    options.rotate_interval_ns = rotation.interval_ns;
    auto w = store::CaptureWriter::Create(env, path, h, options);
    EXPECT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(w).value();
  }

  static store::TaskContext Ctx(uint32_t pid, uint64_t start, uint32_t ppid, uint32_t tid = 0) {
    store::TaskContext c;
    c.pid = pid;
    c.tid = tid ? tid : pid;
    c.ppid = ppid;
    c.process_start_ns = start;
    c.comm = "comm" + std::to_string(pid);
    return c;
  }

  void Snapshot(const store::TaskContext& c, std::string exe, std::vector<std::string> argv) {
    store::ProcessRecord p;
    p.context = c;
    p.exe = std::move(exe);
    p.argv = std::move(argv);
    p.cwd = "/";
    p.observed_ns = 500;
    Check(writer_->AppendProcess(p));
    Check(writer_->Flush());  // the snapshot chunk precedes the events
  }
  void Fork(uint64_t t, const store::TaskContext& parent, uint32_t child_pid, uint64_t child_start,
            uint64_t flags = 0, uint32_t child_tid = 0) {
    store::ForkArgs a{child_pid, child_tid ? child_tid : child_pid, flags, child_start};
    Append(t, store::Op::kFork, parent, a, static_cast<int64_t>(child_pid));
  }
  void Exec(uint64_t t, const store::TaskContext& c, std::string filename,
            std::vector<std::string> argv) {
    store::ExecArgs a;
    a.filename = std::move(filename);
    a.argv = std::move(argv);
    a.argc = static_cast<uint32_t>(a.argv.size());
    a.cwd = "/work";
    Append(t, store::Op::kExec, c, a);
  }
  void Exit(uint64_t t, const store::TaskContext& c, int32_t code, uint32_t signal = 0) {
    Append(t, store::Op::kExit, c, store::ExitArgs{code, signal});
  }
  void Open(uint64_t t, const store::TaskContext& c, std::string path) {
    store::FileArgs a;
    a.path = std::move(path);
    Append(t, store::Op::kOpen, c, a, 3);
  }
  void Container(const std::string& id, const std::string& name) {
    store::ContainerRecord r;
    r.id = id;
    r.name = name;
    r.image = "busybox:latest";
    Check(writer_->AppendContainer(r));
    Check(writer_->Flush());
  }
  void Loss(uint64_t first, uint64_t last, uint64_t count) {
    store::LossRecord l;
    l.cpu = 1;
    l.count = count;
    l.first_ns = first;
    l.last_ns = last;
    l.reason = "ring buffer full";
    Check(writer_->AppendLoss(l));
  }
  template <typename Args>
  void Append(uint64_t t, store::Op op, const store::TaskContext& c, Args args, int64_t ret = 0) {
    store::Event e;
    e.time_ns = t;
    e.op = op;
    e.ret = ret;
    e.context = c;
    e.args = std::move(args);
    now_ = std::max(now_, t);
    Check(writer_->AppendEvent(e));
  }
  void Flush() { Check(writer_->Flush()); }
  void Tick(uint64_t now) {
    now_ = std::max(now_, now);
    Check(writer_->Tick());
  }
  void Close() { Check(writer_->Close("test")); }
  std::vector<std::string> files() const {
    return std::vector<std::string>(writer_->files().begin(), writer_->files().end());
  }

 private:
  static void Check(const Status& s) { EXPECT_TRUE(s.ok()) << s.message(); }
  std::unique_ptr<store::CaptureWriter> writer_;
  uint64_t now_ = 1'000;
};

// Recording `recording_id` rotated into three files (`stem`.000000.amber to `stem`.000002.amber),
// each holding one exec of `exe`; returns their paths. Two recordings under one id claim the same
// places with other contents (a forged file).
inline std::vector<std::string> WriteRotatedRecording(store::Env* env, const std::string& stem,
                                                      const std::string& recording_id,
                                                      const std::string& exe) {
  CaptureBuilder b(env, stem + ".amber", "host-a", "boot-1", 1'000, {recording_id, 1'000'000});
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  for (uint64_t i = 0; i < 3; ++i) {
    if (i > 0) b.Tick(1'000 + i * 1'000'000);
    b.Exec(2'000 + i * 1'000'000, sh, exe, {exe});
  }
  b.Close();
  return b.files();
}

// A case database in memory (or at `path`) with the schema.
inline std::unique_ptr<Database> OpenCase(const std::string& path = ":memory:") {
  auto db = Database::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return std::move(db).value();
}

inline Result<LoadReport> LoadInto(store::Env* env, Database* db,
                                   const std::vector<std::string>& paths, bool force = false) {
  LoadOptions options;
  options.force = force;
  Loader loader(env, db, options);
  return loader.Load(paths);
}

// Every row of a query as "a|b|c" strings (NULL as "NULL", blobs as their bytes).
inline std::vector<std::string> Rows(Database* db, const std::string& sql) {
  std::vector<std::string> out;
  auto s = db->Prepare(sql);
  EXPECT_TRUE(s.ok()) << s.status().message() << " in " << sql;
  if (!s.ok()) return out;
  for (auto r = s->Step(); r.ok() && r.value(); r = s->Step()) {
    std::string row;
    for (int c = 0; c < s->column_count(); ++c) {
      if (c > 0) row += "|";
      row += s->column_type(c) == ColumnType::kNull ? "NULL" : s->ColumnString(c);
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace amber::replay::testing

#endif  // AMBER_TESTS_REPLAY_REPLAY_TEST_UTIL_H_
