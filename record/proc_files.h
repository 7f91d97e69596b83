// Bounded, race-aware reads of /proc files relative to a pinned /proc/<pid> directory.
//
// The /proc snapshot (record/proc_snapshot.cc) opens /proc/<pid> once as a directory and reads
// every file relative to that descriptor, so a pid that is reused mid-read cannot mix two
// processes: once the task exits, lookups under the pinned directory fail with ENOENT or ESRCH.
// Free functions, no state; safe from any thread.
#ifndef AMBER_RECORD_PROC_FILES_H_
#define AMBER_RECORD_PROC_FILES_H_

#include <cstddef>
#include <string>

#include "common/status.h"

namespace amber::record {

struct BoundedRead {
  std::string bytes;
  bool truncated = false;  // the file held more than max_bytes
};

// Reads at most max_bytes of `name` under the directory `dir_fd`. A missing file or a vanished
// process (ENOENT, ESRCH) is NotFound; permission problems are PermissionDenied; the rest IOError.
Result<BoundedRead> ReadFileAt(int dir_fd, const char* name, size_t max_bytes);

// readlinkat() into a buffer of max_bytes (PATH_MAX for /proc paths); truncated is set when the
// target was at least that long.
Result<BoundedRead> ReadLinkAt(int dir_fd, const char* name, size_t max_bytes);

// RAII owner of a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace amber::record

#endif  // AMBER_RECORD_PROC_FILES_H_
