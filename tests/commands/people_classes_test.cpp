// People and classes: registering users, roles, logins, consents, guardians;
// opening classes and subgroups, class teachers, teaching assignments and
// class messages. Each rule: one accepted command and each rejection.
#include "rule_table.hpp"

namespace zhurnal::commands::testing {
namespace {

using E = ErrorCode;

std::string user(const std::string& id, const std::string& roles,
                 const std::string& school = "sch1",
                 const std::string& name = "Тестова Анна Ивановна") {
  return R"({"registerUser": {"userId": ")" + id + R"(", "schoolId": ")" + school +
         R"(", "fullName": ")" + name + R"(", "roles": )" + roles + "}}";
}
std::string roles(const std::string& id, const std::string& list) {
  return R"({"changeRoles": {"userId": ")" + id + R"(", "roles": )" + list + "}}";
}
std::string issue(const std::string& id, const std::string& login) {
  return R"({"issueCredentials": {"userId": ")" + id + R"(", "login": ")" + login + R"("}})";
}
std::string revoke(const std::string& id, const std::string& reason = "Увольнение") {
  return R"({"revokeCredentials": {"userId": ")" + id + R"(", "reason": ")" + reason + R"("}})";
}
std::string consent(const std::string& id, const std::string& date, const std::string& note = "") {
  return R"({"recordConsent": {"userId": ")" + id + R"(", "given": true, "documentDate": ")" +
         date + R"(", "note": ")" + note + R"("}})";
}
std::string link(const std::string& student, const std::string& parent,
                 const std::string& relation = "мать") {
  return R"({"linkGuardian": {"studentId": ")" + student + R"(", "parentId": ")" + parent +
         R"(", "relation": ")" + relation + R"("}})";
}
std::string depart(const std::string& student, const std::string& date = "2026-10-01") {
  return R"({"departStudent": {"studentId": ")" + student + R"(", "classId": "c5a", "date": ")" +
         date + R"(", "destination": "Гимназия № 9", "order": "№ 140-у"}})";
}
std::string open_class(const std::string& id, int grade, const std::string& letter,
                       const std::string& year = "y2026", const std::string& school = "sch1") {
  return R"({"openClass": {"classId": ")" + id + R"(", "schoolId": ")" + school +
         R"(", "yearId": ")" + year + R"(", "grade": )" + std::to_string(grade) +
         R"(, "letter": ")" + letter + R"("}})";
}
std::string subgroup(const std::string& cls, const std::string& id, const std::string& students,
                     const std::string& name = "Группа 2") {
  return R"({"defineSubgroup": {"classId": ")" + cls + R"(", "subgroupId": ")" + id +
         R"(", "name": ")" + name + R"(", "studentIds": )" + students + "}}";
}
std::string class_teacher(const std::string& cls, const std::string& teacher) {
  return R"({"assignClassTeacher": {"classId": ")" + cls + R"(", "teacherId": ")" + teacher +
         R"("}})";
}
std::string teaching(const std::string& id, const std::string& cls, const std::string& group,
                     const std::string& subject, const std::string& teacher,
                     const std::string& start, const std::string& end = "") {
  return R"({"assignTeaching": {"assignmentId": ")" + id + R"(", "classId": ")" + cls +
         R"(", "subgroupId": ")" + group + R"(", "subjectId": ")" + subject +
         R"(", "teacherId": ")" + teacher + R"(", "start": ")" + start + R"(", "end": ")" + end +
         R"("}})";
}
std::string end_teaching(const std::string& id, const std::string& cls, const std::string& end) {
  return R"({"endTeaching": {"assignmentId": ")" + id + R"(", "classId": ")" + cls +
         R"(", "end": ")" + end + R"("}})";
}
std::string message(const std::string& id, const std::string& cls, const std::string& text) {
  return R"({"messageClass": {"messageId": ")" + id + R"(", "classId": ")" + cls +
         R"(", "text": ")" + text + R"("}})";
}

