// The auditor's integrity check (`verifyLog`, docs/protocol.md) against the
// running server: auditors only; the answer is the log's own verify walk
// (ok, every event up to the head checked), and it follows the log as it
// grows.
#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

using VerifyLogTest = ServerFixture;

TEST_F(VerifyLogTest, OnlyAuditorsMayCheck) {
  for (const char* user : {"t-math", "t-rus", "admin", "director", "deputy", "secretary", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    EXPECT_EQ(outcome(*c, R"("verifyLog": null)"), "forbidden");
  }
  WsClient anonymous(port_);
  EXPECT_EQ(outcome(anonymous, R"("verifyLog": null)"), "not_signed_in");
  auto auditor = signed_in("auditor");
  EXPECT_EQ(outcome(*auditor, R"("verifyLog": null)"), "ok");
}

TEST_F(VerifyLogTest, ChecksEveryEventUpToTheHead) {
  auto auditor = signed_in("auditor");
  auto r = auditor->request("v", R"("verifyLog": null)");
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  const std::string head = std::to_string(log_->head_position());
  EXPECT_GT(log_->head_position(), 0u);
  EXPECT_NE(r->find(R"("verifyLog":{"ok":true)"), std::string::npos) << *r;
  EXPECT_EQ(json_field(*r, "eventsChecked"), head) << *r;
  EXPECT_EQ(json_field(*r, "headPosition"), head) << *r;
  EXPECT_EQ(json_field(*r, "firstBadPosition"), "0") << *r;
  EXPECT_EQ(json_field(*r, "problem"), "") << *r;

  // The log grows: the next check covers the new events too.
  at("2026-10-05 10:00");
  auto teacher = signed_in("t-math");
  ASSERT_EQ(outcome(*teacher, R"("command": {"commandId": "c-hw-verify", "command": {"assignHomework":
      {"lessonId": "l-math", "text": "№ 215", "dueDate": "2026-10-07"}}})"), "ok");
  ASSERT_GT(log_->head_position(), std::stoull(head));
  r = auditor->request("w", R"("verifyLog": null)");
  ASSERT_TRUE(r);
  EXPECT_EQ(json_field(*r, "eventsChecked"), std::to_string(log_->head_position())) << *r;
}

TEST_F(VerifyLogTest, ChecksFromTwoConnectionsAtOnceBothAnswer) {
  auto a = signed_in("auditor");
  auto b = signed_in("auditor");
  std::string ra, rb;
  std::thread other([&] { rb = outcome(*b, R"("verifyLog": null)"); });
  ra = outcome(*a, R"("verifyLog": null)");
  other.join();
  // One walk at a time: the second waits for the first (a small log takes
  // milliseconds, well within the two seconds before `busy`).
  EXPECT_EQ(ra, "ok");
  EXPECT_EQ(rb, "ok");
}

}  // namespace
}  // namespace zhurnal::server::testing
