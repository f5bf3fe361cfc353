#include "zhurnal/events/event_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::events {
namespace {

using testing::TempDir;

EventData event(std::string type, std::string payload = "p") {
  return EventData{std::move(type), std::move(payload)};
}

CommandContext ctx(std::string id, std::string actor = "teacher-1") {
  return CommandContext{std::move(id), std::move(actor), "corr", "cause", std::nullopt};
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    log_.reset();
    LogOptions o;
    o.path = dir_.str();
    o.clock_us = [this] { return clock_.load(); };
    o.before_write_for_testing = before_write_;
    o.max_group_events = max_group_events_;
    auto opened = open_event_log(o);
    ASSERT_TRUE(opened) << opened.error().to_string();
    log_ = std::move(*opened);
  }

  Result<AppendResult> append(const std::string& stream, ExpectedVersion ev, int n,
                              const std::string& id) {
    std::vector<EventData> events;
    for (int i = 0; i < n; ++i) events.push_back(event("T" + std::to_string(i)));
    return log_->append(stream, ev, std::move(events), ctx(id));
  }

  TempDir dir_;
  std::atomic<int64_t> clock_{1'760'000'000'000'000};
  std::function<Status()> before_write_;  // LogOptions::before_write_for_testing
  size_t max_group_events_ = LogOptions{}.max_group_events;
  std::unique_ptr<EventLog> log_;
};

// Every expected-version mode against an absent and a present stream (at
// version 2), with a right and a wrong version where the mode takes one.
struct ExpectedCase {
  const char* name;
  bool stream_present;
  ExpectedVersion expected;
  bool accepted;
};

TEST_F(EventLogTest, ExpectedVersionTable) {
  const ExpectedCase cases[] = {
      {"any/absent", false, ExpectedVersion::any(), true},
      {"any/present", true, ExpectedVersion::any(), true},
      {"no_stream/absent", false, ExpectedVersion::no_stream(), true},
      {"no_stream/present", true, ExpectedVersion::no_stream(), false},
      {"exists/absent", false, ExpectedVersion::stream_exists(), false},
      {"exists/present", true, ExpectedVersion::stream_exists(), true},
      {"exact0/absent", false, ExpectedVersion::exact(0), true},
      {"exact1/absent", false, ExpectedVersion::exact(1), false},
      {"exact2/present", true, ExpectedVersion::exact(2), true},
      {"exact1/present", true, ExpectedVersion::exact(1), false},
      {"exact3/present", true, ExpectedVersion::exact(3), false},
      {"exact0/present", true, ExpectedVersion::exact(0), false},
  };
  int n = 0;
  for (const ExpectedCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string stream = "s-" + std::to_string(n++);
    const uint64_t current = c.stream_present ? 2 : 0;
    if (c.stream_present) {
      ASSERT_TRUE(append(stream, ExpectedVersion::any(), 2, stream + "-seed"));
    }
    const uint64_t head_before = log_->head_position();
    auto r = append(stream, c.expected, 1, stream + "-try");
    if (c.accepted) {
      ASSERT_TRUE(r) << r.error().to_string();
      ASSERT_EQ(r->streams.size(), 1u);
      EXPECT_EQ(r->streams[0].version, current + 1);
      EXPECT_EQ(r->first_position, head_before + 1);
      EXPECT_FALSE(r->duplicate);
    } else {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code(), StatusCode::kWrongExpectedVersion);
      EXPECT_EQ(r.error().stream(), stream);
      EXPECT_EQ(r.error().current_version(), current);
      EXPECT_EQ(log_->head_position(), head_before) << "a rejected append wrote something";
      EXPECT_EQ(*log_->stream_version(stream), current);
    }
  }
}

TEST_F(EventLogTest, RetryWithSameCommandIdReturnsOriginalUnderEveryMode) {
  const ExpectedVersion modes[] = {ExpectedVersion::any(), ExpectedVersion::no_stream(),
                                   ExpectedVersion::exact(0)};
  int n = 0;
  for (const ExpectedVersion& mode : modes) {
    const std::string stream = "idem-" + std::to_string(n++);
    auto first = append(stream, mode, 2, "cmd-" + stream);
    ASSERT_TRUE(first) << first.error().to_string();
    const uint64_t head = log_->head_position();
    clock_ += 1'000'000;
    auto retry = append(stream, mode, 2, "cmd-" + stream);
    ASSERT_TRUE(retry) << retry.error().to_string();
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ(retry->first_position, first->first_position);
    EXPECT_EQ(retry->last_position, first->last_position);
    EXPECT_EQ(retry->streams, first->streams);
    EXPECT_EQ(retry->recorded_at_us, first->recorded_at_us);
    EXPECT_EQ(log_->head_position(), head);
  }
  // stream_exists retried after the stream moved on: still the original answer.
  ASSERT_TRUE(append("idem-x", ExpectedVersion::any(), 1, "seed-x"));
  auto first = append("idem-x", ExpectedVersion::exact(1), 1, "cmd-x");
  ASSERT_TRUE(first);
  ASSERT_TRUE(append("idem-x", ExpectedVersion::any(), 1, "later-x"));
  auto retry = append("idem-x", ExpectedVersion::exact(1), 1, "cmd-x");
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
}

