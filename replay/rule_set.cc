#include "replay/rule_set.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace amber::replay {

namespace fs = std::filesystem;

const Rule* RuleSet::Find(std::string_view id) const {
  for (const Rule& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

Result<RuleSet> LoadRuleSet(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("load rules " + dir + ": no such directory");
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".sql") files.push_back(it->path());
  }
  if (ec) return Status::IOError("load rules " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());

  RuleSet set;
  std::map<std::string, std::string> seen;  // id -> path
  for (const fs::path& file : files) {
    const std::string path = file.string();
    auto size = fs::file_size(file, ec);
    if (ec || size > kMaxRuleFileBytes) {
      set.problems.push_back({path, "", ec ? "read: " + ec.message() : "read: file too large"});
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in.good() && !in.eof()) {
      set.problems.push_back({path, "", "read: I/O error"});
      continue;
    }
    Result<Rule> rule = ParseRule(buffer.str(), path);
    if (!rule.ok()) {
      set.problems.push_back({path, "", rule.status().message()});
      continue;
    }
    const std::string name = file.filename().string();
    if (name.rfind(rule->id + "-", 0) != 0 || name.size() <= rule->id.size() + 5) {
      set.problems.push_back({path, rule->id,
                              "file name must be " + rule->id + "-<slug>.sql (the rule's id)"});
      continue;
    }
    if (auto it = seen.find(rule->id); it != seen.end()) {
      set.problems.push_back({path, rule->id, "id " + rule->id + " already used by " + it->second});
      continue;
    }
    seen[rule->id] = path;
    set.rules.push_back(std::move(rule).value());
  }
  std::sort(set.rules.begin(), set.rules.end(),
            [](const Rule& a, const Rule& b) { return a.id < b.id; });
  return set;
}

std::string DefaultRuleDir() {
  if (const char* env = std::getenv("AMBER_RULES"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  if (fs::is_directory("detections", ec)) return "detections";
#ifdef AMBER_DEFAULT_RULES_DIR
  return AMBER_DEFAULT_RULES_DIR;
#else
  return "detections";
#endif
}

}  // namespace amber::replay
