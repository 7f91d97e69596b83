#include "record/record_merger.h"

#include <cstddef>
#include <cstring>
#include <queue>
#include <utility>

#include "bpf/events.h"

namespace amber::record {
namespace {

static_assert(sizeof(amber_batch_hdr) == 24, "amber_batch_hdr layout changed");
static_assert(AMBER_BATCH_OFF_MAX > 0 && AMBER_BATCH_OFF_MAX % AMBER_RECORD_ALIGN == 0);
static_assert(AMBER_BATCH_OFF_MAX + sizeof(amber_event) == AMBER_BATCH_DATA);

constexpr size_t kTimeOffset = offsetof(amber_event, time_ns);
constexpr size_t kStrBytesOffset = offsetof(amber_event, str_bytes);

// A CPU's storage is compacted once this many released entries sit before its head.
constexpr size_t kCompactEntries = 4096;

}  // namespace

void RecordMerger::Add(std::span<const uint8_t> ring_record) {
  amber_batch_hdr hdr;
  if (ring_record.size() < sizeof(hdr)) {
    malformed_++;
    return;
  }
  std::memcpy(&hdr, ring_record.data(), sizeof(hdr));
  std::span<const uint8_t> body = ring_record.subspan(sizeof(hdr));
  if (hdr.kind != AMBER_REC_BATCH || hdr.cpu >= kMaxCpus || hdr.bytes > body.size()) {
    malformed_++;
    return;
  }
  body = body.first(hdr.bytes);
  if (cpus_.size() <= hdr.cpu) cpus_.resize(hdr.cpu + 1u);
  Cpu& cpu = cpus_[hdr.cpu];
  size_t base = cpu.bytes.size();
  cpu.bytes.insert(cpu.bytes.end(), body.begin(), body.end());
  size_t off = 0;
  uint32_t parsed = 0;
  bool bad = false;
  while (off < body.size()) {
    if (body.size() - off < AMBER_EVENT_FIXED_SIZE) {
      bad = true;
      break;
    }
    uint16_t str_bytes;
    uint64_t time_ns;
    std::memcpy(&str_bytes, body.data() + off + kStrBytesOffset, sizeof(str_bytes));
    std::memcpy(&time_ns, body.data() + off + kTimeOffset, sizeof(time_ns));
    size_t size = AMBER_EVENT_FIXED_SIZE + str_bytes;
    if (size > body.size() - off) {
      bad = true;
      break;
    }
    cpu.entries.push_back({time_ns, base + off, static_cast<uint32_t>(size)});
    parsed++;
    held_++;
    size_t padded = (size + AMBER_RECORD_ALIGN - 1) & ~size_t{AMBER_RECORD_ALIGN - 1};
    off += padded < body.size() - off ? padded : body.size() - off;
  }
  if (bad || parsed != hdr.count) malformed_++;
}

size_t RecordMerger::Release(uint64_t watermark_ns, const Handler& handler) {
  // The CPUs whose oldest held record is due, oldest first (then by CPU number).
  using Head = std::pair<uint64_t, size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<>> due;
  for (size_t i = 0; i < cpus_.size(); i++) {
    const Cpu& cpu = cpus_[i];
    if (cpu.head < cpu.entries.size() && cpu.entries[cpu.head].time_ns < watermark_ns) {
      due.emplace(cpu.entries[cpu.head].time_ns, i);
    }
  }
  size_t released = 0;
  while (!due.empty()) {
    size_t i = due.top().second;
    due.pop();
    Cpu& cpu = cpus_[i];
    const Entry& entry = cpu.entries[cpu.head++];
    handler(std::span<const uint8_t>(cpu.bytes.data() + entry.offset, entry.size));
    released++;
    if (cpu.head < cpu.entries.size() && cpu.entries[cpu.head].time_ns < watermark_ns) {
      due.emplace(cpu.entries[cpu.head].time_ns, i);
    } else {
      Compact(cpu);
    }
  }
  held_ -= released;
  return released;
}

void RecordMerger::Compact(Cpu& cpu) {
  if (cpu.head == cpu.entries.size()) {
    cpu.bytes.clear();
    cpu.entries.clear();
    cpu.head = 0;
    return;
  }
  if (cpu.head < kCompactEntries || cpu.head * 2 < cpu.entries.size()) return;
  size_t first = cpu.entries[cpu.head].offset;
  cpu.bytes.erase(cpu.bytes.begin(), cpu.bytes.begin() + static_cast<std::ptrdiff_t>(first));
  cpu.entries.erase(cpu.entries.begin(), cpu.entries.begin() + static_cast<std::ptrdiff_t>(cpu.head));
  for (Entry& e : cpu.entries) e.offset -= first;
  cpu.head = 0;
}

}  // namespace amber::record