TEST_F(EventLogTest, RetrySurvivesReopen) {
  auto first = append("s", ExpectedVersion::no_stream(), 3, "cmd-1");
  ASSERT_TRUE(first);
  reopen();
  auto retry = append("s", ExpectedVersion::no_stream(), 3, "cmd-1");
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->last_position, 3u);
  EXPECT_EQ(log_->head_position(), 3u);
}

TEST_F(EventLogTest, ReusedCommandIdForDifferentRequestIsConflict) {
  ASSERT_TRUE(append("s", ExpectedVersion::any(), 1, "cmd-1"));
  auto r = append("s", ExpectedVersion::any(), 2, "cmd-1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kIdempotencyConflict);
  EXPECT_EQ(log_->head_position(), 1u);
}

TEST_F(EventLogTest, ConcurrentRetriesInOneGroupWriteOnce) {
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::atomic<int> originals{0}, duplicates{0};
  std::vector<AppendResult> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = append("shared", ExpectedVersion::no_stream(), 2, "same-command");
      ASSERT_TRUE(r) << r.error().to_string();
      (r->duplicate ? duplicates : originals)++;
      results[t] = *r;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(originals.load(), 1);
  EXPECT_EQ(duplicates.load(), kThreads - 1);
  EXPECT_EQ(log_->head_position(), 2u);
  for (const auto& r : results) EXPECT_EQ(r.first_position, 1u);
}

// The writer builds the next group while the previous one is written: a
// retry can arrive while its original is still on its way to disk. Each
// command is sent twice back to back, without waiting; every pair must write
// once and answer both sends with the same positions.
TEST_F(EventLogTest, RetriesWhileTheOriginalIsInFlightWriteOnce) {
  // One append per group, and a slow disk that keeps each group in flight
  // while the writer builds the next: the second send of a command is always
  // checked while the first is being written.
  before_write_ = [] {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    return Status::ok();
  };
  max_group_events_ = 1;
  reopen();
  constexpr int kCommands = 200;
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0;
  std::vector<std::vector<Result<AppendResult>>> answers(kCommands);
  auto send = [&](int i) {
    std::vector<StreamAppend> streams(1);
    streams[0].stream = "s" + std::to_string(i % 7);
    streams[0].events.push_back(event("E", std::to_string(i)));
    log_->append_async(std::move(streams), ctx("cmd-" + std::to_string(i)),
                       [&, i](Result<AppendResult> r) {
                         std::lock_guard lock(mu);
                         answers[i].push_back(std::move(r));
                         ++answered;
                         cv.notify_all();
                       });
  };
  for (int i = 0; i < kCommands; ++i) {
    send(i);
    send(i);
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return answered == 2 * kCommands; });
  }
  std::set<uint64_t> positions;
  for (int i = 0; i < kCommands; ++i) {
    ASSERT_EQ(answers[i].size(), 2u);
    ASSERT_TRUE(answers[i][0]) << answers[i][0].error().to_string();
    ASSERT_TRUE(answers[i][1]) << answers[i][1].error().to_string();
    EXPECT_NE(answers[i][0]->duplicate, answers[i][1]->duplicate) << "command " << i;
    EXPECT_EQ(answers[i][0]->first_position, answers[i][1]->first_position);
    EXPECT_EQ(answers[i][0]->streams[0].version, answers[i][1]->streams[0].version);
    positions.insert(answers[i][0]->first_position);
  }
  EXPECT_EQ(positions.size(), size_t{kCommands});
  EXPECT_EQ(log_->head_position(), uint64_t{kCommands});
  EXPECT_EQ(log_->stats().duplicates, uint64_t{kCommands});
  auto report = log_->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
}

