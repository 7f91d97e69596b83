// record/record_merger.cc: the kernel's per-CPU batches split into records and handed on in time
// order up to a watermark; malformed batches counted, the records before the fault kept.
#include "record/record_merger.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bpf/events.h"

namespace amber::record {
namespace {

// One record as the kernel builds it: an amber_event prefix with `strs` strings bytes.
std::vector<uint8_t> Record(uint64_t time_ns, uint32_t pid, const std::string& strs = "") {
  amber_event e{};
  e.kind = AMBER_REC_EVENT;
  e.op = AMBER_OP_OPEN;
  e.time_ns = time_ns;
  e.task.pid = pid;
  e.str_bytes = static_cast<uint16_t>(strs.size());
  std::vector<uint8_t> out(AMBER_EVENT_FIXED_SIZE + strs.size());
  std::memcpy(out.data(), &e, AMBER_EVENT_FIXED_SIZE);
  std::memcpy(out.data() + AMBER_EVENT_FIXED_SIZE, strs.data(), strs.size());
  return out;
}

// A batch of CPU `cpu` holding `records`, each padded to AMBER_RECORD_ALIGN, as it leaves the
// kernel.
std::vector<uint8_t> Batch(uint16_t cpu, const std::vector<std::vector<uint8_t>>& records) {
  std::vector<uint8_t> body;
  for (const auto& r : records) {
    body.insert(body.end(), r.begin(), r.end());
    body.resize((body.size() + AMBER_RECORD_ALIGN - 1) / AMBER_RECORD_ALIGN * AMBER_RECORD_ALIGN);
  }
  amber_batch_hdr hdr{};
  hdr.kind = AMBER_REC_BATCH;
  hdr.cpu = cpu;
  hdr.count = static_cast<uint32_t>(records.size());
  hdr.events = hdr.count;
  hdr.bytes = static_cast<uint32_t>(body.size());
  std::vector<uint8_t> out(sizeof(hdr) + body.size());
  std::memcpy(out.data(), &hdr, sizeof(hdr));
  if (!body.empty()) std::memcpy(out.data() + sizeof(hdr), body.data(), body.size());
  return out;
}

struct Seen {
  uint64_t time_ns;
  uint32_t pid;
  std::string strs;
  bool operator==(const Seen&) const = default;
};

class RecordMergerTest : public ::testing::Test {
 protected:
  size_t Release(uint64_t watermark_ns) {
    return merger_.Release(watermark_ns, [this](std::span<const uint8_t> r) {
      amber_event e{};
      ASSERT_GE(r.size(), AMBER_EVENT_FIXED_SIZE);
      std::memcpy(&e, r.data(), AMBER_EVENT_FIXED_SIZE);
      ASSERT_EQ(r.size(), AMBER_EVENT_FIXED_SIZE + e.str_bytes);
      seen_.push_back({e.time_ns, e.task.pid,
                       std::string(reinterpret_cast<const char*>(r.data()) + AMBER_EVENT_FIXED_SIZE,
                                   e.str_bytes)});
    });
  }
  std::vector<uint64_t> Times() const {
    std::vector<uint64_t> t;
    for (const Seen& s : seen_) t.push_back(s.time_ns);
    return t;
  }

