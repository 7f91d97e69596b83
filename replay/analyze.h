// The analyst's common case in one call (amber-replay analyze, and the fixture suite): captures
// into a fresh case database, the rule pack over it, and what the captures could not show.
//
// The case database is derived data: BuildCase replaces an existing file only when it is an Amber
// case (it has a `captures` table), never some other file at that path.
//
// Blind spots are read back from the case (captures.verdict, gaps, capture_probes), not from the
// files, so `analyze` and `detect` on a saved case say the same. Each probe that was not attached
// is listed with the ops it provides and the rules that look for those ops (a rule mentions an op
// as a quoted name in its SQL: `op = 'fsconfig'`). Single-threaded.
#ifndef AMBER_REPLAY_ANALYZE_H_
#define AMBER_REPLAY_ANALYZE_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "replay/rule_set.h"

namespace amber::replay {

struct CaseBuild {
  std::vector<std::string> capture_lines;  // "x.amber: intact, 42 events, 0 gaps"
};

// Loads `captures` into a new case at `db_path` (replacing an old case there). `force` loads
// tampered or corrupt captures' readable chunks.
Result<CaseBuild> BuildCase(const std::vector<std::string>& captures, const std::string& db_path,
                            bool force);

// Lines for people (not yet escaped): one per problem with the evidence, empty when the captures
// are intact, lossless and every probe attached.
Result<std::vector<std::string>> DescribeBlindSpots(const std::string& db_path,
                                                    const RuleSet& rules);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_ANALYZE_H_