// Exact expected versions decided on the heads of groups not yet written:
// threads racing on one stream each learn the version from the conflict and
// try again; every version is taken exactly once.
TEST_F(EventLogTest, ExactVersionRaceOnOneStreamTakesEachVersionOnce) {
  constexpr int kThreads = 6, kWins = 60;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<uint64_t> versions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t expected = 0;
      for (int attempt = 0, wins = 0; wins < kWins; ++attempt) {
        auto r = log_->append("race", ExpectedVersion::exact(expected), {event("E")},
                              ctx("t" + std::to_string(t) + "-" + std::to_string(attempt)));
        if (r) {
          std::lock_guard lock(mu);
          EXPECT_TRUE(versions.insert(r->streams[0].version).second);
          expected = r->streams[0].version;
          ++wins;
        } else {
          ASSERT_EQ(r.error().code(), StatusCode::kWrongExpectedVersion) << r.error().to_string();
          auto current = log_->stream_version("race");
          ASSERT_TRUE(current);
          expected = *current;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(versions.size(), size_t{kThreads * kWins});
  EXPECT_EQ(*versions.rbegin(), uint64_t{kThreads * kWins});
  auto report = log_->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
}

// A failed storage write fails its group and every group already built on
// it; the log reopens, and later appends continue the chain from what is on
// disk. Every acknowledged append is in the log, nothing else is.
TEST_F(EventLogTest, FailedWriteFailsTheGroupsBuiltOnItAndTheLogRecovers) {
  std::atomic<int> writes{0};
  before_write_ = [&writes]() -> Status {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    if (++writes == 5) return {StatusCode::kIoError, "injected write failure"};
    return Status::ok();
  };
  reopen();
  constexpr int kThreads = 8, kPerThread = 40;
  std::mutex mu;
  std::map<uint64_t, std::string> acknowledged;  // position -> payload
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        auto r = log_->append("w" + std::to_string(t), ExpectedVersion::any(), {event("E", id)},
                              ctx(id));
        if (!r) {
          EXPECT_EQ(r.error().code(), StatusCode::kIoError) << r.error().to_string();
          ++failed;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged[r->first_position] = id;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(failed.load(), 0);
  EXPECT_EQ(acknowledged.size() + failed.load(), size_t{kThreads * kPerThread});
  auto all = log_->read_all(1, 1'000'000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), acknowledged.size());
  for (size_t i = 0; i < all->size(); ++i) {
    ASSERT_EQ((*all)[i].position, i + 1);
    ASSERT_EQ((*all)[i].payload, acknowledged[i + 1]);
  }
  auto report = log_->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
  // And after reopening from disk.
  before_write_ = nullptr;
  reopen();
  EXPECT_EQ(log_->head_position(), acknowledged.size());
  ASSERT_TRUE(append("after", ExpectedVersion::no_stream(), 1, "after-reopen"));
}

TEST_F(EventLogTest, MultiStreamAppendIsAtomic) {
  ASSERT_TRUE(append("student-2", ExpectedVersion::any(), 1, "seed"));
  // A whole class's marks for one lesson: one stream per student.
  std::vector<StreamAppend> ok;
  for (int i = 1; i <= 3; ++i) {
    ok.push_back({"student-" + std::to_string(i), ExpectedVersion::any(), {event("MarkPosted")}});
  }
  auto r = log_->append(ok, ctx("lesson-1-marks"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->first_position, 2u);
  EXPECT_EQ(r->last_position, 4u);
  ASSERT_EQ(r->streams.size(), 3u);
  EXPECT_EQ(r->streams[1], (StreamVersion{"student-2", 2}));

  // One stream's check fails: nothing of the append is written.
  std::vector<StreamAppend> bad = {
      {"student-1", ExpectedVersion::exact(1), {event("MarkPosted")}},
      {"student-3", ExpectedVersion::exact(7), {event("MarkPosted")}},
  };
  auto rejected = log_->append(bad, ctx("lesson-2-marks"));
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code(), StatusCode::kWrongExpectedVersion);
  EXPECT_EQ(rejected.error().stream(), "student-3");
  EXPECT_EQ(log_->head_position(), 4u);
  EXPECT_EQ(*log_->stream_version("student-1"), 1u);
  // Nor was its command id spent: a corrected request under the same id goes through.
  bad[1].expected = ExpectedVersion::exact(1);
  auto fixed = log_->append(bad, ctx("lesson-2-marks"));
  ASSERT_TRUE(fixed) << fixed.error().to_string();
  EXPECT_FALSE(fixed->duplicate);
}

TEST_F(EventLogTest, RejectsMalformedAppends) {
  struct Case {
    const char* name;
    std::vector<StreamAppend> streams;
    std::string command_id;
  };
  const std::string big(2 << 20, 'x');
  Case cases[] = {
      {"no command id", {{"s", ExpectedVersion::any(), {event("T")}}}, ""},
      {"no streams", {}, "c1"},
      {"empty stream", {{"s", ExpectedVersion::any(), {}}}, "c2"},
      {"empty stream id", {{"", ExpectedVersion::any(), {event("T")}}}, "c3"},
      {"nul in stream id", {{std::string("a\0b", 3), ExpectedVersion::any(), {event("T")}}}, "c4"},
      {"duplicate stream",
       {{"s", ExpectedVersion::any(), {event("T")}}, {"s", ExpectedVersion::any(), {event("T")}}},
       "c5"},
      {"empty type", {{"s", ExpectedVersion::any(), {event("")}}}, "c6"},
      {"payload too large", {{"s", ExpectedVersion::any(), {event("T", big)}}}, "c7"},
  };
  for (Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = log_->append(c.streams, ctx(c.command_id));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(log_->head_position(), 0u);
}

TEST_F(EventLogTest, RecordsEnvelopeAndChainsHashes) {
  ASSERT_TRUE(append("a", ExpectedVersion::any(), 2, "c1"));
  clock_ -= 5;  // a clock that steps back must not make recorded time go back
  ASSERT_TRUE(append("b", ExpectedVersion::any(), 1, "c2"));
  auto all = log_->read_all(1, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  const RecordedEvent& e = (*all)[1];
  EXPECT_EQ(e.position, 2u);
  EXPECT_EQ(e.stream, "a");
  EXPECT_EQ(e.stream_version, 2u);
  EXPECT_EQ(e.type, "T1");
  EXPECT_EQ(e.actor, "teacher-1");
  EXPECT_EQ(e.command_id, "c1");
  EXPECT_EQ(e.correlation_id, "corr");
  EXPECT_EQ(e.causation_id, "cause");
  EXPECT_EQ(e.payload, "p");
  EXPECT_EQ(e.recorded_at_us, clock_.load() + 5);
  EXPECT_EQ((*all)[2].recorded_at_us, e.recorded_at_us);
  EXPECT_EQ((*all)[0].prev_hash, Hash{});
  EXPECT_EQ((*all)[1].prev_hash, (*all)[0].hash);
  EXPECT_EQ((*all)[2].prev_hash, (*all)[1].hash);
  EXPECT_NE((*all)[1].hash, (*all)[2].hash);
  auto report = log_->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->events, 3u);
}

TEST_F(EventLogTest, ReadsStreamsForwardAndBackward) {
  ASSERT_TRUE(append("a", ExpectedVersion::any(), 5, "c1"));
  ASSERT_TRUE(append("b", ExpectedVersion::any(), 2, "c2"));
  ASSERT_TRUE(append("a", ExpectedVersion::any(), 1, "c3"));
  auto fwd = log_->read_stream("a", 3, Direction::kForward, 10);
  ASSERT_TRUE(fwd);
  std::vector<uint64_t> versions, positions;
  for (auto& e : *fwd) versions.push_back(e.stream_version), positions.push_back(e.position);
  EXPECT_EQ(versions, (std::vector<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(positions, (std::vector<uint64_t>{3, 4, 5, 8}));
  auto back = log_->read_stream("a", UINT64_MAX, Direction::kBackward, 2);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].stream_version, 6u);
  EXPECT_EQ((*back)[1].stream_version, 5u);
  auto none = log_->read_stream("zzz", 1, Direction::kForward, 10);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  // A stream that is a prefix of another must not see the other's events.
  ASSERT_TRUE(append("ab", ExpectedVersion::any(), 1, "c4"));
  EXPECT_EQ(log_->read_stream("a", 1, Direction::kForward, 100)->size(), 6u);
  EXPECT_EQ(*log_->stream_version("a"), 6u);
}

TEST_F(EventLogTest, ReadAllIntoAReusedBatchEqualsAFreshRead) {
  ASSERT_TRUE(append("a", ExpectedVersion::any(), 5, "c1"));
  ASSERT_TRUE(append("bb", ExpectedVersion::any(), 3, "c2"));
  auto fresh = log_->read_all(1, 100);
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->size(), 8u);

  // Batches of 3 into one vector: the elements are overwritten in place and
  // the vector shrinks to what was read; nothing of an earlier batch leaks.
  std::vector<RecordedEvent> batch(10);
  batch[9].payload = "stale";
  std::vector<RecordedEvent> joined;
  for (uint64_t from = 1;;) {
    ASSERT_TRUE(log_->read_all(from, 3, &batch).is_ok());
    if (batch.empty()) break;
    EXPECT_LE(batch.size(), 3u);
    joined.insert(joined.end(), batch.begin(), batch.end());
    from = batch.back().position + 1;
  }
  ASSERT_EQ(joined.size(), fresh->size());
  for (size_t i = 0; i < joined.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(joined[i].position, (*fresh)[i].position);
    EXPECT_EQ(joined[i].stream, (*fresh)[i].stream);
    EXPECT_EQ(joined[i].stream_version, (*fresh)[i].stream_version);
    EXPECT_EQ(joined[i].command_id, (*fresh)[i].command_id);
    EXPECT_EQ(joined[i].payload, (*fresh)[i].payload);
    EXPECT_EQ(joined[i].hash, (*fresh)[i].hash);
    EXPECT_EQ(joined[i].prev_hash, (*fresh)[i].prev_hash);
  }
  ASSERT_TRUE(log_->read_all(7, 0, &batch).is_ok());
  EXPECT_TRUE(batch.empty());
  ASSERT_TRUE(log_->read_all(100, 5, &batch).is_ok());
  EXPECT_TRUE(batch.empty());
}

TEST_F(EventLogTest, ManyThreadsProduceContiguousOrderedLog) {
  constexpr int kThreads = 32, kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string stream = "w" + std::to_string(t);
        auto r = log_->append(stream, ExpectedVersion::exact(i), {event("E", std::to_string(i))},
                              ctx(stream + "-" + std::to_string(i)));
        ASSERT_TRUE(r) << r.error().to_string();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log_->head_position(), uint64_t{kThreads * kPerThread});
  auto all = log_->read_all(1, 1'000'000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), size_t{kThreads * kPerThread});
  std::map<std::string, uint64_t> last_version;
  for (size_t i = 0; i < all->size(); ++i) {
    const RecordedEvent& e = (*all)[i];
    ASSERT_EQ(e.position, i + 1);
    // Within each stream, versions rise by one and payloads are in send order.
    ASSERT_EQ(e.stream_version, last_version[e.stream] + 1);
    ASSERT_EQ(e.payload, std::to_string(e.stream_version - 1));
    last_version[e.stream] = e.stream_version;
  }
  EXPECT_LT(log_->stats().groups, uint64_t{kThreads * kPerThread}) << "no group commit happened";
  auto report = log_->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
}

