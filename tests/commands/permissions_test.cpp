// Who may do what: for every school, people and class command, the roles
// that are allowed, and that every other actor gets not_authorized with
// nothing written. Each row runs in a freshly seeded journal.
#include <functional>
#include <map>
#include <set>

#include "rule_table.hpp"

namespace zhurnal::commands::testing {
namespace {

// Everybody who can sign in, plus a student (students are no users and are
// refused before any rule runs).
const std::vector<std::string> kActors = {"system",    "admin",   "director", "deputy",
                                          "secretary", "auditor", "t-math",   "t-rus",
                                          "t-eng",     "t-free",  "p1",       "s1"};

struct PermissionCase {
  std::string name;
  std::set<std::string> allowed;
  // The command for the n-th allowed actor (0-based); refused actors get n = 0.
  std::function<std::string(int)> json;
  std::vector<std::string> setup = {};  // run as the system actor first
  // Run after `setup`, each as its actor (marks "own" by the teacher).
  std::vector<std::pair<std::string, std::string>> setup_as = {};
  // A refused actor's code when it is not not_authorized.
  std::map<std::string, ErrorCode> refusal = {};
};

std::ostream& operator<<(std::ostream& os, const PermissionCase& c) { return os << c.name; }

std::string pick(const std::vector<std::string>& values, int n) { return values.at(n); }

std::string user(const std::string& id, const std::string& role, const std::string& school) {
  return R"({"registerUser": {"userId": ")" + id + R"(", "schoolId": ")" + school +
         R"(", "fullName": "Тестовый Пользователь", "roles": [")" + role + R"("]}})";
}
std::string issue(const std::string& id) {
  return R"({"issueCredentials": {"userId": ")" + id + R"(", "login": "login-)" + id + R"("}})";
}
std::string revoke(const std::string& id) {
  return R"({"revokeCredentials": {"userId": ")" + id + R"(", "reason": "Утерян пароль"}})";
}
const std::string kParent2 = user("p2", "parent", "sch1");
const std::string kLinkP2 =
    R"({"linkGuardian": {"studentId": "s2", "parentId": "p2", "relation": "отец"}})";

// Parents are registered by the secretary, the administrator and class
// teachers; until JournalState lists a school's classes every teacher passes.
std::set<std::string> parent_registrars() {
  std::set<std::string> s = {"system", "secretary", "admin", "t-rus"};
  if (!kStateListsClasses) s.insert({"t-math", "t-eng", "t-free"});
  return s;
}

const std::set<std::string> kSys = {"system"};
const std::set<std::string> kAdmin = {"system", "admin"};
const std::set<std::string> kSecretariat = {"system", "admin", "secretary"};
const std::set<std::string> kLoads = {"system", "admin", "secretary", "deputy"};
const std::set<std::string> kClassTeacher = {"system", "t-rus"};
const std::set<std::string> kConsent = {"system", "admin", "secretary", "t-rus"};
const std::set<std::string> kMessengers = {"system", "admin",  "director", "deputy",
                                           "t-rus",  "t-math", "t-eng"};


// ---- lessons, marks, attendance, final marks, sign-ins ---------------------
// Lessons "jl-{n}" of t-math (5А math) on 1 October 2026, lesson 1 (08:30):
// begun by the test's clock (10:00).
std::string lesson(int n) {
  return with_n(R"({"scheduleLesson": {"lessonId": "jl-{n}", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-01", "number": 1}})",
                n);
}
std::vector<std::string> lessons(int count) {
  std::vector<std::string> v;
  for (int n = 0; n < count; ++n) v.push_back(lesson(n));
  return v;
}
std::string mark(const std::string& id) {
  return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": "jl-0", "studentId": "s1",
      "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}})";
}
std::string absence(int n) {
  return with_n(R"({"recordAttendance": {"lessonId": "jl-{n}", "studentId": "s2", "code": "absent"}})",
                n);
}

// Who is refused with `code` rather than not_authorized: every user (a
// student is no user and gets not_authorized before any rule).
std::map<std::string, ErrorCode> all_users(ErrorCode code) {
  std::map<std::string, ErrorCode> m;
  for (const std::string& a : kActors) {
    if (a != "s1") m[a] = code;
  }
  return m;
}

