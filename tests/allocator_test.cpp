// The link recipe of zhurnal and zhurnal-bench (allocator/CMakeLists.txt):
// linked like them, this binary's malloc, operator new and the standard
// containers' memory must come from mimalloc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "zhurnal/allocator.hpp"

#ifdef ZHURNAL_MIMALLOC
#include <mimalloc.h>

namespace zhurnal {
namespace {

TEST(AllocatorTest, MallocNewAndContainersComeFromMimalloc) {
  EXPECT_TRUE(malloc_is_mimalloc());
  auto n = std::make_unique<int[]>(100);
  EXPECT_TRUE(mi_is_in_heap_region(n.get()));
  std::string s(1000, 'x');  // past the short-string buffer
  EXPECT_TRUE(mi_is_in_heap_region(s.data()));
  std::vector<std::string> v(10);
  EXPECT_TRUE(mi_is_in_heap_region(v.data()));
  EXPECT_EQ(allocator_name().rfind("mimalloc 2.", 0), 0u) << allocator_name();
}

TEST(AllocatorTest, FreedMemoryIsKeptAMinuteUnlessTheEnvironmentSaysOtherwise) {
  configure_allocator();
  for (auto [option, env] : {std::pair{mi_option_decommit_delay, "MIMALLOC_DECOMMIT_DELAY"},
                             std::pair{mi_option_segment_decommit_delay, "MIMALLOC_SEGMENT_DECOMMIT_DELAY"}}) {
    if (const char* set = std::getenv(env)) {
      EXPECT_EQ(mi_option_get(option), std::atol(set)) << env;
    } else {
      EXPECT_EQ(mi_option_get(option), 60000) << env;
    }
  }
}

}  // namespace
}  // namespace zhurnal
#else
TEST(AllocatorTest, SanitizerBuildKeepsItsOwnAllocator) {
  EXPECT_FALSE(zhurnal::malloc_is_mimalloc());
  EXPECT_EQ(zhurnal::allocator_name(), "glibc malloc");
}
#endif
