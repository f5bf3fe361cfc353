// replay as-of: the register, the diary and the compliance view as they stood
// at instants before, between and after a mark's posting, correction and
// cancellation; and one reader's kept fold moved to later instants.
#include <gtest/gtest.h>

#include <atomic>

#include "replay_fixture.hpp"
#include "schema/views.capnp.h"
#include "support/temp_dir.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/replay/as_of.hpp"
#include "zhurnal/replay/local_time.hpp"

namespace zhurnal::replay {
namespace {

using testing::ReplayFixture;

class AsOfTest : public ReplayFixture {
 protected:
  AsOfQuery register_at(const std::string& at) {
    AsOfQuery q;
    q.at = at;
    q.view = AsOfView::kRegister;
    q.class_id = "c5a";
    q.subject_id = "math";
    q.period_id = "q1";
    return q;
  }
  zhurnal::testing::TempDir scratch_;
};

// What s1's cell in l-math shows: "" (no mark), "3", "4*" (corrected),
// "(4)" (cancelled).
std::string s1_cell(const AsOfResult& r) {
  auto v = r.view->getRoot<schema::RegisterView>().asReader();
  for (auto s : v.getStudents()) {
    if (s.getStudentId() != "s1") continue;
    std::string out;
    for (auto c : s.getCells()) {
      if (c.getLessonId() != "l-math") continue;
      for (auto m : c.getMarks()) {
        std::string x = std::to_string(m.getValue().getNumeric());
        if (m.getCancelled()) x = "(" + x + ")";
        else if (m.getCorrected()) x += "*";
        out += x;
      }
    }
    return out;
  }
  return "no s1";
}

TEST_F(AsOfTest, RegisterShowsTheMarkAsItStoodAtEachInstant) {
  struct Case {
    const char* at;
    const char* cell;
  };
  // Forward, then backward (the kept fold starts again for an earlier instant).
  const std::vector<Case> cases = {
      {"2026-10-05 09:00", ""},      {"2026-10-05 09:30", "3"},  {"2026-10-05 10:59:59", "3"},
      {"2026-10-05 11:00", "4*"},    {"2026-10-05 11:30", "4*"}, {"2026-10-05 12:00", "(4)"},
      {"2026-10-06", "(4)"},         {"2026-10-05 11:15", "4*"}, {"2026-10-05 10:00", "3"},
  };
  AsOfReader reader({log_.get(), scratch_.str()});
  for (const Case& c : cases) {
    auto r = reader.query(register_at(c.at));
    ASSERT_TRUE(r) << c.at << ": " << r.error().to_string();
    EXPECT_EQ(s1_cell(*r), c.cell) << "as of " << c.at;
    EXPECT_EQ(r->time_zone, "Asia/Yekaterinburg");
    auto view = r->view->getRoot<schema::RegisterView>().asReader();
    EXPECT_EQ(view.getPosition(), r->position) << c.at;
  }
}

TEST_F(AsOfTest, PositionIsTheLastEventAtOrBeforeTheInstant) {
  AsOfReader reader({log_.get(), scratch_.str()});
  auto at_post = reader.query(register_at("2026-10-05 09:30"));
  ASSERT_TRUE(at_post);
  auto events = log_->read_all(at_post->position, 2);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_LE(events->at(0).recorded_at_us, at_post->at_us);
  EXPECT_GT(events->at(1).recorded_at_us, at_post->at_us);
  EXPECT_EQ(at_post->at, "2026-10-05 09:30:00");
  EXPECT_EQ(at_post->at_us, *parse_local_time("2026-10-05 04:30", "UTC"));
  auto now = reader.query(register_at("2030-01-01 00:00"));
  ASSERT_TRUE(now);
  EXPECT_EQ(now->position, log_->head_position());
}

TEST_F(AsOfTest, DiaryAndComplianceAsOf) {
  AsOfReader reader({log_.get(), scratch_.str()});
  AsOfQuery diary;
  diary.at = "2026-10-05 11:30";
  diary.view = AsOfView::kDiary;
  diary.student_id = "s1";
  diary.date = "2026-10-05";
  auto d = reader.query(diary);
  ASSERT_TRUE(d) << d.error().to_string();
  bool seen = false;
  for (auto e : d->view->getRoot<schema::DiaryView>().asReader().getLessons()) {
    for (auto m : e.getCell().getMarks()) {
      seen = true;
      EXPECT_EQ(m.getValue().getNumeric(), 4);
      EXPECT_TRUE(m.getCorrected());
      EXPECT_FALSE(m.getCancelled());
    }
  }
  EXPECT_TRUE(seen);

  AsOfQuery comp;
  comp.view = AsOfView::kCompliance;
  comp.school_id = "sch1";
  comp.month = "2026-10";
  comp.at = "2026-10-05 11:30";
  auto before = reader.query(comp);
  ASSERT_TRUE(before) << before.error().to_string();
  comp.at = "2026-10-05 13:00";
  auto after = reader.query(comp);
  ASSERT_TRUE(after);
  auto b = before->view->getRoot<schema::ComplianceView>().asReader();
  auto a = after->view->getRoot<schema::ComplianceView>().asReader();
  EXPECT_EQ(b.getCorrections().size(), 1u);  // the correction only
  EXPECT_EQ(a.getCorrections().size(), 2u);  // and the cancellation
}

TEST_F(AsOfTest, BadInputIsRefusedWithAStableCode) {
  AsOfReader reader({log_.get(), scratch_.str()});
  auto q = register_at("05.10.2026 12:00");
  EXPECT_EQ(reader.query(q).error().code(), events::StatusCode::kInvalidArgument);
  q = register_at("2026-02-30 12:00");
  EXPECT_EQ(reader.query(q).error().code(), events::StatusCode::kInvalidArgument);
  q = register_at("2026-10-05 12:00");
  q.class_id = "nope";
  EXPECT_EQ(reader.query(q).error().code(), events::StatusCode::kNotFound);
  q = register_at("2026-10-05 12:00");
  q.period_id = "";
  EXPECT_EQ(reader.query(q).error().code(), events::StatusCode::kInvalidArgument);
  // Before the class existed: the view did not exist then.
  q = register_at("2026-01-01 00:00");
  EXPECT_EQ(reader.query(q).error().code(), events::StatusCode::kNotFound);
}

// One reader folds only the projections a view reads, and folds again from
// zero, keeping those, for a view of another: register, compliance, diary
// and register again, at instants going forward, each equal to a fresh
// reader's answer.
TEST_F(AsOfTest, ViewsOfOtherProjectionsOnOneReaderEqualFreshReaders) {
  AsOfQuery diary;
  diary.view = AsOfView::kDiary;
  diary.student_id = "s1";
  diary.date = "2026-10-05";
  AsOfQuery comp;
  comp.view = AsOfView::kCompliance;
  comp.school_id = "sch1";
  comp.month = "2026-10";
  auto text = [](const AsOfQuery& q, const AsOfResult& r) {
    switch (q.view) {
      case AsOfView::kRegister:
        return std::string(kj::str(r.view->getRoot<schema::RegisterView>().asReader()).cStr());
      case AsOfView::kDiary:
        return std::string(kj::str(r.view->getRoot<schema::DiaryView>().asReader()).cStr());
      case AsOfView::kCompliance:
        return std::string(kj::str(r.view->getRoot<schema::ComplianceView>().asReader()).cStr());
    }
    return std::string();
  };
  AsOfReader kept({log_.get(), scratch_.str()});
  const std::vector<std::pair<std::string, AsOfQuery>> steps = {
      {"2026-10-05 09:45", register_at("")},
      {"2026-10-05 11:30", comp},
      {"2026-10-05 12:00", diary},
      {"2026-10-05 13:00", register_at("")},
      {"2026-10-05 13:00", comp}};
  for (auto [at, q] : steps) {
    q.at = at;
    SCOPED_TRACE(at + " view " + std::to_string(static_cast<int>(q.view)));
    auto r = kept.query(q);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(kept.cached_position(), r->position);
    AsOfReader fresh({log_.get(), scratch_.str()});
    auto f = fresh.query(q);
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_EQ(r->position, f->position);
    EXPECT_EQ(text(q, *r), text(q, *f));
  }
}

// One reader asked for later and later instants keeps its fold and catches
// it up, in rebuild mode when the next instant is more than 4,096 events
// on (the pool of that mode crashed when started a second time); each
// answer equals a fresh reader's.
TEST(AsOfDemoTest, ALaterInstantFarAheadCatchesTheKeptFoldUp) {
  zhurnal::testing::TempDir dir;
  std::atomic<int64_t> now{1};
  events::LogOptions lo;
  lo.path = (dir.path() / "log").string();
  lo.durability = events::Durability::kBuffered;
  lo.clock_us = [&] { return now.load(); };
  auto log = events::open_event_log(lo);
  ASSERT_TRUE(log) << log.error().to_string();
  {
    auto journal = commands::Journal::open({log->get(), lo.clock_us, nullptr, 8});
    ASSERT_TRUE(journal) << journal.error().to_string();
    demo::DemoOptions o;
    o.weeks = 2;
    auto summary = demo::generate_demo(**journal, [&](int64_t us) { now = us; }, o);
    ASSERT_TRUE(summary) << summary.error().to_string();
  }
  auto compliance_at = [](const std::string& at) {
    AsOfQuery q;
    q.at = at;
    q.view = AsOfView::kCompliance;
    q.school_id = "sch1";
    q.month = "2026-09";
    return q;
  };
  auto text = [](const AsOfResult& r) {
    return std::string(kj::str(r.view->getRoot<schema::ComplianceView>().asReader()).cStr());
  };
  AsOfReader kept({log->get(), dir.path().string()});
  uint64_t last = 0;
  for (const char* at : {"2026-09-02 18:00", "2026-09-08 18:00", "2026-09-14 18:00"}) {
    SCOPED_TRACE(at);
    auto r = kept.query(compliance_at(at));
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_GT(r->position, last + 4096) << "not far enough ahead for rebuild mode";
    last = r->position;
    AsOfReader fresh({log->get(), dir.path().string()});
    auto f = fresh.query(compliance_at(at));
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_EQ(f->position, r->position);
    EXPECT_EQ(text(*r), text(*f));
  }
  (*log)->close();
}

TEST(LocalTimeTest, ParsesSchoolLocalTimesInTheirZone) {
  EXPECT_EQ(*parse_local_time("2026-10-01 12:00", "Asia/Yekaterinburg"),
            *parse_local_time("2026-10-01 07:00", "UTC"));
  EXPECT_EQ(*parse_local_time("2026-10-01", "Europe/Moscow"),
            *parse_local_time("2026-09-30 21:00:00", "UTC"));
  EXPECT_EQ(*parse_local_time("2026-10-01T12:00:30", "UTC") - *parse_local_time("2026-10-01 12:00", "UTC"),
            30'000'000);
  EXPECT_FALSE(parse_local_time("2026-10-01 24:00", "UTC"));
  EXPECT_FALSE(parse_local_time("2026-10-01 12:00", "Mars/Olympus"));
  EXPECT_EQ(format_local_time(*parse_local_time("2026-10-01 12:00", "Asia/Yekaterinburg"),
                              "Asia/Yekaterinburg"),
            "2026-10-01 12:00:00");
}

}  // namespace
}  // namespace zhurnal::replay
