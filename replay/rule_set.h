// RuleSet: the rules of a directory tree (detections/<domain>/AMB-*.sql), loaded and checked.
//
// Files are read in sorted path order, so the set (and everything derived from it) is the same on
// every machine. A file that cannot be read or parsed, whose name does not start with its id, or
// whose id repeats another's is a problem: it is listed with its path and left out, and the rest
// load (a broken rule must not silence the pack). `rules lint` treats any problem as an error.
//
// Values; single-threaded loading.
#ifndef AMBER_REPLAY_RULE_SET_H_
#define AMBER_REPLAY_RULE_SET_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "replay/rule.h"

namespace amber::replay {

struct RuleProblem {
  std::string path;
  std::string rule_id;  // when the header got that far
  std::string message;
};

struct RuleSet {
  std::vector<Rule> rules;  // sorted by id
  std::vector<RuleProblem> problems;

  const Rule* Find(std::string_view id) const;
};

// Limits: a rule file over this size is refused (rules are small; a huge one is a mistake).
inline constexpr size_t kMaxRuleFileBytes = 256 * 1024;

// Loads every `*.sql` under `dir` (recursively). NotFound when `dir` does not exist;
// otherwise a set whose `problems` say what was left out.
Result<RuleSet> LoadRuleSet(const std::string& dir);

// The default rule directory: $AMBER_RULES, else "detections" beside the working directory, else
// the source tree's detections/ (compiled in).
std::string DefaultRuleDir();

}  // namespace amber::replay

#endif  // AMBER_REPLAY_RULE_SET_H_
