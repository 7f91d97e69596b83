#include "record/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>

#include "record/proc_files.h"

namespace amber::record {

FileStamp StampOf(const std::string& path) {
  struct stat st {};
  FileStamp stamp;
  if (stat(path.c_str(), &st) != 0) return stamp;
  stamp.exists = true;
  stamp.inode = static_cast<uint64_t>(st.st_ino);
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return stamp;
}

Result<std::string> ReadStateFile(const std::string& path, size_t max_bytes) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) return Status::FromErrno(errno, "open " + path);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Status::FromErrno(errno, "stat " + path);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("read " + path + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return Status::ResourceExhausted("read " + path + ": larger than " +
                                     std::to_string(max_bytes) + " bytes");
  }
  std::string text(max_bytes + 1, '\0');
  size_t used = 0;
  while (used < text.size()) {
    ssize_t n = read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "read " + path);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) {  // grew between fstat and read
    return Status::ResourceExhausted("read " + path + ": larger than " +
                                     std::to_string(max_bytes) + " bytes");
  }
  text.resize(used);
  return text;
}

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& what) {
  // Nesting outside strings, checked before the parser builds anything.
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return Status::Corruption("parse " + what + ": nested too deep");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return Status::Corruption("parse " + what + ": invalid JSON");
    return value;
  } catch (const std::exception& e) {
    return Status::Corruption("parse " + what + ": " + e.what());
  }
}

Result<nlohmann::json> ReadJsonFile(const std::string& path, size_t max_bytes) {
  Result<std::string> text = ReadStateFile(path, max_bytes);
  if (!text.ok()) return text.status();
  return ParseJson(*text, path);
}

const nlohmann::json* Member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringAt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Member(object, key);
  return v != nullptr && v->is_string() ? v->get_ref<const std::string&>() : std::string();
}

std::optional<uint64_t> UintAt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Member(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer() && v->get<int64_t>() >= 0) {
    return static_cast<uint64_t>(v->get<int64_t>());
  }
  return std::nullopt;
}

bool BoolAt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Member(object, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

store::KeyValues StringMapAt(const nlohmann::json& object, std::string_view key) {
  store::KeyValues out;
  const nlohmann::json* v = Member(object, key);
  if (v == nullptr || !v->is_object()) return out;
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (it.value().is_string()) out.emplace_back(it.key(), it.value().get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> StringListAt(const nlohmann::json& object, std::string_view key) {
  std::vector<std::string> out;
  const nlohmann::json* v = Member(object, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const nlohmann::json& e : *v) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace amber::record
