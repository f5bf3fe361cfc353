// Encoding and decoding of stored events and receipts (Cap'n Proto), and the
// hash chain. Every decode bounds traversal and nesting (stored bytes are
// untrusted: a damaged disk or a tampered file must not crash the reader).
#pragma once

#include <string>
#include <string_view>

#include "zhurnal/events/status.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::events::internal {

struct EnvelopeFields {
  uint64_t position = 0;
  std::string_view stream;
  uint64_t stream_version = 0;
  std::string_view type;
  int64_t recorded_at_us = 0;
  const CommandContext* context = nullptr;  // must not be null
  const Hash* prev_hash = nullptr;          // must not be null
  std::string_view payload;
};

// Returns the stored value: hash[32] || envelope body. Sets *hash to the
// event's hash, SHA-256(prev_hash || body).
std::string encode_stored_event(const EnvelopeFields& fields, Hash* hash);

// Decodes a stored value into *out, `fields` of it (the others are left
// empty). Does not check the hash: verify does; nor, for kFold and
// kHistory, the size of the previous hash, which they do not read. kAudit
// refuses what kAll refuses.
Status decode_stored_event(std::string_view value, RecordedEvent* out,
                           EventFields fields = EventFields::kAll);

// SHA-256(prev || body).
Hash chain_hash(const Hash& prev, std::string_view body);

// The envelope body of a stored value (everything after the hash prefix).
inline std::string_view stored_body(std::string_view value) { return value.substr(32); }

// SHA-256 over a request's streams, expected versions, events and actor: two
// appends with the same command id must have the same digest.
Hash request_digest(const std::vector<StreamAppend>& streams, const CommandContext& context);

std::string encode_receipt(const AppendResult& result, const Hash& digest);
// On success fills *result (duplicate = true) and *digest.
Status decode_receipt(std::string_view value, AppendResult* result, Hash* digest);

std::string hex(const Hash& h);

}  // namespace zhurnal::events::internal
