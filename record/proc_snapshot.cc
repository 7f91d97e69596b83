#include "record/proc_snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "record/cgroup_path.h"
#include "record/container_resolver.h"
#include "record/proc_files.h"
#include "record/proc_parse.h"
#include "record/process_start.h"

namespace amber::record {
namespace {

// stat and status are a few KiB; cgroup lists one line per hierarchy (a dozen on hybrid hosts),
// each path at most PATH_MAX.
constexpr size_t kMaxStatBytes = 4096;
constexpr size_t kMaxStatusBytes = 16 * 1024;
constexpr size_t kMaxCgroupBytes = 64 * 1024;
constexpr size_t kMaxLoginUidBytes = 32;

uint64_t BootTimeNs() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kNsPerSec + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t TicksPerSec(const SnapshotOptions& options) {
  if (options.clock_ticks_per_sec != 0) return options.clock_ticks_per_sec;
  long ticks = sysconf(_SC_CLK_TCK);
  return ticks > 0 ? static_cast<uint64_t>(ticks) : kDefaultClockTicksPerSec;
}

bool StillThere(int dir_fd) { return faccessat(dir_fd, "stat", F_OK, 0) == 0; }

uint64_t NsInode(int dir_fd, const char* name) {
  struct stat st {};
  if (fstatat(dir_fd, name, &st, 0) != 0) return 0;
  return static_cast<uint64_t>(st.st_ino);
}

uint64_t CgroupId(const std::string& unified_root, const std::string& v2_path) {
  if (unified_root.empty() || v2_path.empty() || v2_path[0] != '/') return 0;
  if (v2_path.find("/..") != std::string::npos) return 0;
  std::string path = unified_root + v2_path;
  if (path.size() >= PATH_MAX) return 0;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_ino);
}

enum class Outcome { kOk, kVanished, kUnreadable };

struct Reader {
  const SnapshotOptions& options;
  uint64_t ticks_per_sec;
  SnapshotStats& stats;

  // Reads one optional file; on NotFound tells a vanished process from a missing file.
  bool Optional(Result<BoundedRead>&& read, int dir_fd, BoundedRead* out, Outcome* outcome) {
    if (read.ok()) {
      *out = std::move(read).value();
      return true;
    }
    if (read.status().code() == StatusCode::kNotFound && !StillThere(dir_fd)) {
      *outcome = Outcome::kVanished;
    }
    return false;
  }

