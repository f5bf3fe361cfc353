// SHA-256 for the hash chain and request digests, through OpenSSL's EVP
// interface, which uses the CPU's SHA extensions where present (4-6x faster
// than a portable implementation on the ~300-byte inputs of the append path;
// docs/benchmarks.md).
//
// Thread safety: each thread uses its own digest context.
#pragma once

#include <cstdint>
#include <string_view>

#include "zhurnal/events/types.hpp"

namespace zhurnal::events::internal {

class Sha256 {
 public:
  Sha256();  // starts a digest on this thread's context
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  void update(const Hash& h) { update(h.data(), h.size()); }
  Hash finish();
};

}  // namespace zhurnal::events::internal
