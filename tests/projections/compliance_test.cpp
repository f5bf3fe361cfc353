// The monthly check (Views::compliance): a table of commands run as the
// school's people at set times, and the exact rows expected for October and
// November 2026 (docs/compliance.md defines every figure).
#include <gtest/gtest.h>

#include <array>
#include <ostream>

#include "views_fixture.hpp"
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

const std::string kSys(commands::kSystemActor);

std::string schedule(const char* id, const char* cls, const char* group, const char* subject,
                     const char* teacher, const char* date, int number) {
  return std::string(R"({"scheduleLesson": {"lessonId": ")") + id + R"(", "classId": ")" + cls +
         R"(", "subgroupId": ")" + group + R"(", "subjectId": ")" + subject +
         R"(", "teacherId": ")" + teacher + R"(", "date": ")" + date +
         R"(", "number": )" + std::to_string(number) + "}}";
}
std::string mark(const char* id, const char* lesson, const char* student, int value,
                 const char* work = "oral") {
  return std::string(R"({"postMark": {"markId": ")") + id + R"(", "lessonId": ")" + lesson +
         R"(", "studentId": ")" + student + R"(", "value": {"numeric": )" +
         std::to_string(value) + R"(}, "workTypeId": ")" + work + R"(", "comment": ""}})";
}
std::string hold(const char* lesson, const char* topic) {
  return std::string(R"({"holdLesson": {"lessonId": ")") + lesson + R"(", "topic": ")" + topic +
         R"("}})";
}
std::string sign_in(const char* user, const char* role) {
  return std::string(R"({"recordSignIn": {"userId": ")") + user +
         R"(", "schoolId": "sch1", "role": ")" + role + R"("}})";
}

// Everything that happens to school sch1 on top of the fixture's seed.
const std::vector<Step> kEvents = {
    {"2026-09-10 12:00", "t-rus", R"({"registerUser": {"userId": "p3", "schoolId": "sch1",
        "fullName": "Васильева Ольга Петровна", "roles": ["parent"]}})"},
    {"2026-09-10 12:00", "secretary", R"({"registerUser": {"userId": "t-bio", "schoolId": "sch1",
        "fullName": "Белкин Андрей Олегович", "roles": ["teacher"]}})"},
    {"2026-09-10 12:00", "deputy", schedule("l-math2", "c5a", "", "math", "t-math", "2026-10-06", 2)},
    {"2026-09-10 12:00", "deputy", schedule("l-rus5", "c5a", "", "rus", "t-rus", "2026-10-06", 1)},
    {"2026-09-10 12:00", "deputy", schedule("l-move", "c5a", "", "math", "t-math", "2026-10-07", 3)},
    {"2026-09-10 12:00", "deputy", schedule("l-cancel", "c5a", "", "rus", "t-rus", "2026-10-08", 1)},
    {"2026-09-10 12:00", "deputy", schedule("l-sub", "c6b", "", "math", "t-bio", "2026-10-09", 1)},
    // First grade: held, attendance and homework, no marks.
    {"2026-10-05 09:00", "t-rus", hold("l-rus1", "Звуки и буквы")},
    {"2026-10-05 09:00", "t-rus", R"({"recordAttendance": {"lessonId": "l-rus1", "studentId": "f1", "code": "absent"}})"},
    {"2026-10-05 09:00", "t-rus", R"({"assignHomework": {"lessonId": "l-rus1", "text": "Прописи, с. 12", "dueDate": "2026-10-06"}})"},
    {"2026-10-05 09:30", "t-math", mark("m1", "l-math", "s1", 5)},
    {"2026-10-05 09:30", "t-math", mark("m2", "l-math", "s2", 4, "test")},
    {"2026-10-05 09:30", "t-math", hold("l-math", "Обыкновенные дроби")},
    {"2026-10-05 09:30", "t-math", R"({"assignHomework": {"lessonId": "l-math", "text": "№ 245", "dueDate": "2026-10-07"}})"},
    // Two hours after the 17:00 deadline: both late by 7200 s; e2 is cancelled.
    {"2026-10-05 19:00", "t-eng", mark("e1", "l-eng", "s1", 3)},
    {"2026-10-05 19:00", "t-eng", mark("e2", "l-eng", "s2", 4)},
    {"2026-10-05 19:00", "t-eng", hold("l-eng", "Present Simple")},
    {"2026-10-05 19:05", "t-eng", R"({"cancelMark": {"markId": "e2", "reason": "Отметка не тому ученику"}})"},
    // l-rus5 goes back to zero marks.
    {"2026-10-06 09:00", "t-rus", hold("l-rus5", "Орфограммы")},
    {"2026-10-06 09:00", "t-rus", mark("r1", "l-rus5", "s1", 4)},
    {"2026-10-06 09:10", "t-rus", R"({"cancelMark": {"markId": "r1", "reason": "Ошибочно выставлена"}})"},
    {"2026-10-06 10:00", "t-math", hold("l-math2", "Сложение дробей")},
    {"2026-10-06 10:00", "t-math", mark("m3", "l-math2", "s3", 2)},
    {"2026-10-06 20:30", "t-math", mark("m4", "l-math2", "s4", 5)},  // late by 12600 s
    {"2026-10-07 08:00", "t-math", R"({"correctMark": {"markId": "m3", "value": {"numeric": 3}, "reason": "Пересдача"}})"},
    {"2026-10-07 08:05", "t-rus", R"({"correctAttendance": {"lessonId": "l-rus1", "studentId": "f1", "code": "ill", "reason": "Справка от врача"}})"},
    {"2026-10-07 08:10", "deputy", R"({"moveLesson": {"lessonId": "l-move", "date": "2026-11-09", "number": 3, "reason": "Перенос по расписанию"}})"},
    {"2026-10-07 08:15", "deputy", R"({"cancelLesson": {"lessonId": "l-cancel", "reason": "Болезнь учителя"}})"},
    {"2026-10-10 18:00", kSys, sign_in("p1", "parent")},
    {"2026-10-10 18:00", kSys, sign_in("s1", "student")},
    {"2026-10-12 18:00", kSys, sign_in("s1", "student")},
    {"2026-10-12 18:00", kSys, sign_in("t-math", "teacher")},
    // 2026-10-31 22:00 UTC, but November in Yekaterinburg.
    {"2026-11-01 03:00", kSys, sign_in("s2", "student")},
    {"2026-11-02 10:00", "director", R"({"signOffMonth": {"schoolId": "sch1", "month": "2026-10", "comment": "Замечаний нет"}})"},
    {"2026-11-03 12:00", "t-rus", R"({"registerUser": {"userId": "p2", "schoolId": "sch1",
        "fullName": "Белова Ирина Сергеевна", "roles": ["parent"]}})"},
    {"2026-11-03 12:00", "secretary", R"({"enrollStudent": {"studentId": "s5", "schoolId": "sch1",
        "classId": "c5a", "fullName": "Жуков Кирилл", "birthDate": "2015-05-01", "from": "2026-11-05",
        "order": "№ 150-у"}})"},
    {"2026-11-05 18:00", kSys, sign_in("p2", "parent")},
    {"2026-11-05 18:00", kSys, sign_in("s5", "student")},
};

