// SessionManager with an injected clock: idle and absolute expiry, revoking
// a user's sessions with the report the server needs to close sockets, and
// bounded memory.
#include "zhurnal/auth/session_manager.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "auth_fixture.hpp"

namespace zhurnal::auth {
namespace {

using namespace std::chrono_literals;
using testing::kStart;

class SessionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { watch(sessions_); }

  // Records every ended session reported by `m`.
  void watch(SessionManager& m) {
    m.on_ended([this](const std::string& token, EndReason reason) {
      std::lock_guard lock(mu_);
      ended_[token] = reason;
    });
  }
  std::map<std::string, EndReason> ended() {
    std::lock_guard lock(mu_);
    return ended_;
  }

  SessionManager sessions_;
  std::mutex mu_;
  std::map<std::string, EndReason> ended_;
};

TEST_F(SessionManagerTest, CreateThenValidate) {
  const std::string token = sessions_.create("u1", "10.0.0.7", kStart);
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  auto info = sessions_.validate(token, kStart + 1min);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->user_id, "u1");
  EXPECT_EQ(info->address, "10.0.0.7");
  EXPECT_EQ(info->created, kStart);
  EXPECT_EQ(info->last_seen, kStart + 1min);
  EXPECT_NE(sessions_.create("u1", "10.0.0.7", kStart), token);
}

