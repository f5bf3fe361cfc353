// Authenticator end to end over a real credential KvStore: sign-in with rate
// limits, revocation ending sessions, password change and issue.
#include "zhurnal/auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <mutex>

#include "auth_fixture.hpp"

namespace zhurnal::auth {
namespace {

using namespace std::chrono_literals;
using testing::kStart;

class AuthenticatorTest : public testing::CredentialFixture {
 protected:
  void SetUp() override {
    CredentialFixture::SetUp();
    sessions_.on_ended([this](const std::string& token, EndReason reason) {
      std::lock_guard lock(mu_);
      ended_[token] = reason;
    });
    auth_ = std::make_unique<Authenticator>(*credentials_, sessions_, limiter_);
    ASSERT_TRUE(credentials_->set_password("u-petrov", "petrov", "correct horse"));
  }

  std::string sign_in(std::string_view address = "10.0.0.1", TimePoint at = kStart) {
    auto r = auth_->sign_in("petrov", "correct horse", address, at);
    EXPECT_TRUE(r) << r.error().code_name();
    return r ? r->token : std::string();
  }

  SessionManager sessions_;
  RateLimiter limiter_;
  std::unique_ptr<Authenticator> auth_;
  std::mutex mu_;
  std::map<std::string, EndReason> ended_;
};

TEST_F(AuthenticatorTest, SignInStartsASession) {
  auto r = auth_->sign_in("Petrov", "correct horse", "10.0.0.1", kStart);
  ASSERT_TRUE(r) << r.error().code_name();
  EXPECT_EQ(r->user_id, "u-petrov");
  auto info = sessions_.validate(r->token, kStart + 1min);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->user_id, "u-petrov");
  EXPECT_EQ(info->address, "10.0.0.1");
}

TEST_F(AuthenticatorTest, UnknownLoginAndWrongPasswordLookTheSame) {
  auto wrong = auth_->sign_in("petrov", "battery staple", "10.0.0.1", kStart);
  auto unknown = auth_->sign_in("sidorov", "battery staple", "10.0.0.1", kStart);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code_name(), "bad_credentials");
  EXPECT_EQ(unknown.error().code_name(), "bad_credentials");
  EXPECT_EQ(wrong.error().message_ru, unknown.error().message_ru);
  EXPECT_EQ(wrong.error().message_ru, "Неверный логин или пароль.");
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(AuthenticatorTest, RateLimitedEvenWithTheRightPasswordThenRecovers) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth_->sign_in("petrov", "guess" + std::to_string(i) + "xxxx", "10.0.0.1", kStart)
                  .error()
                  .code_name(),
              "bad_credentials");
  }
  const uint64_t hashes = credentials_->hash_operations();
  auto locked = auth_->sign_in("petrov", "correct horse", "10.0.0.1", kStart + 1min);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code_name(), "rate_limited");
  EXPECT_EQ(locked.error().retry_after, 14min);
  EXPECT_EQ(locked.error().message_ru, "Слишком много попыток входа. Повторите через 14 мин.");
  EXPECT_EQ(credentials_->hash_operations(), hashes);  // no argon2id spent on a locked login
  // The owner at another address is not locked out by the guesser.
  EXPECT_TRUE(auth_->sign_in("petrov", "correct horse", "10.0.0.2", kStart + 1min));
  EXPECT_TRUE(auth_->sign_in("petrov", "correct horse", "10.0.0.1", kStart + 15min));
}