// One line of figures: counters in schema::Counters order (scheduled, held,
// with homework, graded held, graded with marks, marks, on time, late, delay s,
// corrections, cancellations, attendance entries, entries, cancelled lessons),
// then student-subjects and the derived shares.
struct Line {
  std::string id;
  std::array<uint64_t, 14> c;
  uint32_t student_subjects, homework, fill, on_time, per_student_subject, delay;
  bool operator==(const Line&) const = default;
};

void PrintTo(const Line& l, std::ostream* os) {
  *os << l.id << " {";
  for (uint64_t v : l.c) *os << v << ",";
  *os << "} " << l.student_subjects << " " << l.homework << " " << l.fill << " " << l.on_time
      << " " << l.per_student_subject << " " << l.delay;
}

Line line_of(const std::string& id, schema::ComplianceView::Figures::Reader f) {
  auto c = f.getCounters();
  return {id,
          {c.getLessonsScheduled(), c.getLessonsHeld(), c.getLessonsWithHomework(),
           c.getGradedLessonsHeld(), c.getGradedLessonsWithMarks(), c.getMarks(), c.getMarksOnTime(),
           c.getMarksLate(), c.getLateDelaySeconds(), c.getCorrections(), c.getCancellations(),
           c.getAttendanceEntries(), c.getEntries(), c.getLessonsCancelled()},
          f.getStudentSubjects(), f.getHomeworkShare(), f.getFillShare(), f.getOnTimeShare(),
          f.getMarksPerStudentSubject(), f.getAverageDelaySeconds()};
}

std::string s(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

class ComplianceTest : public testing::ViewsFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    for (const Step& step : kEvents) {
      at(step.at);
      ok(step.actor, step.json);
    }
    // Commits of three events: the rebuild (one large batch) is compared with
    // rows built across many commits.
    open_views(false, 3);
  }

  ViewMessage month(const std::string& m) {
    auto view = views_->compliance("sch1", m);
    EXPECT_TRUE(view) << view.error().to_string();
    return view ? std::move(*view) : nullptr;
  }

};

