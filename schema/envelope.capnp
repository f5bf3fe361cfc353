# The stored event envelope and the idempotency receipt (see docs/storage-format.md).
#
# Schemas only grow: a new field takes the next ordinal; nothing is renumbered,
# retyped or reused. Golden encodings under tests/golden/ are decoded on every
# build, so an incompatible change fails the build.
@0x97468f7346a3a5dc;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

struct EventEnvelope {
  # One event as stored in the log. The event's own hash cannot be inside the
  # bytes it covers: it is stored as a 32-byte prefix of the value
  # (docs/storage-format.md, "Hash chain").

  position @0 :UInt64;        # global position, 1-based, contiguous
  streamId @1 :Text;          # e.g. "lesson-<id>", never contains a NUL byte
  streamVersion @2 :UInt64;   # 1-based version within the stream
  eventType @3 :Text;         # domain event type name, e.g. "MarkPosted"
  recordedAtUs @4 :Int64;     # commit time, UTC microseconds since the Unix epoch
  actor @5 :Text;             # user id of whoever issued the command
  commandId @6 :Text;         # client command id (idempotency key)
  correlationId @7 :Text;
  causationId @8 :Text;
  prevHash @9 :Data;          # SHA-256 of the previous event (32 zero bytes for position 1)
  payload @10 :Data;          # the domain event, itself a Cap'n Proto message
}

struct AppendReceipt {
  # Stored under the command id: what the original append returned, so that a
  # retry gets the same answer and writes nothing.
  firstPosition @0 :UInt64;
  lastPosition @1 :UInt64;
  requestDigest @2 :Data;     # SHA-256 of the request, to detect a reused id
  streams @3 :List(StreamVersion);
  recordedAtUs @4 :Int64;

  struct StreamVersion {
    streamId @0 :Text;
    version @1 :UInt64;       # the stream's version after the append
  }
}
