#include "zhurnal/server/control_socket.hpp"

#include <fcntl.h>
#include <kj/exception.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "zhurnal/auth/authenticator.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/import/import.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/replay/backup.hpp"
#include "zhurnal/server/school_setup.hpp"

namespace zhurnal::server {
namespace {

constexpr size_t kMaxRequest = 4096;
constexpr int kRequestTimeoutMs = 5000;
// An import's two files follow its request line: each at most the
// import's limit and a byte more (the report names the excess), sent by a
// local process, so a minute is ample.
constexpr int64_t kMaxImportFileBytes = int64_t{import::kMaxFileBytes};
constexpr int kImportFilesTimeoutMs = 60000;
// How long an import waits for one that runs (the web page's): `busy` after.
constexpr auto kImportWait = std::chrono::minutes(5);

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

// Reads until the buffer holds `enough(buffer)` or the deadline passes;
// false on timeout or a closed connection.
template <typename Enough>
bool read_until(int fd, std::string* buffer, std::chrono::steady_clock::time_point deadline,
                Enough enough) {
  char buf[16384];
  while (!enough(*buffer)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer->append(buf, static_cast<size_t>(n));
  }
  return true;
}

// The request line, or empty on timeout, oversize or a closed connection;
// what came after the line is left in *rest.
std::string read_request(int fd, std::string* rest) {
  std::string line;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kRequestTimeoutMs);
  if (!read_until(fd, &line, deadline, [](const std::string& b) {
        return b.find('\n') != std::string::npos || b.size() > kMaxRequest;
      })) {
    return {};
  }
  const size_t nl = line.find('\n');
  if (nl == std::string::npos || nl > kMaxRequest) return {};
  rest->assign(line, nl + 1);
  line.resize(nl);
  return line;
}

// Closes a connection after its answer, but first lets the client finish
// sending: an import refused at its request line may still be sending its
// files, and a socket closed with unread bytes resets the connection, so
// the client could lose the answer. Reads and drops what comes, until the
// client closes or a second passes.
void linger_close(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  std::string drop;
  while (
      read_until(fd, &drop, deadline, [](const std::string& b) { return b.size() > (1u << 20); })) {
    drop.clear();
  }
  ::close(fd);
}

// What the exception being handled says, std:: or kj::.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (const kj::Exception& e) {
    return e.getDescription().cStr();
  } catch (...) {
    return "unknown exception";
  }
}

// An import's or a school set-up's answer: the report, why it stopped (if
// it did), the command's exit code.
void send_answer(int fd, const std::string& out, const std::string& err, int exit_code) {
  send_line(fd, "out\t" + std::to_string(out.size()) + "\n" + out);
  if (!err.empty()) send_line(fd, "err\t" + std::to_string(err.size()) + "\n" + err);
  send_line(fd, "exit\t" + std::to_string(exit_code) + "\n");
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
    linger_close(fd);
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
  std::string rest;
  const std::vector<std::string> request = split_tabs(read_request(fd, &rest));
  if (request[0] == "backup") {
    backup(fd, request, peer.uid, peer.pid);
  } else if (request[0] == "import") {
    import(fd, request, std::move(rest), peer.uid);
  } else if (request[0] == "school") {
    create_school(fd, request, peer.uid);
  } else {
    send_line(fd, "error\tbad_request\tожидается запрос backup, import или school\n");
  }
}

