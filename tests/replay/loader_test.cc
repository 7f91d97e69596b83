// Loading captures into a case: determinism, hostile bytes, damaged captures, several captures.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <sstream>

#include "replay/render.h"
#include "store/capture_reader.h"
#include "store/format.h"
#include "tests/replay/replay_test_util.h"

namespace amber::replay {
namespace {

using testing::CaptureBuilder;

// A small busy capture: snapshot, two chunks of events, a loss.
void WriteCapture(store::Env* env, const std::string& path, const std::string& host = "host-a",
                  uint64_t base = 0) {
  CaptureBuilder b(env, path, host);
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  b.Snapshot(sh, "/bin/sh", {"sh"});
  for (uint32_t i = 0; i < 50; ++i) {
    uint64_t t = base + 2000 + i * 100;
    b.Fork(t, sh, 1000 + i, t);
    auto child = CaptureBuilder::Ctx(1000 + i, t, 100);
    b.Exec(t + 10, child, "/bin/cat", {"cat", "/etc/file" + std::to_string(i)});
    b.Open(t + 20, child, "/etc/file" + std::to_string(i));
    b.Exit(t + 30, child, 0);
    if (i == 25) b.Flush();
  }
  b.Loss(base + 4000, base + 4100, 7);
  b.Close();
}

std::vector<size_t> ChunkOffsets(const std::vector<uint8_t>& bytes) {
  std::vector<size_t> out;
  size_t off = store::kPreambleSize;
  while (off + store::kChunkHeaderSize <= bytes.size()) {
    uint32_t stored;
    std::memcpy(&stored, &bytes[off + store::kOffStoredSize], 4);
    if (off + store::kChunkHeaderSize + stored > bytes.size()) break;
    out.push_back(off);
    off += store::kChunkHeaderSize + stored;
  }
  return out;
}

std::vector<std::string> Dump(Database* db) {
  std::vector<std::string> all;
  for (const char* table :
       {"hosts", "captures", "containers", "processes", "process_events", "execs", "file_events",
        "net_events", "cred_events", "ns_events", "module_events", "target_events",
        "memory_events", "syscall_events", "gaps"}) {
    // Every column, path excepted for captures (the tests load the same bytes from two names).
    std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY id";
    for (std::string& row : testing::Rows(db, sql)) all.push_back(std::string(table) + ":" + row);
  }
  return all;
}

TEST(LoaderTest, SameCapturesGiveTheSameDatabase) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber", "host-a");
  WriteCapture(&env, "b.amber", "host-b");
  auto one = testing::OpenCase();
  auto two = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, one.get(), {"a.amber", "b.amber"}).ok());
  ASSERT_TRUE(testing::LoadInto(&env, two.get(), {"b.amber", "a.amber"}).ok());  // any order
  auto dump = Dump(one.get());
  EXPECT_GT(dump.size(), 400u);
  EXPECT_EQ(dump, Dump(two.get()));
}

TEST(LoaderTest, SameCaptureTwiceIsRefused) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  auto again = testing::LoadInto(&env, db.get(), {"a.amber"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("already in the case"), std::string::npos);
  auto twice = testing::LoadInto(&env, testing::OpenCase().get(), {"a.amber", "a.amber"});
  EXPECT_EQ(twice.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM captures"),
            (std::vector<std::string>{"1"}));
}

