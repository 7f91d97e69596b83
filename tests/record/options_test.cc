// amber-record's command line (record/options.h): the values it accepts, and a clear
// InvalidArgument (the CLI's exit 2) for everything else.
#include "record/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amber::record {
namespace {

using store::Op;

bool Has(const OpSet& ops, Op op) { return ops.test(static_cast<size_t>(op)); }

Result<ParsedCommandLine> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "amber-record");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(OptionsTest, DurationsAndSizesTakeUnits) {
  EXPECT_EQ(*ParseDurationNs("30"), 30'000'000'000ull);
  EXPECT_EQ(*ParseDurationNs("5m"), 300'000'000'000ull);
  EXPECT_EQ(*ParseDurationNs("1h"), 3'600'000'000'000ull);
  EXPECT_EQ(*ParseBytes("16M"), 16ull << 20);
  EXPECT_EQ(*ParseBytes("4k"), 4096u);
  EXPECT_EQ(ParseDurationNs("5d").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBytes("big").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBytes("10MB").status().code(), StatusCode::kInvalidArgument);
}

TEST(OptionsTest, OpListTakesOpAndFamilyNames) {
  Result<OpSet> ops = ParseOpList("connect,ns,init_module");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  EXPECT_TRUE(Has(*ops, Op::kConnect));
  EXPECT_FALSE(Has(*ops, Op::kAccept));
  EXPECT_TRUE(Has(*ops, Op::kUnshare));   // the ns family
  EXPECT_TRUE(Has(*ops, Op::kFsconfig));
  EXPECT_TRUE(Has(*ops, Op::kInitModule));
  EXPECT_FALSE(Has(*ops, Op::kFinitModule));
  EXPECT_FALSE(Has(*ops, Op::kOpen));
  EXPECT_EQ(ops->count(), 2u + 13u);      // connect, init_module and the 13 ns ops

  Result<OpSet> file = ParseOpList("file");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(Has(*file, Op::kOpen) && Has(*file, Op::kRename) && Has(*file, Op::kMknod));
  EXPECT_FALSE(Has(*file, Op::kMemfdCreate));
}

TEST(OptionsTest, OpListRefusesUnknownEmptyAndUnrecordedNames) {
  for (const char* bad : {"opne", "", "open,,exec", "open,", "syscall", "unknown", "none",
                          "op_200", "OPEN"}) {
    Result<OpSet> ops = ParseOpList(bad);
    EXPECT_EQ(ops.status().code(), StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
  EXPECT_NE(ParseOpList("opne").status().message().find("'opne'"), std::string::npos);
}

TEST(OptionsTest, OpsKeepsTheProcessLifecycle) {
  Result<ParsedCommandLine> p = Parse({"-o", "x.amber", "--ops", "connect"});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE(p->options.only_ops.has_value());
  const OpSet& ops = *p->options.only_ops;
  EXPECT_EQ(ops.count(), 4u);
  EXPECT_TRUE(Has(ops, Op::kConnect) && Has(ops, Op::kFork) && Has(ops, Op::kExec) &&
              Has(ops, Op::kExit));
  // Given options go into the capture header as written.
  bool recorded = false;
  for (const auto& [name, value] : p->options.given) recorded |= name == "ops" && value == "connect";
  EXPECT_TRUE(recorded);
}

TEST(OptionsTest, ExcludeOpsRefusesTheProcessLifecycle) {
  Result<ParsedCommandLine> p = Parse({"-o", "x.amber", "--exclude-ops", "mmap,mprotect"});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_FALSE(p->options.only_ops.has_value());
  EXPECT_EQ(p->options.excluded_ops.count(), 2u);
  EXPECT_TRUE(Has(p->options.excluded_ops, Op::kMmap));

  Result<ParsedCommandLine> refused = Parse({"-o", "x.amber", "--exclude-ops", "open,exec"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("always recorded"), std::string::npos);
  EXPECT_EQ(Parse({"-o", "x.amber", "--ops", "bogus"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(OptionsTest, MissingOutputAndBadRingBufferAreRefused) {
  EXPECT_EQ(Parse({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"-o", "x.amber", "--ringbuf-size", "3M"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"-o", "x.amber", "--poll-ms", "0"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"-o", "x.amber", "--no-such-option"}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace amber::record
