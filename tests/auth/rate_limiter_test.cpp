// RateLimiter with an injected clock: lockout per login from one address,
// per address and per login from untrusted addresses, exponential
// lockouts, reset on success, in-flight attempts, and bounded memory under
// a flood of distinct logins.
#include "zhurnal/auth/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "auth_fixture.hpp"

namespace zhurnal::auth {
namespace {

using namespace std::chrono_literals;
using testing::kStart;

class RateLimiterTest : public ::testing::Test {
 protected:
  // One complete failed attempt, as the Authenticator makes it.
  bool fail(std::string_view login, std::string_view address, TimePoint now) {
    if (!limiter_.acquire(login, address, now).allowed) return false;
    limiter_.record_failure(login, address, now);
    return true;
  }

  RateLimiter limiter_;
};

TEST_F(RateLimiterTest, LocksLoginFromOneAddressAfterFiveFailuresForFifteenMinutes) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart + i * 1s));
  const auto d = limiter_.check("petrov", "10.0.0.1", kStart + 4s);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.busy);
  EXPECT_EQ(d.retry_after, 15min);
  EXPECT_FALSE(limiter_.acquire("petrov", "10.0.0.1", kStart + 14min).allowed);
  EXPECT_TRUE(limiter_.check("ivanov", "10.0.0.1", kStart + 5s).allowed);  // other logins
  EXPECT_TRUE(limiter_.check("petrov", "10.0.0.1", kStart + 4s + 15min).allowed);
}

// Account lockout must not be a denial of service: a guesser at one address
// does not lock the owner out at another.
TEST_F(RateLimiterTest, GuessingFromOneAddressDoesNotLockTheOwnerElsewhere) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart));
  EXPECT_FALSE(limiter_.check("petrov", "10.0.0.1", kStart).allowed);
  EXPECT_TRUE(limiter_.check("petrov", "10.0.0.2", kStart).allowed);
}

TEST_F(RateLimiterTest, DistributedGuessingLocksTheLoginExceptWhereItSignedInBefore) {
  // The owner signed in at home a week ago.
  ASSERT_TRUE(limiter_.acquire("petrov", "192.0.2.10", kStart - 168h).allowed);
  limiter_.record_success("petrov", "192.0.2.10", kStart - 168h);
  // 50 failures from 25 addresses, 2 each: no address or pair reaches its limit.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(fail("petrov", "10.1.0." + std::to_string(i / 2), kStart + i * 1s)) << i;
  }
  const TimePoint t = kStart + 60s;
  const auto stranger = limiter_.check("petrov", "10.9.9.9", t);
  EXPECT_FALSE(stranger.allowed);
  EXPECT_EQ(stranger.retry_after, 15min - 11s);
  EXPECT_TRUE(limiter_.check("petrov", "192.0.2.10", t).allowed);  // the owner's address
  EXPECT_TRUE(limiter_.check("ivanov", "10.9.9.9", t).allowed);    // other logins
}

TEST_F(RateLimiterTest, TrustInAnAddressEndsThirtyDaysAfterItsLastSignIn) {
  ASSERT_TRUE(limiter_.acquire("petrov", "192.0.2.10", kStart).allowed);
  limiter_.record_success("petrov", "192.0.2.10", kStart);
  const TimePoint later = kStart + 24h * 31;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(fail("petrov", "10.1.0." + std::to_string(i / 2), later));
  EXPECT_FALSE(limiter_.check("petrov", "192.0.2.10", later).allowed);
}

TEST_F(RateLimiterTest, PriorityOnlyForATrustedPairAndOneAttemptOfItAtATime) {
  // Untrusted: a first attempt, a clean address, another login's trusted address.
  EXPECT_FALSE(limiter_.check("petrov", "192.0.2.10", kStart).priority);
  ASSERT_TRUE(limiter_.acquire("petrov", "192.0.2.10", kStart).allowed);
  limiter_.record_success("petrov", "192.0.2.10", kStart);
  EXPECT_FALSE(limiter_.check("ivanov", "192.0.2.10", kStart).priority);
  EXPECT_FALSE(limiter_.check("petrov", "192.0.2.11", kStart).priority);
  // Trusted: the first attempt in flight has priority, a second one not.
  const auto first = limiter_.acquire("petrov", "192.0.2.10", kStart + 1s);
  EXPECT_TRUE(first.allowed && first.priority);
  const auto second = limiter_.acquire("petrov", "192.0.2.10", kStart + 1s);
  EXPECT_TRUE(second.allowed);
  EXPECT_FALSE(second.priority);
  limiter_.record_failure("petrov", "192.0.2.10", kStart + 1s);
  limiter_.record_failure("petrov", "192.0.2.10", kStart + 1s);
  // After failures the pair still has priority, until its own limit locks it.
  EXPECT_TRUE(limiter_.check("petrov", "192.0.2.10", kStart + 2s).priority);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(fail("petrov", "192.0.2.10", kStart + 2s));
  const auto locked = limiter_.check("petrov", "192.0.2.10", kStart + 3s);
  EXPECT_FALSE(locked.allowed);
  EXPECT_FALSE(locked.priority);
  // Trust ends with trust_for.
  EXPECT_FALSE(limiter_.check("petrov", "192.0.2.10", kStart + 24h * 31).priority);
}

