// zhurnal_crash_child: appends to the event log from N threads until it is
// killed, and reports every acknowledged append on stdout (ack_line.hpp).
//
// Usage: zhurnal_crash_child --data DIR [--threads N] [--run-id HEX]
//                            [--max-seconds S]
// The crash test kills it with SIGKILL. It exits by itself only on error,
// with a message on stderr: 2 bad usage, 3 the log did not open, 4 an append
// failed unexpectedly, 5 stdout could not be written, 6 --max-seconds passed
// (a guard against an orphaned child running forever; default 120).
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ack_line.hpp"
#include "crash_request.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::crash {
namespace {

using events::EventLog;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string data;
  int threads = 8;
  uint64_t run_id = 0;  // 0: draw one at random
  int max_seconds = 120;
};

[[noreturn]] void die(int code, const std::string& message) {
  std::fprintf(stderr, "zhurnal_crash_child: %s\n", message.c_str());
  std::_Exit(code);
}

// Writes `line` with one write(2): the line must stay shorter than PIPE_BUF,
// so that it reaches the pipe whole or not at all.
void write_line(const std::string& line) {
  for (;;) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data(), line.size());
    if (n == static_cast<ssize_t>(line.size())) return;
    if (n < 0 && errno == EINTR) continue;
    die(5, "stdout write failed: " + std::string(n < 0 ? std::strerror(errno) : "short write"));
  }
}

bool parse_int(std::string_view s, int base, auto* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) die(2, "missing value after " + std::string(flag));
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--data") {
      o.data = value;
    } else if (flag == "--threads") {
      ok = parse_int(value, 10, &o.threads) && o.threads > 0;
    } else if (flag == "--run-id") {
      ok = parse_int(value, 16, &o.run_id);
    } else if (flag == "--max-seconds") {
      ok = parse_int(value, 10, &o.max_seconds) && o.max_seconds > 0;
    } else {
      die(2, "unknown flag " + std::string(flag));
    }
    if (!ok) die(2, "bad value for " + std::string(flag) + ": " + std::string(value));
  }
  if (o.data.empty()) die(2, "--data DIR is required");
  if (o.run_id == 0) {
    std::random_device rd;
    o.run_id = (static_cast<uint64_t>(rd()) << 32) | rd();
  }
  return o;
}

// One appending thread. Mostly ExpectedVersion::any(); one append in five
// expects the exact version of its first stream as this thread last saw it
// (from its own results, a rejection, or a read). Rejections are expected
// under contention and are simply not acknowledged.
class Appender {
 public:
  Appender(EventLog* log, uint64_t run_id, int thread, Clock::time_point deadline)
      : log_(log),
        run_id_(run_id),
        thread_(thread),
        deadline_(deadline),
        rng_(run_id ^ (0x5bd1e995ULL * static_cast<uint64_t>(thread + 1))) {}

  [[noreturn]] void run() {
    for (uint64_t seq = 1;; ++seq) {
      if (Clock::now() > deadline_) die(6, "--max-seconds passed without being killed");
      append_one(seq);
    }
  }

 private:
  void append_one(uint64_t seq) {
    std::string id = base_command_id(run_id_, thread_, seq);
    if (rng_.between(0, 4) == 0) id = with_exact(id, known_version(make_request(id)));
    Request r = make_request(id);
    events::Result<events::AppendResult> result = log_->append(std::move(r.streams), r.context);
    if (!result) {
      const events::Status& s = result.error();
      if (s.code() != events::StatusCode::kWrongExpectedVersion) {
        die(4, "append " + id + " failed: " + s.to_string());
      }
      known_[s.stream()] = s.current_version();
      return;
    }
    if (result->duplicate) die(4, "append " + id + " came back as a duplicate");
    for (const events::StreamVersion& sv : result->streams) known_[sv.stream] = sv.version;
    write_line(format_ack(id, *result));
  }

  // The version this thread believes the request's first stream is at.
  uint64_t known_version(const Request& r) {
    const std::string& stream = r.streams.front().stream;
    if (auto it = known_.find(stream); it != known_.end()) return it->second;
    events::Result<uint64_t> v = log_->stream_version(stream);
    if (!v) die(4, "stream_version " + stream + " failed: " + v.error().to_string());
    known_[stream] = *v;
    return *v;
  }

  EventLog* log_;
  uint64_t run_id_;
  int thread_;
  Clock::time_point deadline_;
  SplitMix64 rng_;
  std::unordered_map<std::string, uint64_t> known_;  // stream -> last seen version
};

int run(const Options& o) {
  events::LogOptions lo;
  lo.path = o.data;  // durability: kSync, the default
  auto opened = events::open_event_log(lo);
  if (!opened) die(3, "open " + o.data + " failed: " + opened.error().to_string());
  std::unique_ptr<EventLog> log = std::move(*opened);
  write_line(format_ready(log->head_position()));

  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(o.max_seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back(
        [&log, &o, t, deadline] { Appender(log.get(), o.run_id, t, deadline).run(); });
  }
  for (std::thread& t : threads) t.join();  // never returns: appenders run until killed
  return 0;
}

}  // namespace
}  // namespace zhurnal::crash

int main(int argc, char** argv) {
  return zhurnal::crash::run(zhurnal::crash::parse_options(argc, argv));
}
