// Force-included (-include) in the fuzz configuration only, before any other
// header. Debian 12's Cap'n Proto 0.9 declares `const char* == StringPtr`
// only for compilers without C++20 rewritten comparisons, and relies on the
// reversed `StringPtr::operator==` otherwise; clang-16 implements P2468,
// which drops that reversed candidate because StringPtr also declares
// operator!=, so capnp/blob.h no longer compiles. These restore the
// comparisons (non-recursive: the right side is converted explicitly).
#pragma once

#include <kj/string.h>

namespace kj {
inline bool operator==(const char* a, const StringPtr& b) { return b == StringPtr(a); }
inline bool operator!=(const char* a, const StringPtr& b) { return !(b == StringPtr(a)); }
}  // namespace kj
