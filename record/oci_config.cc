#include "record/oci_config.h"

#include <algorithm>
#include <string_view>

#include "record/container_id.h"
#include "record/state_file.h"

namespace amber::record {
namespace {

// capability.h numbering, 0 through CAP_AUDIT_READ (37).
constexpr std::string_view kClassicCaps[] = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",
};

bool Has(const std::vector<std::string>& caps, std::string_view cap) {
  return std::find(caps.begin(), caps.end(), cap) != caps.end();
}

std::string Lookup(const store::KeyValues& kv, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    for (const auto& [k, v] : kv) {
      if (k == key && !v.empty()) return v;
    }
  }
  return "";
}

void SetIfEmpty(std::string* field, std::string value) {
  if (field->empty()) *field = std::move(value);
}

// "sha256:<64hex>" or a bare 64-hex image id, normalised to the prefixed form.
std::string Digest(const std::string& value) {
  if (IsHexId(value)) return "sha256:" + value;
  if (value.size() == 71 && value.compare(0, 7, "sha256:") == 0 && IsHexId(value.substr(7))) {
    return value;
  }
  return "";
}

bool AllDevices(const nlohmann::json& resources) {
  const nlohmann::json* devices = Member(resources, "devices");
  if (devices == nullptr || !devices->is_array()) return false;
  // Rules apply in order; the last rule matching "all devices" decides.
  bool all = false;
  for (const nlohmann::json& rule : *devices) {
    if (!rule.is_object()) continue;
    std::string type = StringAt(rule, "type");
    bool any_type = type.empty() || type == "a";
    bool any_number = Member(rule, "major") == nullptr && Member(rule, "minor") == nullptr;
    std::string access = StringAt(rule, "access");
    bool any_access = access.empty() || (access.find('r') != std::string::npos &&
                                         access.find('w') != std::string::npos &&
                                         access.find('m') != std::string::npos);
    if (any_type && any_number) {
      bool allow = BoolAt(rule, "allow");
      if (allow && any_access) all = true;
      if (!allow) all = false;
    }
  }
  return all;
}

}  // namespace

Result<OciConfig> ParseOciConfig(const nlohmann::json& config) {
  if (!config.is_object()) return Status::Corruption("parse OCI config: not an object");
  OciConfig out;
  out.annotations = StringMapAt(config, "annotations");
  out.hostname = StringAt(config, "hostname");
  if (const nlohmann::json* process = Member(config, "process")) {
    out.args = StringListAt(*process, "args");
    if (const nlohmann::json* caps = Member(*process, "capabilities")) {
      out.capabilities = StringListAt(*caps, "effective");
    }
  }
  if (const nlohmann::json* mounts = Member(config, "mounts"); mounts && mounts->is_array()) {
    for (const nlohmann::json& m : *mounts) {
      if (!m.is_object()) continue;
      store::MountRecord mount;
      mount.source = StringAt(m, "source");
      mount.destination = StringAt(m, "destination");
      mount.type = StringAt(m, "type");
      mount.options = StringListAt(m, "options");
      out.mounts.push_back(std::move(mount));
    }
  }
  bool user_ns = false;
  if (const nlohmann::json* linux_section = Member(config, "linux")) {
    out.cgroups_path = StringAt(*linux_section, "cgroupsPath");
    if (const nlohmann::json* ns = Member(*linux_section, "namespaces"); ns && ns->is_array()) {
      for (const nlohmann::json& n : *ns) {
        if (!n.is_object()) continue;
        std::string type = StringAt(n, "type");
        if (type.empty()) continue;
        if (type == "user") user_ns = true;
        out.namespaces.emplace_back(type, StringAt(n, "path"));
      }
    }
    if (const nlohmann::json* resources = Member(*linux_section, "resources")) {
      out.all_devices_allowed = AllDevices(*resources);
    }
  }
  bool all_caps = std::all_of(std::begin(kClassicCaps), std::end(kClassicCaps),
                              [&](std::string_view cap) { return Has(out.capabilities, cap); });
  out.privileged = all_caps || out.all_devices_allowed ||
                   (!user_ns && Has(out.capabilities, "CAP_SYS_ADMIN"));
  return out;
}

Result<OciConfig> ReadOciConfig(const std::string& bundle) {
  Result<nlohmann::json> json = ReadJsonFile(bundle + "/config.json", kMaxOciConfigBytes);
  if (!json.ok()) return json.status();
  Result<OciConfig> config = ParseOciConfig(*json);
  if (!config.ok()) return config.status().Annotate(bundle + "/config.json");
  return config;
}

void ApplyOciConfig(const OciConfig& config, store::ContainerRecord* record) {
  const store::KeyValues& a = config.annotations;
  record->annotations = a;
  record->mounts = config.mounts;
  record->capabilities = config.capabilities;
  record->namespaces = config.namespaces;
  record->privileged = record->privileged || config.privileged;
  SetIfEmpty(&record->pod_name, Lookup(a, {"io.kubernetes.pod.name",
                                           "io.kubernetes.cri.sandbox-name"}));
  SetIfEmpty(&record->pod_namespace, Lookup(a, {"io.kubernetes.pod.namespace",
                                                "io.kubernetes.cri.sandbox-namespace"}));
  SetIfEmpty(&record->pod_uid, Lookup(a, {"io.kubernetes.pod.uid",
                                          "io.kubernetes.cri.sandbox-uid"}));
  SetIfEmpty(&record->name, Lookup(a, {"io.kubernetes.container.name",
                                       "io.kubernetes.cri.container-name"}));
  SetIfEmpty(&record->image, Lookup(a, {"io.kubernetes.cri.image-name",
                                        "io.kubernetes.cri-o.ImageName",
                                        "org.opencontainers.image.ref.name"}));
  SetIfEmpty(&record->image_digest, Digest(Lookup(a, {"io.kubernetes.cri-o.ImageRef",
                                                      "io.kubernetes.cri.image-id"})));
  if (record->labels.empty()) {
    // CRI-O keeps the Kubernetes labels as one JSON object in an annotation.
    std::string labels = Lookup(a, {"io.kubernetes.cri-o.Labels"});
    if (!labels.empty() && labels.size() <= 1024 * 1024) {
      Result<nlohmann::json> parsed = ParseJson(labels, "io.kubernetes.cri-o.Labels");
      if (parsed.ok()) {
        nlohmann::json wrapper = {{"l", std::move(parsed).value()}};
        record->labels = StringMapAt(wrapper, "l");
      }
    }
  }
}

}  // namespace amber::record
