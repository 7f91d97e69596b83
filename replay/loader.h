// Loader: captures into a case database (docs/schema.md, "Loading").
//
// Load() refuses a capture already in the database, or the same capture twice, before writing
// anything. It verifies each capture as it loads it (one pass: the reader checks every chunk) and
// refuses a tampered or corrupt one by failing the load, whose transaction then rolls back; with
// --force every capture is verified first, and a damaged one is loaded in salvage mode (recorded).
// Captures are grouped by host boot (machine id, boot id, hostname); a host's recordings (each its
// rotated files in sequence) are merged by event time through one ProcessState, so processes carry
// over from file to file and from recording to recording. The rotated files of each recording
// must chain (store/recording_chain.h). The whole load is one transaction: everything or nothing.
// Indexes are dropped before and rebuilt after the bulk insert.
//
// Deterministic: the same captures (in any command-line order) give the same rows and ids. No
// wall-clock time or random value is stored. Memory is bounded by one chunk plus live processes.
// Single-threaded; the Env and Database must outlive the Loader.
#ifndef AMBER_REPLAY_LOADER_H_
#define AMBER_REPLAY_LOADER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "replay/db.h"
#include "store/file.h"

namespace amber::replay {

struct LoadProgress {
  uint64_t events_done = 0;
  uint64_t bytes_done = 0;   // of the capture files, up to the chunk being loaded
  uint64_t bytes_total = 0;  // the sizes of every capture of the load
  std::string path;          // capture being loaded
};

struct LoadOptions {
  bool force = false;  // load tampered or corrupt captures (their readable chunks, salvaged)
  std::function<void(const LoadProgress&)> progress;  // called every few thousand events
};

struct LoadedCapture {
  std::string path;
  std::string verdict;
  bool forced = false;
  uint64_t events = 0;
  uint64_t gaps = 0;
  int64_t capture_id = 0;  // captures.id
};

struct LoadReport {
  std::vector<LoadedCapture> captures;  // in load order
  uint64_t events = 0;
  uint64_t processes = 0;  // incarnations written
  uint64_t inferred_processes = 0;
  uint64_t gaps = 0;
};

// Creates the tables and views if absent (idempotent).
Status InitSchema(Database* db);
Status CreateIndexes(Database* db);

class Loader {
 public:
  Loader(store::Env* env, Database* db, LoadOptions options)
      : env_(env), db_(db), options_(std::move(options)) {}
  Result<LoadReport> Load(const std::vector<std::string>& paths);

 private:
  store::Env* env_;
  Database* db_;
  LoadOptions options_;
};

}  // namespace amber::replay

#endif  // AMBER_REPLAY_LOADER_H_