TEST(LoaderTest, TamperedCaptureIsRefusedUnlessForcedAndTheVerdictIsRecorded) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  std::vector<uint8_t>& bytes = env.Contents("a.amber");
  auto offsets = ChunkOffsets(bytes);
  ASSERT_GE(offsets.size(), 5u);
  // Delete a whole events chunk: every CRC still holds, the hash chain does not.
  bytes.erase(bytes.begin() + static_cast<long>(offsets[2]),
              bytes.begin() + static_cast<long>(offsets[3]));
  auto db = testing::OpenCase();
  auto refused = testing::LoadInto(&env, db.get(), {"a.amber"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_NE(refused.status().message().find("tampered"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM captures"),
            (std::vector<std::string>{"0"}));

  auto forced = testing::LoadInto(&env, db.get(), {"a.amber"}, /*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT verdict, forced FROM captures"),
            (std::vector<std::string>{"tampered|1"}));
  EXPECT_GE(std::stoi(testing::Rows(db.get(), "SELECT count(*) FROM gaps WHERE kind = 'tampered'")
                          .at(0)),
            1);
}

// Without --force a capture is verified while it loads: one found tampered after another capture
// (and part of itself) went in fails the load, and the rollback leaves the case as it was.
TEST(LoaderTest, TamperingFoundWhileLoadingRollsTheWholeLoadBack) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber", "host-a");
  WriteCapture(&env, "b.amber", "host-b");
  std::vector<uint8_t>& bytes = env.Contents("b.amber");
  auto offsets = ChunkOffsets(bytes);
  ASSERT_GE(offsets.size(), 5u);
  bytes.erase(bytes.begin() + static_cast<long>(offsets[3]),
              bytes.begin() + static_cast<long>(offsets[4]));  // b's second events chunk
  auto db = testing::OpenCase();
  auto first = testing::LoadInto(&env, db.get(), {"a.amber"});
  ASSERT_TRUE(first.ok()) << first.status().message();
  const std::vector<std::string> before = Dump(db.get());
  const std::vector<std::string> indexes =
      testing::Rows(db.get(), "SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name");
  WriteCapture(&env, "c.amber", "host-c");
  auto refused = testing::LoadInto(&env, db.get(), {"c.amber", "b.amber"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_NE(refused.status().message().find("b.amber: verdict tampered"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Dump(db.get()), before);
  EXPECT_EQ(testing::Rows(db.get(),
                          "SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name"),
            indexes);
}

// The one-pass verification records what VerifyCapture reports.
TEST(LoaderTest, CapturesRowHoldsTheVerifiersDigestAndChunks) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  WriteCapture(&env, "t.amber", "host-t");
  std::vector<uint8_t>& bytes = env.Contents("t.amber");
  bytes.resize(ChunkOffsets(bytes)[3] + 100);  // truncated inside its second events chunk
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber", "t.amber"}).ok());
  for (const char* path : {"a.amber", "t.amber"}) {
    auto verified = store::VerifyCapture(&env, path);
    ASSERT_TRUE(verified.ok());
    std::string expected = std::string(store::VerdictName(verified->verdict)) + "|" +
                           store::DigestHex(verified->digest) + "|" +
                           std::to_string(verified->chunks) + "|" +
                           (verified->first_problem ? verified->first_problem->message : "NULL");
    EXPECT_EQ(testing::Rows(db.get(), std::string("SELECT verdict, digest, chunks, "
                                                  "coalesce(first_problem, 'NULL') FROM captures "
                                                  "WHERE path = '") +
                                          path + "'"),
              (std::vector<std::string>{expected}));
  }
}

// processes.start_time and exit_time are written by the loader: the text SQLite's own expression
// (their former generated columns) gives, before 1970 too (a hostile clock pair).
TEST(LoaderTest, ProcessTimesAreTheTextOfTheirNanoseconds) {
  store::MemEnv env;
  store::CaptureHeader h;
  h.host.hostname = "clocks";
  h.clock_boot_ns = 2'000'000'000;  // utc = boot - 2 s: the first second of boot is before 1970
  h.clock_realtime_ns = 0;
  uint64_t now = 0;
  store::WriterOptions options;
  options.now_ns = [&now] { return now; };
  auto w = store::CaptureWriter::Create(&env, "c.amber", h, options);
  ASSERT_TRUE(w.ok()) << w.status().message();
  auto sh = CaptureBuilder::Ctx(100, 1'500'000'123, 1);  // utc -0.499999877 s
  store::ProcessRecord p;
  p.context = sh;
  p.exe = "/bin/sh";
  ASSERT_TRUE((*w)->AppendProcess(p).ok());
  ASSERT_TRUE((*w)->Flush().ok());
  uint64_t starts[] = {1'000'000'001, 1'999'999'999, 2'000'000'000, 2'700'000'000,
                       9'000'000'000'123'456'789ull};
  uint32_t pid = 200;
  for (uint64_t start : starts) {
    store::Event fork;
    fork.time_ns = start;
    fork.op = store::Op::kFork;
    fork.context = sh;
    fork.args = store::ForkArgs{pid, pid, 0, start};
    ASSERT_TRUE((*w)->AppendEvent(fork).ok());
    store::Event exit;
    exit.time_ns = start + 250'000'000;
    exit.op = store::Op::kExit;
    exit.context = CaptureBuilder::Ctx(pid, start, 100);
    exit.args = store::ExitArgs{0, 0};
    ASSERT_TRUE((*w)->AppendEvent(exit).ok());
    ++pid;
  }
  ASSERT_TRUE((*w)->Close("done").ok());
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"c.amber"}).ok());
  const std::string text = "strftime('%Y-%m-%dT%H:%M:%S', X / 1000000000, 'unixepoch') || "
                           "printf('.%09dZ', X % 1000000000)";
  auto expression = [&](const std::string& column) {
    std::string sql = text;
    for (size_t at; (at = sql.find('X')) != std::string::npos;) sql.replace(at, 1, column);
    return sql;
  };
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*), sum(start_ns < 0), sum(exit_ns < 0), "
                                    "sum(start_time IS " + expression("start_ns") +
                                        "), sum(exit_time IS " + expression("exit_ns") +
                                        ") FROM processes"),
            (std::vector<std::string>{"6|3|1|6|6"}));
}

TEST(LoaderTest, TruncatedCaptureLoadsItsPrefixAndRecordsAGap) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  std::vector<uint8_t>& bytes = env.Contents("a.amber");
  auto offsets = ChunkOffsets(bytes);
  bytes.resize(offsets[3] + 100);  // cut inside the second events chunk
  auto db = testing::OpenCase();
  auto report = testing::LoadInto(&env, db.get(), {"a.amber"});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT verdict FROM captures"),
            (std::vector<std::string>{"truncated"}));
  // The first events chunk: 26 forks, execs, opens and exits.
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM file_events"),
            (std::vector<std::string>{"26"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT kind, first_ns IS NOT NULL, last_ns IS NULL "
                                    "FROM gaps"),
            (std::vector<std::string>{"truncated|1|1"}));
}

TEST(LoaderTest, ThirtyTwoBitSyscallsAreMarkedCompat) {
  store::MemEnv env;
  {
    CaptureBuilder b(&env, "a.amber", "host-a");
    auto sh = CaptureBuilder::Ctx(100, 10, 1);
    b.Snapshot(sh, "/bin/sh", {"sh"});
    b.Open(1000, sh, "/etc/native");
    auto compat = sh;
    compat.flags |= store::kTaskFlagCompatSyscall;
    b.Open(1100, compat, "/etc/via-int80");
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT path, compat FROM file_events ORDER BY id"),
            (std::vector<std::string>{"/etc/native|0", "/etc/via-int80|1"}));
}

TEST(LoaderTest, TargetEventsKeepThePidAsTheCallerGaveIt) {
  store::MemEnv env;
  {
    CaptureBuilder b(&env, "a.amber", "host-a");
    auto sh = CaptureBuilder::Ctx(100, 10, 1);
    b.Snapshot(sh, "/bin/sh", {"sh"});
    b.Fork(500, sh, 300, 500);
    // A kill of the child by its pid in the container's namespace, then one of a pid nobody had.
    b.Append(1000, store::Op::kKill, sh, store::TargetArgs{300, 15, 0, 0, 7});
    b.Append(1100, store::Op::kKill, sh, store::TargetArgs{0, 9, 0, 0, 4242}, -3 /* ESRCH */);
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT t.ret, t.target_pid, t.given_pid, t.signal, p.pid "
                                    "FROM target_events t LEFT JOIN processes p "
                                    "ON p.id = t.target_process_id ORDER BY t.id"),
            (std::vector<std::string>{"0|300|7|15|300", "-3|0|4242|9|NULL"}));
}

