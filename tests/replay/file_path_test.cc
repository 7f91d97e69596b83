// FoldPath: the spellings of one file a rule must not tell apart.
#include "replay/file_path.h"

#include <gtest/gtest.h>

namespace amber::replay {
namespace {

TEST(FoldPathTest, FoldsSlashRunsDotComponentsAndTrailingSlashes) {
  EXPECT_EQ(FoldPath("/etc//shadow"), "/etc/shadow");
  EXPECT_EQ(FoldPath("//etc///shadow"), "/etc/shadow");
  EXPECT_EQ(FoldPath("/etc/./shadow"), "/etc/shadow");
  EXPECT_EQ(FoldPath("/./etc/././sudoers.d/./x"), "/etc/sudoers.d/x");
  EXPECT_EQ(FoldPath("/etc/cron.d/"), "/etc/cron.d");
  EXPECT_EQ(FoldPath("/etc/."), "/etc");
  EXPECT_EQ(FoldPath("/"), "/");
  EXPECT_EQ(FoldPath("//"), "/");
  EXPECT_EQ(FoldPath("/./"), "/");
}

TEST(FoldPathTest, KeepsWhatCanNameAnotherFile) {
  EXPECT_EQ(FoldPath("/etc/shadow"), "/etc/shadow");
  EXPECT_EQ(FoldPath("/tmp/link/../shadow"), "/tmp/link/../shadow");  // .. through a symlink
  EXPECT_EQ(FoldPath("/etc/.shadow"), "/etc/.shadow");
  EXPECT_EQ(FoldPath("/etc/..."), "/etc/...");
  EXPECT_EQ(FoldPath("relative//x"), "relative//x");
  EXPECT_EQ(FoldPath(""), "");
  EXPECT_EQ(FoldPath(std::string_view("/a\0b//c", 7)), std::string("/a\0b/c", 6));
  EXPECT_EQ(FoldPath("/\xff\xfe//x"), "/\xff\xfe/x");
}

TEST(FoldPathTest, IsFoldedAgreesWithFoldPath) {
  for (const char* path : {"/etc//shadow", "//", "/", "", "/etc/.", "/etc/./x", "/etc/.x", "/etc/",
                           "/a/../b", "rel//x", "/x/..", "/.", "/..", "/a/.b/c", "/a//", "a/"}) {
    EXPECT_EQ(IsFolded(path), FoldPath(path) == path) << path;
  }
}

}  // namespace
}  // namespace amber::replay
