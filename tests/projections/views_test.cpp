// The class register and the student diary, built from a seeded school's
// events, and the projection machinery: checkpoints, rebuild equality.
#include <gtest/gtest.h>

#include "views_fixture.hpp"
#include "schema/views.capnp.h"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {
namespace {

using commands::testing::JournalFixture;

class ViewsTest : public testing::ViewsFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    open_views(true);
  }

  void sync() { ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10))); }

  std::string post(const std::string& id, const std::string& student, int value,
                   const std::string& work = "oral") {
    return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math", "studentId": ")" +
           student + R"(", "value": {"numeric": )" + std::to_string(value) +
           R"(}, "workTypeId": ")" + work + R"(", "comment": ""}})";
  }

};

TEST_F(ViewsTest, RegisterShowsStudentsLessonsMarksAndAverages) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5, "oral"));
  ok("t-math", post("m2", "s1", 3, "test"));
  ok("t-math", R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill"}})");
  ok("t-math", R"({"holdLesson": {"lessonId": "l-math", "topic": "Обыкновенные дроби"}})");
  at("2026-10-05 19:00");
  ok("t-math", R"({"assignHomework": {"lessonId": "l-math", "text": "№ 245, 247", "dueDate": "2026-10-07"}})");
  ok("t-math", R"({"correctMark": {"markId": "m2", "value": {"numeric": 4}, "reason": "Ошибка ввода"}})");
  sync();

  auto view = views_->class_register("c5a", "math", "q1");
  ASSERT_TRUE(view) << view.error().to_string();
  auto r = (*view)->getRoot<schema::RegisterView>().asReader();
  EXPECT_EQ(std::string(r.getClassName().cStr()), "5А");
  EXPECT_EQ(std::string(r.getSubjectName().cStr()), "Математика");
  EXPECT_EQ(std::string(r.getPeriod().getName().cStr()), "1 четверть");
  ASSERT_EQ(r.getLessons().size(), 1u);
  auto lesson = r.getLessons()[0];
  EXPECT_TRUE(lesson.getHeld());
  EXPECT_EQ(std::string(lesson.getTopic().cStr()), "Обыкновенные дроби");
  EXPECT_EQ(std::string(lesson.getHomework().cStr()), "№ 245, 247");
  EXPECT_TRUE(lesson.getHomeworkLate());
  ASSERT_EQ(r.getStudents().size(), 4u);  // 5А: s1..s4, sorted by name
  auto s1 = r.getStudents()[0];
  EXPECT_EQ(std::string(s1.getFullName().cStr()), "Алексеев Иван");
  auto cell = s1.getCells()[0];
  ASSERT_EQ(cell.getMarks().size(), 2u);
  EXPECT_EQ(cell.getMarks()[1].getValue().getNumeric(), 4);
  EXPECT_TRUE(cell.getMarks()[1].getCorrected());
  EXPECT_FALSE(cell.getMarks()[0].getCorrected());
  // simple (5 + 4) / 2 = 4.50; weighted (5*1 + 4*3) / 4 = 4.25
  EXPECT_EQ(s1.getAverages().getSimpleHundredths(), 450);
  EXPECT_EQ(s1.getAverages().getWeightedHundredths(), 425);
  auto s2 = r.getStudents()[1];
  EXPECT_EQ(s2.getCells()[0].getAttendance(), schema::AttendanceCode::ILL);
  EXPECT_EQ(s2.getAverages().getCount(), 0u);
}

