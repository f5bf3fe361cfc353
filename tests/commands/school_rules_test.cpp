// Schools and reference books: registration, academic years, holidays,
// subjects, work types, closing periods and the monthly sign-off. Each rule:
// one accepted command and each rejection.
#include "rule_table.hpp"

namespace zhurnal::commands::testing {
namespace {

using E = ErrorCode;

std::string school(const std::string& id, const std::string& zone, int minutes,
                   const std::string& bells, const std::string& name = "Лицей № 2") {
  return R"({"registerSchool": {"schoolId": ")" + id + R"(", "name": ")" + name +
         R"(", "timeZone": ")" + zone + R"(", "lessonMinutes": )" + std::to_string(minutes) +
         R"(, "bellSchedule": )" + bells + "}}";
}

std::string period(const std::string& id, const std::string& start, const std::string& end) {
  return R"({"periodId": ")" + id + R"(", "name": "Полугодие", "start": ")" + start +
         R"(", "end": ")" + end + R"("})";
}
const std::string kHalves = "[" + period("h1", "2027-09-01", "2027-12-28") + ", " +
                            period("h2", "2028-01-10", "2028-05-31") + "]";

std::string year(const std::string& id, const std::string& start, const std::string& end,
                 const std::string& periods = kHalves, const std::string& kind = "halves",
                 const std::string& name = "2027/2028", const std::string& school = "sch1") {
  return R"({"openAcademicYear": {"schoolId": ")" + school + R"(", "yearId": ")" + id +
         R"(", "name": ")" + name + R"(", "start": ")" + start + R"(", "end": ")" + end +
         R"(", "periodKind": ")" + kind + R"(", "periods": )" + periods + "}}";
}

std::string holiday(const std::string& start, const std::string& end,
                    const std::string& year_id = "y2026", const std::string& name = "Каникулы") {
  return R"({"declareHoliday": {"schoolId": "sch1", "yearId": ")" + year_id + R"(", "start": ")" +
         start + R"(", "end": ")" + end + R"(", "name": ")" + name + R"("}})";
}

std::string work_type(const std::string& id, const std::string& name, int weight) {
  return R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": ")" + id + R"(", "name": ")" +
         name + R"(", "weight": )" + std::to_string(weight) + "}}";
}

std::string month(const std::string& m) {
  return R"({"signOffMonth": {"schoolId": "sch1", "month": ")" + m + R"(", "comment": ""}})";
}

using SchoolRulesTest = RulesTest;

TEST_F(SchoolRulesTest, RegisterSchool) {
  const std::string bells = R"(["08:30", "09:20"])";
  check({
      rejects("no id", E::kInvalidCommand, sys_, school("", "Asia/Omsk", 40, bells)),
      rejects("id with a space", E::kInvalidCommand, sys_, school("sch 2", "Asia/Omsk", 40, bells)),
      rejects("id taken", E::kAlreadyExists, sys_, school("sch1", "Asia/Omsk", 40, bells)),
      rejects("no name", E::kInvalidCommand, sys_, school("sch2", "Asia/Omsk", 40, bells, " ")),
      rejects("no time zone", E::kInvalidCommand, sys_, school("sch2", "", 40, bells)),
      rejects("unknown zone", E::kInvalidValue, sys_, school("sch2", "Mars/Olympus", 40, bells)),
      rejects("fixed offset", E::kInvalidValue, sys_, school("sch2", "UTC+5", 40, bells)),
      rejects("lesson too short", E::kInvalidValue, sys_, school("sch2", "Asia/Omsk", 29, bells)),
      rejects("lesson too long", E::kInvalidValue, sys_, school("sch2", "Asia/Omsk", 91, bells)),
      rejects("no bells", E::kInvalidCommand, sys_, school("sch2", "Asia/Omsk", 40, "[]")),
      rejects("malformed bell", E::kInvalidValue, sys_,
              school("sch2", "Asia/Omsk", 40, R"(["8:30"])")),
      rejects("bells decrease", E::kInvalidValue, sys_,
              school("sch2", "Asia/Omsk", 40, R"(["09:20", "08:30"])")),
      rejects("lessons overlap", E::kInvalidValue, sys_,
              school("sch2", "Asia/Omsk", 40, R"(["08:30", "09:00"])")),
      rejects("past midnight", E::kInvalidValue, sys_,
              school("sch2", "Asia/Omsk", 40, R"(["23:50"])")),
      rejects("administrator", E::kNotAuthorized, "admin", school("sch2", "Asia/Omsk", 40, bells)),
      accepts("valid", sys_, school("sch2", "Asia/Omsk", 30, R"(["08:30", "09:00"])"),
              "school-sch2"),
  });
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    auto s = ev.getSchoolRegistered();
    EXPECT_EQ(std::string(s.getTimeZone().cStr()), "Asia/Omsk");
    EXPECT_EQ(s.getLessonMinutes(), 30);
    EXPECT_EQ(s.getBellSchedule().size(), 2u);
  });
}

