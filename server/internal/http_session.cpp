#include "http_session.hpp"

#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "http_routes.hpp"
#include "websocket_session.hpp"

namespace zhurnal::server::internal {

namespace beast = boost::beast;
namespace http = beast::http;

HttpSession::HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  address_ = ec ? "?" : ep.address().to_string();
}

void HttpSession::run() {
  slot_ = state_->peers.acquire(address_);
  if (!slot_.held()) {
    // Too many connections of this address are not signed in: refuse at once.
    if (state_->context.logger) {
      state_->context.logger->debug("connection from {} refused: {} not signed in already",
                                   address_, state_->options.max_anonymous_per_address);
    }
    beast::error_code ignored;
    stream_.socket().close(ignored);
    return;
  }
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(state_->options.max_body_bytes);
  parser_->header_limit(16 * 1024);
  // Slowloris: the whole request must arrive in time, however slowly it trickles.
  stream_.expires_after(state_->options.http_request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) {
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    return;
  }
  if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, "body_too_large");
  if (ec == http::error::header_limit) {
    return refuse(http::status::request_header_fields_too_large, "headers_too_large");
  }
  if (ec) return;  // timeout or reset: drop the connection
  if (beast::websocket::is_upgrade(parser_->get())) {
    if (parser_->get().target() != "/ws" || state_->stopping) return;
    stream_.expires_never();  // the WebSocket has its own timeouts
    std::make_shared<WebSocketSession>(stream_.release_socket(), state_, address_,
                                       std::move(slot_))
        ->run(parser_->release());
    return;
  }
  // Answered on the worker pool: a report reads many view rows and builds a
  // file (a whole school's compliance workbook takes a good part of a
  // second), and a network thread must not keep other connections' pushes
  // waiting meanwhile. Nothing else of this session runs until the answer is
  // written.
  boost::asio::post(state_->workers, [self = shared_from_this()] {
    auto res = std::make_shared<HttpResponse>(handle_http(*self->state_, self->parser_->get()));
    boost::asio::dispatch(self->stream_.get_executor(),
                          [self, res = std::move(res)] { self->write_response(res); });
  });
}

void HttpSession::write_response(std::shared_ptr<HttpResponse> res) {
  response_ = res;
  stream_.expires_after(state_->options.http_request_timeout);
  http::async_write(stream_, *res,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              res->keep_alive()));
}

void HttpSession::refuse(http::status status, const char* code) {
  // The rest of the request is not read: the connection closes after this.
  auto res = std::make_shared<http::response<http::string_body>>(status, 11);
  res->set(http::field::server, "zhurnal");
  res->set(http::field::content_type, "application/json");
  res->set("X-Content-Type-Options", "nosniff");
  res->set(http::field::connection, "close");
  res->keep_alive(false);
  res->body() = std::string("{\"error\":\"") + code + "\"}";
  res->prepare_payload();
  response_ = res;
  stream_.expires_after(std::chrono::seconds(5));
  http::async_write(stream_, *res,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), false));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  response_.reset();
  if (!keep_alive || state_->stopping) {
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    return;
  }
  do_read();
}

}  // namespace zhurnal::server::internal
