// BpfLoader: the kernel half of amber-record, loaded and attached in the libbpf-tools order.
//
// Start() runs: libbpf log callback, open every unit's skeleton, set the read-only settings,
// decide per program (unsupported hook, op disabled), load (later units reuse the first unit's
// shared maps), attach every program on its own (one that fails is recorded, not fatal), then the
// ring buffer. The destructor undoes it in reverse. probes() says what was attached, for the
// capture header.
//
// Poll()/Finish() hand every record to the RecordHandler on the calling thread, in time order.
// The BPF side batches records per CPU (bpf/events.h, amber_batch_hdr) and does not wake the
// consumer per batch (BPF_RB_NO_WAKEUP): the caller polls on a timer, and is woken early only
// once `wakeup_bytes` are waiting. Each poll then flushes the batch of every CPU that has one
// pending (a BPF program run on that CPU), so a quiet CPU's records arrive within a poll interval,
// and hands on the records stamped before the flush began (record/record_merger.h).
// Single-threaded; one per process.
#ifndef AMBER_RECORD_LOADER_H_
#define AMBER_RECORD_LOADER_H_

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bpf/events.h"
#include "common/status.h"
#include "store/records.h"

namespace amber::record {

struct LoaderSettings {
  uint32_t self_tgid = 0;        // never traced
  uint32_t filter_tgid = 0;      // nonzero: only this process and its descendants
  bool containers_only = false;  // drop tasks of the cgroups AddHostCgroup() named
  uint64_t filter_cgroup_v1_id = 0;  // kernfs id (inode) of a v1 cgroup directory
  uint32_t filter_ns_inum = 0;
  bool profile_full = false;  // every open, not only writes and sensitive paths
  std::vector<uint8_t> cgroup_v1_controllers;  // codes, see bpf/common.bpf.h
  uint32_t ringbuf_bytes = 16u << 20;  // power of two, at least a page
  uint64_t wakeup_bytes = 0;           // 0: never woken early
  std::bitset<128> ops;                // store::Op values to record
  bool verbose = false;                // libbpf debug output to stderr
};

// Called with each ring-buffer record's bytes (an amber_event prefix).
using RecordHandler = std::function<void(std::span<const uint8_t>)>;

class BpfLoader {
 public:
  static Result<std::unique_ptr<BpfLoader>> Start(const LoaderSettings& settings,
                                                  RecordHandler handler);
  ~BpfLoader();
  BpfLoader(const BpfLoader&) = delete;
  BpfLoader& operator=(const BpfLoader&) = delete;

  const std::vector<store::ProbeRecord>& probes() const { return probes_; }

  // Waits up to timeout_ms for an early wakeup, then flushes the CPUs' pending batches and hands
  // on every record stamped before the flush began; returns how many. An interrupted wait
  // (EINTR, a signal asking to stop) is not an error: it goes on the same way and returns.
  Result<int> Poll(int timeout_ms);
  // At stop: flushes every batch (an offline CPU's is read from the map) and hands on every record
  // still held; returns how many.
  Result<int> Finish();
  // Batches found malformed so far (record/record_merger.h).
  uint64_t malformed_batches() const;
  // The per-CPU loss counters, one entry per possible CPU.
  Result<std::vector<amber_loss_counters>> ReadLossCounters() const;
  // With containers_only: the kernel drops the events of this cgroup key (AMBER_CGROUP_KEY_V2 in
  // bpf/events.h) from now on. ResourceExhausted when the map is full (its events then keep
  // coming and are dropped in user space).
  Status AddHostCgroup(uint64_t cgroup_key);

 private:
  struct Impl;
  explicit BpfLoader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<store::ProbeRecord> probes_;
};

// Checks the preconditions with clear messages: PermissionDenied when not root (no CAP_BPF /
// CAP_PERFMON / CAP_SYS_ADMIN), NotSupported without /sys/kernel/btf/vmlinux.
Status CheckPrerequisites();

}  // namespace amber::record

#endif  // AMBER_RECORD_LOADER_H_
