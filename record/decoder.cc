#include "record/decoder.h"

#include <sys/stat.h>
#include <time.h>

#include <cstddef>
#include <cstring>
#include <filesystem>

#include "bpf/events.h"

namespace amber::record {
namespace {

using store::Op;

static_assert(sizeof(amber_task_ctx) == 112, "amber_task_ctx layout changed");
static_assert(offsetof(amber_event, strs) == AMBER_EVENT_FIXED_SIZE);
static_assert(static_cast<int>(Op::kFork) == AMBER_OP_FORK);
static_assert(static_cast<int>(Op::kCredChange) == AMBER_OP_CRED_CHANGE);
static_assert(static_cast<int>(Op::kMountSetattr) == AMBER_OP_MOUNT_SETATTR);
static_assert(static_cast<int>(Op::kAddKey) == AMBER_OP_ADD_KEY);
static_assert(static_cast<int>(Op::kPidfdGetfd) == AMBER_OP_PIDFD_GETFD);
static_assert(static_cast<int>(Op::kMknod) == AMBER_OP_MKNOD);
static_assert(static_cast<int>(Op::kListen) == AMBER_OP_LISTEN);
static_assert(static_cast<int>(Op::kSyscall) == AMBER_OP_SYSCALL);
static_assert(store::kExecFlagMemfd == AMBER_EXEC_MEMFD &&
              store::kExecFlagArgvTruncated == AMBER_EXEC_ARGV_TRUNCATED);

constexpr size_t kMaxScanDirs = 65536;

uint64_t BootNs() {
  timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + ts.tv_nsec;
}

// The string entries of one record, by slot.
struct Strings {
  struct Entry {
    std::string_view bytes;
    uint8_t flags = 0;
    bool present = false;
  };
  Entry slots[AMBER_STR_EXE + 1];

  bool Parse(std::span<const uint8_t> area) {
    size_t off = 0;
    while (off + sizeof(amber_str_hdr) <= area.size()) {
      amber_str_hdr hdr;
      std::memcpy(&hdr, area.data() + off, sizeof(hdr));
      off += sizeof(hdr);
      if (hdr.len > area.size() - off) return false;
      if (hdr.slot <= AMBER_STR_EXE) {
        slots[hdr.slot] = {std::string_view(reinterpret_cast<const char*>(area.data() + off), hdr.len),
                           hdr.flags, true};
      }
      off += hdr.len;
    }
    return off == area.size();
  }
  // The slot as a path: dentry paths reversed, plain strings as they are.
  std::string Path(int slot) const {
    const Entry& e = slots[slot];
    if (!e.present) return "";
    if (e.flags & AMBER_STRF_DPATH) return ReverseDentryPath(e.bytes, e.flags & AMBER_STRF_TRUNCATED);
    return std::string(e.bytes);
  }
  std::string Str(int slot) const { return slots[slot].present ? std::string(slots[slot].bytes) : ""; }
  // A user path joined with the directory it is relative to.
  std::string Resolved(int slot, int dir_slot) const {
    if (!slots[slot].present) return "";
    return JoinPath(Path(dir_slot), slots[slot].bytes);
  }
};

enum class Family { kNone, kFork, kExec, kExit, kCred, kControl, kNs, kTarget, kFile, kMemory, kNet, kSyscall };

Family FamilyOf(uint16_t op) {
  if (op == AMBER_OP_FORK) return Family::kFork;
  if (op == AMBER_OP_EXEC) return Family::kExec;
  if (op == AMBER_OP_EXIT) return Family::kExit;
  if (op >= AMBER_OP_SETUID && op <= AMBER_OP_CRED_CHANGE) return Family::kCred;
  if (op == AMBER_OP_PRCTL || op == AMBER_OP_PERSONALITY) return Family::kControl;
  if (op >= AMBER_OP_UNSHARE && op <= AMBER_OP_MOUNT_SETATTR) return Family::kNs;
  if (op >= AMBER_OP_INIT_MODULE && op <= AMBER_OP_ADD_KEY) return Family::kControl;
  if (op >= AMBER_OP_PTRACE && op <= AMBER_OP_PIDFD_GETFD) return Family::kTarget;
  if (op >= AMBER_OP_OPEN && op <= AMBER_OP_MKNOD) return Family::kFile;
  if (op >= AMBER_OP_MEMFD_CREATE && op <= AMBER_OP_MMAP) return Family::kMemory;
  if (op >= AMBER_OP_CONNECT && op <= AMBER_OP_LISTEN) return Family::kNet;
  if (op == AMBER_OP_SYSCALL) return Family::kSyscall;
  return Family::kNone;
}

std::vector<std::string> SplitArgv(std::string_view bytes) {
  std::vector<std::string> argv;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t nul = bytes.find('\0', start);
    if (nul == std::string_view::npos) nul = bytes.size();
    argv.emplace_back(bytes.substr(start, nul - start));
    start = nul + 1;
  }
  return argv;
}

uint64_t BigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::string ReverseDentryPath(std::string_view leaf_first, bool truncated) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < leaf_first.size()) {
    size_t slash = leaf_first.find('/', start);
    if (slash == std::string_view::npos) slash = leaf_first.size();
    if (slash > start) parts.push_back(leaf_first.substr(start, slash - start));
    start = slash + 1;
  }
  std::string path = truncated ? "/..." : "";
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    path += '/';
    path += *it;
  }
  return path.empty() ? "/" : path;
}

