// The files of a rotated recording as one chain (docs/capture-format.md, "Rotation"): each file
// after the first names its predecessor's final digest in its header, so a file edited, swapped
// for another recording's, or removed from the middle shows where the files at hand meet.
//
// CheckRecordingChains looks at the files an analyst has (from `verify` or a case database) and
// tells, per recording:
//   - a file whose previous-file digest is not its predecessor's final digest (tampered);
//   - two files that claim the same place in one recording (tampered);
//   - the files that are not at hand: before the first one (rotation's file limit removes the
//     oldest, or the analyst left them out), between two, or after a file that ended by rotation
//     (the recording went on: still being written, removed, or not given).
// It reads no file; pure and deterministic (findings in recording, then file-index order).
#ifndef AMBER_STORE_RECORDING_CHAIN_H_
#define AMBER_STORE_RECORDING_CHAIN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amber::store {

struct RecordingFile {
  size_t tag = 0;                  // the caller's handle, given back in findings
  std::string capture_id;          // compared for equality only: one file given twice is not two
  std::string recording_id;        // compared for equality only (bytes or hex, the caller's choice)
  uint32_t file_index = 0;
  std::string previous_digest;     // as recording_id: the same encoding as `digest`; empty in file 0
  std::string digest;              // the chain digest after the file's last good chunk
  bool complete = true;            // read to its footer intact: its digest is its final one
  bool ended_by_rotation = false;  // its footer's stop reason is "rotation"
};

struct ChainFinding {
  enum class Kind {
    kDigestMismatch,  // `tag` names a previous digest that is not `other`'s final digest
    kDuplicate,       // `tag` and `other` claim the same file index of one recording (not the
                      // same file twice: same capture id and digest)
    kMissingBefore,   // files first..last are not at hand, before `tag` (the first one here)
    kMissingBetween,  // files first..last are not at hand, between `other` and `tag`
    kMissingAfter,    // `tag` ended by rotation and file `first` (and any later) is not at hand
  };
  Kind kind;
  size_t tag = 0;
  std::optional<size_t> other;
  uint64_t first_missing = 0, last_missing = 0;  // the missing kinds: file indexes, inclusive

  bool tampered() const { return kind == Kind::kDigestMismatch || kind == Kind::kDuplicate; }
  // One line, without paths (the caller knows them by tag), e.g. "files 0-1 of this recording are
  // not here (before file 2: ...)".
  std::string Describe() const;
};

std::vector<ChainFinding> CheckRecordingChains(std::vector<RecordingFile> files);

}  // namespace amber::store

#endif  // AMBER_STORE_RECORDING_CHAIN_H_
