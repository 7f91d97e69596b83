#include "store/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace amber::store {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::span<const uint8_t> data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "write " + path_);
      }
      data = data.subspan(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return Status::FromErrno(errno, "truncate " + path_);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Status::FromErrno(errno, "sync " + path_);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Status::FromErrno(errno, "close " + path_);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "read " + path_);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::FromErrno(errno, "stat " + path_);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  std::string path_;
  int fd_;
};

class MemWritableFile final : public WritableFile {
 public:
  explicit MemWritableFile(std::shared_ptr<std::vector<uint8_t>> bytes) : bytes_(std::move(bytes)) {}
  Status Append(std::span<const uint8_t> data) override {
    bytes_->insert(bytes_->end(), data.begin(), data.end());
    return Status::Ok();
  }
  Status Truncate(uint64_t size) override {
    if (size < bytes_->size()) bytes_->resize(size);
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }

 private:
  std::shared_ptr<std::vector<uint8_t>> bytes_;
};

class MemReadableFile final : public ReadableFile {
 public:
  explicit MemReadableFile(std::shared_ptr<std::vector<uint8_t>> bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= bytes_->size()) return size_t{0};
    size_t n = std::min<uint64_t>(out.size(), bytes_->size() - offset);
    std::memcpy(out.data(), bytes_->data() + offset, n);
    return n;
  }
  Result<uint64_t> Size() const override { return static_cast<uint64_t>(bytes_->size()); }

 private:
  std::shared_ptr<std::vector<uint8_t>> bytes_;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> PosixEnv::NewWritableFile(const std::string& path,
                                                                bool overwrite) {
  // O_APPEND: after Truncate() cuts a torn chunk away, the next write must land at the new end,
  // not at the old file offset (which would leave a hole of zeros before it).
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, 0640);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::AlreadyExists("create " + path + ": file exists (refusing to overwrite)");
    }
    return Status::FromErrno(errno, "create " + path);
  }
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
}

Result<std::unique_ptr<ReadableFile>> PosixEnv::NewReadableFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  struct stat st;
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("open " + path + ": not a regular file");
  }
  return std::unique_ptr<ReadableFile>(new PosixReadableFile(path, fd));
}

Status PosixEnv::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "remove " + path);
  return Status::Ok();
}

bool PosixEnv::FileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

Result<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(const std::string& path,
                                                              bool overwrite) {
  auto it = files_.find(path);
  if (it != files_.end() && !overwrite) {
    return Status::AlreadyExists("create " + path + ": file exists (refusing to overwrite)");
  }
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  files_[path] = bytes;
  return std::unique_ptr<WritableFile>(new MemWritableFile(bytes));
}

Result<std::unique_ptr<ReadableFile>> MemEnv::NewReadableFile(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("open " + path + ": No such file or directory");
  // A snapshot: later writes to the file are not seen, as tests expect of a finished file.
  auto copy = std::make_shared<std::vector<uint8_t>>(*it->second);
  return std::unique_ptr<ReadableFile>(new MemReadableFile(copy));
}

Status MemEnv::RemoveFile(const std::string& path) {
  if (files_.erase(path) == 0) return Status::NotFound("remove " + path + ": no such file");
  return Status::Ok();
}

bool MemEnv::FileExists(const std::string& path) { return files_.count(path) != 0; }

void MemEnv::SetContents(const std::string& path, std::vector<uint8_t> bytes) {
  files_[path] = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
}

std::vector<std::string> MemEnv::ListFiles() const {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files_) names.push_back(name);
  return names;
}

class FaultInjectingEnv::File final : public WritableFile {
 public:
  File(FaultInjectingEnv* env, std::unique_ptr<WritableFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Append(std::span<const uint8_t> data) override {
    uint64_t room = env_->budget_ > env_->written_ ? env_->budget_ - env_->written_ : 0;
    if (data.size() <= room) {
      env_->written_ += data.size();
      size_ += data.size();
      return base_->Append(data);
    }
    // A short write, as a filling disk gives: the prefix lands, then the error.
    Status st = base_->Append(data.first(room));
    env_->written_ += room;
    size_ += room;
    if (!st.ok()) return st;
    return Status::FromErrno(env_->write_errno_, "write (injected)");
  }
  Status Truncate(uint64_t size) override {
    // Space comes back as a real file system gives it back.
    if (size < size_) {
      env_->written_ -= std::min(env_->written_, size_ - size);
      size_ = size;
    }
    return base_->Truncate(size);
  }
  Status Sync() override {
    if (env_->sync_errno_ != 0) return Status::FromErrno(env_->sync_errno_, "sync (injected)");
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectingEnv* env_;
  std::unique_ptr<WritableFile> base_;
  uint64_t size_ = 0;  // bytes this file holds
};

void FaultInjectingEnv::FailWritesAfter(uint64_t bytes, int err) {
  budget_ = bytes;
  write_errno_ = err;
}

Result<std::unique_ptr<WritableFile>> FaultInjectingEnv::NewWritableFile(const std::string& path,
                                                                         bool overwrite) {
  auto base = base_->NewWritableFile(path, overwrite);
  if (!base.ok()) return base.status();
  return std::unique_ptr<WritableFile>(new File(this, std::move(base).value()));
}

Result<std::vector<uint8_t>> ReadWholeFile(Env* env, const std::string& path) {
  auto file = env->NewReadableFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  std::vector<uint8_t> bytes(*size);
  auto n = (*file)->ReadAt(0, bytes);
  if (!n.ok()) return n.status();
  bytes.resize(*n);
  return bytes;
}

}  // namespace amber::store
