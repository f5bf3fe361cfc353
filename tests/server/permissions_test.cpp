// The read side of the permission matrix (docs/permissions.md), every cell,
// against the running server: each user signs in over WebSocket and asks;
// the answer is either the view or "forbidden". Writes pass the server's
// gate (staff only) and then the journal's rules; the journal's matrix is
// tested cell by cell in tests/commands/permissions_test.cpp.
#include <map>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

const std::vector<std::string> kUsers = {"admin", "director", "deputy", "secretary", "t-math",
                                         "t-rus", "t-eng", "auditor", "p1", "s1", "s2"};

struct Row {
  const char* what;
  std::string request;
  std::set<std::string> allowed;  // everyone else is refused with `refusal`
  std::string refusal = "forbidden";
};

using PermissionMatrix = ServerFixture;

TEST_F(PermissionMatrix, EveryRoleAgainstEveryReadAndTheWriteGate) {
  // The secretary reads no marks (docs/permissions.md, decision 4).
  const std::set<std::string> administration = {"admin", "director", "deputy", "auditor"};
  auto with = [&](std::set<std::string> extra) {
    extra.insert(administration.begin(), administration.end());
    return extra;
  };
  const std::vector<Row> rows = {
      {"diary of s1 (5А)", R"("diary": {"studentId": "s1", "date": "2026-10-05"})",
       with({"t-math", "t-rus", "t-eng", "p1", "s1"})},
      {"diary of b1 (6Б)", R"("diary": {"studentId": "b1", "date": "2026-10-05"})", with({})},
      {"register 5А math", R"("register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"})",
       with({"t-math", "t-rus", "t-eng"})},
      {"register 6Б math", R"("register": {"classId": "c6b", "subjectId": "math", "periodId": "q1"})",
       with({})},
      {"raw log", R"("log": {"fromPosition": "1", "limit": 5})", {"auditor"}},
      {"live diary of s1", R"("subscribe": {"lastPosition": "0", "diary": {"studentId": "s1", "date": "2026-10-05"}})",
       with({"t-math", "t-rus", "t-eng", "p1", "s1"})},
      {"live register 5А math",
       R"("subscribe": {"lastPosition": "0", "register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}})",
       with({"t-math", "t-rus", "t-eng"})},
      {"live raw log", R"("subscribe": {"lastPosition": "0", "log": {"fromPosition": "1", "limit": 10}})",
       {"auditor"}},
      // The write gate: parents, students and auditors never write; staff
      // pass it, and the journal then lets only the lesson's teacher post.
      {"post a mark in t-math's lesson",
       R"("command": {"commandId": "CID", "command": {"postMark": {"markId": "MID", "lessonId": "l-math",
           "studentId": "s1", "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}}})",
       {"t-math"}, "*"},
  };
  at("2026-10-05 10:00");
  std::map<std::string, std::unique_ptr<WsClient>> clients;
  for (const std::string& u : kUsers) clients[u] = signed_in(u);
  int cells = 0, n = 0;
  for (const Row& row : rows) {
    for (const std::string& user : kUsers) {
      SCOPED_TRACE(std::string(row.what) + " as " + user);
      std::string req = row.request;
      for (const char* slot : {"CID", "MID"}) {
        if (auto at = req.find(slot); at != std::string::npos) req.replace(at, 3, "x" + std::to_string(++n));
      }
      auto r = clients[user]->request("q" + std::to_string(n++), req);
      ASSERT_TRUE(r);
      const bool allowed = row.allowed.count(user) > 0;
      const std::string code = json_field(*r, "code");
      if (allowed) {
        EXPECT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
      } else if (row.refusal == "*") {
        // Refused at the gate or by the journal, never accepted.
        const bool gate = user == "auditor" || user == "p1" || user == "s1" || user == "s2";
        EXPECT_EQ(code, gate ? "not_authorized" : "not_your_lesson") << *r;
      } else {
        EXPECT_EQ(code, row.refusal) << *r;
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, static_cast<int>(rows.size() * kUsers.size()));
}

// A teacher reads a class while she teaches in it, and to the end of the
// study period in which her assignment ended; a student's diary while the
// student is in a class she reads (docs/permissions.md, decisions 2 and 4).
TEST_F(PermissionMatrix, ReadAccessFollowsAssignmentsAndEnrolments) {
  const std::string diary_s1 = R"("diary": {"studentId": "s1", "date": "2026-10-05"})";
  const std::string diary_s3 = R"("diary": {"studentId": "s3", "date": "2026-10-05"})";
  const std::string register_5a = R"("register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"})";
  const std::string register_6b = R"("register": {"classId": "c6b", "subjectId": "math", "periodId": "q1"})";
  auto code = [](WsClient& c, const std::string& req) {
    auto r = c.request("q", req);
    EXPECT_TRUE(r);
    return r ? (r->find(R"("ok":true)") != std::string::npos ? std::string("ok") : json_field(*r, "code"))
             : std::string("none");
  };
  const std::string sys(commands::kSystemActor);
  at("2026-10-05 12:00");
  // t-math's math in 5А ends on 9 October, inside the first quarter; t-eng
  // is to teach English in 6Б from the second quarter; s3 moves to 6Б.
  ok(sys, R"({"endTeaching": {"assignmentId": "a-math-5a", "classId": "c5a", "end": "2026-10-09"}})");
  ok(sys, R"({"assignTeaching": {"assignmentId": "a-eng-6b", "classId": "c6b", "subgroupId": "",
      "subjectId": "eng", "teacherId": "t-eng", "start": "2026-11-05", "end": ""}})");
  ok(sys, R"({"transferStudent": {"studentId": "s3", "fromClassId": "c5a", "toClassId": "c6b",
      "date": "2026-10-06", "order": "№ 150-у"}})");
  auto math = signed_in("t-math");
  auto rus = signed_in("t-rus");
  auto eng = signed_in("t-eng");
  auto secretary = signed_in("secretary");
  auto director = signed_in("director");

  // To the end of the first quarter (26 October) t-math still reads 5А.
  at("2026-10-26 16:00");
  EXPECT_EQ(code(*math, register_5a), "ok");
  EXPECT_EQ(code(*math, diary_s1), "ok");
  // A future assignment already opens the class: t-eng prepares for 6Б.
  EXPECT_EQ(code(*eng, register_6b), "ok");
  // s3 is in 6Б now: her former class's teachers no longer read her diary.
  EXPECT_EQ(code(*rus, diary_s3), "forbidden");
  EXPECT_EQ(code(*eng, diary_s3), "ok");  // through 6Б
  EXPECT_EQ(code(*director, diary_s3), "ok");
  // The secretary keeps lists, not marks.
  EXPECT_EQ(code(*secretary, register_5a), "forbidden");
  EXPECT_EQ(code(*secretary, diary_s1), "forbidden");
  EXPECT_EQ(code(*secretary, R"("school": "sch1")"), "ok");

  // After the quarter: 5А is closed to t-math, for reading and in `me`.
  at("2026-11-06 10:00");
  EXPECT_EQ(code(*math, register_5a), "forbidden");
  EXPECT_EQ(code(*math, diary_s1), "forbidden");
  auto info = journal_->user_info("t-math");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->classes.empty());
  EXPECT_EQ(info->assignments.size(), 1u);  // the ended assignment is still listed
  // The class teacher reads every subject of her class, as before.
  EXPECT_EQ(code(*rus, register_5a), "ok");
}

