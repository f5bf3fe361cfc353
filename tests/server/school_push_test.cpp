// The school's reference books as a live subscription (`subscribe` with
// `school`, docs/protocol.md) against the running server: who may subscribe
// to which school; what pushes it (books, calendar, classes, staff) and what
// does not (marks); and that a subject's rename reaches open registers and
// diaries at once.
#include <string>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

using SchoolPushTest = ServerFixture;

std::string subscribe(const std::string& school) {
  return R"("subscribe": {"lastPosition": "0", "school": ")" + school + "\"}";
}

std::string command(const std::string& id, const std::string& body) {
  return R"("command": {"commandId": ")" + id + R"(", "command": )" + body + "}";
}

TEST_F(SchoolPushTest, EverybodyOfTheSchoolAndAuditorsSubscribe) {
  at("2026-10-05 10:00");
  const std::string sys(commands::kSystemActor);
  ok(sys, R"({"registerSchool": {"schoolId": "sch2", "name": "МАОУ СОШ № 2",
      "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 45, "bellSchedule": ["08:00"]}})");
  for (const char* user :
       {"t-math", "t-rus", "admin", "director", "deputy", "secretary", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    EXPECT_EQ(outcome(*c, subscribe("")), "ok");
    EXPECT_EQ(outcome(*c, subscribe("sch1")), "ok");
    EXPECT_EQ(outcome(*c, subscribe("sch2")), "forbidden");
    EXPECT_EQ(outcome(*c, R"("school": "sch2")"), "forbidden");
  }
  auto auditor = signed_in("auditor");
  EXPECT_EQ(outcome(*auditor, subscribe("sch2")), "ok");
  EXPECT_EQ(outcome(*auditor, subscribe("nope")), "not_found");
  EXPECT_EQ(outcome(*auditor, subscribe("")), "not_found");  // no school of her own
  WsClient anonymous(port_);
  EXPECT_EQ(outcome(anonymous, subscribe("")), "not_signed_in");
}

TEST_F(SchoolPushTest, PushesAfterChangesOfBooksCalendarClassesAndStaffOnly) {
  at("2026-10-05 10:00");
  auto admin = signed_in("admin");
  ASSERT_EQ(outcome(*admin, subscribe("")), "ok");
  auto first = admin->wait_push(R"("school":{"schoolId":"sch1")");
  ASSERT_TRUE(first) << "no initial push";
  EXPECT_NE(first->find(R"("name":"Математика")"), std::string::npos) << *first;
  const std::string position = json_field(*first, "position");

  // A mark and a lesson change nothing the page shows.
  auto math = signed_in("t-math");
  ASSERT_EQ(outcome(*math, command("c-m1", R"({"postMark": {"markId": "m1", "lessonId": "l-math",
      "studentId": "s1", "value": {"numeric": 5}, "workTypeId": "oral", "comment": ""}})")),
            "ok");
  auto deputy = signed_in("deputy");
  ASSERT_EQ(
      outcome(*deputy, command("c-l2", R"({"scheduleLesson": {"lessonId": "l-2", "classId": "c5a",
      "subgroupId": "", "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 1}})")),
      "ok");
  // Nor does a student's login: the page lists the staff only.
  auto rus = signed_in("t-rus");
  ASSERT_EQ(
      outcome(*rus,
              command("c-s3", R"({"issueCredentials": {"userId": "s3", "login": "vasilyev.p"}})")),
      "ok");
  EXPECT_FALSE(admin->wait_push(R"("school":)", std::chrono::milliseconds(700)))
      << "a mark, a lesson or a student's login pushed the school";

  auto secretary = signed_in("secretary");
  struct Step {
    WsClient* by;
    std::string command, shows, what;
  };
  const std::vector<Step> steps = {
      {admin.get(),
       R"({"defineSubject": {"schoolId": "sch1", "subjectId": "math", "name": "Алгебра"}})",
       R"("name":"Алгебра")", "a subject renamed"},
      {admin.get(),
       R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": "oral", "name": "Ответ у доски", "weight": 1}})",
       R"("name":"Ответ у доски")", "a work type renamed"},
      {secretary.get(),
       R"({"openClass": {"classId": "c7v", "schoolId": "sch1", "yearId": "y2026", "grade": 7, "letter": "В"}})",
       R"("classId":"c7v")", "a class opened"},
      {secretary.get(), R"({"assignClassTeacher": {"classId": "c7v", "teacherId": "t-eng"}})",
       R"("classTeacherId":"t-eng")", "a class teacher assigned"},
      {admin.get(), R"({"closePeriod": {"schoolId": "sch1", "periodId": "q1"}})",
       R"("closed":true)", "a period closed"},
      {secretary.get(),
       R"({"registerUser": {"userId": "t-bio", "schoolId": "sch1", "fullName": "Орлова Вера Ильинична", "roles": ["teacher"]}})",
       R"("school":)", "a teacher registered"},
      {admin.get(), R"({"issueCredentials": {"userId": "t-bio", "login": "orlova.vi"}})",
       R"("school":)", "a login issued"},
      {admin.get(),
       R"({"changeRoles": {"userId": "t-bio", "roles": ["teacher", "deputyDirector"]}})",
       R"("school":)", "roles changed"},
      {deputy.get(),
       R"({"assignTeaching": {"assignmentId": "a-bio", "classId": "c7v", "subgroupId": "", "subjectId": "eng", "teacherId": "t-bio", "start": "2026-10-05", "end": ""}})",
       R"("school":)", "a load assigned"},
  };
  std::string last = position;
  int n = 0;
  for (const Step& s : steps) {
    SCOPED_TRACE(s.what);
    ASSERT_EQ(outcome(*s.by, command("c-step-" + std::to_string(n++), s.command)), "ok");
    auto push = admin->wait_push(R"("school":{"schoolId":"sch1")");
    ASSERT_TRUE(push) << "no push";
    EXPECT_NE(push->find(s.shows), std::string::npos) << *push;
    const std::string at = json_field(*push, "position");
    EXPECT_GT(std::stoull(at), std::stoull(last));
    last = at;
  }
  // Resuming at the journal's position (past the sign-in, which moved it
  // after the last push): nothing newer, nothing pushed.
  auto again = signed_in("admin");
  ASSERT_TRUE(journal_->wait_applied(log_->head_position(), std::chrono::seconds(5)));
  const std::string now = std::to_string(journal_->applied_position());
  EXPECT_GE(std::stoull(now), std::stoull(last));
  ASSERT_EQ(outcome(*again, R"("subscribe": {"lastPosition": ")" + now + R"(", "school": ""})"), "ok");
  EXPECT_FALSE(again->wait_push(R"("school":)", std::chrono::milliseconds(500)));
}

