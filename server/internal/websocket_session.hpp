// WebSocketSession: one browser or program on /ws. Reads JSON text frames,
// hands each to the request handler on the worker pool (one request of this
// connection at a time, in order; a command's answer comes later, so
// several commands can be in flight), sends the answers in request order,
// and writes them and the pushes with one
// outstanding write and an owned, bounded queue (Beast chat-multi's
// websocket_session). A reader too slow for its queue is disconnected; the
// others are unaffected.
//
// Thread safety: send() and close() from any thread; everything else runs
// on the socket's strand.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "connection.hpp"
#include "peer_limits.hpp"
#include "shared_state.hpp"

namespace zhurnal::server::internal {

class WebSocketSession : public Connection, public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `slot`: the anonymous slot of the HTTP connection it upgrades.
  WebSocketSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state,
                   std::string address, AnonymousSlot slot = {});
  ~WebSocketSession() override;

  // Accepts the upgrade request and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  void send(std::shared_ptr<const std::string> frame) override;
  void close(const std::string& reason) override;
  uint64_t id() const override { return id_; }
  const std::string& address() const override { return address_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_send(std::shared_ptr<const std::string> frame);
  // The answer to the request numbered `seq`; sends the answers now due.
  void on_response(uint64_t seq, std::shared_ptr<const std::string> response);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void on_closed();
  // Reads the next frame now, or once the request rate allows it.
  void read_when_allowed();
  void arm_anonymous_timer();
  void on_anonymous_timer();
  void close_with(boost::beast::websocket::close_code code, std::string reason);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> work_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queued_bytes_ = 0;
  std::atomic<size_t> in_flight_{0};
  // Socket strand: requests numbered as read, answers held until due.
  uint64_t next_request_ = 0;
  uint64_t next_answer_ = 0;
  std::map<uint64_t, std::shared_ptr<const std::string>> answers_;
  bool accepted_ = false;
  bool closing_ = false;
  bool closed_ = false;
  std::string close_reason_;
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::going_away;
  // Socket strand: the request rate's token bucket and the anonymous timer.
  boost::asio::steady_timer throttle_timer_;
  boost::asio::steady_timer anonymous_timer_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_;
  std::chrono::steady_clock::time_point last_request_;
  AnonymousSlot slot_;  // work_ strand (and the destructor)
  const uint64_t id_;
  const std::string address_;
};

}  // namespace zhurnal::server::internal
