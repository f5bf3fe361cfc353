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

}  // namespace

RateLimiter::RateLimiter(Options options)
    : options_(options),
      logins_(std::make_unique<internal::AttemptTable>(options.max_entries)),
      addresses_(std::make_unique<internal::AttemptTable>(options.max_entries)) {}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::check(std::string_view login, std::string_view address,
                                         TimePoint now) const {
  const std::string login_key = internal::limiter_login_key(login);
  const std::string address_key = internal::limiter_address_key(address);
  std::lock_guard lock(mu_);
  return combine(decide(logins_->find(login_key), options_.per_login, now),
                 decide(addresses_->find(address_key), options_.per_address, now));
}

RateLimiter::Decision RateLimiter::acquire(std::string_view login, std::string_view address,
                                           TimePoint now) {
  const std::string login_key = internal::limiter_login_key(login);
  const std::string address_key = internal::limiter_address_key(address);
  std::lock_guard lock(mu_);
  forget_stale_locked(now);
  const Decision d = combine(decide(logins_->find(login_key), options_.per_login, now),
                             decide(addresses_->find(address_key), options_.per_address, now));
  if (!d.allowed) return d;
  ++logins_->touch(login_key, now).in_flight;
  ++addresses_->touch(address_key, now).in_flight;
  return d;
}

void RateLimiter::record_failure(std::string_view login, std::string_view address, TimePoint now) {
  const std::string login_key = internal::limiter_login_key(login);
  const std::string address_key = internal::limiter_address_key(address);
  std::lock_guard lock(mu_);
  forget_stale_locked(now);
  count_failure(logins_->touch(login_key, now), options_.per_login, now);
  count_failure(addresses_->touch(address_key, now), options_.per_address, now);
}

void RateLimiter::record_success(std::string_view login, std::string_view address, TimePoint now) {
  const std::string login_key = internal::limiter_login_key(login);
  const std::string address_key = internal::limiter_address_key(address);
  std::lock_guard lock(mu_);
  logins_->erase(login_key);
  finish_in_flight(addresses_->touch(address_key, now));
}

void RateLimiter::abandon(std::string_view login, std::string_view address) {
  const std::string login_key = internal::limiter_login_key(login);
  const std::string address_key = internal::limiter_address_key(address);
  std::lock_guard lock(mu_);
  if (auto* c = logins_->find(login_key)) finish_in_flight(*c);
  if (auto* c = addresses_->find(address_key)) finish_in_flight(*c);
}

size_t RateLimiter::entries() const {
  std::lock_guard lock(mu_);
  return logins_->size() + addresses_->size();
}

void RateLimiter::forget_stale_locked(TimePoint now) {
  const TimePoint cutoff = now - options_.forget_after;
  logins_->drop_untouched_since(cutoff, kForgetPerCall);
  addresses_->drop_untouched_since(cutoff, kForgetPerCall);
}

}  // namespace zhurnal::auth
