// The client side of a running server's control socket (DATA/control.sock,
// server/include/zhurnal/server/control_socket.hpp): `zhurnal backup` and
// `zhurnal import` hand their work to the server through it when one runs on
// the data directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::cli {

class ControlConnection {
 public:
  // A connection to the server listening at `path`. nullopt when no server
  // listens there (no socket file, or a stale one left by a crash), and
  // then *failed is false; when one may be there but the connection failed
  // otherwise, nullopt with *failed true and the reason printed on stderr.
  static std::optional<ControlConnection> open(const std::string& path, bool* failed);

  ControlConnection(ControlConnection&& other) noexcept;
  ControlConnection& operator=(ControlConnection&&) = delete;
  ~ControlConnection();

  // False when the server closed the socket.
  bool send(std::string_view bytes);
  // The next reply line split at its tabs, without the '\n'; nullopt once
  // the server has closed the socket.
  std::optional<std::vector<std::string>> line();
  // The next `n` bytes (a reply's body); nullopt if the server closed first.
  std::optional<std::string> bytes(size_t n);

 private:
  explicit ControlConnection(int fd) : fd_(fd) {}
  bool fill();  // more bytes into buffer_; false once closed

  int fd_ = -1;
  std::string buffer_;
};

// A request line's field: tabs and line ends, which would break the line,
// become spaces.
std::string control_field(std::string s);

// Relays a request's answer in the form the import and the school set-up
// share (out / err / exit lines, server/.../control_socket.hpp): the report
// to stdout, the reasons to stderr after `who` ("zhurnal import"). The
// command's exit code, or `fail_code` when the server refused the request
// or closed without an answer.
int relay_answer(ControlConnection& server, const char* who, int fail_code);

}  // namespace zhurnal::cli
