#include "replay/alert_render.h"

#include <algorithm>

#include "common/text.h"
#include "replay/mitre.h"
#include "replay/render.h"

namespace amber::replay {

namespace {

// A small JSON object writer: keys are ours (ASCII); values from the case are escaped.
class JsonObject {
 public:
  JsonObject() { out_ = "{"; }
  JsonObject& Str(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(&out_, value, /*hex_invalid=*/true, /*terminal_safe=*/true);
    return *this;
  }
  JsonObject& StrIf(std::string_view key, std::string_view value) {
    return value.empty() ? *this : Str(key, value);
  }
  JsonObject& Int(std::string_view key, int64_t value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonObject& IntIf(std::string_view key, const std::optional<int64_t>& value) {
    return value ? Int(key, *value) : *this;
  }
  JsonObject& Raw(std::string_view key, std::string_view json) {
    Key(key);
    out_ += json;
    return *this;
  }
  JsonObject& Strings(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    out_ += "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out_ += ",";
      AppendJsonString(&out_, values[i], true, true);
    }
    out_ += "]";
    return *this;
  }
  bool empty() const { return out_.size() == 1; }
  std::string Done() { return out_ + "}"; }

 private:
  void Key(std::string_view key) {
    if (out_.size() > 1) out_ += ",";
    AppendJsonString(&out_, key, true, true);
    out_ += ":";
  }
  std::string out_;
};

std::vector<std::string> EvidenceStrings(const Alert& a) {
  std::vector<std::string> out;
  for (const EvidenceRef& e : a.evidence) out.push_back(e.ToString());
  return out;
}

std::string Cmdline(const AlertContext& c) {
  if (!c.argv.empty()) {
    std::string s;
    for (const std::string& arg : c.argv) s += (s.empty() ? "" : " ") + arg;
    return s;
  }
  return c.cmdline;
}

std::string PadRight(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

}  // namespace

Result<AlertFormat> ParseAlertFormat(std::string_view name) {
  if (name == "table") return AlertFormat::kTable;
  if (name == "jsonl") return AlertFormat::kJsonl;
  if (name == "ecs") return AlertFormat::kEcs;
  return Status::InvalidArgument("format '" + std::string(name) + "': expected table, jsonl or ecs");
}

int EcsSeverityScore(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
    case Severity::kLow: return 21;
    case Severity::kMedium: return 47;
    case Severity::kHigh: return 73;
    case Severity::kCritical: return 99;
  }
  return 21;
}

void RenderAlertTable(const std::vector<Alert>& alerts, std::ostream& out) {
  out << PadRight("TIME (UTC)", 31) << PadRight("SEVERITY", 9) << PadRight("RULE", 13)
      << PadRight("PID", 8) << PadRight("CONTAINER", 14) << "PROCESS / MESSAGE\n";
  for (const Alert& a : alerts) {
    std::string pid = a.context.pid ? std::to_string(*a.context.pid) : "-";
    std::string container = a.context.container_name.empty()
                                ? a.context.container_runtime_id.substr(0, 12)
                                : a.context.container_name;
    if (container.empty()) container = "-";
    out << PadRight(FormatUtcNs(a.time_ns), 31) << PadRight(std::string(SeverityName(a.severity)), 9)
        << PadRight(a.rule->id, 13) << PadRight(pid, 8)
        << PadRight(EscapeForTerminal(container.substr(0, 13)), 14)
        << EscapeForTerminal(a.context.exe.empty() ? "?" : a.context.exe) << "\n"
        << std::string(75, ' ') << EscapeForTerminal(a.message) << "\n";
  }
  out << alerts.size() << (alerts.size() == 1 ? " alert\n" : " alerts\n");
}

std::string AlertJsonLine(const Alert& a) {
  const Rule& r = *a.rule;
  JsonObject rule;
  rule.Str("id", r.id).Str("title", r.title).Str("severity", SeverityName(r.severity))
      .Strings("mitre", r.mitre).Str("description", r.description).Str("why", r.why)
      .Str("false_positives", r.false_positives);
  JsonObject process;
  process.IntIf("id", a.process_id).IntIf("pid", a.context.pid).StrIf("exe", a.context.exe)
      .Strings("argv", a.context.argv).IntIf("ppid", a.context.ppid)
      .StrIf("parent_exe", a.context.parent_exe).IntIf("uid", a.context.uid)
      .IntIf("euid", a.context.euid);
  JsonObject container;
  container.IntIf("id", a.container_id).StrIf("runtime_id", a.context.container_runtime_id)
      .StrIf("name", a.context.container_name).StrIf("image", a.context.container_image);
  JsonObject line;
  line.Int("alert_id", a.alert_id).Str("time", FormatUtcNs(a.time_ns)).Int("time_ns", a.time_ns)
      .Raw("rule", rule.Done()).Str("severity", SeverityName(a.severity)).Str("message", a.message)
      .Raw("process", process.Done());
  if (a.container_id) line.Raw("container", container.Done());
  line.StrIf("host", a.context.host_name).Strings("evidence", EvidenceStrings(a));
  return line.Done();
}

std::string AlertEcsLine(const Alert& a) {
  const Rule& r = *a.rule;
  // ECS: threat.technique.* holds techniques, threat.technique.subtechnique.* sub-techniques
  // ("T1548.001"), whose parent ("T1548") is then listed as a technique too.
  std::vector<std::string> technique_ids, technique_names, sub_ids, sub_names, tactic_ids,
      tactic_names;
  auto name_of = [](std::string_view id) {
    const Technique* t = FindTechnique(id);
    return t ? std::string(t->name) : std::string(id);
  };
  auto add_technique = [&](const std::string& id) {
    if (std::find(technique_ids.begin(), technique_ids.end(), id) != technique_ids.end()) return;
    technique_ids.push_back(id);
    technique_names.push_back(name_of(id));
  };
  for (const std::string& id : r.mitre) {
    if (id.size() > 5) {
      sub_ids.push_back(id);
      sub_names.push_back(name_of(id));
      add_technique(id.substr(0, 5));
    } else {
      add_technique(id);
    }
    const Technique* t = FindTechnique(id);
    if (t == nullptr) continue;
    for (const Tactic& tactic : t->tactics) {
      if (std::find(tactic_ids.begin(), tactic_ids.end(), tactic.id) == tactic_ids.end()) {
        tactic_ids.emplace_back(tactic.id);
        tactic_names.emplace_back(tactic.name);
      }
    }
  }
  JsonObject event;
  event.Str("kind", "alert").Str("module", "amber").Str("dataset", "amber.alerts")
      .Int("severity", EcsSeverityScore(a.severity)).Int("id", a.alert_id)
      .Strings("category", {"intrusion_detection"});
  JsonObject rule;
  rule.Str("id", r.id).Str("name", r.title).Str("description", r.description)
      .Str("ruleset", "amber").Str("category", r.id.substr(4, r.id.rfind('-') - 4));
  JsonObject technique, tactic, threat;
  technique.Strings("id", technique_ids).Strings("name", technique_names);
  if (!sub_ids.empty()) {
    technique.Raw("subtechnique",
                  JsonObject().Strings("id", sub_ids).Strings("name", sub_names).Done());
  }
  tactic.Strings("id", tactic_ids).Strings("name", tactic_names);
  threat.Str("framework", "MITRE ATT&CK").Raw("technique", technique.Done())
      .Raw("tactic", tactic.Done());
  JsonObject parent;
  parent.IntIf("pid", a.context.ppid).StrIf("executable", a.context.parent_exe);
  JsonObject process;
  process.IntIf("pid", a.context.pid).StrIf("executable", a.context.exe)
      .Strings("args", a.context.argv).StrIf("command_line", Cmdline(a.context));
  if (!parent.empty()) process.Raw("parent", parent.Done());
  JsonObject line;
  line.Str("@timestamp", FormatUtcNs(a.time_ns)).Str("message", a.message)
      .Raw("ecs", "{\"version\":\"8.11.0\"}").Raw("event", event.Done()).Raw("rule", rule.Done())
      .Raw("threat", threat.Done()).Raw("process", process.Done());
  if (a.container_id) {
    JsonObject image;
    image.StrIf("name", a.context.container_image);
    JsonObject container;
    container.StrIf("id", a.context.container_runtime_id).StrIf("name", a.context.container_name);
    if (!image.empty()) container.Raw("image", image.Done());
    line.Raw("container", container.Done());
  }
  if (!a.context.host_name.empty()) line.Raw("host", JsonObject().Str("name", a.context.host_name).Done());
  if (a.context.uid) line.Raw("user", JsonObject().Str("id", std::to_string(*a.context.uid)).Done());
  JsonObject amber;
  amber.Str("severity", SeverityName(a.severity)).Strings("evidence", EvidenceStrings(a))
      .IntIf("process_id", a.process_id).IntIf("container_id", a.container_id);
  line.Raw("amber", amber.Done());
  return line.Done();
}

void RenderAlerts(const std::vector<Alert>& alerts, AlertFormat format, std::ostream& out) {
  switch (format) {
    case AlertFormat::kTable:
      RenderAlertTable(alerts, out);
      break;
    case AlertFormat::kJsonl:
      for (const Alert& a : alerts) out << AlertJsonLine(a) << "\n";
      break;
    case AlertFormat::kEcs:
      for (const Alert& a : alerts) out << AlertEcsLine(a) << "\n";
      break;
  }
}

}  // namespace amber::replay
