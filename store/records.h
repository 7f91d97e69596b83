// The records of a capture as plain C++ values: what amber-record writes and amber-replay reads.
//
// These mirror store/capture.capnp field for field (the schema's doc comments are the reference),
// but with strings inline instead of string refs and the task context inline instead of an index:
// interning is the codec's business (store/body_codec.cc), not the callers'. No Cap'n Proto type
// leaks out of store/. Values are cheap to copy and hold no resources.
#ifndef AMBER_STORE_RECORDS_H_
#define AMBER_STORE_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace amber::store {

// Wire values of capture.capnp's `Op`. Stable forever; append only.
enum class Op : uint16_t {
  kUnknown = 0, kFork, kExec, kExit,
  kSetuid, kSetgid, kSetreuid, kSetregid, kSetresuid, kSetresgid, kSetfsuid, kSetfsgid,
  kSetgroups, kCapset, kCredChange, kPrctl, kPersonality,
  kUnshare, kSetns, kMount, kUmount, kPivotRoot, kChroot, kFsopen, kFsconfig, kFsmount,
  kMoveMount, kOpenTree, kFspick, kMountSetattr,
  kInitModule, kFinitModule, kDeleteModule, kBpf, kKexecLoad, kKexecFileLoad, kKeyctl,
  kUserfaultfd, kAddKey,
  kPtrace, kProcessVmWritev, kProcessVmReadv, kKill, kTkill, kTgkill, kPidfdSendSignal,
  kPidfdGetfd,
  kOpen, kUnlink, kRename, kChmod, kChown, kLink, kSymlink, kTruncate, kUtimes, kMkdir, kMknod,
  kMemfdCreate, kMprotect, kMmap,
  kConnect, kAccept, kBind, kListen,
  kSyscall,
};
inline constexpr uint16_t kOpCount = static_cast<uint16_t>(Op::kSyscall) + 1;

// "setuid", "memfd_create", ...: the name used in JSON lines and in the database. Unknown values
// (from a newer recorder) give "op_<number>".
std::string OpName(Op op);
// The inverse of OpName; false when the name is not one (an "op_<n>" name gives that value).
bool OpFromName(std::string_view name, Op* op);

// capture.capnp's TaskContext, with its string refs resolved.
struct TaskContext {
  uint32_t pid = 0;
  uint32_t tid = 0;
  uint32_t ppid = 0;
  uint64_t process_start_ns = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t euid = 0;
  uint32_t egid = 0;
  uint32_t login_uid = 0xffffffffu;
  uint64_t cap_effective = 0;
  uint64_t mnt_ns = 0;
  uint64_t pid_ns = 0;
  uint64_t user_ns = 0;
  uint64_t net_ns = 0;
  uint64_t uts_ns = 0;
  uint64_t ipc_ns = 0;
  uint64_t cgroup_ns = 0;
  uint64_t cgroup_id = 0;
  std::string cgroup_path;
  std::string container_id;
  std::string comm;
  uint32_t flags = 0;  // kTaskFlag* bits

  friend bool operator==(const TaskContext&, const TaskContext&) = default;
};
inline constexpr uint32_t kTaskFlagKernelThread = 1;
inline constexpr uint32_t kTaskFlagRecorder = 2;
inline constexpr uint32_t kTaskFlagCompatSyscall = 4;  // capture.capnp taskFlagCompatSyscall

// Event payloads, one per union member ("family") of capture.capnp's Event.
struct NoArgs {
  friend bool operator==(const NoArgs&, const NoArgs&) = default;
};
struct ForkArgs {
  uint32_t child_pid = 0;
  uint32_t child_tid = 0;
  uint64_t clone_flags = 0;
  uint64_t child_start_ns = 0;
  friend bool operator==(const ForkArgs&, const ForkArgs&) = default;
};
struct ExecArgs {
  std::string filename;
  std::string interpreter;
  std::string cwd;
  std::vector<std::string> argv;  // As kept by the recorder; argc may be larger.
  uint32_t argc = 0;
  uint32_t exec_flags = 0;  // kExecFlag* bits
  std::string executable;   // the file loaded, when it differs from filename
  friend bool operator==(const ExecArgs&, const ExecArgs&) = default;
};
inline constexpr uint32_t kExecFlagMemfd = 1;
inline constexpr uint32_t kExecFlagDeleted = 2;
inline constexpr uint32_t kExecFlagSetuid = 4;
inline constexpr uint32_t kExecFlagSetgid = 8;
inline constexpr uint32_t kExecFlagArgvTruncated = 16;

