// Tamper tests: a closed log's RocksDB values are damaged directly (a flipped
// byte, a deleted event, two events swapped, a forged hash), the log is
// reopened with open_event_log, and verify() must name the first damaged
// position. Reads must not skip a deleted event silently. (The stream index
// and the receipts: index_tamper_test.cpp.)
//
// The log is built once per suite; every case damages its own copy of it.
#include <algorithm>
#include <utility>

#include "events/tamper_fixture.hpp"

namespace zhurnal::events {
namespace {

using tamper::open_log;
using tamper::RawLog;
using tamper::TamperTest;

// Offset of `needle` inside a stored value, which must hold it exactly once.
size_t offset_of(std::string_view value, std::string_view needle) {
  const size_t at = value.find(needle);
  EXPECT_NE(at, std::string_view::npos) << "not in the stored value: " << needle;
  EXPECT_EQ(value.find(needle, at + 1), std::string_view::npos) << "twice in the value: " << needle;
  return at == std::string_view::npos ? 0 : at;
}

std::string_view bytes_of(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

struct FlipCase {
  const char* name;
  uint64_t position;
  // Offset within the stored value (hash[32] || body) of the byte to flip.
  size_t (*offset)(const RecordedEvent& e, std::string_view value);
};

TEST_F(TamperTest, FlippedByteIsNamedByVerify) {
  const uint64_t mid = 23;
  const FlipCase cases[] = {
      {"hash prefix, first byte", mid,
       [](const RecordedEvent&, std::string_view) -> size_t { return 0; }},
      {"hash prefix, last byte", mid,
       [](const RecordedEvent&, std::string_view) -> size_t { return 31; }},
      {"segment table", mid, [](const RecordedEvent&, std::string_view) -> size_t { return 32; }},
      {"root pointer", mid, [](const RecordedEvent&, std::string_view) -> size_t { return 40; }},
      {"position field", mid, [](const RecordedEvent&, std::string_view) -> size_t { return 48; }},
      {"stream id text", mid,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.stream) + 2; }},
      {"event type text", mid,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.type) + 1; }},
      {"actor text", mid,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.actor); }},
      {"command id text", mid,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.command_id) + 4; }},
      {"prev_hash field", mid,
       [](const RecordedEvent& e, std::string_view v) {
         return offset_of(v, bytes_of(e.prev_hash)) + 7;
       }},
      {"payload, Cyrillic byte", mid,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.payload) + 5; }},
      {"last byte of the value", mid,
       [](const RecordedEvent&, std::string_view v) { return v.size() - 1; }},
      {"first event, payload", 1,
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.payload) + 3; }},
      {"first event, hash prefix", 1,
       [](const RecordedEvent&, std::string_view) -> size_t { return 9; }},
      {"last event, payload", head(),
       [](const RecordedEvent& e, std::string_view v) { return offset_of(v, e.payload) + 3; }},
      {"last event, hash prefix", head(),
       [](const RecordedEvent&, std::string_view) -> size_t { return 0; }},
  };
  for (const FlipCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto dir = fresh_copy();
    {
      RawLog raw(dir->path());
      ASSERT_TRUE(raw.is_open());
      std::string value = raw.get_event(c.position);
      const size_t at = c.offset(event_at(c.position), value);
      ASSERT_LT(at, value.size());
      value[at] = static_cast<char>(value[at] ^ 0x01);
      raw.put_event(c.position, value);
    }
    ASSERT_FALSE(HasFailure());
    expect_names(reopen_and_verify(*dir), c.position);
  }
}

// Bytes spread over one whole stored value (every word of the Cap'n Proto
// framing and data, the texts, the payload), each damaged in its own copy.
// Sampled: each case reopens RocksDB twice (about 0.1 s); the codec test below
// covers every byte without RocksDB.
TEST_F(TamperTest, FlippedByteAnywhereInOneEventIsNamedByVerify) {
  const uint64_t position = 30;
  std::string original;
  {
    auto dir = fresh_copy();
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    original = raw.get_event(position);
  }
  ASSERT_GT(original.size(), internal::kHashSize);
  for (size_t at = 0; at < original.size(); at += 11) {
    SCOPED_TRACE("offset " + std::to_string(at) + " of " + std::to_string(original.size()));
    auto dir = fresh_copy();
    {
      RawLog raw(dir->path());
      ASSERT_TRUE(raw.is_open());
      std::string damaged = original;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x80);
      raw.put_event(position, damaged);
    }
    ASSERT_FALSE(HasFailure());
    expect_names(reopen_and_verify(*dir), position);
    if (HasFailure()) break;  // one offset's story is enough
  }
}

