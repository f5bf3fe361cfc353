// ControlSocket: the operator's channel into a running server, a Unix-domain
// socket in the data directory (DATA/control.sock, mode 0600). `zhurnal
// backup` uses it to have the server back up its own open databases, since
// a running server holds their locks.
//
// Who may talk: the file mode lets only the server's user connect, and every
// connection's peer credentials (SO_PEERCRED) are checked again: the same
// user id as the server, or root. One request per connection, one connection
// at a time (a second one while a backup runs is answered `busy`).
//
// Protocol (text lines, tab-separated, docs/design.md "Backups"):
//   request:  backup<TAB><absolute out dir><TAB><keep>\n
//   replies:  progress<TAB><part><TAB><bytes>\n ...
//             ok<TAB><set id><TAB><head position><TAB><bytes><TAB><views 0|1>\n
//          or error<TAB><code><TAB><message>\n
//
// Thread safety: start() and stop() from one thread; requests are served on
// the socket's own thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::server {

class ControlSocket {
 public:
  struct Stores {
    events::EventLog* log = nullptr;
    events::KvStore* credentials = nullptr;
    events::KvStore* views = nullptr;
  };

  // The stores must outlive the ControlSocket (stop() before closing them).
  ControlSocket(std::string path, Stores stores, std::shared_ptr<spdlog::logger> logger);
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  // Binds (replacing a stale socket file left by a crash) and starts serving.
  // False, with the reason logged, when the socket cannot be made.
  bool start();
  // Stops accepting, waits for a request in progress (a backup finishes),
  // removes the socket file. Idempotent.
  void stop();

 private:
  void serve();
  void handle(int fd);

  const std::string path_;
  const Stores stores_;
  std::shared_ptr<spdlog::logger> logger_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: stop() writes, serve() wakes up
  std::thread thread_;
};

}  // namespace zhurnal::server
