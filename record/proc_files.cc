#include "record/proc_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace amber::record {
namespace {

// A task that exits while we read it shows up as ENOENT (lookup under the pinned directory) or
// ESRCH (read of an already open file); both become NotFound so callers test one code.
Status ErrnoStatus(int err, const std::string& context) {
  if (err == ESRCH) return Status::NotFound(context + ": no such process");
  return Status::FromErrno(err, context);
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<BoundedRead> ReadFileAt(int dir_fd, const char* name, size_t max_bytes) {
  Fd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(errno, std::string("open ") + name);
  BoundedRead out;
  // One byte more than allowed tells a file of exactly max_bytes from a longer one.
  out.bytes.resize(max_bytes + 1);
  size_t used = 0;
  while (used < out.bytes.size()) {
    ssize_t n = ::read(fd.get(), out.bytes.data() + used, out.bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, std::string("read ") + name);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) {
    out.truncated = true;
    used = max_bytes;
  }
  out.bytes.resize(used);
  return out;
}

Result<BoundedRead> ReadLinkAt(int dir_fd, const char* name, size_t max_bytes) {
  BoundedRead out;
  out.bytes.resize(max_bytes);
  ssize_t n = ::readlinkat(dir_fd, name, out.bytes.data(), out.bytes.size());
  if (n < 0) return ErrnoStatus(errno, std::string("readlink ") + name);
  // readlink() silently truncates; a result that fills the buffer may have been cut.
  out.truncated = static_cast<size_t>(n) >= max_bytes;
  out.bytes.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace amber::record
