// ChildProcess: a spawned program whose stdout is read line by line through a
// pipe, with a deadline on every wait. Its stdin is /dev/null and its stderr
// goes to a file, so that it can never block on a pipe nobody reads.
//
// Not thread-safe: one owner. The destructor SIGKILLs and reaps a child that
// is still running, so no test failure leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <expected>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zhurnal::crash {

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;
  enum class ReadStatus { kLine, kTimeout, kEof };

  // Starts `path` with `args` (argv[1..]); its stderr is written to
  // `stderr_path` (truncated). The error is a sentence naming the failed call.
  static std::expected<std::unique_ptr<ChildProcess>, std::string> spawn(
      const std::string& path, const std::vector<std::string>& args,
      const std::string& stderr_path);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next complete line, without its '\n', into *line. Waits until
  // `deadline` at most; kEof once the write end is closed (the child exited)
  // and every complete line was returned. Throws std::runtime_error when
  // poll(2) or read(2) fail (an infrastructure fault).
  ReadStatus read_line(Clock::time_point deadline, std::string* line);

  // Bytes after the last '\n' (a torn final line). Meaningful after kEof.
  size_t partial_bytes() const { return buffer_.size() - consumed_; }

  void kill_now();

  // Waits until the child exits or `deadline` passes; reaps it and returns
  // its wait status, or nullopt on timeout. Returns the same status again
  // once reaped.
  std::optional<int> wait_exit(Clock::time_point deadline);

  // What the child wrote to stderr so far (empty when the file is unreadable).
  std::string stderr_text() const;

  pid_t pid() const { return pid_; }

  // A program run to its end (a command-line tool): its exit code (-1 when
  // it did not exit within `timeout` or was killed), stdout and stderr.
  struct Run {
    int exit_code = -1;
    std::string out, err;
  };
  // The error is spawn()'s.
  static std::expected<Run, std::string> run(const std::string& path,
                                             const std::vector<std::string>& args,
                                             const std::string& stderr_path,
                                             std::chrono::seconds timeout);

 private:
  ChildProcess() = default;
  // Appends what the pipe has to buffer_; false at EOF.
  bool fill();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // read end of the child's stdout
  int pid_fd_ = -1;     // pidfd: readable once the child has exited
  std::optional<int> status_;
  std::string stderr_path_;
  std::string buffer_;
  size_t consumed_ = 0;
  bool eof_ = false;
};

// For test failure messages: "line", "timeout", "eof".
std::ostream& operator<<(std::ostream& os, ChildProcess::ReadStatus status);

// "exited with code N" / "killed by signal N (NAME)".
std::string describe_wait_status(int status);

}  // namespace zhurnal::crash
