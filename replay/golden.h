// Golden files of the fixture suite (amber-replay test): alerts in a canonical text form that
// diffs cleanly across machines and re-recordings.
//
// One line per alert:
//   AMB-NS-001 high | /usr/bin/unshare ["unshare","-r","sh"] | web | <message> | ns_events*2
// (rule id and severity | executable and argv | container name, or "-" on the host | the message
// with host-specific values masked | the evidence tables with counts). Masked: ISO-8601 times
// (<time>), hex runs of 12+ digits (<hex>: container ids, addresses), the numbers after pid, ppid,
// tid, fd and inode (<n>), /proc/<pid>/ in paths, durations ("12 ms" -> "<n> ms", also ns, us, s)
// and any number of 7+ digits (<n>: namespace inodes, ns times). The masks apply to the
// executable and argv as well as to the message.
// Lines are sorted, so the concurrent order of a real re-recording does not matter.
//
// The file: '#' comment lines, then the lines. A comment `# max-severity: low` is a directive that
// the suite enforces whatever the lines say (benign fixtures), and `--update` keeps every comment.
// Pure functions; thread-safe.
#ifndef AMBER_REPLAY_GOLDEN_H_
#define AMBER_REPLAY_GOLDEN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "replay/detect.h"

namespace amber::replay {

std::string CanonicalMessage(std::string_view message);
std::string CanonicalAlert(const Alert& alert);
// The canonical lines of a set of alerts, sorted.
std::vector<std::string> CanonicalAlerts(const std::vector<Alert>& alerts);

struct Golden {
  std::vector<std::string> comments;  // '#' lines, kept by --update
  std::vector<std::string> lines;     // sorted
  std::optional<Severity> max_severity;
};

// InvalidArgument for a bad max-severity directive.
Result<Golden> ParseGolden(std::string_view text);
// The file text for `lines` under `comments` (a default comment when there is none).
std::string FormatGolden(const std::vector<std::string>& comments,
                         const std::vector<std::string>& lines);

struct GoldenDiff {
  std::vector<std::string> missing;     // expected, not produced
  std::vector<std::string> unexpected;  // produced, not expected
  bool empty() const { return missing.empty() && unexpected.empty(); }
};
// Multiset difference of two sorted line lists.
GoldenDiff CompareGolden(const std::vector<std::string>& expected,
                         const std::vector<std::string>& actual);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_GOLDEN_H_
