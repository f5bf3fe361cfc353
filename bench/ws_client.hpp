// One WebSocket client connection of the load generator (Boost.Beast): an
// async connect + handshake to ws://127.0.0.1:PORT/ws, a read loop that hands
// every text frame to a callback, and a send queue with one outstanding write
// (the queue owns its frames until the write completes).
//
// Thread safety: none; every call and callback runs on the one thread that
// runs the io_context. Lifetime: held by shared_ptr; pending operations keep
// it alive; close() ends the read loop.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace zhurnal::bench {

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  // (frame) for each text frame received.
  using OnMessage = std::function<void(std::string_view frame)>;
  // (ok, what) once, when the handshake ends or fails.
  using OnOpen = std::function<void(bool ok, const std::string& what)>;

  WsClient(boost::asio::io_context& io, int index);

  int index() const { return index_; }
  bool open() const { return open_; }
  // Frames sent whose answer has not come yet; the caller counts both ways.
  int in_flight = 0;

  void connect(const boost::asio::ip::tcp::endpoint& endpoint, OnOpen on_open,
               OnMessage on_message);
  void send(std::string frame);
  void close();
  // Releases the read buffer's memory (after a large frame on an idle socket).
  void shrink() { buffer_.shrink_to_fit(); }

 private:
  void read();
  void write_next();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  OnMessage on_message_;
  int index_;
  bool open_ = false;
  bool writing_ = false;
};

}  // namespace zhurnal::bench
