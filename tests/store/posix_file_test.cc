// The real file layer (PosixEnv) under a real write limit: RLIMIT_FSIZE makes the kernel refuse
// writes past a size (EFBIG), as a full disk does, without root or a special file system.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>

#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "tests/store/store_test_util.h"

namespace amber::store {
namespace {

class PosixFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/amber-posix-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/c.amber";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs fn with writes past `bytes` refused by the kernel; restores the limit after.
  template <typename Fn>
  void WithFileSizeLimit(rlim_t bytes, Fn fn) {
    struct rlimit old;
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    auto old_handler = signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
    struct rlimit lim = {bytes, old.rlim_max};
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
    fn();
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
  }

  std::string dir_, path_;
  PosixEnv env_;
};

TEST_F(PosixFileTest, WriteLimitMidChunkLeavesAValidCaptureWithAFooter) {
  const auto events = testing::SyntheticMix(20000, 3);
  Status error;
  WithFileSizeLimit(60000, [&] {
    WriterOptions o;
    o.chunk_bytes = 16384;
    auto w = CaptureWriter::Create(&env_, path_, testing::SampleHeader(), o);
    ASSERT_TRUE(w.ok()) << w.status().message();
    for (const Event& e : events) {
      error = (*w)->AppendEvent(e);
      if (!error.ok()) break;
    }
    Status closed = (*w)->Close("test");
    if (error.ok()) error = closed;
  });
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.code(), StatusCode::kResourceExhausted) << error.message();
  auto v = VerifyCapture(&env_, path_);
  ASSERT_TRUE(v.ok());
  // The torn chunk was cut away and the footer written where it had been: a clean file.
  EXPECT_EQ(v->verdict, Verdict::kIntact)
      << (v->first_problem ? v->first_problem->message : std::string());
  EXPECT_GT(v->events, 0u);
  EXPECT_LE(std::filesystem::file_size(path_), 60000u);
}

TEST_F(PosixFileTest, RefusesToOverwriteAnExistingFile) {
  { auto f = env_.NewWritableFile(path_, false); ASSERT_TRUE(f.ok()); }
  auto again = env_.NewWritableFile(path_, false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
}

TEST_F(PosixFileTest, MissingFileIsNotFound) {
  auto f = env_.NewReadableFile(dir_ + "/absent.amber");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
}

TEST_F(PosixFileTest, DirectoryIsNotACapture) {
  auto f = env_.NewReadableFile(dir_);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace amber::store
