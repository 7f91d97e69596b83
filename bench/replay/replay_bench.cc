// replay_bench: the numbers of docs/BENCHMARKS.md, "Replay".
//
//   replay_bench gen OUT.amber N [SEED]   a capture of N events of a busy container host
//   replay_bench load CAPTURE DB          the full load (verify + state + rows + indexes)
//   replay_bench raw CAPTURE DB           decode + the same INSERTs with no process state
//   replay_bench sqlite CASE DB           SQLite alone: CASE's rows (from `load`) into a new DB
//   replay_bench queries DB               ancestry view and a rule-shaped join
//
// The generator streams (memory does not grow with N) and is deterministic in (N, SEED): about
// 300 live processes in 8 containers; per 1000 events roughly 550 opens, 10 other file changes
// (rename, unlink, chmod), 120 mmap/mprotect, 60 connects/accepts, 40 other syscalls, 20 cred
// changes, 20 ns/mount ops, 10 signals, and 30 fork + 30 exec + 30 exit (process churn: pids are
// reused).
// Paths are shaped like a host's (PathPicker): a few system files opened over and over, each
// container's own files (long paths, a few hot, most rare), /proc/<pid>/... of live processes, and
// a trickle of names seen once (temporary files). 57 k distinct paths at 1 M events, 600 k at 10 M
// (/proc entries of new pids and temporary names keep coming), 43 bytes per event's path on
// average. (Until 2026-12 every open picked one of 10 short paths, which flattered an index on the
// path text: every comparison was short and most were ties.)
// The process tree is shaped like a host's: init, one shim per container, 300 long-lived services
// under the shims, and short-lived children (80 % forked by a service, 20 % by another child, as a
// shell runs a pipeline) that are the ones to exit. Depth stays under about 10, as on real hosts.
// (Until 2026-12 exits and forks picked any live process, so lineages grew one generation per
// ~300 forks: depth 593 at 10 M events, which no host has and which a closure table multiplies.)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "replay/db.h"
#include "replay/loader.h"
#include "replay/row_writer.h"
#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "store/file.h"

namespace {

using namespace amber;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
};

struct Proc {
  store::TaskContext ctx;
  std::string exe;
};

// The path of a file event. Shares of opens: 45 % a hot set of 24 system files (skewed: the first
// few take most), 35 % the opener's container's own files (a vocabulary of 4000 long paths per
// container, skewed the same way), 12 % /proc/<pid>/... of a live process, 5 % data files named
// by a counter that advances slowly, 3 % names never seen again.
class PathPicker {
 public:
  std::string Pick(Rng* rng, const Proc& opener, const std::vector<Proc>& procs) {
    const uint32_t roll = rng->Below(100);
    if (roll < 45) return kHot[Skewed(rng, sizeof kHot / sizeof kHot[0], 3)];
    if (roll < 80) {
      const uint32_t i = Skewed(rng, kVocabulary, 4);
      return ContainerFile(opener.ctx.container_id, i);
    }
    if (roll < 92) {
      static const char* kProcFiles[] = {"status", "stat", "cmdline", "cgroup", "fd", "maps"};
      const Proc& p = procs[rng->Below(static_cast<uint32_t>(procs.size()))];
      return "/proc/" + std::to_string(p.ctx.pid) + "/" + kProcFiles[rng->Below(6)];
    }
    if (roll < 97) {
      if (rng->Below(50) == 0) ++segment_;
      char buf[96];
      std::snprintf(buf, sizeof buf, "/var/lib/app/data/segment-%06u/%02u.dat", segment_,
                    rng->Below(32));
      return buf;
    }
    static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string name = "/tmp/tmp";
    for (int i = 0; i < 8; ++i) name += kAlnum[rng->Below(36)];
    return name;
  }