using PeopleTest = RulesTest;
using ClassesTest = RulesTest;

TEST_F(PeopleTest, RegisterUser) {
  check({
      rejects("no id", E::kInvalidCommand, "secretary", user("", R"(["parent"])")),
      rejects("no roles", E::kInvalidCommand, "secretary", user("u1", "[]")),
      rejects("student role", E::kInvalidValue, sys_, user("u1", R"(["student"])")),
      rejects("role twice", E::kInvalidValue, "admin", user("u1", R"(["teacher", "teacher"])")),
      rejects("auditor with a school role", E::kInvalidValue, sys_,
              user("u1", R"(["auditor", "teacher"])")),
      rejects("no school", E::kInvalidCommand, "admin", user("u1", R"(["teacher"])", "")),
      rejects("unknown school", E::kNotFound, sys_, user("u1", R"(["teacher"])", "sch9")),
      rejects("id of a user", E::kAlreadyExists, "admin", user("t-math", R"(["teacher"])")),
      rejects("id of a student", E::kAlreadyExists, "admin", user("s1", R"(["parent"])")),
      rejects("no name", E::kInvalidCommand, "secretary", user("u1", R"(["parent"])", "sch1", "")),
      rejects("secretary registers a director", E::kNotAuthorized, "secretary",
              user("u1", R"(["teacher", "director"])")),
      accepts("parent", "secretary", user("u1", R"(["parent"])"), "user-u1"),
      accepts("teacher who is a parent", "secretary", user("u2", R"(["teacher", "parent"])"),
              "user-u2"),
      accepts("region-wide auditor", sys_, user("u3", R"(["auditor"])", ""), "user-u3"),
  });
}

TEST_F(PeopleTest, ParentsAreRegisteredByClassTeachersNotBySubjectTeachers) {
  if (!kStateListsClasses) GTEST_SKIP() << "needs JournalState::classes_of_school";
  rejected(E::kNotAuthorized, "t-math", user("u1", R"(["parent"])"));
  ok("t-rus", user("u1", R"(["parent"])"));
}

TEST_F(PeopleTest, ChangeRoles) {
  check({
      rejects("unknown user", E::kNotFound, "admin", roles("nobody", R"(["teacher"])")),
      rejects("a student", E::kInvalidValue, "admin", roles("s1", R"(["teacher"])")),
      rejects("no roles", E::kInvalidCommand, "admin", roles("t-eng", "[]")),
      rejects("adding parent", E::kInvalidValue, "admin",
              roles("t-eng", R"(["teacher", "parent"])")),
      rejects("removing parent", E::kInvalidValue, "admin", roles("p1", R"(["teacher"])")),
      rejects("adding student", E::kInvalidValue, "admin", roles("t-eng", R"(["student"])")),
      rejects("unchanged", E::kAlreadyDone, "admin", roles("t-eng", R"(["teacher"])")),
      rejects("own administrator role", E::kInvalidValue, "admin",
              roles("admin", R"(["teacher"])")),
      rejects("region-wide auditor", E::kNotAuthorized, "admin",
              roles("auditor", R"(["teacher"])")),
      accepts("teacher becomes deputy too", "admin",
              roles("t-eng", R"(["teacher", "deputyDirector"])"), "user-t-eng"),
      accepts("a parent who starts teaching", "admin", roles("p1", R"(["parent", "teacher"])"),
              "user-p1"),
  });
}