TEST_F(SessionManagerTest, UnknownOrMalformedTokensAreRejected) {
  const std::string token = sessions_.create("u1", "10.0.0.7", kStart);
  std::string other = token;
  other[10] = other[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(sessions_.validate(other, kStart));
  EXPECT_FALSE(sessions_.validate("", kStart));
  EXPECT_FALSE(sessions_.validate(token.substr(1), kStart));
  EXPECT_FALSE(sessions_.validate(token + "0", kStart));
  EXPECT_TRUE(sessions_.validate(token, kStart));
}

TEST_F(SessionManagerTest, IdleExpiryIsSlidingAndReported) {
  const std::string token = sessions_.create("u1", "a", kStart);
  EXPECT_TRUE(sessions_.validate(token, kStart + 29min));
  EXPECT_TRUE(sessions_.validate(token, kStart + 58min));   // 29 min after the last use
  EXPECT_FALSE(sessions_.validate(token, kStart + 88min));  // 30 min idle
  EXPECT_EQ(ended(), (std::map<std::string, EndReason>{{token, EndReason::kExpired}}));
  EXPECT_FALSE(sessions_.validate(token, kStart + 89min));  // gone for good
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(SessionManagerTest, AbsoluteExpiryEvenWhenActive) {
  const std::string token = sessions_.create("u1", "a", kStart);
  TimePoint t = kStart;
  for (; t < kStart + 12h - 10min; t += 10min) ASSERT_TRUE(sessions_.validate(token, t));
  EXPECT_FALSE(sessions_.validate(token, kStart + 12h));
  EXPECT_EQ(ended().at(token), EndReason::kExpired);
}

TEST_F(SessionManagerTest, TimeoutsAreConfigurable) {
  SessionManager short_lived({5min, 1h, 16, 1000});
  const std::string token = short_lived.create("u1", "a", kStart);
  EXPECT_TRUE(short_lived.validate(token, kStart + 4min));
  EXPECT_FALSE(short_lived.validate(token, kStart + 9min));
}

TEST_F(SessionManagerTest, ClockGoingBackDoesNotRewindLastSeen) {
  const std::string token = sessions_.create("u1", "a", kStart);
  ASSERT_TRUE(sessions_.validate(token, kStart + 20min));
  auto info = sessions_.validate(token, kStart + 5min);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->last_seen, kStart + 20min);
}

TEST_F(SessionManagerTest, RevokeUserEndsAllSessionsAndReportsThem) {
  std::set<std::string> mine;
  for (const char* where : {"school", "phone", "home"}) {
    mine.insert(sessions_.create("u1", where, kStart));
  }
  const std::string theirs = sessions_.create("u2", "school", kStart);
  EXPECT_EQ(sessions_.revoke_user("u1"), 3u);
  std::set<std::string> reported;
  for (const auto& [token, reason] : ended()) {
    EXPECT_EQ(reason, EndReason::kRevoked);
    reported.insert(token);
  }
  EXPECT_EQ(reported, mine);
  for (const auto& token : mine) EXPECT_FALSE(sessions_.validate(token, kStart));
  EXPECT_TRUE(sessions_.validate(theirs, kStart));
  EXPECT_EQ(sessions_.revoke_user("u1"), 0u);
}

TEST_F(SessionManagerTest, RevokeUserCanKeepOneSession) {
  const std::string keep = sessions_.create("u1", "a", kStart);
  const std::string other = sessions_.create("u1", "b", kStart);
  EXPECT_EQ(sessions_.revoke_user("u1", keep), 1u);
  EXPECT_TRUE(sessions_.validate(keep, kStart));
  EXPECT_FALSE(sessions_.validate(other, kStart));
}

TEST_F(SessionManagerTest, RevokeOneSession) {
  const std::string token = sessions_.create("u1", "a", kStart);
  EXPECT_TRUE(sessions_.revoke(token, EndReason::kSignedOut));
  EXPECT_FALSE(sessions_.revoke(token));
  EXPECT_EQ(ended(), (std::map<std::string, EndReason>{{token, EndReason::kSignedOut}}));
  EXPECT_FALSE(sessions_.validate(token, kStart));
}

TEST_F(SessionManagerTest, SweepEndsExpiredSessions) {
  const std::string old_one = sessions_.create("u1", "a", kStart);
  const std::string fresh = sessions_.create("u2", "a", kStart + 20min);
  EXPECT_EQ(sessions_.sweep(kStart + 31min), 1u);
  EXPECT_EQ(ended(), (std::map<std::string, EndReason>{{old_one, EndReason::kExpired}}));
  EXPECT_TRUE(sessions_.validate(fresh, kStart + 31min));
}

TEST_F(SessionManagerTest, PerUserCapEvictsLeastRecentlySeen) {
  SessionManager capped({30min, 12h, 3, 1000});
  watch(capped);
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) tokens.push_back(capped.create("u1", "a", kStart + i * 1min));
  ASSERT_TRUE(capped.validate(tokens[0], kStart + 5min));  // tokens[1] is now the stalest
  const std::string fourth = capped.create("u1", "a", kStart + 6min);
  EXPECT_EQ(capped.size(), 3u);
  EXPECT_EQ(ended(), (std::map<std::string, EndReason>{{tokens[1], EndReason::kEvicted}}));
  EXPECT_TRUE(capped.validate(fourth, kStart + 6min));
}

TEST_F(SessionManagerTest, GlobalCapBoundsMemory) {
  SessionManager capped({30min, 12h, 16, 100});
  for (int i = 0; i < 1000; ++i) {
    (void)capped.create("u" + std::to_string(i), "a", kStart + i * 1s);
    ASSERT_LE(capped.size(), 100u);
  }
}

TEST_F(SessionManagerTest, CallbackMayCallBackIntoTheManager) {
  size_t size_seen = 99;
  sessions_.on_ended([&](const std::string&, EndReason) { size_seen = sessions_.size(); });
  const std::string token = sessions_.create("u1", "a", kStart);
  EXPECT_TRUE(sessions_.revoke(token));
  EXPECT_EQ(size_seen, 0u);
}

TEST_F(SessionManagerTest, ConcurrentUseIsSafe) {
  std::atomic<size_t> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string user = "u" + std::to_string(t % 2);
      for (int i = 0; i < 500; ++i) {
        const std::string token = sessions_.create(user, "a", kStart);
        ++created;
        (void)sessions_.validate(token, kStart + 1s);
        if (i % 50 == 0) (void)sessions_.revoke_user(user);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 2000u);
  EXPECT_LE(sessions_.size(), 2u * 16u);
}

}  // namespace
}  // namespace zhurnal::auth
