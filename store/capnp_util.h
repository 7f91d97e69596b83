// Internal to store/: helpers shared by the body encoder and decoder (store/body_encoder.cc,
// store/body_decoder.cc), the only code that includes the generated Cap'n Proto schema.
#ifndef AMBER_STORE_CAPNP_UTIL_H_
#define AMBER_STORE_CAPNP_UTIL_H_

#include <capnp/common.h>
#include <kj/common.h>

#include <cstddef>
#include <string_view>

#include "store/capture.capnp.h"

namespace amber::store::internal {

// Words a struct of type T occupies in a message (its data and pointer sections).
template <typename T>
constexpr size_t kStructWords = T::_capnpPrivate::dataWordSize + T::_capnpPrivate::pointerCount;

constexpr size_t BlobWords(size_t bytes) { return (bytes + 7) / 8; }

inline capnp::Data::Reader AsData(std::string_view s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

inline std::string_view AsView(capnp::Data::Reader d) {
  return std::string_view(reinterpret_cast<const char*>(d.begin()), d.size());
}

}  // namespace amber::store::internal

#endif  // AMBER_STORE_CAPNP_UTIL_H_
