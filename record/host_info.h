// What the capture header says about the host and the clocks: HostInfo from uname, /etc and /proc,
// the boot-time to UTC mapping, and the identity (BLAKE2b-256) of the kernel BTF the recorder
// ran against. Free functions; they read files and clocks and hold no state.
#ifndef AMBER_RECORD_HOST_INFO_H_
#define AMBER_RECORD_HOST_INFO_H_

#include <cstdint>
#include <string>

#include "store/records.h"

namespace amber::record {

store::HostInfo ReadHostInfo();
uint64_t BootTimeNs();
// Samples CLOCK_BOOTTIME and CLOCK_REALTIME together into the header's clock mapping.
void SampleClocks(store::CaptureHeader* header);
// Raw 32-byte BLAKE2b-256 of /sys/kernel/btf/vmlinux, or empty when unreadable.
std::string BtfIdentity();
// Inode number of /proc/<pid>/ns/<name>, 0 when unreadable.
uint32_t NamespaceInode(const std::string& pid, const std::string& name);

}  // namespace amber::record

#endif  // AMBER_RECORD_HOST_INFO_H_
