#include "store/hash.h"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>

#include "common/status.h"

namespace amber::store {

static_assert(crypto_generichash_BYTES == 32, "BLAKE2b-256 is the chain's digest size");

void HashChain::Start(std::span<const uint8_t> preamble) {
  // Picks libsodium's fastest BLAKE2b for this CPU; idempotent and thread-safe.
  if (sodium_init() < 0) AMBER_CHECK(false && "libsodium failed to initialise");
  crypto_generichash(value_.data(), value_.size(), preamble.data(), preamble.size(), nullptr, 0);
}

void HashChain::Link(std::span<const uint8_t> header_part, std::span<const uint8_t> payload) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, value_.size());
  crypto_generichash_update(&state, value_.data(), value_.size());
  crypto_generichash_update(&state, header_part.data(), header_part.size());
  crypto_generichash_update(&state, payload.data(), payload.size());
  crypto_generichash_final(&state, value_.data(), value_.size());
}

uint32_t Crc32(std::span<const uint8_t> data) {
  // zlib's crc32 takes a uInt length: feed it in pieces so sizes past 4 GiB stay correct.
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, data.data(), static_cast<uInt>(n));
    data = data.subspan(n);
  }
  return static_cast<uint32_t>(crc);
}

std::string RandomBytes(size_t n) {
  if (sodium_init() < 0) AMBER_CHECK(false && "libsodium failed to initialise");
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string BytesHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string DigestHex(const Digest& digest) {
  return BytesHex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace amber::store
