// Incremental equals rebuilt on the generated demo school: one demo school
// (zhurnal::demo::generate_demo, 8 calendar weeks by default: the first
// quarter, ~46,000 commands and ~79,000 events) is written through the
// Journal while the ProjectionEngine follows the log live; then
//   - every projection's live rows equal a from-scratch rebuild, byte for
//     byte, and the store holds nothing else;
//   - a sample of views (class registers, diaries, class reports, monthly
//     compliance checks) encodes to the same bytes before and after a full
//     rebuild of every projection (ProjectionEngine::rebuild), and again
//     after the engine is reopened over the store.
//
// Environment:
//   ZHURNAL_DEMO_WEEKS  calendar weeks of lessons to generate (default 8)
//   ZHURNAL_DEMO_SEED   the generator's seed (default 1)
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "schema/views.capnp.h"
#include "support/temp_dir.hpp"
#include "view_audit.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections_crash {
namespace {

using Clock = std::chrono::steady_clock;
using projections::ProjectionEngine;
using projections::ViewMessage;
using projections::Views;

constexpr int kDefaultWeeks = 8;                            // the first quarter; about 13 s in all
constexpr auto kFollowTimeout = std::chrono::seconds(120);  // the engine reaches the head

int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  int v = 0;
  const std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string encode(const ViewMessage& m) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(*m);
  kj::ArrayPtr<const kj::byte> bytes = words.asBytes();
  return std::string(bytes.begin(), bytes.end());
}

// What the sampled queries need to know about the generated school, read
// back from the log.
struct SchoolFacts {
  std::string school_id;
  std::vector<std::string> periods;                          // in the order opened
  std::map<std::string, int> class_grades;                   // class id -> grade
  std::map<std::string, std::set<std::string>> subjects;     // class id -> subjects with lessons
  std::map<std::string, std::vector<std::string>> students;  // class id -> enrolled
  std::string first_lesson_date, last_lesson_date;
};

// One view query, named for failure messages.
struct Query {
  std::string name;
  std::function<events::Result<ViewMessage>(const Views&)> run;
};

class DemoViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    events::LogOptions lo;
    lo.path = (dir_.path() / "log").string();
    lo.durability = events::Durability::kBuffered;
    lo.clock_us = [this] { return now_.load(); };
    auto log = events::open_event_log(lo);
    ASSERT_TRUE(log) << log.error().to_string();
    log_ = std::move(*log);
    auto store = events::KvStore::open({(dir_.path() / "views").string(), false, true});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
    ASSERT_NO_FATAL_FAILURE(open_engine());
    commands::JournalOptions jo;
    jo.log = log_.get();
    jo.clock_us = [this] { return now_.load(); };
    auto journal = commands::Journal::open(jo);
    ASSERT_TRUE(journal) << journal.error().to_string();
    journal_ = std::move(*journal);
  }

  void TearDown() override {
    views_.reset();
    engine_.reset();
    journal_.reset();
    store_.reset();
    log_.reset();
  }

  void open_engine() {
    views_.reset();
    engine_.reset();
    auto engine = ProjectionEngine::open({log_.get(), store_.get(), nullptr, 2048},
                                         projections::standard_projections());
    ASSERT_TRUE(engine) << engine.error().to_string();
    engine_ = std::move(*engine);
    events::Status st = engine_->catch_up();
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    engine_->start();
    views_ = std::make_unique<Views>(store_.get(), engine_.get());
  }

  SchoolFacts read_facts();
  std::vector<Query> sample_queries(const SchoolFacts& facts);
  // Runs every query; the encoded messages, by query name.
  std::map<std::string, std::string> run_queries(const std::vector<Query>& queries);
  void expect_equal_to_rebuild(const char* when);

  zhurnal::testing::TempDir dir_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<events::KvStore> store_;
  std::unique_ptr<ProjectionEngine> engine_;
  std::unique_ptr<Views> views_;
  std::unique_ptr<commands::Journal> journal_;
};

