// A small WebSocket test client (Beast), talking to the server on loopback.
// Every wait has a deadline; nothing blocks forever.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <optional>
#include <string>

namespace zhurnal::server::testing {

class WsClient {
 public:
  // Connects to ws://127.0.0.1:port/ws; `receive_buffer` > 0 shrinks the
  // socket's receive buffer (to play a slow reader).
  explicit WsClient(uint16_t port, int receive_buffer = 0) : ws_(ioc_) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    auto& sock = boost::beast::get_lowest_layer(ws_).socket();
    sock.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0) sock.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    ws_.read_message_max(64 << 20);
  }

  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  void send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(bytes));
  }

  // The next frame, or nullopt when none arrives in time or the connection
  // closed. A read that times out stays outstanding for the next call.
  std::optional<std::string> receive(std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    if (!pending_.empty()) {
      std::string f = std::move(pending_.front());
      pending_.pop_front();
      return f;
    }
    if (closed_) return std::nullopt;
    if (!reading_) {
      reading_ = true;
      buffer_.clear();
      ws_.async_read(buffer_, [this](boost::beast::error_code ec, std::size_t) {
        reading_ = false;
        if (ec) {
          closed_ = true;
          return;
        }
        arrived_.push_back(boost::beast::buffers_to_string(buffer_.data()));
      });
    }
    ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (reading_ && std::chrono::steady_clock::now() < deadline) {
      ioc_.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    if (arrived_.empty()) return std::nullopt;
    std::string f = std::move(arrived_.front());
    arrived_.pop_front();
    return f;
  }

  // Sends a request and waits for the response with its id; pushes that
  // arrive meanwhile are kept for later receive() calls.
  std::optional<std::string> request(const std::string& id, const std::string& body,
                                     std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    send(R"({"id": ")" + id + R"(", )" + body + "}");
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::deque<std::string> pushes;
    while (std::chrono::steady_clock::now() < deadline) {
      auto frame = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!frame) break;
      if (frame->find(R"("response":)") != std::string::npos &&
          frame->find(R"("id":")" + id + "\"") != std::string::npos) {
        for (auto it = pushes.rbegin(); it != pushes.rend(); ++it) pending_.push_front(*it);
        return frame;
      }
      pushes.push_back(std::move(*frame));
    }
    for (auto it = pushes.rbegin(); it != pushes.rend(); ++it) pending_.push_front(*it);
    return std::nullopt;
  }

  // Waits for a push frame containing `needle`.
  std::optional<std::string> wait_push(const std::string& needle,
                                       std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      auto frame = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!frame) return std::nullopt;
      if (frame->find(R"("push":)") != std::string::npos && frame->find(needle) != std::string::npos) {
        return frame;
      }
    }
    return std::nullopt;
  }

  bool closed() const { return closed_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> pending_;  // frames set aside by request()
  std::deque<std::string> arrived_;  // frames read, not yet returned
  bool reading_ = false;
  bool closed_ = false;
};

// The value of a JSON string field (first occurrence), for simple checks.
inline std::string json_field(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const size_t at = json.find(key);
  if (at == std::string::npos) return {};
  const size_t start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

// What one request came to: "ok", the error's code, or "none" (no answer).
inline std::string outcome(WsClient& c, const std::string& body) {
  auto r = c.request("q", body);
  if (!r) return "none";
  return r->find(R"("ok":true)") != std::string::npos ? std::string("ok") : json_field(*r, "code");
}

}  // namespace zhurnal::server::testing
