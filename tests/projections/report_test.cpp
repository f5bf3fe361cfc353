// The class report for a period (Views::class_report): a table of commands
// and the exact rows expected for 5А and 1А in the first quarter
// (docs/compliance.md defines every figure).
#include <gtest/gtest.h>

#include <array>
#include <ostream>

#include "views_fixture.hpp"
#include "schema/mark_text.hpp"
#include "schema/views.capnp.h"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {
namespace {

using commands::testing::JournalFixture;

struct Step {
  const char* at;  // school-local time
  std::string actor;
  std::string json;
};

std::string schedule(const char* id, const char* group, const char* subject, const char* teacher,
                     const char* date, int number) {
  return std::string(R"({"scheduleLesson": {"lessonId": ")") + id +
         R"(", "classId": "c5a", "subgroupId": ")" + group + R"(", "subjectId": ")" + subject +
         R"(", "teacherId": ")" + teacher + R"(", "date": ")" + date +
         R"(", "number": )" + std::to_string(number) + "}}";
}
std::string mark(const char* id, const char* lesson, const char* student, const std::string& value,
                 const char* work = "oral") {
  return std::string(R"({"postMark": {"markId": ")") + id + R"(", "lessonId": ")" + lesson +
         R"(", "studentId": ")" + student + R"(", "value": )" + value + R"(, "workTypeId": ")" +
         work + R"(", "comment": ""}})";
}
std::string absence(const char* lesson, const char* student, const char* code) {
  return std::string(R"({"recordAttendance": {"lessonId": ")") + lesson + R"(", "studentId": ")" +
         student + R"(", "code": ")" + code + R"("}})";
}
std::string period_mark(const char* student, const char* subject, const std::string& value) {
  return std::string(R"({"setFinalMark": {"studentId": ")") + student +
         R"(", "classId": "c5a", "subjectId": ")" + subject +
         R"(", "kind": "period", "periodId": "q1", "value": )" + value + R"(, "reason": ""}})";
}
std::string n(int v) { return R"({"numeric": )" + std::to_string(v) + "}"; }
std::string nn(const char* v) { return std::string(R"({"nonNumeric": ")") + v + R"("})"; }

// 5А in q1 (2026-09-01..2026-10-26): s1..s4 from the seed (s1, s2 in the
// English subgroup g1), s5 enrolled from 1 September, s4 leaves on 20 October.
const std::vector<Step> kEvents = {
    {"2026-09-01 12:00", "secretary", R"({"enrollStudent": {"studentId": "s5", "schoolId": "sch1",
        "classId": "c5a", "fullName": "Жуков Кирилл", "birthDate": "2015-05-01", "from": "2026-09-01",
        "order": "№ 102-у"}})"},
    {"2026-09-01 12:00", "deputy", schedule("lr-1", "", "rus", "t-rus", "2026-09-07", 1)},
    {"2026-09-01 12:00", "deputy", schedule("lm-1", "", "math", "t-math", "2026-09-07", 2)},
    {"2026-09-01 12:00", "deputy", schedule("le-1", "g1", "eng", "t-eng", "2026-09-07", 3)},
    {"2026-09-01 12:00", "deputy", schedule("lr-2", "", "rus", "t-rus", "2026-10-05", 1)},
    {"2026-09-01 12:00", "deputy", schedule("lr-3", "", "rus", "t-rus", "2026-10-06", 1)},
    {"2026-09-01 12:00", "deputy", schedule("lm-3", "", "math", "t-math", "2026-10-06", 2)},
    {"2026-09-01 12:00", "deputy", schedule("lr-c", "", "rus", "t-rus", "2026-10-07", 1)},
    {"2026-09-01 12:00", "deputy", schedule("lm-nov", "", "math", "t-math", "2026-11-09", 2)},
    // 7 September: s3 misses the whole day (his two lessons; not in g1).
    {"2026-09-07 12:00", "t-rus", absence("lr-1", "s3", "absent")},
    {"2026-09-07 12:00", "t-rus", mark("c1", "lr-1", "s1", n(5))},
    {"2026-09-07 12:00", "t-math", absence("lm-1", "s3", "ill")},
    {"2026-09-07 12:00", "t-math", mark("a1", "lm-1", "s1", n(5))},
    {"2026-09-07 12:00", "t-math", mark("a2", "lm-1", "s2", n(3))},
    {"2026-09-07 12:00", "t-math", mark("a3", "lm-1", "s1", nn("pass"))},  // not averaged
    // 5 October.
    {"2026-10-05 12:00", "t-rus", absence("lr-2", "s2", "absent")},
    {"2026-10-05 12:00", "t-rus", absence("lr-2", "s3", "late")},  // ОП: not missed
    {"2026-10-05 12:00", "t-rus", mark("c2", "lr-2", "s1", n(4))},
    {"2026-10-05 12:00", "t-math", mark("b1", "l-math", "s1", n(4), "test")},
    {"2026-10-05 12:00", "t-math", mark("b2", "l-math", "s2", n(5), "test")},
    {"2026-10-05 12:00", "t-math", mark("b3", "l-math", "s1", n(2))},
    {"2026-10-05 12:00", "t-eng", absence("l-eng", "s2", "absent")},
    {"2026-10-05 12:00", "t-rus", R"({"recordAttendance": {"lessonId": "l-rus1", "studentId": "f1", "code": "absent"}})"},
    {"2026-10-05 12:05", "t-math", R"({"cancelMark": {"markId": "b3", "reason": "Ошибка"}})"},
    {"2026-10-06 12:00", "t-rus", absence("lr-3", "s1", "excused")},
    {"2026-10-06 12:00", "t-rus", R"({"correctAttendance": {"lessonId": "lr-2", "studentId": "s2",
        "code": "excused", "reason": "Заявление родителей"}})"},
    {"2026-10-06 12:00", "deputy", R"({"cancelLesson": {"lessonId": "lr-c", "reason": "Болезнь учителя"}})"},
    // Period marks, then s4 leaves.
    {"2026-10-19 10:00", "t-math", period_mark("s1", "math", n(5))},
    {"2026-10-19 10:00", "t-math", period_mark("s2", "math", n(4))},
    {"2026-10-19 10:00", "t-math", period_mark("s3", "math", n(3))},
    {"2026-10-19 10:00", "t-math", period_mark("s4", "math", n(2))},
    {"2026-10-19 10:00", "t-math", period_mark("s5", "math", n(2))},
    {"2026-10-19 10:00", "t-rus", period_mark("s1", "rus", n(5))},
    {"2026-10-19 10:00", "t-rus", period_mark("s2", "rus", n(5))},
    {"2026-10-19 10:00", "t-rus", period_mark("s3", "rus", n(4))},
    {"2026-10-19 10:00", "t-rus", period_mark("s5", "rus", nn("notAssessed"))},
    {"2026-10-19 10:00", "t-eng", period_mark("s1", "eng", n(5))},
    {"2026-10-19 10:00", "t-eng", period_mark("s2", "eng", nn("exempt"))},
    {"2026-10-19 12:00", "secretary", R"({"departStudent": {"studentId": "s4", "classId": "c5a",
        "date": "2026-10-20", "destination": "Гимназия № 9", "order": "№ 140-у"}})"},
    // The second quarter: outside q1.
    {"2026-11-09 10:00", "t-math", mark("x1", "lm-nov", "s1", n(1))},
};

