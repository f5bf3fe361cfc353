#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/websocket.hpp>

#include "http_routes.hpp"
#include "import_route.hpp"
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
  // The parser checks a Content-Length against the limit as it reads the
  // header: an /import's, until the header shows what the request is.
  parser_->body_limit(std::max(state_->options.max_body_bytes, state_->options.max_import_bytes));
  parser_->header_limit(16 * 1024);
  // Slowloris: the whole request must arrive in time, however slowly it trickles.
  stream_.expires_after(state_->options.http_request_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  if (!is_import_request(parser_->get())) {
    const size_t limit = state_->options.max_body_bytes;
    if (parser_->content_length().value_or(0) > limit) return on_read(http::error::body_limit, 0);
    parser_->body_limit(limit);  // a chunked body's, as it arrives
    return read_body({}, 0);
  }
  // An /import is judged by its header (a school office's session) before
  // its larger body is read.
  if (auto refusal = import_header_refusal(*state_, parser_->get())) {
    return write_response(std::make_shared<HttpResponse>(std::move(*refusal)));
  }
  stream_.expires_after(state_->options.import_request_timeout);
  if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return read_body({}, 0);
  // curl and other clients wait for this before sending a large body.
  auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
  res->set(http::field::server, "zhurnal");
  response_ = res;
  http::async_write(stream_, *res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->response_.reset();
    self->read_body(ec, 0);
  });
}

void HttpSession::read_body(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
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
    if (!state_->stopping) linger({}, 0);
    return;
  }
  do_read();
}

void HttpSession::linger(beast::error_code ec, std::size_t bytes) {
  if (ec) return;  // the client closed, or the time is up: close
  lingered_ += bytes;
  if (lingered_ > state_->options.max_import_bytes) return;
  if (!discard_) {
    discard_ = std::make_unique<char[]>(kDiscardBytes);
    stream_.expires_after(kLingerTime);
  }
  stream_.async_read_some(boost::asio::buffer(discard_.get(), kDiscardBytes),
                          beast::bind_front_handler(&HttpSession::linger, shared_from_this()));
}

}  // namespace zhurnal::server::internal
