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
  // Files at one index of one recording: [begin, end) of `files`.
  size_t prev_begin = 0, prev_end = 0;  // the previous index's, when the same recording
  for (size_t begin = 0; begin < files.size();) {
    const RecordingFile& f = files[begin];
    size_t end = begin + 1;
    while (end < files.size() && files[end].recording_id == f.recording_id &&
           files[end].file_index == f.file_index) {
      const RecordingFile& again = files[end];
      if (again.capture_id != f.capture_id || again.digest != f.digest) {
        findings.push_back({Kind::kDuplicate, again.tag, f.tag, 0, 0});
      }
      ++end;
    }
    const bool first_of_recording = prev_end == prev_begin ||
                                    files[prev_begin].recording_id != f.recording_id;
    if (first_of_recording) {
      if (f.file_index > 0) {
        findings.push_back({Kind::kMissingBefore, f.tag, std::nullopt, 0, f.file_index - 1ull});
      }
    } else {
      const RecordingFile& prev = files[prev_begin];
      if (prev.file_index + 1ull < f.file_index) {
        findings.push_back(
            {Kind::kMissingBetween, f.tag, prev.tag, prev.file_index + 1ull, f.file_index - 1ull});
      } else {
        // Each file here must follow from one at the index before. A predecessor cut short
        // (killed, disk full) never reached its final digest: the gap it left is its own verdict,
        // not a break of the chain.
        for (size_t i = begin; i < end; ++i) {
          bool follows = false, comparable = false;
          for (size_t j = prev_begin; j < prev_end; ++j) {
            comparable |= files[j].complete;
            follows |= files[j].complete && files[i].previous_digest == files[j].digest;
          }
          if (comparable && !follows) {
            findings.push_back({Kind::kDigestMismatch, files[i].tag, prev.tag, 0, 0});
          }
        }
      }
    }
    const bool last_of_recording = end == files.size() || files[end].recording_id != f.recording_id;
    bool rotated = false;
    for (size_t i = begin; i < end; ++i) rotated |= files[i].ended_by_rotation;
    if (last_of_recording && rotated) {
      findings.push_back({Kind::kMissingAfter, f.tag, std::nullopt, f.file_index + 1ull,
                          f.file_index + 1ull});
    }
    prev_begin = begin;
    prev_end = end;
    begin = end;
  }
  return findings;
}

}  // namespace amber::store