 private:
  static constexpr uint32_t kVocabulary = 4000;
  static constexpr const char* kHot[] = {
      "/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6", "/etc/nsswitch.conf",
      "/etc/passwd", "/proc/self/status", "/dev/null", "/etc/hosts", "/etc/resolv.conf",
      "/lib/x86_64-linux-gnu/libpthread.so.0", "/usr/lib/locale/locale-archive",
      "/etc/localtime", "/proc/meminfo", "/sys/fs/cgroup/cpu.max", "/dev/urandom",
      "/proc/self/maps", "/etc/group", "/usr/share/zoneinfo/UTC", "/lib/x86_64-linux-gnu/libm.so.6",
      "/var/log/app/access.log", "/etc/ssl/certs/ca-certificates.crt", "/proc/stat",
      "/lib/x86_64-linux-gnu/libdl.so.2", "/etc/host.conf", "/etc/gai.conf"};
  // 0 <= result < n, index i with probability falling like i^(1/power - 1).
  static uint32_t Skewed(Rng* rng, uint32_t n, int power) {
    double u = static_cast<double>(rng->Next() >> 11) / 9007199254740992.0;
    double v = u;
    for (int i = 1; i < power; ++i) v *= u;
    return static_cast<uint32_t>(v * n);
  }
  // File i of a container's vocabulary: a package tree under its language runtime, 70 to 130
  // bytes. The app (runtime) follows from the container id, so containers of one image share
  // their paths, as they do on a host (paths are as the process sees them, inside its root).
  static std::string ContainerFile(const std::string& container, uint32_t i) {
    static const char* kRoots[] = {"/usr/local/lib/python3.11/site-packages/",
                                   "/app/node_modules/", "/usr/share/java/app/lib/",
                                   "/srv/www/releases/20261129T120000Z/vendor/"};
    static const char* kPackages[] = {"django", "requests", "urllib3", "@babel/core",
                                      "express", "lodash", "jackson-databind", "spring-core",
                                      "symfony/http-kernel", "guzzlehttp/psr7"};
    static const char* kDirs[] = {"lib/transformation/file", "contrib/admin/templatetags",
                                  "src/main/resources/META-INF", "packages/urllib3/util",
                                  "internal/streams", "dist/esm/helpers"};
    static const char* kExtensions[] = {".py", ".js", ".class", ".php"};
    const size_t app = container.empty() ? 0 : static_cast<unsigned char>(container[0]) % 4;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s%s/%s/module_%04u%s", kRoots[app], kPackages[i % 10],
                  kDirs[(i / 10) % 6], i, kExtensions[app]);
    return buf;
  }
  uint32_t segment_ = 0;
};