TEST_F(EventLogTest, ReopenKeepsEverything) {
  ASSERT_TRUE(append("a", ExpectedVersion::any(), 3, "c1"));
  auto before = log_->read_all(1, 100);
  ASSERT_TRUE(before);
  reopen();
  EXPECT_EQ(log_->head_position(), 3u);
  EXPECT_EQ(*log_->stream_version("a"), 3u);
  auto r = append("a", ExpectedVersion::exact(3), 1, "c2");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->first_position, 4u);
  auto after = log_->read_all(1, 100);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 4u);
  EXPECT_EQ((*after)[3].prev_hash, (*before)[2].hash) << "chain broken across reopen";
  EXPECT_TRUE(log_->verify()->ok());
}

TEST_F(EventLogTest, AppendAfterCloseFailsClosed) {
  log_->close();
  auto r = append("a", ExpectedVersion::any(), 1, "c1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kClosed);
}

// RocksDB admits one process per database; a second open (here from the
// same process, which RocksDB words differently) says the store is in use,
// the code the CLI's offline commands answer with their own message. The
// view store's open is the same.
TEST_F(EventLogTest, OpeningAStoreThatIsHeldFailsInUse) {
  LogOptions o;
  o.path = dir_.str();
  auto second = open_event_log(o);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), StatusCode::kInUse) << second.error().to_string();
  EXPECT_EQ(status_code_name(StatusCode::kInUse), "in_use");

  TempDir views;
  KvStore::Options kv;
  kv.path = views.str();
  auto first = KvStore::open(kv);
  ASSERT_TRUE(first) << first.error().to_string();
  auto again = KvStore::open(kv);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), StatusCode::kInUse) << again.error().to_string();
  // Other failures to open keep their codes.
  log_.reset();
  o.path = (views.path() / "missing").string();
  o.create_if_missing = false;
  auto missing = open_event_log(o);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().code(), StatusCode::kInUse);
}

TEST_F(EventLogTest, OpeningAForeignDatabaseFails) {
  log_.reset();
  TempDir other;
  LogOptions o;
  o.path = (other.path() / "missing").string();
  o.create_if_missing = false;
  auto r = open_event_log(o);
  ASSERT_FALSE(r);
}

}  // namespace
}  // namespace zhurnal::events
