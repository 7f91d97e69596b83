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
// The ops a comma-separated list names: op names as store::OpName spells them ("connect",
// "init_module") or family names as capture.capnp does ("file": every op of that family). Only
// ops amber-record records are accepted; an empty item or an unknown name is InvalidArgument.
Result<OpSet> ParseOpList(std::string_view list);

}  // namespace amber::record

#endif  // AMBER_RECORD_OPTIONS_H_
