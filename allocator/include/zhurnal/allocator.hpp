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

// Memory freed stays mapped for a minute before it goes back to the
// system, where mimalloc gives it back after 25 ms (500 ms for whole
// segments). A rebuild frees and takes back about the same memory at every
// commit, ten seconds or more apart; given back at once, it was mapped again
// a page fault at a time (at 10.1M events 1.3M faults, 0.5M with this;
// docs/benchmarks.md, session 14). The server's memory between bursts
// goes back a minute later. MIMALLOC_DECOMMIT_DELAY and
// MIMALLOC_SEGMENT_DECOMMIT_DELAY (milliseconds) in the environment win.
// Call first thing in main().
inline void configure_allocator() {
#ifdef ZHURNAL_MIMALLOC
  constexpr long kDecommitDelayMs = 60000;
  if (!std::getenv("MIMALLOC_DECOMMIT_DELAY")) mi_option_set(mi_option_decommit_delay, kDecommitDelayMs);
  if (!std::getenv("MIMALLOC_SEGMENT_DECOMMIT_DELAY")) {
    mi_option_set(mi_option_segment_decommit_delay, kDecommitDelayMs);
  }
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
