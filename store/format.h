// Constants of the capture file layout, shared by the chunk writer and reader.
//
// docs/capture-format.md is the reference for every number here; this header holds only what the
// code needs to agree on, with static_asserts on the layout. All integers are little-endian.
#ifndef AMBER_STORE_FORMAT_H_
#define AMBER_STORE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace amber::store {

// File preamble: magic, version, flags.
inline constexpr unsigned char kMagic[8] = {0x8a, 'A', 'M', 'B', '\r', '\n', 0x1a, '\n'};
inline constexpr uint16_t kVersionMajor = 1;  // A reader refuses another major version.
inline constexpr uint16_t kVersionMinor = 0;  // Compatible additions; a reader accepts any minor.
inline constexpr size_t kPreambleSize = 16;   // magic[8] major:u16 minor:u16 crc:u32
inline constexpr size_t kOffPreambleCrc = 12;  // CRC-32 of preamble bytes [0, 12)

// Chunk header, 80 bytes; offsets within it.
inline constexpr uint32_t kChunkSync = 0x4b484341;  // "ACHK" read as a little-endian u32
inline constexpr size_t kChunkHeaderSize = 80;
inline constexpr size_t kOffSync = 0;           // u32
inline constexpr size_t kOffKind = 4;           // u8
inline constexpr size_t kOffCodec = 5;          // u8
inline constexpr size_t kOffReserved = 6;       // u16, zero
inline constexpr size_t kOffStoredSize = 8;     // u32
inline constexpr size_t kOffRawSize = 12;       // u32
inline constexpr size_t kOffRecordCount = 16;   // u32
inline constexpr size_t kOffSequence = 20;      // u32
inline constexpr size_t kOffFirstNs = 24;       // u64
inline constexpr size_t kOffLastNs = 32;        // u64
inline constexpr size_t kOffChainDigest = 40;   // u8[32]
inline constexpr size_t kOffPayloadCrc = 72;    // u32, CRC-32 (zlib) of the stored payload
inline constexpr size_t kOffHeaderCrc = 76;     // u32, CRC-32 of header bytes [0, 76)
inline constexpr size_t kHashedHeaderBytes = kOffChainDigest;  // the chain hashes header [0, 40)
static_assert(kOffHeaderCrc + 4 == kChunkHeaderSize);
static_assert(kOffChainDigest + 32 == kOffPayloadCrc);

// Trailer, 56 bytes, the last bytes of a cleanly closed file.
inline constexpr size_t kTrailerSize = 56;
inline constexpr size_t kOffTrailerFooterOffset = 0;  // u64
inline constexpr size_t kOffTrailerDigest = 8;        // u8[32]
inline constexpr size_t kOffTrailerChunkCount = 40;   // u32
inline constexpr size_t kOffTrailerCrc = 44;          // u32, CRC-32 of trailer bytes [0, 44)
inline constexpr size_t kOffTrailerMagic = 48;        // u8[8]
inline constexpr unsigned char kTrailerMagic[8] = {'A', 'M', 'B', 'E', 'R', 'E', 'N', 'D'};
static_assert(kOffTrailerMagic + 8 == kTrailerSize);

inline constexpr size_t kDigestSize = 32;  // BLAKE2b-256

enum class ChunkKind : uint8_t {
  kHeader = 1,
  kEvents = 2,
  kSnapshot = 3,
  kContainers = 4,
  kLosses = 5,
  kStats = 6,
  kFooter = 7,
};
inline constexpr uint8_t kMaxChunkKind = 7;
std::string_view ChunkKindName(ChunkKind kind);

enum class Codec : uint8_t { kNone = 0, kLz4 = 1 };

// Reader limits (docs/capture-format.md, "Limits"). Each bounds what one hostile chunk can cost.
inline constexpr uint32_t kMaxStoredSize = 64u << 20;  // bytes of payload on disk
inline constexpr uint32_t kMaxRawSize = 64u << 20;     // bytes after decompression
// Cap'n Proto: words a reader may visit per message, as a multiple of the message's own size
// (bounds pointer-aliasing amplification), and the deepest pointer nesting the schema needs + slack.
inline constexpr uint64_t kTraversalFactor = 4;
inline constexpr int kNestingLimit = 16;

}  // namespace amber::store

#endif  // AMBER_STORE_FORMAT_H_
