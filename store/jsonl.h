// The JSON-lines text form of a capture: one record per line, both directions (docs/jsonl.md).
//
// `amber-replay export` turns a capture into these lines for people, scripts and SIEMs;
// `amber-replay import` turns them back into a capture, which is how synthetic fixtures are
// written by hand. The round trip capture -> lines -> capture -> lines is exact: every string is
// either a JSON string (when its bytes are valid UTF-8) or {"base64": "..."} (when they are not),
// so bytes from a compromised host survive unchanged and never reach a terminal raw.
//
// Parsing treats the line as hostile: it is bounded in length, nesting and size, numbers must fit
// the field's width, and unknown or duplicated fields are errors (a typo in a hand-written fixture
// must not pass silently). Missing fields keep the store/records.h defaults.
//
// Pure functions over values (AppendJsonRecord excepted); thread-safe. nlohmann::json stays
// inside jsonl.cc.
#ifndef AMBER_STORE_JSONL_H_
#define AMBER_STORE_JSONL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "store/records.h"

namespace amber::store {

// Every record that has a line form. The footer has none: it describes one file's layout, and
// the writer of an imported capture writes its own.
using JsonRecord = std::variant<CaptureHeader, Event, ProcessRecord, ContainerRecord, LossRecord,
                                RecorderStats>;

// Reader limits (docs/jsonl.md, "Limits"). A line is bounded so that a reader buffers at most this
// much; depth and value count bound the parsed tree a line can cost (about 50 bytes per value),
// whatever its length. The record layout needs a depth of 5 and far fewer values.
inline constexpr size_t kMaxJsonLineBytes = 16u << 20;
inline constexpr int kMaxJsonDepth = 8;
inline constexpr size_t kMaxJsonValuesPerLine = 1u << 20;

// One line of JSON, without the trailing newline. `clock`, when given and holding a clock mapping
// (clock_realtime_ns != 0), adds the informative UTC "time" member to events; pass the capture's
// header. The line contains no raw control character (C0, DEL, C1) nor line or bidi separator:
// those are \u-escaped, so the output is safe to print.
std::string ToJsonLine(const JsonRecord& record, const CaptureHeader* clock = nullptr);
// Overloads that avoid building the variant on the export path.
std::string ToJsonLine(const CaptureHeader& header);
std::string ToJsonLine(const Event& event, const CaptureHeader* clock = nullptr);
std::string ToJsonLine(const ProcessRecord& process);
std::string ToJsonLine(const ContainerRecord& container);
std::string ToJsonLine(const LossRecord& loss);
std::string ToJsonLine(const RecorderStats& stats);

// The record on one line (a trailing "\r" or other JSON whitespace is allowed). InvalidArgument
// naming the field for anything malformed: "field args.path: expected string or {base64}". An
// event must carry its op's family (OpMatchesFamily); family "unknown", which export writes for a
// union member from a newer recorder, is refused because a writer could only store it as "none".
// Input quoted in a message is escaped (common/text.h), so messages are safe to print as they are.
Result<JsonRecord> ParseJsonLine(std::string_view line);

// The line "type" of a record: "header", "event", "process", "container", "loss" or "stats".
std::string_view JsonRecordType(const JsonRecord& record);

// The instant a record speaks of (boot-time ns): an importer drives its writer's clock with the
// latest of them, so chunk and footer times describe the imported data, not the machine's clock.
uint64_t JsonRecordTime(const JsonRecord& record);

class CaptureWriter;
// Appends a record to the capture being written. A header is InvalidArgument: it is the
// writer's own, given when the capture was created.
Status AppendJsonRecord(CaptureWriter* writer, const JsonRecord& record);

}  // namespace amber::store

#endif  // AMBER_STORE_JSONL_H_