TEST_F(AuthenticatorTest, NoHashingSlotInTimeIsBusyAndNotCountedAsAFailure) {
  // One slot, no waiting: while a hash runs on another thread, a check is busy.
  CredentialStore::Options o = testing::fast_options();
  o.params = {2, 16u << 20};  // slow enough to overlap (16 MiB)
  o.max_concurrent_hashes = 1;
  o.max_waiting_checks = 0;
  credentials_.reset();
  credentials_ = std::make_unique<CredentialStore>(kv_.get(), o);
  auth_ = std::make_unique<Authenticator>(*credentials_, sessions_, limiter_);
  std::atomic<bool> stop{false};
  std::thread hog([&] {
    while (!stop) (void)credentials_->check("petrov", "correct horse");
  });
  std::string code, login, address;
  for (int i = 0; i < 2000 && code != "busy"; ++i) {
    // A fresh login and address each time: no limit is reached meanwhile.
    login = "nobody" + std::to_string(i);
    address = "10." + std::to_string(i / 200) + "." + std::to_string(i % 200) + ".1";
    auto r = auth_->sign_in(login, "wrong password", address, kStart);
    code = r ? "ok" : std::string(r.error().code_name());
  }
  stop = true;
  hog.join();
  ASSERT_EQ(code, "busy");
  auto r = auth_->sign_in("petrov", "wrong password", "10.0.0.3", kStart);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_name(), "bad_credentials");
  // The busy attempt did not count: four failures more leave the pair open.
  for (int i = 0; i < 4; ++i) (void)auth_->sign_in(login, "wrong password", address, kStart);
  EXPECT_TRUE(limiter_.check(login, address, kStart).allowed);
}

TEST_F(AuthenticatorTest, RevokeAccessEndsAllSessionsAndSignInSaysNoAccess) {
  const std::string a = sign_in("10.0.0.1");
  const std::string b = sign_in("10.0.0.2");
  auto ended = auth_->revoke_access("u-petrov");
  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, 2u);
  EXPECT_EQ(ended_,
            (std::map<std::string, EndReason>{{a, EndReason::kRevoked}, {b, EndReason::kRevoked}}));
  EXPECT_FALSE(sessions_.validate(a, kStart));
  EXPECT_FALSE(sessions_.validate(b, kStart));

  auto again = auth_->sign_in("petrov", "correct horse", "10.0.0.1", kStart);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code_name(), "no_access");
  auto guess = auth_->sign_in("petrov", "battery staple", "10.0.0.1", kStart);
  EXPECT_EQ(guess.error().code_name(), "bad_credentials");
}

TEST_F(AuthenticatorTest, ChangePasswordInvalidatesTheOldOneAndOtherSessions) {
  const std::string here = sign_in("10.0.0.1");
  const std::string elsewhere = sign_in("10.0.0.2");
  ASSERT_TRUE(auth_->change_password(here, "correct horse", "battery staple", kStart + 1min));

  EXPECT_EQ(
      auth_->sign_in("petrov", "correct horse", "10.0.0.1", kStart + 2min).error().code_name(),
      "bad_credentials");
  EXPECT_TRUE(auth_->sign_in("petrov", "battery staple", "10.0.0.1", kStart + 2min));
  EXPECT_TRUE(sessions_.validate(here, kStart + 2min));
  EXPECT_FALSE(sessions_.validate(elsewhere, kStart + 2min));
  EXPECT_EQ(ended_.at(elsewhere), EndReason::kRevoked);
}

TEST_F(AuthenticatorTest, ChangePasswordChecksTheCurrentPasswordWithRateLimits) {
  const std::string token = sign_in();
  auto wrong = auth_->change_password(token, "not my password", "battery staple", kStart);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code_name(), "bad_credentials");
  EXPECT_EQ(wrong.error().message_ru, "Неверный текущий пароль.");
  for (int i = 0; i < 4; ++i) {
    (void)auth_->change_password(token, "not my password", "battery staple", kStart);
  }
  auto locked = auth_->change_password(token, "correct horse", "battery staple", kStart);
  EXPECT_EQ(locked.error().code_name(), "rate_limited");

  auto short_one = auth_->change_password(token, "correct horse", "short", kStart);
  EXPECT_EQ(short_one.error().code_name(), "invalid_password");
  auto no_session =
      auth_->change_password(std::string(64, 'a'), "correct horse", "battery staple", kStart);
  EXPECT_EQ(no_session.error().code_name(), "session_expired");
}

TEST_F(AuthenticatorTest, SignOutEndsTheSession) {
  const std::string token = sign_in();
  EXPECT_TRUE(auth_->sign_out(token));
  EXPECT_FALSE(auth_->sign_out(token));
  EXPECT_EQ(ended_.at(token), EndReason::kSignedOut);
  EXPECT_FALSE(sessions_.validate(token, kStart));
}