TEST_F(SchoolRulesTest, OpenAcademicYear) {
  const std::string q = "[" + period("p1", "2027-09-01", "2027-10-26") + ", " +
                        period("p2", "2027-11-05", "2027-12-28") + ", " +
                        period("p3", "2028-01-12", "2028-03-22") + ", " +
                        period("p4", "2028-03-31", "2028-05-31") + "]";
  auto two = [](const std::string& a, const std::string& b) { return "[" + a + ", " + b + "]"; };
  const std::string h2 = period("h2", "2028-01-10", "2028-05-31");
  check({
      rejects("unknown school", E::kNotFound, "admin",
              year("y27", "2027-09-01", "2028-05-31", kHalves, "halves", "Год", "nope")),
      rejects("year id taken", E::kAlreadyExists, "admin",
              year("y2026", "2027-09-01", "2028-05-31")),
      rejects("no name", E::kInvalidCommand, "admin",
              year("y27", "2027-09-01", "2028-05-31", kHalves, "halves", "")),
      rejects("no start", E::kInvalidCommand, "admin", year("y27", "", "2028-05-31")),
      rejects("not a date", E::kInvalidValue, "admin", year("y27", "2027-02-30", "2028-05-31")),
      rejects("start after end", E::kInvalidValue, "admin",
              year("y27", "2028-05-31", "2027-09-01")),
      rejects("longer than a year", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-09-05")),
      rejects("overlaps 2026/2027", E::kInvalidValue, "admin",
              year("y27", "2027-05-01", "2028-04-30",
                   two(period("h1", "2027-05-01", "2027-12-28"),
                       period("h2", "2028-01-10", "2028-04-30")))),
      rejects("no periods", E::kInvalidCommand, "admin",
              year("y27", "2027-09-01", "2028-05-31", "[]")),
      rejects("quarters need four", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31", kHalves, "quarters")),
      rejects("halves need two", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31", q, "halves")),
      rejects("period outside the year", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(period("h1", "2027-08-25", "2027-12-28"), h2))),
      rejects("period ends before it starts", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(period("h1", "2027-12-28", "2027-09-01"), h2))),
      rejects("periods overlap", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(period("h1", "2027-09-01", "2028-01-15"), h2))),
      rejects("periods out of order", E::kInvalidValue, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(h2, period("h1", "2027-09-01", "2027-12-28")))),
      rejects("period id twice", E::kAlreadyExists, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(period("h1", "2027-09-01", "2027-12-28"),
                       period("h1", "2028-01-10", "2028-05-31")))),
      rejects("period id of another year", E::kAlreadyExists, "admin",
              year("y27", "2027-09-01", "2028-05-31",
                   two(period("q1", "2027-09-01", "2027-12-28"), h2))),
      rejects(
          "no period id", E::kInvalidCommand, "admin",
          year("y27", "2027-09-01", "2028-05-31", two(period("", "2027-09-01", "2027-12-28"), h2))),
      accepts("quarters", "admin", year("y27", "2027-09-01", "2028-05-31", q, "quarters"),
              "school-sch1"),
  });
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    auto y = ev.getAcademicYearOpened();
    EXPECT_EQ(y.getPeriodKind(), schema::PeriodKind::QUARTERS);
    ASSERT_EQ(y.getPeriods().size(), 4u);
    EXPECT_EQ(std::string(y.getPeriods()[3].getEnd().cStr()), "2028-05-31");
  });
}

