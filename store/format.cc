#include "store/format.h"

namespace amber::store {

std::string_view ChunkKindName(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::kHeader: return "header";
    case ChunkKind::kEvents: return "events";
    case ChunkKind::kSnapshot: return "snapshot";
    case ChunkKind::kContainers: return "containers";
    case ChunkKind::kLosses: return "losses";
    case ChunkKind::kStats: return "stats";
    case ChunkKind::kFooter: return "footer";
  }
  return "unknown";
}

}  // namespace amber::store