TEST_F(PermissionMatrix, NothingWithoutSigningIn) {
  WsClient anonymous(port_);
  for (const std::string& req :
       {std::string(R"("me": null)"), std::string(R"("diary": {"studentId": "s1", "date": "2026-10-05"})"),
        std::string(R"("log": {"fromPosition": "1", "limit": 1})"),
        std::string(R"("command": {"commandId": "c", "command": {"cancelMark": {"markId": "m", "reason": "x"}}})")}) {
    auto r = anonymous.request("a", req);
    ASSERT_TRUE(r);
    EXPECT_EQ(json_field(*r, "code"), "not_signed_in") << req;
  }
}

TEST_F(PermissionMatrix, PushesStopWhenAccessEnds) {
  // Signing out drops every subscription of the connection; the connection
  // itself stays open, signed out.
  auto parent = signed_in("p1");
  ASSERT_TRUE(parent->request("s", R"("subscribe": {"lastPosition": "0", "diary": {"studentId": "s1", "date": "2026-10-05"}})"));
  ASSERT_TRUE(parent->wait_push("diary"));
  ASSERT_TRUE(parent->request("o", R"("signOut": null)"));
  auto teacher = signed_in("t-math");
  at("2026-10-05 09:30");
  ASSERT_TRUE(teacher->request("p", R"("command": {"commandId": "c1", "command": {"postMark": {"markId": "m1",
      "lessonId": "l-math", "studentId": "s1", "value": {"numeric": 5}, "workTypeId": "oral", "comment": ""}}})"));
  EXPECT_FALSE(parent->wait_push("m1", std::chrono::milliseconds(500)));
  auto me = parent->request("me", R"("me": null)");
  ASSERT_TRUE(me);
  EXPECT_EQ(json_field(*me, "code"), "not_signed_in");
}

}  // namespace
}  // namespace zhurnal::server::testing
