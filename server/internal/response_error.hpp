// The error part of a response: ok = false and {code, message,
// retryAfterSeconds} (docs/protocol.md, "Errors").
#pragma once

#include <cstdint>
#include <string_view>

#include "schema/protocol.capnp.h"

namespace zhurnal::server::internal {

inline void set_error(schema::Response::Builder r, std::string_view code, std::string_view message,
                      uint32_t retry_after_seconds = 0) {
  r.setOk(false);
  auto e = r.initError();
  e.setCode(capnp::Text::Reader(code.data(), code.size()));
  e.setMessage(capnp::Text::Reader(message.data(), message.size()));
  e.setRetryAfterSeconds(retry_after_seconds);
}

}  // namespace zhurnal::server::internal
