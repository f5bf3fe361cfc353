// The running server over WebSocket: sign-in, live push, resume, malformed
// input, limits. The permission matrix is in permissions_test.cpp.
#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

const std::string kPost =
    R"("command": {"commandId": "c-m1", "command": {"postMark": {"markId": "m1", "lessonId": "l-math",
        "studentId": "s1", "value": {"numeric": 5}, "workTypeId": "oral", "comment": ""}}})";
const std::string kDiary = R"("diary": {"studentId": "s1", "date": "2026-10-05"})";

bool is_ok(const std::optional<std::string>& r) { return r && r->find(R"("ok":true)") != std::string::npos; }
std::string code(const std::optional<std::string>& r) { return r ? json_field(*r, "code") : "no response"; }

using ServerTest = ServerFixture;

TEST_F(ServerTest, SignInAnswersWhoYouAre) {
  WsClient c(port_);
  auto r = c.request("1", R"("signIn": {"login": "t-math", "password": "пароль-2026"})");
  ASSERT_TRUE(is_ok(r)) << *r;
  EXPECT_NE(r->find("Иванова Мария Петровна"), std::string::npos);
  EXPECT_EQ(json_field(*r, "token").size(), 64u);
  auto wrong = c.request("2", R"("signIn": {"login": "t-math", "password": "не тот"})");
  EXPECT_EQ(code(wrong), "bad_credentials");
  auto unknown = c.request("3", R"("signIn": {"login": "nobody", "password": "пароль-2026"})");
  EXPECT_EQ(code(unknown), "bad_credentials");
  EXPECT_EQ(json_field(*unknown, "message"), json_field(*wrong, "message"));
}

TEST_F(ServerTest, TeacherPostsAMarkAndTheParentSeesItLive) {
  auto parent = signed_in("p1");
  auto sub = parent->request("s", R"("subscribe": {"lastPosition": "0", )" + kDiary + "}");
  ASSERT_TRUE(is_ok(sub)) << *sub;
  ASSERT_TRUE(parent->wait_push("Алексеев Иван"));  // the current week, first
  auto teacher = signed_in("t-math");
  at("2026-10-05 09:30");
  auto posted = teacher->request("p", kPost);
  ASSERT_TRUE(is_ok(posted)) << *posted;
  auto push = parent->wait_push(R"("markId":"m1")", std::chrono::seconds(5));
  ASSERT_TRUE(push) << "the parent never saw the mark";
  EXPECT_NE(push->find(R"("numeric":5)"), std::string::npos);
}

TEST_F(ServerTest, ReconnectWithLastPositionGetsWhatWasMissedOnce) {
  std::string token;
  std::string last;
  {
    auto parent = signed_in("p1", &token);
    ASSERT_TRUE(is_ok(parent->request("s", R"("subscribe": {"lastPosition": "0", )" + kDiary + "}")));
    auto first = parent->wait_push("diary");
    ASSERT_TRUE(first);
    last = json_field(*first, "position");
    ASSERT_FALSE(last.empty());
  }  // the parent's connection drops
  auto teacher = signed_in("t-math");
  at("2026-10-05 09:30");
  ASSERT_TRUE(is_ok(teacher->request("p", kPost)));
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(5)));

  WsClient again(port_);
  ASSERT_TRUE(is_ok(again.request("a", R"("authenticate": ")" + token + "\"")));
  ASSERT_TRUE(is_ok(again.request("s", R"("subscribe": {"lastPosition": ")" + last + R"(", )" + kDiary + "}")));
  auto missed = again.wait_push(R"("markId":"m1")", std::chrono::seconds(5));
  ASSERT_TRUE(missed);
  const std::string now = json_field(*missed, "position");
  EXPECT_GT(std::stoull(now), std::stoull(last));
  // Subscribing again at the position already seen sends nothing.
  ASSERT_TRUE(is_ok(again.request("s2", R"("subscribe": {"lastPosition": ")" + now + R"(", )" + kDiary + "}")));
  EXPECT_FALSE(again.wait_push("diary", std::chrono::milliseconds(400)));
}

