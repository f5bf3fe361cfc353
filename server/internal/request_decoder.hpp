// The first step of handling a received WebSocket text frame: JSON into a
// Cap'n Proto Request through the schema (json.hpp), then the check that the
// request names what it wants (Cap'n Proto reads a union that was left out
// as its first member). RequestHandler::handle() calls it before anything
// else; fuzz/request_decoder_fuzzer.cpp calls it on arbitrary bytes.
//
// Never throws for any input; needs no server state. Thread safety: uses the
// calling thread's JsonCodec only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "schema/protocol.capnp.h"

namespace zhurnal::server::internal {

// Decodes `frame` into `out`. Returns nothing when the frame is a request the
// handler may dispatch; otherwise the Russian message of the `bad_request`
// response. After a failure `out` holds whatever was decoded before the
// error (its id, when that came first, is echoed in the response).
std::optional<std::string> decode_request(std::string_view frame, schema::Request::Builder out);

// Why the JSON codec refused a frame, in Russian, from its exception's
// description: "expected !impl->rejectUnknownFields; Unknown field;
// field.getName() = colour" is «неизвестное поле «colour»». A description
// not foreseen is returned as it is.
std::string codec_reason_ru(std::string_view description);

}  // namespace zhurnal::server::internal
