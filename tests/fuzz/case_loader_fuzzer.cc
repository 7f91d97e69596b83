// libFuzzer target: JSON lines (the form `amber-replay import` reads, docs/jsonl.md) made into a
// capture, loaded into a case database, and read back through the analyst's views. The capture
// is valid (its checksums and chain hold), so what the reader's fuzzer cannot reach is reached
// here: hostile values in well-formed records (pid cycles, forks of ancestors, times out of order
// or at the ends of the range, exits before forks, strange bytes in every string) go through the
// loader's state machine and its SQL. Nothing may crash, leak or grow without bound; a load may
// refuse the input with an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "replay/db.h"
#include "replay/loader.h"
#include "store/capture_writer.h"
#include "store/file.h"
#include "store/jsonl.h"

namespace {

using namespace amber;

constexpr size_t kMaxLines = 2000;  // a case of this many records says all a bigger one would

// Writes the lines that parse as a capture at /f.amber; false when nothing could be written.
bool WriteCapture(store::MemEnv* env, std::string_view text) {
  std::vector<store::JsonRecord> records;
  store::CaptureHeader header;
  header.recorder_name = "fuzz";
  size_t lines = 0;
  while (!text.empty() && lines++ < kMaxLines) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    Result<store::JsonRecord> parsed = store::ParseJsonLine(line);
    if (!parsed.ok()) continue;
    if (auto* h = std::get_if<store::CaptureHeader>(&*parsed)) {
      if (records.empty()) header = *h;
      continue;
    }
    records.push_back(std::move(parsed).value());
  }
  uint64_t latest_ns = header.started_ns;
  store::WriterOptions options;
  options.now_ns = [&latest_ns] { return latest_ns; };
  auto writer = store::CaptureWriter::Create(env, "/f.amber", header, options);
  if (!writer.ok()) return false;
  for (const store::JsonRecord& record : records) {
    latest_ns = std::max(latest_ns, store::JsonRecordTime(record));
    if (!store::AppendJsonRecord(writer->get(), record).ok()) return false;
  }
  return (*writer)->Close("fuzz").ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  store::MemEnv env;
  if (!WriteCapture(&env, std::string_view(reinterpret_cast<const char*>(data), size))) return 0;
  auto db = replay::Database::Open(":memory:");
  if (!db.ok()) return 0;
  replay::Loader loader(&env, db->get(), replay::LoadOptions{});
  if (!loader.Load({"/f.amber"}).ok()) return 0;
  // What the analyst's commands read: every view over every row.
  for (const char* sql :
       {"SELECT count(*), sum(length(summary)) FROM timeline",
        "SELECT count(*), max(depth) FROM process_tree",
        "SELECT count(*), max(depth) FROM process_ancestry",
        "SELECT count(*) FROM processes p LEFT JOIN processes q ON q.id = p.parent_id"}) {
    auto statement = (*db)->Prepare(sql);
    if (statement.ok()) {
      while (true) {
        Result<bool> row = statement->Step();
        if (!row.ok() || !*row) break;
      }
    }
  }
  return 0;
}
