// Privileged scenario tests of amber-record, read back through store::CaptureReader:
//   - a real runc container (Debian's runc, a busybox-static rootfs, Kubernetes annotations) runs a
//     script of known actions while amber-record records; every action must arrive with the right
//     pid, parent, argv, path, return value, namespaces, cgroup path and container;
//   - a process started before the recording appears through the /proc snapshot, with the same
//     process key and cgroup path as its events.
// Needs root, BPF, runc and /bin/busybox (label "privileged"); skips without runc or busybox.
// Only processes this test starts are signalled; the container is killed and deleted and every
// temporary directory removed in TearDown, whatever failed.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "tests/record/privileged.h"
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/capture_reader.h"
#include "store/file.h"
#include "store/records.h"
#include "tests/record/recording.h"
#include "tests/record/runc_container.h"

namespace amber {
namespace {

namespace fs = std::filesystem;
using namespace recording_test;
using store::Op;

constexpr uint64_t kCloneNewUser = 0x10000000;
constexpr int kTcpPort = 7777;

// The container's script. It waits for /tmp/go (created by the test once the recorder runs), does
// one known action per line, and leaves its results in /tmp for the test to read.
constexpr char kScript[] = R"(#!/bin/sh
while [ ! -e /tmp/go ]; do /bin/sleep 0.1; done
cd /tmp
echo data > /tmp/x
/bin/mv /tmp/x /tmp/y
/bin/sh -c 'exec /bin/cat /tmp/y' > /tmp/chain.out
/bin/nc -l -p 7777 > /tmp/nc.out &
n=0
until echo hi | /bin/nc 127.0.0.1 7777; do n=$((n+1)); [ $n -gt 50 ] && break; /bin/sleep 0.1; done
wait
/bin/unshare -r /bin/id -u > /tmp/unshare.out
/bin/mount -t tmpfs none /mnt 2> /dev/null
echo $? > /tmp/mount.rc
/bin/sleep 30 &
child=$!
echo $child > /tmp/sleep.vpid
comm=
while [ "$comm" != sleep ]; do /bin/sleep 0.05; read comm < /proc/$child/comm; done
kill -TERM $child
wait
kill -TERM 4242 2> /dev/null
echo done > /tmp/done
exec /bin/sleep 60
)";

class RecorderContainerTest : public RecordingTest {
 protected:
  void SetUp() override {
    RecordingTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AMBER_REQUIRE_OR_SKIP(OnPath("runc") && access("/bin/busybox", X_OK) == 0,
                          "runc and /bin/busybox (busybox-static)");
    std::random_device rd;
    char suffix[16];
    snprintf(suffix, sizeof(suffix), "%08x", rd());
    id_ = std::string("amber-test-") + suffix;
    bundle_ = dir_ / "bundle";
    rootfs_ = bundle_ / "rootfs";
    log_ = dir_ / "runc.log";
    fs::create_directories(rootfs_);
    std::ofstream(rootfs_ / "scenario.sh") << kScript;
    std::string error = container_.Start(
        id_, bundle_, log_, {"sh", "sleep", "mv", "cat", "nc", "unshare", "id", "mount", "kill"},
        [&](nlohmann::json& config) {
          config["process"]["args"] = {"/bin/sh", "/scenario.sh"};
          config["root"]["readonly"] = false;
          // unshare -r maps the caller's uid 0: since Linux 5.12 that needs CAP_SETFCAP (which
          // Docker grants by default, runc spec does not).
          for (const char* set : {"bounding", "effective", "permitted"}) {
            config["process"]["capabilities"][set].push_back("CAP_SETFCAP");
          }
          config["hostname"] = "web-0";
          config["annotations"] = {
              {"io.kubernetes.pod.name", "web-0"},
              {"io.kubernetes.pod.namespace", "shop"},
              {"io.kubernetes.container.name", "web"},
              {"io.kubernetes.cri.image-name", "registry.example/shop/web:1.4"}};
          config["linux"]["cgroupsPath"] = "/" + id_;
        });
    ASSERT_EQ(error, "");
    init_pid_ = container_.init_pid();
    for (const char* ns : {"pid", "mnt", "net", "uts", "ipc", "user", "cgroup"}) {
      ns_[ns] = NsInode(init_pid_, ns);
      ASSERT_NE(ns_[ns], 0u) << ns;
    }
  }

