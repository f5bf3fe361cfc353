// The worked examples of docs/protocol.md for `school`, `compliance`,
// `classReport` and the compliance subscription, captured from the running
// server over the seeded school. Each exchange is checked here; with
// ZHURNAL_PRINT_EXAMPLES=<file> the frames are also written to that file
// (">>" sent, "<<" received), which is where the document's examples come
// from:
//   ZHURNAL_PRINT_EXAMPLES=/tmp/examples.txt
//     build/tests/server_write_permissions_test --gtest_filter='ProtocolExamples.*'
#include <cstdlib>
#include <fstream>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

class ProtocolExamples : public ServerFixture {
 protected:
  // Sends a request as `who`, records both frames, returns the response.
  std::string exchange(WsClient& c, const std::string& who, const std::string& id,
                       const std::string& body) {
    const std::string frame = R"({"id": ")" + id + R"(", )" + body + "}";
    auto r = c.request(id, body);
    EXPECT_TRUE(r) << frame;
    record(who + " >> " + frame);
    record(who + " << " + r.value_or("(no response)"));
    return r.value_or("");
  }
  void record(const std::string& line) {
    if (const char* path = std::getenv("ZHURNAL_PRINT_EXAMPLES")) {
      std::ofstream(path, std::ios::app) << line << "\n";
    }
  }
  static bool ok(const std::string& r) { return r.find(R"("ok":true)") != std::string::npos; }
};

TEST_F(ProtocolExamples, SchoolComplianceAndClassReport) {
  at("2026-10-05 12:00");
  auto director = signed_in("director");
  auto teacher = signed_in("t-math");
  auto parent = signed_in("p1");
  // Something to report on: a mark, an absence, a late homework.
  for (const char* body :
       {R"("command": {"commandId": "ex-1", "command": {"postMark": {"markId": "ex-m1", "lessonId": "l-math",
            "studentId": "s1", "value": {"numeric": 5}, "workTypeId": "test", "comment": ""}}})",
        R"("command": {"commandId": "ex-2", "command": {"postMark": {"markId": "ex-m2", "lessonId": "l-math",
            "studentId": "s2", "value": {"numeric": 3}, "workTypeId": "oral", "comment": ""}}})",
        R"("command": {"commandId": "ex-3", "command": {"recordAttendance": {"lessonId": "l-math",
            "studentId": "s3", "code": "ill"}}})"}) {
    auto r = teacher->request("c", body);
    ASSERT_TRUE(r && ok(*r)) << (r ? *r : "no response");
  }

  EXPECT_TRUE(ok(exchange(*teacher, "teacher", "1", R"("me": null)")));
  const std::string school = exchange(*director, "director", "2", R"("school": "")");
  EXPECT_TRUE(ok(school));
  // The academic years with their holidays, for the school page.
  EXPECT_NE(school.find(R"("years":[{"yearId":"y2026","name":"2026/2027","start":"2026-09-01",)"
                        R"("end":"2027-05-31","holidays":[{"name":"Осенние каникулы",)"
                        R"("start":"2026-10-27","end":"2026-11-04"}]}])"),
            std::string::npos)
      << school;
  EXPECT_NE(school.find(R"("bells":["08:30","09:20","10:20","11:20","12:20","13:10","14:00"],)"
                        R"("lessonMinutes":40)"),
            std::string::npos)
      << school;
  EXPECT_TRUE(ok(exchange(*director, "director", "3", R"("classReport": {"classId": "c5a", "periodId": "q1"})")));
  EXPECT_TRUE(ok(exchange(*director, "director", "4", R"("compliance": {"schoolId": "sch1", "month": "2026-10"})")));
  EXPECT_EQ(json_field(exchange(*parent, "parent", "5", R"("compliance": {"schoolId": "sch1", "month": "2026-10"})"),
                       "code"),
            "forbidden");
  EXPECT_EQ(json_field(exchange(*parent, "parent", "6", R"("classReport": {"classId": "c5a", "periodId": "q1"})"),
                       "code"),
            "forbidden");
  EXPECT_EQ(json_field(exchange(*teacher, "teacher", "7", R"("school": "sch-other")"), "code"), "forbidden");
  EXPECT_EQ(json_field(exchange(*director, "director", "8", R"("compliance": {"schoolId": "sch1", "month": "2026-13"})"),
                       "code"),
            "not_found");

  // A live compliance view: the first push, then one after a new entry.
  EXPECT_TRUE(ok(exchange(*director, "director", "9",
                          R"("subscribe": {"lastPosition": "0", "compliance": {"schoolId": "sch1", "month": "2026-10"}})")));
  auto first = director->wait_push("compliance");
  ASSERT_TRUE(first);
  record("director << " + *first);
  EXPECT_TRUE(ok(exchange(*teacher, "teacher", "10",
                          R"("command": {"commandId": "ex-4", "command": {"assignHomework": {"lessonId": "l-math",
                              "text": "№ 215, 216", "dueDate": "2026-10-07"}}})")));
  auto next = director->wait_push("compliance");
  ASSERT_TRUE(next);
  record("director << " + *next);
  EXPECT_NE(json_field(*first, "position"), json_field(*next, "position"));
}

}  // namespace
}  // namespace zhurnal::server::testing
