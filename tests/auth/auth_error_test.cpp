// Error codes reach clients: their names must never change.
#include "zhurnal/auth/auth_error.hpp"

#include <gtest/gtest.h>

namespace zhurnal::auth {
namespace {

using namespace std::chrono_literals;

TEST(AuthErrorTest, CodeNamesAreStable) {
  const std::pair<AuthCode, std::string_view> table[] = {
      {AuthCode::kBadCredentials, "bad_credentials"},
      {AuthCode::kRateLimited, "rate_limited"},
      {AuthCode::kNoAccess, "no_access"},
      {AuthCode::kSessionExpired, "session_expired"},
      {AuthCode::kInvalidPassword, "invalid_password"},
      {AuthCode::kInvalidLogin, "invalid_login"},
      {AuthCode::kLoginTaken, "login_taken"},
      {AuthCode::kInternal, "internal"},
  };
  for (const auto& [code, name] : table) EXPECT_EQ(auth_code_name(code), name);
}

TEST(AuthErrorTest, RateLimitedSaysWhenInWholeMinutesRoundedUp) {
  const std::pair<std::chrono::seconds, std::string> table[] = {
      {1s, "Слишком много попыток входа. Повторите через 1 мин."},
      {60s, "Слишком много попыток входа. Повторите через 1 мин."},
      {61s, "Слишком много попыток входа. Повторите через 2 мин."},
      {900s, "Слишком много попыток входа. Повторите через 15 мин."},
  };
  for (const auto& [after, message] : table) {
    const AuthError e = rate_limited(after);
    EXPECT_EQ(e.code_name(), "rate_limited");
    EXPECT_EQ(e.retry_after, after);
    EXPECT_EQ(e.message_ru, message);
  }
}

TEST(AuthErrorTest, BadCredentialsMessage) {
  EXPECT_EQ(bad_credentials().message_ru, "Неверный логин или пароль.");
}

}  // namespace
}  // namespace zhurnal::auth
