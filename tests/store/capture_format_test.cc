// The capture file as a whole: round trips through CaptureWriter and CaptureReader, and every way a
// file can be damaged or edited giving exactly the verdict docs/capture-format.md promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "store/coding.h"
#include "store/compression.h"
#include "store/format.h"
#include "store/hash.h"
#include "tests/store/store_test_util.h"

namespace amber::store {
namespace {

using testing::SampleContainer;
using testing::SampleEventsOfEveryFamily;
using testing::SampleHeader;
using testing::SampleLoss;
using testing::SampleProcess;
using testing::SampleStats;
using testing::SyntheticMix;

constexpr char kPath[] = "/cap.amber";

// A fake boot-time clock the tests move by hand.
struct FakeClock {
  uint64_t now = 1'000'000'000;
  std::function<uint64_t()> fn() {
    return [this] { return now; };
  }
};

struct ReadBack {
  std::optional<CaptureHeader> header;
  std::vector<Event> events;
  std::vector<ProcessRecord> processes;
  std::vector<ContainerRecord> containers;
  std::vector<LossRecord> losses;
  std::vector<RecorderStats> stats;
  std::vector<Chunk> chunks;  // bodies cleared
  Verdict verdict = Verdict::kCorrupt;
  std::vector<Problem> problems;
  bool footer = false;
};

class CaptureFormatTest : public ::testing::Test {
 protected:
  std::unique_ptr<CaptureWriter> NewWriter(WriterOptions options = {}) {
    if (!options.now_ns) options.now_ns = clock_.fn();
    auto w = CaptureWriter::Create(&env_, kPath, SampleHeader(), std::move(options));
    EXPECT_TRUE(w.ok()) << w.status().message();
    return std::move(w).value();
  }

  // A small capture: header, a snapshot, containers, two events chunks, losses, stats, footer.
  void WriteSmallCapture() {
    WriterOptions o;
    o.chunk_bytes = 4096;
    auto w = NewWriter(o);
    ASSERT_TRUE(w->AppendProcess(SampleProcess(100)).ok());
    ASSERT_TRUE(w->AppendContainer(SampleContainer()).ok());
    for (const Event& e : SyntheticMix(60, 7)) ASSERT_TRUE(w->AppendEvent(e).ok());
    ASSERT_TRUE(w->AppendLoss(SampleLoss()).ok());
    ASSERT_TRUE(w->AppendStats(SampleStats()).ok());
    ASSERT_TRUE(w->Close("test").ok());
  }

  std::vector<uint8_t>& Bytes() { return env_.Contents(kPath); }

  void CorruptByte(size_t offset) { Bytes().at(offset) ^= 0x20; }
  void Truncate(size_t size) { Bytes().resize(size); }

  ReadBack Read(bool salvage = false) {
    ReadBack out;
    auto r = CaptureReader::Open(&env_, kPath, {.salvage = salvage});
    if (!r.ok()) {
      out.verdict = Verdict::kCorrupt;
      return out;
    }
    out.header = (*r)->header();
    Chunk c;
    while ((*r)->Next(&c)) {
      for (auto& e : c.body.events) out.events.push_back(std::move(e));
      for (auto& p : c.body.processes) out.processes.push_back(std::move(p));
      for (auto& x : c.body.containers) out.containers.push_back(std::move(x));
      for (auto& l : c.body.losses) out.losses.push_back(std::move(l));
      if (c.body.stats) out.stats.push_back(*c.body.stats);
      if (c.kind == ChunkKind::kFooter) out.footer = true;
      c.body = {};
      out.chunks.push_back(c);
    }
    out.verdict = (*r)->verdict();
    out.problems = (*r)->problems();
    return out;
  }

  VerifyReport Verify() {
    auto r = VerifyCapture(&env_, kPath);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : VerifyReport{};
  }

