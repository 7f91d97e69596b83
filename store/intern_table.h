// Interning tables of the body encoder (store/body_encoder.cc): a seeded hash, an open-addressing
// index, and the chunk's string table. Single-threaded; cleared and reused chunk after chunk.
#ifndef AMBER_STORE_INTERN_TABLE_H_
#define AMBER_STORE_INTERN_TABLE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "store/capnp_util.h"

namespace amber::store::internal {

// ---------------------------------------------------------------------------------------------
// Interning tables.

__extension__ typedef unsigned __int128 U128;

inline uint64_t Mum(uint64_t a, uint64_t b) {
  U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A multiply-mix hash after wyhash. The bytes come from the recorded host, so the seed is random
// per encoder: a process there cannot pick paths that all collide and stall the recorder.
inline uint64_t HashBytes(const char* p, size_t n, uint64_t seed) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  uint64_t h = seed ^ Mum(n ^ k0, k1);
  for (; n > 16; p += 16, n -= 16) h = Mum(Load64(p) ^ k1, Load64(p + 8) ^ h);
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
        (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) | static_cast<uint8_t>(p[n - 1]);
  }
  return Mum(h ^ k2, Mum(a ^ k1, b ^ h));
}

// Open addressing with linear probing from a hash to an entry index; the entries themselves live
// with the caller, so a slot is 8 bytes and Clear() keeps the capacity for the next chunk.
class IndexTable {
 public:
  // The index of the entry equal to the probe (equal(i) says whether entry i is), or `next`
  // recorded as a new entry, with *added set.
  template <typename Equal>
  uint32_t FindOrAdd(uint64_t hash, uint32_t next, const Equal& equal, bool* added) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    auto tag = static_cast<uint32_t>(hash ^ (hash >> 32));
    const size_t mask = slots_.size() - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.index_plus_one == 0) {
        slot = {tag, next + 1};
        ++count_;
        *added = true;
        return next;
      }
      if (slot.tag == tag && equal(slot.index_plus_one - 1)) {
        *added = false;
        return slot.index_plus_one - 1;
      }
    }
  }

  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    count_ = 0;
  }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t index_plus_one = 0;  // 0: empty
  };

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.index_plus_one == 0) continue;
      size_t i = slot.tag & mask;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// The chunk's strings, in order of first use. Entry 0 is the empty string (ref 0, "absent").
class StringTable {
 public:
  explicit StringTable(uint64_t seed) : seed_(seed) { Clear(); }

  uint32_t Intern(std::string_view s) {
    if (s.empty()) return 0;
    bool added = false;
    auto next = static_cast<uint32_t>(spans_.size());
    uint32_t ref = index_.FindOrAdd(
        HashBytes(s.data(), s.size(), seed_), next, [&](uint32_t i) { return Get(i) == s; },
        &added);
    if (added) {
      spans_.push_back({arena_.size(), s.size()});
      arena_.append(s);
      words_ += 1 + BlobWords(s.size());
    }
    return ref;
  }

  std::string_view Get(uint32_t ref) const {
    return std::string_view(arena_.data() + spans_[ref].offset, spans_[ref].size);
  }
  size_t size() const { return spans_.size(); }
  size_t words() const { return words_; }  // the List(Data) in a message: pointers and bytes

  void Clear() {
    arena_.clear();
    spans_.assign(1, Span{});
    index_.Clear();
    words_ = 1;
  }

 private:
  struct Span {
    size_t offset = 0;
    size_t size = 0;
  };
  uint64_t seed_;
  std::string arena_;  // every string's bytes, back to back: one allocation, not one per string
  std::vector<Span> spans_;
  IndexTable index_;
  size_t words_ = 0;
};


}  // namespace amber::store::internal

#endif  // AMBER_STORE_INTERN_TABLE_H_
