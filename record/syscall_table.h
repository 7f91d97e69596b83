// The syscalls amber-record traces: tracepoint name, x86-64 number and the op it yields.
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
// nullptr when the name is not one of TracedSyscalls().
const SyscallInfo* FindSyscall(std::string_view tracepoint);

// Ops of the "default" and "full" profiles: every op; the profiles differ in which opens the
// kernel keeps (profile_full), not in which ops are on.
bool OpInProfile(store::Op op, std::string_view profile);

}  // namespace amber::record

#endif  // AMBER_RECORD_SYSCALL_TABLE_H_
