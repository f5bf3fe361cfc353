#include "zhurnal/auth/auth_error.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace zhurnal::auth {

std::string_view auth_code_name(AuthCode code) {
  switch (code) {
    case AuthCode::kBadCredentials:
      return "bad_credentials";
    case AuthCode::kRateLimited:
      return "rate_limited";
    case AuthCode::kNoAccess:
      return "no_access";
    case AuthCode::kSessionExpired:
      return "session_expired";
    case AuthCode::kInvalidPassword:
      return "invalid_password";
    case AuthCode::kInvalidLogin:
      return "invalid_login";
    case AuthCode::kLoginTaken:
      return "login_taken";
    case AuthCode::kInternal:
      return "internal";
    case AuthCode::kBusy:
      return "busy";
    case AuthCode::kPasswordChangeRequired:
      return "password_change_required";
  }
  return "unknown";
}

AuthError bad_credentials() {
  return {AuthCode::kBadCredentials, "Неверный логин или пароль.", {}, {}};
}

AuthError rate_limited(std::chrono::seconds retry_after) {
  const auto minutes = std::max<int64_t>(1, (retry_after.count() + 59) / 60);
  return {AuthCode::kRateLimited,
          "Слишком много попыток входа. Повторите через " + std::to_string(minutes) + " мин.",
          retry_after,
          {}};
}

AuthError no_access() {
  return {
      AuthCode::kNoAccess, "Доступ к журналу закрыт. Обратитесь к администратору школы.", {}, {}};
}

AuthError session_expired() {
  return {AuthCode::kSessionExpired, "Сеанс завершён, войдите снова.", {}, {}};
}

AuthError invalid_password(std::string message_ru) {
  return {AuthCode::kInvalidPassword, std::move(message_ru), {}, {}};
}

AuthError invalid_login(std::string detail) {
  return {AuthCode::kInvalidLogin,
          "Логин может содержать латинские буквы, цифры и знаки «.», «_», «-», «@» "
          "(не более 64 символов).",
          {},
          std::move(detail)};
}

AuthError login_taken() { return {AuthCode::kLoginTaken, "Этот логин уже занят.", {}, {}}; }

AuthError password_change_required() {
  return {AuthCode::kPasswordChangeRequired,
          "Это временный пароль, выданный школой. Придумайте свой пароль, чтобы войти.",
          {},
          {}};
}

AuthError internal_error(std::string detail) {
  return {AuthCode::kInternal,
          "Внутренняя ошибка сервера. Повторите попытку позже.",
          {},
          std::move(detail)};
}

AuthError busy(std::chrono::seconds retry_after) {
  const auto seconds = std::max<int64_t>(1, retry_after.count());
  return {AuthCode::kBusy,
          "Сервер занят проверкой паролей. Повторите через " + std::to_string(seconds) + " с.",
          std::chrono::seconds(seconds),
          "no password hashing slot free in time"};
}

AuthError busy_address(std::chrono::seconds retry_after) {
  const auto seconds = std::max<int64_t>(1, retry_after.count());
  return {AuthCode::kBusy,
          "Слишком много одновременных попыток входа с вашего адреса. Повторите через " +
              std::to_string(seconds) + " с.",
          std::chrono::seconds(seconds),
          "too many sign-ins in progress from one address"};
}

}  // namespace zhurnal::auth
