// JSON <-> Cap'n Proto through the schema (capnp/compat/json.h): no message
// is parsed by hand. Unknown fields are rejected; nesting is bounded.
#pragma once

#include <capnp/compat/json.h>

#include <string>
#include <string_view>

namespace zhurnal::server::internal {

inline capnp::JsonCodec& codec() {
  // JsonCodec is configured once per thread and then only used.
  thread_local capnp::JsonCodec c;
  thread_local bool configured = false;
  if (!configured) {
    c.setRejectUnknownFields(true);
    c.setMaxNestingDepth(32);
    configured = true;
  }
  return c;
}

template <typename Reader>
std::string to_json(Reader r) {
  kj::String s = codec().encode(r);
  return std::string(s.cStr(), s.size());
}

// Throws kj::Exception on malformed JSON, unknown fields or wrong types.
template <typename Builder>
void from_json(std::string_view text, Builder out) {
  codec().decode(kj::ArrayPtr<const char>(text.data(), text.size()), out);
}

}  // namespace zhurnal::server::internal
