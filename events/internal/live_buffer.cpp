#include "live_buffer.hpp"

#include <mutex>

namespace zhurnal::events::internal {

void LiveBuffer::reset(uint64_t next_position) {
  std::unique_lock lock(mu_);
  oldest_ = next_ = next_position;
}

void LiveBuffer::push(uint64_t first_position, std::vector<std::string>* values) {
  std::unique_lock lock(mu_);
  if (first_position != next_) oldest_ = next_ = first_position;  // defensive: never mix
  for (std::string& v : *values) {
    ring_[next_ % ring_.size()] = std::move(v);
    ++next_;
  }
  if (next_ - oldest_ > ring_.size()) oldest_ = next_ - ring_.size();
}

bool LiveBuffer::copy(uint64_t from, size_t max, std::vector<std::string>* out) const {
  std::shared_lock lock(mu_);
  if (from < oldest_) return false;
  for (uint64_t p = from; p < next_ && out->size() < max; ++p) {
    out->push_back(ring_[p % ring_.size()]);
  }
  return true;
}

}  // namespace zhurnal::events::internal