TEST_F(PeopleTest, IssueCredentials) {
  check({
      rejects("unknown user", E::kNotFound, "admin", issue("nobody", "nobody")),
      rejects("no login", E::kInvalidCommand, "admin", issue("t-math", "")),
      rejects("login too short", E::kInvalidValue, "admin", issue("t-math", "ab")),
      rejects("login too long", E::kInvalidValue, "admin", issue("t-math", std::string(65, 'a'))),
      rejects("login with a space", E::kInvalidValue, "admin", issue("t-math", "maria p")),
      rejects("login in Cyrillic", E::kInvalidValue, "admin", issue("t-math", "иванова")),
      rejects("class teacher to a colleague", E::kNotAuthorized, "t-rus",
              issue("t-math", "ivanova")),
      rejects("administrator to a parent", E::kNotAuthorized, "admin", issue("p1", "alekseeva")),
      rejects("administrator to a student", E::kNotAuthorized, "admin", issue("s1", "alekseev")),
      rejects("student of another class", E::kNotAuthorized, "t-rus", issue("b1", "egorova")),
      accepts("staff", "admin", issue("t-math", "ivanova.mp"), "user-t-math"),
      rejects("issued already", E::kAlreadyDone, "admin", issue("t-math", "ivanova2")),
      rejects("login taken", E::kAlreadyExists, "admin", issue("t-eng", "ivanova.mp")),
      accepts("student of her class", "t-rus", issue("s1", "alekseev"), "user-s1"),
      accepts("parent of her student", "t-rus", issue("p1", "alekseeva"), "user-p1"),
      accepts("departure first", "secretary", depart("s4"), "student-s4"),
      rejects("student who left", E::kStudentNotEnrolled, sys_, issue("s4", "grigorieva")),
  });
}

TEST_F(PeopleTest, ClassTeacherIssuesLoginsInAugustBeforeTheYearStarts) {
  at("2026-08-28 10:00");
  ok("t-rus", issue("s2", "belova"));
}

TEST_F(PeopleTest, RevokeCredentials) {
  ok("admin", issue("t-math", "ivanova"));
  ok("t-rus", issue("s3", "vasiliev"));
  check({
      rejects("never issued", E::kAlreadyDone, "admin", revoke("t-eng")),
      rejects("no reason", E::kReasonRequired, "admin", revoke("t-math", " ")),
      rejects("teacher revokes a colleague", E::kNotAuthorized, "t-rus", revoke("t-math")),
      accepts("staff", "admin", revoke("t-math"), "user-t-math"),
      rejects("revoked already", E::kAlreadyDone, "admin", revoke("t-math")),
      accepts("departure", "secretary", depart("s3"), "student-s3"),
      accepts("the last class teacher closes a leaver's login", "t-rus",
              revoke("s3", "Выбыл из школы"), "user-s3"),
  });
  if (kStateTracksStudentLogins) rejected(E::kAlreadyDone, "t-rus", revoke("s3", "Повторно"));
}

TEST_F(PeopleTest, RecordConsent) {
  check({
      rejects("unknown person", E::kNotFound, "secretary", consent("nobody", "2026-09-01")),
      rejects("staff member", E::kInvalidValue, "secretary", consent("t-math", "2026-09-01")),
      rejects("no document date", E::kInvalidCommand, "secretary", consent("s1", "")),
      rejects("not a date", E::kInvalidValue, "secretary", consent("s1", "01.09.2026")),
      rejects("dated in the future", E::kInvalidValue, "secretary", consent("s1", "2026-10-02")),
      rejects("note too long", E::kInvalidValue, "secretary",
              consent("s1", "2026-09-01", std::string(5000, 'x'))),
      rejects("class teacher of another class", E::kNotAuthorized, "t-rus",
              consent("b1", "2026-09-01")),
      rejects("subject teacher", E::kNotAuthorized, "t-math", consent("s1", "2026-09-01")),
      accepts("class teacher, for a student", "t-rus", consent("s1", "2026-09-01"), "user-s1"),
      accepts("class teacher, for a parent", "t-rus", consent("p1", "2026-10-01", "Заявление"),
              "user-p1"),
  });
}

