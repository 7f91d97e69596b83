// The file layer under the capture writer and reader, so crash, full-disk and corruption tests are
// deterministic (in the manner of leveldb's Env and its fault-injection tests).
//
// Env opens files; PosixEnv is the real one, MemEnv keeps files in memory for tests. A WritableFile
// only appends; a ReadableFile reads at offsets. Files are owned by the unique_ptr that opened them.
// Neither is thread-safe; each file is used by one thread at a time.
#ifndef AMBER_STORE_FILE_H_
#define AMBER_STORE_FILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace amber::store {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of data or fails; a failure may leave a prefix of data written.
  virtual Status Append(std::span<const uint8_t> data) = 0;
  // Cuts the file back to `size` bytes (dropping a torn chunk after a failed write).
  virtual Status Truncate(uint64_t size) = 0;
  // Makes appended data durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to out.size() bytes at offset; returns how many were read (short only at end of file).
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // Creates path; AlreadyExists if it exists and !overwrite.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                bool overwrite) = 0;
  virtual Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool overwrite) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  Status RemoveFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
};

// Files in memory, for tests. The contents stay readable (Contents) after the writer is gone.
class MemEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool overwrite) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  Status RemoveFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;

  // The bytes of path (empty if absent); tests corrupt and truncate files through these.
  std::vector<uint8_t>& Contents(const std::string& path) { return *files_[path]; }
  void SetContents(const std::string& path, std::vector<uint8_t> bytes);
  std::vector<std::string> ListFiles() const;

 private:
  std::map<std::string, std::shared_ptr<std::vector<uint8_t>>> files_;
};

// Wraps another Env's writable files and fails them on demand: after a byte budget (the write
// that crosses it is cut short, as a full disk does), or on Sync. For the writer's failure tests.
class FaultInjectingEnv final : public Env {
 public:
  explicit FaultInjectingEnv(Env* base) : base_(base) {}
  // Writes beyond this many bytes in total (across files) fail with `err` (ENOSPC by default).
  void FailWritesAfter(uint64_t bytes, int err);
  void FailSync(int err) { sync_errno_ = err; }
  uint64_t bytes_written() const { return written_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool overwrite) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override {
    return base_->NewReadableFile(path);
  }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }

 private:
  class File;
  Env* base_;
  uint64_t budget_ = UINT64_MAX;
  int write_errno_ = 0;
  int sync_errno_ = 0;
  uint64_t written_ = 0;
};

// Reads a whole file into memory (tests and small files only).
Result<std::vector<uint8_t>> ReadWholeFile(Env* env, const std::string& path);

}  // namespace amber::store

#endif  // AMBER_STORE_FILE_H_
