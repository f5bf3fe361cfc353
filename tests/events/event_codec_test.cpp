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

TEST(EventCodecTest, EachSetOfFieldsFillsItsOwnAndEmptiesTheOthers) {
  Hash hash;
  const std::string value = stored(&hash);
  RecordedEvent full;
  ASSERT_TRUE(internal::decode_stored_event(value, &full).is_ok());
  EXPECT_EQ(full.hash, hash);
  EXPECT_EQ(full.actor, "rs0001-t13");
  EXPECT_EQ(full.correlation_id, "corr-7");
  EXPECT_EQ(full.payload.size(), 200u);

  RecordedEvent audit = filled();
  ASSERT_TRUE(internal::decode_stored_event(value, &audit, EventFields::kAudit).is_ok());
  EXPECT_EQ(audit.position, full.position);
  EXPECT_EQ(audit.stream, full.stream);
  EXPECT_EQ(audit.stream_version, full.stream_version);
  EXPECT_EQ(audit.type, full.type);
  EXPECT_EQ(audit.recorded_at_us, full.recorded_at_us);
  EXPECT_EQ(audit.command_id, full.command_id);
  EXPECT_EQ(audit.prev_hash, full.prev_hash);
  EXPECT_EQ(audit.hash, full.hash);
  EXPECT_TRUE(audit.actor.empty());
  EXPECT_TRUE(audit.payload.empty());
  EXPECT_TRUE(audit.correlation_id.empty());
  EXPECT_TRUE(audit.causation_id.empty());

  RecordedEvent history = filled();
  ASSERT_TRUE(internal::decode_stored_event(value, &history, EventFields::kHistory).is_ok());
  EXPECT_EQ(history.position, full.position);
  EXPECT_EQ(history.stream, full.stream);
  EXPECT_EQ(history.type, full.type);
  EXPECT_EQ(history.actor, full.actor);
  EXPECT_EQ(history.command_id, full.command_id);
  EXPECT_EQ(history.payload, full.payload);
  EXPECT_EQ(history.hash, full.hash);
  EXPECT_TRUE(history.correlation_id.empty());
  EXPECT_TRUE(history.causation_id.empty());
  EXPECT_EQ(history.prev_hash, Hash{});

  RecordedEvent fold = filled();
  ASSERT_TRUE(internal::decode_stored_event(value, &fold, EventFields::kFold).is_ok());
  EXPECT_EQ(fold.actor, full.actor);
  EXPECT_EQ(fold.payload, full.payload);
  EXPECT_TRUE(fold.stream.empty());
  EXPECT_TRUE(fold.command_id.empty());
  EXPECT_TRUE(fold.correlation_id.empty());
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
