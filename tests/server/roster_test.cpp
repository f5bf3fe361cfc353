// The class teacher's class list (`classRoster`, docs/protocol.md) against
// the running server: who may read it (the class teacher of the class, the
// director and deputy of its school, auditors) and who may not; what it
// shows about access and consent; live pushes after a change; and that
// revoking a login ends that user's open session. Also the school's staff
// and parents lists, and a class's week of lessons.
#include <algorithm>
#include <set>
#include <vector>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

using ClassRosterTest = ServerFixture;

// The JSON of one person of the list: from her userId to the next person.
std::string person(const std::string& json, const std::string& user) {
  const size_t at = json.find(R"("userId":")" + user + "\"");
  if (at == std::string::npos) return {};
  return json.substr(at, json.find(R"("userId":")", at + 1) - at);
}

TEST_F(ClassRosterTest, OnlyTheClassTeacherTheSchoolOfficeAndAuditorsRead) {
  at("2026-10-05 10:00");
  const std::string roster_5a = R"("classRoster": "c5a")";
  const std::string live_5a = R"("subscribe": {"lastPosition": "0", "classRoster": "c5a"})";
  const std::set<std::string> allowed = {"t-rus", "director", "deputy", "auditor", "admin",
                                         "secretary"};
  for (const char* user : {"t-rus", "director", "deputy", "auditor", "admin", "secretary", "t-math",
                           "t-eng", "p1", "s1", "s2"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    const std::string expected = allowed.count(user) ? "ok" : "forbidden";
    EXPECT_EQ(outcome(*c, roster_5a), expected);
    EXPECT_EQ(outcome(*c, live_5a), expected);
  }
  // t-rus teaches Russian in 1А but does not lead it.
  auto rus = signed_in("t-rus");
  EXPECT_EQ(outcome(*rus, R"("classRoster": "c1a")"), "forbidden");
  // An unknown class is refused like a forbidden one, for everybody.
  auto director = signed_in("director");
  auto auditor = signed_in("auditor");
  EXPECT_EQ(outcome(*director, R"("classRoster": "nope")"), "forbidden");
  EXPECT_EQ(outcome(*auditor, R"("classRoster": "nope")"), "forbidden");
  EXPECT_EQ(outcome(*auditor, R"("subscribe": {"lastPosition": "0", "classRoster": "nope"})"), "forbidden");
  EXPECT_EQ(outcome(*auditor, R"("classRoster": "c6b")"), "ok");
  // Without signing in, nothing.
  WsClient anonymous(port_);
  EXPECT_EQ(outcome(anonymous, roster_5a), "not_signed_in");
  // A class teacher of another school's class would be refused the same way:
  // the director reads 6Б of her own school, the class teacher of 5А does not.
  EXPECT_EQ(outcome(*director, R"("classRoster": "c6b")"), "ok");
  EXPECT_EQ(outcome(*rus, R"("classRoster": "c6b")"), "forbidden");
}

TEST_F(ClassRosterTest, ShowsStudentsParentsAccessAndConsent) {
  at("2026-10-05 10:00");
  auto rus = signed_in("t-rus");
  auto issued = rus->request("i", R"("command": {"commandId": "c-issue-s3", "command": {"issueCredentials":
      {"userId": "s3", "login": "vasilyev.p"}}})");
  ASSERT_TRUE(issued);
  const std::string password = json_field(*issued, "initialPassword");
  EXPECT_GE(password.size(), 8u) << *issued;
  ASSERT_EQ(outcome(*rus, R"("command": {"commandId": "c-consent-p1", "command": {"recordConsent":
      {"userId": "p1", "given": true, "documentDate": "2026-09-01", "note": "заявление № 7"}}})"), "ok");
  // p1 signs in: the list shows when, once the views have the sign-in
  // (they follow the log on their own thread).
  auto parent = signed_in("p1");
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));

  auto r = rus->request("r", R"("classRoster": "c5a")");
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("className":"5А")"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("classTeacherId":"t-rus")"), std::string::npos);
  // Students by name: Алексеев, Белова, Васильев, Григорьева.
  const size_t a = r->find(R"("userId":"s1")"), b = r->find(R"("userId":"s2")"),
               v = r->find(R"("userId":"s3")"), g = r->find(R"("userId":"s4")");
  ASSERT_TRUE(a != std::string::npos && b != std::string::npos && v != std::string::npos && g != std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, v);
  EXPECT_LT(v, g);
  EXPECT_EQ(r->find(R"("userId":"b1")"), std::string::npos) << "6Б's student in 5А's list";

  const std::string s3 = person(*r, "s3");
  EXPECT_NE(s3.find(R"("login":"vasilyev.p")"), std::string::npos) << s3;
  EXPECT_NE(s3.find(R"("active":true)"), std::string::npos) << s3;
  EXPECT_EQ(s3.find(password), std::string::npos) << "the password must never be in a view";

  // s1's mother, under s1, with her consent and sign-in.
  const std::string s1 = r->substr(a, b - a);
  const std::string p1 = person(s1, "p1");
  ASSERT_FALSE(p1.empty()) << s1;
  EXPECT_NE(p1.find(R"("fullName":"Алексеева Наталья Игоревна")"), std::string::npos) << p1;
  EXPECT_NE(p1.find(R"("consentRecorded":true)"), std::string::npos) << p1;
  EXPECT_NE(p1.find(R"("consentGiven":true)"), std::string::npos) << p1;
  EXPECT_NE(p1.find(R"("consentDate":"2026-09-01")"), std::string::npos) << p1;
  EXPECT_NE(p1.find(R"("signIns":1)"), std::string::npos) << p1;
  EXPECT_NE(s1.find(R"("relation":"мать")"), std::string::npos) << s1;
  // s2 has no parents linked.
  EXPECT_NE(r->substr(b, v - b).find(R"("parents":[])"), std::string::npos) << r->substr(b, v - b);
}