TEST(LoaderTest, FileEventsNameTheFileReachedAndKeepTheSpelling) {
  store::MemEnv env;
  {
    CaptureBuilder b(&env, "a.amber", "host-a");
    auto sh = CaptureBuilder::Ctx(100, 10, 1);
    b.Snapshot(sh, "/bin/sh", {"sh"});
    auto open = [](std::string path, std::string opened) {
      store::FileArgs a;
      a.path = std::move(path);
      a.opened_path = std::move(opened);
      return a;
    };
    b.Append(1000, store::Op::kOpen, sh, open("/tmp/notes", "/etc/shadow"), 3);  // a symlink
    b.Append(1100, store::Op::kOpen, sh, open("/etc//./shadow", ""), -13);       // refused
    b.Append(1200, store::Op::kOpen, sh, open("/etc/hostname", ""), 3);
    store::FileArgs moved;
    moved.path = "/tmp/x";
    moved.path2 = "/etc/cron.d//job";
    b.Append(1300, store::Op::kRename, sh, moved);
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT op, ret, path, path2, given_path, given_path2 "
                                    "FROM file_events ORDER BY id"),
            (std::vector<std::string>{"open|3|/etc/shadow|NULL|/tmp/notes|NULL",
                                      "open|-13|/etc/shadow|NULL|/etc//./shadow|NULL",
                                      "open|3|/etc/hostname|NULL|NULL|NULL",
                                      "rename|0|/tmp/x|/etc/cron.d/job|NULL|/etc/cron.d//job"}));
}

