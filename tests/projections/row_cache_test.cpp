// RowCache: a diary read through the cache is byte for byte the diary read
// without it, after every kind of change (cells, final marks, comments, and
// the events that empty the cache: lessons scheduled and moved, a student
// enrolled), and the cache is actually used and stays within its bound.
#include <gtest/gtest.h>

#include <capnp/message.h>
#include <capnp/pretty-print.h>

#include "views_fixture.hpp"
#include "schema/views.capnp.h"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/row_cache.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {
namespace {

using commands::testing::JournalFixture;

class RowCacheTest : public testing::ViewsFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    open_views(true);
  }
  void TearDown() override { engine_->stop(); }

  void sync() { ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10))); }

  static std::string canonical(const ViewMessage& m) {
    kj::Array<capnp::word> words = capnp::canonicalize(m->getRoot<schema::DiaryView>().asReader());
    auto bytes = words.asBytes();
    return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
  }

  // The diary of `student` for the week of 2026-10-05, with and without the cache.
  void expect_same(RowCache& cache, const std::string& student, const std::string& what) {
    sync();
    auto fresh = views_->diary(student, "2026-10-05");
    auto cached = views_->diary(student, "2026-10-05", cache);
    ASSERT_TRUE(fresh && cached) << what;
    EXPECT_TRUE(canonical(*fresh) == canonical(*cached))
        << what << " (" << student << ")\nfresh:  "
        << kj::str((*fresh)->getRoot<schema::DiaryView>().asReader()).cStr() << "\ncached: "
        << kj::str((*cached)->getRoot<schema::DiaryView>().asReader()).cStr();
  }

};

std::string mark(const std::string& id, const std::string& lesson, const std::string& student, int v,
                 const std::string& work = "oral") {
  return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": ")" + lesson + R"(", "studentId": ")" +
         student + R"(", "value": {"numeric": )" + std::to_string(v) + R"(}, "workTypeId": ")" + work +
         R"(", "comment": ""}})";
}

TEST_F(RowCacheTest, CachedDiaryEqualsFreshDiaryAfterEveryChange) {
  RowCache cache(log_.get(), engine_->position());
  struct Step {
    std::string actor, command, what;
  };
  const std::vector<Step> steps = {
      {"t-math", mark("m1", "l-math", "s1", 5), "a mark"},
      {"t-math", mark("m2", "l-math", "s1", 3, "test"), "a second mark in the cell"},
      {"t-math", mark("m3", "l-math", "s2", 4), "another student's mark"},
      {"t-math", R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка"}})",
       "a correction"},
      {"t-math", R"({"cancelMark": {"markId": "m2", "reason": "Ошибка ввода"}})", "a cancellation"},
      {"t-math", R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s1", "code": "absent"}})",
       "attendance"},
      {"t-math", R"({"correctAttendance": {"lessonId": "l-math", "studentId": "s1", "code": "ill", "reason": "Справка"}})",
       "attendance corrected"},
      {"t-eng", mark("e1", "l-eng", "s1", 5), "a subgroup lesson's mark"},
      {"deputy", R"({"scheduleLesson": {"lessonId": "l-math2", "classId": "c5a", "subgroupId": "",
          "subjectId": "math", "teacherId": "t-math", "date": "2026-10-05", "number": 4}})",
       "a lesson scheduled (empties the cache)"},
      {"t-math", mark("m4", "l-math2", "s1", 2), "a mark in the new lesson"},
      {"deputy", R"({"scheduleLesson": {"lessonId": "l-math3", "classId": "c5a", "subgroupId": "",
          "subjectId": "math", "teacherId": "t-math", "date": "2026-10-07", "number": 1}})",
       "a lesson scheduled later in the week"},
      {"deputy", R"({"moveLesson": {"lessonId": "l-math3", "date": "2026-10-08", "number": 3, "reason": "Замена"}})",
       "a lesson moved"},
      {"t-math", R"({"holdLesson": {"lessonId": "l-math", "topic": "Дроби"}})", "a lesson held"},
      {"t-rus", R"({"commentStudent": {"commentId": "k1", "studentId": "s1", "lessonId": "", "text": "Молодец"}})",
       "a comment"},
      {"t-math", mark("m5", "l-math", "s1", 5), "a mark after the comment"},
  };
  expect_same(cache, "s1", "before any change");
  expect_same(cache, "s2", "before any change");
  at("2026-10-05 11:30");
  for (const Step& s : steps) {
    ok(s.actor, s.command);
    expect_same(cache, "s1", s.what);
    expect_same(cache, "s2", s.what);
  }
  at("2026-10-20 12:00");
  ok("t-math", R"({"setFinalMark": {"studentId": "s1", "classId": "c5a", "subjectId": "math",
      "kind": "period", "periodId": "q1", "value": {"numeric": 4}, "reason": ""}})");
  expect_same(cache, "s1", "a final mark");
  ok("secretary", R"({"enrollStudent": {"studentId": "s9", "schoolId": "sch1", "classId": "c5a",
      "fullName": "Жуков Илья", "birthDate": "2015-03-14", "from": "2026-09-01", "order": "№ 7"}})");
  expect_same(cache, "s1", "a student enrolled");

  const RowCache::Stats st = cache.stats();
  EXPECT_GT(st.hits, 2 * st.misses) << "hits " << st.hits << ", misses " << st.misses;
  EXPECT_GT(st.dropped, 0u);
  EXPECT_GT(st.resets, 0u);
}

TEST_F(RowCacheTest, StaysWithinItsBound) {
  RowCache cache(log_.get(), engine_->position(), RowCache::Options{2048});
  at("2026-10-05 09:30");
  for (int i = 0; i < 5; ++i) {
    ok("t-math", mark("b" + std::to_string(i), "l-math", "s1", 4));
    expect_same(cache, "s1", "mark " + std::to_string(i));
    EXPECT_LE(cache.stats().bytes, 2048u + 64 * 1024u);  // one query's rows beyond the bound at most
  }
  EXPECT_GT(cache.stats().resets, 0u);
}

}  // namespace
}  // namespace zhurnal::projections
