// RateLimiter: limits failed sign-in attempts per login and per client
// address, with exponential lockout.
//
// Per key (a login, or an address): once `max_failures` failures fall in
// one `window`, the key is locked for `base_lockout`; each further lockout
// doubles, up to `max_lockout`; a key with no failure for `max_lockout` after
// its lockout ended starts again from `base_lockout`. A key untouched for
// `forget_after` is dropped from memory. A successful sign-in
// forgets the login's counter, never the address's (one valid account must
// not reset an address that is guessing other accounts' passwords).
//
// Use acquire() before verifying a password and then exactly one of
// record_failure(), record_success() or abandon() with the same login and
// address: acquire() counts the attempt as in flight, so concurrent attempts
// cannot all slip under the limit before their failures are recorded.
//
// Memory is bounded: each of the two tables holds at most `max_entries`
// keys, evicting the least recently touched (an evicted key starts afresh).
// Logins are counted case-insensitively; IPv6 addresses by their /64.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "zhurnal/auth/clock.hpp"

namespace zhurnal::auth {

namespace internal {
class AttemptTable;
}

class RateLimiter {
 public:
  struct Limit {
    uint32_t max_failures;
    std::chrono::seconds window;
    std::chrono::seconds base_lockout;
    std::chrono::seconds max_lockout;
  };
  struct Options {
    Limit per_login{5, std::chrono::minutes(15), std::chrono::minutes(15), std::chrono::hours(1)};
    // A school's pupils often share one NAT address: raise this for known
    // school networks rather than lowering the per-login limit.
    Limit per_address{20, std::chrono::minutes(15), std::chrono::minutes(15),
                      std::chrono::hours(1)};
    // At least the windows and max_lockouts above (a locked key is never
    // forgotten).
    std::chrono::seconds forget_after = std::chrono::hours(24);
    size_t max_entries = 100'000;  // per table (logins, addresses)
  };
  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when !allowed: wait at least this long
  };

  RateLimiter() : RateLimiter(Options()) {}
  explicit RateLimiter(Options options);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Whether an attempt would be allowed at `now`; changes nothing.
  Decision check(std::string_view login, std::string_view address, TimePoint now) const;
  // Like check(), and when allowed counts the attempt as in flight until it
  // is recorded or abandoned.
  Decision acquire(std::string_view login, std::string_view address, TimePoint now);

  void record_failure(std::string_view login, std::string_view address, TimePoint now);
  void record_success(std::string_view login, std::string_view address, TimePoint now);
  // Ends an acquired attempt that neither failed nor succeeded (a storage
  // error): it is not counted.
  void abandon(std::string_view login, std::string_view address);

  // Keys held in both tables; at most 2 x max_entries.
  size_t entries() const;

 private:
  void forget_stale_locked(TimePoint now);

  const Options options_;
  mutable std::mutex mu_;
  std::unique_ptr<internal::AttemptTable> logins_;     // mu_
  std::unique_ptr<internal::AttemptTable> addresses_;  // mu_
};

}  // namespace zhurnal::auth