TEST(LoaderTest, ExecsKeepTheFileTheKernelLoaded) {
  store::MemEnv env;
  {
    CaptureBuilder b(&env, "a.amber", "host-a");
    auto sh = CaptureBuilder::Ctx(100, 10, 1);
    b.Snapshot(sh, "/bin/sh", {"sh"});
    store::ExecArgs through_link{"/usr/local/bin/true", "", "/", {"true"}, 1, 0, "/tmp/tool"};
    b.Append(1000, store::Op::kExec, sh, through_link);
    b.Append(1100, store::Op::kExec, sh, store::ExecArgs{"/bin/ls", "", "/", {"ls"}, 1, 0, ""});
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT filename, executable FROM execs ORDER BY id"),
            (std::vector<std::string>{"/usr/local/bin/true|/tmp/tool", "/bin/ls|NULL"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT exe FROM processes"),
            (std::vector<std::string>{"/bin/ls"}));
}

TEST(LoaderTest, OlderCaseGetsTheLaterColumnsAndTodaysViews) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  WriteCapture(&env, "b.amber", "host-b");
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  // A case made before the column: drop it, as older builds wrote the tables, with an older
  // timeline view (which did not read the newer columns).
  ASSERT_TRUE(db->Exec("DROP VIEW timeline; CREATE VIEW timeline AS SELECT 1 AS older").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE file_events DROP COLUMN compat").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE execs DROP COLUMN cap_effective").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE target_events DROP COLUMN given_pid").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE file_events DROP COLUMN given_path").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE file_events DROP COLUMN given_path2").ok());
  ASSERT_TRUE(db->Exec("ALTER TABLE execs DROP COLUMN executable").ok());
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"b.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*), count(compat), sum(compat) FROM file_events"),
            (std::vector<std::string>{"100|50|0"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*), count(cap_effective) FROM execs"),
            (std::vector<std::string>{"100|50"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM pragma_table_info('target_events') "
                                    "WHERE name = 'given_pid'"),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT name, type FROM pragma_table_info('file_events') "
                                    "WHERE name LIKE 'given_path%' ORDER BY name"),
            (std::vector<std::string>{"given_path|TEXT", "given_path2|TEXT"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT type FROM pragma_table_info('execs') "
                                    "WHERE name = 'executable'"),
            (std::vector<std::string>{"TEXT"}));
  // The view is this build's again: its target summaries name the pid asked for.
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'timeline' "
                                    "AND sql LIKE '%asked=%'"),
            (std::vector<std::string>{"1"}));
}