  RecordMerger merger_;
  std::vector<Seen> seen_;
};

TEST_F(RecordMergerTest, BatchSplitsIntoItsRecordsWithTheirStrings) {
  merger_.Add(Batch(0, {Record(10, 1, "abc"), Record(11, 2), Record(12, 3, "0123456789")}));
  EXPECT_EQ(merger_.held(), 3u);
  EXPECT_EQ(Release(UINT64_MAX), 3u);
  EXPECT_EQ(seen_, (std::vector<Seen>{{10, 1, "abc"}, {11, 2, ""}, {12, 3, "0123456789"}}));
  EXPECT_EQ(merger_.held(), 0u);
  EXPECT_EQ(merger_.malformed(), 0u);
}

TEST_F(RecordMergerTest, CpusAreMergedInTimeOrder) {
  // CPU 1's batch arrives first although CPU 0 made records before and between its records.
  merger_.Add(Batch(1, {Record(20, 1), Record(40, 1), Record(41, 1)}));
  merger_.Add(Batch(0, {Record(10, 0), Record(30, 0), Record(50, 0)}));
  merger_.Add(Batch(1, {Record(60, 1)}));
  Release(UINT64_MAX);
  EXPECT_EQ(Times(), (std::vector<uint64_t>{10, 20, 30, 40, 41, 50, 60}));
}

TEST_F(RecordMergerTest, RecordsAtOrAfterTheWatermarkWaitForTheNextRelease) {
  merger_.Add(Batch(0, {Record(10, 0), Record(30, 0)}));
  merger_.Add(Batch(1, {Record(20, 1)}));
  EXPECT_EQ(Release(30), 2u);
  EXPECT_EQ(Times(), (std::vector<uint64_t>{10, 20}));
  EXPECT_EQ(merger_.held(), 1u);
  // A later batch of CPU 1 with an older record than the one held: still ordered.
  merger_.Add(Batch(1, {Record(25, 1)}));
  Release(UINT64_MAX);
  EXPECT_EQ(Times(), (std::vector<uint64_t>{10, 20, 25, 30}));
}

TEST_F(RecordMergerTest, EqualTimesComeInCpuOrder) {
  merger_.Add(Batch(3, {Record(5, 3)}));
  merger_.Add(Batch(2, {Record(5, 2)}));
  Release(UINT64_MAX);
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_EQ(seen_[0].pid, 2u);
  EXPECT_EQ(seen_[1].pid, 3u);
}

TEST_F(RecordMergerTest, ManyRecordsStayInOrderAcrossCompaction) {
  // More released entries than the compaction threshold, with some held each time.
  uint64_t t = 0;
  for (int round = 0; round < 6; round++) {
    std::vector<std::vector<uint8_t>> records;
    for (int i = 0; i < 3000; i++) records.push_back(Record(++t, 0, std::string(i % 13, 'x')));
    merger_.Add(Batch(0, records));
    Release(t - 100);
  }
  Release(UINT64_MAX);
  ASSERT_EQ(seen_.size(), 18000u);
  for (size_t i = 0; i < seen_.size(); i++) {
    ASSERT_EQ(seen_[i].time_ns, i + 1);
    ASSERT_EQ(seen_[i].strs, std::string(i % 3000 % 13, 'x'));
  }
}

TEST_F(RecordMergerTest, ShortOrMisnamedRingRecordsAreMalformed) {
  std::vector<uint8_t> batch = Batch(0, {Record(1, 0)});
  merger_.Add(std::span<const uint8_t>(batch).first(10));  // shorter than the header
  std::vector<uint8_t> event = Batch(0, {Record(2, 0)});
  event[0] = AMBER_REC_EVENT;  // not a batch
  merger_.Add(event);
  std::vector<uint8_t> huge_cpu = Batch(0, {Record(3, 0)});
  uint16_t cpu = RecordMerger::kMaxCpus;
  std::memcpy(huge_cpu.data() + offsetof(amber_batch_hdr, cpu), &cpu, sizeof(cpu));
  merger_.Add(huge_cpu);
  EXPECT_EQ(merger_.malformed(), 3u);
  EXPECT_EQ(Release(UINT64_MAX), 0u);
}

TEST_F(RecordMergerTest, BatchClaimingMoreBytesThanItHasIsMalformed) {
  std::vector<uint8_t> batch = Batch(0, {Record(1, 0), Record(2, 0)});
  batch.resize(batch.size() - 8);
  merger_.Add(batch);
  EXPECT_EQ(merger_.malformed(), 1u);
  EXPECT_EQ(Release(UINT64_MAX), 0u);
}

TEST_F(RecordMergerTest, RecordOverrunningItsBatchKeepsTheRecordsBeforeIt) {
  std::vector<uint8_t> batch = Batch(0, {Record(1, 0, "ok"), Record(2, 0, "abcdefgh")});
  // The second record claims more string bytes than the batch holds.
  size_t second = sizeof(amber_batch_hdr) + (AMBER_EVENT_FIXED_SIZE + 2 + 7) / 8 * 8;
  uint16_t str_bytes = 4000;
  std::memcpy(batch.data() + second + offsetof(amber_event, str_bytes), &str_bytes,
              sizeof(str_bytes));
  merger_.Add(batch);
  EXPECT_EQ(merger_.malformed(), 1u);
  Release(UINT64_MAX);
  EXPECT_EQ(seen_, (std::vector<Seen>{{1, 0, "ok"}}));
}

TEST_F(RecordMergerTest, CountDisagreeingWithTheRecordsIsMalformedButTheyAreKept) {
  std::vector<uint8_t> batch = Batch(0, {Record(1, 0), Record(2, 0)});
  uint32_t count = 3;
  std::memcpy(batch.data() + offsetof(amber_batch_hdr, count), &count, sizeof(count));
  merger_.Add(batch);
  EXPECT_EQ(merger_.malformed(), 1u);
  EXPECT_EQ(Release(UINT64_MAX), 2u);
}

}  // namespace
}  // namespace amber::record
