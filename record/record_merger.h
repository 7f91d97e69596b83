// RecordMerger: the kernel's per-CPU batches (bpf/events.h, amber_batch_hdr) split into their
// records and handed on in time order.
//
// Each CPU builds its records one after the other, so the records of one CPU arrive in time
// order; the CPUs' batches arrive whenever they fill or are flushed, up to a poll interval late.
// BpfLoader (record/loader.h) adds every ring-buffer record as it consumes them, then releases
// the records older than a watermark it made sure of (every record stamped before it is out of
// the kernel), oldest first. The capture then comes out in time order whatever the batching, so
// replay never meets a process's exec in an earlier chunk than its fork.
//
// Records are copied in (the ring buffer's space is given back at once); what is held is what
// arrived since the watermark, about one poll interval. Every byte is checked: a malformed batch
// is counted, and its records before the fault are kept. Single-threaded.
#ifndef AMBER_RECORD_RECORD_MERGER_H_
#define AMBER_RECORD_RECORD_MERGER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace amber::record {

class RecordMerger {
 public:
  using Handler = std::function<void(std::span<const uint8_t>)>;

  // CPU numbers at or above this are refused as malformed (they would size the per-CPU table).
  static constexpr uint32_t kMaxCpus = 8192;

  // A ring-buffer record. Anything but a well-formed batch is counted as malformed.
  void Add(std::span<const uint8_t> ring_record);
  // Hands every held record stamped before `watermark_ns` to `handler`, oldest first (records of
  // equal time in CPU order); returns how many.
  size_t Release(uint64_t watermark_ns, const Handler& handler);

  size_t held() const { return held_; }
  // Batches found malformed (see Add).
  uint64_t malformed() const { return malformed_; }

 private:
  struct Entry {
    uint64_t time_ns;
    size_t offset;  // in Cpu::bytes
    uint32_t size;
  };
  // One CPU's records in arrival order, which is its time order; entries before `head` are gone.
  struct Cpu {
    std::vector<uint8_t> bytes;
    std::vector<Entry> entries;
    size_t head = 0;
  };
  void Compact(Cpu& cpu);

  std::vector<Cpu> cpus_;
  size_t held_ = 0;
  uint64_t malformed_ = 0;
};

}  // namespace amber::record

#endif  // AMBER_RECORD_RECORD_MERGER_H_