  Outcome Read(int dir_fd, store::ProcessRecord* record) {
    Result<BoundedRead> stat_text = ReadFileAt(dir_fd, "stat", kMaxStatBytes);
    if (!stat_text.ok()) {
      return stat_text.status().code() == StatusCode::kNotFound ? Outcome::kVanished
                                                                 : Outcome::kUnreadable;
    }
    Result<ProcStat> stat = ParseProcStat(stat_text->bytes);
    if (!stat.ok()) return Outcome::kUnreadable;
    Result<BoundedRead> status_text = ReadFileAt(dir_fd, "status", kMaxStatusBytes);
    if (!status_text.ok()) {
      return status_text.status().code() == StatusCode::kNotFound ? Outcome::kVanished
                                                                   : Outcome::kUnreadable;
    }
    Result<ProcStatus> status = ParseProcStatus(status_text->bytes);
    if (!status.ok()) return Outcome::kUnreadable;

    store::TaskContext& c = record->context;
    c.pid = stat->pid;
    c.tid = stat->pid;  // /proc/<pid> is the thread-group leader
    c.ppid = stat->ppid;
    c.process_start_ns = TicksToBootNs(stat->start_ticks, ticks_per_sec);
    c.uid = status->uid;
    c.euid = status->euid;
    c.gid = status->gid;
    c.egid = status->egid;
    c.cap_effective = status->cap_effective;
    c.comm = std::move(stat->comm);
    const bool kthread = (stat->flags & kPfKthread) != 0;
    if (kthread) c.flags |= store::kTaskFlagKernelThread;

    Outcome outcome = Outcome::kOk;
    BoundedRead read;
    if (Optional(ReadFileAt(dir_fd, "loginuid", kMaxLoginUidBytes), dir_fd, &read, &outcome)) {
      std::string_view text = read.bytes;
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
      uint64_t login_uid = 0;
      if (ParseDecimal(text, &login_uid) && login_uid <= 0xffffffffu) {
        c.login_uid = static_cast<uint32_t>(login_uid);
      }
    }
    if (!kthread) {
      if (Optional(ReadFileAt(dir_fd, "cmdline", options.max_argv_bytes), dir_fd, &read,
                   &outcome)) {
        if (read.truncated) ++stats.argv_truncated;
        record->argv = SplitCmdline(read.bytes);
      }
      if (Optional(ReadLinkAt(dir_fd, "exe", PATH_MAX), dir_fd, &read, &outcome)) {
        if (read.truncated) ++stats.path_truncated;
        record->exe = std::move(read.bytes);
      }
      if (Optional(ReadLinkAt(dir_fd, "cwd", PATH_MAX), dir_fd, &read, &outcome)) {
        if (read.truncated) ++stats.path_truncated;
        record->cwd = std::move(read.bytes);
      }
    }
    c.mnt_ns = NsInode(dir_fd, "ns/mnt");
    c.pid_ns = NsInode(dir_fd, "ns/pid");
    c.user_ns = NsInode(dir_fd, "ns/user");
    c.net_ns = NsInode(dir_fd, "ns/net");
    c.uts_ns = NsInode(dir_fd, "ns/uts");
    c.ipc_ns = NsInode(dir_fd, "ns/ipc");
    c.cgroup_ns = NsInode(dir_fd, "ns/cgroup");
    if (Optional(ReadFileAt(dir_fd, "cgroup", kMaxCgroupBytes), dir_fd, &read, &outcome)) {
      std::vector<CgroupLine> lines = ParseProcCgroup(read.bytes);
      c.cgroup_path = ContainerCgroupPath(lines);
      c.cgroup_id = CgroupId(options.unified_cgroup_root, UnifiedCgroupPath(lines));
    }
    if (outcome != Outcome::kOk) return outcome;
    if (options.resolver != nullptr && !c.cgroup_path.empty()) {
      std::optional<std::string> id = options.resolver->ContainerIdFor(c.cgroup_path);
      if (id.has_value()) c.container_id = std::move(*id);
    }
    record->observed_ns = BootTimeNs();
    return Outcome::kOk;
  }
};

bool PidName(const char* name, uint32_t* pid) {
  uint64_t value = 0;
  if (!ParseDecimal(name, &value) || value == 0 || value > 0xffffffffu) return false;
  *pid = static_cast<uint32_t>(value);
  return true;
}

Result<store::ProcessRecord> ReadOne(int proc_fd, uint32_t pid, Reader& reader) {
  std::string name = std::to_string(pid);
  Fd dir(openat(proc_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!dir.valid()) {
    if (errno == ENOENT || errno == ESRCH) {
      ++reader.stats.vanished;
      return Status::NotFound("read process " + name + ": exited");
    }
    ++reader.stats.unreadable;
    return Status::FromErrno(errno, "open process " + name);
  }
  store::ProcessRecord record;
  switch (reader.Read(dir.get(), &record)) {
    case Outcome::kOk:
      ++reader.stats.processes;
      return record;
    case Outcome::kVanished:
      ++reader.stats.vanished;
      return Status::NotFound("read process " + name + ": exited");
    case Outcome::kUnreadable:
      break;
  }
  ++reader.stats.unreadable;
  return Status::Corruption("read process " + name + ": stat or status unreadable");
}

}  // namespace

Result<std::vector<store::ProcessRecord>> SnapshotProcesses(const SnapshotOptions& options) {
  SnapshotStats local_stats;
  SnapshotStats& stats = options.stats != nullptr ? *options.stats : local_stats;
  Fd proc(open(options.proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) return Status::FromErrno(errno, "open " + options.proc_root);
  // fdopendir takes the descriptor; keep our own for openat.
  int list_fd = dup(proc.get());
  if (list_fd < 0) return Status::FromErrno(errno, "dup " + options.proc_root);
  DIR* dir = fdopendir(list_fd);
  if (dir == nullptr) {
    int err = errno;
    close(list_fd);
    return Status::FromErrno(err, "list " + options.proc_root);
  }
  std::vector<uint32_t> pids;
  errno = 0;
  while (dirent* entry = readdir(dir)) {
    uint32_t pid = 0;
    if (PidName(entry->d_name, &pid)) pids.push_back(pid);
  }
  int list_err = errno;
  closedir(dir);
  if (list_err != 0) return Status::FromErrno(list_err, "list " + options.proc_root);
  std::sort(pids.begin(), pids.end());
  if (pids.size() > options.max_processes) {
    stats.over_limit += pids.size() - options.max_processes;
    pids.resize(options.max_processes);
  }

  Reader reader{options, TicksPerSec(options), stats};
  std::vector<store::ProcessRecord> records;
  records.reserve(pids.size());
  for (uint32_t pid : pids) {
    Result<store::ProcessRecord> record = ReadOne(proc.get(), pid, reader);
    if (record.ok()) records.push_back(std::move(record).value());
  }
  return records;
}

Result<store::ProcessRecord> ReadProcess(uint32_t pid, const SnapshotOptions& options) {
  SnapshotStats local_stats;
  SnapshotStats& stats = options.stats != nullptr ? *options.stats : local_stats;
  Fd proc(open(options.proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc.valid()) return Status::FromErrno(errno, "open " + options.proc_root);
  Reader reader{options, TicksPerSec(options), stats};
  return ReadOne(proc.get(), pid, reader);
}

}  // namespace amber::record
