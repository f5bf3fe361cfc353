// The auditor's `history` and `asOf` requests against the running server:
// who may ask (auditor: every school; director and deputy: their school;
// nobody else), what comes back, bad input, and that an as-of fold does not
// hold up other requests.
#include <cstdlib>
#include <iostream>
#include <thread>

#include "server/internal/audit_requests.hpp"
#include "server/server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

class AuditRequestsTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    at("2026-10-05 09:30");
    ok("t-math", R"({"postMark": {"markId": "m1", "lessonId": "l-math", "studentId": "s1",
        "value": {"numeric": 3}, "workTypeId": "oral", "comment": ""}})");
    at("2026-10-05 11:00");
    ok("t-math", R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка ввода"}})");
    at("2026-10-05 12:00");
    ok("t-math", R"({"cancelMark": {"markId": "m1", "reason": "Не тому ученику"}})");
    // A second school with its own director.
    const std::string sys(commands::kSystemActor);
    ok(sys, R"({"registerSchool": {"schoolId": "sch2", "name": "МАОУ СОШ № 2",
        "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 40, "bellSchedule": ["08:30"]}})");
    ok(sys, R"({"registerUser": {"userId": "admin2", "schoolId": "sch2",
        "fullName": "Орлов Пётр Ильич", "roles": ["administrator"]}})");
    ok("admin2", R"({"registerUser": {"userId": "dir2", "schoolId": "sch2",
        "fullName": "Волкова Нина Андреевна", "roles": ["director"]}})");
    ASSERT_TRUE(credentials_->set_password("dir2", "dir2", kPassword));
    ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));
  }

  std::string ask(const std::string& user, const std::string& body) {
    auto c = signed_in(user);
    auto r = c->request("q", body, std::chrono::seconds(30));
    // ZHURNAL_PRINT_FRAMES=1 prints the exchange (for docs/protocol.md's examples).
    if (std::getenv("ZHURNAL_PRINT_FRAMES")) std::cerr << user << " >> " << body << "\n" << user << " << " << (r ? *r : "") << "\n";
    return r ? *r : "no response";
  }

  static constexpr char kStudentHistory[] = R"("history": {"subject": {"studentId": "s1"}})";
  static constexpr char kRegisterAsOf[] =
      R"("asOf": {"at": "2026-10-05 11:30", "view": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}}})";
};

bool ok_response(const std::string& r) { return r.find(R"("ok":true)") != std::string::npos; }
std::string code(const std::string& r) { return json_field(r, "code"); }

TEST_F(AuditRequestsTest, OnlyAuditorsAndTheSchoolsDirectorsMayAsk) {
  for (const char* user : {"auditor", "director", "deputy"}) {
    EXPECT_TRUE(ok_response(ask(user, kStudentHistory))) << user;
    EXPECT_TRUE(ok_response(ask(user, kRegisterAsOf))) << user;
  }
  for (const char* user : {"admin", "secretary", "t-math", "t-rus", "p1", "s1", "dir2"}) {
    EXPECT_EQ(code(ask(user, kStudentHistory)), "forbidden") << user;
    EXPECT_EQ(code(ask(user, kRegisterAsOf)), "forbidden") << user;
  }
  // A director learns nothing about ids outside her school, not even whether they exist.
  EXPECT_EQ(code(ask("director", R"("history": {"subject": {"studentId": "nobody"}})")), "forbidden");
  const std::string unknown = ask("auditor", R"("history": {"subject": {"studentId": "nobody"}})");
  EXPECT_EQ(code(unknown), "not_found");
  EXPECT_NE(unknown.find(R"("message":"Ученик не найден: nobody")"), std::string::npos) << unknown;
  WsClient anonymous(port_);
  auto r = anonymous.request("q", kStudentHistory);
  ASSERT_TRUE(r);
  EXPECT_EQ(code(*r), "not_signed_in");
}

