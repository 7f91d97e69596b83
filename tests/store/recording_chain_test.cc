#include "store/recording_chain.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amber::store {
namespace {

using Kind = ChainFinding::Kind;

// File `index` of recording `rec`, whose final digest is "d<rec><index>" and which names its
// predecessor's; tag = index unless given.
RecordingFile File(const std::string& rec, uint32_t index, size_t tag = SIZE_MAX) {
  RecordingFile f;
  f.tag = tag == SIZE_MAX ? index : tag;
  f.recording_id = rec;
  f.file_index = index;
  f.capture_id = "c" + rec + std::to_string(index);
  f.digest = "d" + rec + std::to_string(index);
  if (index > 0) f.previous_digest = "d" + rec + std::to_string(index - 1);
  f.ended_by_rotation = true;
  return f;
}

// The last file of a recording that was stopped (not rotated).
RecordingFile Last(RecordingFile f) {
  f.ended_by_rotation = false;
  return f;
}

TEST(RecordingChainTest, WholeRecordingIsOneUnbrokenChain) {
  EXPECT_TRUE(CheckRecordingChains({File("a", 0), File("a", 1), Last(File("a", 2))}).empty());
  // In any order.
  EXPECT_TRUE(CheckRecordingChains({Last(File("a", 2)), File("a", 0), File("a", 1)}).empty());
  // A single capture that was never rotated.
  EXPECT_TRUE(CheckRecordingChains({Last(File("a", 0))}).empty());
}

TEST(RecordingChainTest, EditedOrSwappedFileBreaksTheChain) {
  RecordingFile swapped = File("a", 1);
  swapped.previous_digest = "something else";
  auto findings = CheckRecordingChains({File("a", 0), swapped, Last(File("a", 2))});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, Kind::kDigestMismatch);
  EXPECT_EQ(findings[0].tag, 1u);
  EXPECT_EQ(findings[0].other, 0u);
  EXPECT_TRUE(findings[0].tampered());

  // File 0 edited (its digest changed): file 1 no longer follows from it.
  RecordingFile edited = File("a", 0);
  edited.digest = "d-edited";
  findings = CheckRecordingChains({edited, Last(File("a", 1))});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, Kind::kDigestMismatch);
  EXPECT_EQ(findings[0].tag, 1u);
}

TEST(RecordingChainTest, PredecessorCutShortIsNotABreak) {
  // A file that lost its tail (recorder killed) has no final digest; its successor cannot match
  // it, and that is the truncation's own verdict.
  RecordingFile cut = File("a", 0);
  cut.digest = "d-after-last-good-chunk";
  cut.complete = false;
  EXPECT_TRUE(CheckRecordingChains({cut, Last(File("a", 1))}).empty());
}

TEST(RecordingChainTest, TwoFilesInOnePlaceAreTampering) {
  RecordingFile other = Last(File("a", 1, 8));
  other.capture_id = "another capture";
  auto findings = CheckRecordingChains({File("a", 0), Last(File("a", 1, 7)), other});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, Kind::kDuplicate);
  EXPECT_EQ(findings[0].tag, 8u);
  EXPECT_EQ(findings[0].other, 7u);
  EXPECT_TRUE(findings[0].tampered());
}

TEST(RecordingChainTest, OneFileGivenTwiceIsNotTwoFilesInOnePlace) {
  RecordingFile copy = File("a", 1, 9);
  EXPECT_TRUE(CheckRecordingChains({File("a", 0), File("a", 1), copy, Last(File("a", 2))}).empty());
  // The same capture id with another digest: two versions of one file.
  copy.digest = "d-edited";
  auto findings = CheckRecordingChains({File("a", 0), File("a", 1), copy, Last(File("a", 2))});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, Kind::kDuplicate);
}

TEST(RecordingChainTest, MissingFilesAreNamedWhereverTheyAre) {
  // Files 0-1 rotated away, file 3 removed, and file 5 ended by rotation with nothing after it.
  auto findings =
      CheckRecordingChains({File("a", 2), File("a", 4), File("a", 5), Last(File("b", 0))});
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].kind, Kind::kMissingBefore);
  EXPECT_EQ(findings[0].tag, 2u);
  EXPECT_EQ(findings[0].first_missing, 0u);
  EXPECT_EQ(findings[0].last_missing, 1u);
  EXPECT_EQ(findings[0].Describe().substr(0, 43), "files 0-1 of this recording are not here (r");
  EXPECT_EQ(findings[1].kind, Kind::kMissingBetween);
  EXPECT_EQ(findings[1].tag, 4u);
  EXPECT_EQ(findings[1].other, 2u);
  EXPECT_EQ(findings[1].first_missing, 3u);
  EXPECT_EQ(findings[1].last_missing, 3u);
  EXPECT_EQ(findings[1].Describe().substr(0, 36), "file 3 of this recording is not here");
  EXPECT_EQ(findings[2].kind, Kind::kMissingAfter);
  EXPECT_EQ(findings[2].tag, 5u);
  EXPECT_EQ(findings[2].first_missing, 6u);
  for (const ChainFinding& f : findings) EXPECT_FALSE(f.tampered());
}

TEST(RecordingChainTest, HostileIndexesDoNotWrap) {
  auto findings = CheckRecordingChains({File("a", 0xffffffffu)});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].last_missing, 0xfffffffeu);
  EXPECT_EQ(findings[1].kind, Kind::kMissingAfter);
  EXPECT_EQ(findings[1].first_missing, 0x100000000ull);
}

}  // namespace
}  // namespace amber::store
