// PeerLimits: counts the connections of each peer address that are not
// signed in (plain HTTP, pending WebSocket upgrades, anonymous WebSockets),
// so that one address cannot hold thousands of idle or half-open
// connections (slowloris) while the rest of the server stays within its
// connection cap. An AnonymousSlot is one such connection: it is released
// when the connection signs in or closes, whichever comes first.
//
// Thread safety: PeerLimits is guarded by its mutex; an AnonymousSlot is
// owned by one session and used on that session's strands only.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace zhurnal::server::internal {

class PeerLimits;

class AnonymousSlot {
 public:
  AnonymousSlot() = default;
  AnonymousSlot(PeerLimits* limits, std::string address)
      : limits_(limits), address_(std::move(address)) {}
  AnonymousSlot(AnonymousSlot&& o) noexcept : limits_(o.limits_), address_(std::move(o.address_)) {
    o.limits_ = nullptr;
  }
  AnonymousSlot& operator=(AnonymousSlot&& o) noexcept;
  AnonymousSlot(const AnonymousSlot&) = delete;
  AnonymousSlot& operator=(const AnonymousSlot&) = delete;
  ~AnonymousSlot() { release(); }

  bool held() const { return limits_ != nullptr; }
  void release();

 private:
  PeerLimits* limits_ = nullptr;
  std::string address_;
};

class PeerLimits {
 public:
  // `max_per_address` 0: no cap (slots are still counted).
  explicit PeerLimits(size_t max_per_address) : max_(max_per_address) {}

  // A slot for one more anonymous connection of `address`, or an empty slot
  // (held() false) when the address already has max_per_address.
  AnonymousSlot acquire(const std::string& address);
  // Anonymous connections of `address` now (for tests and metrics).
  size_t count(const std::string& address) const;

 private:
  friend class AnonymousSlot;
  void release(const std::string& address);

  const size_t max_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> counts_;  // mu_; no zero entries
};

}  // namespace zhurnal::server::internal