std::string JoinPath(std::string_view dir, std::string_view path) {
  if (path.empty()) return std::string(dir);
  if (path.front() == '/' || dir.empty()) return std::string(path);
  std::string joined(dir);
  if (joined.back() != '/') joined += '/';
  joined += path;
  return joined;
}

void ParseSockaddr(std::span<const uint8_t> raw, store::NetArgs* net) {
  if (raw.size() < 2) return;
  net->family = static_cast<uint16_t>(raw[0] | (raw[1] << 8));
  if (net->family == 2 && raw.size() >= 8) {  // AF_INET
    net->port = static_cast<uint16_t>((raw[2] << 8) | raw[3]);
    net->addr_hi = 0;
    net->addr_lo = (uint64_t{raw[4]} << 24) | (raw[5] << 16) | (raw[6] << 8) | raw[7];
  } else if (net->family == 10 && raw.size() >= 24) {  // AF_INET6
    net->port = static_cast<uint16_t>((raw[2] << 8) | raw[3]);
    net->addr_hi = BigEndian64(raw.data() + 8);
    net->addr_lo = BigEndian64(raw.data() + 16);
  } else if (net->family == 1 && raw.size() > 2) {  // AF_UNIX
    std::string_view path(reinterpret_cast<const char*>(raw.data() + 2), raw.size() - 2);
    if (path.front() == '\0') {
      net->sock_path = "@" + std::string(path.substr(1));
    } else {
      net->sock_path = std::string(path.substr(0, path.find('\0')));
    }
  }
}

Decoder::Decoder(std::string cgroup_root, std::vector<std::string> controllers,
                 std::string unified_root)
    : cgroup_root_(std::move(cgroup_root)),
      controllers_(std::move(controllers)),
      unified_root_(std::move(unified_root)) {}

namespace {

// Every directory under root by inode, as a path relative to root ("/" for root itself). Stops
// once *seen passes kMaxScanDirs.
void AddTree(const std::filesystem::path& root, std::unordered_map<uint64_t, std::string>* paths,
             size_t* seen) {
  namespace fs = std::filesystem;
  std::error_code ec;
  struct stat st;
  if (stat(root.c_str(), &st) == 0) paths->emplace(st.st_ino, "/");
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++*seen > kMaxScanDirs) return;
    if (!it->is_directory(ec)) {
      it.disable_recursion_pending();
      continue;
    }
    if (stat(it->path().c_str(), &st) != 0) continue;
    paths->emplace(st.st_ino, "/" + fs::relative(it->path(), root, ec).string());
  }
}

std::string UnknownCgroup(uint64_t id) { return "?cgroup-" + std::to_string(id); }

}  // namespace

const std::string& Decoder::CgroupPath(uint64_t kernfs_id) {
  static const std::string kEmpty;
  if (kernfs_id == 0) return kEmpty;
  auto it = cgroup_paths_.find(kernfs_id);
  if (it != cgroup_paths_.end()) return it->second;
  ScanCgroups();
  it = cgroup_paths_.find(kernfs_id);
  if (it != cgroup_paths_.end()) return it->second;
  // Gone before we looked: name it by id so events still group, and stop rescanning for it.
  return cgroup_paths_[kernfs_id] = UnknownCgroup(kernfs_id);
}

const std::string& Decoder::UnifiedPath(uint64_t cgroup_id) {
  static const std::string kEmpty;
  if (cgroup_id == 0 || unified_root_.empty()) return kEmpty;
  auto it = unified_paths_.find(cgroup_id);
  if (it != unified_paths_.end()) return it->second;
  uint64_t now = BootNs();
  if (last_unified_scan_ns_ != 0 && now - last_unified_scan_ns_ < 1'000'000'000ull) {
    // Rate-limited: the cgroup may be newer than the last scan, so the miss is not remembered.
    return unknown_unified_ = UnknownCgroup(cgroup_id);
  }
  last_unified_scan_ns_ = now;
  scans_++;
  size_t seen = 0;
  AddTree(unified_root_, &unified_paths_, &seen);
  it = unified_paths_.find(cgroup_id);
  if (it != unified_paths_.end()) return it->second;
  // The event came before the scan, so the cgroup is gone: remember the miss.
  return unified_paths_[cgroup_id] = UnknownCgroup(cgroup_id);
}

