// Helpers shared by the benchmark runners: scratch directories, timing,
// threads released together, the workload's bytes, and the summary figures.
//
// Errors: a benchmark has no caller to return a value to. Every failure of
// the storage under test or of the machine throws std::runtime_error, which
// main() catches once and reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::bench {

// The workload's event, as the issue sets it: a 160-byte payload under a
// realistic event type name.
inline constexpr size_t kPayloadBytes = 160;
inline constexpr char kEventType[] = "MarkPosted";

// A fresh, uniquely named directory under `parent` (created if missing),
// removed with everything in it when the object dies. Not copyable.
class ScratchDir {
 public:
  ScratchDir(const std::filesystem::path& parent, std::string_view prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `parent` when given, else the system temp directory.
std::filesystem::path scratch_parent(const std::string& parent);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// CPU time, user + system, in seconds: of the whole process (every thread,
// RocksDB's background threads included) or of the calling thread only.
// Unlike wall time, this barely moves when other work shares the machine.
double process_cpu_seconds();
double thread_cpu_seconds();

// Runs op(thread, i) for i in [0, per_thread) on each of `threads` threads,
// all released at once after they have started. Returns the wall seconds from
// the first thread's start to the last thread's end. `op` is called concurrently from
// all threads. If any call throws, the first exception is rethrown here after
// every thread has stopped (the others stop at their next call).
double run_on_threads(int threads, uint64_t per_thread,
                      const std::function<void(int thread, uint64_t i)>& op);

// `bytes` deterministic pseudo-random bytes: incompressible, so that neither
// side gains from block compression.
std::string make_payload(size_t bytes);

// An 8-byte big-endian key: keys sort in counter order.
std::string u64be_key(uint64_t v);

// A UUID-shaped 36-character id made of two numbers, e.g. for command ids:
// distinct (a, b) pairs give distinct ids.
std::string uuid_like(uint32_t a, uint64_t b);

// The ids of simulated teacher `n`: her user id (the actor) and the stream of
// her lesson, "lesson-<uuid>". Distinct from every uuid_like(n, i) with n < 2^31.
std::string teacher_id(uint32_t n);
std::string lesson_stream(uint32_t n);

double median(std::vector<double> values);

// "12,345,678"
std::string thousands(double v);

// CPU model, cores, kernel, compiler, RocksDB version and build type.
std::string machine_summary();

// The 1, 5 and 15 minute load averages, e.g. "0.52 0.40 0.31": the machine is
// shared, and other work moves the figures.
std::string load_average();

// The median time, in milliseconds, of `samples` 200-byte appends each
// followed by fdatasync, in a scratch file under `dir`: what one durable
// write costs on this disk right now.
double fsync_latency_ms(const std::filesystem::path& dir, int samples = 50);

}  // namespace zhurnal::bench
