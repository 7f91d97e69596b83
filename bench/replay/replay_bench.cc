// replay_bench: the numbers of docs/BENCHMARKS.md, "Replay".
//
//   replay_bench gen OUT.amber N [SEED]   a capture of N events of a busy container host
//   replay_bench load CAPTURE DB          the full load (verify + state + rows + indexes)
//   replay_bench raw CAPTURE DB           decode + the same INSERTs with no process state
//   replay_bench sqlite N DB              SQLite alone: N rows into an event table, no decode
//   replay_bench queries DB               ancestry view and a rule-shaped join
//
// The generator streams (memory does not grow with N) and is deterministic in (N, SEED): about
// 300 live processes in 8 containers; per 1000 events roughly 560 opens, 120 mmap/mprotect,
// 60 connects/accepts, 40 other syscalls, 20 cred changes, 20 ns/mount ops, 10 signals, and
// 30 fork + 30 exec + 30 exit (process churn: pids are reused).
// The process tree is shaped like a host's: init, one shim per container, 300 long-lived services
// under the shims, and short-lived children (80 % forked by a service, 20 % by another child, as a
// shell runs a pipeline) that are the ones to exit. Depth stays under about 10, as on real hosts.
// (Until 2026-12 exits and forks picked any live process, so lineages grew one generation per
// ~300 forks: depth 593 at 10 M events, which no host has and which a closure table multiplies.)
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
  static const char* kPaths[] = {"/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6",
                                 "/etc/hosts", "/etc/resolv.conf", "/proc/self/status",
                                 "/var/log/app/access.log", "/tmp/cache/blob", "/etc/passwd",
                                 "/usr/share/zoneinfo/UTC", "/app/config/settings.yaml"};
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
    } else if (roll < 650) {
      e.op = store::Op::kOpen;
      store::FileArgs a;
      a.path = kPaths[rng.Below(10)];
      a.file_flags = rng.Below(4) == 0 ? 0x241 : 0;
      e.ret = 3 + rng.Below(20);
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
      a.path = kPaths[rng.Below(10)];
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

int Load(const std::string& capture, const std::string& db_path) {
  std::remove(db_path.c_str());
  store::PosixEnv env;
  auto db = replay::Database::Open(db_path);
  replay::Loader loader(&env, db->get(), {});
  auto start = Clock::now();
  auto report = loader.Load({capture});
  double secs = Seconds(start);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("load: %llu events in %.2fs = %.0f events/s (%llu processes)\n",
              static_cast<unsigned long long>(report->events), secs, report->events / secs,
              static_cast<unsigned long long>(report->processes));
  return 0;
}

// The same rows through the same statements, without verification, process state or indexes.
int Raw(const std::string& capture, const std::string& db_path) {
  std::remove(db_path.c_str());
  store::PosixEnv env;
  auto db = replay::Database::Open(db_path);
  (void)replay::InitSchema(db->get());
  (void)(*db)->Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-131072; BEGIN");
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

// SQLite alone: file_events-shaped rows (20 columns), values varied cheaply, one transaction.
int Sqlite(uint64_t n, const std::string& db_path) {
  std::remove(db_path.c_str());
  auto db = replay::Database::Open(db_path);
  (void)replay::InitSchema(db->get());
  (void)(*db)->Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-131072; BEGIN");
  auto s = (*db)->Prepare(
      "INSERT INTO file_events(capture_id,time_ns,boot_ns,op,ret,process_id,container_id,pid,tid,"
      "uid,gid,euid,egid,path,path2,flags,mode,owner_uid,owner_gid,time) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  char time_text[] = "2023-11-14T22:13:20.000000000Z";
  static const char* kPaths[] = {"/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6",
                                 "/etc/hosts", "/var/log/app/access.log"};
  auto start = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    s->BindInt(1, 1);
    s->BindInt(2, static_cast<int64_t>(1'700'000'000'000'000'000ull + i * 1000));
    s->BindInt(3, static_cast<int64_t>(i * 1000));
    s->BindText(4, "open");
    s->BindInt(5, 3);
    s->BindInt(6, static_cast<int64_t>(i % 300 + 1));
    s->BindInt(7, static_cast<int64_t>(i % 8 + 1));
    s->BindInt(8, static_cast<int64_t>(1000 + i % 300));
    s->BindInt(9, static_cast<int64_t>(1000 + i % 300));
    s->BindInt(10, 1000);
    s->BindInt(11, 1000);
    s->BindInt(12, 1000);
    s->BindInt(13, 1000);
    s->BindBytes(14, kPaths[i % 4]);
    s->BindInt(16, 0);
    s->BindInt(17, 0);
    std::snprintf(time_text + 20, 11, "%09lluZ", static_cast<unsigned long long>(i % 1000000000));
    s->BindText(20, time_text);
    if (!s->Run().ok()) return 1;
  }
  s = Status::Internal("finalized");  // the statement must go before COMMIT
  (void)(*db)->Exec("COMMIT");
  double secs = Seconds(start);
  std::printf("sqlite alone: %llu rows in %.2fs = %.0f rows/s\n",
              static_cast<unsigned long long>(n), secs, n / secs);
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
  if (cmd == "sqlite" && argc == 4) return Sqlite(std::strtoull(argv[2], nullptr, 10), argv[3]);
  if (cmd == "queries" && argc == 3) return Queries(argv[2]);
  std::fprintf(stderr, "usage: replay_bench gen OUT N [SEED] | load CAPTURE DB | raw CAPTURE DB | "
                       "sqlite N DB | queries DB\n");
  return 2;
}
