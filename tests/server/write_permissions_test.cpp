// The write side of the permission matrix (docs/permissions.md, "Commands"),
// every cell, against the running server: each role signs in over WebSocket
// and sends every journal command as a `command` request; the answer is
// either `accepted` (the event is written with the user as its actor) or the
// exact stable error code, with the log head unchanged.
//
// The expectations are written twice on purpose: in kRows below and in the
// tables of docs/permissions.md. DocumentedMatrixIsTheTestedMatrix parses the
// document and fails on any cell, row or column where the two disagree, so
// the document cannot drift from what the server does.
//
// One server and one seeded school for the whole matrix; every cell gets its
// own fresh objects (a lesson, a mark, a student, a user...), created
// in-process as the system actor (or as the teacher who owns them) before the
// cell runs, so a refusal is always about the right, never about the data.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "commands/internal/calendar.hpp"
#include "markdown_table.hpp"
#include "server_fixture.hpp"

#ifndef ZHURNAL_DOCS_DIR
#error "ZHURNAL_DOCS_DIR must name the docs/ folder"
#endif

namespace zhurnal::server::testing {
namespace {

// The document's columns, in its order, and the user who plays each one.
// Sys (the system actor) cannot sign in and is covered by
// tests/commands/permissions_test.cpp.
struct Column {
  const char* doc;
  const char* user;
};
const std::vector<Column> kColumns = {
    {"Adm", "admin"},      {"Dir", "director"}, {"Dep", "deputy"},   {"Sec", "secretary"},
    {"T own", "t-math"},   {"T other", "t-free"}, {"CT", "t-rus"},    {"CT other", "t-ct6"},
    {"Par", "p1"},         {"Stu", "s1"},         {"Aud", "auditor"},
};

// One letter per column: Y accepted; N not_authorized; L not_your_lesson;
// A not_assigned; E not_own_entry; V invalid_value.
std::string code_of(char letter) {
  switch (letter) {
    case 'N': return "not_authorized";
    case 'L': return "not_your_lesson";
    case 'A': return "not_assigned";
    case 'E': return "not_own_entry";
    case 'V': return "invalid_value";
  }
  return "?";
}
char letter_of(const std::string& code) {
  for (char c : std::string("NLAEV")) {
    if (code_of(c) == code) return c;
  }
  return '?';
}

// A cell: `k` is unique in the whole run (fresh ids), `col` the column index.
struct Cell {
  int k;
  int col;
  std::string id(const char* prefix) const { return std::string(prefix) + std::to_string(k); }
};

using Steps = std::vector<std::pair<std::string, std::string>>;  // (actor, command JSON)

struct Row {
  std::string doc;     // the first cell of the document's row, verbatim
  std::string expect;  // one letter per column of kColumns
  std::function<std::string(const Cell&)> command;
  std::function<Steps(const Cell&)> setup = {};
};

const std::string kSys = "system";

std::string lesson_json(const std::string& id, const std::string& teacher = "t-math",
                        const std::string& date = "2026-10-05") {
  return R"({"scheduleLesson": {"lessonId": ")" + id + R"(", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": ")" +
         teacher + R"(", "date": ")" + date + R"(", "number": 2}})";
}
// Column `col`'s own days in 2027: `weekday` (0 Monday) of the week
// `col + weeks` weeks after that of 11 January.
std::string day_2027(int col, int weeks, int weekday) {
  const auto monday = commands::internal::parse_date("2027-01-11");
  return commands::internal::format_date({monday->days + 7 * (col + weeks) + weekday});
}
std::string user_json(const std::string& id, const std::string& roles) {
  return R"({"registerUser": {"userId": ")" + id +
         R"(", "schoolId": "sch1", "fullName": "Тестов Тест Тестович", "roles": )" + roles + "}}";
}
std::string student_json(const std::string& id) {
  return R"({"enrollStudent": {"studentId": ")" + id + R"(", "schoolId": "sch1", "classId": "c5a",
      "fullName": "Новикова Вера", "birthDate": "2015-04-04", "from": "2026-09-01",
      "order": "№ 140-у"}})";
}
std::string link_json(const std::string& student, const std::string& parent) {
  return R"({"linkGuardian": {"studentId": ")" + student + R"(", "parentId": ")" + parent +
         R"(", "relation": "мать"}})";
}
std::string issue_json(const std::string& id) {
  return R"({"issueCredentials": {"userId": ")" + id + R"(", "login": "login-)" + id + R"("}})";
}
std::string revoke_json(const std::string& id) {
  return R"({"revokeCredentials": {"userId": ")" + id + R"(", "reason": "Утерян пароль"}})";
}
std::string mark_json(const std::string& id) {
  return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math", "studentId": "s1",
      "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}})";
}
std::string year_json(const std::string& id, int year) {
  const std::string y = std::to_string(year), y1 = std::to_string(year + 1);
  return R"({"openAcademicYear": {"schoolId": "sch1", "yearId": ")" + id +
         R"(", "name": "Год", "start": ")" + y + R"(-09-01", "end": ")" + y1 +
         R"(-05-31", "periodKind": "halves", "periods": [
           {"periodId": ")" + id + R"(-1", "name": "1 полугодие", "start": ")" + y +
         R"(-09-01", "end": ")" + y + R"(-12-28"},
           {"periodId": ")" + id + R"(-2", "name": "2 полугодие", "start": ")" + y1 +
         R"(-01-10", "end": ")" + y1 + R"(-05-31"}]}})";
}
std::string class_json(const std::string& id) {
  return R"({"openClass": {"classId": ")" + id + R"(", "schoolId": "sch1", "yearId": "y2026",
      "grade": 7, "letter": ")" + id + R"("}})";
}
std::string teaching_json(const std::string& id, const std::string& cls, const std::string& teacher) {
  return R"({"assignTeaching": {"assignmentId": ")" + id + R"(", "classId": ")" + cls +
         R"(", "subgroupId": "", "subjectId": "math", "teacherId": ")" + teacher +
         R"(", "start": "2026-09-01", "end": ""}})";
}

