#include "replay/fixture_source.h"

#include <fstream>
#include <variant>
#include <vector>

#include "store/capture_reader.h"
#include "store/file.h"
#include "store/jsonl.h"

namespace amber::replay {

namespace {

bool SameHeader(const store::CaptureHeader& a, const store::CaptureHeader& b) {
  return a.host == b.host && a.clock_boot_ns == b.clock_boot_ns &&
         a.clock_realtime_ns == b.clock_realtime_ns && a.probes == b.probes &&
         a.started_ns == b.started_ns && a.recorder_name == b.recorder_name &&
         a.recorder_version == b.recorder_version && a.options == b.options;
}

}  // namespace

Status CheckCaptureMatchesSource(const std::string& jsonl_path, const std::string& capture_path) {
  std::ifstream in(jsonl_path, std::ios::binary);
  if (!in) return Status::NotFound("read " + jsonl_path + ": cannot open");
  std::vector<std::pair<int, store::JsonRecord>> source;  // line number, record
  std::optional<store::CaptureHeader> source_header;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<store::JsonRecord> record = store::ParseJsonLine(line);
    if (!record.ok()) {
      return record.status().Annotate(jsonl_path + " line " + std::to_string(number));
    }
    if (const auto* h = std::get_if<store::CaptureHeader>(&record.value())) {
      source_header = *h;
      continue;
    }
    source.emplace_back(number, std::move(record).value());
  }

  store::PosixEnv env;
  auto reader = store::CaptureReader::Open(&env, capture_path);
  if (!reader.ok()) return reader.status().Annotate("read " + capture_path);
  if (source_header && !SameHeader(*source_header, (*reader)->header())) {
    return Status::InvalidArgument(jsonl_path + ": the header differs from " + capture_path +
                                   "'s (rebuild the capture)");
  }
  std::vector<store::JsonRecord> built;
  store::Chunk chunk;
  while ((*reader)->Next(&chunk)) {
    for (auto& p : chunk.body.processes) built.emplace_back(std::move(p));
    for (auto& c : chunk.body.containers) built.emplace_back(std::move(c));
    for (auto& e : chunk.body.events) built.emplace_back(std::move(e));
    for (auto& l : chunk.body.losses) built.emplace_back(std::move(l));
    if (chunk.body.stats) built.emplace_back(std::move(*chunk.body.stats));
  }
  if ((*reader)->verdict() != store::Verdict::kIntact) {
    return Status::Corruption(capture_path + ": not intact (" +
                              std::string(store::VerdictName((*reader)->verdict())) + ")");
  }
  for (size_t i = 0; i < source.size(); ++i) {
    if (i >= built.size()) {
      return Status::InvalidArgument(jsonl_path + " line " + std::to_string(source[i].first) +
                                     ": not in " + capture_path + " (rebuild the capture)");
    }
    if (!(source[i].second == built[i])) {
      return Status::InvalidArgument(jsonl_path + " line " + std::to_string(source[i].first) +
                                     ": " + capture_path + " has another " +
                                     std::string(store::JsonRecordType(built[i])) +
                                     " here (rebuild the capture)");
    }
  }
  if (built.size() > source.size()) {
    return Status::InvalidArgument(capture_path + " has " +
                                   std::to_string(built.size() - source.size()) +
                                   " record(s) more than " + jsonl_path);
  }
  return Status::Ok();
}

}  // namespace amber::replay
