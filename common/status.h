// Status and Result<T>: expected failures as values (STYLE.md, "Errors").
//
// Codes are chosen by what the caller does next, and map onto sysexits.h exit codes at the CLI
// (ExitCodeFor). Messages read "<what we were doing> <object>: <reason>". Both types are values;
// they are [[nodiscard]] so a dropped error is a compile warning.
#ifndef AMBER_COMMON_STATUS_H_
#define AMBER_COMMON_STATUS_H_

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace amber {

enum class StatusCode {
  kOk = 0,
  kNotFound,           // a named input does not exist
  kInvalidArgument,    // the caller asked for something malformed
  kCorruption,         // input bytes are damaged or hostile
  kIOError,            // the operating system failed a read or write
  kNotSupported,       // a newer format, or a feature this kernel or build lacks
  kPermissionDenied,   // privilege is missing
  kResourceExhausted,  // disk full, a limit reached
  kAlreadyExists,      // refusing to overwrite or duplicate
  kInternal,           // a bug
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status Corruption(std::string m) { return Status(StatusCode::kCorruption, std::move(m)); }
  static Status IOError(std::string m) { return Status(StatusCode::kIOError, std::move(m)); }
  static Status NotSupported(std::string m) {
    return Status(StatusCode::kNotSupported, std::move(m));
  }
  static Status PermissionDenied(std::string m) {
    return Status(StatusCode::kPermissionDenied, std::move(m));
  }
  static Status ResourceExhausted(std::string m) {
    return Status(StatusCode::kResourceExhausted, std::move(m));
  }
  static Status AlreadyExists(std::string m) {
    return Status(StatusCode::kAlreadyExists, std::move(m));
  }
  static Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
  // An IOError or ResourceExhausted (ENOSPC, EDQUOT) from errno, as "<context>: <strerror>".
  static Status FromErrno(int err, const std::string& context);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<message>" or "ok".
  std::string ToString() const { return ok() ? "ok" : message_; }
  // The same status with "<context>: " in front of its message.
  Status Annotate(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains its absence.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Internal("Result built from an ok Status");
  }
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

// sysexits.h codes for the CLIs (STYLE.md): 65 corrupt input, 66 missing input, 74 I/O error,
// 77 missing privilege, 70 internal error, 2 usage.
int ExitCodeFor(const Status& status);

}  // namespace amber

// Bugs fail fast; never use this for input validation.
#define AMBER_CHECK(cond)                                                           \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

#define AMBER_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::amber::Status amber_status_ = (expr); \
    if (!amber_status_.ok()) return amber_status_; \
  } while (0)

#endif  // AMBER_COMMON_STATUS_H_
