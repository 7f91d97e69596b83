#include "record/syscall_table.h"

namespace amber::record {
namespace {

using store::Op;

constexpr SyscallInfo kSyscalls[] = {
    {"clone", 56, Op::kFork}, {"fork", 57, Op::kFork}, {"vfork", 58, Op::kFork},
    {"clone3", 435, Op::kFork}, {"execve", 59, Op::kExec}, {"execveat", 322, Op::kExec},
    {"setuid", 105, Op::kSetuid}, {"setgid", 106, Op::kSetgid}, {"setreuid", 113, Op::kSetreuid},
    {"setregid", 114, Op::kSetregid}, {"setresuid", 117, Op::kSetresuid},
    {"setresgid", 119, Op::kSetresgid}, {"setfsuid", 122, Op::kSetfsuid},
    {"setfsgid", 123, Op::kSetfsgid}, {"setgroups", 116, Op::kSetgroups},
    {"capset", 126, Op::kCapset}, {"prctl", 157, Op::kPrctl},
    {"personality", 135, Op::kPersonality}, {"unshare", 272, Op::kUnshare},
    {"setns", 308, Op::kSetns}, {"mount", 165, Op::kMount}, {"umount", 166, Op::kUmount},
    {"pivot_root", 155, Op::kPivotRoot}, {"chroot", 161, Op::kChroot},
    {"fsopen", 430, Op::kFsopen}, {"fsconfig", 431, Op::kFsconfig},
    {"fsmount", 432, Op::kFsmount}, {"move_mount", 429, Op::kMoveMount},
    {"open_tree", 428, Op::kOpenTree}, {"fspick", 433, Op::kFspick},
    {"mount_setattr", 442, Op::kMountSetattr}, {"init_module", 175, Op::kInitModule},
    {"finit_module", 313, Op::kFinitModule}, {"delete_module", 176, Op::kDeleteModule},
    {"bpf", 321, Op::kBpf}, {"kexec_load", 246, Op::kKexecLoad},
    {"kexec_file_load", 320, Op::kKexecFileLoad}, {"keyctl", 250, Op::kKeyctl},
    {"userfaultfd", 323, Op::kUserfaultfd}, {"add_key", 248, Op::kAddKey},
    {"ptrace", 101, Op::kPtrace}, {"process_vm_writev", 311, Op::kProcessVmWritev},
    {"process_vm_readv", 310, Op::kProcessVmReadv}, {"kill", 62, Op::kKill},
    {"tkill", 200, Op::kTkill}, {"tgkill", 234, Op::kTgkill},
    {"pidfd_send_signal", 424, Op::kPidfdSendSignal}, {"pidfd_getfd", 438, Op::kPidfdGetfd},
    {"open", 2, Op::kOpen}, {"openat", 257, Op::kOpen}, {"openat2", 437, Op::kOpen},
    {"creat", 85, Op::kOpen}, {"unlink", 87, Op::kUnlink}, {"unlinkat", 263, Op::kUnlink},
    {"rmdir", 84, Op::kUnlink}, {"rename", 82, Op::kRename}, {"renameat", 264, Op::kRename},
    {"renameat2", 316, Op::kRename}, {"chmod", 90, Op::kChmod}, {"fchmod", 91, Op::kChmod},
    {"fchmodat", 268, Op::kChmod}, {"fchmodat2", 452, Op::kChmod}, {"chown", 92, Op::kChown},
    {"fchown", 93, Op::kChown}, {"lchown", 94, Op::kChown}, {"fchownat", 260, Op::kChown},
    {"link", 86, Op::kLink}, {"linkat", 265, Op::kLink}, {"symlink", 88, Op::kSymlink},
    {"symlinkat", 266, Op::kSymlink}, {"truncate", 76, Op::kTruncate},
    {"ftruncate", 77, Op::kTruncate}, {"utime", 132, Op::kUtimes}, {"utimes", 235, Op::kUtimes},
    {"utimensat", 280, Op::kUtimes}, {"futimesat", 261, Op::kUtimes}, {"mkdir", 83, Op::kMkdir},
    {"mkdirat", 258, Op::kMkdir}, {"mknod", 133, Op::kMknod}, {"mknodat", 259, Op::kMknod},
    {"memfd_create", 319, Op::kMemfdCreate}, {"mprotect", 10, Op::kMprotect},
    {"mmap", 9, Op::kMmap}, {"connect", 42, Op::kConnect}, {"accept", 43, Op::kAccept},
    {"accept4", 288, Op::kAccept}, {"bind", 49, Op::kBind}, {"listen", 50, Op::kListen},
};

}  // namespace

std::span<const SyscallInfo> TracedSyscalls() { return kSyscalls; }

const SyscallInfo* FindSyscall(std::string_view tracepoint) {
  for (const SyscallInfo& info : kSyscalls) {
    if (info.tracepoint == tracepoint) return &info;
  }
  return nullptr;
}

bool OpInProfile(store::Op op, std::string_view profile) {
  (void)profile;
  return op != store::Op::kUnknown && op != store::Op::kSyscall;
}

}  // namespace amber::record
