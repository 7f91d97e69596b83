// Parsers for the text of /proc/PID/stat, /proc/PID/status and /proc/PID/cmdline.
//
// Used by the /proc snapshot (record/proc_snapshot.cc) and testable without a /proc. The input is
// hostile: a process chooses its comm and argv freely (parentheses, spaces, newlines, escape
// sequences, invalid UTF-8), so comm is located by the *last* ')' and every byte is kept as is.
// Pure functions, no state.
#ifndef AMBER_RECORD_PROC_PARSE_H_
#define AMBER_RECORD_PROC_PARSE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace amber::record {

// PF_KTHREAD in include/linux/sched.h: stat field 9 has it for kernel threads.
inline constexpr uint32_t kPfKthread = 0x00200000;

struct ProcStat {
  uint32_t pid = 0;
  std::string comm;  // raw bytes between the first '(' and the last ')'
  char state = '?';
  uint32_t ppid = 0;
  uint32_t flags = 0;        // field 9, PF_* bits
  uint64_t start_ticks = 0;  // field 22, clock ticks since boot
};
Result<ProcStat> ParseProcStat(std::string_view text);

struct ProcStatus {
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint64_t cap_effective = 0;
};
// Needs the Uid:, Gid: and CapEff: lines; Corruption when one is missing or malformed.
Result<ProcStatus> ParseProcStatus(std::string_view text);

// /proc/PID/cmdline to arguments: NUL-separated, the last NUL optional (a process that rewrote
// its argv area may leave none). Empty arguments in the middle are kept.
std::vector<std::string> SplitCmdline(std::string_view bytes);

// A decimal unsigned number filling the whole of `text`, no sign, no spaces; false on overflow.
bool ParseDecimal(std::string_view text, uint64_t* value);

}  // namespace amber::record

#endif  // AMBER_RECORD_PROC_PARSE_H_