TEST_F(AuthenticatorTest, IssueGivesAWorkingInitialPasswordAndResetsAccess) {
  auto first = auth_->issue("u-ivanova", "ivanova");
  ASSERT_TRUE(first) << first.error().code_name();
  auto r = auth_->sign_in("ivanova", *first, "10.0.0.1", kStart, "свой пароль 1");
  ASSERT_TRUE(r);
  // A reset: a new password, the old one and the old sessions stop working.
  auto second = auth_->issue("u-ivanova", "ivanova");
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  EXPECT_FALSE(sessions_.validate(r->token, kStart));
  EXPECT_FALSE(auth_->sign_in("ivanova", *first, "10.0.0.1", kStart, "свой пароль 2"));
  EXPECT_FALSE(auth_->sign_in("ivanova", "свой пароль 1", "10.0.0.1", kStart));
  EXPECT_TRUE(auth_->sign_in("ivanova", *second, "10.0.0.1", kStart, "свой пароль 2"));
  EXPECT_EQ(auth_->issue("u-other", "ivanova").error().code_name(), "login_taken");
}

TEST_F(AuthenticatorTest, AnInitialPasswordSignsInOnceToSetTheUsersOwn) {
  auto initial = auth_->issue("u-ivanova", "ivanova");
  ASSERT_TRUE(initial);
  // Alone, the right initial password starts no session and says why.
  auto alone = auth_->sign_in("ivanova", *initial, "10.0.0.1", kStart);
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().code_name(), "password_change_required");
  const size_t sessions = sessions_.size();
  // A wrong one is a wrong password, as always.
  EXPECT_EQ(auth_->sign_in("ivanova", "not the slip", "10.0.0.1", kStart, "свой пароль 1")
                .error()
                .code_name(),
            "bad_credentials");
  // The new password must follow the rules and differ from the slip's.
  EXPECT_EQ(auth_->sign_in("ivanova", *initial, "10.0.0.1", kStart, "short").error().code_name(),
            "invalid_password");
  EXPECT_EQ(auth_->sign_in("ivanova", *initial, "10.0.0.1", kStart, *initial).error().code_name(),
            "invalid_password");
  // With one, she is in, and from then on only her own password works.
  auto in = auth_->sign_in("ivanova", *initial, "10.0.0.1", kStart, "свой пароль 1");
  ASSERT_TRUE(in) << in.error().code_name();
  EXPECT_EQ(sessions_.size(), sessions + 1) << "a refused sign-in left a session";
  EXPECT_EQ(in->user_id, "u-ivanova");
  EXPECT_FALSE(auth_->sign_in("ivanova", *initial, "10.0.0.1", kStart, "свой пароль 2"));
  auto again = auth_->sign_in("ivanova", "свой пароль 1", "10.0.0.1", kStart);
  ASSERT_TRUE(again);
  // A password of her own may be changed as she signs in; her other
  // sessions end.
  auto changed = auth_->sign_in("ivanova", "свой пароль 1", "10.0.0.1", kStart, "свой пароль 3");
  ASSERT_TRUE(changed);
  EXPECT_FALSE(sessions_.validate(again->token, kStart));
  EXPECT_TRUE(auth_->sign_in("ivanova", "свой пароль 3", "10.0.0.1", kStart));
}

TEST_F(AuthenticatorTest, SignInUpgradesAnOutdatedHash) {
  CredentialStore stronger(kv_.get(), {{2, 16u << 10}, 2});
  ASSERT_EQ(stronger.needs_rehash("petrov").value_or(false), true);
  Authenticator auth(stronger, sessions_, limiter_);
  ASSERT_TRUE(auth.sign_in("petrov", "correct horse", "10.0.0.1", kStart));
  EXPECT_EQ(stronger.needs_rehash("petrov").value_or(true), false);
  EXPECT_TRUE(auth.sign_in("petrov", "correct horse", "10.0.0.1", kStart));
}

}  // namespace
}  // namespace zhurnal::auth