TEST_F(ServerTest, MalformedInputGetsAClearErrorAndTheConnectionStaysUsable) {
  auto c = signed_in("t-math");
  struct Case {
    const char* name;
    std::string frame;
  };
  const Case cases[] = {
      {"not JSON", "{oops"},
      {"unknown field", R"({"id": "u", "bogus": 1})"},
      {"wrong type", R"({"id": "w", "diary": "s1"})"},
      {"wrong nested type", R"({"id": "n", "diary": {"studentId": ["s1"]}})"},
      {"array", "[1, 2, 3]"},
      {"empty", ""},
      {"no request named", R"({"id": "7"})"},
      {"no command named", R"({"id": "8", "command": {"commandId": "x"}})"},
      {"no subscription named", R"({"id": "9", "subscribe": {"lastPosition": "0"}})"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    c->send(k.frame);
    auto r = c->receive();
    ASSERT_TRUE(r);
    EXPECT_EQ(code(r), "bad_request") << *r;
    EXPECT_FALSE(json_field(*r, "message").empty());
  }
  c->send_binary(std::string("\x00\x01\x02", 3));
  EXPECT_EQ(code(c->receive()), "bad_request");
  EXPECT_TRUE(is_ok(c->request("me", R"("me": null)"))) << "connection unusable after bad input";
  EXPECT_GE(metrics_.bad_requests.load(), 10u);
  // A subscription to a view that does not exist is refused, not left silent.
  auto none = c->request("v", R"("subscribe": {"lastPosition": "0", "register": {"classId": "c5a",
      "subjectId": "astrology", "periodId": "q1"}})");
  EXPECT_EQ(code(none), "not_found");
  // The same for a diary of a date that is not one, with the diary's own
  // message.
  auto parent = signed_in("p1");
  auto bad_date = parent->request("d1", R"("subscribe": {"lastPosition": "0",
      "diary": {"studentId": "s1", "date": "05.10.2026"}})");
  EXPECT_EQ(code(bad_date), "not_found");
  EXPECT_NE(json_field(*bad_date, "message").find("некорректная дата"), std::string::npos) << *bad_date;
  EXPECT_TRUE(is_ok(parent->request("d3", R"("subscribe": {"lastPosition": "0", )" + kDiary + "}")));
}

TEST_F(ServerTest, RejectedCommandsCarryTheJournalsCodeAndMessage) {
  auto teacher = signed_in("t-rus");
  at("2026-10-05 09:30");
  auto r = teacher->request("1", R"("command": {"commandId": "c-1", "command": {"postMark": {"markId": "x",
      "lessonId": "l-rus1", "studentId": "f1", "value": {"numeric": 5}, "workTypeId": "oral", "comment": ""}}})");
  EXPECT_EQ(code(r), "first_grade_no_marks");
  EXPECT_NE(r->find("В первом классе"), std::string::npos);
  // A retried command id returns the original result and writes nothing.
  auto t = signed_in("t-math");
  ASSERT_TRUE(is_ok(t->request("a", kPost)));
  const uint64_t head = log_->head_position();
  auto again = t->request("b", kPost);
  ASSERT_TRUE(is_ok(again));
  EXPECT_NE(again->find(R"("duplicate":true)"), std::string::npos);
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(ServerTest, OversizedFrameClosesOnlyThatConnection) {
  auto big = signed_in("t-math");
  auto other = signed_in("p1");
  try {
    big->send(R"({"id": "x", "me": null, "pad": ")" + std::string(200 * 1024, 'a') + "\"}");
  } catch (const boost::system::system_error&) {
    // The server may close the socket before the whole frame is written.
  }
  EXPECT_FALSE(big->receive(std::chrono::seconds(5)));
  EXPECT_TRUE(big->closed());
  EXPECT_TRUE(is_ok(other->request("me", R"("me": null)")));
  WsClient fresh(port_);
  EXPECT_EQ(code(fresh.request("1", R"("me": null)")), "not_signed_in");
}

