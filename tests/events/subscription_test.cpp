#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/temp_dir.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::events {
namespace {

using testing::TempDir;
using namespace std::chrono_literals;

std::unique_ptr<EventLog> open_log(const TempDir& dir, size_t live_buffer) {
  LogOptions o;
  o.path = dir.str();
  o.live_buffer_events = live_buffer;
  o.durability = Durability::kBuffered;  // these tests are about order, not fsync
  auto log = open_event_log(o);
  EXPECT_TRUE(log) << log.error().to_string();
  return log ? std::move(*log) : nullptr;
}

void append_n(EventLog* log, const std::string& writer, int n) {
  for (int i = 0; i < n; ++i) {
    auto r = log->append(writer, ExpectedVersion::any(), {{"E", std::to_string(i)}},
                         {writer + "-" + std::to_string(i), "u", "", "", std::nullopt});
    ASSERT_TRUE(r) << r.error().to_string();
  }
}

// Reads until `target` has been delivered or the deadline passes; checks the
// positions are exactly after+1, after+2, ...
struct Received {
  uint64_t last = 0;
  uint64_t live_batches = 0;
  uint64_t catchup_batches = 0;
  uint64_t fell_behind = 0;
  bool in_order = true;
};

Received consume(Subscription* sub, uint64_t after, uint64_t target, size_t batch,
                 std::chrono::milliseconds pause = 0ms) {
  Received r;
  r.last = after;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (r.last < target && std::chrono::steady_clock::now() < deadline) {
    auto b = sub->next(batch, 50ms);
    EXPECT_TRUE(b) << b.error().to_string();
    if (!b) break;
    for (const auto& e : b->events) {
      if (e.position != r.last + 1) r.in_order = false;
      r.last = e.position;
    }
    if (!b->events.empty()) (b->live ? r.live_batches : r.catchup_batches)++;
    if (b->fell_behind) r.fell_behind++;
    if (pause > 0ms) std::this_thread::sleep_for(pause);
  }
  return r;
}

TEST(SubscriptionTest, HandOverUnderConcurrentAppendsIsExactlyOnceInOrder) {
  TempDir dir;
  auto log = open_log(dir, 1 << 16);
  append_n(log.get(), "history", 2000);
  // Reopen: the history is now only in storage, so the subscriber must catch
  // up from disk and hand over to the live buffer while the writers run.
  log.reset();
  log = open_log(dir, 1 << 16);

  constexpr int kWriters = 4, kPerWriter = 1500;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] { append_n(log.get(), "w" + std::to_string(w), kPerWriter); });
  }
  // Start mid-stream, while the writers run.
  const uint64_t start = 700;
  auto sub = log->subscribe(start);
  const uint64_t target = 2000 + kWriters * kPerWriter;
  Received r = consume(sub.get(), start, target, 256);
  for (auto& t : writers) t.join();
  EXPECT_TRUE(r.in_order);
  EXPECT_EQ(r.last, target);
  EXPECT_EQ(sub->position(), target);
  EXPECT_GT(r.catchup_batches, 0u);
  EXPECT_GT(r.live_batches, 0u) << "never switched to live";
  // Nothing more arrives: an empty batch after the wait.
  auto more = sub->next(10, 20ms);
  ASSERT_TRUE(more);
  EXPECT_TRUE(more->events.empty());
}

TEST(SubscriptionTest, SlowSubscriberFallsBehindAndCatchesUpWithoutBlockingAppends) {
  TempDir dir;
  auto log = open_log(dir, 64);  // a tiny live window
  append_n(log.get(), "a", 10);
  auto sub = log->subscribe(0);
  auto first = sub->next(100, 100ms);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->events.size(), 10u);
  EXPECT_TRUE(first->live);

  // The writer runs far past the window while the subscriber is idle; appends
  // complete although nobody reads.
  append_n(log.get(), "b", 500);
  Received r = consume(sub.get(), 10, 510, 32);
  EXPECT_TRUE(r.in_order);
  EXPECT_EQ(r.last, 510u);
  EXPECT_EQ(r.fell_behind, 1u);
  EXPECT_EQ(log->stats().fell_behind, 1u);
}

TEST(SubscriptionTest, ResumesFromLastSeenPositionAfterReopen) {
  TempDir dir;
  uint64_t resume_at = 0;
  {
    auto log = open_log(dir, 1024);
    append_n(log.get(), "a", 30);
    auto sub = log->subscribe(0);
    auto b = sub->next(12, 100ms);
    ASSERT_TRUE(b);
    resume_at = sub->position();
    EXPECT_EQ(resume_at, 12u);
  }
  auto log = open_log(dir, 1024);
  append_n(log.get(), "b", 5);
  auto sub = log->subscribe(resume_at);
  Received r = consume(sub.get(), resume_at, 35, 7);
  EXPECT_TRUE(r.in_order);
  EXPECT_EQ(r.last, 35u);
}