int Gen(const std::string& path, uint64_t n, uint64_t seed) {
  store::PosixEnv env;
  store::CaptureHeader h;
  h.host.hostname = "bench-host";
  h.host.machine_id = "bench-machine";
  h.host.boot_id = "bench-boot";
  h.host.kernel_release = "6.1.0";
  h.recorder_name = "replay_bench";
  h.clock_boot_ns = 1'000'000'000;
  h.clock_realtime_ns = 1'700'000'000'000'000'000ull;
  h.started_ns = 1'000'000'000;
  uint64_t now = h.started_ns;
  store::WriterOptions options;
  options.overwrite = true;
  options.now_ns = [&now] { return now; };
  auto writer = store::CaptureWriter::Create(&env, path, h, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().message().c_str());
    return 74;
  }
  store::CaptureWriter& w = **writer;
  Rng rng{seed * 0x9e3779b97f4a7c15ull + 1};
  std::vector<std::string> containers;
  for (int i = 0; i < 8; ++i) {
    char id[65];
    std::snprintf(id, sizeof id, "%064llx", static_cast<unsigned long long>(rng.Next()));
    containers.push_back(id);
    store::ContainerRecord c;
    c.id = id;
    c.name = "app-" + std::to_string(i);
    c.image = "registry.example/app:" + std::to_string(i);
    c.observed_ns = now;
    (void)w.AppendContainer(c);
  }
  static const char* kExes[] = {"/usr/bin/python3", "/usr/sbin/nginx", "/bin/sh", "/usr/bin/curl",
                                "/usr/local/bin/node", "/usr/bin/java", "/bin/ls", "/usr/bin/git"};
  PathPicker paths;
  std::vector<Proc> procs;
  uint32_t next_pid = 1000;
  auto new_proc = [&](uint32_t ppid) {
    Proc p;
    p.ctx.pid = p.ctx.tid = next_pid;
    next_pid = next_pid >= 4'000'000 ? 1000 : next_pid + 1;  // wraps: pids are reused
    p.ctx.ppid = ppid;
    p.ctx.process_start_ns = now;
    p.ctx.uid = p.ctx.euid = rng.Below(4) == 0 ? 0 : 1000;
    p.ctx.container_id = containers[rng.Below(8)];
    p.ctx.mnt_ns = 4026531840 + rng.Below(8);
    p.exe = kExes[rng.Below(8)];
    p.ctx.comm = p.exe.substr(p.exe.rfind('/') + 1, 15);
    return p;
  };
  auto snapshot = [&](const Proc& p, const std::string& arg) {
    store::ProcessRecord r;
    r.context = p.ctx;
    r.exe = p.exe;
    r.argv = {p.exe, arg};
    r.cwd = "/";
    r.observed_ns = now;
    (void)w.AppendProcess(r);
  };
  Proc init = new_proc(0);
  init.ctx.pid = init.ctx.tid = 1;
  init.ctx.container_id.clear();
  init.exe = "/sbin/init";
  snapshot(init, "splash");
  std::vector<uint32_t> shims;
  for (int i = 0; i < 8; ++i) {
    Proc shim = new_proc(1);
    shim.ctx.container_id.clear();
    shim.exe = "/usr/bin/containerd-shim-runc-v2";
    snapshot(shim, "-namespace");
    shims.push_back(shim.ctx.pid);
  }
  for (int i = 0; i < 300; ++i) {
    Proc p = new_proc(0);
    p.ctx.ppid = shims[static_cast<size_t>(i % 8)];
    p.ctx.container_id = containers[static_cast<size_t>(i % 8)];
    snapshot(p, "--serve");
    procs.push_back(p);
  }
  const size_t services = procs.size();  // procs[0, services) live for the whole capture
  (void)w.Flush();
  for (uint64_t i = 0; i < n; ++i) {
    now += 1 + rng.Below(2000);
    store::Event e;
    e.time_ns = now;
    e.cpu = static_cast<uint16_t>(rng.Below(8));
    size_t who = rng.Below(static_cast<uint32_t>(procs.size()));
    uint32_t roll = rng.Below(1000);
    const size_t children = procs.size() - services;
    if (roll < 30 && children >= 1000) roll = 60;  // keeps the live set near its size: exit instead
    if (roll < 30) {  // a service forks (80 %) or a child does (a shell running a pipeline)
      who = children > 0 && rng.Below(5) == 0 ? services + rng.Below(static_cast<uint32_t>(children))
                                              : rng.Below(static_cast<uint32_t>(services));
    } else if (roll >= 60 && roll < 90) {  // only children exit
      if (children > 0) {
        who = services + rng.Below(static_cast<uint32_t>(children));
      } else {
        roll = 1000;  // nothing to end: an open instead
      }
    }
    e.context = procs[who].ctx;
    if (roll < 30) {  // fork, then the child's exec and later exit
      Proc child = new_proc(e.context.pid);
      child.ctx.container_id = e.context.container_id;
      e.op = store::Op::kFork;
      e.ret = child.ctx.pid;
      e.args = store::ForkArgs{child.ctx.pid, child.ctx.pid, 0x1200011, now};
      procs.push_back(child);
    } else if (roll < 60) {
      e.op = store::Op::kExec;
      store::ExecArgs a;
      a.filename = kExes[rng.Below(8)];
      a.argv = {a.filename, "-c", "job-" + std::to_string(rng.Below(100000))};
      a.argc = 3;
      a.cwd = "/srv";
      procs[who].exe = a.filename;
      e.args = a;
    } else if (roll < 90) {
      e.op = store::Op::kExit;
      e.args = store::ExitArgs{static_cast<int32_t>(rng.Below(3)), 0};
      procs[who] = procs.back();
      procs.pop_back();
    } else if (roll < 640) {
      e.op = store::Op::kOpen;
      store::FileArgs a;
      a.path = paths.Pick(&rng, procs[who], procs);
      a.file_flags = rng.Below(4) == 0 ? 0x241 : 0;
      e.ret = 3 + rng.Below(20);
      e.args = a;
    } else if (roll < 650) {  // a temporary file renamed into place, a removal, a mode change
      store::FileArgs a;
      a.path = paths.Pick(&rng, procs[who], procs);
      const uint32_t kind = rng.Below(10);
      e.op = kind < 4 ? store::Op::kRename : kind < 7 ? store::Op::kUnlink : store::Op::kChmod;
      if (e.op == store::Op::kRename) {
        a.path2 = a.path;
        a.path += ".tmp";
        a.path += std::to_string(rng.Below(100000));
      }
      if (e.op == store::Op::kChmod) a.mode = 0644;
      e.args = a;
    } else if (roll < 770) {
      e.op = rng.Below(2) ? store::Op::kMmap : store::Op::kMprotect;
      e.args = store::MemoryArgs{0x7f0000000000ull + rng.Below(1u << 30), 4096u * (1 + rng.Below(64)),
                                 rng.Below(8), 0x22, -1, ""};
    } else if (roll < 830) {
      e.op = rng.Below(3) ? store::Op::kConnect : store::Op::kAccept;
      store::NetArgs a;
      a.family = 2;
      a.port = static_cast<uint16_t>(rng.Below(2) ? 443 : 5432);
      a.addr_lo = 0x0a000000u + rng.Below(65536);
      a.sock_fd = 5;
      e.args = a;
    } else if (roll < 870) {
      e.op = store::Op::kSyscall;
      e.args = store::SyscallArgs{rng.Below(400), rng.Next(), 0, 0, 0};
    } else if (roll < 890) {
      e.op = store::Op::kSetuid;
      store::CredArgs a;
      a.id0 = 1000;
      e.args = a;
    } else if (roll < 910) {
      e.op = rng.Below(2) ? store::Op::kMount : store::Op::kUnshare;
      store::NsArgs a;
      a.ns_flags = 0x20000;
      a.source = "overlay";
      a.target = "/run/containerd/rootfs";
      a.fs_type = "overlay";
      e.args = a;
    } else if (roll < 920) {
      e.op = store::Op::kKill;
      e.args = store::TargetArgs{procs[rng.Below(static_cast<uint32_t>(procs.size()))].ctx.pid,
                                 15, 0, 0};
    } else {
      e.op = store::Op::kOpen;
      store::FileArgs a;
      a.path = paths.Pick(&rng, procs[who], procs);
      e.args = a;
    }
    if (Status s = w.AppendEvent(e); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 74;
    }
    if ((i & 0xffff) == 0) (void)w.Tick();
  }
  Status s = w.Close("done");
  std::printf("wrote %s: %llu events, %llu bytes\n", path.c_str(),
              static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(w.stats().stored_bytes));
  return s.ok() ? 0 : 74;
}