TEST_F(PeopleTest, LinkGuardian) {
  ok(sys_, user("p2", R"(["parent"])"));
  ok(sys_, R"({"registerSchool": {"schoolId": "sch2", "name": "Школа № 2",
      "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 45, "bellSchedule": ["08:00"]}})");
  ok(sys_, user("p-other", R"(["parent"])", "sch2"));
  check({
      rejects("unknown student", E::kNotFound, "secretary", link("nobody", "p2")),
      rejects("unknown parent", E::kNotFound, "secretary", link("s2", "nobody")),
      rejects("not a parent", E::kInvalidValue, "secretary", link("s2", "t-math")),
      rejects("parent of another school", E::kInvalidValue, "secretary", link("s2", "p-other")),
      rejects("no relation", E::kInvalidCommand, "secretary", link("s2", "p2", "")),
      rejects("linked already", E::kAlreadyDone, "secretary", link("s1", "p1")),
      rejects("class teacher of another class", E::kNotAuthorized, "t-rus", link("b1", "p2")),
      accepts("secretary", "secretary", link("s2", "p2", "отец"), "student-s2"),
      accepts("class teacher", "t-rus", link("s3", "p2", "опекун"), "student-s3"),
      accepts("departure", "secretary", depart("s4"), "student-s4"),
      rejects("student who left", E::kStudentNotEnrolled, "secretary", link("s4", "p2")),
  });
}

TEST_F(ClassesTest, OpenClass) {
  check({
      rejects("no id", E::kInvalidCommand, "secretary", open_class("", 7, "В")),
      rejects("id taken", E::kAlreadyExists, "secretary", open_class("c5a", 7, "В")),
      rejects("unknown school", E::kNotFound, "secretary", open_class("c7v", 7, "В", "y2026", "x")),
      rejects("unknown year", E::kNotFound, "secretary", open_class("c7v", 7, "В", "y1999")),
      rejects("grade 0", E::kInvalidValue, "secretary", open_class("c7v", 0, "В")),
      rejects("grade 12", E::kInvalidValue, "secretary", open_class("c7v", 12, "В")),
      rejects("no letter", E::kInvalidCommand, "secretary", open_class("c7v", 7, " ")),
      accepts("7В", "secretary", open_class("c7v", 7, "В"), "class-c7v"),
  });
  if (kStateListsClasses) {
    rejected(E::kAlreadyExists, "secretary", open_class("c5a-bis", 5, "А"));
  }
}

TEST_F(ClassesTest, DefineSubgroup) {
  check({
      rejects("unknown class", E::kNotFound, "secretary", subgroup("c9z", "g2", R"(["s3"])")),
      rejects("no id", E::kInvalidCommand, "secretary", subgroup("c5a", "", R"(["s3"])")),
      rejects("no name", E::kInvalidCommand, "secretary", subgroup("c5a", "g2", R"(["s3"])", "")),
      rejects("nobody in it", E::kInvalidCommand, "secretary", subgroup("c5a", "g2", "[]")),
      rejects("unknown student", E::kNotFound, "secretary", subgroup("c5a", "g2", R"(["zz"])")),
      rejects("student twice", E::kInvalidValue, "secretary",
              subgroup("c5a", "g2", R"(["s3", "s3"])")),
      rejects("student of another class", E::kStudentNotEnrolled, "secretary",
              subgroup("c5a", "g2", R"(["s3", "b1"])")),
      accepts("group 2", "secretary", subgroup("c5a", "g2", R"(["s3", "s4"])"), "class-c5a"),
      accepts("group 1 changes", "admin", subgroup("c5a", "g1", R"(["s1"])", "Группа 1"),
              "class-c5a"),
  });
}

TEST_F(ClassesTest, AssignClassTeacher) {
  check({
      rejects("unknown class", E::kNotFound, "secretary", class_teacher("c9z", "t-math")),
      rejects("unknown teacher", E::kNotFound, "secretary", class_teacher("c6b", "nobody")),
      rejects("not a teacher", E::kNotFound, "secretary", class_teacher("c6b", "deputy")),
      rejects("already hers", E::kAlreadyDone, "secretary", class_teacher("c5a", "t-rus")),
      accepts("6Б", "secretary", class_teacher("c6b", "t-math"), "class-c6b"),
  });
}

