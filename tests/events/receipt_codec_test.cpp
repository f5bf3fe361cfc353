// Receipts decoded one after another into one result, as the audit's scan
// does (events/internal/audit.cpp): each decode gives that receipt alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "internal/codec.hpp"

namespace zhurnal::events {
namespace {

AppendResult receipt(uint64_t first, std::vector<StreamVersion> streams) {
  AppendResult r;
  r.first_position = first;
  r.last_position = first + streams.size() - 1;
  r.recorded_at_us = 1'700'000'000'000'000 + static_cast<int64_t>(first);
  r.streams = std::move(streams);
  return r;
}

TEST(ReceiptCodecTest, DecodingIntoAUsedResultGivesThatReceiptAlone) {
  const Hash digest_a{1}, digest_b{2};
  const AppendResult a = receipt(10, {{"student/rs0001-s0001-long-enough-for-the-heap", 3},
                                      {"student/rs0001-s0002", 7},
                                      {"lesson/rs0001-c5a-2026-10-01-2", 1}});
  const AppendResult b = receipt(13, {{"s", 2}});
  const std::string stored_a = internal::encode_receipt(a, digest_a);
  const std::string stored_b = internal::encode_receipt(b, digest_b);

  AppendResult got;
  Hash digest{};
  for (const auto& [stored, want, want_digest] :
       {std::tuple{stored_a, a, digest_a}, std::tuple{stored_b, b, digest_b},
        std::tuple{stored_a, a, digest_a}}) {
    ASSERT_TRUE(internal::decode_receipt(stored, &got, &digest).is_ok());
    EXPECT_EQ(got.first_position, want.first_position);
    EXPECT_EQ(got.last_position, want.last_position);
    EXPECT_EQ(got.recorded_at_us, want.recorded_at_us);
    EXPECT_EQ(got.streams, want.streams);
    EXPECT_TRUE(got.duplicate);
    EXPECT_EQ(digest, want_digest);
  }
}

}  // namespace
}  // namespace zhurnal::events