void ControlSocket::backup(int fd, const std::vector<std::string>& request, uint32_t uid,
                           int32_t pid) {
  if (request.size() != 3) {
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
  logger_->info("backup into {} requested by uid {} (pid {})", options.out, uid, pid);
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

void ControlSocket::import(int fd, const std::vector<std::string>& request, std::string rest,
                           uint32_t uid) {
  // import, school, actor, date, open classes, apply, then a name and a
  // length for each of the two files.
  if (request.size() != 10) {
    send_line(fd,
              "error\tbad_request\tожидается: import<TAB>школа<TAB>пользователь<TAB>дата<TAB>"
              "0|1<TAB>0|1<TAB>файл<TAB>байт<TAB>файл<TAB>байт\n");
    return;
  }
  if (!stores_.journal || !stores_.imports) {
    send_line(fd, "error\tunavailable\tэтот сервер не принимает списки через управляющий сокет\n");
    return;
  }
  const auto flag = [](const std::string& f) { return f == "1" ? 1 : f == "0" ? 0 : -1; };
  // A file's length: -1 for none, else 0..kMaxImportFileBytes + 1; nullopt if malformed.
  const auto length = [](const std::string& f) -> std::optional<int64_t> {
    if (f == "-1") return -1;
    if (f.empty() || f.size() > 10 || f.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    const int64_t n = std::stoll(f);
    if (n > kMaxImportFileBytes + 1) return std::nullopt;
    return n;
  };
  const int open_classes = flag(request[4]), apply = flag(request[5]);
  const std::optional<int64_t> students_bytes = length(request[7]),
                               teachers_bytes = length(request[9]);
  if (request[1].empty() || request[2].empty() || open_classes < 0 || apply < 0 ||
      !students_bytes || !teachers_bytes || (*students_bytes < 0 && *teachers_bytes < 0)) {
    send_line(fd,
              "error\tbad_request\tневерный запрос импорта: школа, пользователь, флаги 0 или 1, "
              "хотя бы один файл не длиннее 8 МиБ\n");
    return;
  }
  const size_t want = static_cast<size_t>(std::max<int64_t>(*students_bytes, 0) +
                                          std::max<int64_t>(*teachers_bytes, 0));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kImportFilesTimeoutMs);
  if (!read_until(fd, &rest, deadline, [want](const std::string& b) { return b.size() >= want; }) ||
      rest.size() != want) {
    send_line(fd, "error\tbad_request\tфайлы импорта пришли не целиком\n");
    return;
  }
  std::optional<import::ImportFile> students, teachers;
  size_t at = 0;
  for (auto [name, bytes, file] : {std::tuple{&request[6], *students_bytes, &students},
                                   {&request[8], *teachers_bytes, &teachers}}) {
    if (bytes < 0) continue;
    *file = import::ImportFile{*name, rest.substr(at, static_cast<size_t>(bytes))};
    at += static_cast<size_t>(bytes);
  }

  import::ImportOptions options;
  options.school_id = request[1];
  options.actor = request[2];
  options.today = request[3];
  options.open_classes = open_classes == 1;
  logger_->info("import into {} as {} requested by uid {}{}", options.school_id, options.actor, uid,
                apply == 1 ? ", to apply" : ", a dry run");
  // One import at a time with the web page's: wait for one that runs.
  auto run = stores_.imports->run(*stores_.log, stores_.journal, students, teachers, options,
                                  apply == 1, logger_, kImportWait);
  if (!run) {
    send_line(fd, "error\tbusy\tсервер уже загружает списки, повторите позже\n");
    return;
  }
  if (!run->err.empty()) logger_->error("import into {} failed: {}", options.school_id, run->err);
  send_answer(fd, run->out, run->err, run->exit_code);
}

void ControlSocket::create_school(int fd, const std::vector<std::string>& request, uint32_t uid) {
  if (request.size() != 10) {
    send_line(fd,
              "error\tbad_request\tожидается: school<TAB>школа<TAB>название<TAB>часовой пояс<TAB>"
              "звонки<TAB>минут в уроке<TAB>администратор<TAB>ФИО<TAB>логин<TAB>0|1\n");
    return;
  }
  if (!stores_.journal || !stores_.authenticator) {
    send_line(fd, "error\tunavailable\tэтот сервер не создаёт школы через управляющий сокет\n");
    return;
  }
  SchoolSetup setup;
  setup.school_id = request[1];
  setup.name = request[2];
  setup.time_zone = request[3];
  for (size_t at = 0; at < request[4].size();) {
    const size_t comma = std::min(request[4].find(',', at), request[4].size());
    setup.bells.push_back(request[4].substr(at, comma - at));
    at = comma + 1;
  }
  if (request[5].empty() || request[5].size() > 4 ||
      request[5].find_first_not_of("0123456789") != std::string::npos ||
      (request[9] != "0" && request[9] != "1")) {
    send_line(fd, "error\tbad_request\tминут в уроке — число, новый пароль — 0 или 1\n");
    return;
  }
  setup.lesson_minutes = std::stoi(request[5]);
  setup.admin_id = request[6];
  setup.admin_name = request[7];
  setup.admin_login = request[8];
  setup.new_password = request[9] == "1";
  logger_->info("school {} requested by uid {}", setup.school_id, uid);
  auth::Authenticator* authenticator = stores_.authenticator;
  CredentialActions credentials{
      [authenticator](const std::string& user,
                      const std::string& login) -> std::expected<std::string, std::string> {
        auto password = authenticator->issue(user, login);
        if (!password) return std::unexpected(password.error().message_ru);
        return *password;
      },
      [authenticator](const std::string& user) -> std::expected<void, std::string> {
        auto removed = authenticator->revoke_access(user);
        if (!removed) return std::unexpected(removed.error().message_ru);
        return {};
      }};
  SchoolSetupResult run;
  try {
    run = set_up_school(*stores_.journal, credentials, setup);
  } catch (...) {
    logger_->error("school {} failed: {}", setup.school_id, describe_current_exception());
    run.exit_code = 2;
    run.err = "сбой на сервере (подробности в журнале сервера)";
  }
  if (run.exit_code == 0) logger_->info("school {} set up", setup.school_id);
  send_answer(fd, run.out, run.err, run.exit_code);
}

}  // namespace zhurnal::server
