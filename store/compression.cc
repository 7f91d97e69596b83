#include "store/compression.h"

#include <lz4.h>

#include <limits>
#include <string>

namespace amber::store {

size_t Lz4Compress(std::span<const uint8_t> raw, std::vector<uint8_t>* out) {
  AMBER_CHECK(raw.size() <= static_cast<size_t>(LZ4_MAX_INPUT_SIZE));
  const size_t start = out->size();
  const int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(start + static_cast<size_t>(bound));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(raw.data()),
                                     reinterpret_cast<char*>(out->data() + start),
                                     static_cast<int>(raw.size()), bound);
  AMBER_CHECK(n > 0 || raw.empty());
  out->resize(start + static_cast<size_t>(n));
  return static_cast<size_t>(n);
}

Status Lz4Decompress(std::span<const uint8_t> stored, uint32_t raw_size,
                     std::vector<uint8_t>* out) {
  if (stored.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      raw_size > static_cast<uint32_t>(std::numeric_limits<int>::max())) {
    return Status::Corruption("lz4 block too large");
  }
  out->resize(raw_size);
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(stored.data()),
                                    reinterpret_cast<char*>(out->data()),
                                    static_cast<int>(stored.size()), static_cast<int>(raw_size));
  if (n < 0) return Status::Corruption("lz4 block malformed or larger than its declared size");
  if (static_cast<uint32_t>(n) != raw_size) {
    return Status::Corruption("lz4 block gave " + std::to_string(n) + " bytes, declared " +
                              std::to_string(raw_size));
  }
  return Status::Ok();
}

}  // namespace amber::store
