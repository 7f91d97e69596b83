// common/text.h: what untrusted bytes look like on a terminal.
#include "common/text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace amber {
namespace {

TEST(EscapeForTerminalTest, PrintableUtf8IsUnchanged) {
  EXPECT_EQ(EscapeForTerminal("/usr/bin/caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"),
            "/usr/bin/caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
}

TEST(EscapeForTerminalTest, ControlsAndInvalidBytesAreHex) {
  EXPECT_EQ(EscapeForTerminal("a\x1b[31mb\x7f"), "a\\x1b[31mb\\x7f");
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b"), "\\xc2\\x9b");  // C1 CSI
  EXPECT_EQ(EscapeForTerminal("\xff\xc3"), "\\xff\\xc3");
  EXPECT_EQ(EscapeForTerminal("a\\b"), "a\\\\b");
}

TEST(EscapeForTerminalTest, BidiOverridesAndIsolatesAreEscaped) {
  // "/tmp/<RLO>gpj.sh" shows as "/tmp/hs.jpg" on a terminal that honours bidi.
  EXPECT_EQ(EscapeForTerminal("/tmp/\xe2\x80\xaegpj.sh"), "/tmp/\\u202egpj.sh");
  const char* kEmbeddings[] = {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
                               "\xe2\x80\xae"};
  for (int i = 0; i < 5; ++i) {
    char want[8];
    std::snprintf(want, sizeof want, "\\u202%c", 'a' + i);
    EXPECT_EQ(EscapeForTerminal(kEmbeddings[i]), want);
  }
  EXPECT_EQ(EscapeForTerminal("\xe2\x81\xa6x\xe2\x81\xa7y\xe2\x81\xa8z\xe2\x81\xa9"),
            "\\u2066x\\u2067y\\u2068z\\u2069");
}

TEST(EscapeForTerminalTest, InvisibleFormatControlsAreEscaped) {
  EXPECT_EQ(EscapeForTerminal("a\xe2\x80\x8e" "b\xe2\x80\x8f"), "a\\u200eb\\u200f");  // LRM, RLM
  EXPECT_EQ(EscapeForTerminal("x\xe2\x80\x8by"), "x\\u200by");                       // ZWSP
  EXPECT_EQ(EscapeForTerminal("\xef\xbb\xbfsh"), "\\ufeffsh");                        // BOM
  EXPECT_EQ(EscapeForTerminal("l1\xe2\x80\xa8l2"), "l1\\u2028l2");                    // LSEP
  EXPECT_EQ(EscapeForTerminal("\xd8\x9c"), "\\u061c");                               // ALM
}

TEST(EscapeForTerminalTest, NeighboursOfFormatControlsStayReadable) {
  // U+2010 HYPHEN, U+2030 PER MILLE, U+2070 SUPERSCRIPT ZERO, U+FEFE (Arabic presentation form).
  for (const char* s : {"\xe2\x80\x90", "\xe2\x80\xb0", "\xe2\x81\xb0", "\xef\xbb\xbe"}) {
    EXPECT_EQ(EscapeForTerminal(s), s);
  }
}

TEST(IsValidUtf8Test, RejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("plain \xe2\x80\xae"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x80"));
}

}  // namespace
}  // namespace amber