const std::vector<Row>& rows() {
  static const std::vector<Row> v = {
      // ---- school and reference books ----
      {"`registerSchool`", "NNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"registerSchool": {"schoolId": ")" + c.id("sch-") + R"(", "name": "Школа",
             "timeZone": "Europe/Moscow", "lessonMinutes": 45, "bellSchedule": ["08:00"]}})";
       }},
      {"`openAcademicYear`", "YNNNNNNNNNN",
       [](const Cell& c) { return year_json(c.id("y-"), 2100 + c.k); }},
      {"`declareHoliday`", "YNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"declareHoliday": {"schoolId": "sch1", "yearId": "y2026", "start": "2027-02-)" +
                std::to_string(10 + c.col) + R"(", "end": "2027-02-)" + std::to_string(10 + c.col) +
                R"(", "name": "День"}})";
       }},
      {"`defineSubject`", "YNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"defineSubject": {"schoolId": "sch1", "subjectId": ")" + c.id("subj-") +
                R"(", "name": "Предмет"}})";
       }},
      {"`defineWorkType`", "YNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": ")" + c.id("wt-") +
                R"(", "name": "Вид", "weight": 2}})";
       }},
      {"`closePeriod`", "YYYNNNNNNNN",
       [](const Cell& c) {
         return R"({"closePeriod": {"schoolId": "sch1", "periodId": ")" + c.id("yc-") + R"(-1"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, year_json(c.id("yc-"), 2100 + c.k)}};
       }},
      {"`reopenPeriod` (reason)", "YNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"reopenPeriod": {"schoolId": "sch1", "periodId": ")" + c.id("yr-") +
                R"(-1", "reason": "Служебная записка"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, year_json(c.id("yr-"), 2100 + c.k)},
                      {kSys, R"({"closePeriod": {"schoolId": "sch1", "periodId": ")" + c.id("yr-") +
                                 R"(-1"}})"}};
       }},
      {"`signOffMonth`", "NYNNNNNNNNN",
       [](const Cell&) {
         return std::string(R"({"signOffMonth": {"schoolId": "sch1", "month": "2026-09", "comment": ""}})");
       }},
      // ---- people and access ----
      {"`registerUser` with role `parent`", "YNNYNNYYNNN",
       [](const Cell& c) { return user_json(c.id("u-"), R"(["parent"])"); }},
      {"`registerUser` with role `teacher`", "YNNYNNNNNNN",
       [](const Cell& c) { return user_json(c.id("u-"), R"(["teacher"])"); }},
      {"`registerUser` with `administrator`, `director`, `deputyDirector`, `secretary`",
       "YNNNNNNNNNN", [](const Cell& c) { return user_json(c.id("u-"), R"(["deputyDirector"])"); }},
      {"`registerUser` with `auditor` (school `\"\"`)", "NNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"registerUser": {"userId": ")" + c.id("u-") +
                R"(", "schoolId": "", "fullName": "Проверяющий", "roles": ["auditor"]}})";
       }},
      {"`registerUser` with `student`", "VVVVVVVVNNN",
       [](const Cell& c) { return user_json(c.id("u-"), R"(["student"])"); }},
      {"`changeRoles`", "YNNNNNNNNNN",
       [](const Cell& c) {
         return R"({"changeRoles": {"userId": ")" + c.id("u-") +
                R"(", "roles": ["teacher", "deputyDirector"]}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["teacher"])")}};
       }},
      {"`issueCredentials` to staff", "YNNNNNNNNNN",
       [](const Cell& c) { return issue_json(c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["teacher"])")}};
       }},
      {"`issueCredentials` to a student", "NNNNNNYNNNN",
       [](const Cell& c) { return issue_json(c.id("st-")); },
       [](const Cell& c) {
         return Steps{{kSys, student_json(c.id("st-"))}};
       }},
      {"`issueCredentials` to a parent", "NNNNNNYNNNN",
       [](const Cell& c) { return issue_json(c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["parent"])")}, {kSys, link_json("s2", c.id("u-"))}};
       }},
      {"`revokeCredentials` from staff (reason)", "YNNNNNNNNNN",
       [](const Cell& c) { return revoke_json(c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["teacher"])")}, {kSys, issue_json(c.id("u-"))}};
       }},
      {"`revokeCredentials` from a student (reason)", "NNNNNNYNNNN",
       [](const Cell& c) { return revoke_json(c.id("st-")); },
       [](const Cell& c) {
         return Steps{{kSys, student_json(c.id("st-"))}, {kSys, issue_json(c.id("st-"))}};
       }},
      {"`revokeCredentials` from a parent (reason)", "NNNNNNYNNNN",
       [](const Cell& c) { return revoke_json(c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["parent"])")},
                      {kSys, link_json("s2", c.id("u-"))},
                      {kSys, issue_json(c.id("u-"))}};
       }},
      {"`recordConsent` (a student or a parent only)", "YNNYNNYNNNN",
       [](const Cell&) {
         return std::string(R"({"recordConsent": {"userId": "s3", "given": true,
             "documentDate": "2026-09-01", "note": ""}})");
       }},
      {"`linkGuardian` of a parent with no other children", "YNNYNNYNNNN",
       [](const Cell& c) { return link_json("s3", c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["parent"])")}};
       }},
      {"`linkGuardian` of a parent whose other child is in another class", "YNNYNNNNNNN",
       [](const Cell& c) { return link_json("s3", c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["parent"])")}, {kSys, link_json("b1", c.id("u-"))}};
       }},
      {"`linkGuardian` of a staff member who is a parent", "YNNYNNNNNNN",
       [](const Cell& c) { return link_json("s3", c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, user_json(c.id("u-"), R"(["teacher", "parent"])")}};
       }},
      {"`recordSignIn`", "NNNNNNNNNNN",
       [](const Cell&) {
         return std::string(R"({"recordSignIn": {"userId": "t-math", "schoolId": "sch1", "role": "teacher"}})");
       }},
      // ---- classes, students, messages ----
      {"`openClass`", "YNNYNNNNNNN", [](const Cell& c) { return class_json(c.id("cl-")); }},
      {"`defineSubgroup`", "YNNYNNNNNNN",
       [](const Cell& c) {
         return R"({"defineSubgroup": {"classId": "c5a", "subgroupId": ")" + c.id("sg-") +
                R"(", "name": "Группа", "studentIds": ["s3", "s4"]}})";
       }},
      {"`assignClassTeacher`", "YNNYNNNNNNN",
       [](const Cell& c) {
         return R"({"assignClassTeacher": {"classId": ")" + c.id("cl-") + R"(", "teacherId": ")" +
                c.id("u-") + R"("}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, class_json(c.id("cl-"))}, {kSys, user_json(c.id("u-"), R"(["teacher"])")}};
       }},
      {"`assignTeaching`", "YNYYNNNNNNN",
       [](const Cell& c) { return teaching_json(c.id("a-"), c.id("cl-"), c.id("u-")); },
       [](const Cell& c) {
         return Steps{{kSys, class_json(c.id("cl-"))}, {kSys, user_json(c.id("u-"), R"(["teacher"])")}};
       }},
      {"`endTeaching`", "YNYYNNNNNNN",
       [](const Cell& c) {
         return R"({"endTeaching": {"assignmentId": ")" + c.id("a-") + R"(", "classId": ")" +
                c.id("cl-") + R"(", "end": "2026-12-28"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, class_json(c.id("cl-"))},
                      {kSys, user_json(c.id("u-"), R"(["teacher"])")},
                      {kSys, teaching_json(c.id("a-"), c.id("cl-"), c.id("u-"))}};
       }},
      {"`enrollStudent`", "YNNYNNNNNNN", [](const Cell& c) { return student_json(c.id("st-")); }},
      {"`transferStudent`", "YNNYNNNNNNN",
       [](const Cell& c) {
         return R"({"transferStudent": {"studentId": ")" + c.id("st-") + R"(", "fromClassId": "c5a",
             "toClassId": "c6b", "date": "2026-10-05", "order": "№ 141-у"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, student_json(c.id("st-"))}};
       }},
      {"`departStudent`", "YNNYNNNNNNN",
       [](const Cell& c) {
         return R"({"departStudent": {"studentId": ")" + c.id("st-") + R"(", "classId": "c5a",
             "date": "2026-10-05", "destination": "Гимназия № 9", "order": "№ 142-у"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, student_json(c.id("st-"))}};
       }},
      {"`messageClass`", "YYYNYNYNNNN",
       [](const Cell& c) {
         return R"({"messageClass": {"messageId": ")" + c.id("msg-") +
                R"(", "classId": "c5a", "text": "Собрание в пятницу"}})";
       }},
      {"`messageParents` (the student's current class)", "YYYNYNYNNNN",
       [](const Cell& c) {
         return R"({"messageParents": {"messageId": ")" + c.id("msg-") +
                R"(", "studentId": "s1", "text": "Прошу зайти в школу"}})";
       }},
      {"`commentStudent` without a lesson (the student's current class)", "NNNNYNYNNNN",
       [](const Cell& c) {
         return R"({"commentStudent": {"commentId": ")" + c.id("cm-") +
                R"(", "studentId": "s3", "lessonId": "", "text": "Забыл учебник"}})";
       }},
      {"`commentStudent` on a lesson", "NNNNYNYNNNN",
       [](const Cell& c) {
         return R"({"commentStudent": {"commentId": ")" + c.id("cm-") +
                R"(", "studentId": "s3", "lessonId": "l-math", "text": "Отлично работал"}})";
       }},
      {"`setFinalMark`", "AAAAYAAANNN",
       [](const Cell& c) {
         return R"({"setFinalMark": {"studentId": ")" + c.id("st-") + R"(", "classId": "c5a",
             "subjectId": "math", "kind": "period", "periodId": "q1", "value": {"numeric": 4},
             "reason": ""}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, student_json(c.id("st-"))}};
       }},
      // ---- lessons, marks, attendance ----
      {"`scheduleLesson`", "YNYYYNNNNNN", [](const Cell& c) { return lesson_json(c.id("les-")); }},
      // Each column repeats a week of its own, which holds a math lesson of
      // t-math's on Thursday; a keeper's repeat lands in the next column's
      // week, which still has its next week free. (Not Wednesday: the
      // declareHoliday row makes 10 February 2027 a holiday.)
      {"`repeatWeek`", "YNYYYNVNNNN",
       [](const Cell& c) {
         return R"({"repeatWeek": {"classId": "c5a", "date": ")" + day_2027(c.col, 0, 3) +
                R"(", "until": ")" + day_2027(c.col, 1, 3) + R"(", "lessonIdPrefix": ")" +
                c.id("rw") + R"("}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"), "t-math", day_2027(c.col, 0, 3))}};
       }},
      // Each column cancels the lessons of a Friday of its own.
      {"`cancelLessons` (reason; lessons that took place stay)", "YNYNYNVNNNN",
       [](const Cell& c) {
         return R"({"cancelLessons": {"classId": "c5a", "from": ")" + day_2027(c.col, 0, 4) +
                R"(", "until": ")" + day_2027(c.col, 0, 4) + R"(", "reason": "Новое расписание"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"), "t-math", day_2027(c.col, 0, 4))}};
       }},
      {"`holdLesson`", "LLLLYLLLNNN",
       [](const Cell& c) {
         return R"({"holdLesson": {"lessonId": ")" + c.id("les-") + R"(", "topic": "Дроби"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`changeTopic`", "LLLLYLLLNNN",
       [](const Cell& c) {
         return R"({"changeTopic": {"lessonId": ")" + c.id("les-") + R"(", "topic": "Десятичные дроби"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`moveLesson` (reason; not once held or with entries)", "YNYNYNNNNNN",
       [](const Cell& c) {
         return R"({"moveLesson": {"lessonId": ")" + c.id("les-") +
                R"(", "date": "2026-10-07", "number": 3, "reason": "Болезнь учителя"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`cancelLesson` (reason; no active marks)", "YNYNYNNNNNN",
       [](const Cell& c) {
         return R"({"cancelLesson": {"lessonId": ")" + c.id("les-") + R"(", "reason": "Карантин"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`assignHomework`", "LLLLYLLLNNN",
       [](const Cell& c) {
         return R"({"assignHomework": {"lessonId": ")" + c.id("les-") +
                R"(", "text": "№ 215, 216", "dueDate": "2026-10-07"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`postMark`", "LLLLYLLLNNN", [](const Cell& c) { return mark_json(c.id("m-")); }},
      {"`postMarks`", "LLLLYLLLNNN",
       [](const Cell& c) {
         return R"({"postMarks": {"lessonId": "l-math", "workTypeId": "test", "marks": [
             {"markId": ")" + c.id("m-") + R"(a", "studentId": "s3", "value": {"numeric": 5}, "comment": ""},
             {"markId": ")" + c.id("m-") + R"(b", "studentId": "s4", "value": {"numeric": 3}, "comment": ""}]}})";
       }},
      {"`correctMark` (reason)", "YEEEYEEENNN",
       [](const Cell& c) {
         return R"({"correctMark": {"markId": ")" + c.id("m-") +
                R"(", "value": {"numeric": 5}, "reason": "Ошибка при вводе"}})";
       },
       [](const Cell& c) {
         return Steps{{"t-math", mark_json(c.id("m-"))}};
       }},
      {"`cancelMark` (reason)", "YEEEYEEENNN",
       [](const Cell& c) {
         return R"({"cancelMark": {"markId": ")" + c.id("m-") + R"(", "reason": "Ошибка при вводе"}})";
       },
       [](const Cell& c) {
         return Steps{{"t-math", mark_json(c.id("m-"))}};
       }},
      {"`recordAttendance`", "LLLLYLLLNNN",
       [](const Cell& c) {
         return R"({"recordAttendance": {"lessonId": ")" + c.id("les-") +
                R"(", "studentId": "s2", "code": "absent"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))}};
       }},
      {"`correctAttendance` (reason)", "YLLLYLYLNNN",
       [](const Cell& c) {
         return R"({"correctAttendance": {"lessonId": ")" + c.id("les-") +
                R"(", "studentId": "s2", "code": "ill", "reason": "Справка от врача"}})";
       },
       [](const Cell& c) {
         return Steps{{kSys, lesson_json(c.id("les-"))},
                      {"t-math", R"({"recordAttendance": {"lessonId": ")" + c.id("les-") +
                                     R"(", "studentId": "s2", "code": "absent"}})"}};
       }},
  };
  return v;
}

