#include "import_route.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "import_request.hpp"
#include "request_handler.hpp"

namespace zhurnal::server::internal {
namespace {

namespace http = boost::beast::http;

http::status status_of(const std::string& code) {
  if (code.empty()) return http::status::ok;
  if (code == "bad_request") return http::status::bad_request;
  if (code == "not_signed_in" || code == "session_expired") return http::status::unauthorized;
  if (code == "forbidden") return http::status::forbidden;
  if (code == "busy") return http::status::service_unavailable;
  if (code == "method_not_allowed") return http::status::method_not_allowed;
  return http::status::internal_server_error;
}

HttpResponse answer(const HttpRequest::header_type& req, const std::string& code, std::string json,
                    bool keep_alive) {
  HttpResponse res{status_of(code), req.version()};
  res.set(http::field::server, "zhurnal");
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  if (code == "not_signed_in" || code == "session_expired") {
    res.set(http::field::www_authenticate, "Bearer");
  }
  if (code == "busy") res.set(http::field::retry_after, "5");
  if (code == "method_not_allowed") res.set(http::field::allow, "POST");
  res.keep_alive(keep_alive);
  res.body() = std::move(json);
  res.content_length(res.body().size());
  return res;
}

// The user of the request's bearer token: empty without a live session.
std::string user_of(SharedState& state, const HttpRequest::header_type& req) {
  const auto token = bearer_token(req);
  const auto user = token ? state.context.auth->user_of(*token) : std::nullopt;
  return user ? *user : std::string();
}

}  // namespace

bool is_import_request(const HttpRequest::header_type& req) {
  const std::string_view target(req.target().data(), req.target().size());
  return target.substr(0, target.find('?')) == "/import";
}

std::optional<HttpResponse> import_header_refusal(SharedState& state,
                                                  const HttpRequest::header_type& req) {
  // The body is not read after a refusal: the connection closes after it.
  if (req.method() != http::verb::post) {
    return answer(req, "method_not_allowed",
                  error_frame("", "method_not_allowed", "Списки отправляются методом POST"), false);
  }
  ImportRefusal refusal;
  if (!importer(state.context, user_of(state, req), &refusal)) {
    return answer(req, refusal.code, error_frame("", refusal.code, refusal.message), false);
  }
  return std::nullopt;
}

HttpResponse handle_import(SharedState& state, const HttpRequest& req) {
  // The header passed import_header_refusal (HttpSession::on_header); the
  // session is checked again with the request (it may have ended since).
  std::string code;
  std::string json = state.handler.answer_import(user_of(state, req), req.body(), &code);
  if (state.context.logger && !code.empty()) {
    state.context.logger->info("POST /import ({} bytes) refused: {}", req.body().size(), code);
  }
  return answer(req, code, std::move(json), req.keep_alive());
}

}  // namespace zhurnal::server::internal
