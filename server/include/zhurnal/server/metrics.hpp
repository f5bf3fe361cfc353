// Server metrics in Prometheus text format (/metrics). Counters and gauges
// are atomics; the latency histogram has fixed buckets in microseconds.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace zhurnal::server {

class LatencyHistogram {
 public:
  static constexpr std::array<uint64_t, 12> kBucketsUs = {100,   250,   500,    1000,   2000,   5000,
                                                          10000, 25000, 50000, 100000, 250000, 1000000};
  void observe(uint64_t micros);
  // Appends the histogram's series named `name` in Prometheus text format.
  void render(const std::string& name, const std::string& help, std::string* out) const;

 private:
  std::array<std::atomic<uint64_t>, kBucketsUs.size() + 1> counts_{};
  std::atomic<uint64_t> sum_us_{0};
  std::atomic<uint64_t> total_{0};
};

struct Metrics {
  std::atomic<uint64_t> connections{0};        // gauge: open WebSocket connections
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> bad_requests{0};       // malformed frames and unknown requests
  std::atomic<uint64_t> pushes{0};
  std::atomic<uint64_t> slow_consumers_closed{0};
  std::atomic<uint64_t> sign_ins{0};
  std::atomic<uint64_t> sign_in_failures{0};
  std::atomic<uint64_t> commands_accepted{0};
  std::atomic<uint64_t> history_pages{0};            // `history` requests answered
  std::atomic<uint64_t> history_pages_continued{0};  // of them, continuing a kept pass
  LatencyHistogram command_latency;            // request received -> durable and applied

  void count_rejection(const std::string& code);
  // Rejected commands by code, rendered as one labelled counter.
  void render_rejections(std::string* out) const;

 private:
  mutable std::mutex rejections_mu_;
  std::map<std::string, uint64_t> rejections_;
};

}  // namespace zhurnal::server