TEST_F(ClassesTest, AssignAndEndTeaching) {
  check({
      rejects("no id", E::kInvalidCommand, "deputy",
              teaching("", "c6b", "", "eng", "t-eng", "2026-09-01")),
      rejects("id taken", E::kAlreadyExists, "deputy",
              teaching("a-math-5a", "c6b", "", "eng", "t-eng", "2026-09-01")),
      rejects("unknown class", E::kNotFound, "deputy",
              teaching("a1", "c9z", "", "eng", "t-eng", "2026-09-01")),
      rejects("unknown subject", E::kNotFound, "deputy",
              teaching("a1", "c6b", "", "chem", "t-eng", "2026-09-01")),
      rejects("unknown subgroup", E::kNotFound, "deputy",
              teaching("a1", "c6b", "g1", "eng", "t-eng", "2026-09-01")),
      rejects("not a teacher", E::kNotFound, "deputy",
              teaching("a1", "c6b", "", "eng", "p1", "2026-09-01")),
      rejects("no start", E::kInvalidCommand, "deputy",
              teaching("a1", "c6b", "", "eng", "t-eng", "")),
      rejects("bad end", E::kInvalidValue, "deputy",
              teaching("a1", "c6b", "", "eng", "t-eng", "2026-09-01", "2026-13-01")),
      rejects("end before start", E::kInvalidValue, "deputy",
              teaching("a1", "c6b", "", "eng", "t-eng", "2026-09-01", "2026-08-31")),
      rejects("outside the year", E::kInvalidValue, "deputy",
              teaching("a1", "c6b", "", "eng", "t-eng", "2027-06-01")),
      rejects("same teaching twice", E::kAlreadyExists, "deputy",
              teaching("a1", "c5a", "", "math", "t-math", "2026-10-01")),
      accepts("whole class", "deputy", teaching("a1", "c6b", "", "eng", "t-eng", "2026-09-01"),
              "class-c6b"),
      accepts("subgroup, a term", "secretary",
              teaching("a2", "c5a", "g1", "rus", "t-free", "2026-11-05", "2026-12-28"),
              "class-c5a"),
      rejects("ending an unknown assignment", E::kNotFound, "deputy",
              end_teaching("zz", "c5a", "2026-12-28")),
      rejects("ending in another class", E::kNotFound, "deputy",
              end_teaching("a-math-5a", "c6b", "2026-12-28")),
      rejects("no end date", E::kInvalidCommand, "deputy", end_teaching("a-math-5a", "c5a", "")),
      rejects("end before start", E::kInvalidValue, "deputy",
              end_teaching("a-math-5a", "c5a", "2026-08-31")),
      rejects("extending", E::kInvalidValue, "deputy", end_teaching("a2", "c5a", "2027-01-20")),
      rejects("ended already on that day", E::kAlreadyDone, "deputy",
              end_teaching("a2", "c5a", "2026-12-28")),
      accepts("end", "admin", end_teaching("a-math-5a", "c5a", "2026-12-28"), "class-c5a"),
  });
}

TEST_F(ClassesTest, MessageClass) {
  check({
      rejects("no id", E::kInvalidCommand, "t-math", message("", "c5a", "Экскурсия")),
      rejects("unknown class", E::kNotFound, "t-math", message("m1", "c9z", "Экскурсия")),
      rejects("no text", E::kInvalidCommand, "t-math", message("m1", "c5a", " ")),
      rejects("text too long", E::kInvalidValue, "t-math",
              message("m1", "c5a", std::string(4001, 'x'))),
      rejects("teacher of other classes", E::kNotAuthorized, "t-free",
              message("m1", "c5a", "Привет")),
      accepts("subject teacher", "t-math", message("m1", "c5a", "Экскурсия в четверг"),
              "class-c5a"),
      rejects("id taken", E::kAlreadyExists, "t-rus", message("m1", "c5a", "Собрание")),
  });
}

}  // namespace
}  // namespace zhurnal::commands::testing
