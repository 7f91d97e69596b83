// Little-endian fixed-width integers in byte buffers, as the capture format stores them.
// memcpy keeps these free of alignment and aliasing trouble; the static_assert keeps them honest.
#ifndef AMBER_STORE_CODING_H_
#define AMBER_STORE_CODING_H_

#include <bit>
#include <cstdint>
#include <cstring>

namespace amber::store {

static_assert(std::endian::native == std::endian::little,
              "the capture format is little-endian; add byte swaps for big-endian hosts");

inline void PutFixed16(uint8_t* dst, uint16_t v) { std::memcpy(dst, &v, sizeof v); }
inline void PutFixed32(uint8_t* dst, uint32_t v) { std::memcpy(dst, &v, sizeof v); }
inline void PutFixed64(uint8_t* dst, uint64_t v) { std::memcpy(dst, &v, sizeof v); }
inline uint16_t GetFixed16(const uint8_t* src) {
  uint16_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}
inline uint32_t GetFixed32(const uint8_t* src) {
  uint32_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}
inline uint64_t GetFixed64(const uint8_t* src) {
  uint64_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}

}  // namespace amber::store

#endif  // AMBER_STORE_CODING_H_
