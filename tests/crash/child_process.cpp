#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace zhurnal::crash {
namespace {

std::string errno_text(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

// Milliseconds from now until `deadline`, rounded up, for poll(2).
int poll_timeout_ms(ChildProcess::Clock::time_point deadline) {
  const auto left = deadline - ChildProcess::Clock::now();
  if (left <= ChildProcess::Clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, 60'000));
}

// Waits until `fd` is readable or `deadline` passes; false on timeout, also
// when `deadline` has passed already (so that a busy writer cannot keep a
// reader past its deadline).
bool wait_readable(int fd, ChildProcess::Clock::time_point deadline) {
  for (;;) {
    if (ChildProcess::Clock::now() >= deadline) return false;
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, poll_timeout_ms(deadline));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) throw std::runtime_error(errno_text("poll", errno));
  }
}

// Owns the posix_spawn file actions for one spawn.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

std::expected<std::unique_ptr<ChildProcess>, std::string> ChildProcess::spawn(
    const std::string& path, const std::vector<std::string>& args, const std::string& stderr_path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::unexpected(errno_text("pipe2", errno));
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->stdout_fd_ = fds[0];
  child->stderr_path_ = stderr_path;

  // Both pipe ends are close-on-exec; dup2 gives the child a plain stdout.
  FileActions fa;
  int rc = posix_spawn_file_actions_addopen(fa.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(fa.get(), fds[1], STDOUT_FILENO);
  if (rc == 0) {
    rc = posix_spawn_file_actions_addopen(fa.get(), STDERR_FILENO, stderr_path.c_str(),
                                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (rc == 0) {
    rc = ::posix_spawn(&child->pid_, path.c_str(), fa.get(), nullptr, argv.data(), environ);
  }
  ::close(fds[1]);
  if (rc != 0) {
    child->pid_ = -1;
    return std::unexpected(errno_text(("posix_spawn " + path).c_str(), rc));
  }
  // glibc 2.36's <sys/pidfd.h> lacks extern "C": call the syscall directly.
  child->pid_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, child->pid_, 0));
  if (child->pid_fd_ < 0) return std::unexpected(errno_text("pidfd_open", errno));
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (pid_fd_ >= 0) ::close(pid_fd_);
}

bool ChildProcess::fill() {
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno != EINTR) throw std::runtime_error(errno_text("read child stdout", errno));
  }
}

ChildProcess::ReadStatus ChildProcess::read_line(Clock::time_point deadline, std::string* line) {
  for (;;) {
    const size_t nl = buffer_.find('\n', consumed_);
    if (nl != std::string::npos) {
      line->assign(buffer_, consumed_, nl - consumed_);
      consumed_ = nl + 1;
      if (consumed_ > (1 << 16)) {  // keep the buffer small
        buffer_.erase(0, consumed_);
        consumed_ = 0;
      }
      return ReadStatus::kLine;
    }
    if (eof_) return ReadStatus::kEof;
    if (!wait_readable(stdout_fd_, deadline)) return ReadStatus::kTimeout;
    eof_ = !fill();
  }
}

void ChildProcess::kill_now() {
  if (pid_ > 0 && !status_) ::kill(pid_, SIGKILL);
}

std::optional<int> ChildProcess::wait_exit(Clock::time_point deadline) {
  if (status_) return status_;
  if (!wait_readable(pid_fd_, deadline)) return std::nullopt;
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  if (r != pid_) throw std::runtime_error(errno_text("waitpid", errno));
  status_ = status;
  return status_;
}

std::string ChildProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::ostream& operator<<(std::ostream& os, ChildProcess::ReadStatus status) {
  switch (status) {
    case ChildProcess::ReadStatus::kLine:
      return os << "line";
    case ChildProcess::ReadStatus::kTimeout:
      return os << "timeout";
    case ChildProcess::ReadStatus::kEof:
      return os << "eof";
  }
  return os << "?";
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + " (SIG" + (name ? name : "?") + ")";
  }
  return "wait status " + std::to_string(status);
}

std::expected<ChildProcess::Run, std::string> ChildProcess::run(
    const std::string& path, const std::vector<std::string>& args, const std::string& stderr_path,
    std::chrono::seconds timeout) {
  auto child = spawn(path, args, stderr_path);
  if (!child) return std::unexpected(child.error());
  Run r;
  const auto deadline = Clock::now() + timeout;
  std::string line;
  while ((*child)->read_line(deadline, &line) == ReadStatus::kLine) r.out += line + "\n";
  const auto status = (*child)->wait_exit(deadline);
  r.err = (*child)->stderr_text();
  if (status && WIFEXITED(*status)) r.exit_code = WEXITSTATUS(*status);
  return r;
}

}  // namespace zhurnal::crash