std::string s(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

using schema::mark_text;

// Subject statistics: n5 n4 n3 n2 н/а осв зачёт незачёт no-mark N, успеваемость,
// качество, СОУ (hundredths of a percent).
struct Stats {
  std::string subject;
  std::array<uint32_t, 13> v;
  bool operator==(const Stats&) const = default;
};
void PrintTo(const Stats& x, std::ostream* os) {
  *os << x.subject << " {";
  for (uint32_t v : x.v) *os << v << ",";
  *os << "}";
}

// A student: averages per subject (count, simple, weighted, period mark) in
// the report's subject order, attendance (Н Б У ОП missed days) and months
// (lessons, missed, flag).
struct Row {
  std::string id;
  bool left;
  std::string category;
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t, std::string>> subjects;
  std::array<uint32_t, 6> attendance;
  std::vector<std::tuple<std::string, uint32_t, uint32_t, bool>> months;
  bool operator==(const Row&) const = default;
};
void PrintTo(const Row& r, std::ostream* os) {
  *os << r.id << (r.left ? " left " : " ") << r.category << " [";
  for (const auto& [c, a, w, p] : r.subjects) *os << "(" << c << " " << a << " " << w << " " << p << ")";
  *os << "] {";
  for (uint32_t v : r.attendance) *os << v << ",";
  *os << "} [";
  for (const auto& [m, l, x, f] : r.months) *os << "(" << m << " " << l << " " << x << " " << f << ")";
  *os << "]";
}

class ReportTest : public testing::ViewsFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    for (const Step& step : kEvents) {
      at(step.at);
      ok(step.actor, step.json);
    }
    open_views(false);
  }

  static std::vector<Stats> stats_of(schema::ClassReport::Reader r) {
    std::vector<Stats> out;
    for (auto x : r.getSubjects()) {
      out.push_back({s(x.getSubjectId()),
                     {x.getN5(), x.getN4(), x.getN3(), x.getN2(), x.getNotAssessed(), x.getExempt(),
                      x.getPassed(), x.getFailed(), x.getNoMark(), x.getCounted(),
                      x.getSuccessHundredths(), x.getQualityHundredths(), x.getSouHundredths()}});
    }
    return out;
  }

  static std::vector<Row> rows_of(schema::ClassReport::Reader r) {
    std::vector<Row> out;
    for (auto st : r.getStudents()) {
      Row row{s(st.getStudentId()), st.getLeft(), s(st.getCategory()), {}, {}, {}};
      for (auto sub : st.getSubjects()) {
        row.subjects.emplace_back(sub.getAverages().getCount(), sub.getAverages().getSimpleHundredths(),
                                  sub.getAverages().getWeightedHundredths(),
                                  sub.getHasPeriodMark() ? mark_text(sub.getPeriodMark().getValue()) : "");
      }
      auto a = st.getAttendance();
      row.attendance = {a.getAbsent(), a.getIll(), a.getExcused(), a.getLate(), a.getLessonsMissed(),
                        a.getDaysMissed()};
      for (auto m : a.getMonths()) {
        row.months.emplace_back(s(m.getMonth()), m.getLessons(), m.getMissed(), m.getThirtyPercent());
      }
      out.push_back(std::move(row));
    }
    return out;
  }

};

