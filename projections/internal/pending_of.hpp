// The Pending a projection keeps on its transaction, by type.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections::internal {

// `tx`'s Pending as a T, created on first use. The transaction must be the
// projection's that keeps a T there (a transaction holds one Pending).
template <typename T>
T& pending_of(ProjectionTx& tx) {
  if (auto* p = dynamic_cast<T*>(tx.pending())) return *p;
  auto p = std::make_unique<T>();
  T& ref = *p;
  tx.set_pending(std::move(p));
  return ref;
}

// A text's heap copy in a std::string, when it is too long to sit in the
// string itself (libstdc++ keeps up to 15 bytes inline); for a Pending's
// held_bytes().
inline size_t heap_bytes(std::string_view s) { return s.size() > 15 ? s.size() + 1 : 0; }

}  // namespace zhurnal::projections::internal
