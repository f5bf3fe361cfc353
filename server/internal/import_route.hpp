// POST /import: the secretary's lists over HTTP (docs/protocol.md, "Lists
// over HTTP"). A WebSocket frame is at most max_frame_bytes (256 KiB), which
// a large school's students' list passes once in base64; this route takes
// the same `importLists` request frame as its body, up to max_import_bytes,
// and answers with the same response JSON as the WebSocket. The session
// token comes in `Authorization: Bearer <token>`, as for the reports.
//
// The header is judged before the body is read (import_header_refusal): a
// request without the session of a school's secretary or administrator is
// answered at once, its body never read, so nobody else can make the server
// take in a large body.
//
// Thread safety: as RequestHandler (any thread).
#pragma once

#include <optional>

#include "http_routes.hpp"

namespace zhurnal::server::internal {

// Whether the request is for /import (any method, any query).
bool is_import_request(const HttpRequest::header_type& request);

// The answer to an /import request judged by its header alone: a method
// other than POST (405), no live session (401), not the school's office
// (403). nullopt when its body may be read, with the larger limit.
std::optional<HttpResponse> import_header_refusal(SharedState& state,
                                                  const HttpRequest::header_type& request);

// The answer to a whole POST /import whose header passed
// import_header_refusal: 200 with the response when it
// succeeded (the import's own verdict is its exitCode), else 400, 401, 403,
// 503 (busy, with Retry-After) or 500 with the error response.
HttpResponse handle_import(SharedState& state, const HttpRequest& request);

}  // namespace zhurnal::server::internal
