// ChunkWriter: appends framed chunks to one capture file (docs/capture-format.md, "Chunks").
//
// It writes the preamble on Open, then for each chunk: compresses the body, computes the CRCs and
// the chain digest, and appends header and payload with a single Append. It keeps the index of
// what it wrote for the footer. It knows nothing of what the bodies mean. Single-threaded.
#ifndef AMBER_STORE_CHUNK_WRITER_H_
#define AMBER_STORE_CHUNK_WRITER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/file.h"
#include "store/format.h"
#include "store/hash.h"
#include "store/records.h"

namespace amber::store {

struct ChunkInfo {
  ChunkKind kind = ChunkKind::kEvents;
  uint32_t records = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
};

class ChunkWriter {
 public:
  static Result<std::unique_ptr<ChunkWriter>> Open(std::unique_ptr<WritableFile> file,
                                                   bool sync_each_chunk);

  // Appends one chunk whose body is `raw` (compressed here unless compression does not help).
  // On failure the file is cut back to the end of the previous chunk and the writer's state is
  // unchanged, so another chunk (a footer) may still be tried.
  Status Append(const ChunkInfo& info, std::span<const uint8_t> raw);
  // Appends the trailer after the footer chunk (which must be the last Append) and closes.
  Status Finish();
  // Closes without a trailer: what a crash would leave, used when a write already failed.
  Status Abandon();

  uint64_t offset() const { return offset_; }
  uint32_t chunk_count() const { return sequence_; }
  const Digest& digest() const { return chain_.value(); }
  const std::vector<IndexEntry>& index() const { return index_; }
  uint64_t stored_bytes() const { return offset_; }

 private:
  ChunkWriter(std::unique_ptr<WritableFile> file, bool sync_each_chunk);
  Status Rewind(Status failure);

  std::unique_ptr<WritableFile> file_;
  bool sync_each_chunk_;
  HashChain chain_;
  uint64_t offset_ = 0;
  uint32_t sequence_ = 0;
  uint64_t footer_offset_ = 0;
  std::vector<IndexEntry> index_;
  std::vector<uint8_t> scratch_;  // header + compressed payload of the chunk being written
};

}  // namespace amber::store

#endif  // AMBER_STORE_CHUNK_WRITER_H_
