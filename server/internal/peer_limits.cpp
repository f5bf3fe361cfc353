#include "peer_limits.hpp"

namespace zhurnal::server::internal {

AnonymousSlot& AnonymousSlot::operator=(AnonymousSlot&& o) noexcept {
  if (this != &o) {
    release();
    limits_ = o.limits_;
    address_ = std::move(o.address_);
    o.limits_ = nullptr;
  }
  return *this;
}

void AnonymousSlot::release() {
  if (limits_ == nullptr) return;
  limits_->release(address_);
  limits_ = nullptr;
}

AnonymousSlot PeerLimits::acquire(const std::string& address) {
  std::lock_guard lock(mu_);
  size_t& n = counts_[address];
  if (max_ != 0 && n >= max_) return {};
  ++n;
  return {this, address};
}

size_t PeerLimits::count(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

void PeerLimits::release(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(address);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

}  // namespace zhurnal::server::internal
