// amber-replay verify FILE...: one verdict line per capture (docs/capture-format.md, "Verdicts").
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "store/capture_reader.h"
#include "store/file.h"
#include "store/recording_chain.h"

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

// The rotated files of one recording must chain (store/recording_chain.h): a break makes the file
// after it `tampered`; files of the recording that were not given are notes, returned as lines.
// A file missing between two given ones also makes the exit at least 1: the set is incomplete.
std::vector<std::string> CheckRecordingLinks(std::vector<Checked>& files, int* worst) {
  std::vector<store::RecordingFile> links;
  for (size_t i = 0; i < files.size(); ++i) {
    const store::VerifyReport& r = files[i].report;
    if (!r.header) continue;
    store::RecordingFile f;
    f.tag = i;
    f.capture_id = r.header->capture_id;
    f.recording_id = r.header->recording_id;
    f.file_index = r.header->file_index;
    f.previous_digest = r.header->previous_digest;
    f.digest = store::DigestBytes(r.digest);
    f.complete = r.verdict == store::Verdict::kIntact;
    f.ended_by_rotation = r.has_footer && r.stop_reason == store::kRotationStopReason;
    links.push_back(std::move(f));
  }
  std::vector<std::string> notes;
  for (const store::ChainFinding& finding : store::CheckRecordingChains(std::move(links))) {
    Checked& c = files[finding.tag];
    if (finding.tampered()) {
      if (c.report.verdict == store::Verdict::kCorrupt) continue;
      c.report.verdict = store::Verdict::kTampered;
      std::string message = finding.Describe();
      if (finding.other) message += " (" + files[*finding.other].path + ")";
      c.report.first_problem = store::Problem{store::Verdict::kTampered, 0, message};
      continue;
    }
    if (finding.kind == store::ChainFinding::Kind::kMissingBetween) *worst = std::max(*worst, 1);
    notes.push_back("note: " + EscapeForTerminal(c.path) + " (recording " +
                    store::BytesHex(c.report.header->recording_id).substr(0, 12) + ", file " +
                    std::to_string(c.report.header->file_index) +
                    "): " + finding.Describe());
  }
  return notes;
}

}  // namespace

int RunVerify(const std::vector<std::string>& args) {
  po::options_description opts("usage: amber-replay verify FILE...\n\n"
                               "Checks every chunk, the hash chain, the footer and the trailer, and\n"
                               "prints one verdict per file: intact (exit 0), truncated (1), tampered\n"
                               "or corrupt (65); 66 when a file is missing. Given the rotated files of\n"
                               "one recording, also checks that each names its predecessor's digest\n"
                               "(a break: tampered) and notes the files of the recording not given\n"
                               "(one missing between two given files: exit at least 1).\n\n"
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
  std::vector<std::string> notes = CheckRecordingLinks(checked, &worst);
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
  // One file alone keeps its one verdict line: the notes are about a set of files.
  if (checked.size() > 1) {
    for (const std::string& note : notes) std::printf("%s\n", note.c_str());
  }
  return worst;
}

}  // namespace amber::replay
