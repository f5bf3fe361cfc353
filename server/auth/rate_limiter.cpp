#include "zhurnal/auth/rate_limiter.hpp"

#include <algorithm>
#include <string>

#include "internal/attempt_table.hpp"
#include "internal/limiter_keys.hpp"

namespace zhurnal::auth {
namespace {

using internal::AttemptCounter;
using std::chrono::seconds;

constexpr size_t kForgetPerCall = 8;  // amortised clean-up per recorded attempt

seconds ceil_seconds(TimePoint::duration d) {
  return std::max(seconds(1), std::chrono::ceil<seconds>(d));
}

bool window_over(const AttemptCounter& c, const RateLimiter::Limit& limit, TimePoint now) {
  return now - c.window_start >= limit.window;
}

RateLimiter::Decision decide(const AttemptCounter* c, const RateLimiter::Limit& limit,
                             TimePoint now) {
  if (c == nullptr) return {};
  if (now < c->locked_until) return {false, ceil_seconds(c->locked_until - now)};
  const uint32_t failures = window_over(*c, limit, now) ? 0 : c->failures;
  // Only attempts still in flight can fill the window here (reaching the
  // limit locks and restarts it): they finish within a second or so.
  if (failures + c->in_flight >= limit.max_failures) return {false, seconds(1)};
  return {};
}

RateLimiter::Decision combine(RateLimiter::Decision a, RateLimiter::Decision b) {
  if (a.allowed && b.allowed) return {};
  return {false, std::max(a.retry_after, b.retry_after)};
}

void finish_in_flight(AttemptCounter& c) {
  if (c.in_flight > 0) --c.in_flight;
}

void count_failure(AttemptCounter& c, const RateLimiter::Limit& limit, TimePoint now) {
  finish_in_flight(c);
  // A key that stayed clean for max_lockout after its last lockout ended
  // starts again from base_lockout.
  if (c.lockouts > 0 && now - c.locked_until >= limit.max_lockout) c.lockouts = 0;
  if (window_over(c, limit, now)) {
    c.failures = 0;
    c.window_start = now;
  }
  if (++c.failures < limit.max_failures) return;
  const uint32_t doublings = std::min<uint32_t>(c.lockouts, 20);
  const seconds lockout =
      std::min(limit.base_lockout * (int64_t{1} << doublings), limit.max_lockout);
  ++c.lockouts;
  c.locked_until = std::max(c.locked_until, now + lockout);
  c.failures = 0;
  c.window_start = now;
}

// The three counted keys of one attempt.
struct Keys {
  std::string login;
  std::string address;
  std::string pair;
};

Keys keys_of(std::string_view login, std::string_view address) {
  Keys k{internal::limiter_login_key(login), internal::limiter_address_key(address), {}};
  k.pair = k.login + '\n' + k.address;
  return k;
}

}  // namespace

RateLimiter::RateLimiter(Options options)
    : options_(options),
      pairs_(std::make_unique<internal::AttemptTable>(options.max_entries)),
      addresses_(std::make_unique<internal::AttemptTable>(options.max_entries)),
      logins_(std::make_unique<internal::AttemptTable>(options.max_entries)),
      trusted_(std::make_unique<internal::AttemptTable>(options.max_entries)) {}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::decide_locked(const std::string& pair, const std::string& login,
                                                 const std::string& address,
                                                 TimePoint now) const {
  const AttemptCounter* p = pairs_->find(pair);
  Decision d = combine(decide(p, options_.per_login, now),
                       decide(addresses_->find(address), options_.per_address, now));
  const AttemptCounter* trust = trusted_->find(pair);
  const bool trusted = trust != nullptr && now - trust->window_start < options_.trust_for;
  if (!trusted) d = combine(d, decide(logins_->find(login), options_.per_login_all, now));
  if (!d.allowed) return d;
  if (const AttemptCounter* a = addresses_->find(address);
      a != nullptr && a->in_flight >= options_.max_in_flight_per_address) {
    return {false, seconds(1), true};
  }
  d.priority = trusted && (p == nullptr || p->in_flight == 0);
  return d;
}

RateLimiter::Decision RateLimiter::check(std::string_view login, std::string_view address,
                                         TimePoint now) const {
  const Keys k = keys_of(login, address);
  std::lock_guard lock(mu_);
  return decide_locked(k.pair, k.login, k.address, now);
}

RateLimiter::Decision RateLimiter::acquire(std::string_view login, std::string_view address,
                                           TimePoint now) {
  const Keys k = keys_of(login, address);
  std::lock_guard lock(mu_);
  forget_stale_locked(now);
  const Decision d = decide_locked(k.pair, k.login, k.address, now);
  if (!d.allowed) return d;
  ++pairs_->touch(k.pair, now).in_flight;
  ++addresses_->touch(k.address, now).in_flight;
  ++logins_->touch(k.login, now).in_flight;
  return d;
}

void RateLimiter::record_failure(std::string_view login, std::string_view address, TimePoint now) {
  const Keys k = keys_of(login, address);
  std::lock_guard lock(mu_);
  forget_stale_locked(now);
  count_failure(pairs_->touch(k.pair, now), options_.per_login, now);
  count_failure(addresses_->touch(k.address, now), options_.per_address, now);
  count_failure(logins_->touch(k.login, now), options_.per_login_all, now);
}

void RateLimiter::record_success(std::string_view login, std::string_view address, TimePoint now) {
  const Keys k = keys_of(login, address);
  std::lock_guard lock(mu_);
  pairs_->erase(k.pair);
  finish_in_flight(addresses_->touch(k.address, now));
  if (auto* c = logins_->find(k.login)) finish_in_flight(*c);
  trusted_->touch(k.pair, now).window_start = now;
}

void RateLimiter::abandon(std::string_view login, std::string_view address) {
  const Keys k = keys_of(login, address);
  std::lock_guard lock(mu_);
  if (auto* c = pairs_->find(k.pair)) finish_in_flight(*c);
  if (auto* c = addresses_->find(k.address)) finish_in_flight(*c);
  if (auto* c = logins_->find(k.login)) finish_in_flight(*c);
}

size_t RateLimiter::entries() const {
  std::lock_guard lock(mu_);
  return pairs_->size() + addresses_->size() + logins_->size() + trusted_->size();
}

void RateLimiter::forget_stale_locked(TimePoint now) {
  const TimePoint cutoff = now - options_.forget_after;
  pairs_->drop_untouched_since(cutoff, kForgetPerCall);
  addresses_->drop_untouched_since(cutoff, kForgetPerCall);
  logins_->drop_untouched_since(cutoff, kForgetPerCall);
  trusted_->drop_untouched_since(now - options_.trust_for, kForgetPerCall);
}

}  // namespace zhurnal::auth