// CPU seconds (user + system) of this process so far.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

int Load(const std::string& capture, const std::string& db_path) {
  std::remove(db_path.c_str());
  store::PosixEnv env;
  auto db = replay::Database::Open(db_path);
  replay::Loader loader(&env, db->get(), {});
  const double cpu0 = CpuSeconds();
  auto start = Clock::now();
  auto report = loader.Load({capture});
  double secs = Seconds(start);
  const double cpu = CpuSeconds() - cpu0;
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("load: %llu events in %.2f s = %.0f events/s; CPU %.2f s = %.0f events per CPU-s "
              "(%llu processes)\n",
              static_cast<unsigned long long>(report->events), secs, report->events / secs, cpu,
              report->events / cpu, static_cast<unsigned long long>(report->processes));
  return 0;
}

// The same rows through the same statements, without verification, process state or indexes.
int Raw(const std::string& capture, const std::string& db_path) {
  std::remove(db_path.c_str());
  store::PosixEnv env;
  auto db = replay::Database::Open(db_path);
  (void)replay::InitSchema(db->get());
  (void)(*db)->Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-8192; BEGIN");
  auto writer = replay::RowWriter::Create(db->get());
  auto reader = store::CaptureReader::Open(&env, capture);
  auto start = Clock::now();
  uint64_t n = 0;
  store::Chunk chunk;
  replay::EventLinks links;
  links.capture_id = 1;
  while ((*reader)->Next(&chunk)) {
    for (const store::Event& e : chunk.body.events) {
      links.utc_ns = static_cast<int64_t>(e.time_ns);
      if (!(*writer)->WriteEvent(e, links).ok()) return 1;
      ++n;
    }
    if (!(*writer)->Flush().ok()) return 1;
  }
  double decode_insert = Seconds(start);
  writer->reset();
  (void)(*db)->Exec("COMMIT");
  double secs = Seconds(start);
  std::printf("raw (decode + insert, no state/verify/index): %llu rows in %.2fs = %.0f rows/s "
              "(before commit %.2fs)\n",
              static_cast<unsigned long long>(n), secs, n / secs, decode_insert);
  return 0;
}