TEST_F(ClassRosterTest, PushesAfterAChangeAndRevokingEndsTheSession) {
  at("2026-10-05 10:00");
  auto rus = signed_in("t-rus");
  auto issued = rus->request("i", R"("command": {"commandId": "c-issue-s4", "command": {"issueCredentials":
      {"userId": "s4", "login": "grigoryeva.a"}}})");
  ASSERT_TRUE(issued);
  const std::string password = json_field(*issued, "initialPassword");
  ASSERT_FALSE(password.empty()) << *issued;

  // s4 signs in with the initial password: only with a password of her own.
  WsClient student(port_);
  auto alone = student.request(
      "in", R"("signIn": {"login": "grigoryeva.a", "password": ")" + password + "\"}");
  ASSERT_TRUE(alone);
  EXPECT_EQ(json_field(*alone, "code"), "password_change_required") << *alone;
  EXPECT_EQ(outcome(student, R"("diary": {"studentId": "s4", "date": "2026-10-05"})"),
            "not_signed_in");
  const std::string own = "мой пароль 2026";
  auto in = student.request("in", R"("signIn": {"login": "grigoryeva.a", "password": ")" +
                                      password + R"(", "newPassword": ")" + own + "\"}");
  ASSERT_TRUE(in);
  ASSERT_NE(in->find(R"("ok":true)"), std::string::npos) << *in;
  EXPECT_EQ(outcome(student, R"("diary": {"studentId": "s4", "date": "2026-10-05"})"), "ok");
  EXPECT_EQ(outcome(student, R"("diary": {"studentId": "s1", "date": "2026-10-05"})"), "forbidden");
  EXPECT_EQ(outcome(student, R"("classRoster": "c5a")"), "forbidden");

  ASSERT_EQ(outcome(*rus, R"("subscribe": {"lastPosition": "0", "classRoster": "c5a"})"), "ok");
  ASSERT_TRUE(rus->wait_push(R"("classRoster":)"));
  ASSERT_EQ(outcome(*rus, R"("command": {"commandId": "c-revoke-s4", "command": {"revokeCredentials":
      {"userId": "s4", "reason": "утерян пароль"}}})"), "ok");
  auto push = rus->wait_push(R"("revokeReason":"утерян пароль")");
  ASSERT_TRUE(push) << "no push after the revocation";
  EXPECT_NE(person(*push, "s4").find(R"("active":false)"), std::string::npos) << *push;

  // The student's open session ended: her connection is closed or refused.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    auto r = student.request("d", R"("diary": {"studentId": "s4", "date": "2026-10-05"})",
                             std::chrono::milliseconds(500));
    ended = student.closed() || (r && r->find(R"("ok":true)") == std::string::npos);
  }
  EXPECT_TRUE(ended);
  // And her password no longer works.
  WsClient again(port_);
  auto retry =
      again.request("in", R"("signIn": {"login": "grigoryeva.a", "password": ")" + own + "\"}");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->find(R"("ok":true)"), std::string::npos) << *retry;
}

