#include "store/chunk_reader.h"

#include <algorithm>
#include <cstring>

#include "store/coding.h"
#include "store/compression.h"

namespace amber::store {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kIntact: return "intact";
    case Verdict::kTruncated: return "truncated";
    case Verdict::kTampered: return "tampered";
    case Verdict::kCorrupt: return "corrupt";
  }
  return "corrupt";
}

ChunkReader::ChunkReader(std::unique_ptr<ReadableFile> file, bool salvage, uint64_t size)
    : file_(std::move(file)), salvage_(salvage), file_size_(size) {}

Result<std::unique_ptr<ChunkReader>> ChunkReader::Open(std::unique_ptr<ReadableFile> file,
                                                       bool salvage) {
  auto size = file->Size();
  if (!size.ok()) return size.status();
  std::unique_ptr<ChunkReader> r(new ChunkReader(std::move(file), salvage, *size));
  uint8_t pre[kPreambleSize] = {};
  auto n = r->file_->ReadAt(0, pre);
  if (!n.ok()) return n.status();
  const size_t magic_bytes = std::min(*n, sizeof kMagic);
  if (std::memcmp(pre, kMagic, magic_bytes) != 0) {
    r->Report(Verdict::kCorrupt, 0, "not an Amber capture (bad magic)");
    r->done_ = true;
    return r;
  }
  if (*n < kPreambleSize) {
    r->Report(Verdict::kTruncated, *n, "file ends inside its preamble");
    r->done_ = true;
    return r;
  }
  if (GetFixed32(pre + kOffPreambleCrc) != Crc32(std::span<const uint8_t>(pre, kOffPreambleCrc))) {
    r->Report(Verdict::kCorrupt, 0, "preamble checksum mismatch");
    r->done_ = true;
    return r;
  }
  const uint16_t major = GetFixed16(pre + 8);
  const uint16_t minor = GetFixed16(pre + 10);
  if (major != kVersionMajor) {
    return Status::NotSupported("capture format " + std::to_string(major) + "." +
                                std::to_string(minor) + " (this reader reads " +
                                std::to_string(kVersionMajor) + ".x)");
  }
  r->chain_.Start(pre);
  r->offset_ = kPreambleSize;
  return r;
}

Verdict ChunkReader::verdict() const {
  for (const Problem& p : problems_) {
    if (p.verdict != Verdict::kTruncated) return p.verdict;
  }
  if (!problems_.empty()) return Verdict::kTruncated;
  return clean_end_ ? Verdict::kIntact : Verdict::kTruncated;
}

void ChunkReader::Report(Verdict verdict, uint64_t offset, std::string message) {
  problems_.push_back(Problem{verdict, offset, std::move(message)});
}

bool ChunkReader::Next(RawChunk* chunk) {
  while (!done_) {
    switch (ReadOne(chunk)) {
      case Step::kChunk:
        return true;
      case Step::kSkip:
        continue;
      case Step::kStop:
        done_ = true;
        break;
    }
  }
  return false;
}

