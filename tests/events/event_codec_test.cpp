// A stored event decoded with each set of fields (EventFields): what each
// fills in, what it leaves empty in a reused event, and that the audit's
// decode refuses what the full one refuses.
#include <gtest/gtest.h>

#include <string>

#include "internal/codec.hpp"

namespace zhurnal::events {
namespace {

std::string stored(Hash* hash) {
  const CommandContext context{"cmd-7", "rs0001-t13", "corr-7", "cause-7", std::nullopt};
  const Hash prev{9, 8, 7};
  internal::EnvelopeFields f;
  f.position = 42;
  f.stream = "lesson/rs0001-c5a-2026-10-01-2";
  f.stream_version = 3;
  f.type = "MarkPosted";
  f.recorded_at_us = 1'790'000'000'000'000;
  f.context = &context;
  f.prev_hash = &prev;
  f.payload = std::string(200, 'p');
  return internal::encode_stored_event(f, hash);
}

RecordedEvent filled() {
  RecordedEvent e;
  e.stream = e.type = e.actor = e.command_id = e.correlation_id = e.causation_id = e.payload =
      "left from the event before";
  e.prev_hash = Hash{1, 2, 3};
  return e;
}

// Which fields a set fills in; the others it leaves empty.
struct Filled {
  EventFields fields;
  bool ids;  // stream, type, command id
  bool actor_payload;
  bool context;  // correlation and causation ids
  bool prev_hash;
};

TEST(EventCodecTest, EachSetOfFieldsFillsItsOwnAndEmptiesTheOthers) {
  Hash hash;
  const std::string value = stored(&hash);
  RecordedEvent full;
  ASSERT_TRUE(internal::decode_stored_event(value, &full).is_ok());
  EXPECT_EQ(full.hash, hash);
  EXPECT_EQ(full.stream, "lesson/rs0001-c5a-2026-10-01-2");
  EXPECT_EQ(full.actor, "rs0001-t13");
  EXPECT_EQ(full.correlation_id, "corr-7");
  EXPECT_EQ(full.causation_id, "cause-7");
  EXPECT_EQ(full.payload.size(), 200u);
  EXPECT_EQ(full.prev_hash, (Hash{9, 8, 7}));

  for (const Filled f : {Filled{EventFields::kAll, true, true, true, true},
                         Filled{EventFields::kFold, false, true, false, false},
                         Filled{EventFields::kAudit, true, false, false, true},
                         Filled{EventFields::kHistory, true, true, false, false}}) {
    SCOPED_TRACE(static_cast<int>(f.fields));
    RecordedEvent e = filled();
    ASSERT_TRUE(internal::decode_stored_event(value, &e, f.fields).is_ok());
    EXPECT_EQ(e.position, full.position);
    EXPECT_EQ(e.stream_version, full.stream_version);
    EXPECT_EQ(e.recorded_at_us, full.recorded_at_us);
    EXPECT_EQ(e.hash, full.hash);
    auto expect = [](const std::string& got, const std::string& want, bool filled) {
      EXPECT_EQ(got, filled ? want : std::string());
    };
    expect(e.stream, full.stream, f.ids);
    expect(e.type, full.type, f.ids);
    expect(e.command_id, full.command_id, f.ids);
    expect(e.actor, full.actor, f.actor_payload);
    expect(e.payload, full.payload, f.actor_payload);
    expect(e.correlation_id, full.correlation_id, f.context);
    expect(e.causation_id, full.causation_id, f.context);
    EXPECT_EQ(e.prev_hash, f.prev_hash ? full.prev_hash : Hash{});
  }
}

// Every shortening of a stored event, and every one of its envelope's
// words overwritten, is refused by the audit's decode exactly when the full
// decode refuses it.
TEST(EventCodecTest, AnAuditDecodeRefusesWhatTheFullDecodeRefuses) {
  Hash hash;
  const std::string value = stored(&hash);
  RecordedEvent full, audit;
  int refused = 0;
  auto same = [&](const std::string& v) {
    const bool a = internal::decode_stored_event(v, &full).is_ok();
    const bool b = internal::decode_stored_event(v, &audit, EventFields::kAudit).is_ok();
    EXPECT_EQ(a, b);
    refused += !a;
  };
  for (size_t n = 0; n < value.size(); n += 8) same(value.substr(0, n));
  for (size_t at = 32; at + 8 <= value.size(); at += 8) {
    for (const char fill : {'\x00', '\x7f', '\xff'}) {
      std::string v = value;
      v.replace(at, 8, 8, fill);
      same(v);
    }
  }
  EXPECT_GT(refused, 40);  // the cases above do reach the refusals
}

}  // namespace
}  // namespace zhurnal::events