using StaffRosterTest = ServerFixture;

// The administrator's staff list (`staff`): the school's office and heads
// and auditors read it; teachers, parents and students do not.
TEST_F(StaffRosterTest, OnlyTheOfficeTheHeadsAndAuditorsRead) {
  at("2026-10-05 10:00");
  const std::set<std::string> allowed = {"director", "deputy", "auditor", "admin", "secretary"};
  for (const char* user :
       {"t-rus", "director", "deputy", "auditor", "admin", "secretary", "t-math", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    // The auditor has no school of her own: she names it.
    const std::string body =
        std::string(user) == "auditor" ? R"("staff": "sch1")" : R"("staff": "")";
    EXPECT_EQ(outcome(*c, body), allowed.count(user) ? "ok" : "forbidden");
  }
  auto admin = signed_in("admin");
  EXPECT_EQ(outcome(*admin, R"("staff": "nope")"), "forbidden");
  auto auditor = signed_in("auditor");
  EXPECT_EQ(outcome(*auditor, R"("staff": "")"), "forbidden");  // no school of her own
  WsClient anonymous(port_);
  EXPECT_EQ(outcome(anonymous, R"("staff": "")"), "not_signed_in");
}

TEST_F(StaffRosterTest, ListsTheStaffByNameWithRolesClassesAndAccess) {
  at("2026-10-05 10:00");
  auto admin = signed_in("admin");
  // The administrator registers a new teacher and issues her login.
  ASSERT_EQ(outcome(*admin, R"("command": {"commandId": "c-reg-t-bio", "command": {"registerUser":
      {"userId": "t-bio", "schoolId": "sch1", "fullName": "Абрамова Вера Олеговна",
       "roles": ["teacher"]}}})"),
            "ok");
  auto issued = admin->request(
      "i", R"("command": {"commandId": "c-issue-t-bio", "command": {"issueCredentials":
      {"userId": "t-bio", "login": "abramova.vo"}}})");
  ASSERT_TRUE(issued);
  const std::string password = json_field(*issued, "initialPassword");
  ASSERT_GE(password.size(), 8u) << *issued;
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));

  auto r = admin->request("r", R"("staff": "")");
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("schoolId":"sch1")"), std::string::npos);
  // By name: Абрамова, Иванова, Козлов, Морозова, Новикова, Петрова, Сидоров, Смирнова.
  std::vector<size_t> at_of;
  for (const char* u :
       {"t-bio", "t-math", "deputy", "t-eng", "secretary", "t-rus", "admin", "director"}) {
    at_of.push_back(r->find(std::string(R"("userId":")") + u + "\""));
    ASSERT_NE(at_of.back(), std::string::npos) << u << " missing: " << *r;
  }
  EXPECT_TRUE(std::is_sorted(at_of.begin(), at_of.end())) << *r;
  // Parents, students and the region's auditor are not the school's staff.
  for (const char* u : {"p1", "s1", "auditor"}) {
    EXPECT_EQ(r->find(std::string(R"("userId":")") + u + "\""), std::string::npos) << u;
  }
  const std::string bio = person(*r, "t-bio");
  EXPECT_NE(bio.find(R"("roles":["teacher"])"), std::string::npos) << bio;
  EXPECT_NE(bio.find(R"("login":"abramova.vo")"), std::string::npos) << bio;
  EXPECT_NE(bio.find(R"("active":true)"), std::string::npos) << bio;
  EXPECT_EQ(r->find(password), std::string::npos) << "the password must never be in a view";
  const std::string rus = person(*r, "t-rus");
  EXPECT_NE(rus.find(R"("ledClasses":["c5a"])"), std::string::npos) << rus;
  EXPECT_NE(rus.find(R"({"assignmentId":"a-rus-1a","classId":"c1a",)"), std::string::npos) << rus;
  EXPECT_NE(rus.find(R"({"assignmentId":"a-rus-5a","classId":"c5a","subgroupId":"",)"
                     R"("subjectId":"rus","start":"2026-09-01","end":""})"),
            std::string::npos)
      << rus;
  // Seeded users got their passwords outside the journal: no access row.
  EXPECT_EQ(person(*r, "director").find(R"("access")"), std::string::npos)
      << person(*r, "director");
}

