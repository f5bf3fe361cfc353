// Progress reporting for long runs (verify, rebuild, as-of, history,
// export): a bar with rate and time left when the output is a terminal,
// plain periodic lines otherwise.
//
// Progress is not thread-safe: one per run, updated from one thread.
// ProgressTicker shows work done on other threads (a fold inside the
// projection engine) by sampling counters on a thread of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace zhurnal::replay {

class Progress {
 public:
  // `total` may be 0 when unknown (no bar, no time left). Writes to `out`,
  // which must outlive this object.
  Progress(std::string label, uint64_t total, std::FILE* out = stderr);

  // Counts bytes rather than items: prints them in MiB.
  void count_bytes() { bytes_ = true; }
  // The total, once known after the start (0: unknown).
  void set_total(uint64_t total) { total_ = total; }

  // Reports that `done` items are finished; prints at most a few times a
  // second on a terminal and every 10 s otherwise.
  void update(uint64_t done);
  // Prints the final line.
  void finish(uint64_t done);

 private:
  void print(uint64_t done, bool final);

  std::string label_;
  uint64_t total_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool bytes_ = false;
};

class ProgressTicker {
 public:
  // Samples done() every 100 ms into a Progress of `label` (its rate
  // counted from now) once total() is not 0: a fold's target may be known
  // only after it starts, and nothing is printed if it never is. With
  // `total` empty, at once and without a total. Both are called on the
  // ticker's thread and must be safe there.
  ProgressTicker(std::string label, std::function<uint64_t()> total, std::function<uint64_t()> done,
                 std::FILE* out = stderr);
  // stop().
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

  // Stops sampling and prints the final line (see above). Idempotent.
  void stop();

 private:
  void run();

  const std::function<uint64_t()> total_, done_;
  // Made with the ticker, so that the rate counts from the start of the
  // work, not from when the thread first ran; then the thread's alone.
  Progress progress_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is set up
};

}  // namespace zhurnal::replay