TEST_F(AuditRequestsTest, HistoryCarriesPreviousValuesReasonsAndPages) {
  const std::string r = ask("auditor", R"("history": {"subject": {"classId": "c5a"}, "from": "2026-10-05 10:00"})");
  ASSERT_TRUE(ok_response(r)) << r;
  EXPECT_NE(r.find(R"("subjectKind":"class")"), std::string::npos);
  EXPECT_NE(r.find(R"("timeZone":"Asia/Yekaterinburg")"), std::string::npos);
  EXPECT_NE(r.find(R"("recordedAt":"2026-10-05 11:00:00","eventType":"MarkCorrected")"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("reason":"Ошибка ввода","previous":"3","value":"4")"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("previous":"4","value":"отменена")"), std::string::npos) << r;
  EXPECT_EQ(r.find("MarkPosted"), std::string::npos) << "posted at 09:30, before `from`";

  const std::string page = ask("director", R"("history": {"subject": {"teacherId": "t-math"}, "limit": 2})");
  ASSERT_TRUE(ok_response(page)) << page;
  const std::string next = json_field(page, "nextPosition");
  EXPECT_FALSE(next.empty() || next == "0") << page;
  const std::string page2 = ask("director", R"("history": {"subject": {"teacherId": "t-math"}, "limit": 2, "afterPosition": ")" + next + R"("})");
  ASSERT_TRUE(ok_response(page2)) << page2;
  EXPECT_NE(page2, page);
}

// The positions and summaries of a history response's entries, in order.
std::vector<std::string> entries_of(const std::string& r) {
  std::vector<std::string> out;
  for (size_t at = r.find(R"("position":")"); at != std::string::npos;
       at = r.find(R"("position":")", at + 1)) {
    const size_t summary = r.find(R"("summary":")", at);
    out.push_back(r.substr(at, r.find('"', summary + 11) - at));
  }
  return out;
}

// Paged histories of several users at once. As many at a time as the
// server keeps passes, every page after the first continues its kept
// pass; six at a time, more than it keeps, pages start afresh as well.
// Either way the pages together are the whole history, each entry told as
// in one page.
TEST_F(AuditRequestsTest, PagesOfSeveralUsersAtOnceAddUpToTheWholeHistory) {
  struct Reader {
    std::string user, subject;
    std::unique_ptr<WsClient> client;
    std::vector<std::string> whole, paged;
    std::string next = "0";
    uint64_t pages = 0;
  };
  std::vector<Reader> readers;
  for (const auto& [user, subject] :
       std::vector<std::pair<std::string, std::string>>{{"auditor", R"({"teacherId": "t-math"})"},
                                                        {"director", R"({"classId": "c5a"})"},
                                                        {"deputy", R"({"teacherId": "t-math"})"},
                                                        {"auditor", R"({"studentId": "s1"})"},
                                                        {"director", R"({"studentId": "s1"})"},
                                                        {"deputy", R"({"classId": "c5a"})"}}) {
    const std::string all = ask(user, R"("history": {"subject": )" + subject + "}");
    ASSERT_TRUE(ok_response(all)) << all;
    Reader r{user, subject, signed_in(user), entries_of(all), {}};
    ASSERT_GT(r.whole.size(), 4u) << all;
    readers.push_back(std::move(r));
  }
  // Pages of two entries, the readers taking turns, until each has all.
  auto page_through = [&](size_t count) {
    for (Reader& r : readers) {
      r.paged.clear();
      r.next = "0";
      r.pages = 0;
    }
    for (bool more = true; more;) {
      more = false;
      for (size_t i = 0; i < count; ++i) {
        Reader& r = readers[i];
        if (r.pages > 0 && r.next == "0") continue;
        auto page = r.client->request("q",
                                      R"("history": {"subject": )" + r.subject +
                                          R"(, "limit": 2, "afterPosition": ")" + r.next + R"("})",
                                      std::chrono::seconds(30));
        ASSERT_TRUE(page && ok_response(*page)) << r.user << " " << (page ? *page : "");
        ++r.pages;
        for (std::string& e : entries_of(*page)) r.paged.push_back(std::move(e));
        r.next = json_field(*page, "nextPosition");
        more = more || r.next != "0";
      }
    }
  };
  const uint64_t pages = metrics_.history_pages.load();
  const uint64_t continued = metrics_.history_pages_continued.load();
  constexpr size_t kKept = server::internal::AuditRequests::kCursorsKept;
  ASSERT_GT(readers.size(), kKept);
  page_through(kKept);
  uint64_t kept_pages = 0;
  for (size_t i = 0; i < kKept; ++i) {
    EXPECT_EQ(readers[i].paged, readers[i].whole) << readers[i].subject;
    kept_pages += readers[i].pages;
  }
  EXPECT_EQ(metrics_.history_pages.load() - pages, kept_pages);
  EXPECT_EQ(metrics_.history_pages_continued.load() - continued, kept_pages - kKept);
  const uint64_t pages_before_all = metrics_.history_pages.load();
  const uint64_t continued_before_all = metrics_.history_pages_continued.load();
  page_through(readers.size());
  uint64_t all_pages = 0;
  for (const Reader& r : readers) {
    EXPECT_EQ(r.paged, r.whole) << r.user << " " << r.subject;
    all_pages += r.pages;
  }
  EXPECT_EQ(metrics_.history_pages.load() - pages_before_all, all_pages);
  // More readers than kept passes: some later pages started afresh.
  EXPECT_LT(metrics_.history_pages_continued.load() - continued_before_all,
            all_pages - readers.size());
}

