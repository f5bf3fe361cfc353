// Refusals the network layer sends without handing a frame to the request
// handler (too many requests of one connection in flight): an error
// response that still echoes the request's id, so that the client knows
// which request to send again.
//
// Thread safety: uses the calling thread's JsonCodec only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zhurnal::server::internal {

// Frames longer than this are not decoded for their id (the refusal must
// stay cheap on the network thread); their refusal carries "id":"".
inline constexpr size_t kMaxRefusalDecodeBytes = 16 * 1024;

// {"response":{"id":<frame's id or "">,"ok":false,"error":{code, message,
// retryAfterSeconds}, "result":{"none":null}}}
std::string refusal_frame(std::string_view frame, const std::string& code,
                          const std::string& message, uint32_t retry_after_seconds);

}  // namespace zhurnal::server::internal