  // Offsets of every chunk header, the header chunk's included, from a clean read.
  std::vector<uint64_t> ChunkOffsets() {
    std::vector<uint64_t> offsets = {kPreambleSize};
    for (const Chunk& c : Read().chunks) offsets.push_back(c.offset);
    return offsets;
  }
  size_t ChunkEnd(size_t offset) {
    return offset + kChunkHeaderSize + GetFixed32(Bytes().data() + offset + kOffStoredSize);
  }
  // Recomputes a chunk's CRCs after an edit, as a careful attacker would.
  void FixCrcs(size_t offset) {
    uint8_t* h = Bytes().data() + offset;
    const uint32_t stored = GetFixed32(h + kOffStoredSize);
    PutFixed32(h + kOffPayloadCrc, Crc32({h + kChunkHeaderSize, stored}));
    PutFixed32(h + kOffHeaderCrc, Crc32({h, kOffHeaderCrc}));
  }

  MemEnv env_;
  FakeClock clock_;
};

TEST_F(CaptureFormatTest, RoundTripsEveryRecordKind) {
  auto w = NewWriter();
  const auto events = SampleEventsOfEveryFamily();
  ASSERT_TRUE(w->AppendProcess(SampleProcess(42)).ok());
  ASSERT_TRUE(w->AppendContainer(SampleContainer()).ok());
  for (const Event& e : events) ASSERT_TRUE(w->AppendEvent(e).ok());
  ASSERT_TRUE(w->AppendLoss(SampleLoss()).ok());
  ASSERT_TRUE(w->AppendStats(SampleStats()).ok());
  ASSERT_TRUE(w->Close("done").ok());

  ReadBack r = Read();
  EXPECT_EQ(r.verdict, Verdict::kIntact);
  ASSERT_TRUE(r.header);
  CaptureHeader expected = SampleHeader();
  // The writer names the file and places it in its recording; the rest comes back as given.
  expected.capture_id = r.header->capture_id;
  expected.file_index = 0;
  expected.previous_digest.clear();
  EXPECT_EQ(*r.header, expected);
  EXPECT_EQ(r.header->capture_id.size(), 16u);
  EXPECT_EQ(r.events, events);
  ASSERT_EQ(r.processes.size(), 1u);
  EXPECT_EQ(r.processes[0], SampleProcess(42));
  ASSERT_EQ(r.containers.size(), 1u);
  EXPECT_EQ(r.containers[0], SampleContainer());
  ASSERT_EQ(r.losses.size(), 1u);
  EXPECT_EQ(r.losses[0], SampleLoss());
  ASSERT_EQ(r.stats.size(), 1u);
  EXPECT_EQ(r.stats[0], SampleStats());
  EXPECT_TRUE(r.footer);
}

TEST_F(CaptureFormatTest, SnapshotAndContainersPrecedeTheEventsFlushedAfterThem) {
  auto w = NewWriter();
  for (const Event& e : SyntheticMix(10, 1)) ASSERT_TRUE(w->AppendEvent(e).ok());
  ASSERT_TRUE(w->AppendContainer(SampleContainer()).ok());
  ASSERT_TRUE(w->AppendProcess(SampleProcess(7)).ok());
  ASSERT_TRUE(w->Close("done").ok());
  std::vector<ChunkKind> kinds;
  for (const Chunk& c : Read().chunks) kinds.push_back(c.kind);
  EXPECT_EQ(kinds, (std::vector<ChunkKind>{ChunkKind::kSnapshot, ChunkKind::kContainers,
                                           ChunkKind::kEvents, ChunkKind::kFooter}));
}

TEST_F(CaptureFormatTest, IntactCaptureVerifiesWithItsFinalDigest) {
  WriteSmallCapture();
  VerifyReport v = Verify();
  EXPECT_EQ(v.verdict, Verdict::kIntact);
  EXPECT_FALSE(v.first_problem);
  EXPECT_TRUE(v.has_footer);
  EXPECT_EQ(v.events, 60u);
  Digest trailer_digest;
  std::memcpy(trailer_digest.data(), Bytes().data() + Bytes().size() - kTrailerSize + kOffTrailerDigest,
              kDigestSize);
  EXPECT_EQ(v.digest, trailer_digest);
}

TEST_F(CaptureFormatTest, FlippedByteInEachRegionIsCorruptAtThatChunk) {
  WriteSmallCapture();
  const std::vector<uint8_t> clean = Bytes();
  const auto offsets = ChunkOffsets();
  ASSERT_GE(offsets.size(), 5u);
  const size_t footer = offsets.back();
  const size_t trailer = clean.size() - kTrailerSize;
  struct Region {
    const char* name;
    size_t at;
    uint64_t reported_offset;
  };
  const Region regions[] = {
      {"preamble magic", 1, 0},
      {"preamble version", 9, 0},
      {"chunk header sync", offsets[2], offsets[2]},
      {"chunk header size", offsets[2] + kOffStoredSize, offsets[2]},
      {"chunk header time", offsets[2] + kOffFirstNs + 3, offsets[2]},
      {"chunk header digest", offsets[2] + kOffChainDigest + 5, offsets[2]},
      {"header chunk payload", offsets[0] + kChunkHeaderSize + 10, offsets[0]},
      {"events payload", offsets[2] + kChunkHeaderSize + 40, offsets[2]},
      {"footer header", footer + kOffRecordCount, footer},
      {"footer index (payload)", ChunkEnd(footer) - 20, footer},
      {"trailer digest", trailer + kOffTrailerDigest + 1, trailer},
      {"trailer offset", trailer + kOffTrailerFooterOffset, trailer},
      {"trailer magic", trailer + kOffTrailerMagic + 2, trailer},
  };
  for (const Region& r : regions) {
    SCOPED_TRACE(r.name);
    Bytes() = clean;
    CorruptByte(r.at);
    VerifyReport v = Verify();
    EXPECT_EQ(v.verdict, Verdict::kCorrupt);
    ASSERT_TRUE(v.first_problem);
    EXPECT_EQ(v.first_problem->offset, r.reported_offset) << v.first_problem->message;
  }
}

TEST_F(CaptureFormatTest, EveryFlippedByteIsDetected) {
  WriteSmallCapture();
  const std::vector<uint8_t> clean = Bytes();
  for (size_t i = 0; i < clean.size(); ++i) {
    Bytes() = clean;
    CorruptByte(i);
    VerifyReport v = Verify();
    ASSERT_TRUE(v.verdict == Verdict::kCorrupt) << "byte " << i << " gave " << VerdictName(v.verdict);
  }
}

TEST_F(CaptureFormatTest, EditWithRecomputedChecksumsIsTampered) {
  WriteSmallCapture();
  const auto offsets = ChunkOffsets();
  const size_t events_chunk = offsets[2];
  CorruptByte(events_chunk + kChunkHeaderSize + 40);
  FixCrcs(events_chunk);
  VerifyReport v = Verify();
  EXPECT_EQ(v.verdict, Verdict::kTampered);
  ASSERT_TRUE(v.first_problem);
  EXPECT_EQ(v.first_problem->offset, events_chunk);
  EXPECT_NE(v.first_problem->message.find("hash chain"), std::string::npos);
}

TEST_F(CaptureFormatTest, TruncationAtEveryOffsetIsTruncatedWithCompleteChunksReadable) {
  WriteSmallCapture();
  const std::vector<uint8_t> clean = Bytes();
  const auto offsets = ChunkOffsets();
  const ReadBack full = Read();
  for (size_t n = 0; n < clean.size(); ++n) {
    Bytes().assign(clean.begin(), clean.begin() + static_cast<long>(n));
    VerifyReport v = Verify();
    ASSERT_EQ(v.verdict, Verdict::kTruncated) << "cut at " << n;
    // Every chunk wholly inside the prefix reads back.
    size_t complete = 0;
    for (uint64_t off : offsets) {
      if (ChunkEnd(off) <= n) ++complete;
    }
    ASSERT_EQ(v.chunks, complete) << "cut at " << n;
  }
  // And the readable prefix is the events themselves, not just a count.
  Bytes().assign(clean.begin(), clean.begin() + static_cast<long>(offsets.back() - 1));
  ReadBack cut = Read();
  EXPECT_EQ(cut.verdict, Verdict::kTruncated);
  EXPECT_EQ(cut.events, full.events);
}

TEST_F(CaptureFormatTest, ZeroFilledTailIsTruncated) {
  WriteSmallCapture();
  const auto offsets = ChunkOffsets();
  Truncate(offsets[3]);
  Bytes().resize(offsets[3] + 5000, 0);  // what a power loss after delayed allocation leaves
  EXPECT_EQ(Verify().verdict, Verdict::kTruncated);
}

TEST_F(CaptureFormatTest, ReorderedDeletedDuplicatedOrSplicedChunksAreTampered) {
  WriteSmallCapture();
  const std::vector<uint8_t> clean = Bytes();
  const auto offsets = ChunkOffsets();
  // The i-th chunk of `file`, framed by that file's own offsets and sizes: captures with new ids
  // compress to different sizes, so another capture's chunks sit at other offsets.
  auto chunk_of = [](const std::vector<uint8_t>& file, const std::vector<uint64_t>& at, size_t i) {
    const size_t begin = at.at(i);
    const size_t end = begin + kChunkHeaderSize + GetFixed32(file.data() + begin + kOffStoredSize);
    EXPECT_LE(end, file.size());
    return std::vector<uint8_t>(file.begin() + static_cast<long>(begin),
                                file.begin() + static_cast<long>(std::min(end, file.size())));
  };
  auto chunk = [&](const std::vector<uint8_t>& file, size_t i) { return chunk_of(file, offsets, i); };
  auto assemble = [&](const std::vector<std::vector<uint8_t>>& parts) {
    std::vector<uint8_t> out(clean.begin(), clean.begin() + kPreambleSize);
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  const size_t n = offsets.size();
  std::vector<std::vector<uint8_t>> parts;
  for (size_t i = 0; i < n; ++i) parts.push_back(chunk(clean, i));

  {
    SCOPED_TRACE("reordered");
    auto p = parts;
    std::swap(p[2], p[3]);
    Bytes() = assemble(p);
    EXPECT_EQ(Verify().verdict, Verdict::kTampered);
  }
  {
    SCOPED_TRACE("deleted");
    auto p = parts;
    p.erase(p.begin() + 2);
    Bytes() = assemble(p);
    EXPECT_EQ(Verify().verdict, Verdict::kTampered);
  }
  {
    SCOPED_TRACE("duplicated");
    auto p = parts;
    p.insert(p.begin() + 3, p[2]);
    Bytes() = assemble(p);
    EXPECT_EQ(Verify().verdict, Verdict::kTampered);
  }
  {
    SCOPED_TRACE("spliced from another capture");
    ASSERT_TRUE(env_.RemoveFile(kPath).ok());
    WriteSmallCapture();  // same content, new ids: a different chain
    const std::vector<uint8_t> other = Bytes();
    auto p = parts;
    p[2] = chunk_of(other, ChunkOffsets(), 2);
    Bytes() = assemble(p);
    EXPECT_EQ(Verify().verdict, Verdict::kTampered);
  }
  {
    SCOPED_TRACE("tail deleted, trailer kept");
    auto p = parts;
    p.erase(p.end() - 2);  // the chunk before the footer
    Bytes() = assemble(p);
    std::vector<uint8_t> trailer(clean.end() - kTrailerSize, clean.end());
    Bytes().insert(Bytes().end(), trailer.begin(), trailer.end());
    EXPECT_EQ(Verify().verdict, Verdict::kTampered);
  }
}

// Builds a chunk by hand, with valid checksums and chain, around whatever payload a test wants.
std::vector<uint8_t> ForgeChunk(HashChain* chain, ChunkKind kind, Codec codec,
                                const std::vector<uint8_t>& stored, uint32_t raw_size,
                                uint32_t sequence) {
  std::vector<uint8_t> out(kChunkHeaderSize, 0);
  uint8_t* h = out.data();
  PutFixed32(h + kOffSync, kChunkSync);
  h[kOffKind] = static_cast<uint8_t>(kind);
  h[kOffCodec] = static_cast<uint8_t>(codec);
  PutFixed32(h + kOffStoredSize, static_cast<uint32_t>(stored.size()));
  PutFixed32(h + kOffRawSize, raw_size);
  PutFixed32(h + kOffRecordCount, 1);
  PutFixed32(h + kOffSequence, sequence);
  chain->Link({h, kHashedHeaderBytes}, stored);
  std::memcpy(h + kOffChainDigest, chain->value().data(), kDigestSize);
  PutFixed32(h + kOffPayloadCrc, Crc32(stored));
  PutFixed32(h + kOffHeaderCrc, Crc32({h, kOffHeaderCrc}));
  out.insert(out.end(), stored.begin(), stored.end());
  return out;
}

class HostileChunkTest : public CaptureFormatTest {
 protected:
  // The clean file cut after its header chunk, plus one forged chunk.
  void AppendForged(Codec codec, const std::vector<uint8_t>& stored, uint32_t raw_size) {
    WriteSmallCapture();
    const auto offsets = ChunkOffsets();
    std::vector<uint8_t> file(Bytes().begin(), Bytes().begin() + static_cast<long>(offsets[1]));
    HashChain chain;
    chain.Start({file.data(), kPreambleSize});
    chain.Link({file.data() + offsets[0], kHashedHeaderBytes},
               {file.data() + offsets[0] + kChunkHeaderSize, offsets[1] - offsets[0] - kChunkHeaderSize});
    auto forged = ForgeChunk(&chain, ChunkKind::kEvents, codec, stored, raw_size, 1);
    file.insert(file.end(), forged.begin(), forged.end());
    Bytes() = file;
  }
};

TEST_F(HostileChunkTest, DeclaredRawSizeBeyondLimitIsRefusedBeforeAllocating) {
  std::vector<uint8_t> small(64, 0);
  AppendForged(Codec::kLz4, small, kMaxRawSize + 1);
  VerifyReport v = Verify();
  EXPECT_EQ(v.verdict, Verdict::kCorrupt);
  ASSERT_TRUE(v.first_problem);
  EXPECT_NE(v.first_problem->message.find("limits"), std::string::npos) << v.first_problem->message;
}

TEST_F(HostileChunkTest, Lz4BlockExpandingPastItsDeclaredSizeIsCorrupt) {
  // 16 MiB of zeros compresses to ~64 KiB; declare only 1 KiB.
  std::vector<uint8_t> zeros(16u << 20, 0), stored;
  Lz4Compress(zeros, &stored);
  AppendForged(Codec::kLz4, stored, 1024);
  VerifyReport v = Verify();
  EXPECT_EQ(v.verdict, Verdict::kCorrupt);
  ASSERT_TRUE(v.first_problem);
  EXPECT_NE(v.first_problem->message.find("lz4"), std::string::npos) << v.first_problem->message;
}

TEST_F(HostileChunkTest, GarbageBodyWithValidFramingIsCorrupt) {
  std::vector<uint8_t> garbage(4096);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 131 + 7);
  AppendForged(Codec::kNone, garbage, static_cast<uint32_t>(garbage.size()));
  VerifyReport v = Verify();
  EXPECT_EQ(v.verdict, Verdict::kCorrupt);
  ASSERT_TRUE(v.first_problem);
  EXPECT_NE(v.first_problem->message.find("decode"), std::string::npos) << v.first_problem->message;
}

TEST_F(CaptureFormatTest, SalvageSkipsACorruptChunkAndReadsTheRest) {
  WriterOptions o;
  o.chunk_bytes = 2048;
  auto w = NewWriter(o);
  const auto events = SyntheticMix(400, 3);
  for (const Event& e : events) ASSERT_TRUE(w->AppendEvent(e).ok());
  ASSERT_TRUE(w->Close("done").ok());
  const auto offsets = ChunkOffsets();
  ASSERT_GE(offsets.size(), 6u);
  const size_t victim = offsets[2];
  CorruptByte(victim + kChunkHeaderSize + 5);

  ReadBack strict = Read(/*salvage=*/false);
  EXPECT_EQ(strict.verdict, Verdict::kCorrupt);
  ReadBack salvaged = Read(/*salvage=*/true);
  EXPECT_EQ(salvaged.verdict, Verdict::kCorrupt);
  ASSERT_FALSE(salvaged.problems.empty());
  EXPECT_EQ(salvaged.problems[0].offset, victim);
  EXPECT_GT(salvaged.events.size(), strict.events.size());
  EXPECT_LT(salvaged.events.size(), events.size());
  EXPECT_EQ(salvaged.events.back(), events.back());

  // A damaged chunk header: salvage finds the next chunk by its sync marker.
  ReadBack before = Read(true);
  CorruptByte(victim + kChunkHeaderSize + 5);  // restore the payload
  CorruptByte(victim + kOffRecordCount);
  ReadBack resynced = Read(true);
  EXPECT_EQ(resynced.events.size(), before.events.size());
}

TEST_F(CaptureFormatTest, EventsFlushedByTickSurviveAKill) {
  auto w = NewWriter();
  const auto events = SyntheticMix(50, 11);
  for (const Event& e : events) ASSERT_TRUE(w->AppendEvent(e).ok());
  ASSERT_TRUE(w->Tick().ok());
  EXPECT_EQ(ChunkOffsets().size(), 1u);  // under a second: only the header chunk is on disk
  clock_.now += 1'000'000'000;
  ASSERT_TRUE(w->Tick().ok());
  // No Close: the file is what a SIGKILL would leave.
  ReadBack r = Read();
  EXPECT_EQ(r.verdict, Verdict::kTruncated);
  EXPECT_EQ(r.events, events);
}

TEST_F(CaptureFormatTest, FullDiskLeavesAValidCaptureAndAClearError) {
  const auto events = SyntheticMix(3000, 5);
  for (uint64_t budget : {10u, 100u, 700u, 3000u, 9000u, 20000u, 40000u}) {
    SCOPED_TRACE(budget);
    MemEnv mem;
    FaultInjectingEnv faulty(&mem);
    faulty.FailWritesAfter(budget, ENOSPC);
    WriterOptions o;
    o.chunk_bytes = 8192;
    o.now_ns = clock_.fn();
    auto created = CaptureWriter::Create(&faulty, kPath, SampleHeader(), o);
    Status error;
    if (created.ok()) {
      for (const Event& e : events) {
        error = (*created)->AppendEvent(e);
        if (!error.ok()) break;
      }
      Status closed = (*created)->Close("test");
      if (error.ok()) error = closed;
    } else {
      error = created.status();
    }
    ASSERT_FALSE(error.ok());
    EXPECT_EQ(error.code(), StatusCode::kResourceExhausted) << error.message();
    EXPECT_NE(error.message().find("No space left on device"), std::string::npos) << error.message();
    auto v = VerifyCapture(&mem, kPath);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->verdict == Verdict::kTruncated || v->verdict == Verdict::kIntact)
        << VerdictName(v->verdict) << ": " << (v->first_problem ? v->first_problem->message : "");
  }
}

TEST_F(CaptureFormatTest, SyncFailureIsReported) {
  FaultInjectingEnv faulty(&env_);
  faulty.FailSync(EIO);
  WriterOptions o;
  o.sync_each_chunk = true;
  o.now_ns = clock_.fn();
  auto w = CaptureWriter::Create(&faulty, kPath, SampleHeader(), o);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kIOError);
  EXPECT_NE(w.status().message().find("sync"), std::string::npos);
  EXPECT_EQ(Verify().verdict, Verdict::kTruncated);
}