struct ExitArgs {
  int32_t exit_code = 0;
  uint32_t exit_signal = 0;
  friend bool operator==(const ExitArgs&, const ExitArgs&) = default;
};
inline constexpr uint32_t kIdUnchanged = 0xffffffffu;
struct CredArgs {
  uint32_t id0 = kIdUnchanged;
  uint32_t id1 = kIdUnchanged;
  uint32_t id2 = kIdUnchanged;
  uint32_t old_uid = 0;
  uint32_t old_euid = 0;
  uint64_t caps = 0;
  friend bool operator==(const CredArgs&, const CredArgs&) = default;
};
struct ControlArgs {
  uint64_t cmd = 0;
  uint64_t arg = 0;
  std::string name;
  friend bool operator==(const ControlArgs&, const ControlArgs&) = default;
};
struct NsArgs {
  uint64_t ns_flags = 0;
  int32_t fd = -1;
  uint32_t ns_cmd = 0;
  std::string source;
  std::string target;
  std::string fs_type;
  std::string key;
  std::string value;
  uint64_t ns_inode = 0;
  friend bool operator==(const NsArgs&, const NsArgs&) = default;
};
struct TargetArgs {
  uint32_t target_pid = 0;
  uint32_t signal = 0;
  uint64_t request = 0;
  uint64_t addr = 0;
  int32_t given_pid = 0;  // as the caller passed it, in its own pid namespace
  friend bool operator==(const TargetArgs&, const TargetArgs&) = default;
};
struct FileArgs {
  std::string path;
  std::string path2;
  uint32_t file_flags = 0;
  uint32_t mode = 0;
  uint32_t owner_uid = kIdUnchanged;
  uint32_t owner_gid = kIdUnchanged;
  std::string opened_path;  // open: the file actually opened, when it differs from path
  friend bool operator==(const FileArgs&, const FileArgs&) = default;
};
struct MemoryArgs {
  uint64_t addr = 0;
  uint64_t length = 0;
  uint32_t prot = 0;
  uint32_t mem_flags = 0;
  int32_t mem_fd = -1;
  std::string mem_name;
  friend bool operator==(const MemoryArgs&, const MemoryArgs&) = default;
};
struct NetArgs {
  uint16_t family = 0;
  uint16_t port = 0;
  uint64_t addr_hi = 0;  // Address bytes 0..7, big-endian.
  uint64_t addr_lo = 0;  // Address bytes 8..15, big-endian; IPv4 in the low 32 bits.
  std::string sock_path;
  int32_t sock_fd = -1;
  uint32_t backlog = 0;
  friend bool operator==(const NetArgs&, const NetArgs&) = default;
};
struct SyscallArgs {
  uint32_t nr = 0;
  uint64_t arg0 = 0;
  uint64_t arg1 = 0;
  uint64_t arg2 = 0;
  uint64_t arg3 = 0;
  friend bool operator==(const SyscallArgs&, const SyscallArgs&) = default;
};
// A union member this reader does not know (written by a newer recorder): kept, not failed.
struct UnknownArgs {
  uint16_t which = 0;
  friend bool operator==(const UnknownArgs&, const UnknownArgs&) = default;
};

using EventArgs = std::variant<NoArgs, ForkArgs, ExecArgs, ExitArgs, CredArgs, ControlArgs, NsArgs,
                               TargetArgs, FileArgs, MemoryArgs, NetArgs, SyscallArgs, UnknownArgs>;

struct Event {
  uint64_t time_ns = 0;  // CLOCK_BOOTTIME
  uint16_t cpu = 0;
  Op op = Op::kUnknown;
  int64_t ret = 0;  // negative errno on failure
  TaskContext context;
  EventArgs args;

  friend bool operator==(const Event&, const Event&) = default;
};