TEST_F(RateLimiterTest, TooManyAttemptsInProgressFromOneAddressAreBusy) {
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(limiter_.acquire("u" + std::to_string(i), "10.0.0.1", kStart).allowed);
  }
  const auto d = limiter_.acquire("u9", "10.0.0.1", kStart);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.busy);
  EXPECT_EQ(d.retry_after, 1s);
  EXPECT_TRUE(limiter_.acquire("u9", "10.0.0.2", kStart).allowed);  // other addresses
  limiter_.record_failure("u0", "10.0.0.1", kStart);
  EXPECT_TRUE(limiter_.acquire("u9", "10.0.0.1", kStart).allowed);
}

TEST_F(RateLimiterTest, LoginsAreCountedCaseInsensitively) {
  for (const char* login : {"petrov", "Petrov", "PETROV", "pEtrov", "petroV"}) {
    ASSERT_TRUE(fail(login, "10.0.0.1", kStart));
  }
  EXPECT_FALSE(limiter_.check("petrov", "10.0.0.1", kStart).allowed);
}

TEST_F(RateLimiterTest, LockoutsDoubleUpToTheCap) {
  TimePoint t = kStart;
  for (auto expected : {15min, 30min, 60min, 60min}) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", t)) << i;
    const auto d = limiter_.check("petrov", "10.0.0.1", t);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, std::chrono::seconds(expected));
    t += expected;
  }
}

TEST_F(RateLimiterTest, LockoutLevelResetsAfterAQuietPeriod) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart));
  const TimePoint later = kStart + 15min + 1h;  // an hour clean after the lockout
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", later));
  EXPECT_EQ(limiter_.check("petrov", "10.0.0.1", later).retry_after, 15min);
}

TEST_F(RateLimiterTest, FailuresOutsideTheWindowDoNotAddUp) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart + 16min));
  EXPECT_TRUE(limiter_.check("petrov", "10.0.0.1", kStart + 16min).allowed);
}

TEST_F(RateLimiterTest, SuccessResetsTheLoginButNotTheAddress) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart));
  ASSERT_TRUE(limiter_.acquire("petrov", "10.0.0.1", kStart).allowed);
  limiter_.record_success("petrov", "10.0.0.1", kStart);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(fail("petrov", "10.0.0.1", kStart));
  EXPECT_TRUE(limiter_.check("petrov", "10.0.0.1", kStart).allowed);
  // The address has 8 failures; 12 more (on other logins) lock it.
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(fail("u" + std::to_string(i), "10.0.0.1", kStart));
  EXPECT_FALSE(limiter_.check("someone", "10.0.0.1", kStart).allowed);
}

TEST_F(RateLimiterTest, LocksAddressAfterTwentyFailuresOnAnyLogins) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(fail("u" + std::to_string(i), "10.0.0.1", kStart));
  const auto d = limiter_.check("fresh", "10.0.0.1", kStart);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 15min);
  EXPECT_TRUE(limiter_.check("fresh", "10.0.0.2", kStart).allowed);
}

TEST_F(RateLimiterTest, IPv6AddressesAreCountedByTheirSlash64) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(fail("u" + std::to_string(i), "2001:db8:1:2::" + std::to_string(i + 1), kStart));
  }
  EXPECT_FALSE(limiter_.check("x", "2001:db8:1:2:ffff::1", kStart).allowed);
  EXPECT_TRUE(limiter_.check("x", "2001:db8:1:3::1", kStart).allowed);
  // IPv4-mapped addresses count as their IPv4 address.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(fail("v" + std::to_string(i), "192.0.2.7", kStart));
  EXPECT_FALSE(limiter_.check("x", "::ffff:192.0.2.7", kStart).allowed);
}

TEST_F(RateLimiterTest, InFlightAttemptsCountAgainstTheLimit) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter_.acquire("petrov", "10.0.0.1", kStart).allowed);
  const auto d = limiter_.acquire("petrov", "10.0.0.1", kStart);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);
  limiter_.abandon("petrov", "10.0.0.1");  // not counted as a failure
  EXPECT_TRUE(limiter_.acquire("petrov", "10.0.0.1", kStart).allowed);
}

TEST_F(RateLimiterTest, MemoryIsBoundedUnderAFloodOfLogins) {
  RateLimiter capped({{5, 15min, 15min, 1h}, {20, 15min, 15min, 1h}, 24h, 1000});
  for (int i = 0; i < 50'000; ++i) {
    const std::string login = "flood" + std::to_string(i);
    const std::string address = "10." + std::to_string(i % 250) + ".0." + std::to_string(i % 7);
    (void)capped.acquire(login, address, kStart + i * 1ms);
    capped.record_failure(login, address, kStart + i * 1ms);
  }
  EXPECT_LE(capped.entries(), 4000u);  // four tables of at most 1000
}

TEST_F(RateLimiterTest, DefaultCapHoldsAHundredThousandLogins) {
  for (int i = 0; i < 150'000; ++i) {
    limiter_.record_failure("flood" + std::to_string(i), "10.0.0.1", kStart);
  }
  EXPECT_LE(limiter_.entries(), 2 * 100'000u + 1u);  // login-from-address and login tables
}

TEST_F(RateLimiterTest, QuietKeysAreForgotten) {
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(fail("u" + std::to_string(i), "a" + std::to_string(i), kStart));
  EXPECT_EQ(limiter_.entries(), 300u);  // 100 pairs, 100 addresses, 100 logins
  for (int i = 0; i < 20; ++i) (void)fail("late", "b", kStart + 25h);
  EXPECT_LT(limiter_.entries(), 200u);
}

}  // namespace
}  // namespace zhurnal::auth
