#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace zhurnal::bench {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

WsClient::WsClient(boost::asio::io_context& io, int index) : ws_(io), index_(index) {}

void WsClient::connect(const boost::asio::ip::tcp::endpoint& endpoint, OnOpen on_open,
                       OnMessage on_message) {
  on_message_ = std::move(on_message);
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(60));
  beast::get_lowest_layer(ws_).async_connect(
      endpoint, [self = shared_from_this(), on_open, endpoint](beast::error_code ec) {
        if (ec) return on_open(false, "connect: " + ec.message());
        beast::get_lowest_layer(self->ws_).expires_never();
        // As browsers do: a command goes out when sent, not after Nagle's wait.
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        self->ws_.async_handshake(
            endpoint.address().to_string() + ":" + std::to_string(endpoint.port()), "/ws",
            [self, on_open](beast::error_code ec) {
              if (ec) return on_open(false, "handshake: " + ec.message());
              self->ws_.text(true);
              self->open_ = true;
              on_open(true, {});
              self->read();
            });
      });
}

void WsClient::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) {
      self->open_ = false;
      return;
    }
    const auto data = self->buffer_.cdata();
    self->on_message_(std::string_view(static_cast<const char*>(data.data()), data.size()));
    self->buffer_.clear();
    self->read();
  });
}

void WsClient::send(std::string frame) {
  queue_.push_back(std::move(frame));
  if (!writing_) write_next();
}

void WsClient::write_next() {
  if (queue_.empty() || !open_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    self->queue_.pop_front();
                    if (ec) {
                      self->open_ = false;
                      self->writing_ = false;
                      return;
                    }
                    self->write_next();
                  });
}

void WsClient::close() {
  if (!open_) return;
  open_ = false;
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace zhurnal::bench