SchoolFacts DemoViewsTest::read_facts() {
  SchoolFacts f;
  for (uint64_t from = 1;;) {
    auto chunk = log_->read_all(from, 8192);
    EXPECT_TRUE(chunk) << chunk.error().to_string();
    if (!chunk || chunk->empty()) break;
    from = chunk->back().position + 1;
    for (const events::RecordedEvent& e : *chunk) {
      schema::BoundedMessageReader reader(e.payload);
      auto ev = reader.root<schema::JournalEvent>();
      if (ev.isAcademicYearOpened()) {
        auto y = ev.getAcademicYearOpened();
        f.school_id = str(y.getSchoolId());
        for (auto p : y.getPeriods()) f.periods.push_back(str(p.getPeriodId()));
      } else if (ev.isClassOpened()) {
        f.class_grades[str(ev.getClassOpened().getClassId())] = ev.getClassOpened().getGrade();
      } else if (ev.isStudentEnrolled()) {
        auto s = ev.getStudentEnrolled();
        f.students[str(s.getClassId())].push_back(str(s.getStudentId()));
      } else if (ev.isLessonScheduled()) {
        auto l = ev.getLessonScheduled();
        f.subjects[str(l.getClassId())].insert(str(l.getSubjectId()));
        const std::string date = str(l.getDate());
        if (f.first_lesson_date.empty() || date < f.first_lesson_date) f.first_lesson_date = date;
        if (date > f.last_lesson_date) f.last_lesson_date = date;
      }
    }
  }
  return f;
}

// Registers of three classes (first, middle and last grade) in every subject
// they have lessons in; diaries of two students of each of those classes in
// the first and the last week; reports of the classes for the first period;
// the school's compliance for each month with lessons.
std::vector<Query> DemoViewsTest::sample_queries(const SchoolFacts& f) {
  std::vector<Query> q;
  if (f.class_grades.empty() || f.periods.empty()) return q;
  std::vector<std::string> classes;
  for (const auto& [id, grade] : f.class_grades) classes.push_back(id);
  std::vector<std::string> picked = {classes.front(), classes[classes.size() / 2], classes.back()};
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  const std::string period = f.periods.front();
  for (const std::string& c : picked) {
    auto subjects = f.subjects.find(c);
    if (subjects != f.subjects.end()) {
      for (const std::string& s : subjects->second) {
        q.push_back({"register " + c + "/" + s + "/" + period,
                     [=](const Views& v) { return v.class_register(c, s, period); }});
      }
    }
    q.push_back(
        {"report " + c + "/" + period, [=](const Views& v) { return v.class_report(c, period); }});
    auto students = f.students.find(c);
    if (students == f.students.end()) continue;
    const std::vector<std::string>& ids = students->second;
    for (const std::string& st : {ids.front(), ids.back()}) {
      for (const std::string& date : {f.first_lesson_date, f.last_lesson_date}) {
        q.push_back(
            {"diary " + st + "@" + date, [=](const Views& v) { return v.diary(st, date); }});
      }
    }
  }
  for (std::string month = f.first_lesson_date.substr(0, 7);
       month <= f.last_lesson_date.substr(0, 7);) {
    q.push_back(
        {"compliance " + f.school_id + "@" + month,
         [=, school = f.school_id](const Views& v) { return v.compliance(school, month); }});
    int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) + 1;
    if (m > 12) m = 1, ++y;
    month = std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m);
  }
  return q;
}

std::map<std::string, std::string> DemoViewsTest::run_queries(const std::vector<Query>& queries) {
  std::map<std::string, std::string> out;
  for (const Query& q : queries) {
    auto m = q.run(*views_);
    EXPECT_TRUE(m) << q.name << ": " << m.error().to_string();
    if (m) out[q.name] = encode(*m);
  }
  return out;
}

void DemoViewsTest::expect_equal_to_rebuild(const char* when) {
  SCOPED_TRACE(when);
  const Clock::time_point start = Clock::now();
  std::vector<ProjectionComparison> compared;
  events::Status st = compare_with_rebuild(*engine_, *store_, &compared);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  ASSERT_FALSE(compared.empty());
  for (const ProjectionComparison& c : compared) {
    EXPECT_TRUE(c.difference.empty())
        << "projection " << c.name << " (" << c.live_prefix << "): live " << c.live_rows
        << " rows, rebuilt " << c.rebuilt_rows << " rows; first differences:\n"
        << c.difference;
    EXPECT_GT(c.live_rows, 0u) << c.name;
    std::printf("[ demo     ] %s: %s %zu rows (%zu bytes) equal to a rebuild\n", when,
                c.name.c_str(), c.live_rows, c.live_bytes);
  }
  std::printf("[ demo     ] %s: compared in %.1f s\n", when, seconds_since(start));
  std::fflush(stdout);
}

