#include "record/cgroup_path.h"

#include "record/proc_parse.h"

namespace amber::record {
namespace {

constexpr std::string_view kDeletedSuffix = " (deleted)";

std::vector<std::string> SplitControllers(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) out.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsRoot(const std::string& path) { return path.empty() || path == "/"; }

}  // namespace

std::vector<CgroupLine> ParseProcCgroup(std::string_view text) {
  std::vector<CgroupLine> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    uint64_t id = 0;
    if (!ParseDecimal(line.substr(0, c1), &id) || id > 0xffffffffu) continue;
    CgroupLine parsed;
    parsed.hierarchy_id = static_cast<uint32_t>(id);
    parsed.controllers = SplitControllers(line.substr(c1 + 1, c2 - c1 - 1));
    std::string_view path = line.substr(c2 + 1);
    if (path.empty() || path[0] != '/') continue;
    // The kernel marks a v2 cgroup that was removed while the task still sits in it.
    if (parsed.v2() && path.size() > kDeletedSuffix.size() &&
        path.substr(path.size() - kDeletedSuffix.size()) == kDeletedSuffix) {
      path.remove_suffix(kDeletedSuffix.size());
    }
    parsed.path.assign(path);
    lines.push_back(std::move(parsed));
  }
  return lines;
}

std::string ContainerCgroupPath(const std::vector<CgroupLine>& lines) {
  if (lines.empty()) return "";
  for (std::string_view wanted : kPreferredControllers) {
    for (const CgroupLine& line : lines) {
      if (line.v2() || IsRoot(line.path)) continue;
      for (const std::string& controller : line.controllers) {
        if (controller == wanted) return line.path;
      }
    }
  }
  std::string unified = UnifiedCgroupPath(lines);
  return unified.empty() ? "/" : unified;
}

std::string UnifiedCgroupPath(const std::vector<CgroupLine>& lines) {
  for (const CgroupLine& line : lines) {
    if (line.v2()) return line.path;
  }
  return "";
}

}  // namespace amber::record