TEST_F(ServerTest, SlowReaderIsDisconnectedAndOthersAreServed) {
  stop_server();
  send_queue_bytes_ = 64 * 1024;
  start_server();
  // The slow reader: a tiny receive buffer, many register subscriptions, and
  // it never reads.
  auto slow = std::make_unique<WsClient>(port_, 4096);
  ASSERT_TRUE(is_ok(slow->request("in", R"("signIn": {"login": "t-math", "password": "пароль-2026"})")));
  for (int i = 0; i < 40; ++i) {
    slow->send(R"({"id": "s)" + std::to_string(i) +
               R"(", "subscribe": {"lastPosition": "0", "register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}}})");
  }
  auto parent = signed_in("p1");
  ASSERT_TRUE(is_ok(parent->request("s", R"("subscribe": {"lastPosition": "0", )" + kDiary + "}")));
  auto teacher = signed_in("t-math");
  at("2026-10-05 09:30");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int n = 0;
  while (metrics_.slow_consumers_closed.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    const std::string id = "k" + std::to_string(n++);
    ASSERT_TRUE(is_ok(teacher->request(id, R"("command": {"commandId": ")" + id +
        R"(", "command": {"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math", "studentId": "s2",
        "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}}})")));
  }
  EXPECT_GE(metrics_.slow_consumers_closed.load(), 1u) << "the slow reader was never cut off";
  // The parent is still served, live.
  ASSERT_TRUE(is_ok(teacher->request("last", kPost)));
  EXPECT_TRUE(parent->wait_push(R"("markId":"m1")", std::chrono::seconds(5)));
}

// A teacher's register sends marks without waiting for answers: they are
// all written, and the answers come in request order even though a quick
// request sent behind them (`me`) is ready first.
TEST_F(ServerTest, PipelinedRequestsAreAnsweredInRequestOrder) {
  auto teacher = signed_in("t-math");
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  constexpr int kMarks = 12;
  std::vector<std::string> sent;
  for (int i = 0; i < kMarks; ++i) {
    const std::string id = "q" + std::to_string(i);
    teacher->send(R"({"id": ")" + id + R"(", "command": {"commandId": ")" + id +
                  R"(", "command": {"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math",
                  "studentId": "s)" + std::to_string(1 + i % 4) +
                  R"(", "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}}}})");
    sent.push_back(id);
    if (i == kMarks / 2) {
      teacher->send(R"({"id": "me", "me": null})");
      sent.push_back("me");
    }
  }
  std::vector<std::string> answered;
  while (answered.size() < sent.size()) {
    auto frame = teacher->receive(std::chrono::seconds(10));
    ASSERT_TRUE(frame) << answered.size() << " of " << sent.size() << " answered";
    if (frame->find(R"("response":)") == std::string::npos) continue;
    EXPECT_TRUE(is_ok(frame)) << *frame;
    answered.push_back(json_field(*frame, "id"));
  }
  EXPECT_EQ(answered, sent);
  EXPECT_EQ(log_->head_position(), head + kMarks);
}

TEST_F(ServerTest, RevokingAccessEndsOpenSessions) {
  auto parent = signed_in("p1");
  ASSERT_TRUE(is_ok(parent->request("me", R"("me": null)")));
  // The class teacher revokes the parent's access.
  auto teacher = signed_in("t-rus");
  at("2026-10-05 12:00");
  auto issued = teacher->request("i", R"("command": {"commandId": "iss", "command": {"issueCredentials":
      {"userId": "p1", "login": "alekseeva"}}})");
  ASSERT_TRUE(is_ok(issued)) << *issued;
  EXPECT_EQ(json_field(*issued, "initialPassword").size(), 10u);
  EXPECT_FALSE(parent->receive(std::chrono::seconds(5))) << "the parent's session survived a re-issue";
  EXPECT_TRUE(parent->closed());
  auto revoked = teacher->request("r", R"("command": {"commandId": "rev", "command": {"revokeCredentials":
      {"userId": "p1", "reason": "Заявление родителя"}}})");
  ASSERT_TRUE(is_ok(revoked)) << *revoked;
  WsClient again(port_);
  EXPECT_NE(code(again.request("x", R"("signIn": {"login": "alekseeva", "password": "whatever1"})")), "");
}

TEST_F(ServerTest, HealthAndMetricsAnswerOverHttp) {
  // /health and /metrics are plain HTTP on the same port.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  boost::asio::write(s, boost::asio::buffer(req));
  std::string body;
  boost::beast::error_code ec;
  char buf[4096];
  for (;;) {
    size_t n = s.read_some(boost::asio::buffer(buf), ec);
    body.append(buf, n);
    if (ec) break;
  }
  EXPECT_NE(body.find("zhurnal_log_head_position"), std::string::npos);
  EXPECT_NE(body.find("zhurnal_projection_lag{projection=\"journal\"} "), std::string::npos);
  EXPECT_NE(body.find("zhurnal_command_seconds_bucket"), std::string::npos);
}

}  // namespace
}  // namespace zhurnal::server::testing
