// Progress of work on other threads: ProgressTicker's lines, and
// ReadCountingLog's count of the positions a fold read.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "support/temp_dir.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/replay/progress.hpp"
#include "zhurnal/replay/read_counting_log.hpp"

namespace zhurnal::replay {
namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[1024];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// The total becomes known after the work starts (an as-of fold's target);
// the final line counts what the other thread did. (Not a terminal: one
// line at the end, periodic ones only every 10 s.)
TEST(ProgressTickerTest, FinalLineCountsWorkDoneOnAnotherThread) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  std::atomic<uint64_t> total{0}, done{0};
  {
    ProgressTicker ticker("fold", [&] { return total.load(); }, [&] { return done.load(); }, out);
    std::thread worker([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      total = 1000;
      for (int i = 0; i < 1000; ++i) ++done;
    });
    worker.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  const std::string s = contents(out);
  const size_t at = s.find("fold: 1000 из 1000, ");
  ASSERT_NE(at, std::string::npos) << s;
  EXPECT_NE(s.find("/с, готово\n"), std::string::npos) << s;
  EXPECT_EQ(s.find("fold:"), s.rfind("fold:")) << "one line: " << s;
  // The rate counts from the ticker's start, not from when the total came:
  // 1000 in at least 0.3 s.
  const double rate = std::stod(s.substr(at + std::string("fold: 1000 из 1000, ").size()));
  EXPECT_LT(rate, 3334) << s;
  std::fclose(out);
}

// A total that never became known: the work did not start; no line.
TEST(ProgressTickerTest, NothingWhenTheTotalNeverBecomesKnown) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ProgressTicker ticker("fold", [] { return uint64_t{0}; }, [] { return uint64_t{0}; }, out);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  EXPECT_EQ(contents(out), "");
  std::fclose(out);
}

TEST(ProgressTickerTest, WithoutATotalAndStoppedTwice) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  std::atomic<uint64_t> done{7};
  ProgressTicker ticker("compare", nullptr, [&] { return done.load(); }, out);
  ticker.stop();
  ticker.stop();
  const std::string s = contents(out);
  EXPECT_EQ(s.rfind("compare: 7, ", 0), 0u) << s;
  EXPECT_EQ(s.find("compare:"), s.rfind("compare:")) << s;
  std::fclose(out);
}

// A backup's or restore's part counts bytes, shown in MiB of its total.
TEST(ProgressTest, BytesInMebibytesOfTheTotal) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    Progress p("журнал событий", 6 << 20, out);
    p.count_bytes();
    p.update(1 << 20);  // not a terminal: no line within 10 s
    p.finish(6 << 20);
  }
  const std::string s = contents(out);
  EXPECT_EQ(s.rfind("журнал событий: 6.0 из 6.0 МиБ, ", 0), 0u) << s;
  EXPECT_NE(s.find(" МиБ/с, готово\n"), std::string::npos) << s;
  EXPECT_EQ(s.find('\n'), s.size() - 1) << "one line: " << s;
  std::fclose(out);
}

TEST(ReadCountingLogTest, CountsWhatIsReadInOrder) {
  zhurnal::testing::TempDir dir;
  events::LogOptions o;
  o.path = dir.str();
  o.durability = events::Durability::kBuffered;
  auto log = events::open_event_log(o);
  ASSERT_TRUE(log) << log.error().to_string();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE((*log)->append("s", events::ExpectedVersion::any(), {{"T", "p"}},
                               {"c" + std::to_string(i), "a", "", "", std::nullopt}));
  }
  ReadCountingLog counting(log->get());
  EXPECT_EQ(counting.position_read(), 0u);
  EXPECT_EQ(counting.head_position(), 6u);
  std::vector<events::RecordedEvent> out;
  ASSERT_TRUE(counting.read_all(1, 2, &out).is_ok());
  EXPECT_EQ(counting.position_read(), 2u);
  auto sub = counting.subscribe(2);
  auto batch = sub->next(3, std::chrono::milliseconds(0));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->events.size(), 3u);
  EXPECT_EQ(counting.position_read(), 5u);
  ASSERT_TRUE(counting.read_all(1, 1, &out).is_ok());  // behind: the count stays
  EXPECT_EQ(counting.position_read(), 5u);
  auto rest = counting.read_all(6, 10);
  ASSERT_TRUE(rest);
  EXPECT_EQ(counting.position_read(), 6u);
  counting.reset();
  EXPECT_EQ(counting.position_read(), 0u);
  (*log)->close();
}

}  // namespace
}  // namespace zhurnal::replay