ChunkReader::Step ChunkReader::ReadOne(RawChunk* chunk) {
  if (after_footer_) return ReadTrailer();
  const uint64_t at = offset_;
  const uint64_t remaining = file_size_ - at;
  const std::string where = "chunk " + std::to_string(sequence_) + " at offset " +
                            std::to_string(at);
  if (remaining == 0) {
    Report(Verdict::kTruncated, at, "file ends after chunk " + std::to_string(sequence_) +
                                        " without a footer");
    return Step::kStop;
  }
  if (remaining < kChunkHeaderSize) {
    if (RestIsZero(at)) {
      Report(Verdict::kTruncated, at, where + ": zero-filled tail (torn write)");
    } else {
      Report(Verdict::kTruncated, at, where + ": torn chunk header");
    }
    return Step::kStop;
  }
  uint8_t h[kChunkHeaderSize];
  auto n = file_->ReadAt(at, h);
  if (!n.ok() || *n != kChunkHeaderSize) {
    Report(Verdict::kCorrupt, at, where + ": read failed: " + n.status().ToString());
    return Step::kStop;
  }
  auto corrupt = [&](const std::string& why) {
    Report(Verdict::kCorrupt, at, where + ": " + why);
    return salvage_ && Resync(at + 1) ? Step::kSkip : Step::kStop;
  };
  if (GetFixed32(h + kOffSync) != kChunkSync) {
    if (RestIsZero(at)) {
      Report(Verdict::kTruncated, at, where + ": zero-filled tail (torn write)");
      return Step::kStop;
    }
    return corrupt("bad sync marker");
  }
  if (GetFixed32(h + kOffHeaderCrc) != Crc32(std::span<const uint8_t>(h, kOffHeaderCrc))) {
    return corrupt("header checksum mismatch");
  }
  const uint8_t kind = h[kOffKind];
  const uint8_t codec = h[kOffCodec];
  const uint32_t stored = GetFixed32(h + kOffStoredSize);
  const uint32_t raw = GetFixed32(h + kOffRawSize);
  const uint32_t sequence = GetFixed32(h + kOffSequence);
  if (kind == 0 || kind > kMaxChunkKind) return corrupt("unknown chunk kind " + std::to_string(kind));
  if (codec > static_cast<uint8_t>(Codec::kLz4)) return corrupt("unknown codec " + std::to_string(codec));
  if (GetFixed16(h + kOffReserved) != 0) return corrupt("reserved bytes are not zero");
  if (stored > kMaxStoredSize || raw > kMaxRawSize) {
    return corrupt("declared sizes " + std::to_string(stored) + "/" + std::to_string(raw) +
                   " exceed the reader's limits");
  }
  if (codec == static_cast<uint8_t>(Codec::kNone) && stored != raw) {
    return corrupt("uncompressed chunk with stored size != raw size");
  }
  if (remaining - kChunkHeaderSize < stored) {
    Report(Verdict::kTruncated, at, where + ": torn chunk payload (" +
                                        std::to_string(remaining - kChunkHeaderSize) + " of " +
                                        std::to_string(stored) + " bytes)");
    return Step::kStop;
  }
  stored_.resize(stored);
  n = file_->ReadAt(at + kChunkHeaderSize, stored_);
  if (!n.ok() || *n != stored) {
    Report(Verdict::kCorrupt, at, where + ": payload read failed: " + n.status().ToString());
    return Step::kStop;
  }
  const uint64_t next = at + kChunkHeaderSize + stored;
  if (GetFixed32(h + kOffPayloadCrc) != Crc32(stored_)) {
    Report(Verdict::kCorrupt, at, where + ": payload checksum mismatch");
    if (!salvage_) return Step::kStop;
    // The header's CRC held, so its size is trustworthy: skip exactly this chunk.
    offset_ = next;
    chain_broken_ = true;
    return Step::kSkip;
  }

  // Checksums hold: what is left to catch is a consistent edit, which only the chain reveals.
  Digest stored_digest;
  std::memcpy(stored_digest.data(), h + kOffChainDigest, kDigestSize);
  if (chain_broken_) {
    // After a skipped region (salvage), re-anchor on this chunk's own claim.
    chain_.Reset(stored_digest);
    sequence_ = sequence + 1;
    chain_broken_ = false;
  } else {
    if (sequence != sequence_) {
      Report(Verdict::kTampered, at, where + ": sequence number " + std::to_string(sequence) +
                                         ", expected " + std::to_string(sequence_));
      if (!salvage_) return Step::kStop;
    }
    HashChain expected = chain_;
    expected.Link(std::span<const uint8_t>(h, kHashedHeaderBytes), stored_);
    if (expected.value() != stored_digest) {
      if (sequence == sequence_) {
        Report(Verdict::kTampered, at, where + ": hash chain mismatch");
      }
      if (!salvage_) return Step::kStop;
      chain_.Reset(stored_digest);
    } else {
      chain_ = expected;
    }
    sequence_ = sequence + 1;
  }
  if ((sequence == 0) != (kind == static_cast<uint8_t>(ChunkKind::kHeader))) {
    return corrupt(sequence == 0 ? "first chunk is not a header" : "a second header chunk");
  }

  chunk->offset = at;
  chunk->kind = kind;
  chunk->records = GetFixed32(h + kOffRecordCount);
  chunk->sequence = sequence;
  chunk->first_ns = GetFixed64(h + kOffFirstNs);
  chunk->last_ns = GetFixed64(h + kOffLastNs);
  chunk->stored_size = stored;
  if (codec == static_cast<uint8_t>(Codec::kLz4)) {
    Status st = Lz4Decompress(stored_, raw, &chunk->body);
    if (!st.ok()) {
      offset_ = next;
      Report(Verdict::kCorrupt, at, where + ": " + st.message());
      return salvage_ ? Step::kSkip : Step::kStop;
    }
  } else {
    chunk->body.assign(stored_.begin(), stored_.end());
  }
  offset_ = next;
  if (kind == static_cast<uint8_t>(ChunkKind::kFooter)) {
    after_footer_ = true;
    footer_offset_ = at;
  }
  return Step::kChunk;
}

