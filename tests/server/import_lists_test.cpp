// The secretary's lists from the web (`importLists`, docs/protocol.md)
// against the running server: a dry run writes nothing, applying writes as
// the signed-in secretary and a repeat finds nothing new; lists with errors
// write nothing; only the school's office may import; broken requests are
// refused with a stable code.
#include <kj/encoding.h>

#include <fstream>
#include <iterator>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

class ImportListsTest : public ServerFixture {
 protected:
  // A file of tests/import/data in the request's form.
  static std::string file(const char* field, const std::string& name) {
    std::ifstream in(std::string(ZHURNAL_IMPORT_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
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

}  // namespace
}  // namespace zhurnal::server::testing