TEST_F(ViewsTest, RegisterMarksStudentsOutsideTheSubgroupOrStint) {
  at("2026-10-01 12:00");
  ok("secretary", R"({"departStudent": {"studentId": "s4", "classId": "c5a", "date": "2026-10-02",
      "destination": "Гимназия № 9", "order": "№ 140-у"}})");
  sync();
  auto view = views_->class_register("c5a", "eng", "q1");
  ASSERT_TRUE(view) << view.error().to_string();
  auto r = (*view)->getRoot<schema::RegisterView>().asReader();
  ASSERT_EQ(r.getLessons().size(), 1u);
  for (auto s : r.getStudents()) {
    const std::string id = s.getStudentId().cStr();
    const bool in_group = id == "s1" || id == "s2";
    EXPECT_EQ(s.getCells()[0].getNotEnrolled(), !in_group) << id;
    EXPECT_EQ(s.getLeft(), id == "s4");
  }
}

TEST_F(ViewsTest, DiaryShowsTheWeekAndThePeriodAverages) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  ok("t-math", R"({"assignHomework": {"lessonId": "l-math", "text": "Учить правило", "dueDate": "2026-10-06"}})");
  ok("t-math", R"({"commentStudent": {"commentId": "n1", "studentId": "s1", "lessonId": "l-math",
      "text": "Отлично работал у доски"}})");
  at("2026-10-05 10:30");
  ok("t-eng", R"({"postMark": {"markId": "e1", "lessonId": "l-eng", "studentId": "s1",
      "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}})");
  sync();
  auto view = views_->diary("s1", "2026-10-07");
  ASSERT_TRUE(view) << view.error().to_string();
  auto d = (*view)->getRoot<schema::DiaryView>().asReader();
  EXPECT_EQ(std::string(d.getWeekStart().cStr()), "2026-10-05");
  EXPECT_EQ(std::string(d.getClassName().cStr()), "5А");
  ASSERT_EQ(d.getLessons().size(), 2u);  // math and English (s1 is in subgroup g1)
  auto math = d.getLessons()[0];
  EXPECT_EQ(std::string(math.getSubjectName().cStr()), "Математика");
  EXPECT_EQ(std::string(math.getTeacherName().cStr()), "Иванова Мария Петровна");
  EXPECT_EQ(std::string(math.getLesson().getHomework().cStr()), "Учить правило");
  ASSERT_EQ(math.getCell().getMarks().size(), 1u);
  EXPECT_EQ(d.getSubjects().size(), 2u);
  ASSERT_EQ(d.getNotes().size(), 1u);
  EXPECT_EQ(std::string(d.getNotes()[0].getText().cStr()), "Отлично работал у доски");

  // s3 is not in the English subgroup: one lesson only.
  auto other = views_->diary("s3", "2026-10-05");
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)->getRoot<schema::DiaryView>().getLessons().size(), 1u);
  auto children = views_->children_of("p1");
  ASSERT_TRUE(children);
  EXPECT_EQ(*children, std::vector<std::string>{"s1"});
}

// check_diary answers what diary() would: ok, or the same error.
TEST_F(ViewsTest, CheckDiaryAnswersAsTheDiaryWould) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  sync();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"s1", "2026-10-07"},  {"s3", "2026-10-05"}, {"nope", "2026-10-07"},
      {"s1", "07.10.2026"},  {"s1", "2026-02-30"}, {"s1", "2031-07-15"},
      {"s1", "2020-01-01"},  {"", "2026-10-07"},   {"s1", "2026-10-05 junk"},
      {"s1", "2026-10-5"},   {"s1", "+026-10-05"},
  };
  size_t failures = 0;
  for (const auto& [student, date] : cases) {
    auto view = views_->diary(student, date);
    const events::Status check = views_->check_diary(student, date);
    EXPECT_EQ(check.is_ok(), view.has_value()) << student << " " << date;
    if (view) continue;
    ++failures;
    EXPECT_EQ(check.code(), view.error().code()) << student << " " << date;
    EXPECT_EQ(check.message(), view.error().message()) << student << " " << date;
  }
  EXPECT_GE(failures, 3u);  // the table does exercise the errors
}