const std::set<std::string> kLessonTeacher = {"system", "t-math"};
const std::set<std::string> kLessonManagers = {"system", "admin", "deputy", "t-math"};
const std::set<std::string> kOffice = {"system", "admin", "secretary"};

std::vector<PermissionCase> lesson_cases() {
  const auto not_yours = all_users(ErrorCode::kNotYourLesson);
  return {
      {"ScheduleLesson",
       {"system", "admin", "deputy", "secretary", "t-math"},
       [](int n) { return lesson(n); }},
      {"HoldLesson", kLessonTeacher,
       [](int n) { return with_n(R"({"holdLesson": {"lessonId": "jl-{n}", "topic": "Дроби"}})", n); },
       lessons(2), {}, not_yours},
      {"ChangeTopic", kLessonTeacher,
       [](int n) {
         return with_n(R"({"changeTopic": {"lessonId": "jl-{n}", "topic": "Десятичные дроби"}})", n);
       },
       lessons(2), {}, not_yours},
      {"MoveLesson", kLessonManagers,
       [](int n) {
         return with_n(R"({"moveLesson": {"lessonId": "jl-{n}", "date": "2026-10-02", "number": 2,
             "reason": "Болезнь учителя"}})",
                       n);
       },
       lessons(4)},
      {"CancelLesson", kLessonManagers,
       [](int n) {
         return with_n(R"({"cancelLesson": {"lessonId": "jl-{n}", "reason": "Карантин"}})", n);
       },
       lessons(4)},
      {"AssignHomework", kLessonTeacher,
       [](int n) {
         return with_n(R"({"assignHomework": {"lessonId": "jl-{n}", "text": "№ 215",
             "dueDate": "2026-10-02"}})",
                       n);
       },
       lessons(2), {}, not_yours},
      {"PostMark", kLessonTeacher, [](int n) { return mark("pm-" + std::to_string(n)); }, lessons(1),
       {}, not_yours},
      {"PostMarks", kLessonTeacher,
       [](int n) {
         return with_n(R"({"postMarks": {"lessonId": "jl-0", "workTypeId": "test", "marks": [
             {"markId": "pms-{n}a", "studentId": "s3", "value": {"numeric": 5}, "comment": ""},
             {"markId": "pms-{n}b", "studentId": "s4", "value": {"numeric": 3}, "comment": ""}]}})",
                       n);
       },
       lessons(1), {}, not_yours},
      {"CorrectMark",
       {"system", "admin", "t-math"},
       [](int n) {
         return with_n(R"({"correctMark": {"markId": "mk-{n}", "value": {"numeric": 5},
             "reason": "Ошибка при вводе"}})",
                       n);
       },
       lessons(1),
       {{"t-math", mark("mk-0")}, {"t-math", mark("mk-1")}, {"t-math", mark("mk-2")}},
       all_users(ErrorCode::kNotOwnEntry)},
      {"CancelMark",
       {"system", "admin", "t-math"},
       [](int n) {
         return with_n(R"({"cancelMark": {"markId": "mk-{n}", "reason": "Ошибка при вводе"}})", n);
       },
       lessons(1),
       {{"t-math", mark("mk-0")}, {"t-math", mark("mk-1")}, {"t-math", mark("mk-2")}},
       all_users(ErrorCode::kNotOwnEntry)},
      {"RecordAttendance", kLessonTeacher, [](int n) { return absence(n); }, lessons(2), {},
       not_yours},
      {"CorrectAttendance",
       {"system", "admin", "t-math", "t-rus"},
       [](int n) {
         return with_n(R"({"correctAttendance": {"lessonId": "jl-{n}", "studentId": "s2",
             "code": "ill", "reason": "Справка от врача"}})",
                       n);
       },
       lessons(4),
       {{"t-math", absence(0)}, {"t-math", absence(1)}, {"t-math", absence(2)}, {"t-math", absence(3)}},
       not_yours},
      {"SetFinalMark", kLessonTeacher,
       [](int n) {
         return with_n(R"({"setFinalMark": {"studentId": "s{n}", "classId": "c5a", "subjectId": "math",
             "kind": "period", "periodId": "q1", "value": {"numeric": 4}, "reason": ""}})",
                       n + 1);
       },
       {}, {}, all_users(ErrorCode::kNotAssigned)},
      {"CommentStudentOnALesson",
       {"system", "t-math", "t-rus"},
       [](int n) {
         return with_n(R"({"commentStudent": {"commentId": "cl-{n}", "studentId": "s3",
             "lessonId": "jl-0", "text": "Отлично работал"}})",
                       n);
       },
       lessons(1), {}, {{"t-eng", ErrorCode::kNotYourLesson}}},
      {"RecordSignIn", kSys,
       [](int) {
         return std::string(R"({"recordSignIn": {"userId": "t-math", "schoolId": "sch1",
             "role": "teacher"}})");
       }},
      // A class teacher links a parent whose children are all in her class;
      // the others go through the office (docs/permissions.md, decision 1).
      {"LinkGuardianOfAParentWithAChildInAnotherClass", kOffice,
       [](int n) {
         return with_n(R"({"linkGuardian": {"studentId": "s3", "parentId": "g{n}",
             "relation": "мать"}})",
                       n);
       },
       {user("g0", "parent", "sch1"), user("g1", "parent", "sch1"), user("g2", "parent", "sch1"),
        R"({"linkGuardian": {"studentId": "b1", "parentId": "g0", "relation": "мать"}})",
        R"({"linkGuardian": {"studentId": "b1", "parentId": "g1", "relation": "мать"}})",
        R"({"linkGuardian": {"studentId": "b1", "parentId": "g2", "relation": "мать"}})"}},
      {"LinkGuardianOfAStaffMember", kOffice,
       [](int n) {
         return with_n(R"({"linkGuardian": {"studentId": "s3", "parentId": "g{n}",
             "relation": "мать"}})",
                       n);
       },
       {R"({"registerUser": {"userId": "g0", "schoolId": "sch1", "fullName": "Учитель Родитель",
            "roles": ["teacher", "parent"]}})",
        R"({"registerUser": {"userId": "g1", "schoolId": "sch1", "fullName": "Учитель Родитель",
            "roles": ["teacher", "parent"]}})",
        R"({"registerUser": {"userId": "g2", "schoolId": "sch1", "fullName": "Учитель Родитель",
            "roles": ["teacher", "parent"]}})"}},
  };
}

