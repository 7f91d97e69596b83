// The integrity chain: BLAKE2b-256 (libsodium's crypto_generichash) over the bytes as stored.
//
// chain_0 = H(preamble); chain_i = H(chain_{i-1} || chunk header [0,40) || stored payload).
// See docs/capture-format.md, "Integrity". Also CRC-32 (zlib) for the per-chunk checksums, which
// tell accidental damage (corrupt) from a consistent edit (tampered). Values; not thread-safe.
#ifndef AMBER_STORE_HASH_H_
#define AMBER_STORE_HASH_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace amber::store {

using Digest = std::array<uint8_t, 32>;

class HashChain {
 public:
  // Starts the chain from the file's preamble.
  void Start(std::span<const uint8_t> preamble);
  // Links one chunk: the hashed part of its header and its stored payload.
  void Link(std::span<const uint8_t> header_part, std::span<const uint8_t> payload);
  const Digest& value() const { return value_; }
  // Continues the chain from a known digest (the reader re-anchoring after a skipped region).
  void Reset(const Digest& value) { value_ = value; }

 private:
  Digest value_{};
};

uint32_t Crc32(std::span<const uint8_t> data);
// `n` random bytes from the operating system (ids of captures and recordings).
std::string RandomBytes(size_t n);
std::string DigestHex(const Digest& digest);
// Lowercase hex of any bytes (ids and digests are byte strings in records.h).
std::string BytesHex(std::string_view bytes);
inline std::string DigestBytes(const Digest& d) { return std::string(d.begin(), d.end()); }

}  // namespace amber::store

#endif  // AMBER_STORE_HASH_H_
