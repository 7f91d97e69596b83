#include "record/proc_parse.h"

#include <limits>

namespace amber::record {
namespace {

// Splits on single spaces, as the kernel prints stat fields.
std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(" \t\n", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool ParseU32(std::string_view text, uint32_t* value) {
  uint64_t v = 0;
  if (!ParseDecimal(text, &v) || v > std::numeric_limits<uint32_t>::max()) return false;
  *value = static_cast<uint32_t>(v);
  return true;
}

bool ParseHex64(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *value = v;
  return true;
}

// The value part of a "Key:\tvalue" line of /proc/PID/status, or npos-empty when absent.
bool FindStatusLine(std::string_view text, std::string_view key, std::string_view* value) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key &&
        line[key.size()] == ':') {
      *value = line.substr(key.size() + 1);
      return true;
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace

bool ParseDecimal(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

Result<ProcStat> ParseProcStat(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Status::Corruption("parse stat: no (comm)");
  }
  ProcStat stat;
  std::string_view pid_text = text.substr(0, open);
  while (!pid_text.empty() && pid_text.back() == ' ') pid_text.remove_suffix(1);
  if (!ParseU32(pid_text, &stat.pid)) return Status::Corruption("parse stat: bad pid");
  stat.comm.assign(text.substr(open + 1, close - open - 1));
  // Fields after the comm start at field 3 (state).
  std::vector<std::string_view> f = Fields(text.substr(close + 1));
  constexpr size_t kFirst = 3;
  auto at = [&](size_t field) { return f[field - kFirst]; };
  if (f.size() < 22 - kFirst + 1) return Status::Corruption("parse stat: too few fields");
  if (at(3).size() != 1) return Status::Corruption("parse stat: bad state");
  stat.state = at(3)[0];
  if (!ParseU32(at(4), &stat.ppid)) return Status::Corruption("parse stat: bad ppid");
  if (!ParseU32(at(9), &stat.flags)) return Status::Corruption("parse stat: bad flags");
  if (!ParseDecimal(at(22), &stat.start_ticks)) {
    return Status::Corruption("parse stat: bad starttime");
  }
  return stat;
}

Result<ProcStatus> ParseProcStatus(std::string_view text) {
  ProcStatus status;
  std::string_view value;
  if (!FindStatusLine(text, "Uid", &value)) return Status::Corruption("parse status: no Uid");
  std::vector<std::string_view> uids = Fields(value);
  if (uids.size() < 2 || !ParseU32(uids[0], &status.uid) || !ParseU32(uids[1], &status.euid)) {
    return Status::Corruption("parse status: bad Uid");
  }
  if (!FindStatusLine(text, "Gid", &value)) return Status::Corruption("parse status: no Gid");
  std::vector<std::string_view> gids = Fields(value);
  if (gids.size() < 2 || !ParseU32(gids[0], &status.gid) || !ParseU32(gids[1], &status.egid)) {
    return Status::Corruption("parse status: bad Gid");
  }
  if (!FindStatusLine(text, "CapEff", &value)) return Status::Corruption("parse status: no CapEff");
  std::vector<std::string_view> cap = Fields(value);
  if (cap.size() != 1 || !ParseHex64(cap[0], &status.cap_effective)) {
    return Status::Corruption("parse status: bad CapEff");
  }
  return status;
}

std::vector<std::string> SplitCmdline(std::string_view bytes) {
  std::vector<std::string> argv;
  if (bytes.empty()) return argv;
  if (bytes.back() == '\0') bytes.remove_suffix(1);
  size_t start = 0;
  while (true) {
    size_t end = bytes.find('\0', start);
    if (end == std::string_view::npos) {
      argv.emplace_back(bytes.substr(start));
      break;
    }
    argv.emplace_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

}  // namespace amber::record
