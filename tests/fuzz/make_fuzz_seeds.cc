// Writes the fuzzer's seed corpus into a directory: small captures of every record kind, clean,
// truncated and rotated, so fuzzing starts from real structure rather than noise.
#include <cstdio>
#include <string>

#include "store/capture_writer.h"
#include "store/file.h"
#include "tests/store/store_test_util.h"

using namespace amber::store;

static int Write(const std::string& path, size_t events, bool close) {
  PosixEnv env;
  WriterOptions o;
  o.chunk_bytes = 2048;
  o.overwrite = true;
  auto w = CaptureWriter::Create(&env, path, testing::SampleHeader(), o);
  if (!w.ok()) {
    std::fprintf(stderr, "%s\n", w.status().message().c_str());
    return 1;
  }
  (void)(*w)->AppendProcess(testing::SampleProcess(10));
  (void)(*w)->AppendContainer(testing::SampleContainer());
  for (const Event& e : testing::SampleEventsOfEveryFamily()) (void)(*w)->AppendEvent(e);
  for (const Event& e : testing::SyntheticMix(events, 1)) (void)(*w)->AppendEvent(e);
  (void)(*w)->AppendLoss(testing::SampleLoss());
  (void)(*w)->AppendStats(testing::SampleStats());
  if (close) return (*w)->Close("seed").ok() ? 0 : 1;
  return (*w)->Flush().ok() ? 0 : 1;  // no footer: a truncated capture
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int rc = Write(dir + "/small.amber", 20, true);
  rc |= Write(dir + "/medium.amber", 300, true);
  rc |= Write(dir + "/unclosed.amber", 50, false);
  return rc;
}