TEST_F(SchoolRulesTest, DeclareHoliday) {
  check({
      rejects("unknown year", E::kNotFound, "admin", holiday("2026-12-29", "2027-01-11", "y1999")),
      rejects("no name", E::kInvalidCommand, "admin",
              holiday("2026-12-29", "2027-01-11", "y2026", "")),
      rejects("not a date", E::kInvalidValue, "admin", holiday("2026-12-32", "2027-01-11")),
      rejects("ends before it starts", E::kInvalidValue, "admin",
              holiday("2027-01-11", "2026-12-29")),
      rejects("outside the year", E::kInvalidValue, "admin", holiday("2027-05-25", "2027-06-05")),
      rejects("overlaps the autumn holiday", E::kInvalidValue, "admin",
              holiday("2026-11-03", "2026-11-06")),
      rejects("deputy", E::kNotAuthorized, "deputy", holiday("2026-12-29", "2027-01-11")),
      accepts("winter holiday", "admin", holiday("2026-12-29", "2027-01-11"), "school-sch1"),
  });
}

TEST_F(SchoolRulesTest, DefineSubjectAndWorkType) {
  auto subject = [](const std::string& id, const std::string& name) {
    return R"({"defineSubject": {"schoolId": "sch1", "subjectId": ")" + id + R"(", "name": ")" +
           name + R"("}})";
  };
  check({
      rejects("subject name taken", E::kAlreadyExists, "admin", subject("math2", "Математика")),
      rejects("subject without name", E::kInvalidCommand, "admin", subject("phys", "")),
      rejects("subject without id", E::kInvalidCommand, "admin", subject("", "Физика")),
      accepts("subject", "admin", subject("phys", "Физика"), "school-sch1"),
      rejects("weight 0", E::kInvalidValue, "admin", work_type("hw", "Домашняя работа", 0)),
      rejects("weight 11", E::kInvalidValue, "admin", work_type("hw", "Домашняя работа", 11)),
      rejects("work type without name", E::kInvalidCommand, "admin", work_type("hw", "", 2)),
      rejects("name of another work type", E::kAlreadyExists, "admin",
              work_type("hw", "Контрольная работа", 2)),
      accepts("work type", "admin", work_type("hw", "Домашняя работа", 2), "school-sch1"),
      accepts("changing a work type's weight", "admin", work_type("oral", "Ответ на уроке", 2),
              "school-sch1"),
      rejects("defined again unchanged", E::kAlreadyDone, "admin",
              work_type("oral", "Ответ на уроке", 2)),
  });
}

// Renaming, retiring and bringing back: a retired subject takes no new
// loads or lessons (repeatWeek skips its lessons), a retired work type no
// new marks; what they have stays.
TEST_F(SchoolRulesTest, RenameAndRetireSubjectsAndWorkTypes) {
  auto subject = [](const std::string& id, const std::string& name, bool retired) {
    return R"({"defineSubject": {"schoolId": "sch1", "subjectId": ")" + id + R"(", "name": ")" +
           name + R"(", "retired": )" + (retired ? "true" : "false") + "}}";
  };
  auto retired_work_type = [](const std::string& id, const std::string& name, int weight,
                              bool retired) {
    return R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": ")" + id + R"(", "name": ")" +
           name + R"(", "weight": )" + std::to_string(weight) + R"(, "retired": )" +
           (retired ? "true" : "false") + "}}";
  };
  const std::string load = R"({"assignTeaching": {"assignmentId": "a-math-6b", "classId": "c6b",
      "subgroupId": "", "subjectId": "math", "teacherId": "t-free", "start": "2026-10-01", "end": ""}})";
  const std::string lesson = R"({"scheduleLesson": {"lessonId": "l-math2", "classId": "c5a",
      "subgroupId": "", "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 2}})";
  check({
      rejects("unchanged", E::kAlreadyDone, "admin", subject("math", "Математика", false)),
      rejects("a new subject retired", E::kInvalidValue, "admin", subject("phys", "Физика", true)),
      rejects("the deputy", E::kNotAuthorized, "deputy", subject("math", "Алгебра", false)),
      accepts("renamed", "admin", subject("math", "Алгебра", false), "school-sch1"),
      accepts("the old name free again", "admin", subject("math2", "Математика", false),
              "school-sch1"),
      rejects("renamed to a name taken", E::kAlreadyExists, "admin",
              subject("math", "Математика", false)),
      accepts("retired", "admin", subject("math", "Алгебра", true), "school-sch1"),
      rejects("retired again", E::kAlreadyDone, "admin", subject("math", "Алгебра", true)),
      rejects("a load of it", E::kRetired, "deputy", load),
      rejects("a lesson of it", E::kRetired, "deputy", lesson),
      rejects("repeating a week of only its lessons", E::kInvalidValue, "t-math",
              R"({"repeatWeek": {"classId": "c5a", "date": "2026-10-05", "until": "2026-10-19",
                  "lessonIdPrefix": "rw"}})"),
      accepts("back in use", "admin", subject("math", "Алгебра", false), "school-sch1"),
      accepts("a load of it again", "deputy", load, "class-c6b"),
      accepts("a lesson of it again", "deputy", lesson, "lesson-l-math2"),
      rejects("a new work type retired", E::kInvalidValue, "admin",
              retired_work_type("hw", "Домашняя работа", 2, true)),
      accepts("work type retired", "admin", retired_work_type("oral", "Ответ на уроке", 1, true),
              "school-sch1"),
      rejects("retired again", E::kAlreadyDone, "admin",
              retired_work_type("oral", "Ответ на уроке", 1, true)),
  });
  EXPECT_EQ(journal_->school_info("sch1")->subjects.size(), 4u);
  at("2026-10-05 09:30");
  auto mark = [](const std::string& id, const std::string& work_type) {
    return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math", "studentId": "s1",
        "value": {"numeric": 5}, "workTypeId": ")" +
           work_type + R"(", "comment": ""}})";
  };
  check({
      rejects("a mark of it", E::kRetired, "t-math", mark("m1", "oral")),
      accepts("a mark of another", "t-math", mark("m1", "test"), "lesson-l-math"),
      accepts("work type back in use", "admin",
              retired_work_type("oral", "Ответ на уроке", 1, false), "school-sch1"),
      accepts("a mark of it again", "t-math", mark("m2", "oral"), "lesson-l-math"),
  });
}