TEST(LoaderTest, LossesBecomeGapsInUtc) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT kind, cpu, count, first_ns, last_time FROM gaps"),
            (std::vector<std::string>{"ring_buffer|1|7|1700000000000004000|"
                                      "2023-11-14T22:13:20.000004100Z"}));
}

TEST(LoaderTest, TwoHostsInOneCaseKeepTheirOwnProcesses) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber", "host-a");
  WriteCapture(&env, "b.amber", "host-b");
  auto db = testing::OpenCase();
  auto report = testing::LoadInto(&env, db.get(), {"b.amber", "a.amber"});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT h.hostname, count(p.id) FROM hosts h "
                                    "JOIN processes p ON p.host_id = h.id GROUP BY h.id ORDER BY h.id"),
            (std::vector<std::string>{"host-a|51", "host-b|51"}));
  // Each host's events belong to that host's processes.
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM file_events f JOIN processes p "
                                    "ON p.id = f.process_id JOIN captures c ON c.id = f.capture_id "
                                    "WHERE p.host_id != c.host_id"),
            (std::vector<std::string>{"0"}));
}

TEST(LoaderTest, RotatedFilesContinueTheProcessTable) {
  store::MemEnv env;
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  {
    CaptureBuilder b(&env, "r1.amber");
    b.Snapshot(sh, "/bin/sh", {"sh"});
    b.Fork(2000, sh, 200, 2000);
    b.Close();
  }
  {
    CaptureBuilder b(&env, "r2.amber", "host-a", "boot-1", 4000);  // same host and boot, later
    b.Exec(5000, CaptureBuilder::Ctx(200, 2000, 100), "/bin/ls", {"ls"});
    b.Exit(6000, CaptureBuilder::Ctx(200, 2000, 100), 0);
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"r2.amber", "r1.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT pid, origin, exe, exit_code FROM processes ORDER BY id"),
            (std::vector<std::string>{"100|snapshot|/bin/sh|NULL", "200|fork|/bin/ls|0"}));
}

using testing::WriteRotatedRecording;

TEST(LoaderTest, FilesOfARecordingNotInTheCaseAreGapsUntilLoaded) {
  store::MemEnv env;
  std::vector<std::string> files = WriteRotatedRecording(&env, "r", "recording-1", "/bin/true");
  ASSERT_EQ(files.size(), 3u);
  auto db = testing::OpenCase();
  auto report = testing::LoadInto(&env, db.get(), {files[0], files[2]});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->gaps, 1u);
  // File 1 is missing between the two: the window runs from file 0's stop to file 2's first event.
  EXPECT_EQ(testing::Rows(db.get(),
                          "SELECT c.file_index, g.kind, g.first_ns = (SELECT stopped_ns FROM "
                          "captures WHERE file_index = 0), g.last_ns = c.first_ns, g.reason "
                          "FROM gaps g JOIN captures c ON c.id = g.capture_id"),
            (std::vector<std::string>{
                "2|missing_file|1|1|file 1 of this recording is not here (removed, or not given): "
                "what the recording held between the files on either side is unknown (r.000000.amber)"}));
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {files[1]}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM gaps"), (std::vector<std::string>{"0"}));

  // Only the last file: the files before it are missing, from the recording's start.
  auto last = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, last.get(), {files[2]}).ok());
  EXPECT_EQ(testing::Rows(last.get(), "SELECT g.kind, g.first_ns = c.started_ns, "
                                      "g.last_ns = c.first_ns, substr(g.reason, 1, 9) FROM gaps g "
                                      "JOIN captures c ON c.id = g.capture_id"),
            (std::vector<std::string>{"missing_file|1|1|files 0-1"}));
}

