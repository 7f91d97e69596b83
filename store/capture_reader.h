// CaptureReader: the records of one capture file, chunk by chunk, decoded into store/records.h
// values. The one entry point amber-replay uses to read captures.
//
// Open() reads the header chunk; Next() yields every following chunk, the footer included.
// Memory is bounded by one chunk whatever the file size. Problems (see ChunkReader) end reading
// in strict mode; in salvage mode corrupt chunks are skipped and listed. A torn tail is the end of
// the file, with a warning in problems(). Single-threaded; owns its file.
#ifndef AMBER_STORE_CAPTURE_READER_H_
#define AMBER_STORE_CAPTURE_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/body_codec.h"
#include "store/chunk_reader.h"
#include "store/file.h"
#include "store/records.h"

namespace amber::store {

struct ReaderOptions {
  bool salvage = false;  // skip corrupt chunks instead of stopping at the first
};

struct Chunk {
  ChunkKind kind = ChunkKind::kEvents;
  uint64_t offset = 0;
  uint32_t sequence = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  uint32_t stored_size = 0;
  uint32_t raw_size = 0;
  ChunkBody body;
};

class CaptureReader {
 public:
  // NotFound for a missing file; Corruption when no valid header chunk can be read.
  static Result<std::unique_ptr<CaptureReader>> Open(Env* env, const std::string& path,
                                                     ReaderOptions options = {});

  const CaptureHeader& header() const { return header_; }
  const std::string& path() const { return path_; }

  // The next chunk after the header; false at the end or at a problem that stops reading.
  // Reusing one Chunk across calls reuses its memory.
  bool Next(Chunk* chunk);

  // Valid once Next() has returned false.
  Verdict verdict() const { return chunks_->verdict(); }
  const std::vector<Problem>& problems() const { return chunks_->problems(); }
  const std::optional<Footer>& footer() const { return footer_; }
  const Digest& digest() const { return chunks_->digest(); }
  uint64_t file_size() const { return chunks_->file_size(); }

 private:
  CaptureReader(std::string path, std::unique_ptr<ChunkReader> chunks, bool salvage)
      : path_(std::move(path)), chunks_(std::move(chunks)), salvage_(salvage) {}

  std::string path_;
  std::unique_ptr<ChunkReader> chunks_;
  bool salvage_;
  std::vector<IndexEntry> seen_;  // chunks read so far, to check the footer's index against
  RawChunk raw_;                  // reused chunk after chunk: its buffer is the decompression target
  CaptureHeader header_;
  std::optional<Footer> footer_;
};

// Verify reads a whole capture, decoding every chunk, and gives one verdict.
struct VerifyReport {
  Verdict verdict = Verdict::kIntact;
  std::optional<Problem> first_problem;  // absent when intact
  Digest digest{};                       // chain digest after the last good chunk
  uint32_t chunks = 0;                   // good chunks, header and footer included
  uint64_t events = 0;
  uint64_t records = 0;                  // records of every kind
  bool has_footer = false;
  std::string stop_reason;               // the footer's ("rotation", "signal SIGINT"...), if any
  std::optional<CaptureHeader> header;   // when the header chunk could be read
};
// NotFound for a missing file; otherwise a report, whatever the bytes are.
Result<VerifyReport> VerifyCapture(Env* env, const std::string& path);

}  // namespace amber::store

#endif  // AMBER_STORE_CAPTURE_READER_H_