TEST_F(ComplianceTest, OctoberFiguresPerSchoolTeacherAndClass) {
  auto m = month("2026-10");
  ASSERT_TRUE(m);
  auto v = m->getRoot<schema::ComplianceView>().asReader();
  EXPECT_EQ(s(v.getSchoolName()), "МАОУ СОШ № 1");
  EXPECT_EQ(v.getPosition(), log_->head_position());
  //                 sch held hw  gh gm mk ok lt delay  co ca at en cn   ss  hw%   fill  ok%  m/ss delay
  const Line school{"sch1", {6, 5, 2, 4, 3, 5, 3, 2, 19800, 2, 2, 1, 19, 1}, 11, 4000, 7500, 6000, 45, 9900};
  const std::vector<Line> teachers = {
      {"t-bio", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 0, 0, 0, 0, 0},
      {"t-math", {2, 2, 1, 2, 2, 4, 3, 1, 12600, 1, 0, 0, 8, 0}, 4, 5000, 10000, 7500, 100, 12600},
      {"t-eng", {1, 1, 0, 1, 1, 1, 0, 1, 7200, 0, 1, 0, 4, 0}, 2, 0, 10000, 0, 50, 7200},
      {"t-rus", {2, 2, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 7, 1}, 4, 5000, 0, 0, 0, 0},
  };
  const std::vector<Line> classes = {
      {"c1a", {1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 4, 0}, 0, 10000, 0, 0, 0, 0},
      {"c5a", {4, 4, 1, 4, 3, 5, 3, 2, 19800, 1, 2, 0, 15, 1}, 10, 2500, 7500, 6000, 50, 9900},
      {"c6b", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 0, 0, 0, 0, 0},
  };
  EXPECT_EQ(line_of("sch1", v.getSchool()), school);
  std::vector<Line> got;
  for (auto t : v.getTeachers()) got.push_back(line_of(s(t.getId()), t.getFigures()));
  EXPECT_EQ(got, teachers);
  got.clear();
  for (auto c : v.getClasses()) got.push_back(line_of(s(c.getId()), c.getFigures()));
  EXPECT_EQ(got, classes);

  ASSERT_EQ(v.getTeachers().size(), 4u);
  EXPECT_EQ(s(v.getTeachers()[1].getName()), "Иванова Мария Петровна");
  ASSERT_EQ(v.getClasses().size(), 3u);
  EXPECT_EQ(s(v.getClasses()[0].getName()), "1А");
  EXPECT_FALSE(v.getClasses()[0].getGraded());
  EXPECT_TRUE(v.getClasses()[1].getGraded());
}

TEST_F(ComplianceTest, OctoberParticipationLateMarksCorrectionsAndSignOff) {
  auto m = month("2026-10");
  ASSERT_TRUE(m);
  auto v = m->getRoot<schema::ComplianceView>().asReader();
  auto p = v.getParticipation();
  // teachers 3 of 4; parents p1 of p1, p3 (p2 came in November);
  // students s1 of s1..s4, f1, b1 (s2 signed in on 1 November local time).
  EXPECT_EQ(std::vector<uint32_t>({p.getTeachersWithLessons(), p.getTeachersWithEntries(),
                                   p.getTeachersShare(), p.getParents(), p.getParentsSignedIn(),
                                   p.getParentsShare(), p.getStudents(), p.getStudentsSignedIn(),
                                   p.getStudentsShare()}),
            std::vector<uint32_t>({4, 3, 7500, 2, 1, 5000, 6, 1, 1667}));

  struct Late {
    std::string mark, lesson, student, teacher, date;
    int number;
    uint32_t delay;
    bool operator==(const Late&) const = default;
  };
  std::vector<Late> late;
  for (auto l : v.getLateMarks()) {
    late.push_back({s(l.getMark().getMarkId()), s(l.getMark().getLessonId()), s(l.getStudentName()),
                    s(l.getTeacherName()), s(l.getDate()), l.getNumber(), l.getMark().getDelaySeconds()});
  }
  EXPECT_EQ(late, (std::vector<Late>{
                      {"e1", "l-eng", "Алексеев Иван", "Морозова Дарья Андреевна", "2026-10-05", 3, 7200},
                      {"m4", "l-math2", "Григорьева Анна", "Иванова Мария Петровна", "2026-10-06", 2, 12600},
                  }));

  struct Fix {
    std::string kind, actor, lesson, student, previous, value, reason, teacher;
    bool operator==(const Fix&) const = default;
  };
  std::vector<Fix> fixes;
  for (auto c : v.getCorrections()) {
    auto r = c.getRow();
    fixes.push_back({s(r.getKind()), s(r.getActorId()), s(r.getLessonId()), s(r.getStudentId()),
                     s(r.getPrevious()), s(r.getValue()), s(r.getReason()), s(r.getTeacherId())});
  }
  EXPECT_EQ(fixes, (std::vector<Fix>{
                       {"markCancelled", "t-eng", "l-eng", "s2", "4", "", "Отметка не тому ученику", "t-eng"},
                       {"markCancelled", "t-rus", "l-rus5", "s1", "4", "", "Ошибочно выставлена", "t-rus"},
                       {"markCorrected", "t-math", "l-math2", "s3", "2", "3", "Пересдача", "t-math"},
                       {"attendanceCorrected", "t-rus", "l-rus1", "f1", "Н", "Б", "Справка от врача", "t-rus"},
                       {"lessonCancelled", "deputy", "l-cancel", "", "", "", "Болезнь учителя", "t-rus"},
                   }));
  ASSERT_EQ(v.getCorrections().size(), 5u);
  EXPECT_EQ(s(v.getCorrections()[2].getActorName()), "Иванова Мария Петровна");
  EXPECT_EQ(s(v.getCorrections()[2].getStudentName()), "Васильев Пётр");
  EXPECT_EQ(s(v.getCorrections()[3].getClassName()), "1А");
  EXPECT_EQ(s(v.getCorrections()[4].getDate()), "2026-10-08");

  ASSERT_TRUE(v.getSignedOff());
  EXPECT_EQ(s(v.getSignOff().getDirectorId()), "director");
  EXPECT_EQ(s(v.getSignOff().getComment()), "Замечаний нет");
  at("2026-11-02 10:00");
  EXPECT_EQ(v.getSignOff().getAtUs(), now_.load());
}