TEST_F(AuditRequestsTest, AsOfShowsTheRegisterAsItStood) {
  const std::string r = ask("auditor", kRegisterAsOf);
  ASSERT_TRUE(ok_response(r)) << r;
  EXPECT_NE(r.find(R"("at":"2026-10-05 11:30:00")"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("numeric":4)"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("corrected":true)"), std::string::npos) << r;
  EXPECT_EQ(r.find(R"("cancelled":true)"), std::string::npos) << "cancelled only at 12:00";
  const std::string later = ask("deputy",
      R"("asOf": {"at": "2026-10-05 12:00", "view": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}}})");
  EXPECT_NE(later.find(R"("cancelled":true)"), std::string::npos) << later;
  const std::string diary = ask("director",
      R"("asOf": {"at": "2026-10-05 09:45", "view": {"diary": {"studentId": "s1", "date": "2026-10-05"}}})");
  ASSERT_TRUE(ok_response(diary)) << diary;
  EXPECT_NE(diary.find(R"("numeric":3)"), std::string::npos) << diary;
  const std::string compliance = ask("auditor",
      R"("asOf": {"at": "2026-10-31 23:59", "view": {"compliance": {"schoolId": "sch1", "month": "2026-10"}}})");
  ASSERT_TRUE(ok_response(compliance)) << compliance;
  EXPECT_NE(compliance.find(R"("compliance":{)"), std::string::npos);
}

TEST_F(AuditRequestsTest, BadInputGetsStableCodes) {
  EXPECT_EQ(code(ask("auditor", R"("asOf": {"at": "вчера", "view": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}}})")),
            "bad_request");
  EXPECT_EQ(code(ask("auditor", R"("asOf": {"at": "2026-10-05 12:00", "view": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q9"}}})")),
            "not_found");
  EXPECT_EQ(code(ask("auditor", R"("history": {"subject": {"studentId": ""}})")), "bad_request");
  EXPECT_EQ(code(ask("auditor", R"("history": {"subject": {"studentId": "s1"}, "from": "2026-13-01"})")), "bad_request");
}

TEST_F(AuditRequestsTest, OtherRequestsAreAnsweredWhileAnAsOfRuns) {
  // Several as-of requests at different instants keep the fold busy; a
  // register request on another connection is answered meanwhile.
  std::thread auditor([&] {
    auto c = signed_in("auditor");
    for (const char* at : {"2026-10-05 12:00", "2026-09-01 00:00", "2026-10-05 11:00", "2026-08-30 00:00"}) {
      auto r = c->request("a", std::string(R"("asOf": {"at": ")") + at +
                                   R"(", "view": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}}})",
                          std::chrono::seconds(30));
      ASSERT_TRUE(r);
      EXPECT_TRUE(ok_response(*r) || code(*r) == "not_found") << *r;
    }
  });
  auto teacher = signed_in("t-math");
  for (int i = 0; i < 5; ++i) {
    auto r = teacher->request("r", R"("register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"})",
                              std::chrono::seconds(5));
    ASSERT_TRUE(r);
    EXPECT_TRUE(ok_response(*r)) << *r;
  }
  auditor.join();
}

}  // namespace
}  // namespace zhurnal::server::testing
