// Server: HTTP + WebSocket on one port. Serves the web pages (static files
// from web_root), /ws (the JSON protocol, docs/protocol.md), /health and
// /metrics. Every input is bounded: body and frame sizes, connections,
// per-connection send queue, requests in flight, idle time.
//
// Thread safety: construct, then run() on one thread; stop() from any thread
// (e.g. a signal handler thread) ends run() gracefully: no new connections,
// in-flight commands finish, sockets close.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "zhurnal/server/context.hpp"

namespace zhurnal::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;        // 0: any free port (see Server::port())
  std::string web_root;        // directory of the web pages; empty: none
  int io_threads = 2;
  int worker_threads = 4;      // commands block until durable: keep them off the I/O threads
  size_t max_connections = 20000;
  size_t max_frame_bytes = 256 * 1024;
  size_t max_body_bytes = 64 * 1024;
  // POST /import (the secretary's lists over HTTP, docs/protocol.md): its
  // body may be this large and take this long to arrive. The header is
  // checked first (a signed-in office), so nobody else can send that much.
  size_t max_import_bytes = 8 * 1024 * 1024;
  std::chrono::seconds import_request_timeout{120};
  size_t max_send_queue_bytes = 4 * 1024 * 1024;  // past this a slow reader is disconnected
  size_t max_requests_in_flight = 32;             // per connection
  std::chrono::seconds idle_timeout{300};
  std::chrono::seconds handshake_timeout{15};
  // Abuse limits (docs/protocol.md, "Limits and closing"; docs/design.md,
  // "Abuse resistance"). A plain HTTP request (an upgrade included) must
  // arrive whole, headers and body, within this time (slowloris).
  std::chrono::seconds http_request_timeout{15};
  // A WebSocket that is not signed in and sends no request for this long is
  // closed with 1008 (policy violation).
  std::chrono::seconds anonymous_idle_timeout{60};
  // Connections not (yet) signed in from one peer address: plain HTTP,
  // pending upgrades and anonymous WebSockets. Further ones are closed at
  // once. 0: no cap.
  size_t max_anonymous_per_address = 256;
  // Per connection, a token bucket: past `request_burst` frames at once the
  // server reads a connection's frames at most this fast (the rest wait in
  // TCP buffers: back-pressure, nothing is refused). 0: no limit.
  double requests_per_second = 100;
  double request_burst = 200;
};

class Server {
 public:
  Server(ServerOptions options, ServerContext context);
  ~Server();

  // Binds and listens; returns false (and logs) when the address is taken.
  bool listen();
  uint16_t port() const;
  // Serves until stop().
  void run();
  void stop();
  // Closes the sockets of a session that ended (signed out elsewhere,
  // revoked, expired). Thread-safe.
  void end_session(const std::string& token);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhurnal::server