TEST_F(ComplianceTest, NovemberHasTheMovedLessonAndNoSignOff) {
  auto m = month("2026-11");
  ASSERT_TRUE(m);
  auto v = m->getRoot<schema::ComplianceView>().asReader();
  ASSERT_EQ(v.getTeachers().size(), 1u);
  EXPECT_EQ(line_of(s(v.getTeachers()[0].getId()), v.getTeachers()[0].getFigures()),
            (Line{"t-math", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 5, 0, 0, 0, 0, 0}));
  ASSERT_EQ(v.getCorrections().size(), 1u);
  auto moved = v.getCorrections()[0].getRow();
  EXPECT_EQ(s(moved.getKind()), "lessonMoved");
  EXPECT_EQ(s(moved.getPrevious()), "2026-10-07 №3");
  EXPECT_EQ(s(moved.getValue()), "2026-11-09 №3");
  EXPECT_EQ(s(moved.getReason()), "Перенос по расписанию");
  EXPECT_EQ(v.getLateMarks().size(), 0u);
  auto p = v.getParticipation();
  // p2 of p1, p2, p3; s2 and s5 of seven students.
  EXPECT_EQ(std::vector<uint32_t>({p.getTeachersWithLessons(), p.getTeachersWithEntries(),
                                   p.getParents(), p.getParentsSignedIn(), p.getParentsShare(),
                                   p.getStudents(), p.getStudentsSignedIn(), p.getStudentsShare()}),
            std::vector<uint32_t>({1, 0, 3, 1, 3333, 7, 2, 2857}));
  EXPECT_FALSE(v.getSignedOff());
}

TEST_F(ComplianceTest, RejectsBadMonthAndUnknownSchool) {
  EXPECT_EQ(views_->compliance("sch1", "2026-13").error().code(), events::StatusCode::kInvalidArgument);
  EXPECT_EQ(views_->compliance("sch1", "октябрь").error().code(), events::StatusCode::kInvalidArgument);
  EXPECT_EQ(views_->compliance("nope", "2026-10").error().code(), events::StatusCode::kNotFound);
  // A month with nothing in it: zeros, not an error.
  auto empty = views_->compliance("sch1", "2027-02");
  ASSERT_TRUE(empty);
  EXPECT_EQ((*empty)->getRoot<schema::ComplianceView>().getClasses().size(), 0u);
}

TEST_F(ComplianceTest, IncrementalEqualsRebuiltByteForByte) {
  size_t compared = 0;
  auto st = engine_->rebuild_and_compare("compliance", [&](const std::string& live,
                                                           const std::string& scratch) {
    std::vector<std::pair<std::string, std::string>> a, b;
    auto collect = [&](const std::string& prefix, auto* out) {
      ASSERT_TRUE(store_->scan(prefix, events::KvStore::prefix_end(prefix),
                               [&](std::string_view k, std::string_view val) {
                                 out->emplace_back(std::string(k.substr(prefix.size())), std::string(val));
                                 return true;
                               }).is_ok());
    };
    collect(live, &a);
    collect(scratch, &b);
    compared = a.size();
    EXPECT_EQ(a, b);
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_GT(compared, 40u);
}

}  // namespace
}  // namespace zhurnal::projections
