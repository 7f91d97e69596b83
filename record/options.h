// amber-record's command line (Boost.Program_options) into RecorderOptions. The one file that
// calls Boost: its exceptions become Status values here. Durations take s/m/h suffixes (plain
// numbers are seconds), sizes K/M/G (binary).
#ifndef AMBER_RECORD_OPTIONS_H_
#define AMBER_RECORD_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "record/recorder.h"

namespace amber::record {

struct ParsedCommandLine {
  RecorderOptions options;
  bool help = false;
  std::string usage;  // the --help text
};

Result<ParsedCommandLine> ParseCommandLine(int argc, const char* const* argv);

Result<uint64_t> ParseDurationNs(std::string_view text);
Result<uint64_t> ParseBytes(std::string_view text);

}  // namespace amber::record

#endif  // AMBER_RECORD_OPTIONS_H_