void Decoder::ScanCgroups() {
  uint64_t now = BootNs();
  if (last_scan_ns_ != 0 && now - last_scan_ns_ < 1'000'000'000ull) return;
  last_scan_ns_ = now;
  scans_++;
  size_t seen = 0;
  for (const std::string& controller : controllers_) {
    AddTree(std::filesystem::path(cgroup_root_) / controller, &cgroup_paths_, &seen);
  }
}

Decoder::Kind Decoder::Decode(std::span<const uint8_t> record, store::Event* event) {
  if (record.size() < AMBER_EVENT_FIXED_SIZE) {
    malformed_++;
    return Kind::kMalformed;
  }
  amber_event e;
  std::memcpy(&e, record.data(), AMBER_EVENT_FIXED_SIZE);
  if (e.str_bytes > record.size() - AMBER_EVENT_FIXED_SIZE) {
    malformed_++;
    return Kind::kMalformed;
  }
  Strings strings;
  if (!strings.Parse(record.subspan(AMBER_EVENT_FIXED_SIZE, e.str_bytes))) {
    malformed_++;
    return Kind::kMalformed;
  }
  if (e.kind == AMBER_REC_CGROUP) {
    cgroup_paths_[e.task.cgroup_v1_id] = strings.Path(AMBER_STR_CGROUP);
    return Kind::kCgroup;
  }
  if (e.kind != AMBER_REC_EVENT || FamilyOf(e.op) == Family::kNone) {
    malformed_++;
    return Kind::kMalformed;
  }

  event->time_ns = e.time_ns;
  event->cpu = e.cpu;
  event->op = static_cast<Op>(e.op);
  event->ret = e.ret;
  store::TaskContext& c = event->context;
  const amber_task_ctx& t = e.task;
  c.pid = t.pid;
  c.tid = t.tid;
  c.ppid = t.ppid;
  c.process_start_ns = t.start_ns;
  c.uid = t.uid;
  c.gid = t.gid;
  c.euid = t.euid;
  c.egid = t.egid;
  c.login_uid = t.loginuid;
  c.cap_effective = t.cap_effective;
  c.mnt_ns = t.mnt_ns;
  c.pid_ns = t.pid_ns;
  c.user_ns = t.user_ns;
  c.net_ns = t.net_ns;
  c.uts_ns = t.uts_ns;
  c.ipc_ns = t.ipc_ns;
  c.cgroup_ns = t.cgroup_ns;
  c.cgroup_id = t.cgroup_id;
  // record/cgroup_path.h's rule: the kernel's v1 choice unless it is the root, then v2.
  const std::string& v1_path = CgroupPath(t.cgroup_v1_id);
  const bool v1_chosen = !v1_path.empty() && v1_path != "/";
  cgroup_key_ = v1_chosen ? t.cgroup_v1_id : t.cgroup_id | AMBER_CGROUP_KEY_V2;
  if (v1_chosen) {
    c.cgroup_path = v1_path;
  } else if (const std::string& v2_path = UnifiedPath(t.cgroup_id); !v2_path.empty()) {
    c.cgroup_path = v2_path;
  } else {
    c.cgroup_path = v1_path.empty() && t.cgroup_id == 0 ? "" : "/";
  }
  c.container_id.clear();
  c.comm.assign(t.comm, strnlen(t.comm, sizeof(t.comm)));
  c.flags = (t.flags & AMBER_TASK_KTHREAD) ? store::kTaskFlagKernelThread : 0;
  if (t.flags & AMBER_TASK_COMPAT) c.flags |= store::kTaskFlagCompatSyscall;

  const auto* a = e.args;
  const Strings& s = strings;
  switch (FamilyOf(e.op)) {
    case Family::kFork:
      event->args = store::ForkArgs{static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), a[2], a[3]};
      break;
    case Family::kExec: {
      store::ExecArgs x;
      std::string cwd = s.Path(AMBER_STR_CWD);
      x.filename = JoinPath(s.slots[AMBER_STR_DIR].present ? s.Path(AMBER_STR_DIR) : cwd,
                            s.Str(AMBER_STR_PATH));
      if (x.filename.starts_with("/dev/fd/") || x.filename.starts_with("/proc/self/fd/")) {
        if (s.slots[AMBER_STR_EXE].present) x.filename = s.Path(AMBER_STR_EXE);
      }
      if (s.slots[AMBER_STR_INTERP].present) x.interpreter = JoinPath(cwd, s.Str(AMBER_STR_INTERP));
      x.cwd = std::move(cwd);
      x.argv = SplitArgv(s.slots[AMBER_STR_ARGV].bytes);
      x.argc = static_cast<uint32_t>(a[0]);
      x.exec_flags = static_cast<uint32_t>(a[1]);
      // The file the kernel loaded, walked from its dentry: what a symlink or a /proc/self/exe
      // re-exec was really; kept only where the name given does not already say it.
      x.executable = s.Path(AMBER_STR_EXE);
      if (x.executable == x.filename) x.executable.clear();
      event->args = std::move(x);
      break;
    }
    case Family::kExit:
      event->args = store::ExitArgs{static_cast<int32_t>(a[0]), static_cast<uint32_t>(a[1])};
      break;
    case Family::kCred:
      event->args = store::CredArgs{static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]),
                                    static_cast<uint32_t>(a[2]), static_cast<uint32_t>(a[3]),
                                    static_cast<uint32_t>(a[4]), a[5]};
      break;
    case Family::kControl: {
      store::ControlArgs x{a[0], a[1], s.Str(AMBER_STR_NAME)};
      if (s.slots[AMBER_STR_FD_PATH].present) {
        std::string fd_path = s.Path(AMBER_STR_FD_PATH);
        x.name = x.name.empty() ? fd_path : fd_path + " " + x.name;
      }
      event->args = std::move(x);
      break;
    }
    case Family::kNs: {
      store::NsArgs x;
      x.ns_flags = a[0];
      x.fd = static_cast<int32_t>(a[1]);
      x.ns_cmd = static_cast<uint32_t>(a[2]);
      x.ns_inode = a[3];
      x.source = s.Str(AMBER_STR_SOURCE);
      x.target = s.Resolved(AMBER_STR_TARGET, AMBER_STR_DIR);
      x.fs_type = s.Str(AMBER_STR_FSTYPE);
      if (e.op == AMBER_OP_FSOPEN) x.source = x.fs_type;
      x.key = s.Str(AMBER_STR_KEY);
      x.value = s.Str(AMBER_STR_VALUE);
      event->args = std::move(x);
      break;
    }
    case Family::kTarget:
      event->args = store::TargetArgs{static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), a[2],
                                      a[3], static_cast<int32_t>(a[4])};
      break;
    case Family::kFile: {
      store::FileArgs x;
      x.path = s.slots[AMBER_STR_PATH].present ? s.Resolved(AMBER_STR_PATH, AMBER_STR_DIR)
                                               : s.Path(AMBER_STR_FD_PATH);
      x.path2 = e.op == AMBER_OP_SYMLINK ? s.Str(AMBER_STR_PATH2)
                                         : s.Resolved(AMBER_STR_PATH2, AMBER_STR_DIR2);
      x.file_flags = static_cast<uint32_t>(a[0]);
      x.mode = static_cast<uint32_t>(a[1]);
      x.owner_uid = static_cast<uint32_t>(a[2]);
      x.owner_gid = static_cast<uint32_t>(a[3]);
      if (e.op == AMBER_OP_OPEN && s.slots[AMBER_STR_PATH].present) {
        // The opened file's own path, walked by the kernel side for writes and sensitive files:
        // kept only where it says something the given path does not.
        x.opened_path = s.Path(AMBER_STR_FD_PATH);
        if (x.opened_path == x.path) x.opened_path.clear();
      }
      event->args = std::move(x);
      break;
    }
    case Family::kMemory:
      event->args = store::MemoryArgs{a[0], a[1], static_cast<uint32_t>(a[2]),
                                      static_cast<uint32_t>(a[3]), static_cast<int32_t>(a[4]),
                                      s.Str(AMBER_STR_NAME)};
      break;
    case Family::kNet: {
      store::NetArgs x;
      x.sock_fd = static_cast<int32_t>(a[0]);
      x.backlog = static_cast<uint32_t>(a[1]);
      const auto& raw = s.slots[AMBER_STR_SOCKADDR];
      if (raw.present) {
        ParseSockaddr(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(raw.bytes.data()),
                                               raw.bytes.size()),
                      &x);
      }
      event->args = std::move(x);
      break;
    }
    case Family::kSyscall:
      event->args = store::SyscallArgs{e.nr, a[0], a[1], a[2], a[3]};
      break;
    case Family::kNone:
      break;
  }
  return Kind::kEvent;
}

}  // namespace amber::record
