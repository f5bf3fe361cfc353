#include "info_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace zhurnal::events::internal {
namespace {

constexpr off_t kRotateBytes = 16 << 20;
constexpr std::chrono::minutes kReopenInterval{1};

class AppendOnlyLogger final : public rocksdb::Logger {
 public:
  explicit AppendOnlyLogger(std::string dir)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), path_(std::move(dir) + "/LOG") {
    std::lock_guard lock(mu_);
    open_locked();
  }
  ~AppendOnlyLogger() override {
    if (fd_ >= 0) ::close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[4096];
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const long micros = static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000);
    std::tm tm{};
    localtime_r(&secs, &tm);
    int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %lx ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                          tm.tm_sec, micros, static_cast<unsigned long>(gettid()));
    va_list copy;
    va_copy(copy, ap);
    const int body = std::vsnprintf(line + n, sizeof line - n - 1, format, copy);
    va_end(copy);
    n = body < 0 ? n : std::min<int>(n + body, sizeof line - 2);
    if (n == 0 || line[n - 1] != '\n') line[n++] = '\n';
    const int fd = descriptor();
    if (fd < 0) return;
    // One write per line: O_APPEND keeps lines of different threads whole. A
    // short or failed write (ENOSPC) loses the line and nothing else.
    if (::write(fd, line, static_cast<size_t>(n)) < 0) dropped_.fetch_add(1);
  }

 private:
  int descriptor() {
    std::lock_guard lock(mu_);
    if (fd_ < 0 && std::chrono::steady_clock::now() - last_open_ >= kReopenInterval) open_locked();
    return fd_;
  }

  void open_locked() {
    last_open_ = std::chrono::steady_clock::now();
    struct stat st{};
    if (::stat(path_.c_str(), &st) == 0 && st.st_size > kRotateBytes) {
      (void)std::rename(path_.c_str(), (path_ + ".old").c_str());
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }

  const std::string path_;
  std::mutex mu_;
  int fd_ = -1;  // written under mu_; the descriptor is never closed while open
  std::chrono::steady_clock::time_point last_open_{};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace

std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir, bool create_dir) {
  if (create_dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // DB::Open reports what really fails
  }
  return std::make_shared<AppendOnlyLogger>(dir);
}

}  // namespace zhurnal::events::internal
