#include "zhurnal/server/control_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <string_view>
#include <vector>

#include "zhurnal/replay/backup.hpp"

namespace zhurnal::server {
namespace {

constexpr size_t kMaxRequest = 4096;
constexpr int kRequestTimeoutMs = 5000;

void send_line(int fd, const std::string& line) {
  // MSG_NOSIGNAL: a client that went away must not kill the server; the
  // backup goes on and is listed afterwards.
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

std::string clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// The request line, or empty on timeout, oversize or a closed connection.
std::string read_request(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRequestTimeoutMs);
  char buf[512];
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0 || line.size() > kMaxRequest) return {};
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return {};
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    line.append(buf, static_cast<size_t>(n));
  }
  line.resize(line.find('\n'));
  return line;
}

std::vector<std::string> split_tabs(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == '\t') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

ControlSocket::ControlSocket(std::string path, Stores stores,
                             std::shared_ptr<spdlog::logger> logger)
    : path_(std::move(path)), stores_(stores), logger_(std::move(logger)) {}

ControlSocket::~ControlSocket() { stop(); }

bool ControlSocket::start() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) {
    logger_->warn("control socket path {} is too long ({} bytes, at most {}): `zhurnal backup` "
                  "cannot reach this server",
                  path_, path_.size(), sizeof addr.sun_path - 1);
    return false;
  }
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  // A socket file left by a crashed server: the log's lock, already held by
  // this process, proves no other server uses this directory.
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path_.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0 || ::pipe2(wake_fds_, O_CLOEXEC) != 0) {
    logger_->warn("control socket: {}", std::strerror(errno));
    return false;
  }
  // Created with mode 0600 from the start: no window in which others could
  // connect (umask applies to bind; fchmod does not work on sockets).
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (bound != 0 || ::chmod(path_.c_str(), 0600) != 0 || ::listen(listen_fd_, 4) != 0) {
    logger_->warn("control socket {}: {}", path_, std::strerror(errno));
    return false;
  }
  thread_ = std::thread([this] { serve(); });
  logger_->info("control socket at {}", path_);
  return true;
}

void ControlSocket::stop() {
  if (thread_.joinable()) {
    const char b = 'x';
    if (::write(wake_fds_[1], &b, 1) < 0) logger_->warn("control socket: cannot wake its thread");
    thread_.join();
    ::unlink(path_.c_str());
  }
  for (int* fd : {&listen_fd_, &wake_fds_[0], &wake_fds_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void ControlSocket::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      logger_->error("control socket poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void ControlSocket::handle(int fd) {
  ucred peer{};
  socklen_t len = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 ||
      (peer.uid != ::geteuid() && peer.uid != 0)) {
    logger_->warn("control socket: refused a connection from uid {}", peer.uid);
    send_line(fd, "error\tforbidden\tуправляющий сокет доступен только пользователю сервера\n");
    return;
  }
  const std::vector<std::string> request = split_tabs(read_request(fd));
  if (request.size() != 3 || request[0] != "backup") {
    send_line(fd, "error\tbad_request\tожидается: backup<TAB>каталог<TAB>сколько хранить\n");
    return;
  }
  replay::BackupOptions options;
  options.out = request[1];
  unsigned long keep = 0;
  try {
    keep = std::stoul(request[2]);
  } catch (const std::exception&) {
  }
  if (options.out.empty() || options.out[0] != '/' || keep == 0 || keep > 100000) {
    send_line(fd,
              "error\tbad_request\tкаталог копий — абсолютный путь, число хранимых копий — от "
              "1\n");
    return;
  }
  options.keep = static_cast<unsigned>(keep);
  logger_->info("backup into {} requested by uid {} (pid {})", options.out, peer.uid, peer.pid);
  // At most five lines a second, but always a part's last: backup_data
  // ends each part with 0 bytes, and the line then carries the part's size
  // (the last count seen, which the limit may have held back).
  auto last = std::chrono::steady_clock::now();
  std::string part_seen;
  uint64_t bytes_seen = 0;
  auto set = replay::backup_data(
      {stores_.log, stores_.credentials, stores_.views}, options,
      [&](const std::string& part, uint64_t bytes) {
        if (part != part_seen) {
          part_seen = part;
          bytes_seen = 0;
        }
        if (bytes != 0) bytes_seen = bytes;
        const auto now = std::chrono::steady_clock::now();
        if (bytes != 0 && now - last < std::chrono::milliseconds(200)) {
          return;
        }
        last = now;
        send_line(fd, "progress\t" + part + "\t" + std::to_string(bytes_seen) + "\n");
      });
  if (!set) {
    logger_->error("backup into {} failed: {}", options.out, set.error().to_string());
    send_line(fd, "error\t" + std::string(events::status_code_name(set.error().code())) + "\t" +
                      clean(set.error().message()) + "\n");
    return;
  }
  logger_->info("backup {} into {}: log head {}, {} bytes", set->id, options.out,
                set->head_position, set->bytes);
  send_line(fd, "ok\t" + std::to_string(set->id) + "\t" + std::to_string(set->head_position) +
                    "\t" + std::to_string(set->bytes) + "\t" + (set->has_views ? "1" : "0") + "\n");
}

}  // namespace zhurnal::server
