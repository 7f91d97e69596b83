#include "record/container_id.h"

#include <vector>

namespace amber::record {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "<prefix><64hex><suffix>" -> the hex id.
std::optional<std::string_view> Wrapped(std::string_view c, std::string_view prefix,
                                        std::string_view suffix) {
  if (!StartsWith(c, prefix) || !EndsWith(c, suffix)) return std::nullopt;
  if (c.size() < prefix.size() + suffix.size()) return std::nullopt;
  std::string_view id = c.substr(prefix.size(), c.size() - prefix.size() - suffix.size());
  if (!IsHexId(id)) return std::nullopt;
  return id;
}

bool IsPodUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64) return false;
  for (char ch : uid) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-' || ch == '_')) {
      return false;
    }
  }
  return true;
}

// "pod<uid>" (cgroupfs) or "kubepods[-<qos>]-pod<uid_>.slice" (systemd).
std::string PodUid(std::string_view c) {
  c = c.substr(0, c.find(':'));  // "<pod slice>:cri-containerd:<id>"
  std::string_view uid;
  if (StartsWith(c, "pod")) {
    uid = c.substr(3);
  } else if (StartsWith(c, "kubepods-") && EndsWith(c, ".slice")) {
    std::string_view inner = c.substr(0, c.size() - 6);
    size_t pos = inner.rfind("-pod");
    if (pos == std::string_view::npos) return "";
    uid = inner.substr(pos + 4);
  } else {
    return "";
  }
  if (!IsPodUid(uid)) return "";
  std::string out(uid);
  for (char& ch : out) {
    if (ch == '_') ch = '-';
  }
  return out;
}

// One component that names a container by itself (systemd scopes and the like).
std::optional<CgroupContainerMatch> MatchComponent(std::string_view c) {
  struct Shape {
    std::string_view prefix, suffix, runtime;
  };
  static constexpr Shape kShapes[] = {
      {"docker-", ".scope", "docker"},      {"cri-containerd-", ".scope", "containerd"},
      {"crio-", ".scope", "cri-o"},         {"libpod-", ".scope", "podman"},
      {"libpod-", "", "podman"},
  };
  for (const Shape& shape : kShapes) {
    if (auto id = Wrapped(c, shape.prefix, shape.suffix)) {
      return CgroupContainerMatch{std::string(shape.runtime), std::string(*id), "", ""};
    }
  }
  // "<parent slice>:<prefix>:<id>": a systemd-style cgroupsPath used by a cgroupfs driver.
  static constexpr Shape kColon[] = {
      {":cri-containerd:", "", "containerd"}, {":docker:", "", "docker"},
      {":crio:", "", "cri-o"},                {":libpod:", "", "podman"},
  };
  for (const Shape& shape : kColon) {
    size_t pos = c.find(shape.prefix);
    if (pos == std::string_view::npos) continue;
    std::string_view id = c.substr(pos + shape.prefix.size());
    if (IsHexId(id)) return CgroupContainerMatch{std::string(shape.runtime), std::string(id), "", ""};
  }
  if (StartsWith(c, "runc-") && EndsWith(c, ".scope") && c.size() > 11) {
    std::string_view name = c.substr(5, c.size() - 11);
    if (IsSafeContainerName(name)) {
      return CgroupContainerMatch{"runc", std::string(name), "", ""};
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsHexId(std::string_view text) {
  if (text.size() != 64) return false;
  for (char ch : text) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

bool IsSafeContainerName(std::string_view name) {
  if (name.empty() || name.size() > 1024 || name == "." || name == "..") return false;
  for (char ch : name) {
    bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              ch == '_' || ch == '+' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<CgroupContainerMatch> MatchContainerCgroup(std::string_view path) {
  if (path.empty() || path.size() > kMaxCgroupPathBytes || path[0] != '/') return std::nullopt;
  if (path.find('\0') != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> parts = Components(path);
  for (std::string_view part : parts) {
    if (part == "." || part == "..") return std::nullopt;  // never kernel-written
  }
  std::string pod_uid;
  for (std::string_view part : parts) {
    std::string uid = PodUid(part);
    if (!uid.empty()) pod_uid = std::move(uid);
  }
  for (size_t i = parts.size(); i-- > 0;) {
    std::string_view part = parts[i];
    if (part.find("-conmon-") != std::string_view::npos) return std::nullopt;  // runtime monitor
    if (auto match = MatchComponent(part)) {
      match->pod_uid = pod_uid;
      return match;
    }
    if (!IsHexId(part)) continue;
    CgroupContainerMatch match{"", std::string(part), pod_uid, ""};
    if (i > 0 && parts[i - 1] == "docker") {
      match.runtime = "docker";
    } else if (i == 1 && pod_uid.empty() && parts[0] != "ecs" && parts[0] != "kubepods") {
      // containerd's cgroupfs default: /<namespace>/<id> (moby is docker's namespace).
      match.runtime = parts[0] == "moby" ? "docker" : "containerd";
      match.containerd_namespace = std::string(parts[0]);
    }
    return match;
  }
  return std::nullopt;
}

}  // namespace amber::record
