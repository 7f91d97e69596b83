// The subcommands of amber-replay. Each is a thin shell over a library function: it parses its
// own arguments (Boost.Program_options) and returns a sysexits.h exit code. main.cc dispatches.
#ifndef AMBER_REPLAY_COMMANDS_H_
#define AMBER_REPLAY_COMMANDS_H_

#include <string>
#include <vector>

namespace amber::replay {

// args excludes the program and subcommand names.
using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* summary;
  CommandFn run;
};

int RunInfo(const std::vector<std::string>& args);     // cmd_info.cc
int RunVerify(const std::vector<std::string>& args);   // cmd_verify.cc
int RunExport(const std::vector<std::string>& args);   // cmd_jsonl.cc
int RunImport(const std::vector<std::string>& args);   // cmd_jsonl.cc
int RunLoad(const std::vector<std::string>& args);     // cmd_load.cc
int RunQuery(const std::vector<std::string>& args);    // cmd_query.cc
int RunTimeline(const std::vector<std::string>& args); // cmd_timeline.cc
int RunTree(const std::vector<std::string>& args);     // cmd_tree.cc
int RunDetect(const std::vector<std::string>& args);   // cmd_detect.cc
int RunAnalyze(const std::vector<std::string>& args);  // cmd_analyze.cc
int RunRules(const std::vector<std::string>& args);    // cmd_rules.cc
int RunTest(const std::vector<std::string>& args);     // cmd_test.cc

}  // namespace amber::replay

#endif  // AMBER_REPLAY_COMMANDS_H_
