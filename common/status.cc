#include "common/status.h"

#include <cerrno>
#include <cstring>

namespace amber {

Status Status::FromErrno(int err, const std::string& context) {
  std::string message = context + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return NotFound(std::move(message));
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ResourceExhausted(std::move(message));
    case EACCES:
    case EPERM:
      return PermissionDenied(std::move(message));
    case EEXIST:
      return AlreadyExists(std::move(message));
    default:
      return IOError(std::move(message));
  }
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kNotFound:
      return 66;  // EX_NOINPUT
    case StatusCode::kInvalidArgument:
      return 2;   // usage
    case StatusCode::kCorruption:
      return 65;  // EX_DATAERR
    case StatusCode::kIOError:
    case StatusCode::kResourceExhausted:
      return 74;  // EX_IOERR
    case StatusCode::kNotSupported:
      return 69;  // EX_UNAVAILABLE
    case StatusCode::kPermissionDenied:
      return 77;  // EX_NOPERM
    case StatusCode::kAlreadyExists:
      return 73;  // EX_CANTCREAT
    case StatusCode::kInternal:
      return 70;  // EX_SOFTWARE
  }
  return 70;
}

}  // namespace amber