TEST_F(ReportTest, FifthGradeFirstQuarter) {
  auto view = views_->class_report("c5a", "q1");
  ASSERT_TRUE(view) << view.error().to_string();
  auto r = (*view)->getRoot<schema::ClassReport>().asReader();
  EXPECT_EQ(s(r.getClassName()), "5А");
  EXPECT_EQ(s(r.getPeriod().getName()), "1 четверть");
  EXPECT_EQ(r.getPosition(), log_->head_position());

  // Subjects by name: Английский язык, Математика, Русский язык.
  //                   n5 n4 n3 n2 na осв зач незач none  N   усп%   кач%   СОУ
  EXPECT_EQ(stats_of(r), (std::vector<Stats>{
                             {"eng", {1, 0, 0, 0, 0, 1, 0, 0, 2, 1, 10000, 10000, 10000}},
                             {"math", {1, 1, 1, 1, 0, 0, 0, 0, 0, 4, 7500, 5000, 5400}},
                             {"rus", {2, 1, 0, 0, 1, 0, 0, 0, 0, 4, 7500, 7500, 6775}},
                         }));

  const std::vector<std::tuple<std::string, uint32_t, uint32_t, bool>> quiet = {
      {"2026-09", 2, 0, false}, {"2026-10", 4, 0, false}};
  // eng, math, rus: (marks averaged, simple, weighted, period mark); math for s1
  // is 5 (oral) and 4 (test, weight 3): 4.50 and 4.25; зачёт, the cancelled «2»
  // and November's «1» are left out.
  EXPECT_EQ(rows_of(r), (std::vector<Row>{
      {"s1", false, "excellent", {{0, 0, 0, "5"}, {2, 450, 425, "5"}, {2, 450, 450, "5"}},
       {0, 0, 1, 0, 1, 0}, {{"2026-09", 3, 0, false}, {"2026-10", 5, 1, false}}},
      {"s2", false, "good", {{0, 0, 0, "осв"}, {2, 400, 450, "4"}, {0, 0, 0, "5"}},
       {1, 0, 1, 0, 2, 0}, {{"2026-09", 3, 0, false}, {"2026-10", 5, 2, true}}},
      {"s3", false, "oneThree", {{0, 0, 0, ""}, {0, 0, 0, "3"}, {0, 0, 0, "4"}},
       {1, 1, 0, 1, 2, 1}, {{"2026-09", 2, 2, true}, {"2026-10", 4, 0, false}}},
      {"s4", true, "", {{0, 0, 0, ""}, {0, 0, 0, "2"}, {0, 0, 0, ""}}, {0, 0, 0, 0, 0, 0}, quiet},
      {"s5", false, "failing", {{0, 0, 0, ""}, {0, 0, 0, "2"}, {0, 0, 0, "н/а"}}, {0, 0, 0, 0, 0, 0},
       quiet},
  }));

  auto c = r.getCategories();
  EXPECT_EQ(std::vector<uint32_t>({c.getCounted(), c.getExcellent(), c.getGood(), c.getOneThree(),
                                   c.getFailing(), c.getOther(), c.getNone()}),
            std::vector<uint32_t>({4, 1, 1, 1, 1, 0, 0}));
  std::vector<std::string> flagged;
  for (auto id : r.getMissedThirtyPercent()) flagged.push_back(s(id));
  EXPECT_EQ(flagged, (std::vector<std::string>{"s2", "s3"}));
}

TEST_F(ReportTest, FirstGradeHasAttendanceButNoMarks) {
  auto view = views_->class_report("c1a", "q1");
  ASSERT_TRUE(view) << view.error().to_string();
  auto r = (*view)->getRoot<schema::ClassReport>().asReader();
  EXPECT_EQ(stats_of(r), (std::vector<Stats>{{"rus", {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}}}));
  EXPECT_EQ(rows_of(r), (std::vector<Row>{
      {"f1", false, "none", {{0, 0, 0, ""}}, {1, 0, 0, 0, 1, 1},
       {{"2026-09", 0, 0, false}, {"2026-10", 1, 1, true}}},
  }));
  auto c = r.getCategories();
  EXPECT_EQ(std::vector<uint32_t>({c.getCounted(), c.getExcellent(), c.getNone()}),
            std::vector<uint32_t>({1, 0, 1}));
  ASSERT_EQ(r.getMissedThirtyPercent().size(), 1u);
}

TEST_F(ReportTest, UnknownClassOrPeriod) {
  EXPECT_EQ(views_->class_report("nope", "q1").error().code(), events::StatusCode::kNotFound);
  EXPECT_EQ(views_->class_report("c5a", "q9").error().code(), events::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zhurnal::projections