std::vector<PermissionCase> cases() {
  std::vector<PermissionCase> v = {
      {"RegisterSchool", kSys,
       [](int n) {
         return with_n(R"({"registerSchool": {"schoolId": "sch-{n}", "name": "Школа {n}",
             "timeZone": "Europe/Moscow", "lessonMinutes": 45, "bellSchedule": ["08:00"]}})",
                       n);
       }},
      {"OpenAcademicYear", kAdmin,
       [](int n) {
         const std::string y = std::to_string(2030 + n), y1 = std::to_string(2031 + n);
         return with_n(R"({"openAcademicYear": {"schoolId": "sch1", "yearId": "y-{n}",
             "name": "Год", "start": ")" +
                           y + R"(-09-01", "end": ")" + y1 + R"(-05-31",
             "periodKind": "halves", "periods": [
               {"periodId": "h{n}-1", "name": "1 полугодие", "start": ")" +
                           y + R"(-09-01",
                "end": ")" +
                           y + R"(-12-28"},
               {"periodId": "h{n}-2", "name": "2 полугодие", "start": ")" +
                           y1 + R"(-01-10",
                "end": ")" +
                           y1 + R"(-05-31"}]}})",
                       n);
       }},
      {"DeclareHoliday", kAdmin,
       [](int n) {
         return with_n(R"({"declareHoliday": {"schoolId": "sch1", "yearId": "y2026",
             "start": "2027-02-1{n}", "end": "2027-02-1{n}", "name": "День {n}"}})",
                       n);
       }},
      {"DefineSubject", kAdmin,
       [](int n) {
         return with_n(R"({"defineSubject": {"schoolId": "sch1", "subjectId": "subj-{n}",
             "name": "Предмет {n}"}})",
                       n);
       }},
      {"DefineWorkType", kAdmin,
       [](int n) {
         return with_n(R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": "wt-{n}",
             "name": "Вид {n}", "weight": 2}})",
                       n);
       }},
      {"ClosePeriod",
       {"system", "admin", "director", "deputy"},
       [](int n) {
         return R"({"closePeriod": {"schoolId": "sch1", "periodId": "q)" + std::to_string(n + 1) +
                R"("}})";
       }},
      {"ReopenPeriod",
       kAdmin,
       [](int n) {
         return R"({"reopenPeriod": {"schoolId": "sch1", "periodId": "q)" + std::to_string(n + 1) +
                R"(", "reason": "Служебная записка"}})";
       },
       {R"({"closePeriod": {"schoolId": "sch1", "periodId": "q1"}})",
        R"({"closePeriod": {"schoolId": "sch1", "periodId": "q2"}})"}},
      {"SignOffMonth",
       {"system", "director"},
       [](int n) {
         return R"({"signOffMonth": {"schoolId": "sch1", "month": ")" +
                pick({"2026-09", "2026-10"}, n) + R"(", "comment": ""}})";
       }},
      {"RegisterParent", parent_registrars(),
       [](int n) { return user("new-" + std::to_string(n), "parent", "sch1"); }},
      {"RegisterTeacher", kSecretariat,
       [](int n) { return user("new-" + std::to_string(n), "teacher", "sch1"); }},
      {"RegisterSecretary", kAdmin,
       [](int n) { return user("new-" + std::to_string(n), "secretary", "sch1"); }},
      {"RegisterDeputyDirector", kAdmin,
       [](int n) { return user("new-" + std::to_string(n), "deputyDirector", "sch1"); }},
      {"RegisterDirector", kAdmin,
       [](int n) { return user("new-" + std::to_string(n), "director", "sch1"); }},
      {"RegisterAdministrator", kAdmin,
       [](int n) { return user("new-" + std::to_string(n), "administrator", "sch1"); }},
      {"RegisterAuditor", kSys,
       [](int n) { return user("new-" + std::to_string(n), "auditor", ""); }},
      {"ChangeRoles", kAdmin,
       [](int n) {
         return R"({"changeRoles": {"userId": "t-eng", "roles": )" +
                pick({R"(["teacher", "deputyDirector"])", R"(["teacher"])"}, n) + "}}";
       }},
      {"IssueCredentialsToStaff", kAdmin,
       [](int n) {
         return issue(pick({"t-math", "t-eng"}, n));
       }},
      {"IssueCredentialsToStudent", kClassTeacher,
       [](int n) {
         return issue(pick({"s1", "s2"}, n));
       }},
      {"IssueCredentialsToParent",
       kClassTeacher,
       [](int n) {
         return issue(pick({"p1", "p2"}, n));
       },
       {kParent2, kLinkP2}},
      {"RevokeCredentialsFromStaff",
       kAdmin,
       [](int n) {
         return revoke(pick({"t-math", "t-eng"}, n));
       },
       {issue("t-math"), issue("t-eng")}},
      {"RevokeCredentialsFromStudent",
       kClassTeacher,
       [](int n) {
         return revoke(pick({"s1", "s2"}, n));
       },
       {issue("s1"), issue("s2")}},
      {"RevokeCredentialsFromParent",
       kClassTeacher,
       [](int n) {
         return revoke(pick({"p1", "p2"}, n));
       },
       {kParent2, kLinkP2, issue("p1"), issue("p2")}},
      {"RecordStudentConsent", kConsent,
       [](int) {
         return R"({"recordConsent": {"userId": "s1", "given": true,
             "documentDate": "2026-09-01", "note": ""}})";
       }},
      {"RecordParentConsent", kConsent,
       [](int) {
         return R"({"recordConsent": {"userId": "p1", "given": true,
             "documentDate": "2026-09-01", "note": "Заявление"}})";
       }},
      {"LinkGuardian",
       kConsent,
       [](int n) {
         return with_n(R"({"linkGuardian": {"studentId": "s3", "parentId": "g{n}",
             "relation": "опекун"}})",
                       n);
       },
       {user("g0", "parent", "sch1"), user("g1", "parent", "sch1"), user("g2", "parent", "sch1"),
        user("g3", "parent", "sch1")}},
      {"OpenClass", kSecretariat,
       [](int n) {
         return with_n(R"({"openClass": {"classId": "c-{n}", "schoolId": "sch1",
             "yearId": "y2026", "grade": 7, "letter": "Л{n}"}})",
                       n);
       }},
      {"DefineSubgroup", kSecretariat,
       [](int n) {
         return with_n(R"({"defineSubgroup": {"classId": "c5a", "subgroupId": "sg-{n}",
             "name": "Группа {n}", "studentIds": ["s3", "s4"]}})",
                       n);
       }},
      {"AssignClassTeacher", kSecretariat,
       [](int n) {
         return R"({"assignClassTeacher": {"classId": "c6b", "teacherId": ")" +
                pick({"t-math", "t-eng", "t-math"}, n) + R"("}})";
       }},
      {"AssignTeaching", kLoads,
       [](int n) {
         return with_n(R"({"assignTeaching": {"assignmentId": "a-{n}", "classId": "c6b",
             "subgroupId": "", "subjectId": "math", "teacherId": "t-math",
             "start": "2027-0{n}-01", "end": "2027-0{n}-20"}})",
                       n + 1);
       }},
      {"EndTeaching", kLoads,
       [](int n) {
         return R"({"endTeaching": {"assignmentId": "a-math-5a", "classId": "c5a", "end": "2027-05-)" +
                std::to_string(30 - n) + R"("}})";
       }},
      {"MessageClass", kMessengers,
       [](int n) {
         return with_n(R"({"messageClass": {"messageId": "msg-{n}", "classId": "c5a",
             "text": "Родительское собрание в пятницу"}})",
                       n);
       }},
      {"EnrollStudent", kSecretariat,
       [](int n) {
         return with_n(R"({"enrollStudent": {"studentId": "new-{n}", "schoolId": "sch1",
             "classId": "c6b", "fullName": "Новиков Артём", "birthDate": "2014-05-05",
             "from": "2026-10-01", "order": "№ 130-у"}})",
                       n);
       }},
      {"TransferStudent", kSecretariat,
       [](int n) {
         return with_n(R"({"transferStudent": {"studentId": "s{n}", "fromClassId": "c5a",
             "toClassId": "c6b", "date": "2026-10-01", "order": "№ 131-у"}})",
                       n + 1);
       }},
      {"DepartStudent", kSecretariat,
       [](int n) {
         return with_n(R"({"departStudent": {"studentId": "s{n}", "classId": "c5a",
             "date": "2026-10-01", "destination": "Гимназия № 9", "order": "№ 132-у"}})",
                       n + 1);
       }},
      {"CommentStudent",
       {"system", "t-rus", "t-math", "t-eng"},
       [](int n) {
         return with_n(R"({"commentStudent": {"commentId": "cm-{n}", "studentId": "s3",
             "lessonId": "", "text": "Забыл учебник"}})",
                       n);
       }},
      {"MessageParents", kMessengers,
       [](int n) {
         return with_n(R"({"messageParents": {"messageId": "mp-{n}", "studentId": "s1",
             "text": "Прошу зайти в школу"}})",
                       n);
       }},
  };
  for (PermissionCase& c : lesson_cases()) v.push_back(std::move(c));
  return v;
}

class PermissionTest : public RulesTest, public ::testing::WithParamInterface<PermissionCase> {};

TEST_P(PermissionTest, OnlyTheAllowedRolesMayRunIt) {
  const PermissionCase& c = GetParam();
  for (const std::string& json : c.setup) ok(sys_, json);
  for (const auto& [actor, json] : c.setup_as) ok(actor, json);
  // Refused actors first: they write nothing, so the allowed ones still find
  // the command valid.
  for (const std::string& actor : kActors) {
    if (c.allowed.count(actor)) continue;
    SCOPED_TRACE("refused: " + actor);
    auto code = c.refusal.find(actor);
    rejected(code == c.refusal.end() ? ErrorCode::kNotAuthorized : code->second, actor, c.json(0));
  }
  int n = 0;
  for (const std::string& actor : kActors) {
    if (!c.allowed.count(actor)) continue;
    SCOPED_TRACE("allowed: " + actor);
    ok(actor, c.json(n++));
    EXPECT_EQ(last_event().actor, actor);
  }
}

INSTANTIATE_TEST_SUITE_P(SchoolPeopleClasses, PermissionTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<PermissionCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace zhurnal::commands::testing