TEST_F(CaptureFormatTest, RefusesToOverwriteUnlessAsked) {
  WriteSmallCapture();
  WriterOptions keep;
  keep.now_ns = clock_.fn();
  auto again = CaptureWriter::Create(&env_, kPath, SampleHeader(), keep);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  WriterOptions o;
  o.overwrite = true;
  o.now_ns = clock_.fn();
  EXPECT_TRUE(CaptureWriter::Create(&env_, kPath, SampleHeader(), o).ok());
}

TEST_F(CaptureFormatTest, RotationBySizeKeepsBoundedLinkedFiles) {
  WriterOptions o;
  o.chunk_bytes = 4096;
  o.rotate_bytes = 6000;
  o.max_files = 3;
  int new_files = 0;
  o.on_new_file = [&](CaptureWriter& w) {
    ++new_files;
    ASSERT_TRUE(w.AppendProcess(SampleProcess(1)).ok());
  };
  auto w = NewWriter(o);
  for (const Event& e : SyntheticMix(2000, 9)) ASSERT_TRUE(w->AppendEvent(e).ok());
  ASSERT_TRUE(w->Close("done").ok());
  EXPECT_GT(w->stats().files, 3u);
  EXPECT_EQ(new_files, static_cast<int>(w->stats().files) - 1);
  ASSERT_EQ(w->files().size(), 3u);
  EXPECT_EQ(env_.ListFiles().size(), 3u);
  std::optional<VerifyReport> prev;
  for (const std::string& path : w->files()) {
    SCOPED_TRACE(path);
    auto v = VerifyCapture(&env_, path);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->verdict, Verdict::kIntact);
    ASSERT_TRUE(v->header);
    if (prev) {
      EXPECT_EQ(v->header->recording_id, prev->header->recording_id);
      EXPECT_EQ(v->header->file_index, prev->header->file_index + 1);
      EXPECT_EQ(v->header->previous_digest, DigestBytes(prev->digest));
    }
    prev = *v;
  }
  EXPECT_NE(w->files().front().find(".0000"), std::string::npos);
}