// What verify() relies on, for every byte of several stored values and
// several kinds of damage: decoding never crashes, and the damaged value
// either fails to decode or fails one of verify's checks (envelope position,
// previous-hash link, hash of the stored bytes). Truncations too.
TEST_F(TamperTest, EveryDamagedByteFailsDecodeOrTheChecks) {
  auto detected = [](std::string_view value, const RecordedEvent& original) {
    RecordedEvent e;
    if (!internal::decode_stored_event(value, &e).is_ok()) return true;
    return e.position != original.position || e.prev_hash != original.prev_hash ||
           internal::chain_hash(original.prev_hash, internal::stored_body(value)) != e.hash;
  };
  auto dir = fresh_copy();
  RawLog raw(dir->path());
  ASSERT_TRUE(raw.is_open());
  for (uint64_t position : {uint64_t{1}, uint64_t{2}, uint64_t{30}, head()}) {
    const std::string original = raw.get_event(position);
    const RecordedEvent& expected = event_at(position);
    ASSERT_FALSE(detected(original, expected)) << "undamaged value at " << position;
    for (size_t at = 0; at < original.size(); ++at) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        std::string damaged = original;
        damaged[at] = static_cast<char>(damaged[at] ^ mask);
        ASSERT_TRUE(detected(damaged, expected))
            << "position " << position << ", offset " << at << ", mask " << int{mask};
      }
    }
    for (size_t size = 0; size < original.size(); ++size) {
      ASSERT_TRUE(detected(std::string_view(original).substr(0, size), expected))
          << "position " << position << " truncated to " << size << " bytes";
    }
  }
}

TEST_F(TamperTest, DeletedEventIsNamedByVerify) {
  for (uint64_t position : {uint64_t{1}, uint64_t{2}, uint64_t{24}, uint64_t{48}}) {
    SCOPED_TRACE("deleted position " + std::to_string(position));
    auto dir = fresh_copy();
    {
      RawLog raw(dir->path());
      ASSERT_TRUE(raw.is_open());
      raw.delete_event(position);
    }
    ASSERT_FALSE(HasFailure());
    const VerifyReport report = reopen_and_verify(*dir);
    expect_names(report, position);
    EXPECT_NE(report.problem.find("нет события на позиции " + std::to_string(position)),
              std::string::npos)
        << report.problem;
  }
}

TEST_F(TamperTest, ReadsOverADeletedEventFailWithCorruption) {
  const uint64_t position = 24;
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    raw.delete_event(position);
  }
  ASSERT_FALSE(HasFailure());
  std::unique_ptr<EventLog> log = open_log(dir->path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->head_position(), head());

  struct Range {
    uint64_t from;
    size_t max;
  };
  for (Range r :
       {Range{1, 1000}, Range{position - 1, 3}, Range{position, 1}, Range{position, 10}}) {
    SCOPED_TRACE("read_all(" + std::to_string(r.from) + ", " + std::to_string(r.max) + ")");
    auto events = log->read_all(r.from, r.max);
    ASSERT_FALSE(events) << "returned " << events->size() << " events over a gap";
    EXPECT_EQ(events.error().code(), StatusCode::kCorruption) << events.error().to_string();
  }
  // Up to the gap, and after it, the log still reads.
  auto before = log->read_all(1, position - 1);
  ASSERT_TRUE(before) << before.error().to_string();
  EXPECT_EQ(before->size(), position - 1);
  auto after = log->read_all(position + 1, 1000);
  ASSERT_TRUE(after) << after.error().to_string();
  EXPECT_EQ(after->size(), head() - position);

  // The deleted event's stream index still points at it.
  const RecordedEvent& gone = event_at(position);
  auto stream = log->read_stream(gone.stream, 1, Direction::kForward, 1000);
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code(), StatusCode::kCorruption) << stream.error().to_string();

  // A subscriber catching up from the start stops at the gap with an error
  // (one event per batch, so that it stops exactly before the gap).
  std::unique_ptr<Subscription> sub = log->subscribe(0);
  uint64_t delivered = 0;
  for (;;) {
    auto batch = sub->next(1, std::chrono::milliseconds(0));
    if (!batch) {
      EXPECT_EQ(batch.error().code(), StatusCode::kCorruption) << batch.error().to_string();
      break;
    }
    ASSERT_FALSE(batch->events.empty()) << "caught up past a deleted event";
    for (const RecordedEvent& e : batch->events) EXPECT_EQ(e.position, ++delivered);
  }
  EXPECT_EQ(sub->position(), position - 1);
}