TEST(LoaderTest, FileThatDoesNotFollowTheFileBeforeItIsRefusedUnlessForced) {
  store::MemEnv env;
  std::vector<std::string> a = WriteRotatedRecording(&env, "a", "recording-1", "/bin/true");
  // Another recording under the same id: its files claim the same places with other contents.
  std::vector<std::string> b = WriteRotatedRecording(&env, "b", "recording-1", "/bin/false");
  auto db = testing::OpenCase();
  auto refused = testing::LoadInto(&env, db.get(), {a[0], b[1], a[2]});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_NE(refused.status().message().find("load capture b.000001.amber: tampered: its "
                                            "previous-file digest is not the final digest of the "
                                            "file before it (a.000000.amber)"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM captures"),
            (std::vector<std::string>{"0"}));  // rolled back whole

  auto report = testing::LoadInto(&env, db.get(), {a[0], b[1], a[2]}, /*force=*/true);
  ASSERT_TRUE(report.ok()) << report.status().message();
  // b's file 1 does not follow a's file 0, nor a's file 2 from it.
  EXPECT_EQ(testing::Rows(db.get(), "SELECT path, verdict, forced, (SELECT group_concat(kind) FROM "
                                    "gaps WHERE capture_id = c.id) FROM captures c ORDER BY "
                                    "file_index"),
            (std::vector<std::string>{"a.000000.amber|intact|0|NULL",
                                      "b.000001.amber|tampered|1|chain",
                                      "a.000002.amber|tampered|1|chain"}));
  ASSERT_EQ(report->captures.size(), 3u);
  EXPECT_EQ(report->captures[1].verdict, "tampered");

  // Two files in one place.
  auto twice = testing::OpenCase();
  auto duplicate = testing::LoadInto(&env, twice.get(), {a[1], b[1]});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("another file claims the same place"),
            std::string::npos)
      << duplicate.status().message();
}

