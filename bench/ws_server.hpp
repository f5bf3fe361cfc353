// `zhurnal serve` as a child process of the benchmark: started on a free
// loopback port over a prepared data directory, observed through
// /proc/<pid>/status, stopped with SIGTERM.
//
// Ownership: the object owns the child; the destructor stops it (SIGTERM,
// then SIGKILL after 30 s). Output (stdout and the log on stderr) goes to
// `log_path`. Errors: throws std::runtime_error when the binary cannot be
// started or does not announce its port within the startup timeout.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zhurnal::bench {

class ServerProcess {
 public:
  // `extra_args` follow `serve --data DIR --listen 127.0.0.1:0`, e.g.
  // {"--demo", "--demo-weeks", "2"}.
  ServerProcess(const std::filesystem::path& binary, const std::filesystem::path& data,
                const std::filesystem::path& log_path,
                const std::vector<std::string>& extra_args = {},
                double startup_timeout_s = 600);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // VmRSS of the server in KiB (0 once it has exited).
  uint64_t rss_kib() const;
  // Threads of the server (from /proc/<pid>/status).
  int threads() const;
  // User + system CPU seconds of the server so far.
  double cpu_seconds() const;
  // SIGTERM and wait; returns the exit status text ("exit 0", "signal 9").
  std::string stop();

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// The path of the `zhurnal` binary next to this benchmark's build
// (../cli/zhurnal relative to /proc/self/exe), or `given` when not empty.
std::filesystem::path find_zhurnal_binary(const std::string& given);

}  // namespace zhurnal::bench
