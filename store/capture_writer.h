// CaptureWriter: writes a recording as one or more .amber files (docs/capture-format.md).
//
// Records are buffered into the current chunk of their kind; a chunk is framed, compressed,
// hashed into the chain and appended when it reaches its size, when Tick() finds the flush
// interval elapsed, or on Flush()/Close(). Every appended chunk is complete on disk, so a process
// killed at any instant leaves a file whose appended chunks all read back (verdict "truncated").
// Rotation by size or age starts a new file that stands on its own and names its predecessor's
// final digest; the oldest files beyond max_files are removed.
//
// Errors are sticky: after a failed write the writer refuses further records and says why;
// Close() still tries to leave the file valid up to the last complete chunk.
// Single-threaded. The Env must outlive the writer.
#ifndef AMBER_STORE_CAPTURE_WRITER_H_
#define AMBER_STORE_CAPTURE_WRITER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/body_codec.h"
#include "store/chunk_writer.h"
#include "store/file.h"
#include "store/records.h"

namespace amber::store {

struct WriterOptions {
  size_t chunk_bytes = 1u << 20;            // flush an events chunk at about this many raw bytes
  uint64_t flush_interval_ns = 1'000'000'000;  // and at least this often (checked by Tick)
  bool sync_each_chunk = false;             // fdatasync after every chunk (power-loss safety)
  bool overwrite = false;                   // replace an existing file instead of refusing
  uint64_t rotate_bytes = 0;                // start a new file past this size; 0 = never
  uint64_t rotate_interval_ns = 0;          // start a new file after this long; 0 = never
  uint32_t max_files = 0;                   // keep at most this many files; 0 = all
  // Boot-time clock, injectable for tests. Default: CLOCK_BOOTTIME.
  std::function<uint64_t()> now_ns;
  // Called after each rotated file is opened, so the recorder can write into it what a file
  // read on its own needs (a fresh process snapshot, the containers alive).
  std::function<void(class CaptureWriter&)> on_new_file;
};

struct WriterStats {
  uint64_t events = 0;        // events appended in all files
  uint64_t records = 0;       // records of every kind appended
  uint64_t chunks = 0;        // chunks written in all files
  uint64_t raw_bytes = 0;     // bytes of chunk bodies before compression
  uint64_t stored_bytes = 0;  // bytes written to files, framing included
  uint32_t files = 0;         // files started
};

class CaptureWriter {
 public:
  // Starts the recording at `path`. With rotation on, files are named <stem>.<NNNNNN>.amber
  // beside path; otherwise path itself is the file. `header` needs host, recorder and clock;
  // ids, file index and previous digest are filled in here.
  static Result<std::unique_ptr<CaptureWriter>> Create(Env* env, const std::string& path,
                                                       CaptureHeader header,
                                                       WriterOptions options);
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  Status AppendEvent(const Event& event);
  Status AppendProcess(const ProcessRecord& process);
  Status AppendContainer(const ContainerRecord& container);
  Status AppendLoss(const LossRecord& loss);
  Status AppendStats(const RecorderStats& stats);

  // Flushes chunks whose interval has elapsed and rotates when due. Call at least every second.
  Status Tick();
  // Writes every pending chunk now.
  Status Flush();
  // Flushes, writes the footer and trailer, closes. The writer accepts nothing afterwards.
  Status Close(const std::string& stop_reason);

  const WriterStats& stats() const { return stats_; }
  // Paths of the files written, oldest first (removed ones excluded).
  const std::deque<std::string>& files() const { return files_; }
  // The chain digest after the last chunk written to the current file.
  std::string current_digest() const;

 private:
  CaptureWriter(Env* env, std::string path, CaptureHeader header, WriterOptions options);
  struct Pending;
  Status OpenNextFile();
  Status Admit();
  Status AfterAppend(Pending& pending, uint64_t time_ns);
  Status FlushPending(Pending& pending);
  Status FlushAll();
  Status WriteChunk(const ChunkInfo& info, const std::string& body);
  Status FinishFile(const std::string& stop_reason);
  Status MaybeRotate(uint64_t now);
  std::string FilePath(uint32_t index) const;

  Env* env_;
  std::string path_;
  CaptureHeader header_;
  WriterOptions options_;
  std::unique_ptr<ChunkWriter> chunks_;  // the current file
  std::vector<std::unique_ptr<Pending>> pending_;  // one per buffered kind, in flush order
  std::deque<std::string> files_;
  WriterStats stats_;
  uint64_t file_started_ns_ = 0;
  uint64_t file_events_ = 0;
  uint64_t file_lost_ = 0;
  Status error_;
  bool closed_ = false;
};

}  // namespace amber::store

#endif  // AMBER_STORE_CAPTURE_WRITER_H_
