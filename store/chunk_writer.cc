#include "store/chunk_writer.h"

#include <cstring>

#include "store/coding.h"
#include "store/compression.h"

namespace amber::store {

ChunkWriter::ChunkWriter(std::unique_ptr<WritableFile> file, bool sync_each_chunk)
    : file_(std::move(file)), sync_each_chunk_(sync_each_chunk) {}

Result<std::unique_ptr<ChunkWriter>> ChunkWriter::Open(std::unique_ptr<WritableFile> file,
                                                       bool sync_each_chunk) {
  std::unique_ptr<ChunkWriter> w(new ChunkWriter(std::move(file), sync_each_chunk));
  uint8_t preamble[kPreambleSize];
  std::memcpy(preamble, kMagic, sizeof kMagic);
  PutFixed16(preamble + 8, kVersionMajor);
  PutFixed16(preamble + 10, kVersionMinor);
  PutFixed32(preamble + kOffPreambleCrc, Crc32(std::span<const uint8_t>(preamble, kOffPreambleCrc)));
  AMBER_RETURN_IF_ERROR(w->file_->Append(preamble));
  w->chain_.Start(preamble);
  w->offset_ = kPreambleSize;
  return w;
}

Status ChunkWriter::Append(const ChunkInfo& info, std::span<const uint8_t> raw) {
  AMBER_CHECK(footer_offset_ == 0);  // nothing follows the footer but the trailer
  if (raw.size() > kMaxRawSize) {
    return Status::InvalidArgument("write chunk: body of " + std::to_string(raw.size()) +
                                   " bytes exceeds the " + std::to_string(kMaxRawSize) +
                                   "-byte limit");
  }
  scratch_.assign(kChunkHeaderSize, 0);
  Codec codec = Codec::kLz4;
  size_t stored = Lz4Compress(raw, &scratch_);
  if (stored >= raw.size()) {  // incompressible: store as is, readers skip a pointless pass
    scratch_.resize(kChunkHeaderSize);
    scratch_.insert(scratch_.end(), raw.begin(), raw.end());
    stored = raw.size();
    codec = Codec::kNone;
  }
  uint8_t* h = scratch_.data();
  std::span<const uint8_t> payload(scratch_.data() + kChunkHeaderSize, stored);
  PutFixed32(h + kOffSync, kChunkSync);
  h[kOffKind] = static_cast<uint8_t>(info.kind);
  h[kOffCodec] = static_cast<uint8_t>(codec);
  PutFixed32(h + kOffStoredSize, static_cast<uint32_t>(stored));
  PutFixed32(h + kOffRawSize, static_cast<uint32_t>(raw.size()));
  PutFixed32(h + kOffRecordCount, info.records);
  PutFixed32(h + kOffSequence, sequence_);
  PutFixed64(h + kOffFirstNs, info.first_ns);
  PutFixed64(h + kOffLastNs, info.last_ns);
  HashChain chain = chain_;
  chain.Link(std::span<const uint8_t>(h, kHashedHeaderBytes), payload);
  std::memcpy(h + kOffChainDigest, chain.value().data(), kDigestSize);
  PutFixed32(h + kOffPayloadCrc, Crc32(payload));
  PutFixed32(h + kOffHeaderCrc, Crc32(std::span<const uint8_t>(h, kOffHeaderCrc)));

  // One Append per chunk: a crash leaves a prefix of this chunk at worst, never a mix.
  Status st = file_->Append(scratch_);
  if (st.ok() && sync_each_chunk_) st = file_->Sync();
  if (!st.ok()) return Rewind(st);
  chain_ = chain;
  if (info.kind == ChunkKind::kFooter) {
    footer_offset_ = offset_;
  } else {
    index_.push_back(IndexEntry{offset_, static_cast<uint8_t>(info.kind), info.records,
                                info.first_ns, info.last_ns});
  }
  offset_ += scratch_.size();
  ++sequence_;
  return Status::Ok();
}

Status ChunkWriter::Finish() {
  AMBER_CHECK(footer_offset_ != 0);
  uint8_t t[kTrailerSize] = {};
  PutFixed64(t + kOffTrailerFooterOffset, footer_offset_);
  std::memcpy(t + kOffTrailerDigest, chain_.value().data(), kDigestSize);
  PutFixed32(t + kOffTrailerChunkCount, sequence_);
  PutFixed32(t + kOffTrailerCrc, Crc32(std::span<const uint8_t>(t, kOffTrailerCrc)));
  std::memcpy(t + kOffTrailerMagic, kTrailerMagic, sizeof kTrailerMagic);
  Status st = file_->Append(t);
  if (!st.ok()) return Rewind(st);
  offset_ += kTrailerSize;
  AMBER_RETURN_IF_ERROR(file_->Sync());
  return file_->Close();
}

Status ChunkWriter::Rewind(Status failure) {
  // Cut a torn chunk away so the file ends on a chunk boundary and reads back as "truncated".
  // On a full disk this frees the space the torn chunk took, which often lets a footer fit.
  Status st = file_->Truncate(offset_);
  if (!st.ok()) return failure.Annotate("(and the torn chunk could not be cut: " + st.message() + ")");
  return failure;
}

Status ChunkWriter::Abandon() { return file_->Close(); }

}  // namespace amber::store
