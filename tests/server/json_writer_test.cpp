// The allocation-free JSON writer (server/internal/json_writer.hpp) must write
// exactly what capnp::JsonCodec, configured as the server configures it,
// writes for the same message: clients parse both and the protocol examples
// in docs/protocol.md are this output.
#include <gtest/gtest.h>

#include <capnp/message.h>

#include "schema/envelope.capnp.h"
#include "schema/protocol.capnp.h"
#include "server/internal/json.hpp"
#include "server/internal/json_writer.hpp"

namespace zhurnal::server::internal {
namespace {

template <typename Reader>
void expect_same(Reader r) {
  const std::string want = to_json(r);
  const std::string got = write_json(r);
  EXPECT_EQ(got, want);
}

// Text with everything the escaping distinguishes: quote, backslash, slash,
// the named control characters, another control character, DEL, Cyrillic.
const char* kAwkward = "\"Ж\\/\b\f\n\r\t\x01\x1f\x7f ok — «ё»";

TEST(JsonWriterTest, ErrorResponseWithAwkwardText) {
  capnp::MallocMessageBuilder m;
  auto r = m.initRoot<schema::ServerMessage>().initResponse();
  r.setId(kAwkward);
  r.setOk(false);
  auto e = r.initError();
  e.setCode("bad_request");
  e.setMessage(kAwkward);
  e.setRetryAfterSeconds(4294967295u);
  expect_same(m.getRoot<schema::ServerMessage>().asReader());
}

TEST(JsonWriterTest, UnionMembers) {
  {  // nothing set: the default member is null and left out
    capnp::MallocMessageBuilder m;
    m.initRoot<schema::ServerMessage>();
    expect_same(m.getRoot<schema::ServerMessage>().asReader());
    EXPECT_EQ(write_json(m.getRoot<schema::ServerMessage>().asReader()), "{}");
  }
  {  // a Void member
    capnp::MallocMessageBuilder m;
    auto r = m.initRoot<schema::ServerMessage>().initResponse();
    r.setOk(true);
    r.getResult().setNone();
    expect_same(m.getRoot<schema::ServerMessage>().asReader());
  }
  {  // a non-default member that is null is written as null
    capnp::MallocMessageBuilder m;
    auto r = m.initRoot<schema::ServerMessage>().initResponse();
    r.getResult().setSubscribed("s1");
    capnp::DynamicStruct::Builder result = r.getResult();
    result.clear("diary");
    expect_same(m.getRoot<schema::ServerMessage>().asReader());
  }
  {  // the accepted answer: 64-bit integers as strings
    capnp::MallocMessageBuilder m;
    auto r = m.initRoot<schema::ServerMessage>().initResponse();
    r.setId("c-1");
    r.setOk(true);
    auto a = r.getResult().initAccepted();
    a.setFirstPosition(18446744073709551615ull);
    a.setLastPosition(0);
    a.setDuplicate(true);
    expect_same(m.getRoot<schema::ServerMessage>().asReader());
  }
}

TEST(JsonWriterTest, DiaryPush) {
  capnp::MallocMessageBuilder m;
  auto push = m.initRoot<schema::ServerMessage>().initPush();
  push.setSubscription("s42");
  push.setPosition(123456789);
  auto d = push.initDiary();
  d.setStudentId("st-1");
  d.setFullName("Иванова Мария");
  d.setClassId("k-5a");
  d.setWeekStart("2026-09-07");
  d.getPeriod().setPeriodId("p1");
  d.getPeriod().setName("1 четверть");
  auto lessons = d.initLessons(3);
  for (uint i = 0; i < lessons.size(); ++i) {
    auto l = lessons[i].initLesson();
    l.setLessonId("l-" + std::to_string(i));
    l.setNumber(static_cast<uint8_t>(i + 1));
    l.setHeld(i % 2 == 0);
    l.setTopic(i == 1 ? kAwkward : "");
    lessons[i].setSubjectName("Математика");
    auto cell = lessons[i].initCell();
    cell.setLessonId("l-" + std::to_string(i));
    cell.setAttendance(i == 2 ? schema::AttendanceCode::ILL : schema::AttendanceCode::PRESENT);
    auto marks = cell.initMarks(i);
    for (uint k = 0; k < marks.size(); ++k) {
      marks[k].setMarkId("mk" + std::to_string(k));
      if (k == 0) {
        marks[k].initValue().setNumeric(5);
      } else {
        marks[k].initValue().setNonNumeric(static_cast<schema::NonNumericMark>(0));
      }
      marks[k].setWeight(2);
      marks[k].setPostedAtUs(-1795895155949419ll);
      marks[k].setPosition(1ull << 40);
    }
  }
  d.initSubjects(0);
  d.setPosition(123456789);
  expect_same(m.getRoot<schema::ServerMessage>().asReader());

  // The hub writes the frame around the view as it comes from the query.
  EXPECT_EQ(write_view_push("s42", 123456789, "diary", d.asReader()),
            to_json(m.getRoot<schema::ServerMessage>().asReader()));
  capnp::MallocMessageBuilder other;
  auto p2 = other.initRoot<schema::ServerMessage>().initPush();
  p2.setSubscription(kAwkward);
  p2.setPosition(7);
  p2.setRegister(capnp::MallocMessageBuilder().initRoot<schema::RegisterView>().asReader());
  capnp::MallocMessageBuilder empty;
  auto reg = empty.initRoot<schema::RegisterView>();
  EXPECT_EQ(write_view_push(kAwkward, 7, "register", reg.asReader()),
            to_json(other.getRoot<schema::ServerMessage>().asReader()));
}

TEST(JsonWriterTest, UnknownEnumValueAndData) {
  capnp::MallocMessageBuilder m;
  auto cell = m.initRoot<schema::CellRow>();
  capnp::DynamicStruct::Builder dyn = cell;
  auto field = dyn.getSchema().getFieldByName("attendance");
  dyn.set(field, capnp::DynamicEnum(field.getType().asEnum(), 77));
  expect_same(m.getRoot<schema::CellRow>().asReader());

  capnp::MallocMessageBuilder e;
  auto env = e.initRoot<schema::EventEnvelope>();
  env.setStreamId("lesson-1");
  const unsigned char bytes[] = {0, 1, 127, 128, 255};
  env.setPayload(capnp::Data::Reader(bytes, sizeof bytes));
  env.setRecordedAtUs(-5);
  expect_same(e.getRoot<schema::EventEnvelope>().asReader());
}

}  // namespace
}  // namespace zhurnal::server::internal
