#include "bench_support.hpp"

#include <fcntl.h>
#include <rocksdb/version.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <latch>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "zhurnal/allocator.hpp"

#ifndef ZHURNAL_BENCH_BUILD_TYPE
#define ZHURNAL_BENCH_BUILD_TYPE "unknown"
#endif

namespace zhurnal::bench {

ScratchDir::ScratchDir(const std::filesystem::path& parent, std::string_view prefix) {
  std::filesystem::create_directories(parent);
  std::string pattern = (parent / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a scratch directory under " + parent.string());
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // best effort: nothing to report to
}

std::filesystem::path scratch_parent(const std::string& parent) {
  return parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
}

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

double run_on_threads(int threads, uint64_t per_thread,
                      const std::function<void(int thread, uint64_t i)>& op) {
  using Clock = std::chrono::steady_clock;
  std::latch ready(threads);
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::exception_ptr first_error;
  // Each thread's own start and end: the span is from the first start to the
  // last end, whichever thread the scheduler happens to run first.
  std::vector<Clock::time_point> starts(threads), ends(threads);

  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.arrive_and_wait();
      starts[t] = Clock::now();
      try {
        for (uint64_t i = 0; i < per_thread && !failed.load(std::memory_order_relaxed); ++i) {
          op(t, i);
        }
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!first_error) first_error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
      ends[t] = Clock::now();
    });
  }
  for (std::thread& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
  const auto first = *std::min_element(starts.begin(), starts.end());
  const auto last = *std::max_element(ends.begin(), ends.end());
  return std::chrono::duration<double>(last - first).count();
}

std::string make_payload(size_t bytes) {
  std::mt19937_64 rng(20240901);
  std::string out(bytes, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

std::string u64be_key(uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return k;
}

std::string uuid_like(uint32_t a, uint64_t b) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", a,
                static_cast<unsigned>((b >> 60) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string teacher_id(uint32_t n) { return uuid_like(0x80000000u | n, 0); }
std::string lesson_stream(uint32_t n) { return "lesson-" + uuid_like(0x80000000u | n, 1); }

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string thousands(double v) {
  std::string digits = std::to_string(static_cast<unsigned long long>(v < 0 ? 0 : v + 0.5));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string machine_summary() {
  std::string cpu = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  ::uname(&u);
  return cpu + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, Linux " +
         u.release + ", g++ " + __VERSION__ + ", RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." +
         std::to_string(ROCKSDB_MINOR) + "." + std::to_string(ROCKSDB_PATCH) + ", " +
         ZHURNAL_BENCH_BUILD_TYPE + " build, " + allocator_name();
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double fsync_latency_ms(const std::filesystem::path& dir, int samples) {
  const std::string path = (dir / "fsync-probe").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  const std::string block(200, 'x');
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    Stopwatch clock;
    const bool ok = ::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size()) &&
                    ::fdatasync(fd) == 0;
    if (!ok) {
      ::close(fd);
      throw std::runtime_error("write or fdatasync failed on " + path);
    }
    ms.push_back(clock.seconds() * 1e3);
  }
  ::close(fd);
  std::filesystem::remove(path);
  return median(std::move(ms));
}

}  // namespace zhurnal::bench