// A diary's date is exactly "YYYY-MM-DD": anything else is refused, not
// read as far as it goes.
TEST_F(ViewsTest, DiaryDateIsExactlyYearMonthDay) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  sync();
  ASSERT_TRUE(views_->diary("s1", "2026-10-07"));
  for (const char* date : {"2026-10-07 junk", "2026-10-07T00:00", "2026-10-7", "2026-1-07", "07.10.2026",
                           "2026-02-30", "+026-10-07", "2026-10-0x", ""}) {
    auto view = views_->diary("s1", date);
    ASSERT_FALSE(view) << date;
    EXPECT_EQ(view.error().code(), events::StatusCode::kInvalidArgument) << date;
  }
}

TEST_F(ViewsTest, ChangesNotifyTheirTopicsWithPositions) {
  std::mutex mu;
  std::vector<ChangeSet> seen;
  engine_->add_listener([&](const ChangeSet& c) {
    std::lock_guard lock(mu);
    seen.push_back(c);
  });
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  sync();
  std::lock_guard lock(mu);
  bool diary = false, reg = false;
  for (const ChangeSet& c : seen) {
    diary |= c.topics.count("diary-cell/s1/l-math") > 0;
    reg |= c.topics.count("register/c5a/math") > 0;
    EXPECT_LE(c.position, log_->head_position());
  }
  EXPECT_TRUE(diary);
  EXPECT_TRUE(reg);
}

TEST_F(ViewsTest, IncrementalEqualsRebuiltByteForByte) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  ok("t-math", post("m2", "s2", 2));
  ok("t-math", R"({"cancelMark": {"markId": "m2", "reason": "Не тот ученик"}})");
  sync();
  size_t compared = 0;
  auto st = engine_->rebuild_and_compare("journal", [&](const std::string& live, const std::string& scratch) {
    std::vector<std::pair<std::string, std::string>> a, b;
    auto collect = [&](const std::string& prefix, auto* out) {
      ASSERT_TRUE(store_->scan(prefix, events::KvStore::prefix_end(prefix),
                               [&](std::string_view k, std::string_view v) {
                                 out->emplace_back(std::string(k.substr(prefix.size())), std::string(v));
                                 return true;
                               }).is_ok());
    };
    collect(live, &a);
    collect(scratch, &b);
    compared = a.size();
    EXPECT_EQ(a, b);
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_GT(compared, 30u);
}

TEST_F(ViewsTest, RebuildSwapsWhileServingAndResumesAfterRestart) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "s1", 5));
  sync();
  const std::string before = engine_->active_prefix("journal");
  ASSERT_TRUE(engine_->rebuild("journal").is_ok());
  EXPECT_NE(engine_->active_prefix("journal"), before);
  ok("t-math", post("m2", "s2", 4));
  sync();
  // A restart resumes from the checkpoint and keeps the new generation.
  const std::string after = engine_->active_prefix("journal");
  // Rows of a later generation, as an interrupted rebuild leaves them.
  const std::string later = "journal/ffffff00/";
  {
    events::KvBatch kv;
    kv.put(later + "leftover", "x");
    ASSERT_TRUE(store_->write(kv).is_ok());
  }
  open_views(true);
  EXPECT_EQ(engine_->active_prefix("journal"), after);
  // Every other generation was dropped at the open: the one the swap
  // replaced and the leftover.
  for (const std::string& gone : {before, later}) {
    size_t rows = 0;
    ASSERT_TRUE(store_->scan(gone, events::KvStore::prefix_end(gone), [&](std::string_view, std::string_view) {
      ++rows;
      return true;
    }).is_ok());
    EXPECT_EQ(rows, 0u) << gone;
  }
  auto view = views_->class_register("c5a", "math", "q1");
  ASSERT_TRUE(view);
  auto r = (*view)->getRoot<schema::RegisterView>().asReader();
  int marks = 0;
  for (auto s : r.getStudents()) marks += s.getCells()[0].getMarks().size();
  EXPECT_EQ(marks, 2);
  EXPECT_EQ(r.getPosition(), log_->head_position());
}

}  // namespace
}  // namespace zhurnal::projections
