// HTTP routes other than the WebSocket upgrade: /health, /metrics and the
// static web pages. A function of the request: it never touches a socket
// (Beast's handle_request).
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "shared_state.hpp"

namespace zhurnal::server::internal {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

HttpResponse handle_http(SharedState& state, const HttpRequest& request);

// The session token of `Authorization: Bearer <token>`, or nullopt when the
// header is missing, of another scheme, empty or over 512 bytes.
std::optional<std::string> bearer_token(const HttpRequest::header_type& request);

}  // namespace zhurnal::server::internal