// ---- the document's tables ----------------------------------------------

// A cell's outcome: 'Y' for "yes…", "own…", "herself…"; for "no…" the
// letter of the first `code` in it (not_authorized when none); '-' for "—".
char outcome_of(const std::string& cell) {
  const std::string c = trim(cell);
  std::string plain = c;
  plain.erase(std::remove(plain.begin(), plain.end(), '*'), plain.end());
  if (plain.rfind("yes", 0) == 0 || plain.rfind("own", 0) == 0 || plain.rfind("herself", 0) == 0) {
    return 'Y';
  }
  if (plain.rfind("no", 0) == 0) {
    std::smatch m;
    static const std::regex code("`([a-z_]+)`");
    if (std::regex_search(plain, m, code)) return letter_of(m[1]);
    return 'N';
  }
  if (c == "—") return '-';
  return '?';
}

struct DocRow {
  std::string expect;  // letters in kColumns order
  int line = 0;
};

// The rows of every command table under "## Commands", by their first cell.
std::map<std::string, DocRow> documented_rows(std::string* error) {
  std::ifstream in(std::string(ZHURNAL_DOCS_DIR) + "/permissions.md");
  if (!in) {
    *error = "cannot open docs/permissions.md";
    return {};
  }
  std::map<std::string, DocRow> out;
  std::string line;
  bool in_commands = false;
  std::vector<int> index;  // document column -> kColumns index, -1 when not tested
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("## ", 0) == 0) in_commands = line == "## Commands";
    if (!in_commands || line.rfind("|", 0) != 0) continue;
    auto cells = cells_of(line);
    if (cells.empty()) continue;
    if (cells[0] == "command") {
      index.clear();
      for (size_t i = 1; i < cells.size(); ++i) {
        const std::string name = column_name(cells[i]);
        int at = -1;
        for (size_t j = 0; j < kColumns.size(); ++j) {
          if (name == kColumns[j].doc) at = static_cast<int>(j);
        }
        if (at < 0 && name != "Sys") *error += "unknown column '" + name + "' on line " + std::to_string(n) + "\n";
        index.push_back(at);
      }
      for (size_t j = 0; j < kColumns.size(); ++j) {
        if (std::find(index.begin(), index.end(), static_cast<int>(j)) == index.end()) {
          *error += std::string("column '") + kColumns[j].doc + "' missing from the table on line " +
                    std::to_string(n) + "\n";
        }
      }
      continue;
    }
    if (cells[0].rfind("`", 0) != 0) continue;  // the |---| line
    DocRow row{std::string(kColumns.size(), '-'), n};
    for (size_t i = 1; i < cells.size() && i - 1 < index.size(); ++i) {
      if (index[i - 1] >= 0) row.expect[index[i - 1]] = outcome_of(cells[i]);
    }
    if (!out.emplace(cells[0], row).second) {
      *error += "row '" + cells[0] + "' appears twice (line " + std::to_string(n) + ")\n";
    }
  }
  return out;
}