TEST_F(SchoolPushTest, ARenameReachesOpenRegistersAndDiaries) {
  at("2026-10-05 10:00");
  auto math = signed_in("t-math");
  ASSERT_EQ(outcome(*math, R"("subscribe": {"lastPosition": "0",
      "register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}})"),
            "ok");
  ASSERT_TRUE(math->wait_push(R"("subjectName":"Математика")"));
  auto parent = signed_in("p1");
  ASSERT_EQ(outcome(*parent, R"("subscribe": {"lastPosition": "0", "patches": true,
      "diary": {"studentId": "s1", "date": "2026-10-05"}})"),
            "ok");
  ASSERT_TRUE(parent->wait_push(R"("Математика")"));

  auto admin = signed_in("admin");
  ASSERT_EQ(outcome(*admin, command("c-rename", R"({"defineSubject": {"schoolId": "sch1",
      "subjectId": "math", "name": "Алгебра"}})")),
            "ok");
  EXPECT_TRUE(math->wait_push(R"("subjectName":"Алгебра")")) << "the register kept the old name";
  auto diary = parent->wait_push(R"("Алгебра")");
  ASSERT_TRUE(diary) << "the diary kept the old name";
  EXPECT_NE(diary->find(R"("diary":)"), std::string::npos) << "a rename sends the whole diary";
}

}  // namespace
}  // namespace zhurnal::server::testing
