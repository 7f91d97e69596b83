// The MITRE ATT&CK techniques the rule pack uses: names and tactics, for alert output (ECS
// threat.technique.name, threat.tactic.*) and for `rules lint`, which warns about an id this table
// does not know. A small static table (ATT&CK v15 names), not the whole matrix: the pack is what
// needs naming. Pure functions; thread-safe.
#ifndef AMBER_REPLAY_MITRE_H_
#define AMBER_REPLAY_MITRE_H_

#include <string_view>
#include <vector>

namespace amber::replay {

struct Tactic {
  std::string_view id;    // "TA0004"
  std::string_view name;  // "Privilege Escalation"
};

struct Technique {
  std::string_view id;    // "T1611"
  std::string_view name;  // "Escape to Host"
  std::vector<Tactic> tactics;
};

// nullptr when the id is not in the table.
const Technique* FindTechnique(std::string_view id);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_MITRE_H_
