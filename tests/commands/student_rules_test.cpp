// Students: enrolment, transfer and departure (the secretary's orders), and
// what teachers write about a student or to the parents. Each rule: one
// accepted command and each rejection.
#include "rule_table.hpp"

namespace zhurnal::commands::testing {
namespace {

using E = ErrorCode;

std::string enroll(const std::string& id, const std::string& cls, const std::string& from,
                   const std::string& birth = "2014-05-05", const std::string& order = "№ 120-у",
                   const std::string& name = "Жуков Лев", const std::string& school = "sch1") {
  return R"({"enrollStudent": {"studentId": ")" + id + R"(", "schoolId": ")" + school +
         R"(", "classId": ")" + cls + R"(", "fullName": ")" + name + R"(", "birthDate": ")" +
         birth + R"(", "from": ")" + from + R"(", "order": ")" + order + R"("}})";
}
std::string transfer(const std::string& id, const std::string& from, const std::string& to,
                     const std::string& date, const std::string& order = "№ 121-у") {
  return R"({"transferStudent": {"studentId": ")" + id + R"(", "fromClassId": ")" + from +
         R"(", "toClassId": ")" + to + R"(", "date": ")" + date + R"(", "order": ")" + order +
         R"("}})";
}
std::string depart(const std::string& id, const std::string& cls, const std::string& date,
                   const std::string& destination = "Гимназия № 9",
                   const std::string& order = "№ 122-у") {
  return R"({"departStudent": {"studentId": ")" + id + R"(", "classId": ")" + cls +
         R"(", "date": ")" + date + R"(", "destination": ")" + destination + R"(", "order": ")" +
         order + R"("}})";
}
std::string comment(const std::string& id, const std::string& student, const std::string& lesson,
                    const std::string& text = "Не выполнил домашнее задание") {
  return R"({"commentStudent": {"commentId": ")" + id + R"(", "studentId": ")" + student +
         R"(", "lessonId": ")" + lesson + R"(", "text": ")" + text + R"("}})";
}
std::string to_parents(const std::string& id, const std::string& student,
                       const std::string& text = "Прошу зайти в школу") {
  return R"({"messageParents": {"messageId": ")" + id + R"(", "studentId": ")" + student +
         R"(", "text": ")" + text + R"("}})";
}

class StudentRulesTest : public RulesTest {
 protected:
  // A second school with a class, for moves across schools.
  void add_second_school() {
    ok(sys_, R"({"registerSchool": {"schoolId": "sch2", "name": "Школа № 2",
        "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 45, "bellSchedule": ["08:00"]}})");
    ok(sys_, R"({"openAcademicYear": {"schoolId": "sch2", "yearId": "y2026-2", "name": "2026/2027",
        "start": "2026-09-01", "end": "2027-05-31", "periodKind": "halves", "periods": [
          {"periodId": "h1", "name": "1", "start": "2026-09-01", "end": "2026-12-28"},
          {"periodId": "h2", "name": "2", "start": "2027-01-10", "end": "2027-05-31"}]}})");
    ok(sys_, R"({"openClass": {"classId": "x5a", "schoolId": "sch2", "yearId": "y2026-2",
        "grade": 5, "letter": "А"}})");
  }
};

