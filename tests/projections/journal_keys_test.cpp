// The journal's lesson index keys (CD/, CL/) are built by appending, with the
// lesson number written as two digits by hand; they must stay byte for byte
// what the printf "%02d" into four bytes they replaced gave, for any number.
#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <string>

#include "projections/internal/journal_projection.hpp"

namespace zhurnal::projections::internal {
namespace {

// The number as the keys wrote it before, verbatim.
std::string printf_two(int n) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

TEST(JournalKeysTest, LessonIndexKeysAreThoseOfPrintf) {
  EXPECT_EQ(class_date_key("c5a", "2026-10-05", 2, "l-math"), "CD/c5a/2026-10-05/02/l-math");
  EXPECT_EQ(class_subject_key("c5a", "math", "2026-10-05", 2, "l-math"),
            "CL/c5a/math/2026-10-05/02/l-math");
  for (int n :
       {INT_MIN, -100, -12, -1, 0, 1, 7, 9, 10, 42, 99, 100, 123, 999, 1000, 12345, INT_MAX}) {
    SCOPED_TRACE(n);
    const std::string two = printf_two(n);
    EXPECT_EQ(class_date_key("c", "2026-09-01", n, "l"), "CD/c/2026-09-01/" + two + "/l");
    EXPECT_EQ(class_subject_key("c", "s", "2026-09-01", n, "l"), "CL/c/s/2026-09-01/" + two + "/l");
  }
  // Empty parts and long ones (past any small-string buffer).
  const std::string long_id(300, 'x');
  EXPECT_EQ(class_date_key("", "", 5, ""), "CD///05/");
  EXPECT_EQ(class_subject_key(long_id, long_id, "d", 11, long_id),
            "CL/" + long_id + "/" + long_id + "/d/11/" + long_id);
}

}  // namespace
}  // namespace zhurnal::projections::internal
