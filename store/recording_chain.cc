#include "store/recording_chain.h"

#include <algorithm>
#include <tuple>

namespace amber::store {

namespace {

// "file 3 of this recording is", "files 0-1 of this recording are".
std::string Files(uint64_t first, uint64_t last) {
  return first == last ? "file " + std::to_string(first) + " of this recording is"
                       : "files " + std::to_string(first) + "-" + std::to_string(last) +
                             " of this recording are";
}

}  // namespace

std::string ChainFinding::Describe() const {
  switch (kind) {
    case Kind::kDigestMismatch:
      return "its previous-file digest is not the final digest of the file before it";
    case Kind::kDuplicate:
      return "another file claims the same place in the recording";
    case Kind::kMissingBefore:
      return Files(first_missing, last_missing) +
             " not here (rotation's file limit removes the oldest, or they "
             "were not given): what the recording held before this file is unknown";
    case Kind::kMissingBetween:
      return Files(first_missing, last_missing) +
             " not here (removed, or not given): what the recording held "
             "between the files on either side is unknown";
    case Kind::kMissingAfter:
      return "this file ended by rotation and file " + std::to_string(first_missing) +
             " of this recording is not here (still being written, removed, or not given): what "
             "the recording held after this file is unknown";
  }
  return "";
}

std::vector<ChainFinding> CheckRecordingChains(std::vector<RecordingFile> files) {
  std::sort(files.begin(), files.end(), [](const RecordingFile& a, const RecordingFile& b) {
    return std::tie(a.recording_id, a.file_index, a.tag) <
           std::tie(b.recording_id, b.file_index, b.tag);
  });
  std::vector<ChainFinding> findings;
  using Kind = ChainFinding::Kind;
  for (size_t i = 0; i < files.size(); ++i) {
    const RecordingFile& f = files[i];
    const bool first_of_recording = i == 0 || files[i - 1].recording_id != f.recording_id;
    const bool last_of_recording = i + 1 == files.size() || files[i + 1].recording_id != f.recording_id;
    if (first_of_recording) {
      if (f.file_index > 0) {
        findings.push_back({Kind::kMissingBefore, f.tag, std::nullopt, 0, f.file_index - 1ull});
      }
    } else {
      const RecordingFile& prev = files[i - 1];
      if (prev.file_index == f.file_index) {
        findings.push_back({Kind::kDuplicate, f.tag, prev.tag, 0, 0});
      } else if (prev.file_index + 1ull < f.file_index) {
        findings.push_back(
            {Kind::kMissingBetween, f.tag, prev.tag, prev.file_index + 1ull, f.file_index - 1ull});
      } else if (prev.complete && f.previous_digest != prev.digest) {
        // A predecessor cut short (killed, disk full) never reached its final digest: the gap it
        // left is its own verdict, not a break of the chain.
        findings.push_back({Kind::kDigestMismatch, f.tag, prev.tag, 0, 0});
      }
    }
    if (last_of_recording && f.ended_by_rotation) {
      findings.push_back({Kind::kMissingAfter, f.tag, std::nullopt, f.file_index + 1ull,
                          f.file_index + 1ull});
    }
  }
  return findings;
}

}  // namespace amber::store