struct ProcessRecord {
  TaskContext context;
  std::string exe;
  std::string cwd;
  std::vector<std::string> argv;
  uint64_t observed_ns = 0;
  friend bool operator==(const ProcessRecord&, const ProcessRecord&) = default;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct MountRecord {
  std::string source;
  std::string destination;
  std::string type;
  std::vector<std::string> options;
  friend bool operator==(const MountRecord&, const MountRecord&) = default;
};

struct ContainerRecord {
  std::string id;
  std::string name;
  std::string image;
  std::string image_digest;
  std::string runtime;
  std::string cgroup_path;
  KeyValues labels;
  KeyValues annotations;
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  bool privileged = false;
  std::vector<MountRecord> mounts;
  uint32_t init_pid = 0;
  uint64_t observed_ns = 0;
  std::string bundle;
  std::string status;
  std::vector<std::string> capabilities;
  KeyValues namespaces;
  friend bool operator==(const ContainerRecord&, const ContainerRecord&) = default;
};

enum class LossSource : uint16_t { kRingBuffer = 0, kUserSpace = 1, kWriter = 2, kKernelPath = 3 };
std::string LossSourceName(LossSource source);
bool LossSourceFromName(std::string_view name, LossSource* source);
inline constexpr uint32_t kNoCpu = 0xffffffffu;

struct LossRecord {
  LossSource source = LossSource::kRingBuffer;
  uint32_t cpu = kNoCpu;
  uint64_t count = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  std::string reason;
  friend bool operator==(const LossRecord&, const LossRecord&) = default;
};

struct RecorderStats {
  uint64_t time_ns = 0;
  std::vector<std::pair<std::string, uint64_t>> counters;
  friend bool operator==(const RecorderStats&, const RecorderStats&) = default;
};

struct HostInfo {
  std::string hostname;
  std::string machine_id;
  std::string boot_id;
  std::string kernel_release;
  std::string kernel_version;
  std::string arch;
  uint32_t cpus = 0;
  friend bool operator==(const HostInfo&, const HostInfo&) = default;
};

enum class ProbeStatus : uint16_t { kAttached = 0, kUnsupported = 1, kFailed = 2, kDisabled = 3 };
std::string ProbeStatusName(ProbeStatus status);
bool ProbeStatusFromName(std::string_view name, ProbeStatus* status);

struct ProbeRecord {
  std::string name;
  ProbeStatus status = ProbeStatus::kAttached;
  std::string detail;
  std::vector<Op> ops;
  friend bool operator==(const ProbeRecord&, const ProbeRecord&) = default;
};

struct CaptureHeader {
  std::string capture_id;    // 16 bytes
  std::string recording_id;  // 16 bytes
  uint32_t file_index = 0;
  std::string previous_digest;  // 32 bytes, or empty for the first file
  HostInfo host;
  std::string recorder_name;
  std::string recorder_version;
  KeyValues options;
  uint64_t clock_boot_ns = 0;
  uint64_t clock_realtime_ns = 0;
  std::vector<ProbeRecord> probes;
  std::string btf_id;
  uint64_t started_ns = 0;
  friend bool operator==(const CaptureHeader&, const CaptureHeader&) = default;

  // Boot-time ns to Unix-epoch ns, by the clock mapping sampled at start. Computed modulo 2^64
  // (the header is hostile: signed overflow would be undefined behaviour), then read as signed.
  int64_t ToUnixNs(uint64_t boot_ns) const {
    return static_cast<int64_t>(boot_ns + (clock_realtime_ns - clock_boot_ns));
  }
};

struct IndexEntry {
  uint64_t offset = 0;
  uint8_t kind = 0;
  uint32_t records = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

struct Footer {
  std::vector<IndexEntry> index;
  uint64_t stopped_ns = 0;
  std::string stop_reason;
  uint64_t events = 0;
  uint64_t lost = 0;
  friend bool operator==(const Footer&, const Footer&) = default;
};
// Footer::stop_reason of a file closed because its recording went on in the next file.
inline constexpr std::string_view kRotationStopReason = "rotation";

// The union member ("family") an EventArgs holds, as capture.capnp names it: "none", "fork",
// "exec", "exit", "cred", "control", "ns", "target", "file", "memory", "net", "syscall", or
// "unknown" for a member this reader does not know.
const char* FamilyName(const EventArgs& args);
// The family of the args an event of `op` carries ("file" for open and rename, "cred" for setuid),
// or "unknown" for kUnknown and ops newer than this build.
const char* OpFamilyName(Op op);
// Whether an event of `op` may carry the EventArgs alternative at `variant_index` (as returned by
// EventArgs::index()). NoArgs and UnknownArgs fit any op, and an op this reader does not know fits
// any family: a writer newer than the reader may pair them in ways it cannot judge.
bool OpMatchesFamily(Op op, size_t variant_index);

}  // namespace amber::store

#endif  // AMBER_STORE_RECORDS_H_
