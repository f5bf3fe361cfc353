// RateLimiter: limits failed sign-in attempts with exponential lockout, by
// three keys, so that guessing is slow while a legitimate user can still
// sign in (account lockout must not be a denial of service):
//
//   - per login *from one address* (`per_login`, 5 failures in 15 min):
//     one address guessing one account is locked; the same login from any
//     other address is not;
//   - per address (`per_address`, 20 failures in 15 min, any logins): one
//     address guessing many accounts is locked;
//   - per login from all addresses (`per_login_all`, 50 failures in 15 min):
//     a distributed guess at one account locks the login, except from
//     addresses where that login signed in successfully within `trust_for`
//     (30 days): the owner at her usual school or home computer still gets
//     in. An owner on a new device waits for the lockout during such an
//     attack (the trade-off; docs/design.md, "Abuse resistance").
//
// Per key: once `max_failures` failures fall in one `window`, the key is
// locked for `base_lockout`; each further lockout doubles, up to
// `max_lockout`; a key with no failure for `max_lockout` after its lockout
// ended starts again from `base_lockout`. A key untouched for `forget_after`
// is dropped from memory. A successful sign-in forgets the login-from-that-
// address counter, never the address's or the login's overall one (one
// valid account must not reset an address that is guessing other accounts'
// passwords, nor a distributed attack on the account).
//
// Besides failures, at most `max_in_flight_per_address` attempts of one
// address run at once (each costs a password hash): past it acquire()
// refuses with `busy` set, retry after a second.
//
// Use acquire() before verifying a password and then exactly one of
// record_failure(), record_success() or abandon() with the same login and
// address: acquire() counts the attempt as in flight, so concurrent attempts
// cannot all slip under the limit before their failures are recorded.
//
// Memory is bounded: each of the four tables (login-from-address, address,
// login, trusted login-from-address) holds at most `max_entries` keys,
// evicting the least recently touched (an evicted key starts afresh).
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
    size_t max_entries = 100'000;  // per table
    // A login from all addresses except its trusted ones (see above).
    Limit per_login_all{50, std::chrono::minutes(15), std::chrono::minutes(15),
                        std::chrono::hours(1)};
    // How long an address where a login signed in stays trusted for it.
    std::chrono::seconds trust_for = std::chrono::hours(24 * 30);
    // Attempts of one address in progress at once (each costs a hash).
    uint32_t max_in_flight_per_address = 8;
  };
  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when !allowed: wait at least this long
    // When !allowed: the address has too many attempts in progress (not a
    // lockout); answer `busy` rather than `rate_limited`.
    bool busy = false;
    // When allowed: the login signed in from this address within trust_for
    // and no other attempt of the pair is in flight. Its password check may
    // go ahead of others for a hashing slot (CredentialStore::Priority), so
    // that a sign-in flood from elsewhere does not keep the owner out; one
    // attempt per pair at a time, so a pair cannot take the whole lane.
    bool priority = false;
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

  // Keys held in the four tables; at most 4 x max_entries.
  size_t entries() const;

 private:
  void forget_stale_locked(TimePoint now);
  Decision decide_locked(const std::string& pair, const std::string& login,
                         const std::string& address, TimePoint now) const;

  const Options options_;
  mutable std::mutex mu_;
  std::unique_ptr<internal::AttemptTable> pairs_;      // login from one address; mu_
  std::unique_ptr<internal::AttemptTable> addresses_;  // mu_
  std::unique_ptr<internal::AttemptTable> logins_;     // login from all addresses; mu_
  // Login-from-address pairs that signed in; the counter's window_start is
  // the time of the last success. mu_
  std::unique_ptr<internal::AttemptTable> trusted_;
};

}  // namespace zhurnal::auth
