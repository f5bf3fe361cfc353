#include "zhurnal/server/metrics.hpp"

namespace zhurnal::server {

void LatencyHistogram::observe(uint64_t micros) {
  size_t i = 0;
  while (i < kBucketsUs.size() && micros > kBucketsUs[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(micros, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
}

void LatencyHistogram::render(const std::string& name, const std::string& help,
                              std::string* out) const {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBucketsUs.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    char le[32];
    std::snprintf(le, sizeof le, "%g", kBucketsUs[i] / 1e6);
    *out += name + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += counts_[kBucketsUs.size()].load(std::memory_order_relaxed);
  *out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.6f", sum_us_.load(std::memory_order_relaxed) / 1e6);
  *out += name + "_sum " + sum + "\n";
  *out += name + "_count " + std::to_string(total_.load(std::memory_order_relaxed)) + "\n";
}

void Metrics::count_rejection(const std::string& code) {
  std::lock_guard lock(rejections_mu_);
  ++rejections_[code];
}

void Metrics::render_rejections(std::string* out) const {
  *out += "# HELP zhurnal_commands_rejected_total Commands refused, by stable error code.\n"
          "# TYPE zhurnal_commands_rejected_total counter\n";
  std::lock_guard lock(rejections_mu_);
  for (const auto& [code, n] : rejections_) {
    *out += "zhurnal_commands_rejected_total{code=\"" + code + "\"} " + std::to_string(n) + "\n";
  }
}

}  // namespace zhurnal::server