// The rows of one table of a loaded case, held in memory: per value a tag byte (0 NULL, 1 integer,
// 2 text, 3 blob), then 8 bytes of integer or a 4-byte length and the bytes.
struct TableRows {
  std::string name;
  std::vector<std::string> columns;  // stored columns only (generated ones are computed)
  std::vector<uint8_t> values;
  uint64_t rows = 0;
};

std::vector<TableRows> ReadCase(replay::Database* db) {
  std::vector<TableRows> tables;
  auto names = db->Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  for (auto r = names->Step(); r.ok() && *r; r = names->Step()) {
    TableRows t;
    t.name = names->ColumnString(0);
    auto cols = db->Prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid");
    cols->BindText(1, t.name);
    for (auto c = cols->Step(); c.ok() && *c; c = cols->Step()) t.columns.push_back(cols->ColumnString(0));
    std::string sql = "SELECT ";
    for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ",\"" : "\"") + t.columns[i] + "\"";
    auto rows = db->Prepare(sql + " FROM \"" + t.name + "\"");  // rowid (or key) order
    for (auto row = rows->Step(); row.ok() && *row; row = rows->Step()) {
      for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
        const replay::ColumnType type = rows->column_type(i);
        if (type == replay::ColumnType::kNull) {
          t.values.push_back(0);
        } else if (type == replay::ColumnType::kInteger) {
          t.values.push_back(1);
          const int64_t v = rows->ColumnInt(i);
          const auto* b = reinterpret_cast<const uint8_t*>(&v);
          t.values.insert(t.values.end(), b, b + 8);
        } else {
          t.values.push_back(type == replay::ColumnType::kBlob ? 3 : 2);
          const std::string_view bytes = rows->ColumnBytes(i);
          const auto n = static_cast<uint32_t>(bytes.size());
          const auto* b = reinterpret_cast<const uint8_t*>(&n);
          t.values.insert(t.values.end(), b, b + 4);
          t.values.insert(t.values.end(), bytes.begin(), bytes.end());
        }
      }
      ++t.rows;
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

// Binds one row's values from `at` onwards as parameters base+1...; returns the next row.
const uint8_t* BindRow(replay::Statement* s, int base, size_t columns, const uint8_t* at) {
  for (size_t i = 0; i < columns; ++i) {
    const int index = base + static_cast<int>(i) + 1;
    const uint8_t tag = *at++;
    if (tag == 0) {
      s->BindNull(index);  // every parameter bound each time: no clearing between runs
    } else if (tag == 1) {
      int64_t v;
      std::memcpy(&v, at, 8);
      at += 8;
      s->BindInt(index, v);
    } else if (tag >= 2) {
      uint32_t n;
      std::memcpy(&n, at, 4);
      at += 4;
      const std::string_view bytes(reinterpret_cast<const char*>(at), n);
      at += n;
      if (tag == 2) {
        s->BindTextRef(index, bytes);
      } else {
        s->BindBlobRef(index, bytes);
      }
    }
  }
  return at;
}

// Every row of every table, 32 rows per INSERT (the load's own batching; the tail row by row),
// every parameter bound each time (no sqlite3_clear_bindings), as the load does.
[[gnu::noinline]] bool InsertAll(replay::Database* db, const std::vector<TableRows>& tables) {
  constexpr uint64_t kBatch = 32;
  for (const TableRows& t : tables) {
    if (t.rows == 0) continue;
    std::string columns, one = "(";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      columns += (i ? ",\"" : "\"") + t.columns[i] + "\"";
      one += i ? ",?" : "?";
    }
    one += ")";
    std::string batch_sql = "INSERT OR FAIL INTO \"" + t.name + "\"(" + columns + ") VALUES " + one;
    for (uint64_t r = 1; r < kBatch; ++r) batch_sql += "," + one;
    auto single = db->Prepare("INSERT INTO \"" + t.name + "\"(" + columns + ") VALUES " + one);
    auto batch = db->Prepare(batch_sql);
    if (!single.ok() || !batch.ok()) return false;
    const uint8_t* at = t.values.data();
    uint64_t left = t.rows;
    for (; left >= kBatch; left -= kBatch) {
      for (uint64_t r = 0; r < kBatch; ++r) {
        at = BindRow(&*batch, static_cast<int>(r * t.columns.size()), t.columns.size(), at);
      }
      if (!batch->RunKeepingBindings().ok()) return false;
    }
    for (; left > 0; --left) {
      at = BindRow(&*single, 0, t.columns.size(), at);
      if (!single->RunKeepingBindings().ok()) return false;
    }
  }
  return true;
}

