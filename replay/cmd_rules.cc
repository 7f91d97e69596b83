// amber-replay rules lint DIR: every rule file well-formed, unique, and preparing against the
// schema with the required columns.
#include <boost/program_options.hpp>

#include <cstdio>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/db.h"
#include "replay/detect.h"
#include "replay/loader.h"
#include "replay/mitre.h"
#include "replay/rule_set.h"

namespace amber::replay {

namespace po = boost::program_options;

namespace {

int Lint(const std::string& dir) {
  Result<RuleSet> rules = LoadRuleSet(dir);
  if (!rules.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(rules.status().message()).c_str());
    return ExitCodeFor(rules.status());
  }
  int errors = 0, warnings = 0;
  for (const RuleProblem& p : rules->problems) {
    std::printf("%s: error: %s\n", EscapeForTerminal(p.path).c_str(),
                EscapeForTerminal(p.message).c_str());
    ++errors;
  }
  // An empty case made from schema.sql: the SQL must prepare against the real tables, under the
  // same authorizer the runner uses.
  auto db = Database::Open(":memory:");
  if (!db.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", db.status().message().c_str());
    return 70;
  }
  if (Status s = InitSchema(db->get()); !s.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", s.message().c_str());
    return 70;
  }
  (*db)->RestrictToReadOnly();
  (*db)->DenyFunctions({"random", "randomblob"});
  for (const Rule& rule : rules->rules) {
    if (Status s = PrepareRule(db->get(), rule); !s.ok()) {
      std::printf("%s: error: %s: %s\n", EscapeForTerminal(rule.path).c_str(), rule.id.c_str(),
                  EscapeForTerminal(s.message()).c_str());
      ++errors;
    }
    for (const std::string& t : rule.mitre) {
      if (FindTechnique(t) == nullptr) {
        std::printf("%s: warning: %s: technique %s is not in replay/mitre.cc (no name in ECS)\n",
                    EscapeForTerminal(rule.path).c_str(), rule.id.c_str(), t.c_str());
        ++warnings;
      }
    }
  }
  std::printf("%zu rules, %d errors, %d warnings\n", rules->rules.size() + rules->problems.size(),
              errors, warnings);
  return errors ? 65 : 0;
}

}  // namespace

int RunRules(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay rules lint DIR\n\n"
      "Checks every rule under DIR: header complete (id, title, severity, mitre, description,\n"
      "why, false_positives), severity valid, technique ids well-formed, ids unique, file named\n"
      "after its id, SQL preparing against an empty case (schema.sql) under the read-only\n"
      "authorizer, required columns present. Exit 0 clean, 65 errors, 66 no such directory.\n\n"
      "options");
  opts.add_options()("help,h", "this help");
  std::vector<std::string> words;
  po::options_description hidden;
  hidden.add_options()("word", po::value(&words));
  po::positional_options_description pos;
  pos.add("word", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (words.size() != 2 || words[0] != "lint") return UsageError(opts, "rules: expected 'lint DIR'");
  return Lint(words[1]);
}

}  // namespace amber::replay
