// LZ4 block compression of chunk payloads, with the reader's size limits enforced.
//
// Decompress never allocates more than the declared raw size, which the caller has already held to
// kMaxRawSize, and fails unless the payload decodes to exactly that many bytes. Stateless.
#ifndef AMBER_STORE_COMPRESSION_H_
#define AMBER_STORE_COMPRESSION_H_

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"

namespace amber::store {

// Appends the LZ4 block of `raw` to `out`; returns its size.
size_t Lz4Compress(std::span<const uint8_t> raw, std::vector<uint8_t>* out);

// Decompresses `stored` into `out`, which is resized to raw_size. Corruption when the block is
// malformed or does not decode to exactly raw_size bytes.
Status Lz4Decompress(std::span<const uint8_t> stored, uint32_t raw_size, std::vector<uint8_t>* out);

}  // namespace amber::store

#endif  // AMBER_STORE_COMPRESSION_H_