TEST_F(StudentRulesTest, EnrollStudent) {
  add_second_school();
  check({
      rejects("no id", E::kInvalidCommand, "secretary", enroll("", "c6b", "2026-10-01")),
      rejects("unknown school", E::kNotFound, "secretary",
              enroll("n1", "c6b", "2026-10-01", "2014-05-05", "№ 1", "Жуков Лев", "sch9")),
      rejects("unknown class", E::kNotFound, "secretary", enroll("n1", "c9z", "2026-10-01")),
      rejects("class of another school", E::kInvalidValue, "secretary",
              enroll("n1", "x5a", "2026-10-01")),
      rejects("id of a student", E::kAlreadyExists, "secretary", enroll("s1", "c6b", "2026-10-01")),
      rejects("id of a user", E::kAlreadyExists, "secretary",
              enroll("t-math", "c6b", "2026-10-01")),
      rejects("no name", E::kInvalidCommand, "secretary",
              enroll("n1", "c6b", "2026-10-01", "2014-05-05", "№ 1", "")),
      rejects("no birth date", E::kInvalidCommand, "secretary",
              enroll("n1", "c6b", "2026-10-01", "")),
      rejects("no start date", E::kInvalidCommand, "secretary", enroll("n1", "c6b", "")),
      rejects("not a date", E::kInvalidValue, "secretary", enroll("n1", "c6b", "2026-02-29")),
      rejects("outside the class's year", E::kInvalidValue, "secretary",
              enroll("n1", "c6b", "2027-06-01")),
      rejects("a baby", E::kInvalidValue, "secretary",
              enroll("n1", "c6b", "2026-10-01", "2024-01-01")),
      rejects("born after enrolment", E::kInvalidValue, "secretary",
              enroll("n1", "c6b", "2026-10-01", "2026-12-01")),
      rejects("no order", E::kInvalidCommand, "secretary",
              enroll("n1", "c6b", "2026-10-01", "2014-05-05", "")),
      accepts("valid", "secretary", enroll("n1", "c6b", "2026-10-01"), "student-n1"),
      accepts("s4 leaves", "secretary", depart("s4", "c5a", "2026-10-05"), "student-s4"),
      rejects("coming back before leaving", E::kInvalidValue, "secretary",
              enroll("s4", "c6b", "2026-10-01")),
      accepts("coming back", "secretary", enroll("s4", "c6b", "2026-11-09"), "student-s4"),
  });
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    auto s = ev.getStudentEnrolled();
    EXPECT_EQ(std::string(s.getSchoolId().cStr()), "sch1");
    EXPECT_EQ(std::string(s.getFrom().cStr()), "2026-11-09");
    EXPECT_EQ(std::string(s.getOrder().cStr()), "№ 120-у");
  });
}

TEST_F(StudentRulesTest, TransferStudent) {
  add_second_school();
  ok("secretary", enroll("n1", "c5a", "2026-10-01"));
  check({
      rejects("unknown student", E::kNotFound, "secretary",
              transfer("zz", "c5a", "c6b", "2026-10-05")),
      rejects("no class to leave", E::kInvalidCommand, "secretary",
              transfer("s1", "", "c6b", "2026-10-05")),
      rejects("unknown class", E::kNotFound, "secretary",
              transfer("s1", "c5a", "c9z", "2026-10-05")),
      rejects("to another school", E::kInvalidValue, "secretary",
              transfer("s1", "c5a", "x5a", "2026-10-05")),
      rejects("to the same class", E::kInvalidValue, "secretary",
              transfer("s1", "c5a", "c5a", "2026-10-05")),
      rejects("no date", E::kInvalidCommand, "secretary", transfer("s1", "c5a", "c6b", "")),
      rejects("outside the year", E::kInvalidValue, "secretary",
              transfer("s1", "c5a", "c6b", "2027-06-10")),
      rejects("not in that class", E::kStudentNotEnrolled, "secretary",
              transfer("b1", "c5a", "c6b", "2026-10-05")),
      rejects("before enrolment", E::kStudentNotEnrolled, "secretary",
              transfer("n1", "c5a", "c6b", "2026-09-15")),
      rejects("no order", E::kInvalidCommand, "secretary",
              transfer("s1", "c5a", "c6b", "2026-10-05", "")),
      accepts("5А to 6Б", "secretary", transfer("s1", "c5a", "c6b", "2026-10-05"), "student-s1"),
      rejects("out of 5А again", E::kStudentNotEnrolled, "secretary",
              transfer("s1", "c5a", "c1a", "2026-10-12")),
      rejects("back-dated under a later transfer", E::kInvalidValue, "secretary",
              transfer("s1", "c5a", "c1a", "2026-10-01")),
      accepts("6Б to 1А", "admin", transfer("s1", "c6b", "c1a", "2026-10-12"), "student-s1"),
  });
}

