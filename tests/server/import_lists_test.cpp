// The secretary's lists from the web (`importLists`, docs/protocol.md)
// against the running server: a dry run writes nothing, applying writes as
// the signed-in secretary and a repeat finds nothing new; lists with errors
// write nothing; only the school's office may import; broken requests are
// refused with a stable code. POST /import (lists larger than a WebSocket
// frame) answers the same, and judges a request by its header before its
// body is read; a refused client that goes on sending still gets the answer.
#include <kj/encoding.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include "http_client.hpp"
#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

namespace http = boost::beast::http;

class ImportListsTest : public ServerFixture {
 protected:
  // A file of tests/import/data in the request's form.
  static std::string file(const char* field, const std::string& name) {
    std::ifstream in(std::string(ZHURNAL_IMPORT_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return file_of(field, name, std::string{std::istreambuf_iterator<char>(in), {}});
  }
  static std::string file_of(const char* field, const std::string& name, const std::string& bytes) {
    const kj::String b64 = kj::encodeBase64(
        kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
    return std::string("\"") + field + R"(": {"name": ")" + name + R"(", "base64": ")" +
           b64.cStr() + "\"}";
  }
  static std::string request(const std::string& students, bool apply,
                             const std::string& teachers = file("teachers", "teachers.csv")) {
    return R"("importLists": {)" + students + ", " + teachers +
           R"(, "date": "25.08.2026", "apply": )" + (apply ? "true" : "false") + "}";
  }
};

TEST_F(ImportListsTest, ChecksThenWritesAsTheSecretaryThenFindsNothingNew) {
  at("2026-08-25 10:00");
  auto secretary = signed_in("secretary");
  const uint64_t head = log_->head_position();
  auto r = secretary->request("d", request(file("students", "students.csv"), false));
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("exitCode":0)"), std::string::npos) << *r;
  EXPECT_NE(r->find("строка 3: перевести"), std::string::npos) << *r;
  EXPECT_NE(r->find("ничего не записано. Для записи нажмите «Записать»."), std::string::npos) << *r;
  EXPECT_EQ(log_->head_position(), head) << "a dry run wrote to the log";

  r = secretary->request("a", request(file("students", "students.csv"), true));
  ASSERT_TRUE(r);
  EXPECT_NE(r->find(R"("exitCode":0)"), std::string::npos) << *r;
  EXPECT_NE(r->find("Записано команд: 8"), std::string::npos) << *r;
  ASSERT_EQ(log_->head_position(), head + 8);
  auto written = log_->read_all(head + 1, 100);
  ASSERT_TRUE(written);
  ASSERT_EQ(written->size(), 8u);
  for (const auto& e : *written) EXPECT_EQ(e.actor, "secretary");

  r = secretary->request("b", request(file("students", "students.csv"), true));
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("Записывать нечего: всё уже есть в журнале"), std::string::npos) << *r;
  EXPECT_EQ(log_->head_position(), head + 8) << "a repeated import wrote again";
}

TEST_F(ImportListsTest, ListsWithErrorsWriteNothing) {
  at("2026-08-25 10:00");
  auto admin = signed_in("admin");
  const uint64_t head = log_->head_position();
  auto r = admin->request("e", request(file("students", "students_errors.csv"), true));
  ASSERT_TRUE(r);
  ASSERT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("exitCode":1)"), std::string::npos) << *r;
  EXPECT_NE(r->find("Найдены ошибки: ничего не записано"), std::string::npos) << *r;
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(ImportListsTest, OnlyTheOfficeImportsAndBrokenRequestsAreRefused) {
  at("2026-08-25 10:00");
  const uint64_t head = log_->head_position();
  const std::string good = request(file("students", "students.csv"), true);
  for (const char* user : {"t-rus", "director", "deputy", "auditor", "p1", "s1"}) {
    SCOPED_TRACE(user);
    auto c = signed_in(user);
    auto r = c->request("x", good);
    ASSERT_TRUE(r);
    EXPECT_EQ(json_field(*r, "code"), "forbidden") << *r;
  }
  WsClient anonymous(port_);
  EXPECT_EQ(json_field(anonymous.request("x", good).value_or(""), "code"), "not_signed_in");
  auto secretary = signed_in("secretary");
  auto broken = secretary->request(
      "y", R"("importLists": {"students": {"name": "s.csv", "base64": "не base64!"}})");
  ASSERT_TRUE(broken);
  EXPECT_EQ(json_field(*broken, "code"), "bad_request") << *broken;
  auto none = secretary->request("z", R"("importLists": {"apply": true})");
  ASSERT_TRUE(none);
  EXPECT_EQ(json_field(*none, "code"), "bad_request") << *none;
  // Nothing but the sign-ins (recorded by the system for the monthly check).
  auto written = log_->read_all(head + 1, 100);
  ASSERT_TRUE(written);
  for (const auto& e : *written) EXPECT_EQ(e.actor, "system") << e.position;
}

// A students' list of `rows` new students of 5А and 6Б: 3,000 rows are
// about 290 KB, 390 KB in base64, more than a WebSocket frame (256 KiB)
// takes.
std::string large_list(int rows) {
  static const char* kSurnames[] = {"Иванов", "Петров",  "Сидоров", "Кузнецов", "Смирнов",
                                    "Попов",  "Лебедев", "Козлов",  "Новиков",  "Морозов"};
  static const char* kNames[] = {"Иван",   "Пётр",   "Алексей", "Дмитрий", "Сергей",
                                 "Андрей", "Михаил", "Николай", "Артём",   "Максим"};
  std::string csv = "Фамилия;Имя;Отчество;Дата рождения;Класс;Дата зачисления;Приказ\r\n";
  for (int i = 0; i < rows; ++i) {  // (surname, name, birth date) differ up to 8,400 rows
    char birth[16];
    std::snprintf(birth, sizeof birth, "%02d.%02d.%d", 1 + i % 28, 1 + i / 28 % 12,
                  2014 - i / 336 % 2);
    csv += std::string(kSurnames[i % 10]) + ";" + kNames[i / 10 % 10] + ";Олегович;" + birth + ";" +
           (i / 336 % 2 ? "6Б" : "5А") + ";01.09.2026;№ " + std::to_string(i + 1) +
           "-у от 01.09.2026\r\n";
  }
  return csv;
}

// Writes `head` (a request's header) on a fresh connection, then `body`
// once the server asked for it (after "100 Continue") or at once when
// `wait_for_continue` is false; returns what the server sent until it
// answered or closed. Each read gives up after 10 s.
std::string raw_exchange(uint16_t port, const std::string& head, const std::string& body,
                         bool wait_for_continue) {
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  stream.expires_after(std::chrono::seconds(10));
  boost::asio::write(stream, boost::asio::buffer(head));
  std::string got;
  char buf[4096];
  boost::beast::error_code ec;
  if (wait_for_continue) {
    while (got.find("\r\n\r\n") == std::string::npos) {
      const size_t n = stream.read_some(boost::asio::buffer(buf), ec);
      if (ec) return got;
      got.append(buf, n);
    }
    if (got.rfind("HTTP/1.1 100 Continue", 0) != 0) return got;
  }
  if (!body.empty()) boost::asio::write(stream, boost::asio::buffer(body), ec);
  for (;;) {
    stream.expires_after(std::chrono::seconds(10));
    const size_t n = stream.read_some(boost::asio::buffer(buf), ec);
    got.append(buf, n);
    if (ec) return got;  // closed (or the 10 s passed)
    const size_t end = got.rfind("\r\n\r\n");
    const size_t length = got.find("Content-Length: ", got.rfind("HTTP/1.1 "));
    if (end != std::string::npos && length != std::string::npos &&
        got.size() >= end + 4 + std::stoul(got.substr(length + 16))) {
      return got;
    }
  }
}

TEST_F(ImportListsTest, AListLargerThanAFrameComesOverHttp) {
  at("2026-08-25 10:00");
  std::string token;
  auto secretary = signed_in("secretary", &token);
  const std::string students = file_of("students", "школа.csv", large_list(3000));
  const uint64_t head = log_->head_position();
  const auto body = [&](bool apply) {
    return R"({"id": "big", )" + request(students, apply) + "}";
  };
  ASSERT_GT(body(false).size(), ServerOptions{}.max_frame_bytes);
  auto check = http_request(port_, http::verb::post, "/import", token, body(false));
  EXPECT_EQ(check.status, 200u) << check.body;
  EXPECT_EQ(check.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(check.cache_control, "no-store");
  EXPECT_EQ(check.body.rfind(R"({"response":{"id":"big","ok":true,)", 0), 0u)
      << check.body.substr(0, 300);
  EXPECT_NE(check.body.find(R"("exitCode":0)"), std::string::npos) << check.body.substr(0, 300);
  EXPECT_NE(check.body.find("строк с данными — 3000"), std::string::npos);
  EXPECT_EQ(log_->head_position(), head) << "a dry run wrote to the log";

  auto apply = http_request(port_, http::verb::post, "/import", token, body(true));
  EXPECT_EQ(apply.status, 200u);
  // The 3,000 students, and teachers.csv's new teacher with her load.
  EXPECT_NE(apply.body.find("Записано команд: 3005"), std::string::npos)
      << apply.body.substr(apply.body.size() - 600);
  ASSERT_EQ(log_->head_position(), head + 3005);
  auto last = log_->read_all(head + 3005, 1);
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ(last->front().actor, "secretary");
}

TEST_F(ImportListsTest, HttpImportIsJudgedByItsHeaderBeforeItsBody) {
  at("2026-08-25 10:00");
  std::string secretary_token, teacher_token;
  auto secretary = signed_in("secretary", &secretary_token);
  auto teacher = signed_in("t-rus", &teacher_token);
  const uint64_t head = log_->head_position();
  const std::string good =
      R"({"id": "g", )" + request(file("students", "students.csv"), true) + "}";

  auto none = http_request(port_, http::verb::post, "/import", "", good);
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(json_field(none.body, "code"), "not_signed_in") << none.body;
  auto forbidden = http_request(port_, http::verb::post, "/import", teacher_token, good);
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_EQ(json_field(forbidden.body, "code"), "forbidden") << forbidden.body;
  auto get = http_request(port_, http::verb::get, "/import", secretary_token);
  EXPECT_EQ(get.status, 405u);
  EXPECT_EQ(json_field(get.body, "code"), "method_not_allowed") << get.body;
  for (const char* bad : {R"({"id": "q", "me": null})",
                          "{\"id\": ", R"({"id": "u", "importLists": {"colour": 1}})"}) {
    SCOPED_TRACE(bad);
    auto r = http_request(port_, http::verb::post, "/import", secretary_token, bad);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(json_field(r.body, "code"), "bad_request") << r.body;
  }

  // Refused from the header alone: the 5 MB body is never sent.
  const auto header = [](const std::string& target, const std::string& token, size_t length,
                         const char* extra = "") {
    return "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
           "\r\n" + extra + "\r\n";
  };
  const std::string teachers_answer =
      raw_exchange(port_, header("/import", teacher_token, 5'000'000), "", false);
  EXPECT_EQ(teachers_answer.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << teachers_answer;
  const std::string too_large =
      raw_exchange(port_, header("/import", secretary_token, 9 << 20), "", false);
  EXPECT_EQ(too_large.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << too_large;
  // Every other route keeps the small limit.
  const std::string elsewhere =
      raw_exchange(port_, header("/health", secretary_token, 100'000), "", false);
  EXPECT_EQ(elsewhere.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << elsewhere;

  // A client that waits for "100 Continue" (curl does past 1 MiB) gets it,
  // then the answer.
  const std::string continued = raw_exchange(
      port_, header("/import", secretary_token, good.size(), "Expect: 100-continue\r\n"), good,
      true);
  EXPECT_EQ(continued.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << continued;
  EXPECT_NE(continued.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << continued;
  EXPECT_NE(continued.find("Записано команд: 8"), std::string::npos) << continued;
  // The import's 8 commands, and nothing of the refused requests.
  auto written = log_->read_all(head + 1, 100);
  ASSERT_TRUE(written);
  size_t by_secretary = 0;
  for (const auto& e : *written) by_secretary += e.actor == "secretary";
  EXPECT_EQ(by_secretary, 8u);
}

// A client that sends its body without waiting (a browser's upload whose
// session has ended) gets the refusal and may finish sending: the server
// reads and drops the rest before it closes, instead of resetting the
// connection under the client's feet.
TEST_F(ImportListsTest, ARefusedClientStillSendingGetsTheAnswerNotAReset) {
  at("2026-08-25 10:00");
  std::string teacher_token;
  auto teacher = signed_in("t-rus", &teacher_token);
  const size_t length = 2'000'000;
  const std::string head =
      "POST /import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + teacher_token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
      "\r\n\r\n";
  const std::string chunk(64 * 1024, 'x');
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  stream.expires_after(std::chrono::seconds(10));
  boost::asio::write(stream, boost::asio::buffer(head + chunk));
  std::string got;
  char buf[4096];
  boost::beast::error_code ec;
  while (got.find("\r\n\r\n") == std::string::npos || got.find("}") == std::string::npos) {
    const size_t n = stream.read_some(boost::asio::buffer(buf), ec);
    ASSERT_FALSE(ec) << ec.message() << ": " << got;
    got.append(buf, n);
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << got;
  // The server has answered and shut its side; the client goes on sending.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (size_t sent = chunk.size(); sent < length; sent += chunk.size()) {
    boost::asio::write(
        stream, boost::asio::buffer(chunk.data(), std::min(chunk.size(), length - sent)), ec);
    ASSERT_FALSE(ec) << "the connection was reset after " << sent << " bytes: " << ec.message();
  }
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  stream.read_some(boost::asio::buffer(buf), ec);
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
}

}  // namespace
}  // namespace zhurnal::server::testing