TEST_F(CaptureFormatTest, RotationByTimeStartsANewFile) {
  WriterOptions o;
  o.rotate_interval_ns = 60'000'000'000;
  auto w = NewWriter(o);
  ASSERT_TRUE(w->AppendEvent(SyntheticMix(1, 1)[0]).ok());
  clock_.now += 61'000'000'000;
  ASSERT_TRUE(w->Tick().ok());
  ASSERT_TRUE(w->AppendEvent(SyntheticMix(1, 2)[0]).ok());
  ASSERT_TRUE(w->Close("done").ok());
  ASSERT_EQ(w->files().size(), 2u);
  for (const std::string& path : w->files()) {
    auto v = VerifyCapture(&env_, path);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->verdict, Verdict::kIntact);
    EXPECT_EQ(v->events, 1u);
  }
}

TEST_F(CaptureFormatTest, NewerMajorVersionIsNotSupported) {
  WriteSmallCapture();
  PutFixed16(Bytes().data() + 8, kVersionMajor + 1);
  PutFixed32(Bytes().data() + kOffPreambleCrc, Crc32({Bytes().data(), kOffPreambleCrc}));
  auto v = VerifyCapture(&env_, kPath);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotSupported);
}

TEST_F(CaptureFormatTest, MissingFileIsNotFound) {
  auto v = VerifyCapture(&env_, "/nope.amber");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace amber::store
