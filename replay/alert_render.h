// Alerts out: a table for people on a terminal, JSON lines carrying every header field of the rule,
// and Elastic Common Schema JSON lines for a SIEM (docs/detections.md, "Output").
//
// Everything from the capture (paths, argv, names, messages built from them) is hostile: the table
// escapes it with EscapeForTerminal, the JSON forms \u-escape control, C1 and bidi characters and
// show invalid UTF-8 bytes as "\xNN" text, so every output is safe to print. Stateless; thread-safe.
#ifndef AMBER_REPLAY_ALERT_RENDER_H_
#define AMBER_REPLAY_ALERT_RENDER_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "replay/detect.h"

namespace amber::replay {

enum class AlertFormat { kTable, kJsonl, kEcs };

// "table", "jsonl", "ecs"; InvalidArgument otherwise.
Result<AlertFormat> ParseAlertFormat(std::string_view name);

// One line per alert: time, severity, rule, pid, executable, container, message.
void RenderAlertTable(const std::vector<Alert>& alerts, std::ostream& out);

// {"alert_id", "time", "time_ns", "rule": {id, title, severity, mitre, description, why,
// false_positives}, "severity", "message", "process": {...}, "container": {...}, "host",
// "evidence": ["execs:4", ...]}.
std::string AlertJsonLine(const Alert& alert);

// ECS 8.x: @timestamp, message, event.{kind=alert, module, dataset, severity, id}, rule.*,
// threat.{framework, technique.id/name, technique.subtechnique.id/name, tactic.id/name}, process.{pid, executable, args,
// command_line, parent.pid, parent.executable}, container.{id, name, image.name}, host.name,
// user.id, amber.evidence.
std::string AlertEcsLine(const Alert& alert);

// ECS event.severity for a severity: info 21, low 21, medium 47, high 73, critical 99 (the
// Elastic detection engine's scale).
int EcsSeverityScore(Severity severity);

void RenderAlerts(const std::vector<Alert>& alerts, AlertFormat format, std::ostream& out);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_ALERT_RENDER_H_