TEST(WritePermissionDoc, DocumentedMatrixIsTheTestedMatrix) {
  std::string error;
  const auto doc = documented_rows(&error);
  EXPECT_EQ(error, "");
  ASSERT_FALSE(doc.empty());
  std::set<std::string> tested;
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.doc);
    ASSERT_EQ(row.expect.size(), kColumns.size());
    tested.insert(row.doc);
    auto it = doc.find(row.doc);
    if (it == doc.end()) {
      ADD_FAILURE() << "the test's row " << row.doc << " is not in docs/permissions.md";
      continue;
    }
    for (size_t j = 0; j < kColumns.size(); ++j) {
      EXPECT_EQ(it->second.expect[j], row.expect[j])
          << "docs/permissions.md line " << it->second.line << ", column " << kColumns[j].doc
          << ": the document says " << it->second.expect[j] << ", the test " << row.expect[j];
    }
  }
  for (const auto& [name, row] : doc) {
    EXPECT_TRUE(tested.count(name)) << "docs/permissions.md line " << row.line << ": row " << name
                                    << " has no test in kRows";
  }
}

// ---- against the running server -----------------------------------------

class WritePermissionMatrix : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    // T other: a teacher with no assignment; CT other: the class teacher of
    // 6Б, who teaches nothing in 5А.
    ok(kSys, user_json("t-free", R"(["teacher"])"));
    ok(kSys, user_json("t-ct6", R"(["teacher"])"));
    ok(kSys, R"({"assignClassTeacher": {"classId": "c6b", "teacherId": "t-ct6"}})");
    for (const char* u : {"t-free", "t-ct6"}) ASSERT_TRUE(credentials_->set_password(u, u, kPassword));
  }
};

