// amber-replay verify FILE...: one verdict line per capture (docs/capture-format.md, "Verdicts").
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "store/capture_reader.h"
#include "store/file.h"

namespace amber::replay {
namespace {

namespace po = boost::program_options;

int ExitFor(store::Verdict v) {
  switch (v) {
    case store::Verdict::kIntact: return 0;
    case store::Verdict::kTruncated: return 1;
    case store::Verdict::kTampered:
    case store::Verdict::kCorrupt: return 65;
  }
  return 65;
}

struct Checked {
  std::string path;
  store::VerifyReport report;
};

// Files of one recording must chain: each names its predecessor's final digest.
void CheckRecordingLinks(std::vector<Checked>& files) {
  std::map<std::pair<std::string, uint32_t>, Checked*> by_index;
  for (Checked& c : files) {
    if (c.report.header) by_index[{c.report.header->recording_id, c.report.header->file_index}] = &c;
  }
  for (auto& [key, c] : by_index) {
    auto prev = by_index.find({key.first, key.second - 1});
    if (key.second == 0 || prev == by_index.end()) continue;
    const std::string expected = store::DigestBytes(prev->second->report.digest);
    if (c->report.header->previous_digest != expected &&
        c->report.verdict != store::Verdict::kCorrupt) {
      c->report.verdict = store::Verdict::kTampered;
      c->report.first_problem = store::Problem{
          store::Verdict::kTampered, 0,
          "previous-file digest does not match " + prev->second->path + "'s final digest"};
    }
  }
}

}  // namespace

int RunVerify(const std::vector<std::string>& args) {
  po::options_description opts("usage: amber-replay verify FILE...\n\n"
                               "Checks every chunk, the hash chain, the footer and the trailer, and\n"
                               "prints one verdict per file: intact (exit 0), truncated (1), tampered\n"
                               "or corrupt (65); 66 when a file is missing. Given the rotated files of\n"
                               "one recording, also checks that each names its predecessor's digest.\n\n"
                               "options");
  opts.add_options()("help,h", "this help");
  std::vector<std::string> files;
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files));
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (files.empty()) return UsageError(opts, "verify: no capture given");

  store::PosixEnv env;
  std::vector<Checked> checked;
  int worst = 0;
  for (const std::string& path : files) {
    auto report = store::VerifyCapture(&env, path);
    if (!report.ok()) {
      std::fprintf(stderr, "verify %s: %s\n", EscapeForTerminal(path).c_str(),
                   report.status().message().c_str());
      worst = std::max(worst, ExitCodeFor(report.status()));
      continue;
    }
    checked.push_back(Checked{path, std::move(report).value()});
  }
  CheckRecordingLinks(checked);
  for (const Checked& c : checked) {
    const store::VerifyReport& r = c.report;
    std::string line = std::string(store::VerdictName(r.verdict));
    if (r.first_problem && r.verdict != store::Verdict::kIntact) {
      line += " at offset " + std::to_string(r.first_problem->offset) + " (" +
              EscapeForTerminal(r.first_problem->message) + ")";
    }
    line += " chunks=" + std::to_string(r.chunks) + " events=" + std::to_string(r.events) +
            " digest=" + store::DigestHex(r.digest);
    if (files.size() > 1) line = EscapeForTerminal(c.path) + ": " + line;
    std::printf("%s\n", line.c_str());
    worst = std::max(worst, ExitFor(r.verdict));
  }
  return worst;
}

}  // namespace amber::replay
