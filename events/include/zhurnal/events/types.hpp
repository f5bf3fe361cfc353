// Value types of the event log: what goes in (EventData, StreamAppend), what
// comes out (RecordedEvent, AppendResult) and the optimistic-concurrency
// modes (ExpectedVersion).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::events {

using Hash = std::array<uint8_t, 32>;  // SHA-256

// Stream versions are 1-based: a stream's first event has version 1 and a
// stream that does not exist has current version 0. Global positions are
// 1-based and contiguous; 0 means "before the first event".
class ExpectedVersion {
 public:
  enum class Kind : uint8_t {
    kAny,           // no check
    kNoStream,      // the stream must not exist yet
    kStreamExists,  // the stream must have at least one event
    kExact,         // the stream's current version must equal version()
  };

  static ExpectedVersion any() { return {Kind::kAny, 0}; }
  static ExpectedVersion no_stream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion stream_exists() { return {Kind::kStreamExists, 0}; }
  // exact(0) is the same check as no_stream().
  static ExpectedVersion exact(uint64_t version) { return {Kind::kExact, version}; }

  Kind kind() const { return kind_; }
  uint64_t version() const { return version_; }
  // True when a stream whose current version is `current` passes the check.
  bool matches(uint64_t current) const;

 private:
  ExpectedVersion(Kind kind, uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  uint64_t version_;
};

// One event to append. The payload is opaque to the log: the journal encodes
// its domain events with Cap'n Proto and names them in `type`.
struct EventData {
  std::string type;
  std::string payload;
};

// Who and why: the same for every event of one append.
struct CommandContext {
  std::string command_id;  // required; the idempotency key, kept forever
  std::string actor;       // user id
  std::string correlation_id;
  std::string causation_id;
  // What makes two requests "the same" for idempotency. When set (e.g. the
  // digest of the command that produced these events), it is kept in the
  // receipt instead of a digest of the events themselves.
  std::optional<Hash> request_digest;
};

// The events for one stream within an append.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<EventData> events;
};

struct StreamVersion {
  std::string stream;
  uint64_t version = 0;
  bool operator==(const StreamVersion&) const = default;
};

struct AppendResult {
  uint64_t first_position = 0;  // position of the first event appended
  uint64_t last_position = 0;   // position of the last event appended
  std::vector<StreamVersion> streams;  // each stream's version after the append
  int64_t recorded_at_us = 0;
  bool duplicate = false;  // true when this was a retry of an earlier append
  Hash request_digest{};   // filled when read back from the receipt
};

// SHA-256 of `bytes` (the same function as the hash chain's).
Hash sha256(std::string_view bytes);
// Lower-case hexadecimal, 64 characters.
std::string to_hex(const Hash& hash);

struct RecordedEvent {
  uint64_t position = 0;
  std::string stream;
  uint64_t stream_version = 0;
  std::string type;
  int64_t recorded_at_us = 0;  // UTC microseconds since the Unix epoch
  std::string actor;
  std::string command_id;
  std::string correlation_id;
  std::string causation_id;
  Hash prev_hash{};
  Hash hash{};
  std::string payload;
};

// Which of a RecordedEvent's fields a read fills in. kFold: the position,
// stream version, recorded time, actor, payload and hash, which is what the
// projections' folds read; the stream, type, command, correlation and
// causation ids and the previous hash are left empty. They were half of the
// decode in a rebuild's reader, a sixth of its instructions
// (docs/benchmarks.md, "Session 19"). kAudit: what a chain audit reads,
// every field but the actor, the payload and the correlation and causation
// ids, which are left empty (verify's walk; "Session 25"). kHistory: what a
// history shows, every field but the correlation and causation ids and the
// previous hash.
enum class EventFields : uint8_t { kAll, kFold, kAudit, kHistory };

enum class Direction : uint8_t { kForward, kBackward };

}  // namespace zhurnal::events