TEST_F(WritePermissionMatrix, EveryCommandAsEveryRole) {
  at("2026-10-05 12:00");  // after l-math (lesson 2, 09:20) began, before 17:00
  std::vector<std::unique_ptr<WsClient>> clients;
  for (const Column& c : kColumns) clients.push_back(signed_in(c.user));
  int k = 0, cells = 0;
  for (const Row& row : rows()) {
    for (size_t col = 0; col < kColumns.size(); ++col) {
      const Cell cell{++k, static_cast<int>(col)};
      const std::string user = kColumns[col].user;
      SCOPED_TRACE(row.doc + " as " + kColumns[col].doc + " (" + user + ")");
      if (row.setup) {
        for (const auto& [actor, json] : row.setup(cell)) ok(actor, json);
      }
      const uint64_t head = log_->head_position();
      const std::string cid = "w" + std::to_string(k);
      auto r = clients[col]->request(cid, R"("command": {"commandId": ")" + cid +
                                              R"(", "command": )" + row.command(cell) + "}");
      ASSERT_TRUE(r) << "no response";
      ++cells;
      if (row.expect[col] == 'Y') {
        EXPECT_NE(r->find(R"("accepted":)"), std::string::npos) << *r;
        ASSERT_GT(log_->head_position(), head) << *r;
        EXPECT_EQ(last_event().actor, user);
      } else {
        EXPECT_NE(r->find(R"("ok":false)"), std::string::npos) << *r;
        EXPECT_EQ(json_field(*r, "code"), code_of(row.expect[col])) << *r;
        EXPECT_EQ(log_->head_position(), head) << "a refused command wrote to the log";
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(rows().size() * kColumns.size()));
}

}  // namespace
}  // namespace zhurnal::server::testing
