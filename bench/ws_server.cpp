#include "ws_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace zhurnal::bench {
namespace {

namespace fs = std::filesystem;

std::string status_field(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
  }
  return {};
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

fs::path find_zhurnal_binary(const std::string& given) {
  if (!given.empty()) return given;
  const fs::path self = fs::read_symlink("/proc/self/exe");
  // The build puts it at the top of the build tree (or, in older trees, in cli/).
  const fs::path build = self.parent_path().parent_path();
  for (const fs::path& guess : {build / "zhurnal", build / "cli" / "zhurnal"}) {
    if (fs::exists(guess) && fs::is_regular_file(guess)) return guess;
  }
  throw std::runtime_error("no zhurnal binary in " + build.string() +
                           " (build the `zhurnal` target or pass --zhurnal)");
}

ServerProcess::ServerProcess(const fs::path& binary, const fs::path& data,
                             const fs::path& log_path, const std::vector<std::string>& extra_args,
                             double startup_timeout_s) {
  std::vector<std::string> argv = {binary.string(), "serve", "--data", data.string(),
                                   "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  // `serve` prints "zhurnal: журнал работает на http://127.0.0.1:PORT/ ..."
  // once it listens.
  const std::string marker = "http://127.0.0.1:";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(startup_timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto at = text.find(marker); at != std::string::npos) {
      port_ = static_cast<uint16_t>(std::stoi(text.substr(at + marker.size())));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("zhurnal serve ended (" + describe_status(status) +
                               ") before listening; see " + log_path.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  throw std::runtime_error("zhurnal serve did not listen within the timeout; see " +
                           log_path.string());
}

ServerProcess::~ServerProcess() { stop(); }

uint64_t ServerProcess::rss_kib() const {
  if (pid_ <= 0) return 0;
  const std::string v = status_field(pid_, "VmRSS");
  return v.empty() ? 0 : std::stoull(v);
}

int ServerProcess::threads() const {
  if (pid_ <= 0) return 0;
  const std::string v = status_field(pid_, "Threads");
  return v.empty() ? 0 : std::stoi(v);
}

double ServerProcess::cpu_seconds() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> f;
  size_t pos = close + 2;
  while (pos < stat.size() && f.size() < 13) {
    const size_t sp = stat.find(' ', pos);
    f.push_back(stat.substr(pos, sp - pos));
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  if (f.size() < 13) return 0;
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string ServerProcess::stop() {
  if (pid_ <= 0) return "not running";
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return describe_status(status);
}

}  // namespace zhurnal::bench