TEST_F(SchoolRulesTest, CloseAndReopenPeriod) {
  auto close = [](const std::string& p) {
    return R"({"closePeriod": {"schoolId": "sch1", "periodId": ")" + p + R"("}})";
  };
  auto reopen = [](const std::string& p, const std::string& reason) {
    return R"({"reopenPeriod": {"schoolId": "sch1", "periodId": ")" + p + R"(", "reason": ")" +
           reason + R"("}})";
  };
  check({
      rejects("unknown period", E::kNotFound, "director", close("q9")),
      rejects("no period", E::kInvalidCommand, "director", close("")),
      rejects("reopening an open period", E::kAlreadyDone, "admin", reopen("q1", "Ошибка")),
      accepts("director closes", "director", close("q1"), "school-sch1"),
      rejects("closed already", E::kAlreadyDone, "deputy", close("q1")),
      rejects("reopening needs a reason", E::kReasonRequired, "admin", reopen("q1", "  ")),
      rejects("reopening an unknown period", E::kNotFound, "admin", reopen("q9", "Ошибка")),
      accepts("administrator reopens", "admin", reopen("q1", "Служебная записка"), "school-sch1"),
      accepts("closed again", "deputy", close("q1"), "school-sch1"),
  });
}

TEST_F(SchoolRulesTest, SignOffMonth) {
  check({
      rejects("no month", E::kInvalidCommand, "director", month("")),
      rejects("malformed", E::kInvalidValue, "director", month("2026-9")),
      rejects("month 13", E::kInvalidValue, "director", month("2026-13")),
      rejects("before the year", E::kInvalidValue, "director", month("2026-08")),
      rejects("after the year", E::kInvalidValue, "director", month("2027-06")),
      rejects("future month", E::kInvalidValue, "director", month("2026-11")),
      rejects("administrator", E::kNotAuthorized, "admin", month("2026-09")),
      accepts("September", "director", month("2026-09"), "school-sch1"),
      rejects("signed already", E::kAlreadyDone, "director", month("2026-09")),
      accepts("the current month", "director", month("2026-10"), "school-sch1"),
  });
}

TEST_F(SchoolRulesTest, SignOffUsesTheSchoolsLocalDate) {
  // 00:30 on 1 November in Yekaterinburg is still 31 October in UTC.
  at("2026-10-31 23:59");
  rejected(E::kInvalidValue, "director", month("2026-11"));
  at("2026-11-01 00:30");
  ok("director", month("2026-11"));
}

}  // namespace
}  // namespace zhurnal::commands::testing