// Two recordings of one host boot that overlap in time (two recorders at once) go through the
// process table in one time order: an event of the second recording is attributed to the process
// the first one saw, even when the first recording goes on long after that process exited (loaded
// one after the other, the process would be written out and the event given a new, inferred one).
TEST(LoaderTest, OverlappingRecordingsOfOneHostAreMergedByTime) {
  store::MemEnv env;
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  auto child = CaptureBuilder::Ctx(200, 1'000'000'000, 100);
  {
    CaptureBuilder a(&env, "a.amber", "host-a", "boot-1", 1'000);
    a.Snapshot(sh, "/bin/sh", {"sh"});
    a.Fork(1'000'000'000, sh, 200, 1'000'000'000);
    a.Exec(1'000'000'010, child, "/bin/sleep", {"sleep", "1"});
    a.Exit(2'000'000'000, child, 0);
    for (uint64_t i = 0; i < 10'000; ++i) {  // 20 s more, past the exit's grace window
      a.Open(2'000'000'000 + i * 2'000'000, sh, "/etc/hosts");
    }
    a.Close();
  }
  {
    CaptureBuilder b(&env, "b.amber", "host-a", "boot-1", 1'500'000'000);
    b.Open(1'800'000'000, child, "/etc/shadow");
    b.Close();
  }
  auto db = testing::OpenCase();
  auto report = testing::LoadInto(&env, db.get(), {"b.amber", "a.amber"});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(testing::Rows(db.get(), "SELECT pid, origin, exe FROM processes WHERE pid = 200"),
            (std::vector<std::string>{"200|fork|/bin/sleep"}));
  EXPECT_EQ(testing::Rows(db.get(), "SELECT c.path, p.pid, p.origin FROM file_events f JOIN "
                                    "processes p ON p.id = f.process_id JOIN captures c ON "
                                    "c.id = f.capture_id WHERE f.path = '/etc/shadow'"),
            (std::vector<std::string>{"b.amber|200|fork"}));
  EXPECT_EQ(report->inferred_processes, 0u);
}

// The same rotated files loaded by two commands: the second continues what the first left alive
// (same ids, ancestry, container), as if both had been loaded at once.
TEST(LoaderTest, SeparateLoadsOfOneBootContinueLiveProcesses) {
  store::MemEnv env;
  const std::string cid(64, 'c');
  auto init = CaptureBuilder::Ctx(1, 5, 0);
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  auto job = CaptureBuilder::Ctx(200, 2000, 100);
  auto grandchild = CaptureBuilder::Ctx(300, 5500, 200);
  {
    CaptureBuilder b(&env, "r1.amber");
    b.Container(cid, "web");
    b.Snapshot(init, "/sbin/init", {"init"});
    auto in_container = sh;
    in_container.container_id = cid;
    b.Snapshot(in_container, "/bin/sh", {"sh", "-c", "job"});
    b.Fork(2000, in_container, 200, 2000);
    b.Close();
  }
  {
    CaptureBuilder b(&env, "r2.amber", "host-a", "boot-1", 4000);  // same host and boot, later
    b.Exec(5000, job, "/bin/ls", {"ls", "-l"});
    b.Fork(5500, job, 300, 5500);
    b.Exit(6000, grandchild, 3);
    b.Exit(6500, job, 0);
    b.Close();
  }
  auto together = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, together.get(), {"r1.amber", "r2.amber"}).ok());
  auto apart = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, apart.get(), {"r1.amber"}).ok());
  EXPECT_EQ(testing::Rows(apart.get(), "SELECT pid, exit_ns IS NULL FROM processes ORDER BY id"),
            (std::vector<std::string>{"1|1", "100|1", "200|1"}));
  auto second = testing::LoadInto(&env, apart.get(), {"r2.amber"});
  ASSERT_TRUE(second.ok()) << second.status().message();

  const std::string processes =
      "SELECT id, pid, capture_id, parent_id, origin, exe, argv, exec_count, exit_code, "
      "container_id, first_seen_ns, last_seen_ns FROM processes ORDER BY id";
  EXPECT_EQ(testing::Rows(apart.get(), processes), testing::Rows(together.get(), processes));
  EXPECT_EQ(testing::Rows(apart.get(),
                          "SELECT pid, origin, exe, exit_code, inferred FROM processes ORDER BY id"),
            (std::vector<std::string>{"1|snapshot|/sbin/init|NULL|0", "100|snapshot|/bin/sh|NULL|0",
                                      "200|fork|/bin/ls|0|0", "300|fork|/bin/ls|3|0"}));
  const std::string ancestry =
      "SELECT p.pid, group_concat(a.ancestor_pid, '<') FROM processes p JOIN "
      "(SELECT * FROM process_ancestry ORDER BY depth) a ON a.process_id = p.id GROUP BY p.id "
      "ORDER BY p.id";
  EXPECT_EQ(testing::Rows(apart.get(), ancestry),
            (std::vector<std::string>{"1|1", "100|100<1", "200|200<100<1", "300|300<200<100<1"}));
  EXPECT_EQ(testing::Rows(apart.get(), ancestry), testing::Rows(together.get(), ancestry));
  // Events of the second file are attributed to the carried-over incarnation and its container.
  EXPECT_EQ(testing::Rows(apart.get(),
                          "SELECT e.capture_id, p.pid, c.name FROM execs e JOIN processes p ON "
                          "p.id = e.process_id JOIN containers c ON c.id = p.container_id"),
            (std::vector<std::string>{"2|200|web"}));
  EXPECT_EQ(testing::Rows(apart.get(), "SELECT count(*) FROM containers"),
            (std::vector<std::string>{"1"}));
}

// A new host boot is not continued: the same pid in another boot is another incarnation.
TEST(LoaderTest, AnotherBootDoesNotContinueProcesses) {
  store::MemEnv env;
  auto sh = CaptureBuilder::Ctx(100, 10, 1);
  {
    CaptureBuilder b(&env, "a.amber", "host-a", "boot-1");
    b.Snapshot(sh, "/bin/sh", {"sh"});
    b.Close();
  }
  {
    CaptureBuilder b(&env, "b.amber", "host-a", "boot-2");
    b.Open(3000, sh, "/etc/hosts");
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"b.amber"}).ok());
  EXPECT_EQ(testing::Rows(db.get(), "SELECT host_id, pid, origin FROM processes ORDER BY id"),
            (std::vector<std::string>{"1|100|snapshot", "2|100|inferred"}));
}

// The ancestry view is a lookup in the closure table, both ways.
TEST(LoaderTest, AncestryClosureIsWrittenWithTheProcesses) {
  store::MemEnv env;
  WriteCapture(&env, "a.amber");
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  // 51 processes: the shell (depth 0 only) and 50 children (depth 0 and 1).
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*), max(depth) FROM process_ancestry"),
            (std::vector<std::string>{"101|1"}));
  EXPECT_EQ(testing::Rows(db.get(),
                          "SELECT count(*) FROM process_ancestry WHERE ancestor_pid = 100 AND "
                          "depth = 1"),
            (std::vector<std::string>{"50"}));
  // The same rows as the recursive walk over parent_id that the view used to be.
  const std::string walk =
      "WITH RECURSIVE chain(process_id, ancestor_id, depth) AS (SELECT id, id, 0 FROM processes "
      "UNION ALL SELECT c.process_id, p.parent_id, c.depth + 1 FROM chain c JOIN processes p ON "
      "p.id = c.ancestor_id WHERE p.parent_id IS NOT NULL) SELECT process_id, ancestor_id, depth "
      "FROM chain ORDER BY 1, 3";
  EXPECT_EQ(testing::Rows(db.get(), walk),
            testing::Rows(db.get(), "SELECT process_id, ancestor_id, depth FROM process_ancestry "
                                    "ORDER BY 1, 3"));
  // A lookup, not a scan of the closure.
  auto plan = testing::Rows(db.get(),
                            "EXPLAIN QUERY PLAN SELECT * FROM process_ancestry WHERE "
                            "ancestor_id = 1");
  std::string joined;
  for (const std::string& row : plan) joined += row + "\n";
  EXPECT_NE(joined.find("process_ancestors_ancestor"), std::string::npos) << joined;
}

