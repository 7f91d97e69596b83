#include "record/syscall_table.h"

#include "bpf/events.h"

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

constexpr uint8_t kId0 = AMBER_IA32_ID16_ARG0;
constexpr uint8_t kId1 = AMBER_IA32_ID16_ARG1;
constexpr uint8_t kId2 = AMBER_IA32_ID16_ARG2;

// i386 numbers from arch/x86/entry/syscalls/syscall_32.tbl. The 16-bit id calls (setuid, chown,
// ... without the "32" suffix) take old_uid_t; truncate64/ftruncate64, mmap2, utimensat_time64
// differ from their x86-64 namesake only in arguments the recorder does not keep.
constexpr Ia32SyscallInfo kIa32Syscalls[] = {
    {120, "clone", 0}, {2, "fork", 0}, {190, "vfork", 0}, {435, "clone3", 0},
    {11, "execve", 0}, {358, "execveat", 0},
    {23, "setuid", kId0}, {46, "setgid", kId0}, {70, "setreuid", kId0 | kId1},
    {71, "setregid", kId0 | kId1}, {164, "setresuid", kId0 | kId1 | kId2},
    {170, "setresgid", kId0 | kId1 | kId2}, {138, "setfsuid", kId0}, {139, "setfsgid", kId0},
    {81, "setgroups", 0}, {213, "setuid", 0}, {214, "setgid", 0}, {203, "setreuid", 0},
    {204, "setregid", 0}, {208, "setresuid", 0}, {210, "setresgid", 0}, {215, "setfsuid", 0},
    {216, "setfsgid", 0}, {206, "setgroups", 0}, {185, "capset", 0},
    {172, "prctl", 0}, {136, "personality", 0}, {310, "unshare", 0}, {346, "setns", 0},
    {21, "mount", 0}, {22, "umount", AMBER_IA32_NO_ARG1}, {52, "umount", 0},
    {217, "pivot_root", 0}, {61, "chroot", 0}, {430, "fsopen", 0}, {431, "fsconfig", 0},
    {432, "fsmount", 0}, {429, "move_mount", 0}, {428, "open_tree", 0}, {433, "fspick", 0},
    {442, "mount_setattr", 0}, {128, "init_module", 0}, {350, "finit_module", 0},
    {129, "delete_module", 0}, {357, "bpf", 0}, {283, "kexec_load", 0}, {288, "keyctl", 0},
    {374, "userfaultfd", 0}, {286, "add_key", 0},
    {26, "ptrace", 0}, {348, "process_vm_writev", 0}, {347, "process_vm_readv", 0},
    {37, "kill", 0}, {238, "tkill", 0}, {270, "tgkill", 0}, {424, "pidfd_send_signal", 0},
    {438, "pidfd_getfd", 0},
    {5, "open", 0}, {295, "openat", 0}, {437, "openat2", 0}, {8, "creat", 0},
    {10, "unlink", 0}, {301, "unlinkat", 0}, {40, "rmdir", 0}, {38, "rename", 0},
    {302, "renameat", 0}, {353, "renameat2", 0}, {15, "chmod", 0}, {94, "fchmod", 0},
    {306, "fchmodat", 0}, {452, "fchmodat2", 0}, {182, "chown", kId1 | kId2},
    {16, "lchown", kId1 | kId2}, {95, "fchown", kId1 | kId2}, {212, "chown", 0},
    {198, "lchown", 0}, {207, "fchown", 0}, {298, "fchownat", 0}, {9, "link", 0},
    {303, "linkat", 0}, {83, "symlink", 0}, {304, "symlinkat", 0}, {92, "truncate", 0},
    {93, "ftruncate", 0}, {193, "truncate", 0}, {194, "ftruncate", 0}, {30, "utime", 0},
    {271, "utimes", 0}, {320, "utimensat", 0}, {412, "utimensat", 0}, {299, "futimesat", 0},
    {39, "mkdir", 0}, {296, "mkdirat", 0}, {14, "mknod", 0}, {297, "mknodat", 0},
    {356, "memfd_create", 0}, {125, "mprotect", 0}, {90, "mmap", AMBER_IA32_MMAP_STRUCT},
    {192, "mmap", 0}, {362, "connect", 0}, {364, "accept4", 0}, {361, "bind", 0},
    {363, "listen", 0}, {102, "", AMBER_IA32_SOCKETCALL},
};

}  // namespace

std::span<const SyscallInfo> TracedSyscalls() { return kSyscalls; }

std::span<const Ia32SyscallInfo> Ia32Syscalls() { return kIa32Syscalls; }

const SyscallInfo* FindSyscall(std::string_view tracepoint) {
  for (const SyscallInfo& info : kSyscalls) {
    if (info.tracepoint == tracepoint) return &info;
  }
  return nullptr;
}

bool HandledInSysExit(const SyscallInfo& info) { return info.op == Op::kOpen; }

bool OpInProfile(store::Op op, std::string_view profile) {
  (void)profile;
  return op != store::Op::kUnknown && op != store::Op::kSyscall;
}

}  // namespace amber::record
