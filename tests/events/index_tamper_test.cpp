// Tamper tests of the data the log derives from its events: the stream
// index and the idempotency receipts are changed directly in a closed log's
// RocksDB, and verify() must name the position of the event or append they
// misstate (the exact pass of events/internal/audit.cpp, run when the fast
// pass's fingerprints disagree).
#include <string>

#include "events/tamper_fixture.hpp"

namespace zhurnal::events {
namespace {

using tamper::open_log;
using tamper::RawLog;
using tamper::TamperTest;

// Deleting the newest event leaves a shorter chain that is still valid on
// its own; the stream index and the receipt still name it, which verify()
// reports at the lost position.
TEST_F(TamperTest, TruncatedTailIsNamedByVerify) {
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    raw.delete_event(head());
  }
  ASSERT_FALSE(HasFailure());
  const VerifyReport report = reopen_and_verify(*dir);
  EXPECT_FALSE(report.ok()) << "the log lost its last event and still verifies";
  EXPECT_EQ(report.first_bad_position, head());
}

// A stream index entry pointing at another stream's event: read_stream
// must not return that event as the stream's, and verify() names the entry
// by its own event's position.
TEST_F(TamperTest, StreamIndexPointingElsewhereIsCaught) {
  const RecordedEvent& target = event_at(10);
  const RecordedEvent& other = event_at(11);
  ASSERT_NE(target.stream, other.stream);
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    raw.put_stream_entry(target.stream, target.stream_version, other.position);
  }
  ASSERT_FALSE(HasFailure());
  std::unique_ptr<EventLog> log = open_log(dir->path());
  ASSERT_NE(log, nullptr);
  auto read = log->read_stream(target.stream, target.stream_version, Direction::kForward, 1);
  if (read) {
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ(read->front().stream, target.stream) << "read_stream returned another stream's event";
  } else {
    EXPECT_EQ(read.error().code(), StatusCode::kCorruption);
  }
  auto report = log->verify();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok()) << "a broken stream index verifies";
  EXPECT_EQ(report->first_bad_position, target.position) << report->problem;
  EXPECT_NE(report->problem.find("указывает на позицию " + std::to_string(other.position)),
            std::string::npos)
      << report->problem;
}

// An index entry no event accounts for (a version the stream never reached)
// is named by the position it points at.
TEST_F(TamperTest, ExtraStreamIndexEntryIsNamedByVerify) {
  const RecordedEvent& pointed = event_at(7);
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    raw.put_stream_entry("lesson-0", 1000, pointed.position);
  }
  ASSERT_FALSE(HasFailure());
  const VerifyReport report = reopen_and_verify(*dir);
  EXPECT_FALSE(report.ok()) << "an extra stream index entry verifies";
  EXPECT_EQ(report.first_bad_position, pointed.position) << report.problem;
  EXPECT_NE(report.problem.find("lesson-0 (версия 1000)"), std::string::npos) << report.problem;
}

// A forger who rewrites the last event with a stream version that skips
// one, re-hashes it and moves its index entry and receipt to match, leaves
// everything agreeing but the stream's versions: verify names the event.
TEST_F(TamperTest, StreamVersionThatSkipsIsNamedByVerify) {
  const RecordedEvent& last = event_at(head());
  ASSERT_EQ(last.command_id, "cmd-21");  // a run of one event
  const uint64_t forged_version = last.stream_version + 1;
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    const CommandContext context{last.command_id, last.actor, last.correlation_id, last.causation_id,
                                 std::nullopt};
    internal::EnvelopeFields f;
    f.position = last.position;
    f.stream = last.stream;
    f.stream_version = forged_version;
    f.type = last.type;
    f.recorded_at_us = last.recorded_at_us;
    f.context = &context;
    f.prev_hash = &last.prev_hash;
    f.payload = last.payload;
    Hash hash;
    raw.put_event(last.position, internal::encode_stored_event(f, &hash));
    raw.delete_stream_entry(last.stream, last.stream_version);
    raw.put_stream_entry(last.stream, forged_version, last.position);
    AppendResult receipt;
    Hash digest;
    ASSERT_TRUE(internal::decode_receipt(raw.get_receipt(last.command_id), &receipt, &digest).is_ok());
    ASSERT_EQ(receipt.streams.size(), 1u);
    receipt.streams[0].version = forged_version;
    raw.put_receipt(last.command_id, internal::encode_receipt(receipt, digest));
  }
  ASSERT_FALSE(HasFailure());
  const VerifyReport report = reopen_and_verify(*dir);
  expect_names(report, head());
  EXPECT_NE(report.problem.find("версия " + std::to_string(forged_version) + " идёт после версии " +
                                std::to_string(last.stream_version - 1)),
            std::string::npos)
      << report.problem;
}

// A receipt that keeps its append's positions but names other stream
// versions is named at the append's first position. (The fast pass's
// fingerprint of a receipt covers its stream versions too.)
TEST_F(TamperTest, ReceiptNamingOtherStreamVersionsIsNamedAtItsAppend) {
  uint64_t first = 0;
  for (const RecordedEvent& e : events_) {
    if (e.command_id == "cmd-8") {
      first = e.position;
      break;
    }
  }
  ASSERT_NE(first, 0u);
  auto dir = fresh_copy();
  {
    RawLog raw(dir->path());
    ASSERT_TRUE(raw.is_open());
    AppendResult receipt;
    Hash digest;
    ASSERT_TRUE(internal::decode_receipt(raw.get_receipt("cmd-8"), &receipt, &digest).is_ok());
    ASSERT_EQ(receipt.streams.size(), 2u);  // a lesson and a student stream
    ++receipt.streams.back().version;
    raw.put_receipt("cmd-8", internal::encode_receipt(receipt, digest));
  }
  ASSERT_FALSE(HasFailure());
  const VerifyReport report = reopen_and_verify(*dir);
  EXPECT_FALSE(report.ok()) << "a receipt with other stream versions verifies";
  EXPECT_EQ(report.first_bad_position, first) << report.problem;
  EXPECT_NE(
      report.problem.find("квитанция идемпотентности команды cmd-8 называет другие версии потоков"),
      std::string::npos)
      << report.problem;
}

}  // namespace
}  // namespace zhurnal::events