// SQLite alone on the load's own rows: every row of every table of a case loaded by `load`, read
// into memory first (not timed), then inserted into a new case with the same schema and bulk
// settings, 32 rows per INSERT, and the same indexes built after. No decoding, no process state,
// no Amber logic: what SQLite itself costs for what the load writes.
int Sqlite(const std::string& case_path, const std::string& db_path) {
  std::vector<TableRows> tables;
  {
    auto source = replay::Database::Open(case_path, {.read_only = true});
    if (!source.ok()) {
      std::fprintf(stderr, "%s\n", source.status().message().c_str());
      return 66;
    }
    tables = ReadCase(source->get());
  }
  uint64_t rows = 0;
  for (const TableRows& t : tables) rows += t.rows;
  std::remove(db_path.c_str());
  auto db = replay::Database::Open(db_path);
  if (!db.ok() || !replay::InitSchema(db->get()).ok()) return 1;
  (void)(*db)->Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-8192; BEGIN");
  const double cpu0 = CpuSeconds();
  auto start = Clock::now();
  if (!InsertAll(db->get(), tables)) {
    std::fprintf(stderr, "insert failed\n");
    return 1;
  }
  const double cpu1 = CpuSeconds(), wall1 = Seconds(start);
  if (!replay::CreateIndexes(db->get()).ok()) return 1;
  const double cpu2 = CpuSeconds();
  (void)(*db)->Exec("COMMIT");
  const double cpu3 = CpuSeconds(), wall3 = Seconds(start);
  std::printf("sqlite alone: %llu rows of %zu tables; CPU s: insert %.2f, indexes %.2f, commit %.2f, "
              "total %.2f (wall %.2f s, insert %.2f s)\n",
              static_cast<unsigned long long>(rows), tables.size(), cpu1 - cpu0, cpu2 - cpu1,
              cpu3 - cpu2, cpu3 - cpu0, wall3, wall1);
  return 0;
}

int Queries(const std::string& db_path) {
  auto db = replay::Database::Open(db_path, {.read_only = true});
  if (!db.ok()) return 66;
  struct Q {
    const char* name;
    const char* sql;
  } queries[] = {
      {"ancestry view, all rows", "SELECT count(*) FROM process_ancestry"},
      {"ancestry view filtered to one process (the last one)",
       "SELECT count(*) FROM process_ancestry WHERE process_id = (SELECT max(id) FROM processes)"},
      {"ancestry view: descendants of one process (the first container shim)",
       "SELECT count(*) FROM process_ancestry WHERE ancestor_id = 2"},
      {"ancestry of every exec of a shell",
       "SELECT count(*) FROM execs e JOIN process_ancestry a ON a.process_id = e.process_id "
       "WHERE e.filename = '/bin/sh'"},
      {"rule-shaped join: root opens of /etc/passwd by a process whose parent is a shell, "
       "in a container",
       "SELECT count(*) FROM file_events f JOIN processes p ON p.id = f.process_id "
       "JOIN processes parent ON parent.id = p.parent_id JOIN containers c ON c.id = f.container_id "
       "WHERE f.path = '/etc/passwd' AND f.euid = 0 AND parent.exe = '/bin/sh'"},
      {"timeline, one minute window",
       "SELECT count(*) FROM timeline WHERE time_ns BETWEEN 1700000001000000000 AND "
       "1700000061000000000"},
  };
  for (const Q& q : queries) {
    auto start = Clock::now();
    auto r = (*db)->QueryInt(q.sql);
    std::printf("%-90s %8.3fs  (%lld rows)\n", q.name, Seconds(start),
                r.ok() ? static_cast<long long>(*r) : -1LL);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "gen" && argc >= 4) {
    return Gen(argv[2], std::strtoull(argv[3], nullptr, 10),
               argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1);
  }
  if (cmd == "load" && argc == 4) return Load(argv[2], argv[3]);
  if (cmd == "raw" && argc == 4) return Raw(argv[2], argv[3]);
  if (cmd == "sqlite" && argc == 4) return Sqlite(argv[2], argv[3]);
  if (cmd == "queries" && argc == 3) return Queries(argv[2]);
  std::fprintf(stderr, "usage: replay_bench gen OUT N [SEED] | load CAPTURE DB | raw CAPTURE DB | "
                       "sqlite CASE DB | queries DB\n");
  return 2;
}
