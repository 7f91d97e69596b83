// ChunkReader: reads the framed chunks of one capture file in order, checking everything
// (docs/capture-format.md, "Reading and verdicts").
//
// The file is hostile. Each chunk's header CRC is checked before its sizes are believed, sizes
// are held to the limits of store/format.h, the payload CRC and the chain digest are checked,
// then the payload is decompressed into a buffer of the declared size and no more. A problem is
// classified: a cut (truncated), damage the CRCs catch (corrupt), or bytes consistent with their
// CRCs that break the hash chain (tampered). In strict mode reading stops at the first problem;
// in salvage mode a corrupt chunk is skipped by scanning for the next valid chunk header.
// Memory is bounded by one chunk. Single-threaded.
#ifndef AMBER_STORE_CHUNK_READER_H_
#define AMBER_STORE_CHUNK_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/file.h"
#include "store/format.h"
#include "store/hash.h"
#include "store/records.h"

namespace amber::store {

enum class Verdict { kIntact, kTruncated, kTampered, kCorrupt };
std::string_view VerdictName(Verdict verdict);

struct Problem {
  Verdict verdict = Verdict::kCorrupt;  // kTruncated, kTampered or kCorrupt
  uint64_t offset = 0;                  // file offset where it was found
  std::string message;                  // "chunk 17: hash mismatch"
};

struct RawChunk {
  uint64_t offset = 0;  // of the chunk header
  uint8_t kind = 0;     // a ChunkKind value (checked to be known)
  uint32_t records = 0;
  uint32_t sequence = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  uint32_t stored_size = 0;
  std::vector<uint8_t> body;  // decompressed payload
};

class ChunkReader {
 public:
  // Reads and checks the preamble. NotSupported for another major version; a file too short for
  // its preamble opens, and its first Next() reports truncation.
  static Result<std::unique_ptr<ChunkReader>> Open(std::unique_ptr<ReadableFile> file,
                                                   bool salvage);

  // The next chunk, or false at the end (see end_state()). Never throws.
  bool Next(RawChunk* chunk);

  // After Next() returned false.
  bool clean_end() const { return clean_end_; }          // footer and trailer verified
  const std::vector<Problem>& problems() const { return problems_; }
  // Intact, or the verdict of the first problem, or truncated when the file simply stops.
  Verdict verdict() const;
  const Digest& digest() const { return chain_.value(); }  // chain after the last good chunk
  uint64_t file_size() const { return file_size_; }
  uint32_t chunks_read() const { return sequence_; }
  uint64_t offset() const { return offset_; }

  // For the layer above: a problem found in a chunk's decoded content (it counts in verdict()).
  void AddProblem(Verdict verdict, uint64_t offset, std::string message) {
    Report(verdict, offset, std::move(message));
  }

 private:
  ChunkReader(std::unique_ptr<ReadableFile> file, bool salvage, uint64_t size);
  enum class Step { kChunk, kStop, kSkip };
  Step ReadOne(RawChunk* chunk);
  Step ReadTrailer();
  void Report(Verdict verdict, uint64_t offset, std::string message);
  bool Resync(uint64_t from);
  bool RestIsZero(uint64_t from) const;

  std::unique_ptr<ReadableFile> file_;
  bool salvage_;
  uint64_t file_size_;
  uint64_t offset_ = 0;
  uint32_t sequence_ = 0;  // chunks accepted so far, the next expected sequence number
  HashChain chain_;
  bool chain_broken_ = false;  // salvage skipped bytes: re-anchor on the next chunk's digest
  bool after_footer_ = false;
  uint64_t footer_offset_ = 0;
  bool clean_end_ = false;
  bool done_ = false;
  std::vector<Problem> problems_;
  std::vector<uint8_t> stored_;
};

}  // namespace amber::store

#endif  // AMBER_STORE_CHUNK_READER_H_