// next_into() reads into the same batch again and again (a catch-up's read
// ahead): each read replaces the events and the flags, from storage and
// from the live buffer, whatever the batch held before.
TEST(SubscriptionTest, ABatchReadIntoAgainHoldsOnlyTheNewEvents) {
  TempDir dir;
  {
    auto log = open_log(dir, 1024);
    append_n(log.get(), "history", 20);
  }
  auto log = open_log(dir, 1024);  // the history only in storage
  auto sub = log->subscribe(0);
  SubscriptionBatch batch;
  ASSERT_TRUE(sub->next_into(8, 0ms, &batch).is_ok());
  ASSERT_EQ(batch.events.size(), 8u);
  EXPECT_FALSE(batch.live);

  // A shorter read: 4 events, not 4 new ones and 4 stale.
  ASSERT_TRUE(sub->next_into(4, 0ms, &batch).is_ok());
  ASSERT_EQ(batch.events.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(batch.events[i].position, 9 + i);
    EXPECT_EQ(batch.events[i].stream, "history");
    EXPECT_EQ(batch.events[i].command_id, "history-" + std::to_string(8 + i));
  }
  ASSERT_TRUE(sub->next_into(100, 0ms, &batch).is_ok());
  ASSERT_EQ(batch.events.size(), 8u);  // the rest of the history
  EXPECT_EQ(batch.events.back().position, 20u);

  // Appended now: served from the live buffer, into the same batch.
  append_n(log.get(), "live", 3);
  ASSERT_TRUE(sub->next_into(100, 100ms, &batch).is_ok());
  ASSERT_EQ(batch.events.size(), 3u);
  EXPECT_TRUE(batch.live);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(batch.events[i].position, 21 + i);
    EXPECT_EQ(batch.events[i].stream, "live");
    EXPECT_EQ(batch.events[i].command_id, "live-" + std::to_string(i));
  }

  // Nothing more: the batch is emptied, not left holding the last events.
  ASSERT_TRUE(sub->next_into(100, 10ms, &batch).is_ok());
  EXPECT_TRUE(batch.events.empty());
  EXPECT_FALSE(batch.live);
  EXPECT_EQ(sub->position(), 23u);
}

// A subscription for the folds (EventFields::kFold) fills in what they read,
// equal to a full read's, and leaves the other fields empty, from storage and
// from the live buffer, in a batch whose events had them all before.
TEST(SubscriptionTest, AFoldSubscriptionFillsTheFoldsFieldsAndEmptiesTheOthers) {
  TempDir dir;
  {
    auto log = open_log(dir, 1024);
    append_n(log.get(), "history", 10);
  }
  auto log = open_log(dir, 1024);  // the history only in storage
  append_n(log.get(), "live", 4);
  auto full = log->read_all(1, 100);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->size(), 14u);

  auto sub = log->subscribe(0, EventFields::kFold);
  SubscriptionBatch batch;
  batch.events = *full;  // every field set: a reused batch must not keep them
  std::vector<RecordedEvent> got;
  bool from_storage = false, from_live = false;
  while (got.size() < full->size()) {
    ASSERT_TRUE(sub->next_into(6, 100ms, &batch).is_ok());
    ASSERT_FALSE(batch.events.empty());
    (batch.live ? from_live : from_storage) = true;
    got.insert(got.end(), batch.events.begin(), batch.events.end());
  }
  EXPECT_TRUE(from_storage);
  EXPECT_TRUE(from_live);
  ASSERT_EQ(got.size(), full->size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    const RecordedEvent& a = got[i];
    const RecordedEvent& b = (*full)[i];
    EXPECT_EQ(a.position, b.position);
    EXPECT_EQ(a.stream_version, b.stream_version);
    EXPECT_EQ(a.recorded_at_us, b.recorded_at_us);
    EXPECT_EQ(a.actor, b.actor);
    EXPECT_EQ(a.payload, b.payload);
    EXPECT_EQ(a.hash, b.hash);
    EXPECT_FALSE(b.stream.empty());
    EXPECT_TRUE(a.stream.empty());
    EXPECT_TRUE(a.type.empty());
    EXPECT_TRUE(a.command_id.empty());
    EXPECT_EQ(a.prev_hash, Hash{});
  }
  // The reusing read_into() of the log itself gives the same.
  std::vector<RecordedEvent> read = *full;
  ASSERT_TRUE(log->read_into(3, 5, &read, EventFields::kFold).is_ok());
  ASSERT_EQ(read.size(), 5u);
  EXPECT_EQ(read[0].payload, (*full)[2].payload);
  EXPECT_TRUE(read[0].command_id.empty());
}

TEST(SubscriptionTest, CommitListenerSeesEveryHead) {
  TempDir dir;
  auto log = open_log(dir, 1024);
  std::atomic<uint64_t> seen{0};
  auto id = log->add_commit_listener([&](uint64_t head) { seen = head; });
  append_n(log.get(), "a", 3);
  EXPECT_EQ(seen.load(), 3u);
  log->remove_commit_listener(id);
  append_n(log.get(), "a", 1);
  EXPECT_EQ(seen.load(), 3u);
}

}  // namespace
}  // namespace zhurnal::events
