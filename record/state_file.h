// Reading container runtimes' state files: bounded, regular files only, JSON parsed without
// letting an exception escape.
//
// Runtime state (runc's state.json, OCI config.json, docker's config.v2.json) is hostile input:
// a container's owner chooses its bundle, and a bundle's config.json may be huge, deeply nested,
// a FIFO or a symlink to /dev/zero. Reader limits:
//   - only regular files, opened O_NOFOLLOW|O_NONBLOCK, at most max_bytes (callers pass 1 to 4 MiB);
//   - JSON nesting at most kMaxJsonDepth (64; real state files nest under 10), checked before
//     parsing so nothing deep is ever built.
// This is the one file of record/ that calls nlohmann::json's parser; the accessors below never
// throw (they check types first), so callers need no try/catch. Free functions, no state.
#ifndef AMBER_RECORD_STATE_FILE_H_
#define AMBER_RECORD_STATE_FILE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "store/records.h"

namespace amber::record {

inline constexpr size_t kMaxJsonDepth = 64;

// What changes when a file is rewritten: runtimes replace state files by rename, which changes
// the inode even when mtime granularity hides the write.
struct FileStamp {
  bool exists = false;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
FileStamp StampOf(const std::string& path);

// The whole file, NotFound when absent, ResourceExhausted past max_bytes, InvalidArgument when
// it is not a regular file.
Result<std::string> ReadStateFile(const std::string& path, size_t max_bytes);

// Parses `text`; Corruption (naming `what`) for invalid JSON or nesting past kMaxJsonDepth.
Result<nlohmann::json> ParseJson(std::string_view text, const std::string& what);

// ReadStateFile + ParseJson.
Result<nlohmann::json> ReadJsonFile(const std::string& path, size_t max_bytes);

// Type-checked accessors: a missing member or one of the wrong type gives the empty answer.
const nlohmann::json* Member(const nlohmann::json& object, std::string_view key);
std::string StringAt(const nlohmann::json& object, std::string_view key);
std::optional<uint64_t> UintAt(const nlohmann::json& object, std::string_view key);
bool BoolAt(const nlohmann::json& object, std::string_view key);
// An object of strings as sorted key/value pairs; members that are not strings are skipped.
store::KeyValues StringMapAt(const nlohmann::json& object, std::string_view key);
// An array of strings; elements that are not strings are skipped.
std::vector<std::string> StringListAt(const nlohmann::json& object, std::string_view key);

}  // namespace amber::record

#endif  // AMBER_RECORD_STATE_FILE_H_
