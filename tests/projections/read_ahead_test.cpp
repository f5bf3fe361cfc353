// Rebuild mode's reader of the log (projections/internal/read_ahead.hpp):
// every batch in order, at most two read ahead of the one taken, nothing
// read past the position it was asked for, and a failed read left to the
// caller.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "internal/read_ahead.hpp"

namespace zhurnal::projections {
namespace {

using events::Status;
using events::StatusCode;

// Positions 1..`events`, `max` at a time; a read that starts at or past
// `fail_from` fails.
class FakeSubscription final : public events::Subscription {
 public:
  explicit FakeSubscription(uint64_t events, std::optional<uint64_t> fail_from = std::nullopt)
      : events_(events), fail_from_(fail_from) {}

  Status next_into(size_t max, std::chrono::milliseconds, events::SubscriptionBatch* batch) override {
    batch->events.clear();
    reads_.fetch_add(1);
    if (fail_from_ && position_ >= *fail_from_) return {StatusCode::kIoError, "read failed"};
    for (size_t i = 0; i < max && position_ < events_; ++i) {
      events::RecordedEvent e;
      e.position = ++position_;
      batch->events.push_back(std::move(e));
    }
    return Status::ok();
  }
  uint64_t position() const override { return position_.load(); }
  int reads() const { return reads_.load(); }

 private:
  const uint64_t events_;
  const std::optional<uint64_t> fail_from_;
  std::atomic<uint64_t> position_{0};  // the test reads it while the reader waits
  std::atomic<int> reads_{0};
};

// Every position taken, in order, until take() has nothing more.
std::vector<uint64_t> take_all(internal::ReadAhead& reader) {
  std::vector<uint64_t> positions;
  while (events::SubscriptionBatch* batch = reader.take()) {
    EXPECT_FALSE(batch->events.empty()) << "an empty batch was handed out";
    for (const auto& e : batch->events) positions.push_back(e.position);
  }
  return positions;
}

// Waits up to 10 s for the reader to have made `reads` reads.
bool wait_reads(const FakeSubscription& sub, int reads) {
  for (int i = 0; i < 1000 && sub.reads() < reads; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return sub.reads() >= reads;
}

// A 1,000-event log read `max` at a time up to `until`: every batch in
// order, and nothing past the batch that reaches `until`.
TEST(ReadAheadTest, DeliversEveryBatchInOrderUpToUntil) {
  struct Case {
    size_t max;
    uint64_t until, positions;
    int reads;
  };
  for (const Case c : {Case{64, 1000, 1000, 16}, Case{100, 250, 300, 3}}) {
    SCOPED_TRACE(::testing::Message() << "max " << c.max << ", until " << c.until);
    FakeSubscription sub(1000);
    internal::ReadAhead reader;
    reader.start(&sub, c.max, c.until);
    const std::vector<uint64_t> positions = take_all(reader);
    ASSERT_EQ(positions.size(), c.positions);
    for (size_t i = 0; i < positions.size(); ++i) ASSERT_EQ(positions[i], i + 1);
    EXPECT_EQ(sub.position(), c.positions);
    EXPECT_EQ(sub.reads(), c.reads);
    EXPECT_EQ(reader.take(), nullptr) << "nothing more once it has stopped";
    EXPECT_FALSE(reader.stop()) << "nothing was dropped";
  }
}

TEST(ReadAheadTest, ReadsAtMostTwoBatchesAheadOfTheOneTaken) {
  FakeSubscription sub(1'000'000);
  internal::ReadAhead reader;
  reader.start(&sub, 10, 1'000'000);
  ASSERT_NE(reader.take(), nullptr);
  ASSERT_TRUE(wait_reads(sub, 3));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(sub.reads(), 3) << "the batch taken and two ahead";
  EXPECT_EQ(sub.position(), 30u);
  // The next take() frees the first batch's buffer for a fourth read.
  events::SubscriptionBatch* second = reader.take();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->events.front().position, 11u);
  ASSERT_TRUE(wait_reads(sub, 4));
  EXPECT_TRUE(reader.stop()) << "two batches read and not taken were dropped";
  EXPECT_EQ(reader.take(), nullptr) << "stopped";
}

TEST(ReadAheadTest, AFailedReadEndsTheReadingAndIsLeftToTheCaller) {
  FakeSubscription sub(1000, 150);
  internal::ReadAhead reader;
  reader.start(&sub, 100, 1000);
  const std::vector<uint64_t> positions = take_all(reader);
  EXPECT_EQ(positions.size(), 200u) << "the batches read before the failure";
  EXPECT_EQ(reader.status().code(), StatusCode::kIoError) << reader.status().to_string();
  EXPECT_FALSE(reader.stop());
  events::SubscriptionBatch batch;
  EXPECT_FALSE(sub.next_into(100, std::chrono::milliseconds(0), &batch).is_ok())
      << "the caller, reading itself, meets the failure";
}

// Any source: here a cursor over positions 1..95 read 10 at a time, and a
// read that throws, which stops the reader as a failed read does.
TEST(ReadAheadTest, ReadsAnySourceAndReportsAThrowingRead) {
  uint64_t next = 1;
  internal::ReadAhead reader;
  reader.start([&](events::SubscriptionBatch* out) -> Status {
    out->events.clear();
    for (; next <= 95 && out->events.size() < 10; ++next) {
      out->events.emplace_back().position = next;
    }
    return Status::ok();
  }, 95);
  EXPECT_EQ(take_all(reader).size(), 95u);
  EXPECT_TRUE(reader.status().is_ok());
  EXPECT_EQ(next, 96u) << "nothing read past the end";

  reader.start([](events::SubscriptionBatch*) -> Status { throw std::runtime_error("disk gone"); }, 95);
  EXPECT_EQ(reader.take(), nullptr);
  EXPECT_FALSE(reader.status().is_ok());
  EXPECT_NE(reader.status().message().find("disk gone"), std::string::npos);
}

TEST(ReadAheadTest, AnEmptyLogGivesNothingAndCanStartAgain) {
  FakeSubscription empty(0);
  internal::ReadAhead reader;
  reader.start(&empty, 100, 10);
  EXPECT_EQ(reader.take(), nullptr);
  FakeSubscription sub(10);
  reader.start(&sub, 4, 10);  // stops the first reader, then reads anew
  EXPECT_EQ(take_all(reader).size(), 10u);
}

}  // namespace
}  // namespace zhurnal::projections
