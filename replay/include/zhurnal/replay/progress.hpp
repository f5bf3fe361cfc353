// Progress reporting for long runs (verify, rebuild, export): a bar with rate
// and time left when the output is a terminal, plain periodic lines otherwise.
//
// Not thread-safe: one Progress per run, updated from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace zhurnal::replay {

class Progress {
 public:
  // `total` may be 0 when unknown (no bar, no time left). Writes to `out`,
  // which must outlive this object.
  Progress(std::string label, uint64_t total, std::FILE* out = stderr);

  // Counts bytes rather than items: prints them in MiB.
  void count_bytes() { bytes_ = true; }

  // Reports that `done` items are finished; prints at most a few times a
  // second on a terminal and every 10 s otherwise.
  void update(uint64_t done);
  // Prints the final line.
  void finish(uint64_t done);

 private:
  void print(uint64_t done, bool final);
  void print_bytes(uint64_t done, double rate, bool final, const std::string& eta);

  std::string label_;
  uint64_t total_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool bytes_ = false;
};

}  // namespace zhurnal::replay