// The office reads these in the class page's dialogs: the class by its
// name and dates as written in Russian, not ids and ISO dates.
TEST_F(StudentRulesTest, RefusalsNameTheClassAndTheDateAsWrittenInRussian) {
  auto r = run("secretary", transfer("b1", "c5a", "c6b", "2026-10-05"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("не обучается в классе 5А на 05.10.2026"), std::string::npos)
      << r.error().message;
  r = run("secretary", enroll("n1", "c6b", "2026-10-01", "2025-01-10"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Дата рождения неправдоподобна для ученика: 10.01.2025");
}

TEST_F(StudentRulesTest, DepartStudent) {
  check({
      rejects("unknown student", E::kNotFound, "secretary", depart("zz", "c5a", "2026-10-05")),
      rejects("no class", E::kInvalidCommand, "secretary", depart("s3", "", "2026-10-05")),
      rejects("no date", E::kInvalidCommand, "secretary", depart("s3", "c5a", "")),
      rejects("not in that class", E::kStudentNotEnrolled, "secretary",
              depart("s3", "c6b", "2026-10-05")),
      rejects("before enrolment", E::kStudentNotEnrolled, "secretary",
              depart("s3", "c5a", "2026-08-01")),
      rejects("no destination", E::kInvalidCommand, "secretary",
              depart("s3", "c5a", "2026-10-05", "")),
      rejects("no order", E::kInvalidCommand, "secretary",
              depart("s3", "c5a", "2026-10-05", "Гимназия № 9", "")),
      rejects("class teacher", E::kNotAuthorized, "t-rus", depart("s3", "c5a", "2026-10-05")),
      accepts("leaves", "secretary", depart("s3", "c5a", "2026-10-05"), "student-s3"),
      rejects("left already", E::kAlreadyDone, "admin", depart("s3", "c5a", "2026-10-06")),
  });
}

TEST_F(StudentRulesTest, CommentStudent) {
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-next", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 1}})");
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-off", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-02", "number": 1}})");
  ok("deputy", R"({"cancelLesson": {"lessonId": "l-off", "reason": "Карантин"}})");
  at("2026-10-05 12:00");
  check({
      rejects("no id", E::kInvalidCommand, "t-math", comment("", "s3", "")),
      rejects("unknown student", E::kNotFound, "t-math", comment("k1", "zz", "")),
      rejects("unknown lesson", E::kNotFound, "t-math", comment("k1", "s1", "l-zz")),
      rejects("student not in the lesson's class", E::kStudentNotEnrolled, "t-math",
              comment("k1", "b1", "l-math")),
      rejects("another teacher's lesson", E::kNotYourLesson, "t-math",
              comment("k1", "s1", "l-eng")),
      rejects("cancelled lesson", E::kLessonCancelled, "t-math", comment("k1", "s1", "l-off")),
      rejects("lesson not begun", E::kLessonNotStarted, "t-math", comment("k1", "s1", "l-next")),
      rejects("teacher of other classes", E::kNotAuthorized, "t-free", comment("k1", "s3", "")),
      rejects("administrator", E::kNotAuthorized, "admin", comment("k1", "s3", "")),
      rejects("no text", E::kInvalidCommand, "t-math", comment("k1", "s3", "", "")),
      accepts("about the day", "t-math", comment("k1", "s3", ""), "student-s3"),
      rejects("id taken", E::kAlreadyExists, "t-math", comment("k1", "s3", "")),
      accepts("on her lesson", "t-math", comment("k2", "s1", "l-math"), "student-s1"),
      accepts("class teacher, on any lesson of her class", "t-rus", comment("k3", "s1", "l-eng"),
              "student-s1"),
      accepts("s2 leaves", "secretary", depart("s2", "c5a", "2026-10-06"), "student-s2"),
  });
  at("2026-10-07 12:00");
  rejected(E::kStudentNotEnrolled, "t-rus", comment("k4", "s2", ""));
  ok("t-math", comment("k4", "s2", "l-math"));  // her lessons before leaving remain
}

TEST_F(StudentRulesTest, MessageParents) {
  ok(sys_, R"({"registerUser": {"userId": "p2", "schoolId": "sch1", "fullName": "Белов Олег",
      "roles": ["parent"]}})");
  ok(sys_, R"({"linkGuardian": {"studentId": "s2", "parentId": "p2", "relation": "отец"}})");
  check({
      rejects("no id", E::kInvalidCommand, "t-math", to_parents("", "s1")),
      rejects("unknown student", E::kNotFound, "t-math", to_parents("mp1", "zz")),
      rejects("teacher of other classes", E::kNotAuthorized, "t-free", to_parents("mp1", "s1")),
      rejects("secretary", E::kNotAuthorized, "secretary", to_parents("mp1", "s1")),
      rejects("no parents linked", E::kNotFound, "t-rus", to_parents("mp1", "s3")),
      rejects("no text", E::kInvalidCommand, "t-rus", to_parents("mp1", "s1", "")),
      accepts("class teacher", "t-rus", to_parents("mp1", "s1"), "student-s1"),
      rejects("id taken", E::kAlreadyExists, "t-rus", to_parents("mp1", "s2")),
      accepts("director", "director", to_parents("mp2", "s2"), "student-s2"),
      accepts("s2 leaves", "secretary", depart("s2", "c5a", "2026-10-01"), "student-s2"),
      rejects("student who left", E::kStudentNotEnrolled, "t-rus", to_parents("mp3", "s2")),
  });
}

}  // namespace
}  // namespace zhurnal::commands::testing
