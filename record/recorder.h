// Recorder: one recording from start to footer. Wires the BPF loader, the decoder, the container
// resolver, the /proc snapshot and the capture writer (ARCHITECTURE.md, "The two programs").
//
// Order: load and attach (so nothing that starts afterwards is missed), create the capture with
// the probe list in its header, write the /proc snapshot (what started before), then consume the
// ring buffer on a timer until stopped. Every second: the writer's Tick, per-CPU loss records for
// the window, recorder statistics, the status line. A write error (a full disk) stops the
// recording with a message; Close() still leaves every written chunk readable.
//
// Single-threaded: Run() owns everything and returns when stopped. `stop` is set by the signal
// handler (the signal number) or by the caller.
#ifndef AMBER_RECORD_RECORDER_H_
#define AMBER_RECORD_RECORDER_H_

#include <atomic>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "store/file.h"
#include "store/records.h"

namespace amber::record {

// A set of store::Op values, indexed by their wire value.
using OpSet = std::bitset<store::kOpCount>;

struct RecorderOptions {
  std::string output;
  uint64_t duration_ns = 0;  // 0: until stopped
  bool containers_only = false;  // by cgroup: record/containers_only.h
  std::string profile = "default";  // default | full
  uint32_t ringbuf_bytes = 16u << 20;
  uint64_t rotate_bytes = 0;
  uint64_t rotate_interval_ns = 0;
  uint32_t max_files = 0;
  bool force = false;  // overwrite an existing capture
  bool quiet = false;
  uint32_t filter_pid = 0;         // this process and its descendants only
  std::string filter_cgroup;       // a v1 cgroup path (relative to the hierarchy root)
  uint32_t filter_ns = 0;          // a namespace inode
  std::optional<OpSet> only_ops;   // --ops: record only these (fork, exec and exit always)
  OpSet excluded_ops;              // --exclude-ops: never these
  bool snapshot = true;
  uint32_t poll_interval_ms = 20;  // consumer timer
  bool verbose = false;            // libbpf debug output
  store::KeyValues given;          // the options as given, for the header
};

// What Run() observed, for the CLI's last words and for tests.
struct RecorderSummary {
  uint64_t events = 0;
  uint64_t lost = 0;
  uint64_t bytes = 0;
  std::string stop_reason;
};

class Recorder {
 public:
  Recorder(RecorderOptions options, store::Env* env) : options_(std::move(options)), env_(env) {}
  Status Run(const std::atomic<int>& stop, RecorderSummary* summary);

 private:
  RecorderOptions options_;
  store::Env* env_;
};

}  // namespace amber::record

#endif  // AMBER_RECORD_RECORDER_H_