// The office's list of the school's parents (`parents`), for linking one the
// journal has already.
TEST_F(StaffRosterTest, TheOfficeListsTheParentsWithTheirChildren) {
  at("2026-10-05 10:00");
  for (const char* user : {"t-rus", "director", "deputy", "auditor", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    EXPECT_EQ(outcome(*c, R"("parents": "")"), "forbidden");
  }
  auto admin = signed_in("admin");
  EXPECT_EQ(outcome(*admin, R"("parents": "nope")"), "forbidden");
  auto secretary = signed_in("secretary");
  auto r = secretary->request("p", R"("parents": "")");
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"({"userId":"p1","fullName":"Алексеева Наталья Игоревна","schoolId":"sch1",)"
                    R"("roles":["parent"],"children":[)"
                    R"({"studentId":"s1","fullName":"Алексеев Иван","classId":"c5a"}])"),
            std::string::npos)
      << *r;
  // Staff are not parents.
  EXPECT_EQ(r->find(R"("userId":"t-rus")"), std::string::npos) << *r;
}

using ClassWeekTest = ServerFixture;

std::string week_query(const std::string& class_id, const std::string& date) {
  return R"("classWeek": {"classId": ")" + class_id + R"(", "date": ")" + date + R"("})";
}

// A class's week (`classWeek`): its school's heads and office, its teachers
// and auditors read it; parents, students and other classes' teachers do not.
TEST_F(ClassWeekTest, TheSchoolTheClassTeachersAndAuditorsRead) {
  at("2026-10-05 10:00");
  const std::set<std::string> allowed = {"admin",   "director", "deputy", "secretary",
                                         "auditor", "t-math",   "t-rus",  "t-eng"};
  for (const char* user : {"admin", "director", "deputy", "secretary", "auditor", "t-math", "t-rus",
                           "t-eng", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    EXPECT_EQ(outcome(*c, week_query("c5a", "2026-10-07")),
              allowed.count(user) ? "ok" : "forbidden");
  }
  auto math = signed_in("t-math");
  EXPECT_EQ(outcome(*math, week_query("c6b", "2026-10-07")), "forbidden");  // not her class
  auto admin = signed_in("admin");
  EXPECT_EQ(outcome(*admin, week_query("nope", "2026-10-07")), "forbidden");
  EXPECT_EQ(outcome(*admin, week_query("c5a", "07.10.2026")), "bad_request");
  WsClient anonymous(port_);
  EXPECT_EQ(outcome(anonymous, week_query("c5a", "2026-10-07")), "not_signed_in");
}

TEST_F(ClassWeekTest, ListsTheWeeksLessonsWithTheirTeachersCancelledOnesIncluded) {
  at("2026-10-05 10:00");
  ok("deputy", R"({"cancelLesson": {"lessonId": "l-eng", "reason": "Учитель на курсах"}})");
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-next", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-12", "number": 1}})");
  auto deputy = signed_in("deputy");
  auto r = deputy->request("w", week_query("c5a", "2026-10-11"));  // a Sunday
  ASSERT_TRUE(r);
  EXPECT_NE(
      r->find(R"("classWeek":{"classId":"c5a","monday":"2026-10-05","lessons":[)"
              R"({"lessonId":"l-math","date":"2026-10-05","number":2,"subjectId":"math",)"
              R"("subgroupId":"","teacherId":"t-math","teacherName":"Иванова Мария Петровна",)"
              R"("held":false,"cancelled":false},)"
              R"({"lessonId":"l-eng","date":"2026-10-05","number":3,"subjectId":"eng",)"
              R"("subgroupId":"g1","teacherId":"t-eng","teacherName":"Морозова Дарья Андреевна",)"
              R"("held":false,"cancelled":true}]})"),
      std::string::npos)
      << *r;
  r = deputy->request("w2", week_query("c5a", "2026-10-12"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->find(R"("monday":"2026-10-12","lessons":[{"lessonId":"l-next",)"), std::string::npos)
      << *r;
  r = deputy->request("w3", week_query("c5a", "2026-09-14"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->find(R"("monday":"2026-09-14","lessons":[]})"), std::string::npos) << *r;
}

}  // namespace
}  // namespace zhurnal::server::testing
