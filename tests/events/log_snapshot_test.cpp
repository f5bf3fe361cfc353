// open_log_snapshot(): the log as a read-only EventLog beside the process
// that holds it open (a running server), through a secondary instance.
#include <gtest/gtest.h>

#include <chrono>

#include "support/temp_dir.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/log_reader.hpp"

namespace zhurnal::events {
namespace {

using testing::TempDir;

CommandContext ctx(std::string id) {
  return CommandContext{std::move(id), "teacher-1", "corr", "cause", std::nullopt};
}

class LogSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogOptions o;
    o.path = dir_.str();
    auto opened = open_event_log(o);
    ASSERT_TRUE(opened) << opened.error().to_string();
    log_ = std::move(*opened);
  }
  Result<AppendResult> append(const std::string& stream, int n, const std::string& id) {
    std::vector<EventData> events;
    for (int i = 0; i < n; ++i) events.push_back({"T" + std::to_string(i), "p"});
    return log_->append(stream, ExpectedVersion::any(), std::move(events), ctx(id));
  }

  TempDir dir_;
  std::unique_ptr<EventLog> log_;
};

// open_log_snapshot() beside the open log (a running server): the log as it
// stood when the snapshot opened, through every read; later appends unseen;
// its own appends refused; a subscription that ends at its head.
TEST_F(LogSnapshotTest, SnapshotBesideTheOpenLogReadsWhatItHeld) {
  ASSERT_TRUE(append("a", 3, "c1"));
  ASSERT_TRUE(append("b", 2, "c2"));
  auto opened = open_log_snapshot({dir_.str(), {}});
  ASSERT_TRUE(opened) << opened.error().to_string();
  EventLog& snap = **opened;
  ASSERT_TRUE(append("a", 2, "c3"));  // after the snapshot
  EXPECT_EQ(log_->head_position(), 7u);

  EXPECT_EQ(snap.head_position(), 5u);
  auto all = snap.read_all(1, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  auto live = log_->read_all(1, 5);
  ASSERT_TRUE(live);
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].hash, (*live)[i].hash) << i;
  auto a = snap.read_stream("a", UINT64_MAX, Direction::kBackward, 10);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ(a->front().stream_version, 3u);
  EXPECT_EQ(*snap.stream_version("a"), 3u);
  auto c2 = snap.find_command("c2");
  ASSERT_TRUE(c2 && *c2);
  EXPECT_EQ((*c2)->first_position, 4u);
  EXPECT_TRUE((*c2)->duplicate);
  auto c3 = snap.find_command("c3");
  ASSERT_TRUE(c3);
  EXPECT_FALSE(c3->has_value());

  auto refused = snap.append("a", ExpectedVersion::any(), {{"T", "p"}}, ctx("c4"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);

  auto sub = snap.subscribe(2);
  auto first = sub->next(2, std::chrono::milliseconds(0));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[0].position, 3u);
  auto rest = sub->next(100, std::chrono::milliseconds(0));
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->events.size(), 1u);
  EXPECT_EQ(rest->events[0].position, 5u);
  auto none = sub->next(100, std::chrono::milliseconds(0));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->events.empty());
  EXPECT_EQ(sub->position(), 5u);

  auto report = snap.verify();
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->events, 5u);
}

TEST_F(LogSnapshotTest, SnapshotOfNoLogIsNotFound) {
  TempDir other;
  auto r = open_log_snapshot({(other.path() / "missing").string(), {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace zhurnal::events