TEST(LoaderTest, HostileBytesAreStoredFaithfullyAndShownEscaped) {
  store::MemEnv env;
  const std::string evil_path = std::string("/tmp/\x1b[2J\x1b]0;pwned\x07") + "\xff\xfe" + "x";
  const std::string evil_arg = "--name=\x1b[31mred\r\n";
  {
    CaptureBuilder b(&env, "a.amber");
    auto p = CaptureBuilder::Ctx(100, 10, 1);
    b.Snapshot(p, "/bin/sh", {"sh"});
    b.Exec(2000, p, evil_path, {"x", evil_arg, "'; DROP TABLE processes; --"});
    b.Open(2100, p, evil_path);
    b.Close();
  }
  auto db = testing::OpenCase();
  ASSERT_TRUE(testing::LoadInto(&env, db.get(), {"a.amber"}).ok());
  auto s = db->Prepare("SELECT path, typeof(path) FROM file_events");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->Step().value());
  EXPECT_EQ(s->ColumnString(0), evil_path);  // byte for byte
  EXPECT_EQ(s->ColumnString(1), "blob");     // not valid UTF-8
  auto argv = testing::Rows(db.get(), "SELECT argv_raw, typeof(cmdline) FROM execs");
  EXPECT_EQ(argv.at(0), std::string("x\0", 2) + evil_arg + '\0' +
                            "'; DROP TABLE processes; --" + '\0' + "|text");
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM processes"),
            (std::vector<std::string>{"1"}));

  // Rendered for a terminal: no raw ESC, BEL, CR or invalid byte reaches it.
  auto q = db->Prepare("SELECT path FROM file_events");
  auto table = Collect(&q.value());
  ASSERT_TRUE(table.ok());
  for (OutputFormat format : {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kJson}) {
    std::ostringstream out;
    Render(*table, format, /*terminal=*/true, out);
    std::string text = out.str();
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
    EXPECT_EQ(text.find('\xff'), std::string::npos) << text;
    EXPECT_NE(text.find(format == OutputFormat::kJson ? "\\u001b" : "\\x1b"), std::string::npos)
        << text;
  }
  // To a file, CSV keeps the exact bytes.
  std::ostringstream csv;
  Render(*table, OutputFormat::kCsv, /*terminal=*/false, csv);
  EXPECT_NE(csv.str().find(evil_path), std::string::npos);
}

}  // namespace
}  // namespace amber::replay