TEST_F(TamperTest, SwappedNeighboursAreNamedByVerify) {
  for (uint64_t first : {uint64_t{1}, uint64_t{17}, uint64_t{47}}) {
    SCOPED_TRACE("swapped " + std::to_string(first) + " and " + std::to_string(first + 1));
    auto dir = fresh_copy();
    {
      RawLog raw(dir->path());
      ASSERT_TRUE(raw.is_open());
      const std::string a = raw.get_event(first);
      const std::string b = raw.get_event(first + 1);
      raw.put_event(first, b);
      raw.put_event(first + 1, a);
    }
    ASSERT_FALSE(HasFailure());
    expect_names(reopen_and_verify(*dir), first);
  }
}

TEST_F(TamperTest, ReplayedEventIsNamedByVerify) {
  // An earlier event's value copied over a later position.
  const uint64_t position = 31;
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    raw.put_event(position, raw.get_event(position - 1));
  }
  ASSERT_FALSE(HasFailure());
  expect_names(reopen_and_verify(*dir), position);
}

// An attacker who knows the format changes a payload and recomputes that
// event's hash prefix. The event is then self-consistent; the evidence is the
// broken link from its successor, which verify names.
TEST_F(TamperTest, ForgedHashIsCaughtAtTheNextLink) {
  const uint64_t position = 20;
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    std::string value = raw.get_event(position);
    const RecordedEvent& e = event_at(position);
    const size_t at = offset_of(value, e.payload);
    value[at] = static_cast<char>(value[at] ^ 0x01);
    const Hash forged = internal::chain_hash(e.prev_hash, internal::stored_body(value));
    std::copy(forged.begin(), forged.end(), value.begin());
    raw.put_event(position, value);
  }
  ASSERT_FALSE(HasFailure());
  const VerifyReport report = reopen_and_verify(*dir);
  expect_names(report, position + 1);
  EXPECT_NE(report.problem.find("нарушена ссылка на хеш предыдущего события"), std::string::npos)
      << report.problem;
}

// The log reads its last event at open to continue the chain. When that event
// is damaged so that it no longer decodes or no longer matches its key, open
// fails with kCorruption: it neither crashes nor drops the event silently.
// (verify() cannot run on such a log through the public API.)
TEST_F(TamperTest, DamagedLastEventFailsOpenWithCorruption) {
  struct Case {
    const char* name;
    void (*damage)(RawLog* raw, uint64_t head);
  };
  const Case cases[] = {
      {"segment count of the last event",
       [](RawLog* raw, uint64_t head) {
         std::string value = raw->get_event(head);
         value[internal::kHashSize] = static_cast<char>(value[internal::kHashSize] ^ 0x7f);
         raw->put_event(head, value);
       }},
      {"last two events swapped",
       [](RawLog* raw, uint64_t head) {
         const std::string last = raw->get_event(head);
         raw->put_event(head, raw->get_event(head - 1));
         raw->put_event(head - 1, last);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto dir = fresh_copy();
    {
      RawLog raw(dir->path());
      ASSERT_TRUE(raw.is_open());
      c.damage(&raw, head());
    }
    ASSERT_FALSE(HasFailure());
    LogOptions o;
    o.path = dir->str();
    o.create_if_missing = false;
    auto log = open_event_log(o);
    ASSERT_FALSE(log) << "opened a log whose last event is damaged";
    EXPECT_EQ(log.error().code(), StatusCode::kCorruption) << log.error().to_string();
  }
}

// read_all checks positions by key but not the decoded envelope against its
// key: swapped neighbours come back out of order with no error.
TEST_F(TamperTest, ReadAllOverSwappedNeighboursFailsWithCorruption) {
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    const std::string a = raw.get_event(17);
    raw.put_event(17, raw.get_event(18));
    raw.put_event(18, a);
  }
  ASSERT_FALSE(HasFailure());
  std::unique_ptr<EventLog> log = open_log(dir->path());
  ASSERT_NE(log, nullptr);
  auto events = log->read_all(1, 1000);
  ASSERT_FALSE(events) << "read_all returned swapped events without an error";
  EXPECT_EQ(events.error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace zhurnal::events
