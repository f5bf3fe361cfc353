// HttpSession: one TCP connection speaking HTTP/1.1 until it upgrades to a
// WebSocket on /ws. Headers (16 KiB) and bodies (max_body_bytes; an
// /import's max_import_bytes) are limited and answered 431 / 413 before the
// connection closes; a request must arrive whole within http_request_timeout
// (an /import's import_request_timeout) (slowloris); the connection holds one of its peer address's
// anonymous slots (max_anonymous_per_address) and is closed at once when there is none.
// A connection closed after a refusal first reads what the client still
// sends (a lingering close), so that the client gets the refusal, not a reset.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "http_routes.hpp"
#include "peer_limits.hpp"
#include "shared_state.hpp"

namespace zhurnal::server::internal {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state);
  void run();

 private:
  void do_read();
  // The header is read: an /import is judged by it (import_route.hpp)
  // before its body is read with the larger limit.
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void read_body(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_response(std::shared_ptr<HttpResponse> res);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  // Answers a request over a limit with `status` and a JSON error, then closes.
  void refuse(boost::beast::http::status status, const char* code);
  // After the answer that closes the connection: what the client still
  // sends (a refused request's body) is read and dropped until it closes,
  // for at most kLingerTime and max_import_bytes. Closing with data unread
  // would reset the connection, and the client would lose the answer.
  void linger(boost::beast::error_code ec, std::size_t bytes);
  static constexpr std::chrono::seconds kLingerTime{30};
  static constexpr std::size_t kDiscardBytes = 16 * 1024;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
  std::string address_;
  AnonymousSlot slot_;  // handed to the WebSocketSession on upgrade
  std::unique_ptr<char[]> discard_;  // linger(): what the client still sends
  std::size_t lingered_ = 0;
};

}  // namespace zhurnal::server::internal
