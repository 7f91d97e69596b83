// amber-replay: the analyst's tool. Dispatches to the subcommands of replay/commands.h.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "replay/commands.h"

namespace {

using amber::replay::Command;

constexpr Command kCommands[] = {
    {"info", "header, host, time range, counts per event kind, losses, chunks",
     amber::replay::RunInfo},
    {"verify", "one verdict line: intact, truncated, tampered or corrupt",
     amber::replay::RunVerify},
    {"export", "write a capture's records as JSON lines", amber::replay::RunExport},
    {"import", "build a capture from JSON lines", amber::replay::RunImport},
    {"load", "verify captures and load them into a case database", amber::replay::RunLoad},
    {"query", "run read-only SQL over a case database", amber::replay::RunQuery},
    {"timeline", "every event in time order, filtered by time, container, pid",
     amber::replay::RunTimeline},
    {"tree", "indented process tree of a container or a process", amber::replay::RunTree},
    {"analyze", "verify, load, detect and report blind spots, in one step",
     amber::replay::RunAnalyze},
    {"detect", "run the detection rules over a case database", amber::replay::RunDetect},
    {"rules", "rules lint DIR: check rule files", amber::replay::RunRules},
    {"test", "run the fixture suite against its golden alerts", amber::replay::RunTest},
};

void Usage(FILE* out) {
  std::fprintf(out, "usage: amber-replay COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n'amber-replay COMMAND --help' describes one command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    Usage(stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "amber-replay: unknown command '%s'\n", name.c_str());
  Usage(stderr);
  return 2;
}