ChunkReader::Step ChunkReader::ReadTrailer() {
  const uint64_t at = offset_;
  const uint64_t remaining = file_size_ - at;
  if (remaining < kTrailerSize) {
    Report(Verdict::kTruncated, at, "file ends inside the trailer");
    return Step::kStop;
  }
  uint8_t t[kTrailerSize];
  auto n = file_->ReadAt(at, t);
  if (!n.ok() || *n != kTrailerSize) {
    Report(Verdict::kCorrupt, at, "trailer read failed: " + n.status().ToString());
    return Step::kStop;
  }
  if (std::memcmp(t + kOffTrailerMagic, kTrailerMagic, sizeof kTrailerMagic) != 0 ||
      GetFixed32(t + kOffTrailerCrc) != Crc32(std::span<const uint8_t>(t, kOffTrailerCrc))) {
    Report(Verdict::kCorrupt, at, "trailer checksum mismatch");
    return Step::kStop;
  }
  Digest digest;
  std::memcpy(digest.data(), t + kOffTrailerDigest, kDigestSize);
  if (GetFixed64(t + kOffTrailerFooterOffset) != footer_offset_ ||
      GetFixed32(t + kOffTrailerChunkCount) != sequence_ || digest != chain_.value()) {
    Report(Verdict::kTampered, at, "trailer does not match the chunks (final digest mismatch)");
    return Step::kStop;
  }
  if (remaining > kTrailerSize) {
    Report(Verdict::kCorrupt, at + kTrailerSize,
           std::to_string(remaining - kTrailerSize) + " bytes after the trailer");
    return Step::kStop;
  }
  offset_ = at + kTrailerSize;
  clean_end_ = true;
  return Step::kStop;
}

bool ChunkReader::Resync(uint64_t from) {
  // Scan for the next sync marker whose header checksum holds. Bounded by the file size; reads
  // in blocks so memory stays constant.
  constexpr size_t kBlock = 1 << 16;
  std::vector<uint8_t> buf(kBlock + kChunkHeaderSize);
  for (uint64_t pos = from; pos + kChunkHeaderSize <= file_size_; pos += kBlock) {
    auto n = file_->ReadAt(pos, buf);
    if (!n.ok()) return false;
    for (size_t i = 0; i + kChunkHeaderSize <= *n && i < kBlock; ++i) {
      const uint8_t* h = buf.data() + i;
      if (GetFixed32(h) == kChunkSync &&
          GetFixed32(h + kOffHeaderCrc) == Crc32(std::span<const uint8_t>(h, kOffHeaderCrc))) {
        offset_ = pos + i;
        chain_broken_ = true;
        return true;
      }
    }
  }
  return false;
}

bool ChunkReader::RestIsZero(uint64_t from) const {
  std::vector<uint8_t> buf(1 << 16);
  for (uint64_t pos = from; pos < file_size_;) {
    auto n = file_->ReadAt(pos, buf);
    if (!n.ok() || *n == 0) return false;
    if (std::any_of(buf.begin(), buf.begin() + *n, [](uint8_t b) { return b != 0; })) return false;
    pos += *n;
  }
  return true;
}

}  // namespace amber::store
