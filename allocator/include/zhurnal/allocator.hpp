// Which allocator serves this process's malloc (allocator/CMakeLists.txt).
#pragma once

#include <cstdlib>
#include <string>

#ifdef ZHURNAL_MIMALLOC
#include <mimalloc.h>
#endif

namespace zhurnal {

// True when malloc() returns memory of mimalloc's heap: the binary was
// linked with zhurnal_allocator and the replacement took effect.
inline bool malloc_is_mimalloc() {
#ifdef ZHURNAL_MIMALLOC
  void* p = std::calloc(1, 64);  // initialized: mi_is_in_heap_region takes a const pointer
  const bool ours = p != nullptr && mi_is_in_heap_region(p);
  std::free(p);
  return ours;
#else
  return false;
#endif
}

// "mimalloc 2.0.9", or "glibc malloc" (a sanitizer build, or a failed replacement).
inline std::string allocator_name() {
#ifdef ZHURNAL_MIMALLOC
  if (malloc_is_mimalloc()) {
    const int v = mi_version();  // e.g. 209
    return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
           std::to_string(v % 10);
  }
#endif
  return "glibc malloc";
}

}  // namespace zhurnal
