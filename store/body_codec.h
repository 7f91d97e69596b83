// Chunk bodies to and from Cap'n Proto (store/capture.capnp), the one place that touches builders.
//
// BodyEncoder accumulates the records of one chunk, interning strings and task contexts into the
// chunk's own tables as they arrive, and builds the Cap'n Proto message at Finish(). DecodeBody is
// the hostile-input side: every ref is bounds-checked and Cap'n Proto's traversal and nesting
// limits are set from the message's own size (store/format.h). Single-threaded; an encoder is
// reused for chunk after chunk via Finish(), which resets it.
#ifndef AMBER_STORE_BODY_CODEC_H_
#define AMBER_STORE_BODY_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/format.h"
#include "store/records.h"

namespace amber::store {

// The decoded content of one chunk. Which members are filled follows the chunk kind.
struct ChunkBody {
  std::vector<Event> events;
  std::vector<ProcessRecord> processes;
  std::vector<ContainerRecord> containers;
  std::vector<LossRecord> losses;
  std::optional<RecorderStats> stats;
  std::optional<CaptureHeader> header;
  std::optional<Footer> footer;
};

class BodyEncoder {
 public:
  BodyEncoder();
  ~BodyEncoder();
  BodyEncoder(const BodyEncoder&) = delete;
  BodyEncoder& operator=(const BodyEncoder&) = delete;

  void AddEvent(const Event& event);
  void AddProcess(const ProcessRecord& process);
  void AddContainer(const ContainerRecord& container);
  void AddLoss(const LossRecord& loss);
  void SetStats(const RecorderStats& stats);
  void SetHeader(const CaptureHeader& header);
  void SetFooter(const Footer& footer);

  // Records added since the last Finish().
  size_t record_count() const;
  // An estimate of the encoded size so far, in bytes, to decide when a chunk is full.
  size_t approx_bytes() const;
  bool empty() const { return record_count() == 0; }

  // The Cap'n Proto message (flat array, unpacked) of everything added; resets the encoder.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Decodes a chunk body. Corruption (with the record index) for anything malformed: a bad message,
// a ref out of range, limits exceeded. Unknown union members and enumerants from newer writers
// are kept as UnknownArgs / raw values, not rejected.
Result<ChunkBody> DecodeBody(ChunkKind kind, std::span<const uint8_t> raw);
// The same into an existing body, reusing its memory: a reader that decodes chunk after chunk
// into one ChunkBody allocates little after the first. On error *body is unspecified.
Status DecodeBodyInto(ChunkKind kind, std::span<const uint8_t> raw, ChunkBody* body);

}  // namespace amber::store

#endif  // AMBER_STORE_BODY_CODEC_H_
