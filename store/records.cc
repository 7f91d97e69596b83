// Names of the record enums, as JSON lines and the analysis database spell them.
//
// Each name is the capture.capnp enumerant in snake_case, so the schema stays the one reference.
// Values unknown to this build (written by a newer recorder) get a numeric name ("op_70") that
// the FromName functions read back, so an import of an export loses nothing.
#include "store/records.h"

#include <array>
#include <charconv>
#include <cstddef>

namespace amber::store {
namespace {

// Indexed by wire value; static_asserts below keep the tables in step with the enums.
constexpr std::array<const char*, kOpCount> kOpNames = {
    "unknown",       "fork",          "exec",
    "exit",          "setuid",        "setgid",
    "setreuid",      "setregid",      "setresuid",
    "setresgid",     "setfsuid",      "setfsgid",
    "setgroups",     "capset",        "cred_change",
    "prctl",         "personality",   "unshare",
    "setns",         "mount",         "umount",
    "pivot_root",    "chroot",        "fsopen",
    "fsconfig",      "fsmount",       "move_mount",
    "open_tree",     "fspick",        "mount_setattr",
    "init_module",   "finit_module",  "delete_module",
    "bpf",           "kexec_load",    "kexec_file_load",
    "keyctl",        "userfaultfd",   "add_key",
    "ptrace",        "process_vm_writev", "process_vm_readv",
    "kill",          "tkill",         "tgkill",
    "pidfd_send_signal", "pidfd_getfd", "open",
    "unlink",        "rename",        "chmod",
    "chown",         "link",          "symlink",
    "truncate",      "utimes",        "mkdir",
    "mknod",         "memfd_create",  "mprotect",
    "mmap",          "connect",       "accept",
    "bind",          "listen",        "syscall",
};
static_assert(static_cast<uint16_t>(Op::kOpen) == 47 && static_cast<uint16_t>(Op::kSyscall) == 65,
              "Op must follow capture.capnp's wire values");

constexpr std::array<const char*, 4> kLossSourceNames = {"ring_buffer", "user_space", "writer",
                                                         "kernel_path"};
static_assert(static_cast<uint16_t>(LossSource::kKernelPath) + 1 == kLossSourceNames.size());

constexpr std::array<const char*, 4> kProbeStatusNames = {"attached", "unsupported", "failed",
                                                          "disabled"};
static_assert(static_cast<uint16_t>(ProbeStatus::kDisabled) + 1 == kProbeStatusNames.size());

// Must list EventArgs' alternatives in order.
constexpr std::array<const char*, 13> kFamilyNames = {
    "none", "fork", "exec", "exit", "cred", "control", "ns",
    "target", "file", "memory", "net", "syscall", "unknown"};
static_assert(std::variant_size_v<EventArgs> == kFamilyNames.size());

template <size_t N>
std::string NameOf(const std::array<const char*, N>& names, uint16_t value, const char* prefix) {
  if (value < N) return names[value];
  return std::string(prefix) + std::to_string(value);
}

// Reads "<prefix><decimal>" (a value this build has no name for); false for anything else,
// including leading zeros and values past 65535, so each value has exactly one spelling.
bool ParseNumbered(std::string_view name, std::string_view prefix, uint16_t* value) {
  if (name.substr(0, prefix.size()) != prefix) return false;
  std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return false;
  uint16_t parsed = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  *value = parsed;
  return true;
}

template <size_t N>
bool ValueOf(const std::array<const char*, N>& names, std::string_view name,
             std::string_view prefix, uint16_t* value) {
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) {
      *value = static_cast<uint16_t>(i);
      return true;
    }
  }
  return ParseNumbered(name, prefix, value);
}

// The EventArgs alternative each op's family uses (capture.capnp's comments on Op).
constexpr size_t kIndexFork = 1, kIndexExec = 2, kIndexExit = 3, kIndexCred = 4,
                 kIndexControl = 5, kIndexNs = 6, kIndexTarget = 7, kIndexFile = 8,
                 kIndexMemory = 9, kIndexNet = 10, kIndexSyscall = 11;
static_assert(std::is_same_v<std::variant_alternative_t<kIndexExec, EventArgs>, ExecArgs> &&
              std::is_same_v<std::variant_alternative_t<kIndexSyscall, EventArgs>, SyscallArgs>);

size_t FamilyIndexOf(Op op) {
  auto v = static_cast<uint16_t>(op);
  auto in = [v](Op first, Op last) {
    return v >= static_cast<uint16_t>(first) && v <= static_cast<uint16_t>(last);
  };
  if (op == Op::kFork) return kIndexFork;
  if (op == Op::kExec) return kIndexExec;
  if (op == Op::kExit) return kIndexExit;
  if (in(Op::kSetuid, Op::kCredChange)) return kIndexCred;
  if (in(Op::kPrctl, Op::kPersonality) || in(Op::kInitModule, Op::kAddKey)) return kIndexControl;
  if (in(Op::kUnshare, Op::kMountSetattr)) return kIndexNs;
  if (in(Op::kPtrace, Op::kPidfdGetfd)) return kIndexTarget;
  if (in(Op::kOpen, Op::kMknod)) return kIndexFile;
  if (in(Op::kMemfdCreate, Op::kMmap)) return kIndexMemory;
  if (in(Op::kConnect, Op::kListen)) return kIndexNet;
  if (op == Op::kSyscall) return kIndexSyscall;
  return std::variant_npos;  // kUnknown, or newer than this build
}

}  // namespace

std::string OpName(Op op) { return NameOf(kOpNames, static_cast<uint16_t>(op), "op_"); }

bool OpFromName(std::string_view name, Op* op) {
  uint16_t value = 0;
  if (!ValueOf(kOpNames, name, "op_", &value)) return false;
  *op = static_cast<Op>(value);
  return true;
}

std::string LossSourceName(LossSource source) {
  return NameOf(kLossSourceNames, static_cast<uint16_t>(source), "loss_source_");
}

bool LossSourceFromName(std::string_view name, LossSource* source) {
  uint16_t value = 0;
  if (!ValueOf(kLossSourceNames, name, "loss_source_", &value)) return false;
  *source = static_cast<LossSource>(value);
  return true;
}

std::string ProbeStatusName(ProbeStatus status) {
  return NameOf(kProbeStatusNames, static_cast<uint16_t>(status), "probe_status_");
}

bool ProbeStatusFromName(std::string_view name, ProbeStatus* status) {
  uint16_t value = 0;
  if (!ValueOf(kProbeStatusNames, name, "probe_status_", &value)) return false;
  *status = static_cast<ProbeStatus>(value);
  return true;
}

const char* FamilyName(const EventArgs& args) {
  // A variant left valueless by an exception (index npos) reads as unknown too.
  return args.index() < kFamilyNames.size() ? kFamilyNames[args.index()] : "unknown";
}

const char* OpFamilyName(Op op) {
  size_t family = FamilyIndexOf(op);
  return family < kFamilyNames.size() ? kFamilyNames[family] : "unknown";
}

bool OpMatchesFamily(Op op, size_t variant_index) {
  if (variant_index == 0 || variant_index == kFamilyNames.size() - 1) return true;  // none, unknown
  size_t family = FamilyIndexOf(op);
  return family == std::variant_npos || family == variant_index;
}

}  // namespace amber::store
