#include "control_client.hpp"

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace zhurnal::cli {

std::optional<ControlConnection> ControlConnection::open(const std::string& path, bool* failed) {
  *failed = false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return std::nullopt;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == ENOENT || err == ECONNREFUSED) return std::nullopt;
    std::fprintf(stderr, "zhurnal: нет связи с сервером через %s: %s\n", path.c_str(),
                 std::strerror(err));
    *failed = true;
    return std::nullopt;
  }
  return ControlConnection(fd);
}

ControlConnection::ControlConnection(ControlConnection&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

ControlConnection::~ControlConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool ControlConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ControlConnection::fill() {
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::optional<std::vector<std::string>> ControlConnection::line() {
  size_t nl;
  while ((nl = buffer_.find('\n')) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < nl; ++i) {
    if (buffer_[i] == '\t') {
      fields.emplace_back();
    } else {
      fields.back().push_back(buffer_[i]);
    }
  }
  buffer_.erase(0, nl + 1);
  return fields;
}

std::optional<std::string> ControlConnection::bytes(size_t n) {
  while (buffer_.size() < n) {
    if (!fill()) return std::nullopt;
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

std::string control_field(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

int relay_answer(ControlConnection& server, const char* who, int fail_code) {
  while (auto f = server.line()) {
    if (((*f)[0] == "out" || (*f)[0] == "err") && f->size() == 2) {
      auto text = server.bytes(std::strtoull((*f)[1].c_str(), nullptr, 10));
      if (!text) break;
      if ((*f)[0] == "out") {
        std::fwrite(text->data(), 1, text->size(), stdout);
      } else {
        std::fprintf(stderr, "%s: %s\n", who, text->c_str());
      }
    } else if ((*f)[0] == "exit" && f->size() == 2) {
      return std::atoi((*f)[1].c_str());
    } else if ((*f)[0] == "error" && f->size() == 3) {
      std::fprintf(stderr, "%s: сервер отказал: %s: %s\n", who, (*f)[1].c_str(), (*f)[2].c_str());
      return fail_code;
    }
  }
  std::fprintf(stderr, "%s: сервер закрыл управляющий сокет, не ответив (см. журнал сервера)\n",
               who);
  return fail_code;
}

}  // namespace zhurnal::cli
