// libFuzzer target: any bytes as a capture file, through VerifyCapture and a salvaging
// CaptureReader. Nothing may crash, leak, or use memory beyond the documented limits.
#include <cstddef>
#include <cstdint>

#include "store/capture_reader.h"
#include "store/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amber::store;
  MemEnv env;
  env.SetContents("/f.amber", std::vector<uint8_t>(data, data + size));
  (void)VerifyCapture(&env, "/f.amber");
  auto reader = CaptureReader::Open(&env, "/f.amber", {.salvage = true});
  if (reader.ok()) {
    Chunk chunk;
    size_t events = 0;
    while ((*reader)->Next(&chunk)) events += chunk.body.events.size();
    (void)(*reader)->verdict();
    (void)events;
  }
  return 0;
}
