// ControlSocket: the operator's channel into a running server, a Unix-domain
// socket in the data directory (DATA/control.sock, mode 0600). `zhurnal
// backup` uses it to have the server back up its own open databases, and
// `zhurnal import` to have the server check and write the secretary's lists
// through its own Journal, since a running server holds the databases' locks,
// and `zhurnal school create` to set up a new school on it.
//
// Who may talk: the file mode lets only the server's user connect, and every
// connection's peer credentials (SO_PEERCRED) are checked again: the same
// user id as the server, or root. One request per connection, one connection
// at a time (a second one waits until the first is answered).
//
// Protocol (text lines, tab-separated; docs/design.md "Backups", "Imports"):
//   request:  backup<TAB><absolute out dir><TAB><keep>\n
//   replies:  progress<TAB><part><TAB><bytes>\n ...
//             ok<TAB><set id><TAB><head position><TAB><bytes><TAB><views 0|1>\n
//          or error<TAB><code><TAB><message>\n
//   request:  import<TAB><school><TAB><actor><TAB><date or empty><TAB><open classes 0|1>
//             <TAB><apply 0|1><TAB><students' file name><TAB><its bytes, -1: none>
//             <TAB><teachers' file name><TAB><its bytes, -1: none>\n
//             then the students' file, then the teachers' file, byte for byte
//   replies:  out<TAB><bytes>\n<the report: so many bytes of text>
//             err<TAB><bytes>\n<why the import could not go on>   (when it could not)
//             exit<TAB><zhurnal import's exit code>\n
//          or error<TAB><code><TAB><message>\n
//   request:  school<TAB><school id><TAB><name><TAB><time zone><TAB><bells, comma-separated,
//             or empty><TAB><lesson minutes><TAB><admin id or empty><TAB><admin name>
//             <TAB><admin login><TAB><new password 0|1>\n
//   replies:  as import's (out, err, exit; `zhurnal school create`'s exit code)
//
// Thread safety: start() and stop() from one thread; requests are served on
// the socket's own thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace spdlog {
class logger;
}
namespace zhurnal::commands {
class Journal;
}
namespace zhurnal::import {
class ServerImports;
}
namespace zhurnal::auth {
class Authenticator;
}

namespace zhurnal::server {

class ControlSocket {
 public:
  struct Stores {
    events::EventLog* log = nullptr;
    events::KvStore* credentials = nullptr;
    events::KvStore* views = nullptr;
    // Imports write through it, one at a time with the web's through
    // `imports`; either null: import requests are refused.
    commands::Journal* journal = nullptr;
    // New schools' administrators get their passwords through it; null:
    // school requests are refused.
    auth::Authenticator* authenticator = nullptr;
    import::ServerImports* imports = nullptr;
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
  void backup(int fd, const std::vector<std::string>& request, uint32_t uid, int32_t pid);
  // `rest`: what was read past the request line (the files' first bytes).
  void import(int fd, const std::vector<std::string>& request, std::string rest, uint32_t uid);
  void create_school(int fd, const std::vector<std::string>& request, uint32_t uid);

  const std::string path_;
  const Stores stores_;
  std::shared_ptr<spdlog::logger> logger_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: stop() writes, serve() wakes up
  std::thread thread_;
};

}  // namespace zhurnal::server