TEST_F(DemoViewsTest, IncrementalEqualsRebuiltOnTheGeneratedSchool) {
  demo::DemoOptions o;
  o.weeks = env_int("ZHURNAL_DEMO_WEEKS", kDefaultWeeks);
  o.seed = static_cast<uint64_t>(env_int("ZHURNAL_DEMO_SEED", 1));
  Clock::time_point start = Clock::now();
  auto summary = demo::generate_demo(
      *journal_, [this](int64_t t) { now_ = t; }, o);
  ASSERT_TRUE(summary) << summary.error().to_string();
  const double generate_s = seconds_since(start);
  const uint64_t head = log_->head_position();
  ASSERT_TRUE(engine_->wait_position(head, kFollowTimeout))
      << "the engine did not reach the head " << head << " (at " << engine_->position() << ")";
  const double follow_s = seconds_since(start);
  std::printf(
      "[ demo     ] weeks=%d seed=%llu: %llu commands, %llu events, %llu students, %llu marks; "
      "generated in %.1f s, views at the head %.1f s after the start\n",
      o.weeks, static_cast<unsigned long long>(o.seed),
      static_cast<unsigned long long>(summary->commands), static_cast<unsigned long long>(head),
      static_cast<unsigned long long>(summary->students),
      static_cast<unsigned long long>(summary->marks), generate_s, follow_s);
  for (const projections::ProjectionStatus& s : engine_->status()) {
    EXPECT_EQ(s.checkpoint, head) << s.name;
  }

  ASSERT_NO_FATAL_FAILURE(expect_equal_to_rebuild("incremental"));
  EXPECT_EQ(stray_keys(*engine_, *store_), std::vector<std::string>{});

  const SchoolFacts facts = read_facts();
  const std::vector<Query> queries = sample_queries(facts);
  ASSERT_GT(queries.size(), 10u);
  const std::map<std::string, std::string> incremental = run_queries(queries);
  ASSERT_EQ(incremental.size(), queries.size());
  // The sample is not empty views: every register has lessons and marks.
  for (const Query& q : queries) {
    if (!q.name.starts_with("register ")) continue;
    auto m = q.run(*views_);
    ASSERT_TRUE(m);
    auto r = (*m)->getRoot<schema::RegisterView>().asReader();
    size_t marks = 0;
    for (auto s : r.getStudents()) {
      for (auto cell : s.getCells()) marks += cell.getMarks().size();
    }
    EXPECT_GT(r.getLessons().size(), 0u) << q.name;
    EXPECT_GT(marks, 0u) << q.name;
    EXPECT_EQ(r.getPosition(), head) << q.name;
  }

  // A full rebuild of every projection swaps in new generations.
  start = Clock::now();
  for (const projections::ProjectionStatus& s : engine_->status()) {
    const std::string before = engine_->active_prefix(s.name);
    events::Status st = engine_->rebuild(s.name);
    ASSERT_TRUE(st.is_ok()) << s.name << ": " << st.to_string();
    EXPECT_NE(engine_->active_prefix(s.name), before) << s.name << " kept its generation";
  }
  std::printf("[ demo     ] full rebuild of every projection in %.1f s; %zu views compared\n",
              seconds_since(start), queries.size());
  for (const projections::ProjectionStatus& s : engine_->status()) {
    EXPECT_EQ(s.checkpoint, head) << s.name;
  }
  const std::map<std::string, std::string> rebuilt = run_queries(queries);
  for (const auto& [name, bytes] : incremental) {
    auto it = rebuilt.find(name);
    ASSERT_NE(it, rebuilt.end()) << name;
    EXPECT_TRUE(it->second == bytes) << name << ": " << bytes.size() << " bytes incremental, "
                                     << it->second.size() << " bytes after the rebuild";
  }

  // Reopened over the same store: the rebuilt generations serve, the replaced
  // ones are gone, and the views are the same again.
  ASSERT_NO_FATAL_FAILURE(open_engine());
  EXPECT_EQ(stray_keys(*engine_, *store_), std::vector<std::string>{});
  const std::map<std::string, std::string> reopened = run_queries(queries);
  for (const auto& [name, bytes] : incremental) {
    auto it = reopened.find(name);
    ASSERT_NE(it, reopened.end()) << name;
    EXPECT_TRUE(it->second == bytes) << name << " differs after reopening";
  }
  ASSERT_NO_FATAL_FAILURE(expect_equal_to_rebuild("after rebuild and reopen"));
}

}  // namespace
}  // namespace zhurnal::projections_crash