  void TearDown() override {
    if (!late_id_.empty()) {
      RunCommand({"runc", "kill", late_id_, "KILL"}, log_);
      RunCommand({"runc", "delete", "-f", late_id_}, log_);
    }
    EXPECT_TRUE(container_.Remove()) << Slurp(log_);
    RecordingTest::TearDown();
  }

  // Events of the container's processes: those in its pid namespace.
  bool InContainer(const store::Event& e) const { return e.context.pid_ns == ns_.at("pid"); }

  // Runs a second container, from the same rootfs, that runs `command` and exits; returns once
  // `done` exists in the rootfs. TearDown deletes it.
  void RunLateContainer(const std::string& command, const std::string& done) {
    late_id_ = id_ + "-late";
    fs::path bundle = dir_ / "late-bundle";
    fs::create_directories(bundle);
    nlohmann::json config = nlohmann::json::parse(Slurp(bundle_ / "config.json"));
    config["root"]["path"] = rootfs_.string();
    config["process"]["args"] = {"/bin/sh", "-c", command};
    config["linux"]["cgroupsPath"] = "/" + late_id_;
    std::ofstream(bundle / "config.json") << config.dump(1);
    ASSERT_EQ(RunCommand({"runc", "run", "-d", "--bundle", bundle.string(), late_id_}, log_), 0)
        << Slurp(log_);
    for (int i = 0; i < 200 && !fs::exists(rootfs_ / done); i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(fs::exists(rootfs_ / done)) << Slurp(log_);
  }

  std::string id_;
  std::string late_id_;
  fs::path bundle_;
  fs::path rootfs_;
  fs::path log_;
  test::RuncContainer container_;
  uint32_t init_pid_ = 0;
  std::map<std::string, uint64_t> ns_;
};

TEST_F(RecorderContainerTest, ScriptActionsArriveWithContextAndContainer) {
  ASSERT_NO_FATAL_FAILURE(StartRecorder());
  std::ofstream(rootfs_ / "tmp/go") << "go\n";
  for (int i = 0; i < 300 && !fs::exists(rootfs_ / "tmp/done"); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(fs::exists(rootfs_ / "tmp/done")) << Slurp(log_);
  uint32_t sleep_vpid = static_cast<uint32_t>(std::stoul(Slurp(rootfs_ / "tmp/sleep.vpid")));
  Capture c = StopRecorder();
  ASSERT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;
  EXPECT_EQ(Slurp(rootfs_ / "tmp/chain.out"), "data\n");
  EXPECT_EQ(Slurp(rootfs_ / "tmp/nc.out"), "hi\n");
  EXPECT_EQ(Slurp(rootfs_ / "tmp/unshare.out"), "0\n");
  EXPECT_EQ(Slurp(rootfs_ / "tmp/mount.rc"), "1\n");

  // The container record, written when the snapshot met the init.
  auto rec = std::find_if(c.containers.begin(), c.containers.end(),
                          [&](const store::ContainerRecord& r) { return r.id == id_; });
  ASSERT_NE(rec, c.containers.end()) << c.containers.size() << " container records, none " << id_;
  EXPECT_EQ(rec->runtime, "runc");
  EXPECT_EQ(rec->name, "web");
  EXPECT_EQ(rec->image, "registry.example/shop/web:1.4");
  EXPECT_EQ(rec->pod_name, "web-0");
  EXPECT_EQ(rec->pod_namespace, "shop");
  EXPECT_EQ(Get(rec->annotations, "io.kubernetes.container.name"), "web");
  EXPECT_EQ(Get(rec->annotations, "io.kubernetes.cri.image-name"), "registry.example/shop/web:1.4");
  EXPECT_EQ(rec->cgroup_path, "/" + id_);
  EXPECT_EQ(rec->init_pid, init_pid_);
  EXPECT_EQ(rec->bundle, bundle_.string());

  // The init, started before the recording, through the snapshot.
  const store::ProcessRecord* init = c.Process(init_pid_);
  ASSERT_NE(init, nullptr) << "container init " << init_pid_ << " not in the snapshot";
  EXPECT_EQ(init->argv, (std::vector<std::string>{"/bin/sh", "/scenario.sh"}));
  EXPECT_EQ(init->context.container_id, id_);
  EXPECT_EQ(init->context.cgroup_path, "/" + id_);
  EXPECT_EQ(init->context.pid_ns, ns_["pid"]);
  EXPECT_EQ(init->context.mnt_ns, ns_["mnt"]);

  // Every event of the container: attributed, in the container's cgroup and namespaces (the same
  // cgroup path as the snapshot's), with the init's ancestry.
  std::vector<const store::Event*> mine = c.Where([&](const store::Event& e) { return InContainer(e); });
  ASSERT_GT(mine.size(), 20u);
  uint32_t unshared_pid = 0;
  for (const store::Event* e : c.Where([&](const store::Event& e) {
         return InContainer(e) && e.op == Op::kUnshare;
       })) {
    unshared_pid = e->context.pid;
  }
  ASSERT_NE(unshared_pid, 0u) << "no unshare event";
  for (const store::Event* e : mine) {
    SCOPED_TRACE(store::OpName(e->op) + " pid " + std::to_string(e->context.pid));
    EXPECT_EQ(e->context.container_id, id_);
    EXPECT_EQ(e->context.cgroup_path, init->context.cgroup_path);
    EXPECT_EQ(e->context.mnt_ns, ns_["mnt"]);
    EXPECT_EQ(e->context.net_ns, ns_["net"]);
    EXPECT_EQ(e->context.uts_ns, ns_["uts"]);
    EXPECT_EQ(e->context.ipc_ns, ns_["ipc"]);
    EXPECT_EQ(e->context.cgroup_ns, ns_["cgroup"]);
    if (e->context.pid != unshared_pid) {
      EXPECT_EQ(e->context.user_ns, ns_["user"]);
    }
    EXPECT_EQ(e->context.uid, 0u);
  }

  // The init's own actions: the write of /tmp/x (a shell redirection), and its children.
  auto by_init = [&](Op op) {
    return c.Where([&, op](const store::Event& e) { return e.op == op && e.context.pid == init_pid_; });
  };
  std::vector<const store::Event*> writes = c.Where([&](const store::Event& e) {
    const auto* f = std::get_if<store::FileArgs>(&e.args);
    return e.op == Op::kOpen && e.context.pid == init_pid_ && f && f->path == "/tmp/x";
  });
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_GE(writes[0]->ret, 0);
  EXPECT_TRUE(Args<store::FileArgs>(writes[0])->file_flags & O_WRONLY);
  EXPECT_TRUE(Args<store::FileArgs>(writes[0])->file_flags & O_CREAT);
  EXPECT_FALSE(by_init(Op::kFork).empty());

  // A child's exec: pid, parent and argv. Returns the child's host pid.
  auto exec_of = [&](const std::vector<std::string>& argv, const std::string& filename) -> uint32_t {
    std::vector<const store::Event*> execs =
        c.Where([&](const store::Event& e) { return InContainer(e) && HasArgv(e, argv); });
    EXPECT_EQ(execs.size(), 1u) << argv[0];
    if (execs.size() != 1) return 0;
    const store::Event* e = execs[0];
    EXPECT_EQ(Args<store::ExecArgs>(e)->filename, filename);
    EXPECT_EQ(Args<store::ExecArgs>(e)->cwd, "/tmp");
    EXPECT_EQ(Args<store::ExecArgs>(e)->argc, argv.size());
    // The child was forked by the init, and the fork names the same host pid.
    bool forked = !c.Where([&](const store::Event& f) {
                     const auto* a = std::get_if<store::ForkArgs>(&f.args);
                     return f.op == Op::kFork && f.context.pid == init_pid_ && a &&
                            a->child_pid == e->context.pid &&
                            a->child_start_ns == e->context.process_start_ns;
                   }).empty();
    EXPECT_TRUE(forked) << argv[0];
    return e->context.pid;
  };

  // rename by /bin/mv.
  uint32_t mv = exec_of({"/bin/mv", "/tmp/x", "/tmp/y"}, "/bin/mv");
  EXPECT_EQ(c.Where([&](const store::Event& e) {
              const auto* f = std::get_if<store::FileArgs>(&e.args);
              return e.op == Op::kRename && e.context.pid == mv && e.context.ppid == init_pid_ &&
                     e.ret == 0 && f && f->path == "/tmp/x" && f->path2 == "/tmp/y";
            }).size(), 1u);

  // The exec chain: sh -> sh -c -> exec cat, one process, two images.
  uint32_t chain = exec_of({"/bin/sh", "-c", "exec /bin/cat /tmp/y"}, "/bin/sh");
  std::vector<const store::Event*> cat = c.Where([&](const store::Event& e) {
    return HasArgv(e, {"/bin/cat", "/tmp/y"});
  });
  ASSERT_EQ(cat.size(), 1u);
  EXPECT_EQ(cat[0]->context.pid, chain);
  EXPECT_EQ(cat[0]->context.ppid, init_pid_);
  EXPECT_EQ(Args<store::ExecArgs>(cat[0])->filename, "/bin/cat");

  // The connect to the loopback listener, from the nc client (earlier tries may be refused).
  uint32_t listener = exec_of({"/bin/nc", "-l", "-p", "7777"}, "/bin/nc");
  std::vector<const store::Event*> connects = c.Where([&](const store::Event& e) {
    const auto* n = std::get_if<store::NetArgs>(&e.args);
    return e.op == Op::kConnect && InContainer(e) && n && n->port == kTcpPort;
  });
  ASSERT_FALSE(connects.empty());
  const store::Event* ok_connect = connects.back();
  EXPECT_EQ(ok_connect->ret, 0);
  EXPECT_EQ(Args<store::NetArgs>(ok_connect)->family, 2);
  EXPECT_EQ(Args<store::NetArgs>(ok_connect)->addr_lo, 0x7f000001u);
  EXPECT_EQ(ok_connect->context.ppid, init_pid_);
  EXPECT_EQ(ok_connect->context.comm, "nc");
  EXPECT_FALSE(c.Where([&](const store::Event& e) {
                  return e.op == Op::kListen && e.context.pid == listener && e.ret == 0;
                }).empty());

  // unshare -r: a new user namespace, then id runs inside it.
  uint32_t unshare = exec_of({"/bin/unshare", "-r", "/bin/id", "-u"}, "/bin/unshare");
  EXPECT_EQ(unshare, unshared_pid);
  std::vector<const store::Event*> unshares = c.Where([&](const store::Event& e) {
    return e.op == Op::kUnshare && e.context.pid == unshare;
  });
  ASSERT_EQ(unshares.size(), 1u);
  EXPECT_EQ(unshares[0]->ret, 0);
  EXPECT_TRUE(Args<store::NsArgs>(unshares[0])->ns_flags & kCloneNewUser);
  // The context is read at syscall exit: the caller already lives in the new user namespace.
  EXPECT_NE(unshares[0]->context.user_ns, ns_["user"]);
  std::vector<const store::Event*> id_exec = c.Where([&](const store::Event& e) {
    return HasArgv(e, {"/bin/id", "-u"});
  });
  ASSERT_EQ(id_exec.size(), 1u);
  EXPECT_EQ(id_exec[0]->context.pid, unshare);
  EXPECT_EQ(id_exec[0]->context.user_ns, unshares[0]->context.user_ns);

  // The refused mount: EPERM without CAP_SYS_ADMIN.
  uint32_t mount = exec_of({"/bin/mount", "-t", "tmpfs", "none", "/mnt"}, "/bin/mount");
  std::vector<const store::Event*> mounts = c.Where([&](const store::Event& e) {
    return e.op == Op::kMount && e.context.pid == mount;
  });
  ASSERT_FALSE(mounts.empty());
  for (const store::Event* m : mounts) {
    EXPECT_EQ(m->ret, -EPERM);
    EXPECT_EQ(Args<store::NsArgs>(m)->source, "none");
    EXPECT_EQ(Args<store::NsArgs>(m)->target, "/mnt");
    EXPECT_EQ(Args<store::NsArgs>(m)->fs_type, "tmpfs");
  }

  // The kill of a child: the shell's kill builtin names the child by its pid in the container
  // (sleep_vpid); the capture names it by host pid, the pid its own events carry.
  uint32_t sleeper = exec_of({"/bin/sleep", "30"}, "/bin/sleep");
  ASSERT_NE(sleeper, 0u);
  EXPECT_NE(sleeper, sleep_vpid);
  std::vector<const store::Event*> kills = by_init(Op::kKill);
  ASSERT_EQ(kills.size(), 2u);
  EXPECT_EQ(kills[0]->ret, 0);
  EXPECT_EQ(Args<store::TargetArgs>(kills[0])->signal, static_cast<uint32_t>(SIGTERM));
  EXPECT_EQ(Args<store::TargetArgs>(kills[0])->target_pid, sleeper)
      << "container pid " << sleep_vpid << " not translated to the host pid";
  EXPECT_EQ(Args<store::TargetArgs>(kills[0])->given_pid, static_cast<int32_t>(sleep_vpid));
  // Then a kill of a pid no process of the container has: refused, no target found, and the pid
  // asked for still recorded as given.
  EXPECT_EQ(kills[1]->ret, -ESRCH);
  EXPECT_EQ(Args<store::TargetArgs>(kills[1])->target_pid, 0u);
  EXPECT_EQ(Args<store::TargetArgs>(kills[1])->given_pid, 4242);
  EXPECT_EQ(Args<store::TargetArgs>(kills[1])->signal, static_cast<uint32_t>(SIGTERM));
  std::vector<const store::Event*> exits = c.Where([&](const store::Event& e) {
    return e.op == Op::kExit && e.context.pid == sleeper;
  });
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(Args<store::ExitArgs>(exits[0])->exit_signal, static_cast<uint32_t>(SIGTERM));
}

// --containers-only decides by cgroup: the running container's events and a container started
// during the recording (from its runtime's very first events in its cgroup) are kept, and so is
// nothing of the host: not this test's own exec and file write, whatever its namespaces.
TEST_F(RecorderContainerTest, ContainersOnlyKeepsContainerCgroupsAndDropsTheHost) {
  ASSERT_NO_FATAL_FAILURE(StartRecorder({"--containers-only"}));
  const fs::path marker = dir_ / "host-marker.txt";
  EXPECT_EQ(RunCommand({"/bin/true", "amber-host-marker"}, log_), 0);
  std::ofstream(marker) << "host\n";
  std::ofstream(rootfs_ / "tmp/go") << "go\n";
  for (int i = 0; i < 300 && !fs::exists(rootfs_ / "tmp/done"); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(fs::exists(rootfs_ / "tmp/done")) << Slurp(log_);
  ASSERT_NO_FATAL_FAILURE(RunLateContainer("echo late > /tmp/late.out", "tmp/late.out"));
  Capture c = StopRecorder();
  ASSERT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;

  // The container's actions.
  std::vector<const store::Event*> mv = c.Where([&](const store::Event& e) {
    return HasArgv(e, {"/bin/mv", "/tmp/x", "/tmp/y"});
  });
  ASSERT_EQ(mv.size(), 1u);
  EXPECT_EQ(mv[0]->context.container_id, id_);
  EXPECT_EQ(c.Where([&](const store::Event& e) {
              return e.op == Op::kKill && e.context.pid == init_pid_;
            }).size(), 2u);  // the script's kill of its child, and of a pid nobody has

  // The late container: its command, and what runc did in its cgroup before writing the
  // state.json that names it (the setup of its root, held until the cgroup was claimed).
  std::vector<const store::Event*> late = c.Where([&](const store::Event& e) {
    return HasArgv(e, {"/bin/sh", "-c", "echo late > /tmp/late.out"});
  });
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0]->context.container_id, late_id_);
  EXPECT_FALSE(c.Where([&](const store::Event& e) {
                  return e.context.container_id == late_id_ && e.op == Op::kPivotRoot;
                }).empty())
      << "runc init's pivot_root, before state.json, is missing";

  // Nothing of the host.
  EXPECT_TRUE(c.Where([&](const store::Event& e) {
                 return HasArgv(e, {"/bin/true", "amber-host-marker"});
               }).empty());
  EXPECT_TRUE(c.Where([&](const store::Event& e) {
                 const auto* f = std::get_if<store::FileArgs>(&e.args);
                 return f && f->path == marker.string();
               }).empty());
  std::vector<const store::Event*> unattributed =
      c.Where([&](const store::Event& e) { return e.context.container_id.empty(); });
  EXPECT_TRUE(unattributed.empty())
      << unattributed.size() << " events of no container, the first "
      << store::OpName(unattributed[0]->op) << " by " << unattributed[0]->context.comm << " in "
      << unattributed[0]->context.cgroup_path;
}

// A process alive before the recording is in the snapshot with argv, start time and cgroup path,
// and its later events carry the same process key and cgroup path.
TEST_F(RecordingTest, ProcessStartedBeforeRecordingIsInSnapshot) {
  pid_t sleeper = Spawn({"/bin/sleep", "37"}, dir_ / "sleep.log");
  ASSERT_GT(sleeper, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past its exec
  ASSERT_NO_FATAL_FAILURE(StartRecorder());
  kill(sleeper, SIGTERM);
  EXPECT_EQ(WaitExit(sleeper), 128 + SIGTERM);
  Capture c = StopRecorder();
  ASSERT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;

  const store::ProcessRecord* p = c.Process(static_cast<uint32_t>(sleeper));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->argv, (std::vector<std::string>{"/bin/sleep", "37"}));
  EXPECT_EQ(p->exe, fs::canonical("/bin/sleep").string());
  EXPECT_EQ(p->context.ppid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(p->context.comm, "sleep");
  EXPECT_EQ(p->context.mnt_ns, NsInode(static_cast<uint32_t>(getpid()), "mnt"));
  EXPECT_FALSE(p->context.cgroup_path.empty());

  std::vector<const store::Event*> exits = c.Where([&](const store::Event& e) {
    return e.op == Op::kExit && e.context.pid == static_cast<uint32_t>(sleeper);
  });
  ASSERT_EQ(exits.size(), 1u);
  const store::TaskContext& ev = exits[0]->context;
  EXPECT_EQ(Args<store::ExitArgs>(exits[0])->exit_signal, static_cast<uint32_t>(SIGTERM));
  // The snapshot's start time has /proc's 10 ms ticks, truncated; the event's is exact.
  EXPECT_LE(p->context.process_start_ns, ev.process_start_ns);
  EXPECT_LT(ev.process_start_ns - p->context.process_start_ns, 10'000'000u);
  EXPECT_EQ(p->context.cgroup_path, ev.cgroup_path);
  EXPECT_EQ(p->context.pid_ns, ev.pid_ns);
  EXPECT_EQ(p->context.mnt_ns, ev.mnt_ns);
  EXPECT_EQ(p->context.user_ns, ev.user_ns);
}

// pidfd_send_signal names its target by descriptor; the capture names it by host pid.
TEST_F(RecordingTest, PidfdSignalTargetIsThePid) {
  AMBER_REQUIRE_OR_SKIP(access("/usr/bin/python3", X_OK) == 0, "python3");
  pid_t sleeper = Spawn({"/bin/sleep", "41"}, dir_ / "sleep.log");
  ASSERT_GT(sleeper, 0);
  ASSERT_NO_FATAL_FAILURE(StartRecorder());
  std::string code = "import os, signal; signal.pidfd_send_signal(os.pidfd_open(" +
                     std::to_string(sleeper) + "), signal.SIGTERM)";
  EXPECT_EQ(RunCommand({"/usr/bin/python3", "-c", code}, dir_ / "python.log"), 0)
      << Slurp(dir_ / "python.log");
  EXPECT_EQ(WaitExit(sleeper), 128 + SIGTERM);
  Capture c = StopRecorder();
  std::vector<const store::Event*> sent = c.Where([](const store::Event& e) {
    return e.op == Op::kPidfdSendSignal && e.context.comm == "python3";
  });
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->ret, 0);
  EXPECT_EQ(Args<store::TargetArgs>(sent[0])->target_pid, static_cast<uint32_t>(sleeper));
  EXPECT_EQ(Args<store::TargetArgs>(sent[0])->signal, static_cast<uint32_t>(SIGTERM));
}

}  // namespace
}  // namespace amber
