// One HTTP request on a fresh loopback connection, for the tests of the
// server's HTTP routes (reports, POST /import).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace zhurnal::server::testing {

struct HttpAnswer {
  unsigned status = 0;
  std::string content_type, disposition, cache_control, retry_after, body;
};

// `token` (when not empty) goes in Authorization: Bearer; `body` with
// Content-Length when the verb is POST.
inline HttpAnswer http_request(uint16_t port, boost::beast::http::verb verb,
                               const std::string& target, const std::string& token,
                               const std::string& body = "") {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  stream.expires_after(std::chrono::seconds(60));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (verb == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (verb == http::verb::head) parser.skip(true);
  http::read(stream, buffer, parser);
  auto& res = parser.get();
  boost::beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return {res.result_int(),
          std::string(res[http::field::content_type]),
          std::string(res[http::field::content_disposition]),
          std::string(res[http::field::cache_control]),
          std::string(res[http::field::retry_after]),
          res.body()};
}

}  // namespace zhurnal::server::testing
