#include "codec.hpp"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <vector>

#include "keys.hpp"
#include "sha256.hpp"
#include "schema/envelope.capnp.h"

namespace zhurnal::events::internal {
namespace {

// Stored messages are small; these bound what a damaged or hostile value can
// make the reader walk (capnp/message.h: "exists for security reasons").
constexpr int kNestingLimit = 8;
constexpr uint64_t kMaxTraversalWords = 8 << 20;  // 64 MiB

capnp::ReaderOptions reader_options(size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::min<uint64_t>(words * 4 + 64, kMaxTraversalWords);
  options.nestingLimit = kNestingLimit;
  return options;
}

// Cap'n Proto reads words; RocksDB gives no alignment guarantee for values.
// Returns `bytes` as words, copying into a thread-local buffer when needed.
// The result is valid until the next call on this thread.
kj::ArrayPtr<const capnp::word> as_words(std::string_view bytes) {
  const size_t n = bytes.size() / sizeof(capnp::word);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return kj::arrayPtr(reinterpret_cast<const capnp::word*>(bytes.data()), n);
  }
  // uint64_t, not capnp::word: word is not copyable, which libstdc++'s vector
  // rejects under clang (the fuzz build).
  thread_local std::vector<uint64_t> buffer;
  buffer.resize(n);
  std::memcpy(buffer.data(), bytes.data(), n * sizeof(capnp::word));
  return kj::arrayPtr(reinterpret_cast<const capnp::word*>(buffer.data()), n);
}

kj::ArrayPtr<const kj::byte> bytes_of(std::string_view s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

capnp::Text::Reader text_of(std::string_view s) { return capnp::Text::Reader(s.data(), s.size()); }

std::string_view view(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
std::string_view view(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

void copy_hash(capnp::Data::Reader d, Hash* out) {
  if (d.size() == out->size()) std::memcpy(out->data(), d.begin(), out->size());
}

void sha_update_u64(Sha256* sha, uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  sha->update(b, 8);
}
void sha_update_field(Sha256* sha, std::string_view s) {
  sha_update_u64(sha, s.size());
  sha->update(s);
}

std::string flatten(capnp::MessageBuilder& builder, size_t prefix) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  std::string out;
  out.reserve(prefix + bytes.size());
  out.resize(prefix);
  out.append(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  return out;
}

}  // namespace

}  // namespace zhurnal::events::internal

namespace zhurnal::events {

Hash sha256(std::string_view bytes) {
  internal::Sha256 sha;
  sha.update(bytes);
  return sha.finish();
}

std::string to_hex(const Hash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (uint8_t b : h) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

}  // namespace zhurnal::events

namespace zhurnal::events::internal {

Hash chain_hash(const Hash& prev, std::string_view body) {
  Sha256 sha;
  sha.update(prev);
  sha.update(body);
  return sha.finish();
}

std::string encode_stored_event(const EnvelopeFields& f, Hash* hash) {
  capnp::MallocMessageBuilder builder(64 + f.payload.size() / 8);
  auto env = builder.initRoot<schema::EventEnvelope>();
  env.setPosition(f.position);
  env.setStreamId(text_of(f.stream));
  env.setStreamVersion(f.stream_version);
  env.setEventType(text_of(f.type));
  env.setRecordedAtUs(f.recorded_at_us);
  env.setActor(text_of(f.context->actor));
  env.setCommandId(text_of(f.context->command_id));
  env.setCorrelationId(text_of(f.context->correlation_id));
  env.setCausationId(text_of(f.context->causation_id));
  env.setPrevHash(kj::arrayPtr(f.prev_hash->data(), f.prev_hash->size()));
  env.setPayload(bytes_of(f.payload));

  std::string value = flatten(builder, kHashSize);
  *hash = chain_hash(*f.prev_hash, stored_body(value));
  std::memcpy(value.data(), hash->data(), kHashSize);
  return value;
}

Status decode_stored_event(std::string_view value, RecordedEvent* out, EventFields fields) {
  if (value.size() < kHashSize + 2 * sizeof(capnp::word) ||
      (value.size() - kHashSize) % sizeof(capnp::word) != 0) {
    return {StatusCode::kCorruption, "stored event has an impossible size"};
  }
  std::memcpy(out->hash.data(), value.data(), kHashSize);
  auto words = as_words(stored_body(value));
  try {
    capnp::FlatArrayMessageReader reader(words, reader_options(words.size()));
    auto env = reader.getRoot<schema::EventEnvelope>();
    out->position = env.getPosition();
    out->stream_version = env.getStreamVersion();
    out->recorded_at_us = env.getRecordedAtUs();
    const bool ids = fields != EventFields::kFold;  // stream, type, command id
    const bool prev_hash = fields == EventFields::kAll || fields == EventFields::kAudit;
    if (fields == EventFields::kAudit) {
      // Read, so that a pointer out of the message's bounds is refused as
      // by the full decode, but not copied.
      (void)env.getActor();
      (void)env.getPayload();
      (void)env.getCorrelationId();
      (void)env.getCausationId();
      out->actor.clear();
      out->payload.clear();
    } else {
      out->actor.assign(view(env.getActor()));
      out->payload.assign(view(env.getPayload()));
    }
    if (ids) {
      out->stream.assign(view(env.getStreamId()));
      out->type.assign(view(env.getEventType()));
      out->command_id.assign(view(env.getCommandId()));
    } else {
      out->stream.clear();
      out->type.clear();
      out->command_id.clear();
    }
    if (fields == EventFields::kAll) {
      out->correlation_id.assign(view(env.getCorrelationId()));
      out->causation_id.assign(view(env.getCausationId()));
    } else {
      out->correlation_id.clear();
      out->causation_id.clear();
    }
    if (prev_hash) {
      auto prev = env.getPrevHash();
      if (prev.size() != kHashSize) {
        return {StatusCode::kCorruption, "previous hash has a bad size"};
      }
      copy_hash(prev, &out->prev_hash);
    } else {
      out->prev_hash = Hash{};
    }
  } catch (const kj::Exception& e) {
    return {StatusCode::kCorruption, std::string("stored event does not decode: ") +
                                         e.getDescription().cStr()};
  }
  return Status::ok();
}

Hash request_digest(const std::vector<StreamAppend>& streams, const CommandContext& context) {
  Sha256 sha;
  sha_update_field(&sha, context.actor);
  sha_update_u64(&sha, streams.size());
  for (const StreamAppend& s : streams) {
    sha_update_field(&sha, s.stream);
    sha_update_u64(&sha, static_cast<uint64_t>(s.expected.kind()));
    sha_update_u64(&sha, s.expected.version());
    sha_update_u64(&sha, s.events.size());
    for (const EventData& e : s.events) {
      sha_update_field(&sha, e.type);
      sha_update_field(&sha, e.payload);
    }
  }
  return sha.finish();
}

std::string encode_receipt(const AppendResult& result, const Hash& digest) {
  capnp::MallocMessageBuilder builder(64);
  auto r = builder.initRoot<schema::AppendReceipt>();
  r.setFirstPosition(result.first_position);
  r.setLastPosition(result.last_position);
  r.setRequestDigest(kj::arrayPtr(digest.data(), digest.size()));
  r.setRecordedAtUs(result.recorded_at_us);
  auto list = r.initStreams(result.streams.size());
  for (size_t i = 0; i < result.streams.size(); ++i) {
    list[i].setStreamId(text_of(result.streams[i].stream));
    list[i].setVersion(result.streams[i].version);
  }
  return flatten(builder, 0);
}

Status decode_receipt(std::string_view value, AppendResult* result, Hash* digest) {
  if (value.size() % sizeof(capnp::word) != 0) {
    return {StatusCode::kCorruption, "stored receipt has an impossible size"};
  }
  auto words = as_words(value);
  try {
    capnp::FlatArrayMessageReader reader(words, reader_options(words.size()));
    auto r = reader.getRoot<schema::AppendReceipt>();
    result->first_position = r.getFirstPosition();
    result->last_position = r.getLastPosition();
    result->recorded_at_us = r.getRecordedAtUs();
    result->duplicate = true;
    // Into the entries already there: an audit decodes every receipt into
    // one result, and the stream ids' strings keep their storage.
    const auto streams = r.getStreams();
    result->streams.resize(streams.size());
    for (unsigned i = 0; i < streams.size(); ++i) {
      result->streams[i].stream.assign(view(streams[i].getStreamId()));
      result->streams[i].version = streams[i].getVersion();
    }
    auto d = r.getRequestDigest();
    if (d.size() != kHashSize) return {StatusCode::kCorruption, "receipt digest has a bad size"};
    copy_hash(d, digest);
  } catch (const kj::Exception& e) {
    return {StatusCode::kCorruption,
            std::string("stored receipt does not decode: ") + e.getDescription().cStr()};
  }
  return Status::ok();
}

std::string hex(const Hash& h) { return to_hex(h); }

}  // namespace zhurnal::events::internal
