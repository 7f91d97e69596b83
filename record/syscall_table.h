// The syscalls amber-record traces: tracepoint name, x86-64 number and the op it yields, and the
// 32-bit (ia32) syscalls recorded as one of them.
//
// Used by the loader to tell which BPF programs an op needs (so disabled ops are not attached),
// to route syscalls without a per-syscall tracepoint through the raw sys_enter/sys_exit programs,
// and to fill each ProbeRecord's op list. Static data; no state.
#ifndef AMBER_RECORD_SYSCALL_TABLE_H_
#define AMBER_RECORD_SYSCALL_TABLE_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "store/records.h"

namespace amber::record {

struct SyscallInfo {
  std::string_view tracepoint;  // syscalls/sys_enter_<tracepoint> (umount2's is "umount")
  uint32_t nr;                  // x86-64 number
  store::Op op;
};

std::span<const SyscallInfo> TracedSyscalls();

// A 32-bit x86 (ia32) syscall the recorder understands, recorded as the op of the x86-64 syscall
// whose exit handler reads the same arguments once `fixes` (AMBER_IA32_*, bpf/events.h) adapted
// them: setuid16 as setuid with 0xffff meaning -1, mmap2 as mmap, socketcall's connect as
// connect. ia32 syscalls not listed are not traced (docs/capture-format.md, "32-bit syscalls").
struct Ia32SyscallInfo {
  uint32_t nr;              // i386 number (arch/x86/entry/syscalls/syscall_32.tbl)
  std::string_view native;  // its TracedSyscalls() name; empty for socketcall (call decides)
  uint8_t fixes;
};

std::span<const Ia32SyscallInfo> Ia32Syscalls();
// nullptr when the name is not one of TracedSyscalls().
const SyscallInfo* FindSyscall(std::string_view tracepoint);

// Whether handle_sys_exit handles this syscall's exit itself (the opens, bpf/syscalls.bpf.c)
// instead of tail-calling a handle_exit_<name> program.
bool HandledInSysExit(const SyscallInfo& info);

// Ops of the "default" and "full" profiles: every op; the profiles differ in which opens the
// kernel keeps (profile_full), not in which ops are on.
bool OpInProfile(store::Op op, std::string_view profile);

}  // namespace amber::record

#endif  // AMBER_RECORD_SYSCALL_TABLE_H_
